// The HTTP side of Client against the sandbox: timeouts, abort, non-200, the core's
// planner (nextStep, queryUntilFinal), front requests, key update, file transfer, both
// backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AcpError, Client, MerchantKey, TransportError, danger, readReconciliationArchive, requestFromJson } from 'unionpay-acp';
import { SKIP_WITHOUT_SANDBOX, addFault, orderId, startSandbox } from './sandbox.mjs';

const fixture = (name) => readFileSync(new URL(`../../tests/fixtures/sandbox/${name}`, import.meta.url));
const CARD = { accNo: '6221558812340000', phoneNo: '13552535506', cvn2: '123', expired: '2311' };

function makeClient(baseUrl, options = {}) {
  return new Client({
    merId: '777290058110097',
    pfx: fixture('merchant.pfx'),
    password: '000000',
    encryptionCert: fixture('enc.pem'),
    environment: { baseUrl },
    trust: { roots: [fixture('root.pem')], middles: [fixture('middle.pem')] },
    ...options,
  });
}

async function openToken(client) {
  const id = orderId('OPEN');
  const sms = await client.smsOpen({ orderId: id, accNo: CARD.accNo, phoneNo: CARD.phoneNo });
  const open = await client.backOpen({ orderId: id, txnTime: sms.request.txnTime, ...CARD, smsCode: '111111' });
  assert.equal(open.name, 'success', open.decisiveMsg);
  return open.response.tokenPayData().token;
}

async function payRequest(client, token, amount = 500) {
  const id = orderId('PAY');
  const sms = await client.smsConsume({ orderId: id, token, txnAmt: amount });
  assert.equal(sms.name, 'success', sms.decisiveMsg);
  return client.build('consume', {
    orderId: id,
    txnTime: sms.request.txnTime,
    txnAmt: amount,
    token,
    smsCode: '111111',
    backUrl: 'http://127.0.0.1:9/notify',
  });
}

test('same request bytes from both backends (fixed now and random)', () => {
  const now = new Date('2026-03-01T08:00:00Z');
  const random = new Uint8Array(4096).map((_, i) => (i * 37 + 11) % 251 || 1);
  const params = { orderId: 'BYTES0000001', accNo: CARD.accNo, phoneNo: CARD.phoneNo };
  const a = danger.build(makeClient('http://127.0.0.1:9', { backend: 'node' }), 'sms_open', params, { now, random });
  const b = danger.build(makeClient('http://127.0.0.1:9', { backend: 'portable' }), 'sms_open', params, { now, random });
  assert.equal(a.body, b.body);
  assert.equal(a.txnTime, '20260301160000'); // Beijing time
  assert.match(a.fields.signature, /^[A-Za-z0-9+/]+=*$/);
  // Fixed randomness is only offered under `danger`.
  assert.throws(() => makeClient('http://127.0.0.1:9').build('sms_open', params, { now, random }), TypeError);
});

test('a loaded key says when its certificate expires (UnionPay refuses it after)', () => {
  // The sandbox merchant certificate: valid until 2040-01-01T00:00:00Z.
  assert.equal(makeClient('http://127.0.0.1:9').signingCertNotAfter, Date.UTC(2040, 0, 1) / 1000);
  // UnionPay's 2021 test PFX expired on 2026-11-26 02:31:47 UTC.
  const official = readFileSync(new URL('../../tests/fixtures/official-certs/acp_test_sign.pfx', import.meta.url));
  assert.equal(MerchantKey.fromPkcs12(official, '000000').notAfter, Date.UTC(2026, 10, 26, 2, 31, 47) / 1000);
});

test('a request is the core\'s stored shape: JSON.stringify stores it, derived keys are re-derived', () => {
  const client = makeClient('http://127.0.0.1:9');
  const pay = client.build('consume', { orderId: 'STORE0000001', txnAmt: 700, token: '6235240000020757577', smsCode: '111111', backUrl: 'http://127.0.0.1:9/n' });
  assert.equal(pay.format, 'unionpay-acp/request@1');
  assert.ok(Object.isFrozen(pay) && Object.isFrozen(pay.fields));
  assert.equal(pay.moneyMoving, true);
  const stored = JSON.stringify(pay);
  assert.deepEqual(requestFromJson(stored), pay);
  // Edits to derived keys are ignored: the core derives them from the signed fields.
  const edited = { ...JSON.parse(stored), body: 'txnAmt=1', orderId: 'OTHER', txnAmt: 1, moneyMoving: false };
  assert.deepEqual(requestFromJson(edited), pay);
  // An edited signed field is read as given (the gateway refuses its signature).
  const tampered = requestFromJson({ ...JSON.parse(stored), fields: { ...pay.fields, txnAmt: '1' } });
  assert.equal(tampered.txnAmt, 1);
  assert.throws(() => requestFromJson({ ...JSON.parse(stored), format: 'unionpay-acp/request@9' }), (e) => e instanceof AcpError && e.code === 1005);
  // The planner reads stored requests too: a 503 is no answer, a consume is then queried.
  const next = client.nextStep(stored, { status: 503, body: 'busy' }, { now: new Date('2026-03-01T08:00:00Z') });
  assert.equal(next.step, 'query');
  assert.equal(next.outcome, null);
  assert.equal(next.query.api, 'status_query');
  assert.equal(next.query.attempt, 1);
  assert.ok(next.at >= Date.parse('2026-03-01T08:00:00Z') / 1000);
  assert.deepEqual(client.nextStep(pay, null, { now: new Date('2026-03-01T08:00:00Z') }), next);
  assert.throws(() => client.nextStep(pay), TypeError); // no answer is said with null
  assert.throws(() => client.nextStep(pay, { status: '200', body: '' }), TypeError);
});

