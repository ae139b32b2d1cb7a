package unionpay.acp

import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import uniffi.acp_core.Endpoints
import uniffi.acp_core.KeyUpdate
import uniffi.acp_core.NextStep
import uniffi.acp_core.Notification
import uniffi.acp_core.NotificationReceipt
import uniffi.acp_core.Outcome
import uniffi.acp_core.OutgoingRequest
import uniffi.acp_core.Response
import uniffi.acp_core.formContentType
import uniffi.unionpay_acp_ffi.Backend
import uniffi.unionpay_acp_ffi.Client
import uniffi.unionpay_acp_ffi.Credentials

/** The `Content-Type` request bodies are POSTed with (the core's). */
val FORM_CONTENT_TYPE: String = formContentType()

/**
 * One merchant's client: the core's [Client] (it builds, signs, verifies and decides
 * every next step) plus the host parts, the clock and HTTP (`java.net.http`, from suspend
 * functions). Thread-safe; keep one per merchant.
 *
 * Build with [build] (or a named API: [consume], [smsOpen], …), POST with [exchange]
 * (the core's [NextStep]) or [send] (its outcome), then [queryUntilFinal]. Nothing
 * mutates: a key update returns another client.
 *
 * @param core the core's client: `Client(settingsJson(…), Credentials.rsa(key))`.
 * @param clock the time every call is made at (default: the system clock).
 * @param timeout how long one POST may take before it counts as no answer.
 */
