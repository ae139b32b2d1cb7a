package unionpay.acp

import uniffi.acp_core.Notification
import uniffi.acp_core.NotificationReceipt

/**
 * Answers UnionPay's POSTs to `backUrl`: the core verifies the raw body and says what to
 * answer, in every case (its [NotificationReceipt]: `reply.status` / `reply.body`, and the
 * verified `notification` or the `error`). [receive] runs `store` on a verified one before
 * you answer: a 200 makes UnionPay stop resending, so when storing throws, the exception
 * propagates and no 200 goes out (UnionPay sends it again).
 *
 * ```
 * val receipt = receiver.receive(rawBody) { n -> orders.record(n) }   // the RAW body
 * exchange.sendResponseHeaders(receipt.reply.status.toInt(), …)        // then receipt.reply.body
 * ```
 * A money notification is confirmed by a status query before booking:
 * `client.queryUntilFinal(client.nextStepAfterNotification(request, notification))`.
 */
class NotificationReceiver(private val client: AcpClient) {
    suspend fun receive(body: ByteArray, store: suspend (Notification) -> Unit = {}): NotificationReceipt =
        client.receiveNotification(body).also { receipt -> receipt.notification?.let { store(it) } }
}
