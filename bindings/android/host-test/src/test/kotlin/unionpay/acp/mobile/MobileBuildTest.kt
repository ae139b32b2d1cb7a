package unionpay.acp.mobile

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.Base64
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import unionpay.acp.CardEncryptor
import unionpay.acp.code
import uniffi.acp_core.AcpException
import uniffi.acp_core.CustomerInfo
import uniffi.acp_core.CustomerInfoMode
import uniffi.unionpay_acp_ffi.EncryptionCert
import uniffi.unionpay_acp_ffi.dangerCustomerInfo
import uniffi.unionpay_acp_ffi.dangerEncryptField
import uniffi.unionpay_acp_ffi.pinBlock

/**
 * The card-encryption-only build (`--no-default-features`), the Android library's API and
 * native code, run on the host JVM: what it encrypts is checked by independent code (the
 * shared vectors, which tests/gen computes with its own Python implementation and checks
 * against the OpenSSL CLI; and the OpenSSL CLI decrypting live, randomly padded output with
 * the sandbox's test-only encryption key), and the merchant's API is shown to be absent.
 */
class MobileBuildTest {
    private val tests: Path = Paths.get(System.getProperty("acp.repo") ?: "../../..").toAbsolutePath().normalize().resolve("tests")
    private fun read(rel: String): ByteArray = Files.readAllBytes(tests.resolve(rel))
    private fun hex(s: String) = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
    private fun JSONObject.strOrNull(k: String): String? = if (has(k) && !isNull(k)) getString(k) else null

    /** (group, test) of a shared vector file, as every binding reads them. */
    private fun cases(file: String, body: (JSONObject, JSONObject) -> Unit): List<DynamicTest> {
        val doc = JSONObject(String(read("vectors/$file"), Charsets.UTF_8))
        val out = mutableListOf<DynamicTest>()
        val groups = doc.getJSONArray("testGroups")
        for (i in 0 until groups.length()) {
            val g = groups.getJSONObject(i)
            val ts = g.getJSONArray("tests")
            for (j in 0 until ts.length()) {
                val t = ts.getJSONObject(j)
                out += dynamicTest("$file tc${t.get("tcId")}") { body(g, t) }
            }
        }
        assertEquals(doc.getInt("numberOfTests"), out.size, "$file: test count")
        return out
    }

    /** A valid case gives [check] its value; an invalid one fails with its stable code. */
    private fun <T> expect(t: JSONObject, run: () -> T, check: (T) -> Unit) {
        val value = try {
            run()
        } catch (e: AcpException) {
            if (t.getString("result") == "valid") fail<Unit>("tc${t.get("tcId")}: unexpected $e")
            assertEquals(t.getInt("errorCode"), e.code.toInt(), "tc${t.get("tcId")}: $e")
            return
        }
        if (t.getString("result") != "valid") fail<Unit>("tc${t.get("tcId")}: expected error ${t.opt("errorCode")}")
        check(value)
    }

    /** The OpenSSL CLI's RSA PKCS#1 v1.5 decryption of a base64 value with a test key. */
    private fun opensslDecrypt(keyRel: String, base64: String): String {
        val p = ProcessBuilder(
            "openssl", "pkeyutl", "-decrypt", "-inkey", tests.resolve(keyRel).toString(),
            "-pkeyopt", "rsa_padding_mode:pkcs1",
        ).start()
        p.outputStream.use { it.write(Base64.getDecoder().decode(base64)) }
        val out = p.inputStream.readBytes()
        val err = String(p.errorStream.readBytes())
        assertEquals(0, p.waitFor(), "openssl pkeyutl -decrypt: $err")
        return String(out, Charsets.UTF_8)
    }

    @TestFactory
    fun encryptVectors() = cases("encrypt.json") { g, t ->
        val cert = EncryptionCert.parse(read(g.getString("cert")))
        assertEquals(g.getString("encryptCertId"), cert.certId())
        val plaintext = t.strOrNull("plaintextHex")?.let(::hex) ?: t.getString("plaintext").toByteArray()
        expect(t, { dangerEncryptField(cert, plaintext, hex(t.optString("random", ""))) }) {
            assertEquals(t.getString("ciphertext"), it)
        }
    }

    @TestFactory
    fun customerInfoAndPinBlockVectors() = cases("customer_info.json") { g, t ->
        if (g.getString("operation") == "pinBlock") {
            expect(t, { pinBlock(t.getString("pin"), t.getString("pan")) }) { block ->
                assertEquals(t.getString("pinBlockHex"), block.joinToString("") { "%02X".format(it) })
            }
            return@cases
        }
        val cert = EncryptionCert.parse(read(g.getString("cert")))
        val v = t.getJSONObject("customerInfo")
        val info = CustomerInfo(
            certifTp = v.strOrNull("certifTp"), certifId = v.strOrNull("certifId"),
            customerNm = v.strOrNull("customerNm"), phoneNo = v.strOrNull("phoneNo"),
            smsCode = v.strOrNull("smsCode"), cvn2 = v.strOrNull("cvn2"), expired = v.strOrNull("expired"),
        )
        val mode = if (t.getString("mode") == "plain") CustomerInfoMode.PLAIN else CustomerInfoMode.ENCRYPTED
        expect(t, { dangerCustomerInfo(cert, info, mode, v.strOrNull("pin"), hex(t.optString("random", ""))) }) {
            assertEquals(t.getString("value"), it)
        }
    }

