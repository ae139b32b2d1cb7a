'use strict';
/**
 * unionpay-acp for Node: the sans-IO Rust core (compiled to WebAssembly) behind a small
 * idiomatic facade. Every type that crosses is the core's JSON (requests, outcomes, next
 * steps, notifications, key updates, reconciliation records), every protocol and
 * lifecycle decision is the core's (`nextStep`); this file supplies the host parts: the
 * clock, `fetch`, sleeping, and `node:crypto` for RSA when it is available.
 */
const core = require('../pkg/acp.js');

let nodeCrypto = null;
try {
  nodeCrypto = require('node:crypto');
} catch {
  nodeCrypto = null; // not Node: the pure-Rust backend inside the wasm module is used
}
const HAS_NODE_CRYPTO = Boolean(
  nodeCrypto && typeof nodeCrypto.sign === 'function' && typeof nodeCrypto.createPrivateKey === 'function',
);
// Node 18 has no global Web Crypto; the core draws random bytes (card-data padding) from
// globalThis.crypto.getRandomValues.
if (HAS_NODE_CRYPTO && typeof globalThis.crypto?.getRandomValues !== 'function' && nodeCrypto.webcrypto) {
  Object.defineProperty(globalThis, 'crypto', { value: nodeCrypto.webcrypto, configurable: true, writable: true });
}

const FORM_CONTENT_TYPE = core.formContentType();
const DEFAULT_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------- errors

/** Every failure the core reports: a stable numeric `code` (see errors.json), a `kind`. */
class AcpError extends Error {
  constructor(message, { code, codeName, kind, step = null, canonicalSha256 = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AcpError';
    /** Stable number: 1xxx input, 2xxx keys/certificates, 3xxx verification, 4xxx format, 5xxx gateway, 9xxx internal. */
    this.code = code;
    /** Stable identifier, e.g. `SignatureMismatch`. */
    this.codeName = codeName;
    /** `InvalidInput`, `Key`, `Certificate`, `Signature`, `Format`, `GatewayRejected` or `Internal`. */
    this.kind = kind;
    /** Verification failures: `parse`, `chain`, `name`, `validity` or `signature`. */
    this.step = step;
    /** Verification failures: hex SHA-256 of the canonical string, when it could be built. */
    this.canonicalSha256 = canonicalSha256;
  }
}

/**
 * No usable answer came (no answer, a timeout, an abort, or what the core's planner
 * refused as an answer: a status other than 200, an answer that does not verify).
 */
class TransportError extends Error {
  constructor(message, { request, status = null, timedOut = false, aborted = false, next = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransportError';
    /** The request that was sent. */
    this.request = request;
    /** The HTTP status when one came. */
    this.status = status;
    this.timedOut = timedOut;
    this.aborted = aborted;
    /** Money may have moved (the core's `moneyMoving`): look it up, never retry it as new
     * or give it up as failed. */
    this.outcomeUnknown = Boolean(request && request.moneyMoving);
    /** The core's next step after this exchange: `client.queryUntilFinal(err.next)`. */
    this.next = next;
  }
}

// Built at the first errorCatalogue(), not at require: about 0.5 ms of a cold start.
let catalogue = null;
const errorCatalogue = () => (catalogue ??= Object.freeze(core.errorCatalogue().map((e) => Object.freeze(e))));

function toAcpError(e) {
  if (e instanceof Error && typeof e.acpCode === 'number') {
    return new AcpError(e.message, {
      code: e.acpCode,
      codeName: e.codeName,
      kind: e.kind,
      step: e.step ?? null,
      canonicalSha256: e.canonicalSha256 ?? null,
    });
  }
  return e;
}

/** Runs a core call, turning its errors into `AcpError`. */
function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw toAcpError(e);
  }
}

