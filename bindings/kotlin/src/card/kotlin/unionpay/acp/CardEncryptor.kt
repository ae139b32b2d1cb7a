package unionpay.acp

import uniffi.acp_core.CustomerInfo
import uniffi.acp_core.CustomerInfoMode
import uniffi.unionpay_acp_ffi.EncryptionCert

/**
 * Encrypts card data on a device before it leaves it, with UnionPay's encryption
 * certificate only: no merchant key ships in the app. Send [certId] as `encryptCertId`
 * with the values.
 *
 * ```
 * val enc = CardEncryptor(encCertPem)
 * val accNo = enc.encryptPan("6221558812340000")
 * val customerInfo = enc.customerInfo(CustomerInfo(phoneNo = "13552535506", cvn2 = "123", expired = "2311"))
 * ```
 * The one class shared by the JVM JAR (bindings/kotlin) and the Android library
 * (bindings/android): an app gets the card-encryption-only native build
 * (`--no-default-features`: pure Rust, no AWS-LC, no API that holds a merchant key), whose
 * generated API is exactly what this class calls.
 */
class CardEncryptor(encryptionCert: ByteArray) : AutoCloseable {
    constructor(pem: String) : this(pem.toByteArray(Charsets.UTF_8))

    private val cert: EncryptionCert = EncryptionCert.parse(encryptionCert)

    /** The `encryptCertId` to send with the encrypted values. */
    val certId: String get() = cert.certId()

    /** The encrypted card number for `accNo` (base64). */
    fun encryptPan(pan: String): String = cert.encryptPan(pan)

    /** Any value, encrypted (base64 of RSA PKCS#1 v1.5). */
    fun encryptField(value: String): String = cert.encryptField(value.toByteArray(Charsets.UTF_8))

    /** The `customerInfo` value; a clear PIN needs the card number [pan]. */
    fun customerInfo(info: CustomerInfo, pan: String? = null, mode: CustomerInfoMode? = null): String =
        cert.customerInfo(info, mode, pan)

    /** The `customerInfo` value with a PIN block already encrypted by a PIN pad. */
    fun customerInfoWithEncryptedPin(info: CustomerInfo, encryptedPin: String, mode: CustomerInfoMode? = null): String =
        cert.customerInfoWithEncryptedPin(info, mode, encryptedPin)

    override fun close() = cert.close()
}
