// Errors: the binding's codes are the catalogue's (errors.json), AcpError is a real class
// (instanceof works from require and import alike) and carries code, kind and step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as acp from 'unionpay-acp';

const { AcpError, Client, MerchantKey, Verifier, errorCatalogue, danger } = acp;
const TESTS = new URL('../../tests/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, TESTS));
const catalogue = JSON.parse(readFileSync(new URL('../../errors.json', import.meta.url), 'utf8'));
const byCode = new Map(catalogue.map((e) => [e.code, e]));

/** Asserts `fn` throws an AcpError whose code, name and kind are the catalogue's. */
function throwsAcp(fn, code) {
  let err;
  assert.throws(fn, (e) => {
    err = e;
    return true;
  });
  assert.ok(err instanceof AcpError, `expected an AcpError, got ${err}`);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'AcpError');
  assert.equal(err.code, code, err.message);
  const entry = byCode.get(err.code);
  assert.ok(entry, `code ${err.code} is not in errors.json`);
  assert.equal(err.codeName, entry.name);
  assert.equal(err.kind, entry.kind);
  assert.ok(typeof err.message === 'string' && err.message.length > 0);
  assert.ok(err.stack.includes('AcpError'));
  return err;
}

test('the core reports exactly the codes of errors.json', () => {
  assert.deepEqual(
    errorCatalogue().map(({ code, name, kind, summary }) => ({ code, name, kind, summary })),
    catalogue,
  );
  const codes = catalogue.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length, 'codes are unique');
  const block = { InvalidInput: 1, Key: 2, Certificate: 2, Signature: 3, Format: 4, GatewayRejected: 5, Internal: 9 };
  for (const e of catalogue) assert.equal(Math.floor(e.code / 1000), block[e.kind], e.name);
});

test('AcpError from the core: instanceof, code, kind', () => {
  throwsAcp(() => danger.parseSyncBody('a=1&a=2'), 4001);
  throwsAcp(() => MerchantKey.fromPkcs12(read('fixtures/sandbox/merchant.pfx'), 'wrong'), 2001);
  throwsAcp(() => MerchantKey.fromPkcs12(Buffer.from('not a pfx'), '000000'), 2002);
  const key = MerchantKey.fromPkcs12(read('fixtures/sandbox/merchant.pfx'), '000000');
  const client = new Client({ merId: '777290058110097', key, environment: 'test', trust: 'test' });
  throwsAcp(() => client.build('pay', {}), 1005);
  throwsAcp(() => client.build('consume', { orderId: '20261125000001', txnAmt: 1, token: '6235240000020757577', backUrl: 'http://127.0.0.1/n', typo: 'y' }), 1005);
  throwsAcp(() => new Client({ merId: '123', key, environment: 'test', trust: 'test' }), 1002);
  // The settings are the core's: unknown keys, missing or mistyped ones are its errors.
  const typo = throwsAcp(() => new Client({ merId: '777290058110097', key, environment: 'test', trust: 'test', trID: null }), 1005);
  assert.match(typo.message, /trID/);
  throwsAcp(() => new Client({ merId: '777290058110097', key, trust: 'test' }), 1005);
  throwsAcp(() => new Client({ merId: '777290058110097', key, environment: 'test', trust: 'test', orderIdMaxLen: '40' }), 1005);
  throwsAcp(() => new Client({ merId: '777290058110097', key, environment: 'somewhere', trust: 'test' }), 1005);
  assert.equal(new Client({ merId: '777290058110097', key, environment: 'test', trust: 'test', trId: null }).merId, '777290058110097');
});

test('unverified parsing and fixed randomness are only under danger', () => {
  for (const name of ['parseSyncBody', 'parseNotifyBody', 'encryptField']) {
    assert.equal(acp[name], undefined, name);
    assert.equal(typeof danger[name], 'function', name);
  }
  assert.ok(Object.isFrozen(danger));
  const cert = new acp.EncryptionCert(read('fixtures/sandbox/enc.pem'));
  assert.throws(() => cert.encrypt('1', { random: new Uint8Array(300).fill(1) }), TypeError);
  assert.throws(() => acp.buildCustomerInfo({ smsCode: '111111' }, { random: new Uint8Array(8) }), TypeError);
});

test('verification failures name their step and the canonical digest', () => {
  const doc = JSON.parse(read('vectors/verify.json'));
  const group = doc.testGroups.find((g) => g.trust === 'custom');
  const t = group.tests.find((x) => x.errorCode === 3007);
  const verifier = new Verifier({ roots: read(group.roots[0]), middles: read(group.middles[0]) });
  const err = throwsAcp(() => verifier.verifySyncBody(t.input, { now: new Date(t.now) }), 3007);
  assert.equal(err.kind, 'Signature');
  assert.equal(err.step, 'signature');
  assert.match(err.canonicalSha256, /^[0-9a-f]{64}$/);
  const chain = group.tests.find((x) => x.errorCode === 3004);
  assert.equal(throwsAcp(() => verifier.verifyFields(chain.input, { now: new Date(chain.now) }), 3004).step, 'chain');
});

test('one module instance for require and import', () => {
  const required = createRequire(import.meta.url)('unionpay-acp');
  assert.equal(required.AcpError, AcpError);
  assert.equal(required.Client, Client);
  try {
    required.danger.parseSyncBody('=1');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof AcpError);
    assert.equal(e.code, 4005);
  }
});

test('every product API has its camelCase method on Client', () => {
  const names = acp.apiNames();
  assert.equal(names.length, 23);
  for (const name of names) {
    const method = name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
    assert.equal(typeof Client.prototype[method], 'function', `Client#${method} for ${name}`);
  }
});
