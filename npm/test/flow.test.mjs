// A whole token payment flow against the local sandbox (`acp sandbox` on 127.0.0.1), the
// README's JS quick start (examples/quick_start.mjs, run by quick_start.test.mjs) carried
// on: SMS + back open (token) → SMS + consume → the back notification, received and
// verified → the core's next step (a status query) → a partial refund.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SKIP_WITHOUT_SANDBOX, orderId, startInbox, startSandbox } from './sandbox.mjs';

const fixture = (name) => readFileSync(new URL(`../../tests/fixtures/sandbox/${name}`, import.meta.url));

test('token payment flow (the quick start, the notification, a refund)', { skip: SKIP_WITHOUT_SANDBOX, timeout: 60_000 }, async (t) => {
  const sandbox = await startSandbox();
  t.after(() => sandbox.stop());
  const inbox = await startInbox(); // stands in for your backUrl
  t.after(() => inbox.close());
  const backUrl = inbox.url('/unionpay/notify');

  // ---------------------------------------------------------------- quick start
  const { Client } = await import('unionpay-acp');

  const client = new Client({
    merId: '777290058110097',
    pfx: fixture('merchant.pfx'), // your PFX from UnionPay
    password: '000000',
    encryptionCert: fixture('enc.pem'), // UnionPay's encryption certificate
    environment: { baseUrl: sandbox.baseUrl }, // or 'test' / 'production'
    trust: { roots: [fixture('root.pem')], middles: [fixture('middle.pem')] }, // or 'test' / 'production'
  });
  assert.equal(client.backend, 'node'); // RSA runs in node:crypto

  // 1. Bind the card: an SMS code, then the back open returns a token.
  const card = { accNo: '6221558812340000', phoneNo: '13552535506', cvn2: '123', expired: '2311' };
  const openId = orderId('OPEN');
  const openSms = await client.smsOpen({ orderId: openId, accNo: card.accNo, phoneNo: card.phoneNo });
  assert.equal(openSms.name, 'success');
  const opened = await client.backOpen({
    orderId: openId,
    txnTime: openSms.request.txnTime, // pairs the open with its SMS
    ...card,
    smsCode: '111111', // what the cardholder typed
  });
  assert.equal(opened.name, 'success', opened.decisiveMsg);
  const { token } = opened.response.tokenPayData();
  assert.match(token, /^\d{19}$/);
  assert.equal(opened.response.decryptAccNo(), '0000'); // accNo comes back encrypted, masked

  // 2. Pay with the token: an SMS code, then the consume (same orderId, txnTime, txnAmt).
  const payId = orderId('PAY');
  const paySms = await client.smsConsume({ orderId: payId, token, txnAmt: 1000 });
  assert.equal(paySms.name, 'success', paySms.decisiveMsg);
  const paid = await client.consume({
    orderId: payId,
    txnTime: paySms.request.txnTime,
    txnAmt: 1000, // fen: ¥10.00
    token,
    smsCode: '111111',
    backUrl,
  });
  assert.equal(paid.name, 'accepted'); // 00 on a consume means accepted, not paid
  assert.equal(paid.next.step, 'query'); // the core's next step: a status query at paid.next.at
  const stored = JSON.stringify(paid.request); // keep it (your database)

  // 3. The back notification (in your backUrl handler: the raw body).
  const raw = await inbox.next((body) => {
    try {
      return client.verifyNotification(body).matches(paid.request);
    } catch {
      return false;
    }
  });
  const received = client.receiveNotification(raw);
  assert.equal(received.status, 200); // answer UnionPay with received.status / received.body once stored
  assert.equal(received.error, null);
  const { notification } = received;
  assert.equal(notification.success, true);
  assert.equal(notification.api, 'consume');
  assert.equal(notification.orderId, payId);
  assert.equal(notification.txnAmt, 1000);
  assert.ok(notification.matches(stored));

  // 4. A money notification is confirmed by a status query (the core's next step).
  const next = client.nextStepAfterNotification(stored, notification);
  assert.equal(next.step, 'query');
  const { outcome: final } = await client.queryUntilFinal(next);
  assert.equal(final.name, 'success');
  assert.equal(final.request.api, 'status_query');
  assert.equal(final.response.queryId, notification.queryId);

  // 5. Refund part of it.
  const refund = await client.refund({
    orderId: orderId('REF'),
    origQryId: notification.queryId,
    txnAmt: 300,
    backUrl,
  });
  assert.equal(refund.name, 'accepted', refund.decisiveMsg);
  const refunded = await client.queryUntilFinal(refund);
  assert.equal(refunded.outcome.name, 'success');
  // -------------------------------------------------------------- end of quick start

  // The refund's own notification arrives too, and is told apart from the consume's.
  const refundRaw = await inbox.next((body) => {
    try {
      return client.verifyNotification(body).matches(refund.request);
    } catch {
      return false;
    }
  });
  const refundNote = client.verifyNotification(refundRaw);
  assert.equal(refundNote.api, 'refund');
  assert.equal(refundNote.origQryId, notification.queryId);
  assert.equal(refundNote.matches(paid.request), false);
  assert.throws(() => client.nextStepAfterNotification(paid.request, refundNote), (e) => e.code === 4021);

  // A forged or altered notification is refused: answer 400.
  const forged = client.receiveNotification(raw.toString().replace('txnAmt=1000', 'txnAmt=1'));
  assert.equal(forged.status, 400);
  assert.equal(forged.notification, null);
  assert.equal(forged.error.kind, 'Signature');

  // The requests are plain data: they survive JSON (e.g. your database) and still match.
  assert.ok(notification.matches(JSON.parse(stored)));
  assert.equal((await client.query(stored)).name, 'success');
});
