package unionpay.acp

import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.acp_core.CustomerInfo
import uniffi.acp_core.Response
import uniffi.unionpay_acp_ffi.Credentials

/** What prints: records show their fields as the core logs them; keys and card data are objects that never print their values. */
class DisplayTest {
    private val token = "6235240000020757577"

    @Test
    fun aResponsePrintsWithoutItsToken() {
        val fields = FieldsJson.decode("""{"orderId":"PRINT0001","respCode":"00","tokenPayData":"{token=$token&trId=62000000001}"}""")
        val text = Response(fields).toString()
        assertFalse(text.contains(token), text)
        assertTrue(text.contains("PRINT0001"), text)
        assertTrue(fields == mapOf("orderId" to "PRINT0001", "respCode" to "00", "tokenPayData" to "{token=$token&trId=62000000001}"))
    }

    @Test
    fun secureKeysAndCardDataNeverPrint() {
        assertFalse(Credentials.secureKey("11", "88888888").toString().contains("88888888"))
        assertFalse(CustomerInfo(phoneNo = "13552535506", cvn2 = "123").toString().contains("13552535506"))
    }
}
