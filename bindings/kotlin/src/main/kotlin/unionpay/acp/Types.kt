package unionpay.acp

import java.time.Instant
import unionpay.acp.ffi.Client as FfiClient
import unionpay.acp.ffi.Notification as FfiNotification
import unionpay.acp.ffi.Response as FfiResponse

// The generated records and enums are already Kotlin data classes and sealed classes.
typealias Backend = unionpay.acp.ffi.Backend
typealias InfoMode = unionpay.acp.ffi.InfoMode
typealias BizTypes = unionpay.acp.ffi.BizTypes
typealias MerchantKey = unionpay.acp.ffi.MerchantKey
typealias EncryptionCert = unionpay.acp.ffi.EncryptionCert
typealias OutgoingRequest = unionpay.acp.ffi.OutgoingRequest
typealias QueriedTxn = unionpay.acp.ffi.QueriedTxn
typealias TokenPayData = unionpay.acp.ffi.TokenPayData
typealias KeyUpdate = unionpay.acp.ffi.KeyUpdate
typealias Endpoints = unionpay.acp.ffi.Endpoints
typealias CertificateInfo = unionpay.acp.ffi.CertificateInfo
typealias Pkcs12Info = unionpay.acp.ffi.Pkcs12Info
typealias SignedFields = unionpay.acp.ffi.SignedFields
typealias ArchiveLimits = unionpay.acp.ffi.ArchiveLimits
typealias NamedFile = unionpay.acp.ffi.NamedFile
typealias ReconciliationSummary = unionpay.acp.ffi.ReconciliationSummary
typealias ErrorInfo = unionpay.acp.ffi.ErrorInfo

/** Which certificates answers and notifications must chain to. */
sealed class Trust {
    /** UnionPay production's embedded root and middle. */
    object Production : Trust()
    /** UnionPay's test environment's embedded root and middle. */
    object Test : Trust()
    /** Your own roots and middles (PEM or DER), e.g. the sandbox's `GET /_sandbox/trust`. */
    data class Custom(val roots: List<ByteArray>, val middles: List<ByteArray>) : Trust()

    internal fun toFfi(): unionpay.acp.ffi.Trust = when (this) {
        Production -> unionpay.acp.ffi.Trust.Production
        Test -> unionpay.acp.ffi.Trust.Test
        is Custom -> unionpay.acp.ffi.Trust.Custom(roots, middles)
    }
}

/** Where requests go. */
sealed class Environment {
    object Production : Environment()
    object Test : Environment()
    /** Every endpoint under one base URL with UnionPay's paths (the sandbox's URL). */
    data class Custom(val baseUrl: String) : Environment()

    internal fun toFfi(): unionpay.acp.ffi.Environment = when (this) {
        Production -> unionpay.acp.ffi.Environment.Production
        Test -> unionpay.acp.ffi.Environment.Test
        is Custom -> unionpay.acp.ffi.Environment.Custom(baseUrl)
    }
}

/** What requests are signed with. */
sealed class Credentials {
    /** signMethod 01: the merchant key. */
    data class Rsa(val key: MerchantKey) : Credentials()
    /** signMethod `11` (SHA-256) or `12` (SM3) with UnionPay's secure key. */
    data class SecureKey(val signMethod: String, val key: String) : Credentials() {
        override fun toString() = "SecureKey(signMethod=$signMethod, key=<redacted>)"
    }

    internal fun toFfi(): unionpay.acp.ffi.Credentials = when (this) {
        is Rsa -> unionpay.acp.ffi.Credentials.Rsa(key)
        is SecureKey -> unionpay.acp.ffi.Credentials.SecureKey(signMethod, key)
    }
}

/** One merchant's configuration; unset options keep the core's defaults. */
data class ClientConfig(
    val merId: String,
    val credentials: Credentials,
    val environment: Environment,
    val trust: Trust,
    val encryptionCert: EncryptionCert? = null,
    val accessType: String? = null,
    val channelType: String? = null,
    val trId: String? = null,
    val customerInfoMode: InfoMode? = null,
    val version: String? = null,
    val verifySecureKey: String? = null,
    val verifyCerts500: List<ByteArray> = emptyList(),
    val orderIdMaxLen: Int? = null,
    val bizTypes: BizTypes? = null,
    val backend: Backend? = null,
) {
    internal fun toFfi() = unionpay.acp.ffi.ClientConfig(
        merId, credentials.toFfi(), environment.toFfi(), trust.toFfi(), encryptionCert, accessType,
        channelType, trId, customerInfoMode, version, verifySecureKey, verifyCerts500,
        orderIdMaxLen?.toUInt(), bizTypes, backend,
    )
}

