// Bench: sign and verify ops/s of the package (node:crypto backend and pure wasm) against
// raw node:crypto doing only the RSA operation and against the same job written in plain
// JS on node:crypto, plus the size of the two .wasm modules (acp, always loaded; acp_rsa,
// the pure-Rust RSA loaded only without node:crypto). One run, the cases interleaved (the
// machine is noisy: compare within a run).
//
//   node npm/bench.mjs [--seconds 2]      (time per case)
import { X509Certificate, createHash, createPrivateKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Client, MerchantKey, Verifier, canonicalString, signFields } from 'unionpay-acp';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 2);
const tests = new URL('../tests/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, tests));

// ---- inputs: the sandbox merchant key, a consume's fields, a sandbox-signed answer
const pfx = read('fixtures/sandbox/merchant.pfx');
const keys = {
  node: MerchantKey.fromPkcs12(pfx, '000000', { backend: 'node' }),
  portable: MerchantKey.fromPkcs12(pfx, '000000', { backend: 'portable' }),
};
const rawKey = createPrivateKey(read('fixtures/sandbox/merchant.key.pem'));
const fields = {
  version: '5.1.0', encoding: 'UTF-8', txnType: '01', txnSubType: '01', bizType: '000902',
  accessType: '0', channelType: '07', merId: '777290058110097', orderId: '20261125120000001',
  txnTime: '20261125120000', txnAmt: '1000', currencyCode: '156',
  backUrl: 'https://shop.example/unionpay/notify',
  tokenPayData: '{token=6235240000020757577&trId=62000000001}',
  customerInfo: 'e3Ntc0NvZGU9MTExMTExfQ==',
};
const digestHex = (s) => createHash('sha256').update(s).digest('hex');
// What RSA signs for 5.1.0: the ASCII hex SHA-256 of the canonical string (precomputed:
// the raw baseline does the RSA operation only).
const signedFields = { ...fields, certId: keys.node.certId, signMethod: '01' };
const signingMsg = Buffer.from(digestHex(canonicalString(signedFields)));

const verifyDoc = JSON.parse(read('vectors/verify.json'));
const group = verifyDoc.testGroups.find((g) => g.trust === 'custom');
const answer = group.tests.find((t) => t.bodyKind === 'sync' && t.result === 'valid');
const now = new Date(answer.now);
const trust = { roots: read(group.roots[0]), middles: read(group.middles[0]) };
const verifiers = {
  node: new Verifier(trust, { backend: 'node' }),
  portable: new Verifier(trust, { backend: 'portable' }),
};
const { signature, ...unsigned } = answer.fields;
const signedMsg = Buffer.from(digestHex(canonicalString(unsigned)));
const signatureBytes = Buffer.from(signature, 'base64');
const leafKey = new X509Certificate(answer.fields.signPubKeyCert).publicKey;

const client = (backend) =>
  new Client({ merId: '777290058110097', key: keys[backend], environment: 'test', trust: 'test', backend });
const clients = { node: client('node'), portable: client('portable') };
const consume = { orderId: '20261125120000001', txnAmt: 1000, token: '6235240000020757577', smsCode: '111111', backUrl: fields.backUrl };

// The same signing job in plain JS with node:crypto: what a merchant writes without the
// package (canonical string, SHA-256 hex, RSA, base64).
function signInPlainJs(input) {
  const f = { ...input, certId: keys.node.certId, signMethod: '01' };
  const canonical = Object.keys(f)
    .filter((k) => k !== 'signature' && f[k] !== '')
    .sort() // ASCII keys: UTF-16 order is byte order
    .map((k) => `${k}=${f[k]}`)
    .join('&');
  const sig = sign('sha256', Buffer.from(digestHex(canonical)), rawKey);
  return { ...f, signature: sig.toString('base64') };
}

// The same verification job in plain JS with node:crypto: what a merchant writes without
// the package for a synchronous answer (split the body with `&` inside {…}/[…] kept, the
// canonical string, SHA-256 hex, RSA, the signing certificate's chain checked once and
// cached by its PEM text with its key and validity).
const plainJsChains = new Map();
function verifyInPlainJs(body, at) {
  const f = {};
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 123 || c === 91) depth++; // { [
    else if ((c === 125 || c === 93) && depth > 0) depth--; // } ]
    else if (i === body.length || (c === 38 && depth === 0)) { // &
      const eq = body.indexOf('=', start);
      if (eq >= 0 && eq < i) f[body.slice(start, eq)] = body.slice(eq + 1, i);
      start = i + 1;
    }
  }
  const pem = f.signPubKeyCert;
  let chain = plainJsChains.get(pem);
  if (chain === undefined) {
    const leaf = new X509Certificate(pem);
    // (the chain check to the roots would go here: paid once per certificate)
    chain = { key: leaf.publicKey, from: Date.parse(leaf.validFrom), to: Date.parse(leaf.validTo) };
    plainJsChains.set(pem, chain);
  }
  if (at < chain.from || at > chain.to) throw new Error('the signing certificate is not valid now');
  const canonical = Object.keys(f)
    .filter((k) => k !== 'signature' && f[k] !== '')
    .sort()
    .map((k) => `${k}=${f[k]}`)
    .join('&');
  const sig = Buffer.from(f.signature, 'base64');
  if (!verify('sha256', Buffer.from(digestHex(canonical)), chain.key, sig)) throw new Error('bad signature');
  return f;
}

