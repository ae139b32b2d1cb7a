// A short Express back end for the token product (not part of the test run: `npm i express`
// in your own project, then `node express.mjs`). UNIONPAY_* variables point at your files;
// the defaults are the local sandbox's (`acp sandbox --port 8080`). Every decision (what an
// answer means, when to query, what to answer UnionPay) is the core's: this file stores
// and follows its next steps.
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
    roots: [readFileSync(env('UNIONPAY_ROOT', 'tests/fixtures/sandbox/root.pem'))],
    middles: [readFileSync(env('UNIONPAY_MIDDLE', 'tests/fixtures/sandbox/middle.pem'))],
  },
});
const publicUrl = env('PUBLIC_URL', 'http://127.0.0.1:3000');
const orders = new Map(); // your database: orderId → { request (JSON text), status }

const app = express();

// UnionPay's back notification: the RAW body (express.raw, not urlencoded). The core says
// what to answer; a money notification is confirmed by a status query (its next step)
// before the order is booked.
app.post('/unionpay/notify', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
  const { status, body, notification } = client.receiveNotification(req.body);
  const order = notification && orders.get(notification.orderId);
  // Answer 200 only once what you need is stored (the order is, here).
  res.status(status).type('text/plain').send(body);
  if (order && order.status === 'pending' && notification.matches(order.request)) {
    follow(order, client.nextStepAfterNotification(order.request, notification)).catch((e) =>
      console.error('confirming', notification.orderId, e.message),
    );
  }
});

// The truth of a payment: the core's next steps (status queries on its schedule) until final.
async function follow(order, next) {
  const last = await client.queryUntilFinal(next);
  if (last.step === 'final') {
    order.status = last.outcome.name === 'success' ? 'paid' : last.outcome.name; // failed: the money did not move
    order.queryId = last.outcome.response.queryId;
  } // otherwise (stop, or a bound was hit): the reconciliation file has the last word
  return last;
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
  const order = { request: JSON.stringify(request), status: 'pending' };
  orders.set(orderId, order); // stored before it is sent: a crash never loses it
  let next;
  try {
    next = (await client.send(request)).next;
  } catch (e) {
    // No usable answer: the core's next step says what to do (a consume is looked up,
    // never reported as failed).
    if (!(e instanceof TransportError)) throw e;
    next = e.next;
  }
  const last = await follow(order, next);
  res.json({ status: order.status, respCode: last.outcome?.decisiveCode ?? null });
});

// The SMS code for a token payment.
app.post('/pay/sms', async (req, res) => {
  const { orderId, amountFen, token } = req.body;
  const outcome = await client.smsConsume({ orderId, txnAmt: amountFen, token });
  res.json({ result: outcome.name, txnTime: outcome.request.txnTime });
});

app.listen(3000, () => console.log('listening on :3000'));
