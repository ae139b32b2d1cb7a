// Field maps on the signing and verification paths cross the wasm boundary as NUL-separated
// text, not JSON (issue 14): what a map holds must come back exactly as JSON would have
// carried it, including the cases that text cannot carry (a NUL inside a value), keys that
// mean something to JS objects, and values that are not strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MerchantKey, Verifier, canonicalString, signFields } from 'unionpay-acp';

const TESTS = new URL('../../tests/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, TESTS));
const key = MerchantKey.fromPkcs12(read('fixtures/sandbox/merchant.pfx'), '000000');
const base = { version: '5.1.0', encoding: 'UTF-8', merId: '777290058110097', txnType: '00', reqReserved: '中文 & {a=b}' };

test('signing: fields, canonical string and digest as the core made them', () => {
  const signed = signFields(base, key);
  assert.deepEqual(Object.keys(signed), ['fields', 'canonical', 'digestHex']);
  assert.equal(signed.fields.reqReserved, base.reqReserved);
  assert.equal(signed.fields.certId, key.certId);
  assert.equal(signed.canonical, canonicalString(signed.fields));
  assert.match(signed.digestHex, /^[0-9a-f]{64}$/);
  // Sorted like the core's map, as JSON would have been.
  assert.deepEqual(Object.keys(signed.fields), Object.keys(signed.fields).sort());
});

test('a NUL inside a value or key crosses as JSON, intact', () => {
  const signed = signFields({ ...base, reqReserved: 'a\0b' }, key);
  assert.equal(signed.fields.reqReserved, 'a\0b');
  assert.ok(signed.canonical.includes('reqReserved=a\0b'));
  assert.equal(canonicalString({ 'x\0y': '1', a: '2' }), 'a=2&x\0y=1');
});

test('numbers are strings, `__proto__` is a field, not a prototype', () => {
  assert.equal(signFields({ ...base, txnAmt: 1000 }, key).fields.txnAmt, '1000');
  const withProto = JSON.parse('{"__proto__":"x","version":"5.1.0","merId":"777290058110097"}');
  const signed = signFields(withProto, key);
  assert.equal(Object.getPrototypeOf(signed.fields), Object.prototype);
  assert.ok(Object.hasOwn(signed.fields, '__proto__'));
  assert.equal(signed.fields.__proto__, 'x'); // eslint-disable-line no-proto
  assert.ok(signed.canonical.startsWith('__proto__=x&'));
});

test('a verified answer: the same fields as splitting the body by hand, as text or bytes', () => {
  const doc = JSON.parse(read('vectors/verify.json'));
  const group = doc.testGroups.find((g) => g.trust === 'custom');
  const answer = group.tests.find((t) => t.bodyKind === 'sync' && t.result === 'valid');
  const v = new Verifier({ roots: group.roots.map(read), middles: group.middles.map(read) });
  const now = new Date(answer.now);
  const fromText = v.verifySyncBody(answer.input, { now });
  const fromBytes = v.verifySyncBody(Buffer.from(answer.input), { now });
  assert.deepEqual(fromText, answer.fields);
  assert.deepEqual(fromBytes, fromText);
  assert.ok(fromText.signPubKeyCert.includes('\r\n'), 'CRLF in the certificate kept');
});
