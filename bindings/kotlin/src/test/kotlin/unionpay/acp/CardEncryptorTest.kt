package unionpay.acp

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.acp_core.AcpException
import uniffi.acp_core.CustomerInfo
import uniffi.unionpay_acp_ffi.MerchantKey

/** The encrypt-only entry point for apps: the encryption certificate, no merchant key. */
class CardEncryptorTest {
    private val encPem = String(read("fixtures/sandbox/enc.pem"), Charsets.UTF_8)
    // Only the test can decrypt: it holds the sandbox's (test-only) encryption key.
    private val gateway = MerchantKey.fromPem(read("fixtures/sandbox/enc.key.pem"), read("fixtures/sandbox/enc.pem"))

    @Test
    fun encryptsWithTheCertificateOnly() {
        CardEncryptor(encPem).use { enc ->
            assertEquals("7000000000021", enc.certId)
            val accNo = enc.encryptPan("6221558812340000")
            assertEquals("6221558812340000", gateway.decryptText(accNo))
            val info = enc.customerInfo(CustomerInfo(phoneNo = "13552535506", cvn2 = "123", expired = "2311", smsCode = "111111"))
            val decoded = String(java.util.Base64.getDecoder().decode(info))
            assertTrue(decoded.startsWith("{smsCode=111111&encryptedInfo="), decoded)
            val encrypted = decoded.substringAfter("encryptedInfo=").removeSuffix("}")
            assertEquals("phoneNo=13552535506&cvn2=123&expired=2311", gateway.decryptText(encrypted))
        }
    }

    @Test
    fun badCardDataIsInvalidInput() {
        val e = assertThrows<AcpException.InvalidInput> { CardEncryptor(encPem).encryptPan("12ab") }
        assertEquals(1008u, e.code)
        assertTrue("12ab" !in e.message!!)
        // Cardholder data is validated as it crosses into the core.
        assertThrows<AcpException.InvalidInput> { CardEncryptor(encPem).customerInfo(CustomerInfo(cvn2 = "12x")) }
    }
}
