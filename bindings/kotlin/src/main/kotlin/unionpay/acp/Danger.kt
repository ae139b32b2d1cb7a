package unionpay.acp

import uniffi.acp_core.CustomerInfo
import uniffi.acp_core.CustomerInfoMode
import uniffi.unionpay_acp_ffi.EncryptionCert
import uniffi.unionpay_acp_ffi.dangerCustomerInfo
import uniffi.unionpay_acp_ffi.dangerEncryptField
import uniffi.unionpay_acp_ffi.dangerParseNotifyBody
import uniffi.unionpay_acp_ffi.dangerParseSyncBody

/**
 * DANGER: what is unsafe in production, by name. Parsing a body WITHOUT verifying it
 * (nothing read this way is UnionPay's word: vectors, debugging) and card-data
 * encryption with fixed "random" padding (byte-exact test vectors only: it makes
 * ciphertexts predictable). Use [AcpClient] and [CardEncryptor] for everything else.
 */
object Danger {
    /** Splits a synchronous answer (`k=v&…`, brace-aware) WITHOUT verifying it. */
    fun parseSyncBody(body: ByteArray): Map<String, String> = dangerParseSyncBody(body)

    /** Splits and form-decodes a notification body WITHOUT verifying it. */
    fun parseNotifyBody(body: ByteArray): Map<String, String> = dangerParseNotifyBody(body)

    /** `cert.encryptField(plaintext)` with the padding bytes taken from [random]. */
    fun encryptField(cert: EncryptionCert, plaintext: ByteArray, random: ByteArray): String =
        dangerEncryptField(cert, plaintext, random)

    /** `cert.customerInfo…` with the padding bytes taken from [random]. */
    fun customerInfo(cert: EncryptionCert, info: CustomerInfo, mode: CustomerInfoMode?, encryptedPin: String?, random: ByteArray): String =
        dangerCustomerInfo(cert, info, mode, encryptedPin, random)
}
