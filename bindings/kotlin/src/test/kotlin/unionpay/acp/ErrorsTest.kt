package unionpay.acp

import org.json.JSONArray
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import uniffi.acp_core.AcpException
import uniffi.acp_core.apiNames
import uniffi.acp_core.errorCatalogue
import uniffi.acp_core.testingRaiseError
import uniffi.unionpay_acp_ffi.Client
import uniffi.unionpay_acp_ffi.Credentials

/** Every code of errors.json maps to the AcpException subclass of its kind. */
class ErrorsTest {
    private val catalogue = JSONArray(String(java.nio.file.Files.readAllBytes(REPO.resolve("errors.json"))))
    private val entries = (0 until catalogue.length()).map { catalogue.getJSONObject(it) }

    @Test
    fun catalogueMatchesTheBinding() {
        val ours = errorCatalogue().map { listOf(it.code.toInt(), it.name, it.kind, it.summary) }
        assertEquals(entries.map { listOf(it.getInt("code"), it.str("name"), it.str("kind"), it.str("summary")) }, ours)
    }

    @TestFactory
    fun codesMapToTheirSubclass() = entries.map { e ->
        dynamicTest("${e.getInt("code")} ${e.str("name")}") {
            val thrown = assertThrows<AcpException> { testingRaiseError(e.getInt("code").toUInt()) }
            val expected = when (e.str("kind")) {
                "InvalidInput" -> AcpException.InvalidInput::class
                "Key" -> AcpException.Key::class
                "Certificate" -> AcpException.Certificate::class
                "Signature" -> AcpException.Signature::class
                "Format" -> AcpException.Format::class
                "GatewayRejected" -> AcpException.GatewayRejected::class
                else -> AcpException.Internal::class
            }
            assertEquals(expected, thrown::class)
            assertEquals(e.getInt("code"), thrown.code.toInt())
            assertEquals(e.str("name"), thrown.name)
            assertEquals(e.str("kind"), thrown.kind)
            assertTrue(thrown.detail.isNotEmpty())
        }
    }

    @Test
    fun settingsAreTheCores() {
        // The core reads the settings JSON: an unknown name is its error 1005, not Kotlin's.
        val settings = settingsJson("merId" to "777290058110097", "environment" to "test", "trust" to "test", "colour" to "blue")
        val e = assertThrows<AcpException.InvalidInput> { Client(settings, Credentials.secureKey("11", "88888888")) }
        assertEquals(1005u, e.code)
        assertTrue("colour" in e.detail, e.detail)
        val ok = AcpClient(settingsJson("merId" to "777290058110097", "environment" to "test", "trust" to "test",
            "orderIdMaxLen" to 40, "verifyCerts500" to emptyList<ByteArray>()), Credentials.secureKey("11", "88888888"))
        assertEquals("777290058110097", ok.merId)
        assertEquals("{\"k\":\"a\\\"b\",\"n\":[1,true,null]}", settingsJson("k" to "a\"b", "n" to listOf(1, true, null)))
    }

    @Test
    fun everyApiHasAFunction() {
        val methods = AcpClient::class.java.methods.map { it.name }.toSet()
        for (api in apiNames()) {
            val camel = api.split('_').mapIndexed { i, p -> if (i == 0) p else p.replaceFirstChar(Char::uppercase) }.joinToString("")
            assertTrue(camel in methods, "AcpClient.$camel for $api")
        }
        assertEquals(23, apiNames().size)
    }
}
