package unionpay.acp

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.MessageDigest
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.fail
import uniffi.acp_core.AcpException

/** The repository root (set by the pom) and its tests/ folder. */
val REPO: Path = Paths.get(System.getProperty("acp.repo") ?: "../..").toAbsolutePath().normalize()
val TESTS: Path = REPO.resolve("tests")

fun read(rel: String): ByteArray = Files.readAllBytes(TESTS.resolve(rel))

fun load(name: String) = JSONObject(String(read("vectors/$name"), Charsets.UTF_8))

/** (group, test) pairs of a vector file; the count must match its header. */
fun eachTest(name: String): List<Pair<JSONObject, JSONObject>> {
    val doc = load(name)
    val out = mutableListOf<Pair<JSONObject, JSONObject>>()
    val groups = doc.getJSONArray("testGroups")
    for (i in 0 until groups.length()) {
        val g = groups.getJSONObject(i)
        val tests = g.getJSONArray("tests")
        for (j in 0 until tests.length()) out += g to tests.getJSONObject(j)
    }
    assertEquals(doc.getInt("numberOfTests"), out.size, "$name: test count")
    check(out.isNotEmpty())
    return out
}

fun JSONObject.str(key: String): String = getString(key)
fun JSONObject.strOrNull(key: String): String? = if (has(key) && !isNull(key)) getString(key) else null

fun JSONObject.toFields(): Map<String, String> = keySet().associateWith { getString(it) }

fun JSONObject.files(key: String): List<ByteArray> {
    val a: JSONArray = optJSONArray(key) ?: return emptyList()
    return (0 until a.length()).map { read(a.getString(it)) }
}

fun hex(s: String): ByteArray = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
fun ByteArray.hex(): String = joinToString("") { "%02x".format(it) }
fun digest(alg: String, data: ByteArray): String = MessageDigest.getInstance(alg).digest(data).hex()

/** A valid case must succeed and pass [check]; an invalid one must fail with its code (and step). */
fun <T> expectOutcome(t: JSONObject, run: () -> T, check: (T) -> Unit) {
    val id = "tcId ${t.get("tcId")} (${t.optString("comment")})"
    val value = try {
        run()
    } catch (e: AcpException) {
        if (t.str("result") == "valid") fail<Unit>("$id: unexpected $e")
        assertEquals(t.getInt("errorCode"), e.code.toInt(), "$id: $e")
        t.strOrNull("errorStep")?.let { assertEquals(it, e.step, "$id: step of $e") }
        return
    }
    if (t.str("result") != "valid") fail<Unit>("$id: expected error ${t.opt("errorCode")}")
    check(value)
}

/** The `acp` binary: the pom's acp.bin (test.sh), else ACP_BIN, else target/release/acp. */
fun acpBin(): java.io.File = java.io.File(
    System.getProperty("acp.bin")?.takeIf { it.isNotEmpty() }
        ?: System.getenv("ACP_BIN")?.takeIf { it.isNotEmpty() }
        ?: REPO.resolve("target/release/acp").toString(),
)

/** `acp sandbox` on 127.0.0.1 with [args]; [url] is its base URL (its first stdout line). */
class Sandbox(vararg args: String) : AutoCloseable {
    private val process: Process = ProcessBuilder(
        listOf(acpBin().path, "sandbox", "--port", "0", "--bind", "127.0.0.1", "--exit-on-eof") + args,
    ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
    val url: String
    private val http = java.net.http.HttpClient.newHttpClient()

    init {
        val out = process.inputStream.bufferedReader()
        url = out.readLine()?.trim()?.trimEnd('/') ?: error("acp sandbox printed nothing")
        check(url.startsWith("http://127.0.0.1") || url.startsWith("https://127.0.0.1")) { "acp sandbox printed '$url'" }
        Thread { out.readLines() }.apply { isDaemon = true }.start() // drain the rest
    }

    /** GET [path] (`/_sandbox/…`): the body. */
    fun get(path: String): String = http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + path)).timeout(java.time.Duration.ofSeconds(5)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString(),
    ).body()

    /** POST the form [form] to [path]: the status and body. */
    fun post(path: String, form: String): Pair<Int, String> = http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + path)).timeout(java.time.Duration.ofSeconds(5))
            .header("Content-Type", FORM_CONTENT_TYPE).POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString(),
    ).let { it.statusCode() to it.body() }

    override fun close() {
        process.outputStream.close() // --exit-on-eof
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly()
    }
}
