package unionpay.acp

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.time.Duration
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import uniffi.acp_core.AcpException
import uniffi.acp_core.KeyUpdate
import uniffi.acp_core.NextStep
import uniffi.acp_core.Notification
import uniffi.acp_core.Outcome
import uniffi.acp_core.StopReason
import uniffi.unionpay_acp_ffi.Credentials
import uniffi.unionpay_acp_ffi.MerchantKey

/**
 * The quick start (example/QuickStart.kt) and the rest of the HTTP facade against the
 * local sandbox (`acp sandbox` on 127.0.0.1): a back notification to our own listener and
 * the core's next step after it, the key update, the file transfer, a front request, a
 * forged notification and a request that gets no answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowTest {
    private var sandbox: Sandbox? = null
    private val fixtures = TESTS.resolve("fixtures/sandbox")
    private lateinit var listener: HttpServer
    private val notes = LinkedBlockingQueue<Notification>()
    private val bodies = java.util.concurrent.CopyOnWriteArrayList<ByteArray>()
    private lateinit var client: AcpClient

    @BeforeAll
    fun start() {
        assumeTrue(acpBin().canExecute(), "the acp binary (cargo build -p acp-cli) is absent: sandbox flow skipped")
        val s = Sandbox().also { sandbox = it }
        client = AcpClient(
            settingsJson(
                "merId" to "777290058110097",
                "environment" to mapOf("baseUrl" to s.url),
                "trust" to mapOf("roots" to listOf(read("fixtures/sandbox/root.pem")), "middles" to listOf(read("fixtures/sandbox/middle.pem"))),
                "encryptionCert" to read("fixtures/sandbox/enc.pem"),
            ),
            Credentials.rsa(MerchantKey.fromPkcs12(read("fixtures/sandbox/merchant.pfx"), "000000")),
        )
        listener = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/unionpay/back") { ex ->
                val raw = ex.requestBody.readAllBytes()
                bodies.add(raw)
                val receipt = runBlocking { example.onBackNotification(client, raw) { notes.put(it) } }
                val body = receipt.reply.body.toByteArray()
                ex.sendResponseHeaders(receipt.reply.status.toInt(), body.size.toLong())
                ex.responseBody.use { it.write(body) }
            }
            start()
        }
    }

    @AfterAll
    fun stop() {
        if (::listener.isInitialized) listener.stop(0)
        sandbox?.close()
    }

    private fun orderId(tag: String) = (tag + System.nanoTime()).take(32)

    @Test
    fun quickStart() = runBlocking<Unit> {
        repeat(2) { // each run makes its own orderIds
            val last = example.quickStart(sandbox!!.url, fixtures.toFile())
            assertTrue(last is NextStep.Final, uniffi.unionpay_acp_ffi.nextStepToJson(last))
            val refunded = (last as NextStep.Final).v1
            assertTrue(refunded is Outcome.Success, refunded.toJson())
        }
        // README.md shows the file as it is.
        val file = String(java.nio.file.Files.readAllBytes(REPO.resolve("bindings/kotlin/src/test/kotlin/example/QuickStart.kt")))
        val readme = String(java.nio.file.Files.readAllBytes(REPO.resolve("README.md")))
        assertTrue("```kotlin\n" + file.substringAfter("package example\n\n").trimEnd() + "\n```" in readme,
            "README.md's Kotlin quick start differs from example/QuickStart.kt")
    }

    @Test
    fun notificationThenItsStatusQuery() = runBlocking<Unit> {
        val backUrl = "http://127.0.0.1:${listener.address.port}/unionpay/back"
        val sms = client.smsOpen("orderId" to orderId("OPEN"), "accNo" to "6216261000000000018", "phoneNo" to "13552535506")
        val opened = client.backOpen(
            "orderId" to sms.request.orderId!!, "txnTime" to sms.request.txnTime, "smsCode" to "111111",
            "accNo" to "6216261000000000018", "phoneNo" to "13552535506",
        )
        val token = opened.outcome.response().tokenPayData()!!.token!!
        val paySms = client.smsConsume("orderId" to orderId("PAY"), "token" to token, "txnAmt" to 1000)
        val paid = client.consume(
            "orderId" to paySms.request.orderId!!, "txnTime" to paySms.request.txnTime, "txnAmt" to 1000,
            "token" to token, "smsCode" to "111111", "backUrl" to backUrl,
        )
        assertTrue(paid.outcome is Outcome.Accepted, paid.toString())
        assertTrue(paid.next is NextStep.Query)

        // The listener answered 200 (the core's reply) and stored it; the core confirms it by a query.
        val note = notes.poll(20, TimeUnit.SECONDS)
        assertNotNull(note, "no notification reached the listener")
        assertTrue(note!!.success && client.matches(note, paid.request))
        assertEquals(1000uL, note.txnAmt)
        // A verified notification that cannot be stored: the core's 503, so UnionPay resends it.
        var failure: Exception? = null
        val again = NotificationReceiver(client) { failure = it }.receive(bodies.last()) { throw IllegalStateException("disk full") }
        assertEquals(503, again.reply.status.toInt())
        assertNotNull(again.notification)
        assertTrue(failure is IllegalStateException)
        val next = client.nextStepAfterNotification(paid.request, note)
        assertTrue(next is NextStep.Query)
        val final = client.queryUntilFinal(next)
        assertTrue(final.outcome() is Outcome.Success, uniffi.unionpay_acp_ffi.nextStepToJson(final))
        assertEquals(note.queryId, final.outcome()!!.response().get("queryId"))

        // A stored request reads back as the same request.
        val stored = uniffi.unionpay_acp_ffi.requestToJson(paid.request)
        assertEquals(paid.request, client.core.requestFromJson(stored))
    }

    @Test
    fun keyUpdateFileTransferAndFront() = runBlocking<Unit> {
        val (update, same) = client.keyUpdateQuery("orderId" to orderId("KEY"))
        assertTrue(update is KeyUpdate.Unchanged, update.toString())
        assertEquals("7000000000021", (update as KeyUpdate.Unchanged).certId)
        assertEquals(client.encryptionCertId, same.encryptionCertId)

        val clock = sandbox!!.get("/_sandbox/clock")
        val settleDate = Regex("\"clearingDate\"\\s*:\\s*\"(\\d+)\"").find(clock)!!.groupValues[1].takeLast(4)
        val files = client.fileTransfer("settleDate" to settleDate)
        val outcome = files.outcome
        if (outcome is Outcome.Success) outcome.response().reconciliation(null) else assertTrue(outcome is Outcome.NoFile)

        val front = client.frontOpen("orderId" to orderId("FRONT"), "frontUrl" to "http://127.0.0.1:9/front", "backUrl" to "http://127.0.0.1:9/back")
        assertTrue(front.html!!.contains("<form"))
        // The browser posts a front request: the core refuses to plan it, nothing is sent.
        assertThrows<AcpException.InvalidInput> { runBlocking { client.exchange(front) } }
    }

    @Test
    fun forgedNotificationIsRefused() = runBlocking<Unit> {
        val receipt = NotificationReceiver(client).receive("merId=777290058110097&respCode=00".toByteArray()) {
            error("a forged notification must not be stored")
        }
        assertEquals(400, receipt.reply.status.toInt())
        assertNull(receipt.notification)
        assertTrue(receipt.error is AcpException.Signature, receipt.error.toString())
        assertEquals("Signature", receipt.error!!.kind)
    }

    @Test
    fun noAnswerIsTheCoresToPlan() = runBlocking<Unit> {
        // Nothing listens on port 9: the POST gets no answer, and for a consume the core says query.
        val closed = AcpClient(
            settingsJson(
                "merId" to "777290058110097", "environment" to mapOf("baseUrl" to "http://127.0.0.1:9"), "trust" to "test",
                "encryptionCert" to read("fixtures/sandbox/enc.pem"),
            ),
            Credentials.secureKey("11", "88888888"), timeout = Duration.ofSeconds(2),
        )
        val smsOnly = assertThrows<TransportException> { runBlocking { closed.smsOpen("orderId" to orderId("SMS"), "accNo" to "6216261000000000018", "phoneNo" to "13552535506") } }
        assertTrue(smsOnly.next is NextStep.Stop && (smsOnly.next as NextStep.Stop).reason == StopReason.NO_ANSWER)
        val e = assertThrows<TransportException> {
            runBlocking { closed.consume("orderId" to orderId("PAY"), "txnAmt" to 1000, "token" to "6235240000020757828", "smsCode" to "111111", "backUrl" to "http://127.0.0.1:9/b") }
        }
        assertTrue(e.next is NextStep.Query, uniffi.unionpay_acp_ffi.nextStepToJson(e.next))
    }

    @Test
    fun theMerchantKeySaysWhenItExpires() {
        val key = MerchantKey.fromPkcs12(read("fixtures/sandbox/merchant.pfx"), "000000")
        assertEquals(key.certificate().notAfter, key.notAfter())
        assertTrue(key.notAfter() > java.time.Instant.now())
    }
}