class AcpClient(
    val core: Client,
    private val clock: () -> Instant = Instant::now,
    private val timeout: Duration = Duration.ofSeconds(30),
    private val http: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
) {
    /** A client from the core's settings JSON (see [settingsJson]) and what it signs with. */
    constructor(
        settingsJson: String,
        credentials: Credentials,
        backend: Backend? = null,
        clock: () -> Instant = Instant::now,
        timeout: Duration = Duration.ofSeconds(30),
    ) : this(Client(settingsJson, credentials, backend), clock, timeout)

    /** The same client with another POST [timeout]. */
    fun withTimeout(timeout: Duration) = AcpClient(core, clock, timeout, http)

    val merId: String get() = core.merId()
    val encryptionCertId: String? get() = core.encryptionCertId()
    val endpoints: Endpoints get() = core.endpoints()

    /** The same client with another encryption certificate (the `pem` of a replaced [KeyUpdate]). */
    fun withEncryptionCertPem(pem: String) = AcpClient(core.withEncryptionCertPem(pem), clock, timeout, http)

    // --- sans-IO: the core's calls at this client's clock ------------------------------

    /** Builds and signs the request of [api] (`apiNames()`: `consume`, `sms_open`, …) from protocol fields. */
    fun build(api: String, params: Map<String, Any>): OutgoingRequest =
        core.build(api, params.mapValues { it.value.toString() }, clock())

    /** The status query [attempt] (from 1) of an earlier request. */
    fun buildQueryFor(request: OutgoingRequest, attempt: Int = 1): OutgoingRequest =
        core.buildQueryFor(request, attempt.toUInt(), clock())

    /** The core's next step after [sent] got the HTTP answer [status] / [body], or none (null). */
    fun nextStep(sent: OutgoingRequest, status: Int?, body: ByteArray = ByteArray(0)): NextStep =
        core.nextStep(sent, status?.toUShort(), body, clock())

    /** The core's next step after an [outcome] of [sent] you already have. */
    fun nextStepAfter(sent: OutgoingRequest, outcome: Outcome): NextStep = core.nextStepAfter(sent, outcome, clock())

    /** The core's next step for [request] after a verified back [notification] about it. */
    fun nextStepAfterNotification(request: OutgoingRequest, notification: Notification): NextStep =
        core.nextStepAfterNotification(request, notification, clock())

    /** Verifies and classifies an answer body you received yourself. */
    fun handleResponse(request: OutgoingRequest, body: ByteArray): Outcome = core.handleResponse(request, body, clock())

    /** Verifies UnionPay's POST to `backUrl` and says what to answer it, in every case. */
    fun receiveNotification(body: ByteArray): NotificationReceipt = core.receiveNotification(body, clock())

    /** Verifies the raw body UnionPay POSTed to `backUrl`. */
    fun verifyNotification(body: ByteArray): Notification = core.verifyNotification(body, clock())

    /** Verifies the browser's POST to `frontUrl`: never proof of payment. */
    fun verifyFrontNotification(body: ByteArray): Notification = core.verifyFrontNotification(body, clock())

    /** Whether [notification] reports on [request] (merId, orderId, txnTime, type, amount). */
    fun matches(notification: Notification, request: OutgoingRequest): Boolean = core.notificationMatches(notification, request)

    /** `accNo` of a verified answer in the clear. */
    fun decryptAccNo(response: Response): String? = core.decryptAccNo(response)

    /** `customerInfo` of a verified answer with `encryptedInfo` decrypted. */
    fun decryptCustomerInfo(response: Response): Map<String, String>? = core.decryptCustomerInfo(response)

    // --- HTTP -------------------------------------------------------------------------

    /** What one POST came to: the HTTP status and body, or null when no answer came. */
    suspend fun post(request: OutgoingRequest): Pair<Int, ByteArray>? {
        val post = HttpRequest.newBuilder(URI.create(request.url))
            .timeout(timeout)
            .header("Content-Type", FORM_CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofString(request.body))
            .build()
        return try {
            http.sendAsync(post, HttpResponse.BodyHandlers.ofByteArray()).await().let { it.statusCode() to it.body() }
        } catch (e: javax.net.ssl.SSLHandshakeException) {
            // An untrusted server certificate is the host's configuration, not a lost answer:
            // the handshake failed before anything was sent. Trust a private CA with an
            // SSLContext: HttpClient.newBuilder().sslContext(…).
            throw e
        } catch (e: IOException) {
            null // refused, reset, timed out: the core decides what no answer means
        }
    }

    /** POSTs [request] (the core refuses a front one first: the browser posts it) and returns the core's next step. */
    suspend fun exchange(request: OutgoingRequest): NextStep {
        if (request.isFront()) nextStep(request, null)
        val answer = post(request)
        return nextStep(request, answer?.first, answer?.second ?: ByteArray(0))
    }

    /**
     * POSTs [request]; the core's next step came with an outcome (a verified answer), or
     * this throws [TransportException] carrying that step (query it: [queryUntilFinal]).
     */
    suspend fun send(request: OutgoingRequest): Sent {
        val next = exchange(request)
        next.outcome() ?: throw TransportException(request, next)
        return Sent(request, next)
    }

    /** [build] then [send]. */
    suspend fun call(api: String, params: Map<String, Any>): Sent = send(build(api, params))

    /** Sends status query [attempt] of [request]. */
    suspend fun query(request: OutgoingRequest, attempt: Int = 1): Sent = send(buildQueryFor(request, attempt))

    /**
     * Follows the core's next steps until one is final or a stop: waits until each query's
     * time ([sleep], default `delay`), POSTs it and asks the core again. At most
     * [maxQueries] queries and [maxWait] in all; returns the last step (a query step when
     * a bound was hit: pass it back later).
     */
    suspend fun queryUntilFinal(
        step: NextStep,
        maxQueries: Int = 10,
        maxWait: Duration = Duration.ofMinutes(2),
        sleep: suspend (Duration) -> Unit = { delay(it.toMillis()) },
    ): NextStep {
        var current = step
        val deadline = clock().plus(maxWait)
        for (n in 0 until maxQueries) {
            val query = current as? NextStep.Query ?: break
            val now = clock()
            val wait = Duration.between(now, query.at)
            if (now.plus(if (wait.isNegative) Duration.ZERO else wait).isAfter(deadline)) break
            if (wait > Duration.ZERO) sleep(wait)
            current = exchange(query.query)
        }
        return current
    }

    /**
     * 95/00 key update query. Returns the core's [KeyUpdate] and the client to go on with
     * (this one with the new certificate when it was replaced: store its `pem`).
     */
    suspend fun keyUpdateQuery(vararg params: Pair<String, Any>): Pair<KeyUpdate, AcpClient> {
        val request = build("key_update_query", params.toMap())
        val answer = post(request)
        val next = nextStep(request, answer?.first, answer?.second ?: ByteArray(0))
        if (answer == null || next.outcome() == null) throw TransportException(request, next)
        val update = core.handleKeyUpdate(request, answer.second, clock())
        return update to AcpClient(core.afterKeyUpdate(update), clock, timeout, http)
    }

    private suspend fun api(name: String, params: Array<out Pair<String, Any>>) = call(name, params.toMap())

    suspend fun consume(vararg params: Pair<String, Any>) = api("consume", params)
    suspend fun reversal(vararg params: Pair<String, Any>) = api("reversal", params)
    suspend fun backOpen(vararg params: Pair<String, Any>) = api("back_open", params)
    suspend fun openQuery(vararg params: Pair<String, Any>) = api("open_query", params)
    suspend fun applyToken(vararg params: Pair<String, Any>) = api("apply_token", params)
    suspend fun deleteToken(vararg params: Pair<String, Any>) = api("delete_token", params)
    suspend fun updateToken(vararg params: Pair<String, Any>) = api("update_token", params)
    suspend fun smsOpen(vararg params: Pair<String, Any>) = api("sms_open", params)
    suspend fun smsRealNameAuth(vararg params: Pair<String, Any>) = api("sms_real_name_auth", params)
    suspend fun smsConsume(vararg params: Pair<String, Any>) = api("sms_consume", params)
    suspend fun smsWithholding(vararg params: Pair<String, Any>) = api("sms_withholding", params)
    suspend fun smsPreAuth(vararg params: Pair<String, Any>) = api("sms_pre_auth", params)
    suspend fun consumeUndo(vararg params: Pair<String, Any>) = api("consume_undo", params)
    suspend fun refund(vararg params: Pair<String, Any>) = api("refund", params)
    suspend fun statusQuery(vararg params: Pair<String, Any>) = api("status_query", params)
    suspend fun preAuth(vararg params: Pair<String, Any>) = api("pre_auth", params)
    suspend fun preAuthUndo(vararg params: Pair<String, Any>) = api("pre_auth_undo", params)
    suspend fun preAuthCompletion(vararg params: Pair<String, Any>) = api("pre_auth_completion", params)
    suspend fun completionUndo(vararg params: Pair<String, Any>) = api("completion_undo", params)
    /** 76/01; then `sent.outcome.response().files()` / `.reconciliation()`. */
    suspend fun fileTransfer(vararg params: Pair<String, Any>) = api("file_transfer", params)

    /** 79/00 open in the browser: serve `request.html` (the browser posts it). */
    fun frontOpen(vararg params: Pair<String, Any>): OutgoingRequest = build("front_open", params.toMap())

    /** 01/01 open-and-pay in the browser: serve `request.html`. */
    fun openAndPay(vararg params: Pair<String, Any>): OutgoingRequest = build("open_and_pay", params.toMap())
}

/** A request that was POSTed and got a verified answer: its [outcome] and the core's [next] step. */
class Sent(val request: OutgoingRequest, val next: NextStep) {
    val outcome: Outcome get() = next.outcome()!!
    override fun toString() = "Sent(${request.api} ${outcome.name()} ${outcome.decisiveCode()})"
}

/**
 * No usable answer came for [request] (none, a status other than 200, or one that does
 * not verify). [next] is the core's next step: for a money-moving request the result is
 * unknown, so follow it ([AcpClient.queryUntilFinal]), never retry as new.
 */
class TransportException(val request: OutgoingRequest, val next: NextStep) :
    IOException("the ${request.api} request to ${request.url} got no usable answer (next: ${next.name()})")
