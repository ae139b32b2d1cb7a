// The whole shared vector set (tests/vectors/*.json), run the way tests/vectors.rs runs
// it, once with each RSA backend: node:crypto and the pure-Rust one inside the wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import {
  AcpError,
  EncryptionCert,
  MerchantKey,
  Verifier,
  canonicalString,
  encodeForm,
  hexDigest,
  danger,
  inspectPkcs12,
  parseSignMethod,
  pinBlock,
  signFields,
} from 'unionpay-acp';

const TESTS = new URL('../../tests/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, TESTS));
const load = (name) => JSON.parse(read(`vectors/${name}`).toString('utf8'));
const hex = (h) => Uint8Array.from(Buffer.from(h ?? '', 'hex'));
const BACKENDS = ['node', 'portable'];

/** Every test of a file with its group; the count must match the header. */
function eachTest(file, f) {
  const doc = load(file);
  let n = 0;
  for (const group of doc.testGroups) {
    for (const t of group.tests) {
      f(group, t);
      n += 1;
    }
  }
  assert.equal(n, doc.numberOfTests, `${file}: test count`);
  assert.ok(n > 0);
}

/** Runs `op`; a valid case must succeed and pass `check`, an invalid one must fail with its code. */
function expectOutcome(t, op, check) {
  const where = `tcId ${t.tcId} (${t.comment})`;
  let value;
  try {
    value = op();
  } catch (e) {
    if (t.result === 'valid' || !(e instanceof AcpError)) {
      throw new Error(`${where}: unexpected error ${e?.code ?? ''} ${e?.message ?? e}`, { cause: e });
    }
    assert.equal(e.code, t.errorCode, `${where}: ${e.message}`);
    if (t.errorStep) assert.equal(e.step, t.errorStep, `${where}: step of ${e.message}`);
    return;
  }
  assert.equal(t.result, 'valid', `${where}: expected error ${t.errorCode}`);
  check(value);
}

test('canonical strings and digests', () => {
  eachTest('canonical.json', (_, t) => {
    const canonical = canonicalString(t.fields);
    assert.equal(canonical, t.canonical, `tcId ${t.tcId}`);
    assert.equal(hexDigest('sha256', canonical), t.sha256);
    assert.equal(hexDigest('sha1', canonical), t.sha1);
  });
});

for (const backend of BACKENDS) {
  test(`signatures (${backend})`, () => {
    eachTest('sign.json', (g, t) => {
      expectOutcome(
        t,
        () => {
          // As tests/vectors.rs: the input's signMethod must be one the core knows.
          const signMethod = parseSignMethod(t.fields.signMethod ?? '01');
          const credentials = g.pfx
            ? MerchantKey.fromPkcs12(read(g.pfx), g.password, { backend })
            : { signMethod, secureKey: g.secureKey };
          return signFields(t.fields, credentials);
        },
        (info) => {
          assert.equal(info.canonical, t.canonical);
          assert.equal(info.digestHex, t.digestHex);
          assert.equal(info.fields.signature, t.signature, `tcId ${t.tcId} on ${backend}`);
          assert.deepEqual(info.fields, t.signedFields);
        },
      );
    });
  });

  test(`verification (${backend})`, () => {
    eachTest('verify.json', (g, t) => {
      // A fresh verifier per case and a second call on the same one: the second
      // exercises the certificate cache.
      const files = (key) => (g[key] ?? []).map((p) => read(p));
      const trust = g.trust === 'production' ? 'production' : g.trust === 'custom' ? { roots: files('roots'), middles: files('middles') } : 'test';
      const verifier = new Verifier(trust, { backend, secureKey: g.secureKey, verifyCerts: files('verifyCerts') });
      const now = new Date(t.now);
      for (let i = 0; i < 2; i++) {
        expectOutcome(
          t,
          () => {
            switch (t.bodyKind) {
              case 'fields':
                verifier.verifyFields(t.input, { now });
                return t.input;
              case 'sync':
                return verifier.verifySyncBody(t.input, { now });
              default:
                return verifier.verifyNotifyBody(t.input, { now });
            }
          },
          (fields) => assert.deepEqual(fields, t.fields, `tcId ${t.tcId}`),
        );
      }
    });
  });

  test(`decryption (${backend})`, () => {
    eachTest('decrypt.json', (g, t) => {
      const key = MerchantKey.fromPkcs12(read(g.pfx), g.password, { backend });
      expectOutcome(
        t,
        () => key.decryptText(t.ciphertext),
        (plain) => assert.equal(plain, t.plaintext, `tcId ${t.tcId}`),
      );
    });
  });

  test(`PKCS#12 files, keys loaded by ${backend}`, () => {
    eachTest('pkcs12.json', (_, t) => {
      expectOutcome(
        t,
        () => inspectPkcs12(read(t.file), t.password),
        (p) => {
          const rfc3339 = (d) => d.toISOString().replace('.000Z', 'Z');
          assert.equal(p.certId, t.certId);
          assert.equal(p.subject, t.subject);
          assert.equal(rfc3339(p.notBefore), t.notBefore);
          assert.equal(rfc3339(p.notAfter), t.notAfter);
          assert.equal(p.keyBits, t.keyBits);
          assert.equal(createHash('sha256').update(p.modulus).digest('hex'), t.modulusSha256);
          // Loading the key through the backend under test works too.
          assert.equal(MerchantKey.fromPkcs12(read(t.file), t.password, { backend }).certId, t.certId);
        },
      );
    });
  });

}

// Card-data encryption: the padding is the core's, the RSA operation the backend's, so
// every backend must give the vectors' exact ciphertexts.
for (const backend of BACKENDS) {
  test(`encryption with fixed randomness (${backend})`, () => {
    eachTest('encrypt.json', (g, t) => {
      const cert = EncryptionCert.parse(read(g.cert), { backend });
      assert.equal(cert.certId, g.encryptCertId);
      const plaintext = t.plaintextHex !== undefined ? hex(t.plaintextHex) : t.plaintext;
      expectOutcome(
        t,
        () => danger.encryptField(cert, plaintext, hex(t.random)),
        (ct) => assert.equal(ct, t.ciphertext, `tcId ${t.tcId}`),
      );
    });
  });
}

// customerInfo and forms (as in tests/vectors.rs, once).
test(`customerInfo and PIN blocks`, () => {
  eachTest('customer_info.json', (g, t) => {
    if (g.operation === 'pinBlock') {
      expectOutcome(
        t,
        () => pinBlock(t.pin, t.pan),
        (block) => assert.equal(Buffer.from(block).toString('hex').toUpperCase(), t.pinBlockHex),
      );
      return;
    }
    const cert = EncryptionCert.parse(read(g.cert));
    // As tests/vectors.rs: the vector's `pin` is an already-encrypted PIN block.
    const { pin, ...parts } = t.customerInfo;
    const info = pin === undefined ? parts : { ...parts, encryptedPin: pin };
    expectOutcome(
      t,
      () => danger.buildCustomerInfo(info, { mode: t.mode === 'plain' ? 'plain' : 'encrypted', cert, random: hex(t.random) }),
      (value) => assert.equal(value, t.value, `tcId ${t.tcId}`),
    );
  });
});

test(`form parsing and encoding`, () => {
  eachTest('forms.json', (g, t) => {
    const input = () => (t.inputHex !== undefined ? hex(t.inputHex) : t.input);
    switch (g.operation) {
      case 'parseSync':
        expectOutcome(t, () => danger.parseSyncBody(input()), (f) => assert.deepEqual(f, t.fields, `tcId ${t.tcId}`));
        break;
      case 'parseNotify':
        expectOutcome(t, () => danger.parseNotifyBody(input()), (f) => assert.deepEqual(f, t.fields, `tcId ${t.tcId}`));
        break;
      default:
        assert.equal(encodeForm(t.fields), t.body, `tcId ${t.tcId}`);
    }
  });
});
