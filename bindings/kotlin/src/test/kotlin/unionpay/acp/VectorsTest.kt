package unionpay.acp

import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import uniffi.acp_core.CustomerInfo
import uniffi.acp_core.CustomerInfoMode
import uniffi.unionpay_acp_ffi.Backend
import uniffi.unionpay_acp_ffi.Credentials
import uniffi.unionpay_acp_ffi.EncryptionCert
import uniffi.unionpay_acp_ffi.MerchantKey
import uniffi.unionpay_acp_ffi.Verifier
import uniffi.unionpay_acp_ffi.canonicalString
import uniffi.unionpay_acp_ffi.encodeForm
import uniffi.unionpay_acp_ffi.parsePkcs12
import uniffi.unionpay_acp_ffi.parseSignMethod
import uniffi.unionpay_acp_ffi.pinBlock
import uniffi.unionpay_acp_ffi.signFields

/**
 * The shared vector set (every JSON file in tests/vectors), consumed as tests/vectors.rs does,
 * through the generated low-level functions (and [Danger] for unverified parsing and fixed
 * randomness).
 */
class VectorsTest {
    private val backends = listOf(Backend.NATIVE, Backend.PORTABLE)

    private fun cases(file: String, body: (org.json.JSONObject, org.json.JSONObject) -> Unit): List<DynamicTest> =
        eachTest(file).map { (g, t) -> dynamicTest("$file tc${t.get("tcId")}") { body(g, t) } }

    @TestFactory
    fun canonical() = cases("canonical.json") { _, t ->
        val canonical = canonicalString(t.getJSONObject("fields").toFields())
        assertEquals(t.str("canonical"), canonical)
        assertEquals(t.str("sha256"), digest("SHA-256", canonical.toByteArray()))
        assertEquals(t.str("sha1"), digest("SHA-1", canonical.toByteArray()))
    }

    @TestFactory
    fun sign() = backends.flatMap { backend ->
        cases("sign.json") { g, t ->
            val fields = t.getJSONObject("fields").toFields()
            expectOutcome(t, {
                val method = parseSignMethod(fields["signMethod"] ?: "01")
                if (g.has("pfx")) {
                    MerchantKey.fromPkcs12(read(g.str("pfx")), g.str("password"), backend).signFields(fields)
                } else {
                    signFields(fields, Credentials.secureKey(method, g.str("secureKey")))
                }
            }) { s ->
                assertEquals(t.str("canonical"), s.canonical)
                assertEquals(t.str("digestHex"), s.digestHex)
                assertEquals(t.str("signature"), s.fields["signature"])
                assertEquals(t.getJSONObject("signedFields").toFields(), s.fields)
            }
        }
    }

    private fun verifierFor(g: org.json.JSONObject, backend: Backend): Verifier {
        // The verification part of the core's settings (settings.json).
        val trust: Any = when (g.strOrNull("trust")) {
            "production" -> "production"
            "custom" -> mapOf("roots" to g.files("roots"), "middles" to g.files("middles"))
            else -> "test"
        }
        val settings = settingsJson(
            "trust" to trust, "verifySecureKey" to g.strOrNull("secureKey"), "verifyCerts500" to g.files("verifyCerts"),
        )
        return Verifier(settings, backend)
    }

    @TestFactory
    fun verify() = backends.flatMap { backend ->
        cases("verify.json") { g, t ->
            val verifier = verifierFor(g, backend)
            val now = Instant.parse(t.str("now"))
            repeat(2) { // the second call exercises the certificate cache
                expectOutcome(t, {
                    when (t.str("bodyKind")) {
                        "fields" -> t.getJSONObject("input").toFields().also { verifier.verifyFields(it, now) }
                        "sync" -> verifier.verifySyncBody(t.str("input").toByteArray(), now)
                        else -> verifier.verifyNotifyBody(t.str("input").toByteArray(), now)
                    }
                }) { fields -> assertEquals(t.getJSONObject("fields").toFields(), fields) }
            }
        }
    }

    @TestFactory
    fun encrypt() = cases("encrypt.json") { g, t ->
        val cert = EncryptionCert.parse(read(g.str("cert")))
        assertEquals(g.str("encryptCertId"), cert.certId())
        val plaintext = t.strOrNull("plaintextHex")?.let(::hex) ?: t.str("plaintext").toByteArray()
        val random = hex(t.optString("random", ""))
        expectOutcome(t, { Danger.encryptField(cert, plaintext, random) }) {
            assertEquals(t.str("ciphertext"), it)
        }
    }

    @TestFactory
    fun customerInfoAndPinBlocks() = cases("customer_info.json") { g, t ->
        if (g.str("operation") == "pinBlock") {
            expectOutcome(t, { pinBlock(t.str("pin"), t.str("pan")) }) {
                assertEquals(t.str("pinBlockHex"), it.hex().uppercase())
            }
            return@cases
        }
        val cert = EncryptionCert.parse(read(g.str("cert")))
        val v = t.getJSONObject("customerInfo")
        val info = CustomerInfo(
            certifTp = v.strOrNull("certifTp"), certifId = v.strOrNull("certifId"),
            customerNm = v.strOrNull("customerNm"), phoneNo = v.strOrNull("phoneNo"),
            smsCode = v.strOrNull("smsCode"), cvn2 = v.strOrNull("cvn2"), expired = v.strOrNull("expired"),
        )
        val mode = if (t.str("mode") == "plain") CustomerInfoMode.PLAIN else CustomerInfoMode.ENCRYPTED
        val random = hex(t.optString("random", ""))
        expectOutcome(t, { Danger.customerInfo(cert, info, mode, v.strOrNull("pin"), random) }) {
            assertEquals(t.str("value"), it)
        }
    }

    @TestFactory
    fun decrypt() = backends.flatMap { backend ->
        cases("decrypt.json") { g, t ->
            val key = MerchantKey.fromPkcs12(read(g.str("pfx")), g.str("password"), backend)
            // The library's own text check decides a wrong key (4008), not this harness.
            expectOutcome(t, { key.decryptText(t.str("ciphertext")) }) { assertEquals(t.str("plaintext"), it) }
        }
    }

    @TestFactory
    fun pkcs12() = cases("pkcs12.json") { _, t ->
        expectOutcome(t, { parsePkcs12(read(t.str("file")), t.str("password")) }) { p ->
            val c = p.certificate
            assertEquals(t.str("certId"), c.certId)
            assertEquals(t.str("subject"), c.subject)
            assertEquals(t.str("notBefore"), c.notBefore.toString())
            assertEquals(t.str("notAfter"), c.notAfter.toString())
            assertEquals(t.getInt("keyBits"), c.keyBits.toInt())
            assertEquals(t.str("modulusSha256"), digest("SHA-256", c.modulus))
        }
    }

    @TestFactory
    fun forms() = cases("forms.json") { g, t ->
        val input = { t.strOrNull("inputHex")?.let(::hex) ?: t.str("input").toByteArray() }
        when (g.str("operation")) {
            "parseSync" -> expectOutcome(t, { Danger.parseSyncBody(input()) }) {
                assertEquals(t.getJSONObject("fields").toFields(), it)
            }
            "parseNotify" -> expectOutcome(t, { Danger.parseNotifyBody(input()) }) {
                assertEquals(t.getJSONObject("fields").toFields(), it)
            }
            else -> assertEquals(t.str("body"), encodeForm(t.getJSONObject("fields").toFields()))
        }
    }
}
