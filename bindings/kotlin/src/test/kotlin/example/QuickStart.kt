// The Kotlin quick start (README.md shows this file; FlowTest runs it against `acp sandbox`).
package example

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.UUID
import unionpay.acp.AcpClient
import unionpay.acp.NotificationReceiver
import unionpay.acp.settingsJson
import uniffi.acp_core.NextStep
import uniffi.acp_core.Notification
import uniffi.acp_core.NotificationReceipt
import uniffi.acp_core.Outcome
import uniffi.unionpay_acp_ffi.Credentials
import uniffi.unionpay_acp_ffi.MerchantKey

/** Opens a card for token payments, pays 10.00 with the token, follows the payment to its result, refunds 3.00. */
suspend fun quickStart(sandboxUrl: String, fixtures: File): NextStep {
    // The sandbox's own root and middle certificates (custom trust); UnionPay's are "test" / "production".
    val pems = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("$sandboxUrl/_sandbox/trust")).build(), HttpResponse.BodyHandlers.ofString(),
    ).body()
    val (root, middle) = Regex("-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\\s*", RegexOption.DOT_MATCHES_ALL)
        .findAll(pems).map { it.value }.toList()

    val key = MerchantKey.fromPkcs12(File(fixtures, "merchant.pfx").readBytes(), "000000")
    check(key.notAfter() > java.time.Instant.now()) { "the signing certificate expired ${key.notAfter()}: renew the PFX" }
    val client = AcpClient(
        settingsJson( // the core's settings (settings.json lists every name)
            "merId" to "777290058110097",
            "environment" to mapOf("baseUrl" to sandboxUrl),                       // or "test" / "production"
            "trust" to mapOf("roots" to listOf(root), "middles" to listOf(middle)), // or "test" / "production"
            "encryptionCert" to File(fixtures, "enc.pem").readBytes(),
        ),
        Credentials.rsa(key),
    )
    val run = UUID.randomUUID().toString().replace("-", "").take(16) // orderIds: 8-32 letters and digits, unique
    val backUrl = "$sandboxUrl/_sandbox/sink"                          // your notification endpoint (see below)
    val card = arrayOf("accNo" to "6221558812340000", "phoneNo" to "13552535506", "cvn2" to "123", "expired" to "2311")

    val sms = client.smsOpen("orderId" to "OPEN$run", *card)
    val opened = client.backOpen("orderId" to "OPEN$run", "txnTime" to sms.request.txnTime, "smsCode" to "111111", *card)
    val token = opened.outcome.response().tokenPayData()!!.token!!

    val paySms = client.smsConsume("orderId" to "PAY$run", "token" to token, "txnAmt" to 1000)
    val paid = client.consume(
        "orderId" to "PAY$run", "txnTime" to paySms.request.txnTime, "txnAmt" to 1000,
        "token" to token, "smsCode" to "111111", "backUrl" to backUrl,
    )
    // paid.outcome is Accepted: taken, not paid. Store paid.request (requestToJson) and follow
    // the core's next steps: status queries on its schedule until the result is final.
    val final = client.queryUntilFinal(paid.next)
    val paidOutcome = final.outcome() as? Outcome.Success
        ?: return final // failed (the money did not move), or a stop: the reconciliation file has the last word
    val queryId = paidOutcome.v1.get("queryId")!!

    val refund = client.refund("orderId" to "REF$run", "origQryId" to queryId, "txnAmt" to 300, "backUrl" to backUrl)
    return client.queryUntilFinal(refund.next)
}

/** Your backUrl endpoint: hand it the RAW body; answer UnionPay with `reply` once stored. */
suspend fun onBackNotification(client: AcpClient, rawBody: ByteArray, store: (Notification) -> Unit): NotificationReceipt =
    NotificationReceiver(client).receive(rawBody) { store(it) } // then confirm: client.nextStepAfterNotification(request, it)
