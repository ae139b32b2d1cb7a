package unionpay.acp

import uniffi.acp_core.Notification
import uniffi.acp_core.NotificationReceipt
import uniffi.acp_core.notificationReplyRetryLater

/**
 * Answers UnionPay's POSTs to `backUrl`: the core verifies the raw body and says what to
 * answer, in every case (its [NotificationReceipt]: `reply.status` / `reply.body`, and the
 * verified `notification` or the `error`). [receive] runs `store` on a verified one before
 * you answer: a 200 makes UnionPay stop resending, so when storing throws, the reply is the
 * core's 503 "retry later" (UnionPay sends it again) and the exception is handed to
 * [onStoreFailure] (log it).
 *
 * ```
 * val receipt = receiver.receive(rawBody) { n -> orders.record(n) }   // the RAW body
 * exchange.sendResponseHeaders(receipt.reply.status.toInt(), …)        // then receipt.reply.body
 * ```
 * A money notification is confirmed by a status query before booking:
 * `client.queryUntilFinal(client.nextStepAfterNotification(request, notification))`.
 */
class NotificationReceiver(
    private val client: AcpClient,
    private val onStoreFailure: (Exception) -> Unit = {},
) {
    suspend fun receive(body: ByteArray, store: suspend (Notification) -> Unit = {}): NotificationReceipt {
        val receipt = client.receiveNotification(body)
        val notification = receipt.notification ?: return receipt
        return try {
            store(notification)
            receipt
        } catch (e: Exception) {
            onStoreFailure(e)
            NotificationReceipt(notificationReplyRetryLater(), notification, null)
        }
    }
}
