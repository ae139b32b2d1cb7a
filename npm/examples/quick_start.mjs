// @ts-check
// The JS quick start (the README shows this file; npm/test/quick_start.test.mjs runs it
// against the sandbox). Open a card with an SMS code, pay with its token, and follow the
// core's next steps until the payment is final. Node >= 18, from the repository root:
// `acp sandbox --port 8080`, then `node npm/examples/quick_start.mjs http://127.0.0.1:8080`.
//
// The package POSTs (fetch), reads the clock and waits; what an answer means and when to
// query are the core's decisions. RSA runs in node:crypto.
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { Client, TransportError } from 'unionpay-acp';

const baseUrl = process.argv[2] ?? process.env.UNIONPAY_BASE_URL ?? 'http://127.0.0.1:8080';
const read = (/** @type {string} */ name) => readFileSync(`tests/fixtures/sandbox/${name}`);

// The merchant key (UnionPay's PFX). Answers must chain to the sandbox's own test CA
// (`acp sandbox --print-trust`); against UnionPay: environment and trust 'test' or
// 'production'. The encryption certificate encrypts card data (keep it current with
// client.keyUpdateQuery).
const client = new Client({
  merId: '777290058110097',
  pfx: read('merchant.pfx'),
  password: '000000',
  environment: { baseUrl },
  trust: { roots: [read('root.pem')], middles: [read('middle.pem')] },
  encryptionCert: read('enc.pem'),
});
const [accNo, phoneNo] = ['6221558812340000', '13552535506'];

/** A new orderId each run: 8 to 32 letters and digits, unique per merchant and day. */
const orderId = (/** @type {string} */ prefix) => `${prefix}${Date.now()}${randomInt(1e6)}`;

/**
 * Awaits a sent request and follows the core's next steps (status queries on its schedule)
 * until the outcome is final; no usable answer is a next step too (`err.next`).
 * @param {Promise<import('unionpay-acp').Outcome>} sent
 */
async function untilFinal(sent) {
  let step;
  try {
    step = (await sent).next;
  } catch (e) {
    if (!(e instanceof TransportError) || !e.next) throw e;
    step = e.next; // a payment with no answer: its outcome is unknown, a query finds it
  }
  step = await client.queryUntilFinal(step);
  if (step.step !== 'final' || !step.outcome) throw new Error(`no final result: ${step.reason ?? step.step}`);
  return step.outcome;
}

/** @param {import('unionpay-acp').Outcome} o */
const check = (o) => {
  if (!o.success) throw new Error(`${o.request.api}: ${o.name}, respCode ${o.decisiveCode} ${o.decisiveMsg}`);
  return o;
};

try {
  // Open the card: an SMS code to the cardholder (77/00), then the open (79/00).
  let order = orderId('OPEN');
  const sms = check(await untilFinal(client.smsOpen({ orderId: order, accNo, phoneNo })));
  const opened = check(await untilFinal(client.backOpen({ orderId: order, txnTime: sms.request.txnTime,
    accNo, phoneNo, cvn2: '123', expired: '2311', smsCode: '111111' })));
  const token = opened.response.tokenPayData()?.token;
  if (!token) throw new Error('no token');

  // Pay 10.00 yuan with the token: an SMS code (77/02), then the consume (01/01). Its
  // `00` means accepted, not paid: the core's next step queries until the result is final.
  order = orderId('PAY');
  const paySms = check(await untilFinal(client.smsConsume({ orderId: order, txnAmt: 1000, token })));
  const pay = client.build('consume', { orderId: order, txnTime: paySms.request.txnTime, txnAmt: 1000,
    token, smsCode: '111111', backUrl: 'http://127.0.0.1:9/unionpay/notify' });
  // Store JSON.stringify(pay) before sending it, until the outcome is final; the back
  // notification to backUrl is handled with client.receiveNotification (npm/examples/express.mjs).
  const paid = await untilFinal(client.send(pay));
  console.log(`payment ${order} ${paid.name}: respCode ${paid.decisiveCode}, queryId ${paid.response.queryId}`);
  if (!paid.success) process.exitCode = 1;
} catch (e) {
  console.error(`quick start failed: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
}
