'use strict';
/**
 * unionpay-acp for Node: the sans-IO Rust core (compiled to WebAssembly) behind a small
 * idiomatic facade. The core builds, signs, encrypts, verifies and classifies; this file
 * converts types, maps errors, and supplies the host defaults: the clock, `fetch`, and
 * `node:crypto` for RSA signing and verification when it is available.
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

/** The HTTP exchange failed: no answer, a timeout, an abort, or a status other than 200. */
class TransportError extends Error {
  constructor(message, { request, status = null, timedOut = false, aborted = false, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransportError';
    /** The request that was sent (keep it: `client.queryUntilFinal(err.request)`). */
    this.request = request;
    /** The HTTP status when one came. */
    this.status = status;
    this.timedOut = timedOut;
    this.aborted = aborted;
    /** Money may have moved (a money-moving API, the reversal included): look it up, never
     * retry it as new or give it up as failed. */
    this.outcomeUnknown = Boolean(request && request.moneyMoving);
  }
}

const CATALOGUE = Object.freeze(core.errorCatalogue().map((e) => Object.freeze(e)));
const CODE_BY_NAME = new Map(CATALOGUE.map((e) => [e.name, e]));

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

function acpError(name, message) {
  const c = CODE_BY_NAME.get(name);
  return new AcpError(message, { code: c.code, codeName: c.name, kind: c.kind });
}

// ------------------------------------------------------------------ value conversion

const utf8 = new TextEncoder();

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return utf8.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${what} must be a Buffer, a Uint8Array or a string`);
}

function optionalBytes(value, what) {
  return value === undefined || value === null ? undefined : bytes(value, what);
}

/** A Date, epoch milliseconds or an ISO string → Unix seconds; the host clock by default. */
function seconds(now) {
  if (now === undefined || now === null) return Math.floor(Date.now() / 1000);
  if (now instanceof Date) return Math.floor(now.getTime() / 1000);
  if (typeof now === 'number') return Math.floor(now / 1000);
  if (typeof now === 'string') return Math.floor(Date.parse(now) / 1000);
  throw new TypeError('now must be a Date, epoch milliseconds or an ISO string');
}

const toDate = (s) => (s === null || s === undefined ? null : new Date(s * 1000));

/** Field maps and params cross into the core as JSON (one string, not a call per value). */
function json(map) {
  for (const k in map) {
    if (typeof map[k] !== 'string') return JSON.stringify(stringParams(map));
  }
  return JSON.stringify(map ?? {});
}

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

function trustConfig(trust) {
  if (typeof trust === 'string') return trust;
  if (trust && typeof trust === 'object') {
    const list = (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => bytes(x, 'trust'));
    return { roots: list(trust.roots), middles: list(trust.middles) };
  }
  throw new TypeError("trust must be 'test', 'production' or { roots, middles }");
}

function fromCoreRequest(r) {
  const queried = r.queried && {
    api: r.queried.api,
    txnAmt: r.queried.txnAmt,
    payTimeout: toDate(r.queried.payTimeout),
  };
  return Object.freeze({
    ...r,
    fields: Object.freeze(r.fields),
    payTimeout: toDate(r.payTimeout),
    queried: queried ? Object.freeze(queried) : null,
  });
}

function toCoreRequest(r) {
  if (!r || typeof r !== 'object' || typeof r.api !== 'string') {
    throw new TypeError('pass the request object that build() returned (or its JSON)');
  }
  return {
    ...r,
    fields: json(r.fields),
    payTimeout: r.payTimeout == null ? null : seconds(r.payTimeout),
    queried: r.queried
      ? {
          api: r.queried.api,
          txnAmt: r.queried.txnAmt,
          payTimeout: r.queried.payTimeout == null ? undefined : seconds(r.queried.payTimeout),
        }
      : null,
  };
}

// ------------------------------------------------------------------------- backends

let portable = null;
let host = null;

const HASHES = { 256: 'sha256', 1: 'sha1' };

/** A core backend over host key loaders; the core's copy of the PKCS#8 bytes is wiped
 * once the host has its key (OpenSSL and the RSA module hold their own). */
function hostBackend(loadPrivateKey, loadPublicKey) {
  return core.Backend.host({
    loadPrivateKey(pkcs8) {
      try {
        return loadPrivateKey(pkcs8);
      } finally {
        pkcs8.fill(0);
      }
    },
    loadPublicKey,
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

const coreOf = new WeakMap();

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

  /** Decrypts a base64 value UnionPay encrypted to this key (raw bytes). */
  decryptField(base64Value) {
    return call(() => coreOf.get(this).decryptField(String(base64Value)));
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

  /** RSA-encrypts (PKCS#1 v1.5) and base64-encodes. `random` fixes the padding (tests only). */
  encrypt(plaintext, options = {}) {
    return call(() =>
      core.encryptField(coreOf.get(this), bytes(plaintext, 'plaintext'), optionalBytes(options.random, 'random')),
    );
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
    call(() => coreOf.get(this).verifyFields(json(fields), seconds(options.now)));
  }

  verifySyncBody(body, options = {}) {
    return JSON.parse(call(() => coreOf.get(this).verifySyncBody(bytes(body, 'body'), seconds(options.now))));
  }

  verifyNotifyBody(body, options = {}) {
    return JSON.parse(call(() => coreOf.get(this).verifyNotifyBody(bytes(body, 'body'), seconds(options.now))));
  }
}

/** Signs a field map: with a `MerchantKey` (signMethod 01) or `{ signMethod, secureKey }`. */
function signFields(fields, credentials) {
  if (credentials instanceof MerchantKey) {
    return JSON.parse(call(() => core.signFieldsWithKey(json(fields), coreOf.get(credentials))));
  }
  const { signMethod = '11', secureKey } = credentials ?? {};
  return JSON.parse(call(() => core.signFieldsWithSecureKey(json(fields), signMethod, String(secureKey))));
}

/**
 * Builds `customerInfo`. `info`: certifTp, certifId, customerNm, phoneNo, smsCode, pin,
 * cvn2, expired, and accNo (for a PIN block) or encryptedPin. Options: `mode`
 * (`encrypted` default, `plain`), `cert` (an EncryptionCert), `random` (tests only).
 */
function buildCustomerInfo(info, options = {}) {
  const mode = options.mode ?? 'encrypted';
  const random = optionalBytes(options.random, 'random');
  const params = json(info);
  if (options.cert) return call(() => coreOf.get(options.cert).buildCustomerInfo(params, mode, random));
  return call(() => core.buildCustomerInfo(params, mode, random));
}

/** Describes a PKCS#12 file's certificate (no key material leaves the core). */
function inspectPkcs12(pfx, password) {
  const r = call(() => core.inspectPkcs12(bytes(pfx, 'pfx'), String(password ?? '')));
  return { ...r, notBefore: toDate(r.notBefore), notAfter: toDate(r.notAfter) };
}

// --------------------------------------------------------------- answers and events

/** A verified message from UnionPay (an answer or a notification). */
class VerifiedResponse {
  constructor(inner) {
    coreOf.set(this, inner);
    /** Every field as received (verified). */
    this.fields = Object.freeze(JSON.parse(inner.fields));
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

  /** `tokenPayData` parsed: `{ token, trId, tokenType, tokenBegin, tokenEnd, tokenLevel }` or null. */
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
  files(limits = {}) {
    return call(() => coreOf.get(this).files(limits));
  }

  /** File transfer: `{ zm, zme, otherFiles, totals }` (amounts in fen). */
  reconciliation(limits = {}) {
    return JSON.parse(call(() => coreOf.get(this).reconciliation(limits)));
  }

  toJSON() {
    return { fields: this.fields };
  }
}

/**
 * The verified, classified answer to a request: `name` is `success`, `accepted` (a money
 * request was taken: wait for the notification or query), `pending` (query at `queryAt`),
 * `failed` (money did not move) or `no_file`.
 */
class Outcome {
  constructor(o, request) {
    this.name = o.name;
    this.queryAt = toDate(o.queryAt);
    this.pendingReason = o.pendingReason;
    this.decisiveCode = o.decisiveCode;
    this.respCode = o.respCode;
    this.respMsg = o.respMsg;
    this.request = request;
    this.response = new VerifiedResponse(o.response);
  }

  get success() {
    return this.name === 'success';
  }

  get fields() {
    return this.response.fields;
  }
}

/** A verified notification (answer the POST with 200 quickly; they repeat). */
class Notification {
  constructor(inner) {
    coreOf.set(this, inner);
    Object.assign(this, JSON.parse(inner.data));
    this.response = new VerifiedResponse(inner.response());
  }

  /** Whether it reports on `request` (merId, orderId, txnTime, message type, amount). */
  matches(request) {
    return call(() => coreOf.get(this).matches(toCoreRequest(request)));
  }
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

/**
 * One merchant's client: builds and signs every product API, POSTs it with `fetch`,
 * verifies and classifies the answer, verifies notifications.
 */
class Client {
  #core;
  #fetch;
  #timeoutMs;
  #backend;

  constructor(options) {
    const o = options ?? {};
    if (o.environment === undefined) {
      throw new TypeError("environment is required: 'test', 'production' or { baseUrl } (the local sandbox)");
    }
    const b = backend(o.backend);
    const config = {
      merId: o.merId,
      environment: o.environment,
      trust: trustConfig(o.trust),
      encryptionCert: optionalBytes(o.encryptionCert, 'encryptionCert'),
      accessType: o.accessType,
      channelType: o.channelType,
      trId: o.trId,
      bizTypes: o.bizTypes,
      version: o.version,
      customerInfoMode: o.customerInfoMode,
      orderIdMaxLen: o.orderIdMaxLen,
      verifySecureKey: o.verifySecureKey,
      verifyCerts500: (o.verifyCerts500 ?? []).map((c) => bytes(c, 'verifyCerts500')),
    };
    if (o.secureKey !== undefined) {
      this.#core = call(() => core.Client.withSecureKey(config, o.signMethod ?? '11', String(o.secureKey), b));
    } else {
      let key = o.key;
      if (key === undefined && o.pfx !== undefined) key = MerchantKey.fromPkcs12(o.pfx, o.password, { backend: o.backend });
      if (!(key instanceof MerchantKey)) {
        throw new TypeError('give the merchant key: pfx + password, key (a MerchantKey), or secureKey');
      }
      this.#core = call(() => core.Client.withKey(config, coreOf.get(key), b));
    }
    this.#fetch = o.fetch ?? globalThis.fetch;
    this.#timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#backend = backendName(b);
  }

  /** `merId`. */
  get merId() {
    return this.#core.merId;
  }

  /** `{ front, back, query, file, app }` URLs. */
  get endpoints() {
    return this.#core.endpoints;
  }

  /** Which RSA backend signs and verifies: `node` (node:crypto) or `portable` (wasm). */
  get backend() {
    return this.#backend;
  }

  // ---- sans-IO: build, read

  /**
   * Builds and signs the request of `api` (`consume`, `sms_open`, …) from protocol
   * parameters keyed by field name (`orderId`, `txnAmt`, `accNo`, `smsCode`, …).
   * Options: `now` (Date), `random` (fixed padding bytes, tests only).
   */
  build(api, params, options = {}) {
    const r = call(() =>
      this.#core.build(api, json(params), seconds(options.now), optionalBytes(options.random, 'random')),
    );
    return fromCoreRequest(JSON.parse(r));
  }

  /** The status query (attempt 1, 2, …) of an earlier request. */
  buildQuery(request, attempt = 1, options = {}) {
    const r = call(() => this.#core.buildQueryFor(toCoreRequest(request), attempt, seconds(options.now)));
    return fromCoreRequest(JSON.parse(r));
  }

  /** Verifies and classifies the raw answer body to `request` (when you did the HTTP). */
  handleResponse(request, body, options = {}) {
    const o = call(() => this.#core.handleResponse(toCoreRequest(request), bytes(body, 'body'), seconds(options.now)));
    return new Outcome(o, request);
  }

  /** Verifies a back notification: pass the raw body UnionPay POSTed to backUrl. */
  verifyNotification(rawBody, options = {}) {
    return new Notification(
      call(() => this.#core.verifyNotification(notificationBytes(rawBody), seconds(options.now))),
    );
  }

  /** Verifies a front notification (the browser's POST to frontUrl): never proof of payment. */
  verifyFrontNotification(rawBody, options = {}) {
    return new Notification(
      call(() => this.#core.verifyFrontNotification(notificationBytes(rawBody), seconds(options.now))),
    );
  }

  // ---- HTTP

  /** POSTs a built request and returns its verified Outcome. Options: `signal`, `timeoutMs`, `now`. */
  async send(request, options = {}) {
    if (request?.front) {
      throw acpError('InvalidArgument', `a ${request.api} request is posted by the browser: serve request.html`);
    }
    const body = await this.#post(request, options);
    return this.handleResponse(request, body, options);
  }

  /** `build(api, params)` then `send()`. */
  async call(api, params, options = {}) {
    return this.send(this.build(api, params, options), options);
  }

  /** Sends status query `attempt` (default 1) of `request`. */
  async query(request, options = {}) {
    return this.send(this.buildQuery(request, options.attempt ?? 1, options), options);
  }

  /**
   * After an `accepted` or `pending` Outcome, or a request that got no answer (a
   * TransportError or an answer that did not verify), sends status queries on the
   * schedule the core returns until the result is final. Bounded by `maxQueries`
   * (default 10), `maxWaitMs` (default 120 000) and `signal`; returns the last Outcome
   * (still `pending` when the bound was hit: the reconciliation file decides).
   */
  async queryUntilFinal(target, options = {}) {
    const { maxQueries = 10, maxWaitMs = 120_000, signal } = options;
    const deadline = Date.now() + maxWaitMs;
    let last = target instanceof Outcome ? target : null;
    const request = last ? last.request : target;
    if (last && last.name !== 'accepted' && last.name !== 'pending') return last;
    // A request that cannot be looked up by its own key (a reversal) fails here, with the
    // core's reason, rather than after the first wait.
    this.buildQuery(request, 1);
    const noAnswerAt = (attempt) =>
      toDate(call(() => core.Client.queryAtAfterNoAnswer(toCoreRequest(request), attempt, seconds())));
    let queryAt = last ? last.queryAt : noAnswerAt(1);
    let lastError = null;
    for (let attempt = 1; attempt <= maxQueries && queryAt; attempt++) {
      const wait = queryAt.getTime() - Date.now();
      if (Date.now() + Math.max(0, wait) > deadline) break;
      await delay(wait, signal);
      try {
        const outcome = await this.query(request, { ...options, attempt, now: undefined });
        last = outcome;
        if (outcome.name !== 'pending' && outcome.name !== 'accepted') return outcome;
        queryAt = outcome.queryAt;
      } catch (e) {
        const unanswered =
          (e instanceof TransportError && !e.aborted) ||
          (e instanceof AcpError && (e.kind === 'Signature' || e.kind === 'Format'));
        if (!unanswered) throw e;
        lastError = e;
        queryAt = noAnswerAt(attempt + 1);
      }
    }
    if (last) return last;
    throw lastError ?? new TransportError('no status query was answered in time', { request });
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
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        throw new TransportError(`${request.url} answered HTTP ${res.status}`, { request, status: res.status });
      }
      return new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      if (e instanceof TransportError) throw e;
      const aborted = !timedOut && Boolean(signal?.aborted);
      const why = timedOut
        ? `no answer within ${timeoutMs} ms`
        : aborted
          ? 'aborted'
          : `failed: ${e?.cause?.code ?? e?.message ?? e}`;
      throw new TransportError(`the ${request.api} request to ${request.url} ${why}`, {
        request,
        timedOut,
        aborted,
        cause: e,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  // ---- one method per product API (params are the protocol's field names)

  /** 01/01 consume (token or card), back. */
  consume(params, options) {
    return this.call('consume', params, options);
  }
  /** 99/01 reversal. */
  reversal(params, options) {
    return this.call('reversal', params, options);
  }
  /** 79/00 open through UnionPay's page: returns the request; serve `request.html`. */
  frontOpen(params, options) {
    return this.build('front_open', params, options);
  }
  /** 79/00 open with card data the merchant collected (back). */
  backOpen(params, options) {
    return this.call('back_open', params, options);
  }
  /** 78/02 open-status query. */
  openQuery(params, options) {
    return this.call('open_query', params, options);
  }
  /** 79/05 apply for a token by an open-and-pay's orderId. */
  applyToken(params, options) {
    return this.call('apply_token', params, options);
  }
  /** 74/01 delete token. */
  deleteToken(params, options) {
    return this.call('delete_token', params, options);
  }
  /** 79/03 update token. */
  updateToken(params, options) {
    return this.call('update_token', params, options);
  }
  /** 77/00 SMS before an open or update. */
  smsOpen(params, options) {
    return this.call('sms_open', params, options);
  }
  /** 77/01 SMS for real-name authentication. */
  smsRealNameAuth(params, options) {
    return this.call('sms_real_name_auth', params, options);
  }
  /** 77/02 SMS before a consume (same orderId, txnTime, txnAmt). */
  smsConsume(params, options) {
    return this.call('sms_consume', params, options);
  }
  /** 77/03 SMS for withholding. */
  smsWithholding(params, options) {
    return this.call('sms_withholding', params, options);
  }
  /** 77/04 SMS before a pre-auth. */
  smsPreAuth(params, options) {
    return this.call('sms_pre_auth', params, options);
  }
  /** 31/00 consume undo (void). */
  consumeUndo(params, options) {
    return this.call('consume_undo', params, options);
  }
  /** 04/00 refund. */
  refund(params, options) {
    return this.call('refund', params, options);
  }
  /** 00/00 status query by origOrderId/origTxnTime (see also `query(request)`). */
  statusQuery(params, options) {
    return this.call('status_query', params, options);
  }
  /** 02/01 pre-authorization. */
  preAuth(params, options) {
    return this.call('pre_auth', params, options);
  }
  /** 32/00 pre-auth undo. */
  preAuthUndo(params, options) {
    return this.call('pre_auth_undo', params, options);
  }
  /** 03/00 pre-auth completion. */
  preAuthCompletion(params, options) {
    return this.call('pre_auth_completion', params, options);
  }
  /** 33/00 pre-auth completion undo. */
  completionUndo(params, options) {
    return this.call('completion_undo', params, options);
  }
  /** 01/01 open-and-pay through UnionPay's page: returns the request; serve `request.html`. */
  openAndPay(params, options) {
    return this.build('open_and_pay', params, options);
  }
  /**
   * 95/00 encryption key update query: checks UnionPay's certificate against the trust
   * profile and, when it changed, switches this client to it. Returns
   * `{ changed, certId, pem, nextCheckAt }`: store `pem` (and pass it as encryptionCert).
   */
  async keyUpdateQuery(params, options = {}) {
    const request = this.build('key_update_query', params, options);
    const body = await this.#post(request, options);
    const u = call(() => this.#core.handleKeyUpdate(toCoreRequest(request), body, seconds(options.now)));
    if (u.changed) this.#core = call(() => this.#core.withEncryptionCert(bytes(u.pem, 'pem')));
    return { changed: u.changed, certId: u.certId, pem: u.pem, nextCheckAt: toDate(u.nextCheckAt) };
  }
  /** 76/01 file transfer (reconciliation file of `settleDate`, MMDD). */
  fileTransfer(params, options) {
    return this.call('file_transfer', params, options);
  }
}

function notificationBytes(rawBody) {
  if (rawBody && typeof rawBody === 'object' && !ArrayBuffer.isView(rawBody) && !(rawBody instanceof ArrayBuffer)) {
    throw new TypeError(
      'verifyNotification needs the raw body (Buffer or string), not a parsed object: ' +
        "use express.raw({ type: '*/*' }) on the notification route, or readRawBody(req)",
    );
  }
  return bytes(rawBody, 'rawBody');
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
  signFields,
  buildCustomerInfo,
  inspectPkcs12,
  canonicalString: (fields) => call(() => core.canonicalString(json(fields))),
  hexDigest: (algorithm, data) => call(() => core.hexDigest(algorithm, bytes(data, 'data'))),
  parseSignMethod: (text) => call(() => core.parseSignMethod(String(text))),
  pinBlock: (pin, pan) => call(() => core.pinBlock(String(pin), String(pan))),
  parseSyncBody: (body) => JSON.parse(call(() => core.parseSyncBody(bytes(body, 'body')))),
  parseNotifyBody: (body) => JSON.parse(call(() => core.parseNotifyBody(bytes(body, 'body')))),
  encodeForm: (fields) => call(() => core.encodeForm(json(fields))),
  apiNames: () => core.apiNames(),
  errorCatalogue: () => CATALOGUE,
  hasNodeCrypto: HAS_NODE_CRYPTO,
  FORM_CONTENT_TYPE,
};
