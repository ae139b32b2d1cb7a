package unionpay.acp

import java.net.URLEncoder
import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.acp_core.AcpException
import uniffi.acp_core.BookEntry
import uniffi.acp_core.BookState
import uniffi.acp_core.NextStep
import uniffi.acp_core.Notification
import uniffi.acp_core.Outcome
import uniffi.acp_core.OutgoingRequest
import uniffi.acp_core.readReconciliationArchive
import uniffi.acp_core.reconcile
import uniffi.unionpay_acp_ffi.Credentials
import uniffi.unionpay_acp_ffi.MerchantKey
import uniffi.unionpay_acp_ffi.keyUpdateToJson
import uniffi.unionpay_acp_ffi.nextStepToJson

/**
 * The Kotlin runner of the shared conformance scenarios (tests/conformance/, whose README
 * is the contract every runner follows), step for step as the Rust and JS runners, through
 * the facade ([AcpClient], its queryUntilFinal: each wait advances the sandbox clock).
 * Prints `conformance kotlin: N passed, M failed`; fails on a failure.
 */
class ConformanceTest {
    private class StepFailure(message: String) : Exception(message)

    private fun fail(message: String): Nothing = throw StepFailure(message)

    /** One scenario's run: its client, saved values and kept requests and steps. */
    private class Kept(val request: OutgoingRequest?, val step: NextStep?)

