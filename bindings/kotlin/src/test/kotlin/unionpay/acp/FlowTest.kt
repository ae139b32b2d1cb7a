package unionpay.acp

import com.sun.net.httpserver.HttpServer
import java.io.BufferedReader
import java.io.File
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/**
 * A whole token payment flow against the local sandbox (`acp sandbox` on 127.0.0.1), the
 * README quick start: sms_open → back_open (token) → sms_consume → consume → back
 * notification to our own listener → status query → partial refund.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowTest {
    private var sandbox: Process? = null
    private lateinit var baseUrl: String
    private lateinit var listener: HttpServer
    private val bodies = LinkedBlockingQueue<ByteArray>()

    @BeforeAll
    fun start() {
        val bin = System.getProperty("acp.bin").orEmpty()
        assumeTrue(bin.isNotEmpty() && File(bin).canExecute(),
            "the acp binary (cargo build -p acp-cli) is absent: sandbox flow skipped")
        val p = ProcessBuilder(bin, "sandbox", "--port", "0", "--bind", "127.0.0.1")
            .redirectError(ProcessBuilder.Redirect.DISCARD).start()
        sandbox = p
        baseUrl = BufferedReader(p.inputStream.reader()).readLine().trim().trimEnd('/')
        check(baseUrl.startsWith("http")) { "acp sandbox printed '$baseUrl'" }
        listener = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/unionpay/back") { ex ->
                bodies.put(ex.requestBody.readAllBytes()) // the raw body, verified below
                ex.sendResponseHeaders(200, 2)
                ex.responseBody.use { it.write("ok".toByteArray()) }
            }
            start()
        }
    }

    @AfterAll
    fun stop() {
        if (::listener.isInitialized) listener.stop(0)
        sandbox?.destroy()
        sandbox?.waitFor(10, TimeUnit.SECONDS)
    }

    private fun orderId(tag: String) = (tag + System.nanoTime()).take(32)

    private fun trustPems(): Pair<ByteArray, ByteArray> {
        val text = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("$baseUrl/_sandbox/trust")).build(),
            HttpResponse.BodyHandlers.ofString(),
        ).body()
        val blocks = Regex("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\\s*", RegexOption.DOT_MATCHES_ALL)
            .findAll(text).map { it.value.toByteArray() }.toList()
        assertEquals(2, blocks.size)
        return blocks[0] to blocks[1]
    }

    @Test
    fun tokenPaymentFlow() = runBlocking {
        val fixtures = TESTS.resolve("fixtures/sandbox")
        val (root, middle) = trustPems()
        val backUrl = "http://127.0.0.1:${listener.address.port}/unionpay/back"
        val card = arrayOf("accNo" to "6221558812340000", "phoneNo" to "13552535506", "cvn2" to "123", "expired" to "2311")

        // --- quick start (Kotlin) ---
        val key = Acp.merchantKey(Files.readAllBytes(fixtures.resolve("merchant.pfx")), "000000")
        val client = AcpClient(ClientConfig(
            merId = "777290058110097",
            credentials = Credentials.Rsa(key),
            environment = Environment.Custom(baseUrl),
            trust = Trust.Custom(listOf(root), listOf(middle)),
            encryptionCert = Acp.encryptionCert(Files.readAllBytes(fixtures.resolve("enc.pem"))),
        ))

        // 1. Open the card for token payments: SMS code, then back open → token.
        val openId = orderId("OPEN")
        val sms = client.smsOpen("orderId" to openId, *card)
        assertEquals("success", sms.name)
        val opened = client.backOpen("orderId" to openId, "txnTime" to sms.request.txnTime, "smsCode" to "111111", *card)
        assertEquals("success", opened.name, "${opened.decisiveCode} ${opened.failedMsg}")
        val token = opened.response.tokenPayData()?.token
        assertNotNull(token)

        // 2. Pay with the token: SMS for the amount, then consume (accepted, not paid yet).
        val payId = orderId("PAY")
        val paySms = client.smsConsume("orderId" to payId, "token" to token!!, "txnAmt" to 1000)
        val paid = client.consume(
            "orderId" to payId, "txnTime" to paySms.request.txnTime, "txnAmt" to 1000,
            "token" to token, "smsCode" to "111111", "backUrl" to backUrl,
        )
        assertEquals("accepted", paid.name, "${paid.decisiveCode} ${paid.failedMsg}")

        // 3. UnionPay notifies backUrl: verify the raw body.
        val note = client.verifyNotification(bodies.poll(10, TimeUnit.SECONDS)!!)
        assertTrue(note.success && note.matches(paid.request))
        assertEquals(1000L, note.txnAmt)

        // 4. The status query confirms the payment.
        val status = client.query(paid.request)
        assertTrue(status.isSuccess)
        assertEquals(note.queryId, status.response.queryId)

        // 5. A partial refund.
        val refund = client.refund(
            "orderId" to orderId("REFUND"), "origQryId" to note.queryId!!, "txnAmt" to 300, "backUrl" to backUrl,
        )
        assertEquals("accepted", refund.name)
        // --- end of quick start ---
        val refunded = client.verifyNotification(bodies.poll(10, TimeUnit.SECONDS)!!)
        assertEquals("refund", refunded.api)

        // The other API shapes: key update (95), file transfer (76), front open (HTML).
        val update = client.keyUpdateQuery("orderId" to orderId("KEY"))
        assertEquals("7000000000021", update.certId)
        val files = client.fileTransfer("settleDate" to note.settleDate!!)
        assertEquals("success", files.name, "${files.decisiveCode} ${files.failedMsg}")
        assertTrue(files.response.reconciliation().zmRecords >= 1uL)
        val front = client.frontOpen("orderId" to orderId("FRONT"), "frontUrl" to "http://127.0.0.1:9/front", "backUrl" to backUrl)
        assertEquals("front", front.endpoint)
        assertTrue(front.html!!.contains("<form"))
    }

    @Test
    fun forgedNotificationIsRejected() {
        val (root, middle) = trustPems()
        val client = AcpClient(ClientConfig(
            merId = "777290058110097",
            credentials = Credentials.SecureKey("11", "88888888"),
            environment = Environment.Custom(baseUrl),
            trust = Trust.Custom(listOf(root), listOf(middle)),
        ))
        val e = org.junit.jupiter.api.assertThrows<AcpException.Signature> {
            client.verifyNotification("merId=777290058110097&respCode=00".toByteArray())
        }
        assertEquals("Signature", e.kind)
    }
}