// ------------------------------------------------------------------ value conversion

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return utf8.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what} must be a Buffer, a Uint8Array or a string`);
}

/** A Date, epoch milliseconds or an ISO string → Unix seconds; the host clock by default. */
function seconds(now) {
  if (now === undefined || now === null) return Math.floor(Date.now() / 1000);
  if (now instanceof Date) return Math.floor(now.getTime() / 1000);
  if (typeof now === 'number') return Math.floor(now / 1000);
  if (typeof now === 'string') return Math.floor(Date.parse(now) / 1000);
  throw new TypeError('now must be a Date, epoch milliseconds or an ISO string (or, where awaited, a function returning one)');
}

/** `now` of the asynchronous methods: a value as `seconds`, or a (possibly async) function returning one. */
async function clock(now) {
  return seconds(typeof now === 'function' ? await now() : now);
}

/** `options` of a building step inside an asynchronous method: `now` read once. */
async function at(options) {
  return { ...options, now: (await clock(options.now)) * 1000 };
}

/** Field maps and params cross into the core as JSON (one string, not a call per value). */
function json(map) {
  for (const k in map) {
    if (typeof map[k] !== 'string') return JSON.stringify(stringParams(map));
  }
  return JSON.stringify(map ?? {});
}

/**
 * A field map as the core reads it on the signing and verification paths: one string of
 * NUL-separated keys and values, `\0k\0v\0k\0v…` (no JSON to write here or to parse in the
 * core); JSON when it is not a plain object of strings or a text holds a NUL.
 */
function fieldsText(map) {
  const proto = map !== null && typeof map === 'object' ? Object.getPrototypeOf(map) : undefined;
  if (proto !== Object.prototype && proto !== null) return json(map);
  let text = '';
  for (const k of Object.keys(map)) {
    const v = map[k];
    if (typeof v !== 'string' || v.includes('\0') || k.includes('\0')) return json(map);
    text += `\0${k}\0${v}`;
  }
  return text || '{}';
}

/**
 * What the core answers a field map with ([`fields_out`] in bindings/wasm): `heads` texts,
 * then keys and values, each after a NUL (`\0h\0…\0k\0v…`): `{ heads, fields }`; `null` for
 * JSON (what a NUL inside a text makes it send).
 */
function fieldsFromText(text, heads = 0) {
  if (text.charCodeAt(0) !== 0) return null;
  const parts = text.split('\0');
  const fields = {};
  for (let i = 1 + heads; i + 1 < parts.length; i += 2) {
    const k = parts[i];
    // As JSON.parse: `__proto__` is a field like any other, not the object's prototype.
    if (k === '__proto__') Object.defineProperty(fields, k, { value: parts[i + 1], writable: true, enumerable: true, configurable: true });
    else fields[k] = parts[i + 1];
  }
  return { heads: parts.slice(1, 1 + heads), fields };
}

/** A verified message's fields from the core's text. */
const receivedFields = (text) => fieldsFromText(text)?.fields ?? JSON.parse(text);

function stringParams(params) {
  const out = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'bigint') out[k] = String(v);
    else throw new TypeError(`params.${k} must be a string or a number`);
  }
  return out;
}

/** Certificate bytes as the settings' text: PEM as it is, DER as base64. */
function documentText(value) {
  const b = bytes(value, 'certificate');
  const text = new TextDecoder().decode(b);
  if (text.includes('-----BEGIN')) return text;
  if (typeof Buffer === 'function') return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  let binary = '';
  for (const x of b) binary += String.fromCharCode(x);
  return btoa(binary);
}

/** What the Client constructor takes besides the core's settings (settings.json). */
const NOT_SETTINGS = new Set(['pfx', 'password', 'key', 'secureKey', 'signMethod', 'backend', 'fetch', 'timeoutMs']);

/** The core's settings JSON from the constructor's options: every other key is handed to the
 * core (which refuses unknown ones); certificate bytes become PEM text or base64 DER. */
function settingsJson(options) {
  const settings = {};
  for (const [k, v] of Object.entries(options)) if (!NOT_SETTINGS.has(k)) settings[k] = v;
  return JSON.stringify(settings, function replacer(key, value) {
    const raw = this[key];
    return raw instanceof Uint8Array || raw instanceof ArrayBuffer ? documentText(raw) : value;
  });
}

// ---------------------------------------------------------------------------- requests

/** Requests the core wrote (frozen, so their JSON text is the core's), with that text. */
const requestText = new WeakMap();

function freezeRequest(r, text) {
  Object.freeze(r.fields);
  if (r.queried) Object.freeze(r.queried);
  Object.freeze(r);
  requestText.set(r, text ?? JSON.stringify(r));
  return r;
}

/**
 * A request as the core's stored shape (`unionpay-acp/request@1`): a request object this
 * package made is returned as it is; anything else (a stored request's JSON text or its
 * parsed object, from any binding) is read by the core, which derives every key but
 * format, api, url, fields, queried and attempt from the signed fields.
 */
function requestFromJson(stored) {
  if (stored !== null && typeof stored === 'object' && requestText.has(stored)) return stored;
  let text = stored;
  if (typeof stored !== 'string') {
    if (stored === null || typeof stored !== 'object') {
      throw new TypeError('pass a request (what build() returned) or its JSON (JSON.stringify(request))');
    }
    text = JSON.stringify(stored);
  }
  const out = call(() => core.requestFromJson(text));
  return freezeRequest(JSON.parse(out), out);
}

/** The core's text of a request. */
const textOf = (request) => requestText.get(requestFromJson(request));

// ---------------------------------------------------------------- answers and events

const coreOf = new WeakMap();
const limitsJson = (limits) => JSON.stringify(limits ?? {});

// File transfer and reconciliation (ZIP, inflate, the ZM/ZME parsers, the reconciler): a
// separate wasm module (pkg/acp_files_bg.wasm, bindings/wasm-files), compiled at its first
// use, so that a process that pays and refunds neither loads nor compiles it. It gets the
// verified answer's `fileContent`; the core decides there as it would in the main module.
let files = null;
const fileModule = () => (files ??= require('../pkg/acp_files.js'));

/** A verified message from UnionPay (an answer or a notification). */
class VerifiedResponse {
  constructor(inner, fields) {
    coreOf.set(this, inner);
    /** Every field as received (verified). */
    this.fields = Object.freeze(fields);
  }

  get(key) {
    return Object.hasOwn(this.fields, key) ? this.fields[key] : undefined;
  }

  get respCode() {
    return this.get('respCode') ?? '';
  }

  get respMsg() {
    return this.get('respMsg') ?? '';
  }

  /** `queryId`: keep it, undo and refund need it. */
  get queryId() {
    return this.get('queryId') ?? null;
  }

  /** `tokenPayData` parsed (the core's TokenPayData), or null. */
  tokenPayData() {
    return JSON.parse(call(() => coreOf.get(this).tokenPayData()));
  }

  /** `customerInfo` parsed without decrypting, or null. */
  customerInfo() {
    return JSON.parse(call(() => coreOf.get(this).customerInfo()));
  }

  /** `customerInfo` with `encryptedInfo` decrypted by the merchant key, or null. */
  decryptCustomerInfo() {
    return JSON.parse(call(() => coreOf.get(this).decryptCustomerInfo()));
  }

  /** `accNo` in the clear (decrypted when UnionPay encrypted it), or null. */
  decryptAccNo() {
    return call(() => coreOf.get(this).decryptAccNo()) ?? null;
  }

  /** File transfer: the archive's members `[{ name, bytes }]`. */
  files(limits) {
    return call(() => fileModule().files(this.get('fileContent'), limitsJson(limits)));
  }

  /** File transfer: the core's reconciliation records `{ zm, zme, otherFiles }` (amounts in fen). */
  reconciliation(limits) {
    return JSON.parse(call(() => fileModule().reconciliation(this.get('fileContent'), limitsJson(limits))));
  }

  /**
   * File transfer: your books of the clearing day (`[{ orderId, txnType, amountFen,
   * queryId?, origQueryId?, state: 'succeeded' | 'failed' | 'unknown' }]`) compared with
   * this file by the core: `{ lines: [{ verdict, orderId, … }], summary }`.
   */
  reconcile(books, limits) {
    if (!Array.isArray(books)) throw new TypeError('books must be an array of book entries');
    const text = JSON.stringify(books);
    return JSON.parse(call(() => fileModule().reconcile(text, this.get('fileContent'), limitsJson(limits))));
  }

  toJSON() {
    return this.fields;
  }
}

/**
 * The verified, classified answer to a request (the core's Outcome): `name` is `success`,
 * `accepted`, `pending`, `failed` or `no_file`; `next` is the core's next step after it.
 */
class Outcome {
  constructor(o, response, request, next) {
    this.name = o.name;
    this.decisiveCode = o.decisiveCode;
    this.decisiveMsg = o.decisiveMsg;
    /** accepted / pending: when to query (Unix seconds). */
    this.queryAt = o.queryAt;
    this.pendingReason = o.pendingReason;
    this.response = new VerifiedResponse(response, o.response);
    /** The request this answers. */
    this.request = request;
    /** The core's next step (`final`, `query` or `stop`). */
    this.next = next;
    Object.freeze(this);
  }

  get success() {
    return this.name === 'success';
  }

  get fields() {
    return this.response.fields;
  }

  /** The core's Outcome JSON. */
  toJSON() {
    const { name, decisiveCode, decisiveMsg, queryAt, pendingReason } = this;
    return { name, decisiveCode, decisiveMsg, queryAt, pendingReason, response: this.response.fields };
  }
}

/** A core step handle → the core's NextStep `{ step, outcome, at, query, reason }` (frozen). */
function fromStep(handle, request) {
  const j = JSON.parse(handle.json);
  const response = handle.response();
  const step = { step: j.step, outcome: null, at: j.at, query: j.query && freezeRequest(j.query), reason: j.reason };
  if (j.outcome) step.outcome = new Outcome(j.outcome, response, request, step);
  return Object.freeze(step);
}

/** A verified notification (the core's Notification). */
class Notification {
  constructor(inner) {
    coreOf.set(this, inner);
    const n = JSON.parse(inner.json);
    Object.assign(this, n);
    this.response = new VerifiedResponse(inner.response(), n.fields);
    this.fields = this.response.fields;
    Object.freeze(this);
  }

  /** Whether it reports on `request` (merId, orderId, txnTime, message type, amount). */
  matches(request) {
    return call(() => coreOf.get(this).matches(textOf(request)));
  }

  /** The core's Notification JSON. */
  toJSON() {
    const { response, ...n } = this;
    return n;
  }
}
// ------------------------------------------------------------------------- backends

let portable = null;
let host = null;

const HASHES = { 256: 'sha256', 1: 'sha1' };

/** A core backend over host key loaders (and the host's hash, when it has a faster one);
 * the core's copy of the PKCS#8 bytes is wiped once the host has its key (OpenSSL and the
 * RSA module hold their own). */
function hostBackend(loadPrivateKey, loadPublicKey, digest) {
  return core.Backend.host({
    loadPrivateKey(pkcs8) {
      try {
        return loadPrivateKey(pkcs8);
      } finally {
        pkcs8.fill(0);
      }
    },
    loadPublicKey,
    digest,
  });
}

function nodeBackend() {
  // The core hands the RSA operations to these; it still parses the PFX, builds and
  // canonicalises, pads and unpads card data, checks chains and decides. Decryption is
  // the raw operation (Node 20 refuses PKCS#1 v1.5 private decryption; the core unpads).
  host ??= hostBackend(
    (pkcs8) => {
      const key = nodeCrypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      const raw = { key, padding: nodeCrypto.constants.RSA_NO_PADDING };
      return {
        sign: (hash, msg) => nodeCrypto.sign(HASHES[hash], msg, key),
        decryptRaw: (ciphertext) => nodeCrypto.privateDecrypt(raw, ciphertext),
      };
    },
    (pkcs1) => {
      const key = nodeCrypto.createPublicKey({ key: pkcs1, format: 'der', type: 'pkcs1' });
      const raw = { key, padding: nodeCrypto.constants.RSA_NO_PADDING };
      return {
        verify: (hash, msg, sig) => nodeCrypto.verify(HASHES[hash], msg, key, sig),
        encryptRaw: (block) => nodeCrypto.publicEncrypt(raw, block),
      };
    },
    // The digest of what is signed and verified (the canonical string): OpenSSL's, not the
    // core's compiled to wasm (about 4× faster for a 2 KB answer).
    (hash, data) => nodeCrypto.createHash(HASHES[hash]).update(data).digest(),
  );
  return host;
}

function portableBackend() {
  // The core's pure-Rust RSA, a separate wasm module (pkg/acp_rsa_bg.wasm): loaded only
  // here, so a process on node:crypto never compiles it. Its keys live in wasm memory
  // and are zeroized when the finalizer frees them.
  if (portable) return portable;
  const rsa = require('../pkg/acp_rsa.js');
  portable = hostBackend(
    (pkcs8) => {
      const key = rsa.RsaPrivateKey.fromPkcs8(pkcs8);
      return { sign: (hash, msg) => key.sign(hash, msg), decryptRaw: (ct) => key.decryptRaw(ct) };
    },
    (pkcs1) => {
      const key = rsa.RsaPublicKey.fromPkcs1(pkcs1);
      return { verify: (hash, msg, sig) => key.verify(hash, msg, sig), encryptRaw: (block) => key.encryptRaw(block) };
    },
  );
  return portable;
}

/** `auto` (node:crypto when present), `node` or `portable` (pure Rust in wasm). */
function backend(choice = 'auto') {
  if (choice === 'portable' || (choice === 'auto' && !HAS_NODE_CRYPTO)) {
    return portableBackend();
  }
  if (choice === 'node' || choice === 'auto') {
    if (!HAS_NODE_CRYPTO) throw new Error("backend 'node' needs node:crypto, which this runtime lacks");
    return nodeBackend();
  }
  throw new TypeError("backend must be 'auto', 'node' or 'portable'");
}

const backendName = (b) => (b === portable ? 'portable' : 'node');

// ------------------------------------------------------------------- key material

/** The merchant's signing key (from the PFX UnionPay issued) with its certificate. */
class MerchantKey {
  constructor() {
    throw new TypeError('use MerchantKey.fromPkcs12() or MerchantKey.fromPem()');
  }

  static #wrap(inner) {
    const key = Object.create(MerchantKey.prototype);
    coreOf.set(key, inner);
    return key;
  }

  /** From PKCS#12 (`.pfx`) bytes. Options: `backend` (`auto`, `node`, `portable`). */
  static fromPkcs12(pfx, password, options = {}) {
    const b = backend(options.backend);
    return MerchantKey.#wrap(call(() => core.MerchantKey.fromPkcs12(bytes(pfx, 'pfx'), String(password ?? ''), b)));
  }

  /** From a PEM private key (PKCS#8 or PKCS#1) and its PEM or DER certificate. */
  static fromPem(keyPem, certificate, options = {}) {
    const b = backend(options.backend);
    return MerchantKey.#wrap(
      call(() => core.MerchantKey.fromPem(bytes(keyPem, 'keyPem'), bytes(certificate, 'certificate'), b)),
    );
  }

  /** The `certId` requests carry. */
  get certId() {
    return coreOf.get(this).certId;
  }

  /**
   * When the signing certificate stops being valid (Unix seconds). UnionPay refuses
   * requests signed with an expired certificate: warn well before.
   */
  get notAfter() {
    return coreOf.get(this).notAfter;
  }

  /**
   * Decrypts a base64 text value UnionPay encrypted to this key (`accNo`, `encryptedInfo`);
   * what is not printable text (a wrong key) is an AcpError 4008.
   */
  decryptText(base64Value) {
    return call(() => coreOf.get(this).decryptText(String(base64Value)));
  }
}

/** UnionPay's encryption certificate (`encryptCertId`). Options: `backend` (`auto`, `node`, `portable`). */
class EncryptionCert {
  constructor(pemOrDer, options = {}) {
    const b = backend(options.backend);
    coreOf.set(this, call(() => core.EncryptionCert.parse(bytes(pemOrDer, 'certificate'), b)));
  }

  static parse(pemOrDer, options = {}) {
    return new EncryptionCert(pemOrDer, options);
  }

  get certId() {
    return coreOf.get(this).certId;
  }

  /** RSA-encrypts (PKCS#1 v1.5, padding from the host RNG) and base64-encodes. */
  encrypt(plaintext, options = {}) {
    noRandom(options, 'danger.encryptField(cert, plaintext, random)');
    return call(() => core.encryptField(coreOf.get(this), bytes(plaintext, 'plaintext'), undefined));
  }
}

/** The low-level Verifier's trust: 'test', 'production' or { roots, middles } (bytes). */
function trustConfig(trust) {
  if (typeof trust === 'string') return trust;
  if (trust && typeof trust === 'object') {
    const list = (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => bytes(x, 'trust'));
    return { roots: list(trust.roots), middles: list(trust.middles) };
  }
  throw new TypeError("trust must be 'test', 'production' or { roots, middles }");
}

/** Fixed randomness is for vectors and tests only: it lives under `danger`. */
function noRandom(options, instead) {
  if (options?.random !== undefined) {
    throw new TypeError(`fixed randomness makes card-data encryption predictable: it is only offered as ${instead}`);
  }
}

/** Verifies UnionPay's messages (chain, name, validity, signature); keep one: it caches. */
class Verifier {
  constructor(trust, options = {}) {
    const opts = {
      secureKey: options.secureKey,
      verifyCerts: (options.verifyCerts ?? []).map((c) => bytes(c, 'verifyCerts')),
    };
    coreOf.set(this, call(() => new core.Verifier(trustConfig(trust), backend(options.backend), opts)));
  }

  verifyFields(fields, options = {}) {
    call(() => coreOf.get(this).verifyFields(fieldsText(fields), seconds(options.now)));
  }

  verifySyncBody(body, options = {}) {
    const v = coreOf.get(this);
    const now = seconds(options.now);
    // A string crosses as it is (the glue writes its UTF-8 into wasm memory): one copy.
    return receivedFields(
      typeof body === 'string' ? call(() => v.verifySyncText(body, now)) : call(() => v.verifySyncBody(bytes(body, 'body'), now)),
    );
  }

  verifyNotifyBody(body, options = {}) {
    return receivedFields(call(() => coreOf.get(this).verifyNotifyBody(bytes(body, 'body'), seconds(options.now))));
  }
}

/** Signs a field map: with a `MerchantKey` (signMethod 01) or `{ signMethod, secureKey }`. */
function signFields(fields, credentials) {
  let text;
  if (credentials instanceof MerchantKey) {
    text = call(() => core.signFieldsWithKey(fieldsText(fields), coreOf.get(credentials)));
  } else {
    const { signMethod = '11', secureKey } = credentials ?? {};
    text = call(() => core.signFieldsWithSecureKey(fieldsText(fields), signMethod, String(secureKey)));
  }
  const signed = fieldsFromText(text, 2);
  if (signed === null) return JSON.parse(text);
  return { fields: signed.fields, canonical: signed.heads[1], digestHex: signed.heads[0] };
}

/**
 * Builds `customerInfo`. `info`: certifTp, certifId, customerNm, phoneNo, smsCode, pin,
 * cvn2, expired, and accNo (for a PIN block) or encryptedPin. Options: `mode`
 * (`encrypted` default, `plain`), `cert` (an EncryptionCert).
 */
function buildCustomerInfo(info, options = {}) {
  noRandom(options, 'danger.buildCustomerInfo(info, { random })');
  return customerInfoWith(info, options, undefined);
}

function customerInfoWith(info, options, random) {
  const mode = options.mode ?? 'encrypted';
  const params = json(info);
  if (options.cert) return call(() => coreOf.get(options.cert).buildCustomerInfo(params, mode, random));
  return call(() => core.buildCustomerInfo(params, mode, random));
}

/** Describes a PKCS#12 file's certificate (no key material leaves the core). */
function inspectPkcs12(pfx, password) {
  const r = call(() => core.inspectPkcs12(bytes(pfx, 'pfx'), String(password ?? '')));
  return { ...r, notBefore: new Date(r.notBefore * 1000), notAfter: new Date(r.notAfter * 1000) };
}

// --------------------------------------------------------------------------- client

function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function notificationBytes(rawBody) {
  if (rawBody && typeof rawBody === 'object' && !ArrayBuffer.isView(rawBody) && !(rawBody instanceof ArrayBuffer)) {
    throw new TypeError(
      'a notification is verified from its raw body (Buffer or string), not a parsed object: ' +
        "use express.raw({ type: '*/*' }) on the notification route, or readRawBody(req)",
    );
  }
  return bytes(rawBody, 'rawBody');
}

/** Whether `target` is a next step (the core's NextStep shape). */
const isStep = (target) => target !== null && typeof target === 'object' && typeof target.step === 'string';

/** What the constructor takes from `withEncryptionCert` and `keyUpdateQuery`. */
class Derived {
  constructor(coreClient, from) {
    this.core = coreClient;
    this.from = from;
  }
}

let buildWithRandom; // danger.build: set in Client's static block

/**
 * One merchant's client: builds and signs every product API, POSTs it with `fetch`, and
 * follows the core's planner (`nextStep`) from the answer; verifies notifications.
 */
class Client {
  #core;
  #fetch;
  #timeoutMs;
  #backend;
  #endpoints;

  /**
   * `options`: the core's settings (settings.json: merId, environment, trust,
   * encryptionCert, …; unknown keys are refused by the core) and the host's: the key
   * (`pfx` + `password`, `key`, or `secureKey` + `signMethod`), `backend`, `fetch`,
   * `timeoutMs`. Certificates may be Buffers (PEM or DER) or text.
   */
  constructor(options) {
    if (options instanceof Derived) {
      const from = options.from;
      this.#core = options.core;
      this.#fetch = from.#fetch;
      this.#timeoutMs = from.#timeoutMs;
      this.#backend = from.#backend;
      return;
    }
    const o = options ?? {};
    const b = backend(o.backend);
    const settings = settingsJson(o);
    if (o.secureKey !== undefined) {
      this.#core = call(() => core.Client.withSecureKey(settings, o.signMethod ?? '11', String(o.secureKey), b));
    } else {
      let key = o.key;
      if (key === undefined && o.pfx !== undefined) key = MerchantKey.fromPkcs12(o.pfx, o.password, { backend: o.backend });
      if (!(key instanceof MerchantKey)) {
        throw new TypeError('give the merchant key: pfx + password, key (a MerchantKey), or secureKey');
      }
      this.#core = call(() => core.Client.withKey(settings, coreOf.get(key), b));
    }
    this.#fetch = o.fetch ?? globalThis.fetch;
    this.#timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#backend = backendName(b);
  }

  /**
   * The same client (settings, key, fetch) with UnionPay's encryption certificate `pem`
   * (PEM or DER): what a key update that replaced it asks for. This client is unchanged.
   */
  withEncryptionCert(pem) {
    return new Client(new Derived(call(() => this.#core.withEncryptionCert(bytes(pem, 'pem'))), this));
  }

  /** `merId`. */
  get merId() {
    return this.#core.merId;
  }

  /** When the signing certificate stops being valid (Unix seconds); null for a secure key. */
  get signingCertNotAfter() {
    return this.#core.signingCertNotAfter ?? null;
  }

  /** `{ front, back, query, file, app }` URLs. */
  get endpoints() {
    this.#endpoints ??= Object.freeze(JSON.parse(this.#core.endpoints()));
    return this.#endpoints;
  }

  /** Which RSA backend signs and verifies: `node` (node:crypto) or `portable` (wasm). */
  get backend() {
    return this.#backend;
  }

  // ---- sans-IO: build, plan, read

  /**
   * Builds and signs the request of `api` (`consume`, `sms_open`, …) from protocol
   * parameters keyed by field name (`orderId`, `txnAmt`, `accNo`, `smsCode`, …). Returns
   * the request in the core's stored shape: keep `JSON.stringify(request)`. Options: `now`.
   */
  build(api, params, options = {}) {
    noRandom(options, 'danger.build(client, api, params, { random })');
    return this.#build(api, params, options, undefined);
  }

  #build(api, params, options, random) {
    const text = call(() => this.#core.build(String(api), json(params), seconds(options.now), random));
    return freezeRequest(JSON.parse(text), text);
  }

  static {
    buildWithRandom = (client, api, params, options) =>
      client.#build(api, params, options, bytes(options.random, 'random'));
  }

  /** The status query (attempt 1, 2, …) of an earlier request. */
  buildQuery(request, attempt = 1, options = {}) {
    const text = call(() => this.#core.buildQueryFor(textOf(request), attempt, seconds(options.now)));
    return freezeRequest(JSON.parse(text), text);
  }

  /**
   * The core's planner: what to do after `sent` got `exchange`, an HTTP answer
   * `{ status, body }` or `null` for none (a timeout, a connection error). Returns the
   * core's NextStep `{ step: 'final'|'query'|'stop', outcome, at, query, reason }`
   * (`at` in Unix seconds, `query` the status query to POST then). Options: `now`.
   */
  nextStep(sent, exchange, options = {}) {
    const request = requestFromJson(sent);
    let status;
    let body = EMPTY;
    if (exchange === undefined) throw new TypeError('exchange is { status, body }, or null for no answer');
    if (exchange !== null) {
      status = exchange.status;
      if (!Number.isInteger(status) || status < 0 || status > 65535) throw new TypeError('exchange.status must be the HTTP status');
      body = bytes(exchange.body ?? EMPTY, 'exchange.body');
    }
    const handle = call(() => this.#core.nextStep(textOf(request), status, body, seconds(options.now)));
    return fromStep(handle, request);
  }

  /** Verifies and classifies an answer body you received yourself (errors if it does not
   * verify); the Outcome carries the core's next step (`outcome.next`). */
  handleResponse(request, body, options = {}) {
    const r = requestFromJson(request);
    return fromStep(call(() => this.#core.handleResponse(textOf(r), bytes(body, 'body'), seconds(options.now))), r).outcome;
  }

  /** Verifies a back notification: pass the raw body UnionPay POSTed to backUrl. */
  verifyNotification(rawBody, options = {}) {
    return new Notification(call(() => this.#core.verifyNotification(notificationBytes(rawBody), seconds(options.now))));
  }

  /** Verifies a front notification (the browser's POST to frontUrl): never proof of payment. */
  verifyFrontNotification(rawBody, options = {}) {
    return new Notification(
      call(() => this.#core.verifyFrontNotification(notificationBytes(rawBody), seconds(options.now))),
    );
  }

  /**
   * UnionPay's POST to backUrl, from its raw body: `{ status, body }` is what to answer
   * (200 once it verified: answer it only after storing the notification), `retryLater`
   * what to answer instead when storing it failed (503: UnionPay sends it again),
   * `notification` the verified notification or null, `error` the AcpError.
   */
  receiveNotification(rawBody, options = {}) {
    const r = call(() => this.#core.receiveNotification(notificationBytes(rawBody), seconds(options.now)));
    const n = r.notification();
    return Object.freeze({
      status: r.status,
      body: r.body,
      notification: n ? new Notification(n) : null,
      error: r.error ? toAcpError(r.error) : null,
      retryLater: notificationReplyRetryLater(),
    });
  }

  /** The core's next step for `request` after a verified notification about it (a money
   * notification is confirmed by a status query). */
  nextStepAfterNotification(request, notification, options = {}) {
    const handle = coreOf.get(notification);
    if (!(notification instanceof Notification) || !handle) throw new TypeError('pass a verified Notification');
    const r = requestFromJson(request);
    return fromStep(call(() => this.#core.nextStepAfterNotification(textOf(r), handle, seconds(options.now))), r);
  }

  // ---- HTTP

  /**
   * POSTs `request` and hands what happened (an answer with its status, or none) to the
   * core's planner; returns its next step. Options: `signal`, `timeoutMs`, `now` (a value
   * or a function, maybe async).
   */
  async exchange(request, options = {}) {
    return (await this.#exchange(requestFromJson(request), options)).step;
  }

  async #exchange(request, options) {
    // A front request is the browser's to post: the core refuses it before anything is sent.
    if (request.front) this.nextStep(request, null);
    const r = await this.#post(request, options);
    if (r.aborted) {
      throw new TransportError(`the ${request.api} request to ${request.url} was aborted`, {
        request,
        aborted: true,
        next: this.nextStep(request, null, { now: (await clock(options.now)) * 1000 }),
        cause: r.cause,
      });
    }
    const step = this.nextStep(request, r.answer, { now: (await clock(options.now)) * 1000 });
    return { step, ...r };
  }

  /**
   * POSTs a built request; returns the Outcome of the core's next step (`outcome.next`).
   * When the core's planner finds no usable answer in what came back, a TransportError
   * carries its next step (`err.next`). Options: `signal`, `timeoutMs`, `now`.
   */
  async send(request, options = {}) {
    const r = requestFromJson(request);
    const { step, answer, timedOut, cause } = await this.#exchange(r, options);
    if (step.outcome) return step.outcome;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const why = answer
      ? `HTTP ${answer.status}, not an answer the core could use`
      : timedOut
        ? `no answer within ${timeoutMs} ms`
        : `failed: ${cause?.cause?.code ?? cause?.message ?? cause}`;
    throw new TransportError(`the ${r.api} request to ${r.url} got no usable answer (${why})`, {
      request: r,
      status: answer ? answer.status : null,
      timedOut,
      next: step,
      cause,
    });
  }

  /** `build(api, params)` then `send()`. */
  async call(api, params, options = {}) {
    return this.send(this.build(api, params, await at(options)), options);
  }

  /** Sends status query `attempt` (default 1) of `request`. */
  async query(request, options = {}) {
    return this.send(this.buildQuery(request, options.attempt ?? 1, await at(options)), options);
  }

  /**
   * Follows the core's planner until it says `final` or `stop`: sleeps until each step's
   * `at`, POSTs its status query and asks `nextStep` again. `target` is an Outcome, a
   * request that got no answer, or a next step. Bounded by `maxQueries` (default 10),
   * `maxWaitMs` (default 120 000) and `signal`; `now()` (a Date or Unix ms, maybe async) and
   * `sleep(ms, signal)` replace the host clock and timer. Returns the last next step: its
   * `outcome`, and for a `stop` its `reason`; a `query` step (a bound was hit) can be passed
   * back later.
   */
  async queryUntilFinal(target, options = {}) {
    const { maxQueries = 10, maxWaitMs = 120_000, signal, now, sleep = delay } = options;
    const nowMs = async () => (await clock(now)) * 1000;
    let step;
    if (target instanceof Outcome) step = target.next;
    else if (isStep(target)) step = target;
    else step = this.nextStep(target, null, { now: await nowMs() });
    const deadline = (await nowMs()) + maxWaitMs;
    for (let n = 0; n < maxQueries && step.step === 'query'; n++) {
      const t = await nowMs();
      const wait = step.at * 1000 - t;
      if (t + Math.max(0, wait) > deadline) break;
      if (wait > 0) await sleep(wait, signal);
      signal?.throwIfAborted();
      step = await this.exchange(step.query, { ...options, now });
    }
    return step;
  }

  async #post(request, { signal, timeoutMs = this.#timeoutMs } = {}) {
    if (typeof this.#fetch !== 'function') throw new Error('no fetch: pass options.fetch (Node 18+ has a global fetch)');
    const controller = new AbortController();
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : null;
    const onAbort = () => controller.abort(signal.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.#fetch(request.url, {
        method: 'POST',
        headers: { 'content-type': FORM_CONTENT_TYPE },
        body: request.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      const body = new Uint8Array(await res.arrayBuffer());
      return { answer: { status: res.status, body }, timedOut: false, aborted: false, cause: null };
    } catch (e) {
      return { answer: null, timedOut, aborted: !timedOut && Boolean(signal?.aborted), cause: e };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * 95/00 encryption key update query: checks UnionPay's encryption certificate against
   * the trust profile. Returns `{ update, client }`: `update` is the core's KeyUpdate
   * `{ kind: 'unchanged'|'replaced', certId, pem, nextCheckAt }` (store `pem` when
   * replaced), `client` the client to go on with (`this.withEncryptionCert(pem)` when it was
   * replaced). This client is never changed.
   */
  async keyUpdateQuery(params, options = {}) {
    const request = this.build('key_update_query', params, await at(options));
    const { step, answer, timedOut, cause } = await this.#exchange(request, options);
    if (!step.outcome) {
      throw new TransportError(`the key update query got no usable answer${answer ? ` (HTTP ${answer.status})` : ''}`, {
        request,
        status: answer ? answer.status : null,
        timedOut,
        next: step,
        cause,
      });
    }
    const now = await clock(options.now);
    const u = call(() => this.#core.handleKeyUpdate(textOf(request), answer.body, now));
    return { update: Object.freeze(JSON.parse(u.json)), client: new Client(new Derived(u.client(), this)) };
  }

}

// One method per product API of the core's catalogue (the camelCase of its name; params are
// the protocol's field names): a front API returns its request (serve `request.html`: the
// browser posts it), any other is built and sent. index.d.cts declares them.
const APIS = Object.freeze(core.apiCatalogue().map((a) => Object.freeze(a)));
for (const { name, front } of APIS) {
  const method = name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  if (Object.hasOwn(Client.prototype, method)) continue; // keyUpdateQuery has its own result
  const fn = front
    ? function buildFront(params, options) {
        return this.build(name, params, options);
      }
    : function callApi(params, options) {
        return this.call(name, params, options);
      };
  Object.defineProperty(Client.prototype, method, { value: fn, writable: true, configurable: true });
}

/**
 * Reads the raw body of a Node request (`http.IncomingMessage`: Express, Koa's ctx.req,
 * Fastify's request.raw) as a Buffer, at most `limit` bytes (default 1 MiB). A body a raw
 * parser already read (`req.body` Buffer or string) is returned as is.
 */
function readRawBody(req, { limit = 1 << 20 } = {}) {
  if (Buffer.isBuffer(req.body) || typeof req.body === 'string') return Promise.resolve(Buffer.from(req.body));
  if (req.body && typeof req.body === 'object' && Object.keys(req.body).length > 0) {
    return Promise.reject(
      new TypeError('a body parser already consumed this request: mount the notification route before it, or use express.raw()'),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new RangeError(`the body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The reconciliation records of a ZIP archive you saved (the file transfer's, or one
 * downloaded by hand): the core's `{ zm, zme, otherFiles }`, as `response.reconciliation()`. */