    private inner class Run(val sandbox: Sandbox, val tag: String) {
        val vars = LinkedHashMap<String, String>()
        val kept = HashMap<String, Kept>()
        /** The last now handed to the core (`queryAfter` counts from it). */
        var lastNow: Instant = Instant.EPOCH
        // The sandbox's clock, never the machine's.
        val clock: () -> Instant = {
            Instant.ofEpochSecond(JSONObject(sandbox.get("/_sandbox/clock")).getLong("unix")).also { lastNow = it }
        }
        var client = AcpClient(
            settingsJson(
                "merId" to "777290058110097",
                "environment" to mapOf("baseUrl" to sandbox.url),
                "trust" to mapOf("roots" to listOf(read("fixtures/sandbox/root.pem")), "middles" to listOf(read("fixtures/sandbox/middle.pem"))),
                "encryptionCert" to read("fixtures/sandbox/enc.pem"),
            ),
            Credentials.rsa(MerchantKey.fromPkcs12(read("fixtures/sandbox/merchant.pfx"), "000000")),
            clock = clock,
            timeout = Duration.ofMillis(5000),
        )

        fun admin(path: String, form: String) {
            val (status, body) = sandbox.post(path, form)
            if (status != 200) fail("$path: HTTP $status $body")
        }

        /** `${…}` replaced (see the README). */
        fun subst(text: String): String {
            val out = StringBuilder()
            var rest = text
            while (true) {
                val start = rest.indexOf("\${")
                if (start < 0) break
                out.append(rest, 0, start)
                val end = rest.indexOf('}', start)
                if (end < 0) fail("unclosed \${ in $text")
                out.append(valueOf(rest.substring(start + 2, end)))
                rest = rest.substring(end + 1)
            }
            return out.append(rest).toString()
        }

        fun valueOf(name: String): String = when {
            name.startsWith("order:") -> vars.getOrPut(name) { tag + "%04d".format(vars.size) }
            name == "backUrl" -> "${sandbox.url}/_sandbox/sink"
            name == "settleDate" -> JSONObject(sandbox.get("/_sandbox/clock")).optString("clearingDate").takeLast(4)
            else -> vars[name] ?: fail("\${$name} was never saved")
        }

        /** One book entry of the scenario (the core's JSON) as the typed record. */
        fun bookEntry(e: JSONObject): BookEntry = BookEntry(
            orderId = subst(e.getString("orderId")),
            txnType = subst(e.getString("txnType")),
            amountFen = e.getLong("amountFen").toULong(),
            queryId = if (e.has("queryId")) subst(e.getString("queryId")) else null,
            origQueryId = if (e.has("origQueryId")) subst(e.getString("origQueryId")) else null,
            state = BookState.valueOf(e.getString("state").uppercase()),
        )

        /** `verdicts`, `resolutions` and `originals` (orderId → expected) against a reconciliation report. */
        fun checkReport(expect: JSONObject, report: JSONObject) {
            val lines = report.getJSONArray("lines")
            fun line(order: String): JSONObject? =
                (0 until lines.length()).map { lines.getJSONObject(it) }.firstOrNull { it.getString("orderId") == order }
            val verdicts = expect.optJSONObject("verdicts") ?: JSONObject()
            for (order in verdicts.keySet()) {
                val id = subst(order)
                val got = line(id)?.optString("verdict")
                if (got != verdicts.getString(order)) fail("verdict of $id: expected ${verdicts.getString(order)}, got $got")
            }
            val resolutions = expect.optJSONObject("resolutions") ?: JSONObject()
            for (order in resolutions.keySet()) {
                val id = subst(order)
                val l = line(id) ?: fail("resolution of $id: no line")
                val want = if (resolutions.isNull(order)) null else resolutions.getString(order)
                val got = if (l.isNull("resolution")) null else l.getString("resolution")
                if (got != want) fail("resolution of $id: expected $want, got $got")
            }
            val originals = expect.optJSONObject("originals") ?: JSONObject()
            for (order in originals.keySet()) {
                val id = subst(order)
                val wanted = subst(originals.getString(order))
                val got = line(id)?.optJSONObject("original")?.optString("orderId")
                if (got != wanted) fail("original of $id: expected $wanted, got $got")
            }
        }

        fun params(v: JSONObject?): Map<String, String> =
            v?.keySet()?.associateWith { subst(v.get(it).toString()) } ?: emptyMap()

        fun runStep(step: JSONObject) {
            val expect = step.optJSONObject("expect") ?: JSONObject()
            val name = step.optString("as")
            when (val what = step.optString("do")) {
                "call", "build" -> {
                    val request = try {
                        client.build(step.getString("api"), params(step.optJSONObject("params")))
                    } catch (e: AcpException) {
                        return checkError(expect, e)
                    }
                    saveRequest(step, request)
                    if (what == "build") {
                        checkErrorAbsent(expect)
                        kept[name] = Kept(request, null)
                        return
                    }
                    val timed = client.withTimeout(Duration.ofMillis(step.optLong("timeoutMs", 5000)))
                    val next = try {
                        runBlocking { timed.exchange(request) }
                    } catch (e: AcpException) {
                        return checkError(expect, e)
                    }
                    checkStep(expect, next, lastNow)
                    saveOutcome(step, next.outcome())
                    kept[name] = Kept(request, next)
                }
                "until_final" -> {
                    val from = kept[step.optString("from")]?.step ?: fail("nothing kept under '${step.optString("from")}'")
                    val last = try {
                        runBlocking {
                            client.queryUntilFinal(from, step.optInt("maxQueries", 40), Duration.ofDays(3650)) { wait ->
                                admin("/_sandbox/clock", "advance=${(wait.toMillis() + 999) / 1000}")
                            }
                        }
                    } catch (e: AcpException) {
                        fail("query: ${e.message}")
                    }
                    checkOutcome(expect, last.outcome())
                    saveOutcome(step, last.outcome())
                    kept[name] = Kept(null, last)
                }
                "notifications" -> notifications(step, expect)
                "receive" -> {
                    val receipt = client.receiveNotification(subst(step.optString("body")).toByteArray())
                    expectEq(expect, "replyStatus", receipt.reply.status.toInt())
                    receipt.error?.let { checkError(expect, it) } ?: checkErrorAbsent(expect)
                }
                "key_update" -> {
                    val orderId = params(step.optJSONObject("params"))["orderId"] ?: ""
                    val (update, next) = try {
                        runBlocking { client.keyUpdateQuery("orderId" to orderId) }
                    } catch (e: Exception) {
                        fail("key update: ${e.message}")
                    }
                    val v = JSONObject(keyUpdateToJson(update))
                    expectEq(expect, "kind", v.opt("kind"))
                    expectEq(expect, "certId", v.opt("certId"))
                    client = next
                }
                "decode_archive" -> {
                    val got = try {
                        JSONObject(readReconciliationArchive(read(step.getString("file")), null).toJson())
                    } catch (e: AcpException) {
                        fail(e.message ?: e.toString())
                    }
                    val file = TESTS.resolve("conformance").resolve(expect.optString("json"))
                    if (!got.similar(JSONObject(Files.readString(file)))) fail("the archive's JSON differs from $file")
                }
                "file_transfer" -> {
                    val r = try {
                        runBlocking { client.call("file_transfer", params(step.optJSONObject("params"))) }
                            .outcome.response().reconciliation(null)
                    } catch (e: Exception) {
                        fail("file transfer: ${e.message}")
                    }
                    val orders = expect.optJSONArray("zmOrders") ?: JSONArray()
                    for (i in 0 until orders.length()) {
                        val id = subst(orders.getString(i))
                        if (r.zm.none { it.orderId == id }) fail("no ZM record for order $id")
                    }
                    val books = step.optJSONArray("books")
                    if (books != null) {
                        val entries = (0 until books.length()).map { bookEntry(books.getJSONObject(it)) }
                        checkReport(expect, JSONObject(reconcile(entries, r).toJson()))
                    }
                }
                "sandbox" -> when {
                    step.optJSONObject("fault") != null -> {
                        val fault = step.getJSONObject("fault")
                        admin("/_sandbox/faults", fault.keySet().joinToString("&") { k ->
                            "$k=" + URLEncoder.encode(subst(fault.get(k).toString()), Charsets.UTF_8)
                        })
                    }
                    step.has("advance") -> admin("/_sandbox/clock", "advance=${step.getInt("advance")}")
                    step.has("rotate") -> admin("/_sandbox/keys", "rotate=${step.getString("rotate")}")
                    else -> fail("unknown sandbox step $step")
                }
                else -> fail("unknown step '$what'")
            }
        }

        fun notifications(step: JSONObject, expect: JSONObject) {
            val request = kept[step.optString("for")]?.request ?: fail("nothing kept under '${step.optString("for")}'")
            val want = expect.optInt("count", 1)
            val started = System.nanoTime()
            var found = emptyList<Notification>()
            while (System.nanoTime() - started < 5_000_000_000L) {
                found = notificationsFor(request)
                if (found.size >= want) {
                    Thread.sleep(200)
                    found = notificationsFor(request)
                    break
                }
                Thread.sleep(50)
            }
            if (found.size != want) fail("${found.size} notifications, expected $want")
            for (n in found) {
                expectEq(expect, "success", n.success)
                expectEq(expect, "respCode", n.respCode)
                val next = try {
                    client.nextStepAfterNotification(request, n)
                } catch (e: AcpException) {
                    fail(e.message ?: e.toString())
                }
                expectEq(expect, "step", JSONObject(nextStepToJson(next)).opt("step"))
            }
            val save = step.optJSONObject("save")
            if (save != null && found.isNotEmpty()) {
                for (v in save.keySet()) vars[v] = found[0].response.get(save.getString(v).removePrefix("notification.")) ?: ""
            }
        }

        /** Every posted notification that verifies with this client and matches [request]. */
        fun notificationsFor(request: OutgoingRequest): List<Notification> {
            val list = JSONArray(sandbox.get("/_sandbox/notifications"))
            return (0 until list.length()).mapNotNull { i ->
                val n = try {
                    client.verifyNotification(list.getJSONObject(i).optString("body").toByteArray())
                } catch (e: AcpException) {
                    fail("a posted notification does not verify: ${e.message}")
                }
                n.takeIf { client.matches(it, request) }
            }
        }

        fun saveRequest(step: JSONObject, request: OutgoingRequest) {
            val save = step.optJSONObject("save") ?: return
            for (v in save.keySet()) {
                val path = save.getString(v)
                val key = when {
                    path == "request.orderId" -> "orderId"
                    path == "request.txnTime" -> "txnTime"
                    path.startsWith("request.fields.") -> path.removePrefix("request.fields.")
                    else -> continue
                }
                vars[v] = request.fields[key] ?: fail("the request has no $path")
            }
        }

        fun saveOutcome(step: JSONObject, outcome: Outcome?) {
            val save = step.optJSONObject("save") ?: return
            for (v in save.keySet()) {
                val path = save.getString(v)
                val value = when {
                    path == "token" -> runCatching { outcome?.response()?.tokenPayData()?.token }.getOrNull()
                    path.startsWith("response.") -> outcome?.response()?.get(path.removePrefix("response."))
                    else -> continue
                }
                vars[v] = value ?: fail("the outcome has no $path")
            }
        }
    }