// ---- what is measured
const cases = {
  'sign   raw node:crypto (RSA only)': () => sign('sha256', signingMsg, rawKey),
  'sign   raw node:crypto (same job in JS)': () => signInPlainJs(fields),
  'sign   package, node:crypto backend': () => signFields(fields, keys.node),
  'sign   package, pure wasm backend': () => signFields(fields, keys.portable),
  'build  consume request, node:crypto': () => clients.node.build('consume', consume),
  'build  consume request, pure wasm': () => clients.portable.build('consume', consume),
  'verify raw node:crypto (RSA only)': () => verify('sha256', signedMsg, leafKey, signatureBytes),
  'verify raw node:crypto (same job in JS)': () => verifyInPlainJs(answer.input, now.getTime()),
  'verify package, node:crypto backend': () => verifiers.node.verifySyncBody(answer.input, { now }),
  'verify package, pure wasm backend': () => verifiers.portable.verifySyncBody(answer.input, { now }),
};

// Sanity: both backends produce the raw signature byte for byte.
const expected = sign('sha256', signingMsg, rawKey).toString('base64');
for (const k of ['node', 'portable']) {
  if (signFields(fields, keys[k]).fields.signature !== expected) throw new Error(`${k} signature differs`);
}
if (signInPlainJs(fields).signature !== expected) throw new Error('the plain-JS signature differs');
// Sanity: both verifications accept the answer and read the same fields.
{
  const mine = verifyInPlainJs(answer.input, now.getTime());
  const theirs = verifiers.node.verifySyncBody(answer.input, { now });
  if (JSON.stringify(Object.entries(mine).sort()) !== JSON.stringify(Object.entries(theirs).sort())) {
    throw new Error('the plain-JS verification reads other fields');
  }
}

// Cases run in turn, in slices of about 50 ms of this process's CPU time, until each has
// had its budget: other processes' load then hits every case alike, and time spent
// descheduled is not counted.
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const SLICE_US = 50_000;
const budget = SECONDS * 1e6;
const totals = Object.fromEntries(Object.keys(cases).map((k) => [k, { ops: 0, us: 0 }]));
for (const fn of Object.values(cases)) for (let i = 0; i < 3; i++) fn(); // warm up
while (Object.values(totals).some((t) => t.us < budget)) {
  for (const [name, fn] of Object.entries(cases)) {
    const t = totals[name];
    if (t.us >= budget) continue;
    const start = cpuMicros();
    let elapsed = 0;
    do {
      fn();
      t.ops += 1;
      elapsed = cpuMicros() - start;
    } while (elapsed < SLICE_US);
    t.us += elapsed;
  }
}
const med = Object.fromEntries(Object.entries(totals).map(([k, t]) => [k, t.ops / (t.us / 1e6)]));

const size = (file) => {
  const bytes = readFileSync(new URL(`./pkg/${file}`, import.meta.url));
  return { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
};
const wasm = size('acp_bg.wasm');
const wasmRsa = size('acp_rsa_bg.wasm');
const gz = wasm.gz;
const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(9);
console.log(`unionpay-acp bench — Node ${process.version}, ${SECONDS} s CPU per case in interleaved 50 ms slices, ops per CPU second`);
for (const [name, v] of Object.entries(med)) {
  const base = name.startsWith('verify') ? med['verify raw node:crypto (RSA only)'] : med['sign   raw node:crypto (RSA only)'];
  console.log(`  ${name.padEnd(40)} ${fmt(v)}/s  ${(v / base).toFixed(2)}× RSA-only`);
}
const pkg = med['sign   package, node:crypto backend'];
const ratio = pkg / med['sign   raw node:crypto (same job in JS)'];
const ratioRsa = pkg / med['sign   raw node:crypto (RSA only)'];
const vpkg = med['verify package, node:crypto backend'];
const vRatio = vpkg / med['verify raw node:crypto (same job in JS)'];
const vRatioRsa = vpkg / med['verify raw node:crypto (RSA only)'];
const kb = (n) => `${n.toLocaleString('en-US')} bytes`;
console.log(`  acp_bg.wasm (always loaded):              ${kb(wasm.raw)} raw, ${kb(wasm.gz)} gzipped`);
console.log(`  acp_rsa_bg.wasm (only without node:crypto): ${kb(wasmRsa.raw)} raw, ${kb(wasmRsa.gz)} gzipped`);
console.log(
  `targets: sign ≥ 0.97× the same job in JS: ${ratio.toFixed(2)}× ${ratio >= 0.97 ? 'ok' : 'MISSED'} ` +
    `(${ratioRsa.toFixed(2)}× the bare RSA operation); verify ≥ 0.85× the same job in JS: ${vRatio.toFixed(2)}× ` +
    `${vRatio >= 0.85 ? 'ok' : 'MISSED'} (${vRatioRsa.toFixed(2)}× the bare RSA operation)`,
);
console.log(
  `        size: ` +
    `acp_bg.wasm ≤ 150 KB gzipped: ${(gz / 1000).toFixed(1)} KB ` +
    `${gz <= 150_000 ? 'ok' : 'MISSED'} (with acp_rsa_bg.wasm, where node:crypto is missing: ${((gz + wasmRsa.gz) / 1000).toFixed(1)} KB)`,
);