function readReconciliationArchive(zip, limits) {
  return JSON.parse(call(() => fileModule().readReconciliationArchive(bytes(zip, 'zip'), limitsJson(limits))));
}

/**
 * What is unsafe in production, by name: parsing bodies WITHOUT verifying them (vectors,
 * debugging), and fixed randomness for card-data encryption (vectors, byte-exact tests).
 */
const danger = Object.freeze({
  /** Splits a synchronous answer (`k=v&…`, brace-aware) without verifying it. */
  parseSyncBody: (body) => JSON.parse(call(() => core.parseSyncBody(bytes(body, 'body')))),
  /** Splits and form-decodes a notification body without verifying it. */
  parseNotifyBody: (body) => JSON.parse(call(() => core.parseNotifyBody(bytes(body, 'body')))),
  /** `cert.encrypt(plaintext)` with the padding bytes taken from `random`. */
  encryptField: (cert, plaintext, random) =>
    call(() => core.encryptField(coreOf.get(cert), bytes(plaintext, 'plaintext'), bytes(random, 'random'))),
  /** `buildCustomerInfo(info, options)` with `options.random` as the padding bytes. */
  buildCustomerInfo: (info, options = {}) => customerInfoWith(info, options, bytes(options.random, 'random')),
  /** `client.build(api, params, options)` with `options.random` as the padding bytes. */
  build: (client, api, params, options = {}) => buildWithRandom(client, api, params, options),
});

