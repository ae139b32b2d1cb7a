// A short Express back end for the token product (not part of the test run: `npm i express`
// in your own project, then `node express.mjs`). UNIONPAY_* variables point at your files;
// the defaults are the local sandbox's (`acp sandbox --port 8080`).
import express from 'express';
import { readFileSync } from 'node:fs';
import { AcpError, Client, TransportError } from 'unionpay-acp';

const env = (name, fallback) => process.env[name] ?? fallback;
const client = new Client({
  merId: env('UNIONPAY_MER_ID', '777290058110097'),
  pfx: readFileSync(env('UNIONPAY_PFX', 'tests/fixtures/sandbox/merchant.pfx')),
  password: env('UNIONPAY_PFX_PASSWORD', '000000'),
  encryptionCert: readFileSync(env('UNIONPAY_ENC_CERT', 'tests/fixtures/sandbox/enc.pem')),
  environment: { baseUrl: env('UNIONPAY_BASE_URL', 'http://127.0.0.1:8080') },
  trust: {
    roots: readFileSync(env('UNIONPAY_ROOT', 'tests/fixtures/sandbox/root.pem')),
    middles: readFileSync(env('UNIONPAY_MIDDLE', 'tests/fixtures/sandbox/middle.pem')),
  },
});
const publicUrl = env('PUBLIC_URL', 'http://127.0.0.1:3000');
const orders = new Map(); // your database

const app = express();

// UnionPay's back notification: verify the RAW body (express.raw, not urlencoded), answer
// 200 quickly, handle repeats idempotently. A money notification is confirmed with a
// status query before the order is booked (spec §7.5, as the official handler does).
app.post('/unionpay/notify', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
  let n;
  try {
    n = client.verifyNotification(req.body);
  } catch (e) {
    if (e instanceof AcpError) return res.status(400).end(); // did not verify: not from UnionPay
    throw e;
  }
  res.type('text/plain').send('ok');
  const order = orders.get(n.orderId);
  if (order && n.matches(order.request) && order.status === 'pending') {
    confirm(order).catch((e) => console.error('confirming', n.orderId, e.message));
  }
});

// The truth of a payment: the status query on the core's schedule until it is final.
async function confirm(order) {
  const outcome = await client.queryUntilFinal(order.request);
  if (outcome.name === 'success') {
    order.status = 'paid';
    order.queryId = outcome.response.queryId;
  } else if (outcome.name === 'failed') {
    order.status = 'failed'; // UnionPay said no: the money did not move
  } // still pending: query again later; the reconciliation file has the last word
  return outcome;
}

app.use(express.json());

// Pay with a stored token after the cardholder typed the SMS code of /pay/sms.
app.post('/pay', async (req, res) => {
  const { orderId, txnTime, amountFen, token, smsCode } = req.body;
  let request;
  try {
    request = client.build('consume', {
      orderId,
      txnTime, // the SMS's txnTime: pairs the consume with its code
      txnAmt: amountFen,
      token,
      smsCode,
      backUrl: `${publicUrl}/unionpay/notify`,
    });
  } catch (e) {
    if (e instanceof AcpError) return res.status(400).json({ code: e.code, message: e.message });
    throw e;
  }
  const order = { request, status: 'pending' };
  orders.set(orderId, order); // stored before it is sent: a crash never loses it
  try {
    const outcome = await client.send(request);
    if (outcome.name === 'failed') order.status = 'failed';
  } catch (e) {
    // No answer, or an answer that does not verify: the money may have moved. Never
    // report a failure; the query below finds out.
    const unknown = (e instanceof TransportError && e.outcomeUnknown) || (e instanceof AcpError && e.kind !== 'InvalidInput');
    if (!unknown) throw e;
  }
  const outcome = order.status === 'pending' ? await confirm(order) : null;
  res.json({ status: order.status, respCode: outcome?.decisiveCode ?? null });
});

// The SMS code for a token payment.
app.post('/pay/sms', async (req, res) => {
  const { orderId, amountFen, token } = req.body;
  const outcome = await client.smsConsume({ orderId, txnAmt: amountFen, token });
  res.json({ result: outcome.name, txnTime: outcome.request.txnTime });
});

app.listen(3000, () => console.log('listening on :3000'));