test('certificate settings: PEM or DER Buffers, PEM text', async () => {
  const { X509Certificate } = await import('node:crypto');
  const der = new X509Certificate(fixture('enc.pem')).raw;
  const params = { orderId: 'CERTS0000001', accNo: CARD.accNo, phoneNo: CARD.phoneNo };
  const certIds = [fixture('enc.pem'), der, fixture('enc.pem').toString()].map(
    (encryptionCert) => makeClient('http://127.0.0.1:9', { encryptionCert }).build('sms_open', params).fields.encryptCertId,
  );
  assert.deepEqual(certIds, ['7000000000021', '7000000000021', '7000000000021']);
  const root = new X509Certificate(fixture('root.pem')).raw;
  const c = makeClient('http://127.0.0.1:9', { trust: { roots: [root], middles: [fixture('middle.pem').toString()] } });
  assert.equal(c.merId, '777290058110097');
  assert.throws(() => makeClient('http://127.0.0.1:9', { trust: { roots: fixture('root.pem'), middles: [] } }), (e) => e instanceof AcpError && e.code === 1005);
});

test('readReconciliationArchive: a saved ZIP as the core\'s JSON', () => {
  const tests = new URL('../../tests/', import.meta.url);
  const zip = readFileSync(new URL('fixtures/recon/802310048993424_20150905.zip', tests));
  const want = JSON.parse(readFileSync(new URL('conformance/expected/recon_sample.json', tests), 'utf8'));
  assert.deepEqual(readReconciliationArchive(zip), want);
  assert.throws(() => readReconciliationArchive(Buffer.from('not a zip')), (e) => e instanceof AcpError && e.kind === 'Format');
  assert.throws(() => readReconciliationArchive(zip, { maxEntryBytes: 16 }), (e) => e instanceof AcpError && e.code === 4011);
});