    @Test
    fun openSslDecryptsWhatTheDeviceEncrypted() {
        // The sandbox's encryption certificates (current and rotated); their keys exist only
        // in tests/fixtures, for checks like this one.
        for ((cert, key, certId) in listOf(
            Triple("fixtures/sandbox/enc.pem", "fixtures/sandbox/enc.key.pem", "7000000000021"),
            Triple("fixtures/sandbox/enc2.pem", "fixtures/sandbox/enc2.key.pem", "7000000000022"),
        )) {
            CardEncryptor(String(read(cert), Charsets.UTF_8)).use { enc ->
                assertEquals(certId, enc.certId)
                val accNo = enc.encryptPan("6216261000000000018")
                assertEquals("6216261000000000018", opensslDecrypt(key, accNo))
                // Fresh random padding every time (OS randomness, not the vectors' fixed stream).
                assertNotEquals(accNo, enc.encryptPan("6216261000000000018"))

                val value = enc.customerInfo(CustomerInfo(phoneNo = "13552535506", cvn2 = "123", expired = "2311", smsCode = "111111"))
                val decoded = String(Base64.getDecoder().decode(value), Charsets.UTF_8)
                assertTrue(decoded.startsWith("{smsCode=111111&encryptedInfo="), decoded)
                val encryptedInfo = decoded.substringAfter("encryptedInfo=").removeSuffix("}")
                assertEquals("phoneNo=13552535506&cvn2=123&expired=2311", opensslDecrypt(key, encryptedInfo))
            }
        }
    }

    @Test
    fun badCardDataIsTheTypedErrorWithoutTheValue() {
        CardEncryptor(read("fixtures/sandbox/enc.pem")).use { enc ->
            val e = assertThrows<AcpException.InvalidInput> { enc.encryptPan("12ab") }
            assertEquals(1008u, e.code)
            assertTrue("12ab" !in e.message!!)
            assertThrows<AcpException.InvalidInput> { enc.customerInfo(CustomerInfo(cvn2 = "12x")) }
        }
        // A certificate is all this build reads: a private key is refused.
        assertThrows<AcpException> { EncryptionCert.parse(read("fixtures/sandbox/enc.key.pem")) }
    }

    @Test
    fun noMerchantKeySigningOrVerificationApi() {
        // The classes the merchant build generates for keys, signing, verification and the
        // client do not exist in this build's API.
        for (name in listOf(
            "uniffi.unionpay_acp_ffi.MerchantKey", "uniffi.unionpay_acp_ffi.Credentials",
            "uniffi.unionpay_acp_ffi.Client", "uniffi.unionpay_acp_ffi.Verifier",
            "uniffi.unionpay_acp_ffi.Backend", "uniffi.acp_core.SignedFields",
            "uniffi.acp_core.Pkcs12Info", "uniffi.acp_core.Outcome", "uniffi.acp_core.OutgoingRequest",
        )) {
            assertThrows<ClassNotFoundException>(name) { Class.forName(name) }
        }
        // Its top-level functions are the PIN block and the vectors' fixed-randomness hooks
        // (beside uniffi's own plumbing: `uniffi…`, `access$…` and the `use` helper).
        val functions = Class.forName("uniffi.unionpay_acp_ffi.Unionpay_acp_ffiKt").declaredMethods
            .filter { java.lang.reflect.Modifier.isPublic(it.modifiers) }.map { it.name }.toSortedSet()
        for (absent in listOf("signFields", "canonicalString", "parsePkcs12", "parseCertificate", "encodeForm", "dangerParseSyncBody")) {
            assertTrue(absent !in functions, "$absent is in the encryption-only API")
        }
        val api = functions.filterNot { '$' in it || it.startsWith("uniffi") || it == "use" }.toSortedSet()
        assertEquals(sortedSetOf("dangerCustomerInfo", "dangerEncryptField", "pinBlock"), api)
        // And the certificate object only reads itself and encrypts.
        val methods = EncryptionCert::class.java.declaredMethods
            .filter { java.lang.reflect.Modifier.isPublic(it.modifiers) && !java.lang.reflect.Modifier.isStatic(it.modifiers) }
            .map { it.name }
            .filterNot { '$' in it || it.startsWith("uniffi") || it == "getUniffiIsDestroyed" || it in setOf("close", "destroy") }
            .toSortedSet()
        assertEquals(
            sortedSetOf("certId", "certificate", "customerInfo", "customerInfoWithEncryptedPin", "encryptField", "encryptPan"),
            methods,
        )
    }
}
