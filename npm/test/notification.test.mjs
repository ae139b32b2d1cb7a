// Notifications: receiveNotification / verifyNotification(rawBody) from any framework, readRawBody.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { AcpError, Client, readRawBody } from 'unionpay-acp';

const TESTS = new URL('../../tests/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, TESTS));
const verify = JSON.parse(read('vectors/verify.json'));
const sandboxGroup = verify.testGroups.find((g) => g.trust === 'custom');
// A consume notification signed by the sandbox gateway key, form-encoded as posted.
const vector = sandboxGroup.tests.find((t) => t.bodyKind === 'notify' && t.result === 'valid');
const now = new Date(vector.now);

function client(merId = '777290058110097', backend = 'auto') {
  return new Client({
    merId,
    pfx: read('fixtures/sandbox/merchant.pfx'),
    password: '000000',
    environment: { baseUrl: 'http://127.0.0.1:9' },
    trust: { roots: [read(sandboxGroup.roots[0])], middles: [read(sandboxGroup.middles[0])] },
    backend,
  });
}

for (const backend of ['node', 'portable']) {
  test(`verifyNotification takes the raw body as a string or bytes (${backend})`, () => {
    const c = client(undefined, backend);
    for (const raw of [vector.input, Buffer.from(vector.input), new TextEncoder().encode(vector.input)]) {
      const n = c.verifyNotification(raw, { now });
      assert.equal(n.source, 'back');
      assert.equal(n.api, 'consume');
      assert.equal(n.merId, '777290058110097');
      assert.equal(n.respCode, vector.fields.respCode);
      assert.equal(n.success, ['00', 'A6'].includes(vector.fields.respCode));
      assert.equal(n.orderId, vector.fields.orderId);
      assert.equal(n.txnAmt, Number(vector.fields.txnAmt));
      assert.deepEqual({ ...n.fields }, vector.fields);
      assert.equal(n.response.get('queryId'), vector.fields.queryId);
    }
    assert.equal(c.verifyFrontNotification(vector.input, { now }).source, 'front');
    const received = c.receiveNotification(vector.input, { now });
    assert.equal(received.status, 200);
    assert.equal(received.body, 'ok');
    assert.equal(received.error, null);
    // What to answer instead when storing it fails: the core's retry-later reply.
    assert.deepEqual({ ...received.retryLater }, { status: 503, body: 'retry later' });
    assert.deepEqual({ ...received.notification.fields }, vector.fields);
    assert.equal(JSON.parse(JSON.stringify(received.notification)).orderId, vector.fields.orderId);
  });
}

test('a tampered, foreign or pre-parsed notification is refused', () => {
  const c = client();
  const tampered = vector.input.replace(/txnAmt=(\d+)/, (_, a) => `txnAmt=${Number(a) + 1}`);
  assert.notEqual(tampered, vector.input);
  assert.throws(
    () => c.verifyNotification(tampered, { now }),
    (e) => e instanceof AcpError && e.code === 3007 && e.kind === 'Signature' && e.step === 'signature',
  );
  assert.throws(
    () => client('777290058110098').verifyNotification(vector.input, { now }),
    (e) => e instanceof AcpError && e.code === 4021 && e.kind === 'Format',
  );
  assert.throws(() => c.verifyNotification({ respCode: '00' }), TypeError);
  const refused = c.receiveNotification(tampered, { now });
  assert.equal(refused.status, 400);
  assert.equal(refused.notification, null);
  assert.ok(refused.error instanceof AcpError && refused.error.code === 3007);
  assert.throws(
    () => c.verifyNotification(vector.input, { now: new Date('2045-01-01T00:00:00Z') }),
    (e) => e instanceof AcpError && e.step === 'validity',
  );
});

test('readRawBody + verifyNotification in a plain node:http handler', async (t) => {
  const c = client();
  const seen = [];
  const server = createServer(async (req, res) => {
    const { status, body, notification } = c.receiveNotification(await readRawBody(req), { now });
    if (notification) seen.push(notification); // store it, then answer
    res.writeHead(status).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.address().port, method: 'POST', path: '/notify?x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', reject);
      // In pieces, as a slow client would send it.
      const half = Math.floor(body.length / 2);
      req.write(body.slice(0, half));
      setTimeout(() => req.end(body.slice(half)), 20);
    });
  assert.equal(await post(vector.input), 200);
  assert.equal(await post(vector.input.replace('respCode=', 'respCode=1')), 400);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].orderId, vector.fields.orderId);
});

test('readRawBody: bodies a raw parser already read, limits, parsed bodies', async () => {
  assert.deepEqual(await readRawBody({ body: Buffer.from('a=1') }), Buffer.from('a=1'));
  assert.deepEqual(await readRawBody({ body: 'a=1' }), Buffer.from('a=1'));
  await assert.rejects(readRawBody({ body: { a: '1' } }), TypeError);
  const { PassThrough } = await import('node:stream');
  const big = new PassThrough();
  const pending = readRawBody(big, { limit: 4 });
  big.end('0123456789');
  await assert.rejects(pending, RangeError);
});