    private fun expectEq(expect: JSONObject, key: String, got: Any?) {
        if (!expect.has(key)) return
        val want = expect.get(key).takeUnless { it == JSONObject.NULL }
        val have = got.takeUnless { it == JSONObject.NULL }
        val same = if (want is Number && have is Number) want.toLong() == have.toLong() else want == have
        if (!same) fail("$key: expected $want, got $have")
    }

    private fun checkError(expect: JSONObject, e: AcpException) {
        if (expect.has("error") && expect.getInt("error") == e.code.toInt()) return
        fail("unexpected error ${e.code} ${e.name}: ${e.detail}")
    }

    private fun checkErrorAbsent(expect: JSONObject) {
        if (expect.has("error")) fail("expected error ${expect.get("error")}, the step succeeded")
    }

    private fun checkOutcome(expect: JSONObject, outcome: Outcome?) {
        checkErrorAbsent(expect)
        val v = outcome?.let { JSONObject(it.toJson()) } ?: JSONObject()
        expectEq(expect, "outcome", v.opt("name"))
        expectEq(expect, "decisiveCode", v.opt("decisiveCode"))
        expectEq(expect, "pendingReason", v.opt("pendingReason"))
    }

    private fun checkStep(expect: JSONObject, step: NextStep, now: Instant) {
        checkOutcome(expect, step.outcome())
        val v = JSONObject(nextStepToJson(step))
        expectEq(expect, "step", v.opt("step"))
        expectEq(expect, "reason", v.opt("reason"))
        if (v.opt("at") is Number) {
            expectEq(expect, "queryAfter", v.getLong("at") - now.epochSecond)
        } else if (expect.has("queryAfter")) {
            fail("expected a query, there is none")
        }
    }

