package unionpay.acp

import org.json.JSONArray
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

/** Every code of errors.json maps to the AcpException subclass of its kind. */
class ErrorsTest {
    private val catalogue = JSONArray(String(java.nio.file.Files.readAllBytes(REPO.resolve("errors.json"))))
    private val entries = (0 until catalogue.length()).map { catalogue.getJSONObject(it) }

    @Test
    fun catalogueMatchesTheBinding() {
        val ours = Acp.errorCatalogue().map { listOf(it.code.toInt(), it.name, it.kind, it.summary) }
        assertEquals(entries.map { listOf(it.getInt("code"), it.str("name"), it.str("kind"), it.str("summary")) }, ours)
    }

    @TestFactory
    fun codesMapToTheirSubclass() = entries.map { e ->
        dynamicTest("${e.getInt("code")} ${e.str("name")}") {
            val thrown = assertThrows<AcpException> { Acp.Testing.raiseError(e.getInt("code")) }
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
            assertEquals(e.getInt("code"), thrown.code)
            assertEquals(e.str("name"), thrown.name)
            assertEquals(e.str("kind"), thrown.kind)
            assertTrue(thrown.message!!.startsWith("[${e.getInt("code")} ${e.str("name")}]"))
        }
    }

    @Test
    fun everyApiHasAFunction() {
        val methods = AcpClient::class.java.methods.map { it.name }.toSet()
        for (api in Acp.apiNames()) {
            val camel = api.split('_').mapIndexed { i, p -> if (i == 0) p else p.replaceFirstChar(Char::uppercase) }.joinToString("")
            assertTrue(camel in methods, "AcpClient.$camel for $api")
        }
        assertEquals(23, Acp.apiNames().size)
    }
}