/** The cardholder fields of `customerInfo`; [pin] is the clear PIN. Never printed. */
data class CustomerInfo(
    val certifTp: String? = null,
    val certifId: String? = null,
    val customerNm: String? = null,
    val phoneNo: String? = null,
    val smsCode: String? = null,
    val pin: String? = null,
    val cvn2: String? = null,
    val expired: String? = null,
) {
    override fun toString() = "CustomerInfo(<redacted>)"

    internal fun toFfi() = unionpay.acp.ffi.CustomerInfo(certifTp, certifId, customerNm, phoneNo, smsCode, pin, cvn2, expired)
}

/** A verified message from UnionPay (only the client makes these). */
class Response internal constructor(private val inner: FfiResponse, private val client: FfiClient) {
    /** Every field as received. */
    val fields: Map<String, String> by lazy { inner.fields() }
    operator fun get(key: String): String? = fields[key]
    val respCode: String get() = inner.respCode()
    val respMsg: String get() = inner.respMsg()
    val origRespCode: String? get() = inner.origRespCode()
    val origRespMsg: String? get() = inner.origRespMsg()
    /** `queryId`: keep it for undo and refund. */
    val queryId: String? get() = inner.queryId()
    val origQryId: String? get() = inner.origQryId()
    val orderId: String? get() = inner.orderId()
    val txnTime: String? get() = inner.txnTime()
    val settleDate: String? get() = inner.settleDate()
    val traceNo: String? get() = inner.traceNo()
    val activateStatus: String? get() = inner.activateStatus()
    val encryptPubKeyCert: String? get() = inner.encryptPubKeyCert()
    val fileName: String? get() = inner.fileName()

    /** `txnAmt` in fen. */
    fun txnAmt(): Long? = acp { inner.txnAmt()?.toLong() }
    fun settleAmt(): Long? = acp { inner.settleAmt()?.toLong() }
    /** `tokenPayData`, parsed (the token pays like a card number: store it like one). */
    fun tokenPayData(): TokenPayData? = acp { inner.tokenPayData() }
    /** `customerInfo` without decrypting. */
    fun customerInfo(): Map<String, String>? = acp { inner.customerInfo() }
    /** `customerInfo` with `encryptedInfo` decrypted by the merchant key. */
    fun decryptCustomerInfo(): Map<String, String>? = acp { inner.decryptCustomerInfo(client) }
    /** `accNo` in the clear (decrypted when UnionPay encrypted it). */
    fun decryptAccNo(): String? = acp { inner.decryptAccNo(client) }
    /** The members of a file-transfer answer (base64 → zlib → ZIP). */
    fun files(limits: ArchiveLimits? = null): List<NamedFile> = acp { inner.files(limits) }
    fun reconciliation(limits: ArchiveLimits? = null): ReconciliationSummary = acp { inner.reconciliation(limits) }

    override fun toString() = "Response(respCode=$respCode, respMsg=$respMsg)"
}

/**
 * The verified, classified answer to [request]: [name] is `success`, `accepted` (a back
 * money request was taken: not paid yet; wait for the notification or query at
 * [queryAt]), `pending` (unknown: query at [queryAt]), `failed` (UnionPay said no:
 * [failedCode], [failedMsg]) or `no_file`.
 */
data class Outcome(
    val name: String,
    val decisiveCode: String,
    val failedCode: String?,
    val failedMsg: String?,
    val queryAt: Instant?,
    val pendingReason: String?,
    val response: Response,
    val request: OutgoingRequest,
) {
    val isSuccess: Boolean get() = name == "success"

    internal companion object {
        fun of(o: unionpay.acp.ffi.Outcome, client: FfiClient, request: OutgoingRequest) = Outcome(
            o.name, o.decisiveCode, o.failedCode, o.failedMsg, o.queryAt, o.pendingReason,
            Response(o.response, client), request,
        )
    }
}

/**
 * A verified notification. Answer HTTP 200 quickly and handle repeats idempotently;
 * [success] says whether respCode is 00/A6. A `front` one is never proof of payment.
 */
