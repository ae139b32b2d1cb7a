// The host backend contract of the core module (pkg/acp.js): what a custom RSA host
// receives and returns, and that padded card data handed to or received from the host is
// wiped from JS memory once the core has used it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as nodeCrypto from 'node:crypto';

const core = createRequire(import.meta.url)('../pkg/acp.js');
const TESTS = new URL('../../tests/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, TESTS));
const NO_PADDING = nodeCrypto.constants.RSA_NO_PADDING;

/** A node:crypto host that records every array crossing the boundary. */
function recordingHost() {
  const seen = { blocks: [], decrypted: [] };
  const backend = core.Backend.host({
    loadPrivateKey(pkcs8) {
      const key = nodeCrypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
      return {
        sign: (hash, msg) => nodeCrypto.sign(hash === 256 ? 'sha256' : 'sha1', msg, key),
        decryptRaw: (ciphertext) => {
          const em = nodeCrypto.privateDecrypt({ key, padding: NO_PADDING }, ciphertext);
          seen.decrypted.push(em);
          return em;
        },
      };
    },
    loadPublicKey(pkcs1) {
      const key = nodeCrypto.createPublicKey({ key: Buffer.from(pkcs1), format: 'der', type: 'pkcs1' });
      return {
        verify: (hash, msg, sig) => nodeCrypto.verify(hash === 256 ? 'sha256' : 'sha1', msg, key, sig),
        encryptRaw: (block) => {
          seen.blocks.push(block);
          return nodeCrypto.publicEncrypt({ key, padding: NO_PADDING }, block);
        },
      };
    },
  });
  return { backend, seen };
}

const allZero = (bytes) => bytes.every((b) => b === 0);

test('encryption: the host gets the padded block and the core wipes it', () => {
  const { backend, seen } = recordingHost();
  const cert = core.EncryptionCert.parse(read('fixtures/sandbox/enc.pem'), backend);
  const ct = core.encryptField(cert, new TextEncoder().encode('6216261000000000018'), undefined);
  assert.equal(Buffer.from(ct, 'base64').length, 256);
  assert.equal(seen.blocks.length, 1);
  assert.equal(seen.blocks[0].length, 256);
  assert.ok(allZero(seen.blocks[0]), 'the padded card number was left in JS memory');
});

test('decryption: the core unpads the raw result and wipes it', () => {
  const doc = JSON.parse(read('vectors/decrypt.json'));
  const group = doc.testGroups[0];
  const t = group.tests.find((x) => x.result === 'valid' && x.plaintext === '0048');
  const { backend, seen } = recordingHost();
  const key = core.MerchantKey.fromPkcs12(read(group.pfx), group.password, backend);
  assert.equal(key.decryptText(t.ciphertext), '0048');
  assert.equal(seen.decrypted.length, 1);
  assert.ok(allZero(seen.decrypted[0]), 'the padded plaintext was left in JS memory');
});

test('a host that throws or returns the wrong shape is a typed error, not a crash', () => {
  const throwing = core.Backend.host({
    loadPrivateKey() {
      throw new Error('no keys here');
    },
    loadPublicKey() {
      return { verify: () => false, encryptRaw: () => new Uint8Array(3) };
    },
  });
  const cert = core.EncryptionCert.parse(read('fixtures/sandbox/enc.pem'), throwing);
  assert.throws(() => core.encryptField(cert, new Uint8Array([1]), undefined), (e) => e.acpCode === 9002);
  assert.throws(
    () => core.MerchantKey.fromPkcs12(read('fixtures/sandbox/merchant.pfx'), '000000', throwing),
    (e) => e.acpCode === 2005,
  );
  assert.throws(() => core.Backend.host({ loadPrivateKey() {} }), /loadPublicKey/);
});

test('on Node the pure-Rust RSA module is never loaded', async () => {
  const { MerchantKey, EncryptionCert, signFields } = await import('unionpay-acp');
  const key = MerchantKey.fromPkcs12(read('fixtures/sandbox/merchant.pfx'), '000000');
  const signed = signFields({ version: '5.1.0', merId: '777290058110097', txnType: '00' }, key);
  assert.match(signed.fields.signature, /^[A-Za-z0-9+/]+=*$/);
  new EncryptionCert(read('fixtures/sandbox/enc.pem')).encrypt('6216261000000000018');
  const require = createRequire(import.meta.url);
  const loaded = Object.keys(require.cache);
  assert.ok(loaded.some((f) => f.endsWith('acp.js')), 'the core module is loaded');
  assert.ok(!loaded.some((f) => f.includes('acp_rsa')), 'acp_rsa.js was loaded on Node');
});

test('only a boolean true from the host verifies: a Promise or another truthy value is an error', () => {
  const doc = JSON.parse(read('vectors/verify.json'));
  const group = doc.testGroups.find((g) => g.trust === 'custom');
  const valid = group.tests.find((t) => t.result === 'valid' && t.bodyKind === 'fields');
  const verifierWith = (verify) =>
    new core.Verifier(
      { roots: group.roots.map(read), middles: group.middles.map(read) },
      core.Backend.host({
        loadPrivateKey() {
          throw new Error('not needed');
        },
        loadPublicKey(pkcs1) {
          const key = nodeCrypto.createPublicKey({ key: Buffer.from(pkcs1), format: 'der', type: 'pkcs1' });
          return {
            verify: (hash, msg, sig) => verify(nodeCrypto.verify(hash === 256 ? 'sha256' : 'sha1', msg, key, sig)),
            encryptRaw: () => new Uint8Array(256),
          };
        },
      }),
      {},
    );
  const now = Date.parse(valid.now) / 1000;
  const fields = JSON.stringify(valid.input);
  // An honest synchronous host: the message verifies.
  verifierWith((ok) => ok).verifyFields(fields, now);
  // A WebCrypto-style async verify returns a Promise (truthy even when it will resolve to
  // false); 1 and 'yes' are truthy too. None of them is a verdict.
  for (const answer of [(ok) => Promise.resolve(ok), () => Promise.resolve(false), () => 1, () => 'yes', () => ({})]) {
    assert.throws(() => verifierWith(answer).verifyFields(fields, now), (e) => e.acpCode === 9002);
  }
  // false is a verdict: the chain does not verify.
  assert.throws(() => verifierWith(() => false).verifyFields(fields, now), (e) => e.acpCode === 3004);
});

test("the host's digest: used for long messages, checked, and never a verdict of its own", () => {
  const doc = JSON.parse(read('vectors/verify.json'));
  const group = doc.testGroups.find((g) => g.trust === 'custom');
  const valid = group.tests.find((t) => t.result === 'valid' && t.bodyKind === 'sync');
  const now = Date.parse(valid.now) / 1000;
  const seen = [];
  const verifierWith = (digest) =>
    new core.Verifier(
      { roots: group.roots.map(read), middles: group.middles.map(read) },
      core.Backend.host({
        loadPrivateKey() {
          throw new Error('not needed');
        },
        loadPublicKey(pkcs1) {
          const key = nodeCrypto.createPublicKey({ key: Buffer.from(pkcs1), format: 'der', type: 'pkcs1' });
          return {
            verify: (hash, msg, sig) => nodeCrypto.verify(hash === 256 ? 'sha256' : 'sha1', msg, key, sig),
            encryptRaw: () => new Uint8Array(256),
          };
        },
        digest(hash, data) {
          seen.push([hash, data.length]);
          return digest(hash, data);
        },
      }),
      {},
    );
  const sha256 = (hash, data) => nodeCrypto.createHash(hash === 256 ? 'sha256' : 'sha1').update(data).digest();
  const body = new TextEncoder().encode(valid.input);
  // The answer's canonical string (about 2 KB) is hashed by the host, and it verifies.
  verifierWith(sha256).verifySyncBody(body, now);
  assert.equal(seen.length, 1);
  assert.equal(seen[0][0], 256);
  assert.ok(seen[0][1] >= 1024, `the host hashed ${seen[0][1]} bytes`);
  // A host whose digest differs from SHA-256 makes the signature fail: the core signs and
  // verifies the hex of what the host hashed, nothing is trusted beyond the RSA verdict.
  assert.throws(
    () => verifierWith((h, d) => sha256(h, Buffer.concat([d, Buffer.from('x')]))).verifySyncBody(body, now),
    (e) => e.codeName === 'SignatureMismatch',
  );
  // What is not a digest of the right length (or a throw) is the backend's failure.
  for (const wrong of [() => new Uint8Array(31), () => 'abc', () => { throw new Error('no'); }]) {
    assert.throws(() => verifierWith(wrong).verifySyncBody(body, now), (e) => e.acpCode === 9002);
  }
  // A short message (a request's canonical string) is hashed by the core: same signature.
  seen.length = 0;
  const pkcs8 = nodeCrypto.createPrivateKey(read('fixtures/sandbox/merchant.key.pem')).export({ format: 'der', type: 'pkcs8' });
  const signer = core.Backend.host({
    loadPrivateKey: () => ({
      sign: (hash, msg) => nodeCrypto.sign('sha256', msg, nodeCrypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })),
      decryptRaw: () => new Uint8Array(256),
    }),
    loadPublicKey: () => ({ verify: () => false, encryptRaw: () => new Uint8Array(256) }),
    digest: (hash, data) => {
      seen.push(data.length);
      return sha256(hash, data);
    },
  });
  const key = core.MerchantKey.fromPem(read('fixtures/sandbox/merchant.key.pem'), read('fixtures/sandbox/merchant.pem'), signer);
  const signed = core.signFieldsWithKey(JSON.stringify({ version: '5.1.0', merId: '777290058110097', txnType: '00' }), key);
  assert.equal(seen.length, 0);
  assert.match(signed, /^\0[0-9a-f]{64}\0/);
});