test('HTTP against the sandbox', { skip: SKIP_WITHOUT_SANDBOX, timeout: 90_000 }, async (t) => {
  const sandbox = await startSandbox();
  t.after(() => sandbox.stop());
  let client = makeClient(sandbox.baseUrl);
  const token = await openToken(client);

  await t.test('a timeout is a TransportError; the query-after-unknown rule finds the result', async () => {
    const request = await payRequest(client, token);
    await addFault(sandbox.baseUrl, { action: 'delay', ms: '1500', orderId: request.orderId, times: '1' });
    const err = await client.send(request, { timeoutMs: 300 }).then(
      () => assert.fail('expected a timeout'),
      (e) => e,
    );
    assert.ok(err instanceof TransportError);
    assert.equal(err.timedOut, true);
    assert.equal(err.outcomeUnknown, true); // a consume: money may have moved
    assert.equal(err.request, request);
    assert.equal(err.next.step, 'query'); // the core's planner: look it up
    const final = await client.queryUntilFinal(err.request);
    assert.equal(final.step, 'final');
    assert.equal(final.outcome.name, 'success');
    assert.equal(final.outcome.request.api, 'status_query');
    assert.equal(final.outcome.request.attempt >= 1, true);
  });

  await t.test('no answer at all (processed): queries still find it', async () => {
    const request = await payRequest(client, token);
    await addFault(sandbox.baseUrl, { action: 'no_answer', processed: 'true', orderId: request.orderId, times: '1' });
    const err = await client.send(request, { timeoutMs: 500 }).catch((e) => e);
    assert.ok(err instanceof TransportError, String(err));
    assert.equal((await client.queryUntilFinal(err.next, { maxWaitMs: 30_000 })).outcome.name, 'success');
  });

  await t.test('abort through an AbortSignal', async () => {
    const request = await payRequest(client, token);
    await addFault(sandbox.baseUrl, { action: 'delay', ms: '1500', orderId: request.orderId, times: '1' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await client.send(request, { signal: controller.signal }).catch((e) => e);
    assert.ok(err instanceof TransportError);
    assert.equal(err.aborted, true);
    assert.equal(err.timedOut, false);
    const already = await client.send(request, { signal: AbortSignal.abort() }).catch((e) => e);
    assert.equal(already.aborted, true);
  });

  await t.test('an unknown answer (03) is pending; queries on the schedule settle it', async () => {
    const request = await payRequest(client, token);
    await addFault(sandbox.baseUrl, { action: 'resp_code', code: '03', truth: 'success', revealAfter: '0', orderId: request.orderId, times: '1' });
    const outcome = await client.send(request);
    assert.equal(outcome.name, 'pending');
    assert.equal(outcome.pendingReason, 'unknown');
    assert.equal(outcome.decisiveCode, '03');
    assert.ok(Number.isInteger(outcome.queryAt) && outcome.queryAt * 1000 > Date.now() - 60_000);
    assert.equal(outcome.next.step, 'query');
    assert.equal(outcome.next.outcome, outcome);
    assert.equal(JSON.parse(JSON.stringify(outcome)).response.respCode, '03');
    // The clock and the timer can be the host's own: here they count the waits.
    const waits = [];
    const sleep = (ms) => {
      waits.push(ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    };
    const final = await client.queryUntilFinal(outcome, { maxQueries: 6, sleep, now: () => Date.now() });
    assert.equal(final.outcome.name, 'success');
    assert.ok(waits.every((ms) => ms > 0 && ms <= 60_000), waits.join());
  });

  await t.test('a declined payment: accepted, then the queries say failed (final)', async () => {
    const request = await payRequest(client, token);
    await addFault(sandbox.baseUrl, { action: 'decline', code: '64', orderId: request.orderId, times: '1' });
    const outcome = await client.send(request);
    assert.equal(outcome.name, 'accepted');
    const final = await client.queryUntilFinal(outcome);
    assert.equal(final.step, 'final');
    assert.equal(final.outcome.name, 'failed');
    assert.equal(final.outcome.decisiveCode, '64');
    assert.equal(await client.queryUntilFinal(final), final);
    assert.equal(await client.queryUntilFinal(final.outcome), final);
  });

  await t.test('a decline with a code no table lists stays pending, never failed', async () => {
    const request = await payRequest(client, token);
    await addFault(sandbox.baseUrl, { action: 'decline', code: '51', orderId: request.orderId, times: '1' });
    const outcome = await client.send(request);
    const last = await client.queryUntilFinal(outcome, { maxQueries: 2 });
    assert.equal(last.step, 'query'); // the bound was hit: pass it back to go on
    assert.equal(last.outcome.name, 'pending');
    assert.equal(last.outcome.pendingReason, 'unknown');
    assert.equal(last.outcome.decisiveCode, '51');
  });

  await t.test('a reversal moves money: no answer is unknown, and it is not queried as itself', async () => {
    const request = await payRequest(client, token);
    const reversal = client.build('reversal', { origOrderId: request.orderId, origTxnTime: request.txnTime });
    assert.equal(reversal.moneyMoving, true);
    const next = await client.queryUntilFinal(reversal);
    assert.equal(next.step, 'stop');
    assert.equal(next.reason, 'not_queryable');
    assert.equal(next.outcome, null);
  });

  await t.test('non-200 answers and unreachable hosts are TransportErrors', async () => {
    const stub = makeClient(sandbox.baseUrl, { fetch: async () => new Response('busy', { status: 503 }) });
    const err = await stub.smsOpen({ orderId: orderId(), accNo: CARD.accNo, phoneNo: CARD.phoneNo }).catch((e) => e);
    assert.ok(err instanceof TransportError);
    assert.equal(err.status, 503);
    assert.equal(err.outcomeUnknown, false); // an SMS moves no money
    assert.equal(err.next.step, 'stop');
    assert.equal(err.next.reason, 'no_answer');
    // A consume answered 503 is unknown: the planner queries it.
    const busy = await stub.send(await payRequest(client, token)).catch((e) => e);
    assert.ok(busy instanceof TransportError);
    assert.equal(busy.outcomeUnknown, true);
    assert.equal(busy.next.step, 'query');
    assert.equal(busy.next.query.api, 'status_query');
    const closed = makeClient('http://127.0.0.1:9');
    const refused = await closed.smsOpen({ orderId: orderId(), accNo: CARD.accNo, phoneNo: CARD.phoneNo }).catch((e) => e);
    assert.ok(refused instanceof TransportError);
  });

  await t.test('front APIs return the auto-submit page; send() refuses them', async () => {
    const page = client.frontOpen({ orderId: orderId('FRONT'), frontUrl: 'http://127.0.0.1:9/front', backUrl: 'http://127.0.0.1:9/n' });
    assert.equal(page.endpoint, 'front');
    assert.match(page.html, /<form[^>]+frontTransReq\.do/);
    assert.ok(Number.isInteger(page.payTimeout));
    await assert.rejects(client.send(page), (e) => e instanceof AcpError && e.code === 1005);
    const pay = client.openAndPay({ orderId: orderId('OAP'), txnAmt: 100, accNo: CARD.accNo, frontUrl: 'http://127.0.0.1:9/f', backUrl: 'http://127.0.0.1:9/n' });
    assert.equal(pay.api, 'open_and_pay');
    assert.equal(pay.queried, null);
    const query = client.buildQuery(pay);
    assert.equal(query.queried.api, 'open_and_pay');
    assert.equal(query.queried.txnAmt, 100);
    assert.equal(query.queried.payTimeout, pay.payTimeout);
  });

  await t.test('key update: unchanged, then rotated by UnionPay: a new client, this one untouched', async () => {
    const same = await client.keyUpdateQuery({ orderId: orderId('KEY') });
    assert.equal(same.update.kind, 'unchanged');
    assert.equal(same.update.certId, '7000000000021');
    assert.equal(same.update.pem, null);
    const rotate = await fetch(`${sandbox.baseUrl}/_sandbox/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'rotate=enc2',
    });
    assert.equal(rotate.status, 200);
    const { update, client: next } = await client.keyUpdateQuery({ orderId: orderId('KEY') });
    assert.equal(update.kind, 'replaced');
    assert.equal(update.certId, '7000000000022');
    assert.match(update.pem, /BEGIN CERTIFICATE/);
    assert.ok(update.nextCheckAt > Date.now() / 1000);
    assert.ok(Object.isFrozen(update));
    // Nothing changed silently: this client still encrypts to the old certificate …
    const card = { accNo: CARD.accNo, phoneNo: CARD.phoneNo };
    assert.equal(client.build('sms_open', { orderId: orderId('SMS'), ...card }).fields.encryptCertId, '7000000000021');
    // … the returned one, and one made from the stored PEM, to the new one.
    const sms = next.build('sms_open', { orderId: orderId('SMS'), ...card });
    assert.equal(sms.fields.encryptCertId, update.certId);
    assert.equal((await next.send(sms)).name, 'success');
    const fromPem = client.withEncryptionCert(update.pem);
    assert.equal(fromPem.build('sms_open', { orderId: orderId('SMS'), ...card }).fields.encryptCertId, update.certId);
    assert.equal(fromPem.merId, client.merId);
    client = next;
  });

  await t.test('the portable backend drives the same flow', async () => {
    const portable = makeClient(sandbox.baseUrl, { backend: 'portable' });
    assert.equal(portable.backend, 'portable');
    const request = await payRequest(portable, await openToken(portable), 200);
    assert.equal((await portable.send(request)).name, 'accepted');
  });

  // Last: it moves the sandbox clock two days ahead.
  await t.test('file transfer: the reconciliation file of a clearing day, parsed', async () => {
    const request = await payRequest(client, token, 1234);
    const { outcome: final } = await client.queryUntilFinal(await client.send(request));
    assert.equal(final.name, 'success');
    const { settleDate } = final.fields;
    assert.match(settleDate, /^\d{4}$/);
    // An answer without fileContent: the file module's error is the core's MissingField.
    for (const read of [() => final.response.files(), () => final.response.reconciliation(), () => final.response.reconcile([])]) {
      assert.throws(read, (e) => e instanceof AcpError && e.code === 1001 && /fileContent/.test(e.message));
    }
    const clock = await fetch(`${sandbox.baseUrl}/_sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'advance=172800',
    }).then((r) => r.json());
    // The sandbox's clock is two days ahead now: the request carries its time.
    const outcome = await client.fileTransfer({ settleDate }, { now: new Date(clock.now) });
    assert.equal(outcome.name, 'success', outcome.decisiveMsg);
    const files = outcome.response.files();
    assert.ok(files.some((f) => /ZM_777290058110097$/.test(f.name)), files.map((f) => f.name).join());
    const rec = outcome.response.reconciliation();
    const line = rec.zm.find((z) => z.orderId === request.orderId);
    assert.ok(line, 'the payment is in the ZM file');
    assert.equal(line.amountFen, 1234);
    assert.equal(line.queryId, final.response.queryId);
    assert.equal(typeof line.merchantFee, 'number');
    assert.ok(Array.isArray(rec.zme) && Array.isArray(rec.otherFiles));
  });
});