    @Test
    fun scenarios() {
        val files = Files.list(TESTS.resolve("conformance/scenarios")).use { s ->
            s.filter { it.toString().endsWith(".json") }.sorted().toList()
        }
        var passed = 0
        var failed = 0
        val sandbox = try {
            check(acpBin().canExecute()) { "${acpBin()} is missing: cargo build --release -p acp-cli (or set ACP_BIN)" }
            Sandbox("--notify-speed", "1200")
        } catch (e: Exception) {
            System.err.println("conformance kotlin: ${e.message}")
            println("conformance kotlin: 0 passed, ${maxOf(files.size, 1)} failed")
            throw e
        }
        sandbox.use {
            for ((i, file) in files.withIndex()) {
                val scenario = JSONObject(Files.readString(file))
                val run = Run(sandbox, "KT${ProcessHandle.current().pid() % 10000}S%02d".format(i))
                val steps = scenario.optJSONArray("steps") ?: JSONArray()
                var n = 0
                try {
                    while (n < steps.length()) run.runStep(steps.getJSONObject(n++))
                    passed += 1
                } catch (e: Exception) {
                    failed += 1
                    val why = if (e is StepFailure) e.message else e.stackTraceToString()
                    System.err.println("conformance kotlin: ${scenario.optString("id")} FAILED at step ${n - 1}: $why")
                }
            }
        }
        println("conformance kotlin: $passed passed, $failed failed")
        assertTrue(failed == 0 && passed > 0, "conformance kotlin: $passed passed, $failed failed")
    }
}
