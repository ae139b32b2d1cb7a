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
// 200 quickly, handle repeats idempotently.
app.post('/unionpay/notify', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
  try {
    const n = client.verifyNotification(req.body);
    const order = orders.get(n.orderId);
    if (order && n.matches(order.request) && order.status !== 'paid') {
      order.status = n.success ? 'paid' : 'failed';
      order.queryId = n.queryId;
    }
    res.type('text/plain').send('ok');
  } catch (e) {
    if (e instanceof AcpError) return res.status(400).end(); // did not verify: not from UnionPay
    throw e;
  }
});

app.use(express.json());

// Pay with a stored token after the cardholder typed the SMS code of /pay/sms.
app.post('/pay', async (req, res) => {
  const { orderId, txnTime, amountFen, token, smsCode } = req.body;
  const request = client.build('consume', {
    orderId,
    txnTime, // the SMS's txnTime: pairs the consume with its code
    txnAmt: amountFen,
    token,
    smsCode,
    backUrl: `${publicUrl}/unionpay/notify`,
  });
  orders.set(orderId, { request, status: 'pending' });
  try {
    let outcome = await client.send(request);
    if (outcome.name === 'accepted' || outcome.name === 'pending') {
      outcome = await client.queryUntilFinal(outcome); // or wait for the notification
    }
    res.json({ result: outcome.name, respCode: outcome.decisiveCode, queryId: outcome.response.queryId });
  } catch (e) {
    if (e instanceof TransportError && e.outcomeUnknown) {
      const outcome = await client.queryUntilFinal(e.request); // never assume it failed
      return res.json({ result: outcome.name });
    }
    if (e instanceof AcpError) return res.status(e.kind === 'InvalidInput' ? 400 : 502).json({ code: e.code, message: e.message });
    throw e;
  }
});

// The SMS code for a token payment.
app.post('/pay/sms', async (req, res) => {
  const { orderId, amountFen, token } = req.body;
  const outcome = await client.smsConsume({ orderId, txnAmt: amountFen, token });
  res.json({ result: outcome.name, txnTime: outcome.request.txnTime });
});

app.listen(3000, () => console.log('listening on :3000'));