/** What to answer a verified notification with when it could not be stored, so that
 * UnionPay sends it again (the core's retry-later reply: 503). */
function notificationReplyRetryLater() {
  return Object.freeze({ status: core.notificationRetryLaterStatus(), body: core.notificationRetryLaterBody() });
}

module.exports = {
  Client,
  AcpError,
  TransportError,
  Outcome,
  VerifiedResponse,
  Notification,
  MerchantKey,
  EncryptionCert,
  Verifier,
  readRawBody,
  requestFromJson,
  notificationReplyRetryLater,
  readReconciliationArchive,
  signFields,
  buildCustomerInfo,
  inspectPkcs12,
  canonicalString: (fields) => call(() => core.canonicalString(fieldsText(fields))),
  hexDigest: (algorithm, data) => call(() => core.hexDigest(algorithm, bytes(data, 'data'))),
  parseSignMethod: (text) => call(() => core.parseSignMethod(String(text))),
  pinBlock: (pin, pan) => call(() => core.pinBlock(String(pin), String(pan))),
  encodeForm: (fields) => call(() => core.encodeForm(fieldsText(fields))),
  apiNames: () => APIS.map((a) => a.name),
  errorCatalogue,
  danger,
  hasNodeCrypto: HAS_NODE_CRYPTO,
  FORM_CONTENT_TYPE,
};
