package unionpay.acp

import java.io.ByteArrayInputStream
import java.net.http.HttpClient
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.time.Duration
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLHandshakeException
import javax.net.ssl.TrustManagerFactory
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.acp_core.Outcome
import uniffi.unionpay_acp_ffi.Client
import uniffi.unionpay_acp_ffi.Credentials
import uniffi.unionpay_acp_ffi.MerchantKey

/**
 * HTTPS (`acp sandbox --tls`): the token flow over TLS with an HttpClient whose SSLContext
 * trusts the sandbox's test CA, the way the README tells users to trust a private CA, and
 * the default HttpClient (the JDK's roots) refusing the sandbox's certificate.
 */
class HttpsTest {
    private fun settings(url: String) = settingsJson(
        "merId" to "777290058110097",
        "environment" to mapOf("baseUrl" to url),
        "trust" to mapOf("roots" to listOf(read("fixtures/sandbox/root.pem")), "middles" to listOf(read("fixtures/sandbox/middle.pem"))),
        "encryptionCert" to read("fixtures/sandbox/enc.pem"),
    )

    private fun credentials() = Credentials.rsa(MerchantKey.fromPkcs12(read("fixtures/sandbox/merchant.pfx"), "000000"))

    /** An SSLContext trusting only the private CA's root certificate (PEM). */
    private fun trusting(rootPem: ByteArray): SSLContext {
        val root = CertificateFactory.getInstance("X.509").generateCertificate(ByteArrayInputStream(rootPem))
        val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply {
            load(null, null)
            setCertificateEntry("acp-sandbox-root", root)
        }
        val tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
        return SSLContext.getInstance("TLS").apply { init(null, tmf.trustManagers, null) }
    }

    private fun orderId(tag: String) = (tag + System.nanoTime()).take(32)

    @Test
    fun tokenFlowOverHttpsTrustingTheSandboxCa() = runBlocking<Unit> {
        assumeTrue(acpBin().canExecute(), "the acp binary (cargo build -p acp-cli) is absent: sandbox flow skipped")
        Sandbox("--tls").use { sandbox ->
            assertTrue(sandbox.url.startsWith("https://127.0.0.1:"), sandbox.url)
            val http = HttpClient.newBuilder().sslContext(trusting(read("fixtures/sandbox/root.pem")))
                .connectTimeout(Duration.ofSeconds(10)).build()
            val client = AcpClient(Client(settings(sandbox.url), credentials(), null), http = http)
            val card = arrayOf("accNo" to "6221558812340000", "phoneNo" to "13552535506", "cvn2" to "123", "expired" to "2311")
            val open = orderId("TLSOPEN")
            val sms = client.smsOpen("orderId" to open, *card)
            val opened = client.backOpen("orderId" to open, "txnTime" to sms.request.txnTime, "smsCode" to "111111", *card)
            val token = opened.outcome.response().tokenPayData()!!.token!!
            val pay = orderId("TLSPAY")
            val paySms = client.smsConsume("orderId" to pay, "token" to token, "txnAmt" to 1000)
            val paid = client.consume(
                "orderId" to pay, "txnTime" to paySms.request.txnTime, "txnAmt" to 1000,
                "token" to token, "smsCode" to "111111", "backUrl" to "http://127.0.0.1:9/back",
            )
            assertTrue(paid.outcome is Outcome.Accepted, paid.toString())
            val queried = client.query(paid.request)
            assertTrue(queried.outcome is Outcome.Success, queried.toString())
            assertEquals("00", queried.outcome.decisiveCode())
        }
    }

    @Test
    fun anUntrustedCertificateIsRefusedWithAClearError() = runBlocking<Unit> {
        assumeTrue(acpBin().canExecute(), "the acp binary (cargo build -p acp-cli) is absent: sandbox flow skipped")
        Sandbox("--tls").use { sandbox ->
            val client = AcpClient(settings(sandbox.url), credentials()) // the JDK's default roots
            val e = assertThrows<SSLHandshakeException> {
                runBlocking { client.smsOpen("orderId" to orderId("TLSNO"), "accNo" to "6221558812340000", "phoneNo" to "13552535506") }
            }
            assertTrue(e.message!!.contains("PKIX path building failed"), e.message)
        }
    }
}
