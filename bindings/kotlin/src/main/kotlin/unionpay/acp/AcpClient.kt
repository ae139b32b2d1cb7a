package unionpay.acp

import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.future.await
import unionpay.acp.ffi.Client as FfiClient

/** The `Content-Type` a request body is POSTed with. */
const val FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"

/**
 * One merchant's client. The core builds, signs and verifies; this class POSTs with
 * `java.net.http` from suspend functions. Thread-safe; keep one per merchant.
 *
 * Every back API is a suspend function named like the core's API (`consume`,
 * `smsOpen`, …) taking the protocol's fields (`"orderId" to "…"`, `"txnAmt" to 1000`)
 * and returning the verified [Outcome]; the front APIs ([frontOpen], [openAndPay])
 * return the [OutgoingRequest] whose `html` the browser must post. The blocking
 * sans-IO methods ([build], [handleResponse], …) serve your own HTTP stack.
 */
class AcpClient private constructor(
    private val inner: FfiClient,
    private val http: HttpClient,
    private val clock: (() -> Instant)?,
) {
    /** A client for [config]; `now` comes from [clock] (default: the system clock). */
    constructor(
        config: ClientConfig,
        http: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        clock: (() -> Instant)? = null,
    ) : this(acp { FfiClient(config.toFfi()) }, http, clock)

    private fun now(): Instant? = clock?.invoke()

    val merId: String get() = inner.merId()
    val encryptionCertId: String? get() = inner.encryptionCertId()
    val endpoints: Endpoints get() = inner.endpoints()

    /** The same client with another encryption certificate (after a key update). */
    fun withEncryptionCert(cert: EncryptionCert) = AcpClient(inner.withEncryptionCert(cert), http, clock)

    // --- sans-IO --------------------------------------------------------------------

    /** Builds and signs the request of [api] (see [Acp.apiNames]); nothing is sent. */
    fun build(api: String, params: Map<String, String>): OutgoingRequest = acp { inner.build(api, params, now()) }

    /** The status query (00/00) of an earlier request; [attempt] counts from 1. */
    fun buildQueryFor(request: OutgoingRequest, attempt: Int = 1): OutgoingRequest =
        acp { inner.buildQueryFor(request, attempt.toUInt(), now()) }

    /** Verifies and classifies the synchronous answer to [request]. */
    fun handleResponse(request: OutgoingRequest, body: ByteArray): Outcome =
        acp { Outcome.of(inner.handleResponse(request, body, now()), inner, request) }

    /** Reads the answer to a key update query. */
    fun handleKeyUpdate(request: OutgoingRequest, body: ByteArray): KeyUpdate =
        acp { inner.handleKeyUpdate(request, body, now()) }

    /** Verifies the raw body UnionPay POSTed to `backUrl`. */
    fun verifyNotification(body: ByteArray): Notification =
        acp { Notification.of(inner.verifyNotification(body, now()), inner) }

    /** Verifies the browser's POST to `frontUrl`: never proof of payment. */
    fun verifyFrontNotification(body: ByteArray): Notification =
        acp { Notification.of(inner.verifyFrontNotification(body, now()), inner) }

    // --- HTTP -----------------------------------------------------------------------

    /** POSTs [request] and returns the raw answer body. */
    suspend fun send(request: OutgoingRequest): ByteArray {
        val post = HttpRequest.newBuilder(URI.create(request.url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", FORM_CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(request.body))
            .build()
        val response = try {
            http.sendAsync(post, HttpResponse.BodyHandlers.ofByteArray()).await()
        } catch (e: IOException) {
            throw TransportException("${request.api}: $e", request, e)
        }
        if (response.statusCode() !in 200..299) {
            throw TransportException("${request.api}: HTTP ${response.statusCode()}", request)
        }
        return response.body()
    }

    /** Builds, POSTs and reads the answer of any back API. */
    suspend fun exchange(api: String, params: Map<String, String>): Outcome {
        val request = build(api, params)
        return handleResponse(request, send(request))
    }

    /** Sends the status query of an earlier request. */
    suspend fun query(request: OutgoingRequest, attempt: Int = 1): Outcome {
        val query = buildQueryFor(request, attempt)
        return handleResponse(query, send(query))
    }

    private suspend fun call(api: String, params: Array<out Pair<String, Any>>) = exchange(api, params.toParams())

    suspend fun consume(vararg params: Pair<String, Any>) = call("consume", params)
    suspend fun reversal(vararg params: Pair<String, Any>) = call("reversal", params)
    suspend fun backOpen(vararg params: Pair<String, Any>) = call("back_open", params)
    suspend fun openQuery(vararg params: Pair<String, Any>) = call("open_query", params)
    suspend fun applyToken(vararg params: Pair<String, Any>) = call("apply_token", params)
    suspend fun deleteToken(vararg params: Pair<String, Any>) = call("delete_token", params)
    suspend fun updateToken(vararg params: Pair<String, Any>) = call("update_token", params)
    suspend fun smsOpen(vararg params: Pair<String, Any>) = call("sms_open", params)
    suspend fun smsRealNameAuth(vararg params: Pair<String, Any>) = call("sms_real_name_auth", params)
    suspend fun smsConsume(vararg params: Pair<String, Any>) = call("sms_consume", params)
    suspend fun smsWithholding(vararg params: Pair<String, Any>) = call("sms_withholding", params)
    suspend fun smsPreAuth(vararg params: Pair<String, Any>) = call("sms_pre_auth", params)
    suspend fun consumeUndo(vararg params: Pair<String, Any>) = call("consume_undo", params)
    suspend fun refund(vararg params: Pair<String, Any>) = call("refund", params)
    suspend fun statusQuery(vararg params: Pair<String, Any>) = call("status_query", params)
    suspend fun preAuth(vararg params: Pair<String, Any>) = call("pre_auth", params)
    suspend fun preAuthUndo(vararg params: Pair<String, Any>) = call("pre_auth_undo", params)
    suspend fun preAuthCompletion(vararg params: Pair<String, Any>) = call("pre_auth_completion", params)
    suspend fun completionUndo(vararg params: Pair<String, Any>) = call("completion_undo", params)
    /** 76/01; then `outcome.response.files()` / `.reconciliation()`. */
    suspend fun fileTransfer(vararg params: Pair<String, Any>) = call("file_transfer", params)

    /** 95/00: asks for UnionPay's current encryption certificate. */
    suspend fun keyUpdateQuery(vararg params: Pair<String, Any>): KeyUpdate {
        val request = build("key_update_query", params.toParams())
        return handleKeyUpdate(request, send(request))
    }

    /** 79/00 open in the browser: serve `request.html`. */
    fun frontOpen(vararg params: Pair<String, Any>): OutgoingRequest = build("front_open", params.toParams())

    /** 01/01 open-and-pay in the browser: serve `request.html`. */
    fun openAndPay(vararg params: Pair<String, Any>): OutgoingRequest = build("open_and_pay", params.toParams())

    private fun Array<out Pair<String, Any>>.toParams(): Map<String, String> =
        associate { (k, v) -> k to v.toString() }
}