data class Notification(
    val source: String,
    val api: String?,
    val txnType: String,
    val txnSubType: String,
    val bizType: String,
    val success: Boolean,
    val respCode: String,
    val respMsg: String,
    val merId: String,
    val orderId: String?,
    val txnTime: String?,
    val txnAmt: Long?,
    val queryId: String?,
    val origQryId: String?,
    val settleDate: String?,
    val settleAmt: Long?,
    val traceNo: String?,
    val traceTime: String?,
    val tokenPayData: TokenPayData?,
    val response: Response,
    private val inner: FfiNotification,
    private val client: FfiClient,
) {
    /** Whether this reports on [request] (merId, orderId, txnTime, txnType/SubType, txnAmt). */
    fun matches(request: OutgoingRequest): Boolean = acp { client.notificationMatches(inner, request) }

    internal companion object {
        fun of(n: FfiNotification, client: FfiClient) = Notification(
            n.source, n.api, n.txnType, n.txnSubType, n.bizType, n.success, n.respCode, n.respMsg,
            n.merId, n.orderId, n.txnTime, n.txnAmt?.toLong(), n.queryId, n.origQryId, n.settleDate,
            n.settleAmt?.toLong(), n.traceNo, n.traceTime, n.tokenPayData,
            Response(n.response, client), n, client,
        )
    }
}

/** Verifies UnionPay's messages: parse → chain → name → validity → signature. Keep one. */
class Verifier(
    trust: Trust,
    secureKey: String? = null,
    verifyCerts500: List<ByteArray> = emptyList(),
    backend: Backend? = null,
) {
    private val inner = acp { unionpay.acp.ffi.Verifier(trust.toFfi(), secureKey, verifyCerts500, backend) }

    fun verifyFields(fields: Map<String, String>, now: Instant? = null) = acp { inner.verifyFields(fields, now) }
    fun verifySyncBody(body: ByteArray, now: Instant? = null): Map<String, String> = acp { inner.verifySyncBody(body, now) }
    fun verifyNotifyBody(body: ByteArray, now: Instant? = null): Map<String, String> = acp { inner.verifyNotifyBody(body, now) }
}

/** Loading keys and the protocol's building blocks (canonical string, forms, PIN blocks…). */
object Acp {
    /** Loads the merchant's `.pfx`; RSA runs on the native (AWS-LC) backend by default. */
    fun merchantKey(pfx: ByteArray, password: String, backend: Backend? = null): MerchantKey =
        acp { MerchantKey.fromPkcs12(pfx, password, backend) }
    fun merchantKeyFromPem(keyPem: ByteArray, cert: ByteArray, backend: Backend? = null): MerchantKey =
        acp { MerchantKey.fromPem(keyPem, cert, backend) }
    /** UnionPay's encryption certificate (PEM or DER). */
    fun encryptionCert(cert: ByteArray): EncryptionCert = acp { EncryptionCert.parse(cert) }

    /** The 23 product API names. */
    fun apiNames(): List<String> = unionpay.acp.ffi.apiNames()
    fun canonicalString(fields: Map<String, String>): String = unionpay.acp.ffi.canonicalString(fields)
    fun signFields(fields: Map<String, String>, key: MerchantKey): SignedFields = acp { key.signFields(fields) }
    fun signFields(fields: Map<String, String>, credentials: Credentials): SignedFields =
        acp { unionpay.acp.ffi.signFields(fields, credentials.toFfi()) }
    fun parseSignMethod(signMethod: String): String = acp { unionpay.acp.ffi.parseSignMethod(signMethod) }
    fun parsePkcs12(pfx: ByteArray, password: String): Pkcs12Info = acp { unionpay.acp.ffi.parsePkcs12(pfx, password) }
    fun parseCertificate(cert: ByteArray): CertificateInfo = acp { unionpay.acp.ffi.parseCertificate(cert) }
    fun parseSyncBody(body: ByteArray): Map<String, String> = acp { unionpay.acp.ffi.parseSyncBody(body) }
    fun parseNotifyBody(body: ByteArray): Map<String, String> = acp { unionpay.acp.ffi.parseNotifyBody(body) }
    fun encodeForm(fields: Map<String, String>): String = unionpay.acp.ffi.encodeForm(fields)
    fun pinBlock(pin: String, pan: String): ByteArray = acp { unionpay.acp.ffi.pinBlock(pin, pan) }
    fun errorCatalogue(): List<ErrorInfo> = unionpay.acp.ffi.errorCatalogue()
    fun decryptField(key: MerchantKey, ciphertextBase64: String): ByteArray = acp { key.decryptField(ciphertextBase64) }

    /** Tests only: encryption with a fixed random stream; raising any error code. */
    object Testing {
        fun encryptField(cert: EncryptionCert, plaintext: ByteArray, random: ByteArray): String =
            acp { unionpay.acp.ffi.testingEncryptField(cert, plaintext, random) }
        fun customerInfo(cert: EncryptionCert, info: CustomerInfo, mode: InfoMode?, encryptedPin: String?, random: ByteArray): String =
            acp { unionpay.acp.ffi.testingCustomerInfo(cert, info.toFfi(), mode, encryptedPin, random) }
        fun raiseError(code: Int) = acp { unionpay.acp.ffi.testingRaiseError(code.toUInt()) }
    }
}
