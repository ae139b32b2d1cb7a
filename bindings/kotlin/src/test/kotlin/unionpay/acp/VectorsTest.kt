package unionpay.acp

import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory

/** The shared vector set (every JSON file in tests/vectors), consumed as tests/vectors.rs does. */
class VectorsTest {
    private val backends = listOf(Backend.NATIVE, Backend.PORTABLE)

    private fun cases(file: String, body: (org.json.JSONObject, org.json.JSONObject) -> Unit): List<DynamicTest> =
        eachTest(file).map { (g, t) -> dynamicTest("$file tc${t.get("tcId")}") { body(g, t) } }

    @TestFactory
    fun canonical() = cases("canonical.json") { _, t ->
        val canonical = Acp.canonicalString(t.getJSONObject("fields").toFields())
        assertEquals(t.str("canonical"), canonical)
        assertEquals(t.str("sha256"), digest("SHA-256", canonical.toByteArray()))
        assertEquals(t.str("sha1"), digest("SHA-1", canonical.toByteArray()))
    }

    @TestFactory
    fun sign() = backends.flatMap { backend ->
        cases("sign.json") { g, t ->
            val fields = t.getJSONObject("fields").toFields()
            expectOutcome(t, {
                val method = Acp.parseSignMethod(fields["signMethod"] ?: "01")
                if (g.has("pfx")) {
                    Acp.signFields(fields, Acp.merchantKey(read(g.str("pfx")), g.str("password"), backend))
                } else {
                    Acp.signFields(fields, Credentials.SecureKey(method, g.str("secureKey")))
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
        val trust = when (g.strOrNull("trust")) {
            "production" -> Trust.Production
            "custom" -> Trust.Custom(g.files("roots"), g.files("middles"))
            else -> Trust.Test
        }
        return Verifier(trust, g.strOrNull("secureKey"), g.files("verifyCerts"), backend)
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
        val cert = Acp.encryptionCert(read(g.str("cert")))
        assertEquals(g.str("encryptCertId"), cert.certId())
        val plaintext = t.strOrNull("plaintextHex")?.let(::hex) ?: t.str("plaintext").toByteArray()
        val random = hex(t.optString("random", ""))
        expectOutcome(t, { Acp.Testing.encryptField(cert, plaintext, random) }) {
            assertEquals(t.str("ciphertext"), it)
        }
    }

    @TestFactory
    fun customerInfoAndPinBlocks() = cases("customer_info.json") { g, t ->
        if (g.str("operation") == "pinBlock") {
            expectOutcome(t, { Acp.pinBlock(t.str("pin"), t.str("pan")) }) {
                assertEquals(t.str("pinBlockHex"), it.hex().uppercase())
            }
            return@cases
        }
        val cert = Acp.encryptionCert(read(g.str("cert")))
        val v = t.getJSONObject("customerInfo")
        val info = CustomerInfo(
            certifTp = v.strOrNull("certifTp"), certifId = v.strOrNull("certifId"),
            customerNm = v.strOrNull("customerNm"), phoneNo = v.strOrNull("phoneNo"),
            smsCode = v.strOrNull("smsCode"), cvn2 = v.strOrNull("cvn2"), expired = v.strOrNull("expired"),
        )
        val mode = if (t.str("mode") == "plain") InfoMode.PLAIN else InfoMode.ENCRYPTED
        val random = hex(t.optString("random", ""))
        expectOutcome(t, { Acp.Testing.customerInfo(cert, info, mode, v.strOrNull("pin"), random) }) {
            assertEquals(t.str("value"), it)
        }
    }

    @TestFactory
    fun decrypt() = backends.flatMap { backend ->
        cases("decrypt.json") { g, t ->
            val key = Acp.merchantKey(read(g.str("pfx")), g.str("password"), backend)
            expectOutcome(t, {
                val plain = Acp.decryptField(key, t.str("ciphertext"))
                val decoder = Charsets.UTF_8.newDecoder()
                try {
                    decoder.decode(java.nio.ByteBuffer.wrap(plain)).toString()
                } catch (e: java.nio.charset.CharacterCodingException) { // as the Rust harness
                    throw AcpException.Format(4008, "DecryptionFailed", "not UTF-8")
                }
            }) { assertEquals(t.str("plaintext"), it) }
        }
    }

    @TestFactory
    fun pkcs12() = cases("pkcs12.json") { _, t ->
        expectOutcome(t, { Acp.parsePkcs12(read(t.str("file")), t.str("password")) }) { p ->
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
            "parseSync" -> expectOutcome(t, { Acp.parseSyncBody(input()) }) {
                assertEquals(t.getJSONObject("fields").toFields(), it)
            }
            "parseNotify" -> expectOutcome(t, { Acp.parseNotifyBody(input()) }) {
                assertEquals(t.getJSONObject("fields").toFields(), it)
            }
            else -> assertEquals(t.str("body"), Acp.encodeForm(t.getJSONObject("fields").toFields()))
        }
    }
}
