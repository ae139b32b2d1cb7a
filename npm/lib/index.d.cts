/// <reference types="node" />
// Declarations of unionpay-acp (hand-written, checked by `tsc --noEmit` in npm/test.sh).
// The data types are the core's JSON shapes (src/json.rs): times are Unix seconds,
// amounts fen.

/** Bytes in any of the usual shapes: Buffer, Uint8Array, or text (UTF-8). */
export type BytesLike = Uint8Array | ArrayBuffer | string;

/** A point in time: a Date, epoch milliseconds or an ISO string. Defaults to the host clock. */
export type TimeLike = Date | number | string;

/** The asynchronous methods' `now`: a point in time, or a clock (maybe async) to read when needed. */
export type Clock = TimeLike | (() => TimeLike | Promise<TimeLike>);

/** Names of the 23 product APIs, as the core spells them. */
export type ApiName =
  | 'consume' | 'reversal' | 'front_open' | 'back_open' | 'open_query' | 'apply_token'
  | 'delete_token' | 'update_token' | 'sms_open' | 'sms_real_name_auth' | 'sms_consume'
  | 'sms_withholding' | 'sms_pre_auth' | 'consume_undo' | 'refund' | 'status_query'
  | 'pre_auth' | 'pre_auth_undo' | 'pre_auth_completion' | 'completion_undo'
  | 'open_and_pay' | 'key_update_query' | 'file_transfer';

export type ErrorKind =
  | 'InvalidInput' | 'Key' | 'Certificate' | 'Signature' | 'Format' | 'GatewayRejected' | 'Internal';

export type VerifyStep = 'parse' | 'chain' | 'name' | 'validity' | 'signature';

/** Every failure the core reports. `code` is stable (see errors.json). */
export declare class AcpError extends Error {
  readonly name: 'AcpError';
  /** 1xxx input, 2xxx keys/certificates, 3xxx verification, 4xxx format, 5xxx gateway, 9xxx internal. */
  readonly code: number;
  /** e.g. `SignatureMismatch`. */
  readonly codeName: string;
  readonly kind: ErrorKind;
  /** Verification failures: the step that failed. */
  readonly step: VerifyStep | null;
  /** Verification failures: hex SHA-256 of the canonical string. */
  readonly canonicalSha256: string | null;
  constructor(
    message: string,
    details?: { code: number; codeName: string; kind: ErrorKind; step?: VerifyStep | null; canonicalSha256?: string | null; cause?: unknown },
  );
}

/** No usable answer came: none, a timeout, an abort, or what the core's planner did not take as an answer. */
export declare class TransportError extends Error {
  readonly name: 'TransportError';
  readonly request: OutgoingRequest;
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** A money-moving request may have been executed: query it (`client.queryUntilFinal(err.next)`). */
  readonly outcomeUnknown: boolean;
  /** The core's next step after this exchange. */
  readonly next: NextStep | null;
}

/** Protocol parameters keyed by field name: orderId, txnAmt (fen), backUrl, accNo, token, smsCode, … */
export type Params = Record<string, string | number | bigint | null | undefined>;

/**
 * A built, signed request: the core's stored shape `unionpay-acp/request@1` (frozen). Keep
 * `JSON.stringify(request)`; anything but format, api, url, fields, queried and attempt is
 * derived again from the signed fields when it is read back.
 */
export interface OutgoingRequest {
  readonly format: 'unionpay-acp/request@1';
  readonly api: ApiName;
  readonly endpoint: 'front' | 'back' | 'query' | 'file' | 'app';
  readonly url: string;
  /** The signed fields. */
  readonly fields: Readonly<Record<string, string>>;
  /** The form-encoded body to POST. */
  readonly body: string;
  readonly orderId: string | null;
  readonly txnTime: string;
  readonly txnAmt: number | null;
  /** Front APIs: the auto-submit page to serve to the browser. */
  readonly html: string | null;
  /** Unix seconds. */
  readonly payTimeout: number | null;
  /** Status query only: what it queried (API name, amount in fen, payTimeout of a browser transaction). */
  readonly queried: { readonly api: ApiName; readonly txnAmt: number; readonly payTimeout: number | null } | null;
  /** Status queries: which query this is (1 for the first). */
  readonly attempt: number;
  /** A missing answer leaves the outcome unknown (money-moving APIs, the reversal included). */
  readonly moneyMoving: boolean;
  readonly front: boolean;
}

export interface TokenPayData {
  token: string | null;
  trId: string | null;
  tokenType: string | null;
  tokenBegin: string | null;
  tokenEnd: string | null;
  tokenLevel: string | null;
}

export interface ArchiveLimits {
  maxTotalBytes?: number;
  maxEntryBytes?: number;
  maxEntries?: number;
}

/** A ZM line (the core's ZmRecord): amounts in fen, signed ones credit-positive; times MMDDhhmmss. */
export interface ZmRecord {
  txnCode: string; acquirerCode: string; senderCode: string; traceNo: string; traceTime: string;
  panMasked: string; amountFen: number; mcc: string; terminalType: string; queryId: string;
  payMethodOld: string; orderId: string; payCardType: string; origTraceNo: string; origTxnTime: string | null;
  merchantFee: number; settleAmount: number; payMethod: string; groupMerId: string; txnType: string;
  txnSubType: string; bizType: string; accType: string; billType: string; billNo: string;
  interactionMode: string; origQueryId: string; merId: string; splitMode: string; subMerId: string;
  subMerAbbr: string; subMerSplitAmount: number; netSettleAmount: number; termId: string;
  reqReserved: string; discountAmount: number; invoiceAmount: number; installmentFee: number;
  installmentCount: number | null; medium: string; field41: string; reserved: string;
}

/** A reconciliation archive's records (the core's Reconciliation). */
export interface Reconciliation {
  zm: ZmRecord[];
  zme: { lineNo: number; text: string; fields: string[] | null }[];
  otherFiles: string[];
}

/** What the merchant's books say happened to a transaction. */
export type BookState = 'succeeded' | 'failed' | 'unknown';

/** One transaction of the clearing day as the merchant booked it. */
export interface BookEntry {
  orderId: string;
  /** `01` consume, `04` refund, `31` consume undo, … */
  txnType: string;
  amountFen: number;
  queryId?: string | null;
  /** Refunds and undos: the queryId of what they reverse. */
  origQueryId?: string | null;
  state: BookState;
}

/** How one transaction compares (the core's Verdict). */
export type Verdict =
  | 'matched'
  | 'failed_as_booked'
  | 'amount_mismatch'
  | 'settled_but_booked_failed'
  | 'settled_while_unknown'
  | 'missing_in_file'
  | 'unknown_not_in_file'
  | 'missing_in_books';

/** The books compared with a reconciliation file (the core's ReconciliationReport). */
export interface ReconciliationReport {
  lines: {
    verdict: Verdict;
    orderId: string;
    txnType: string;
    queryId: string | null;
    bookAmountFen: number | null;
    fileAmountFen: number | null;
    bookState: BookState | null;
    original: { queryId: string; orderId: string | null; inFile: boolean } | null;
  }[];
  summary: {
    matched: number; failedAsBooked: number; amountMismatch: number; settledButBookedFailed: number;
    settledWhileUnknown: number; missingInFile: number; unknownNotInFile: number; missingInBooks: number;
  };
}

/** A verified message from UnionPay. */
export declare class VerifiedResponse {
  private constructor();
  readonly fields: Readonly<Record<string, string>>;
  get(key: string): string | undefined;
  readonly respCode: string;
  readonly respMsg: string;
  readonly queryId: string | null;
  tokenPayData(): TokenPayData | null;
  customerInfo(): Record<string, string> | null;
  decryptCustomerInfo(): Record<string, string> | null;
  decryptAccNo(): string | null;
  files(limits?: ArchiveLimits): { name: string; bytes: Uint8Array }[];
  reconciliation(limits?: ArchiveLimits): Reconciliation;
  /** Your books of the clearing day compared with this file (the core's report). */
  reconcile(books: BookEntry[], limits?: ArchiveLimits): ReconciliationReport;
  /** The fields. */
  toJSON(): Record<string, string>;
}

export type OutcomeName = 'success' | 'accepted' | 'pending' | 'failed' | 'no_file';
export type PendingReason =
  | 'unknown'
  | 'duplicate'
  | 'mismatch'
  | 'not_found'
  | 'awaiting_cardholder'
  | 'too_frequent'
  | 'query_rejected';

/** The verified, classified answer to a request (the core's Outcome). */
export declare class Outcome {
  private constructor();
  readonly name: OutcomeName;
  /** The queried transaction's origRespCode for a found status query, else respCode. */
  readonly decisiveCode: string;
  readonly decisiveMsg: string;
  /** accepted / pending: when to query (Unix seconds). */
  readonly queryAt: number | null;
  readonly pendingReason: PendingReason | null;
  readonly response: VerifiedResponse;
  /** The request this answers. */
  readonly request: OutgoingRequest;
  /** The core's next step after it. */
  readonly next: NextStep;
  readonly success: boolean;
  readonly fields: Readonly<Record<string, string>>;
  /** The core's Outcome JSON. */
  toJSON(): {
    name: OutcomeName; decisiveCode: string; decisiveMsg: string; queryAt: number | null;
    pendingReason: PendingReason | null; response: Record<string, string>;
  };
}

export type StopReason = 'schedule_used_up' | 'not_queryable' | 'no_answer';

/** The core's planner's answer (NextStep): the result, a status query at `at`, or stop. */
export interface NextStep {
  readonly step: 'final' | 'query' | 'stop';
  /** The final outcome, or the last answer's (null when no usable answer came). */
  readonly outcome: Outcome | null;
  /** `query`: when to POST it (Unix seconds). */
  readonly at: number | null;
  /** `query`: the status query to POST. */
  readonly query: OutgoingRequest | null;
  /** `stop`: why. */
  readonly reason: StopReason | null;
}

/** What happened to a sent request: an HTTP answer, or none (`null`: a timeout, a connection error). */
export type Exchange = { status: number; body: BytesLike } | null;

/** What `receiveNotification` says: answer UnionPay's POST with `status` and `body`. */
export interface ReceivedNotification {
  readonly status: number;
  readonly body: string;
  readonly notification: Notification | null;
  readonly error: AcpError | null;
}

/** A verified notification. */
export declare class Notification {
  private constructor();
  readonly source: 'back' | 'front';
  readonly api: ApiName | null;
  readonly txnType: string;
  readonly txnSubType: string;
  readonly bizType: string;
  readonly success: boolean;
  readonly respCode: string;
  readonly respMsg: string;
  readonly merId: string;
  readonly orderId: string | null;
  readonly txnTime: string | null;
  readonly txnAmt: number | null;
  readonly queryId: string | null;
  readonly origQryId: string | null;
  readonly settleDate: string | null;
  readonly settleAmt: number | null;
  readonly traceNo: string | null;
  readonly traceTime: string | null;
  readonly tokenPayData: TokenPayData | null;
  readonly fields: Readonly<Record<string, string>>;
  readonly response: VerifiedResponse;
  matches(request: OutgoingRequest | string): boolean;
  /** The core's Notification JSON. */
  toJSON(): Record<string, unknown>;
}

export type BackendChoice = 'auto' | 'node' | 'portable';

/** The Verifier's trust: `test`, `production`, or your own roots and middles (PEM or DER). */
export type Trust = 'test' | 'production' | { roots: BytesLike | BytesLike[]; middles: BytesLike | BytesLike[] };

/** The client's `trust` setting: `test`, `production`, or your own roots and middles (PEM or DER each). */
export type ClientTrust =
  | 'test'
  | 'production'
  | { roots: BytesLike[]; middles: BytesLike[]; allowTestIdentity?: boolean };

export type Environment =
  | 'test'
  | 'production'
  | { baseUrl: string }
  | { front: string; back: string; query: string; file: string; app: string };

/**
 * The core's client settings (settings.json: unknown keys are refused), with certificates
 * as Buffers or text, and the host's options: the key, `backend`, `timeoutMs`, `fetch`.
 */
export interface ClientOptions {
  /** 15-digit merchant number. */
  merId: string;
  environment: Environment;
  trust: ClientTrust;
  /** The merchant PFX and its password (signMethod 01) … */
  pfx?: BytesLike;
  password?: string;
  /** … or a loaded key … */
  key?: MerchantKey;
  /** … or a secure key (signMethod 11 / 12). */
  secureKey?: string;
  signMethod?: '11' | '12';
  /** UnionPay's encryption certificate (PEM or DER): needed whenever card data is sent. */
  encryptionCert?: BytesLike | null;
  /** RSA through node:crypto (`auto`, the default, when present) or pure Rust in wasm. */
  backend?: BackendChoice;
  /** Per-request HTTP timeout, default 30 000 ms. */
  timeoutMs?: number;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  accessType?: '0' | '1' | '2';
  channelType?: string;
  /** Token requestor id; default 62000000001 for test/sandbox; null for none. */
  trId?: string | null;
  bizTypes?: Partial<Record<'token' | 'standard' | 'openAndPay' | 'undoRefund' | 'query' | 'generic' | 'preauth', string>>;
  version?: '5.1.0' | '5.0.0';
  customerInfoMode?: 'encrypted' | 'plain';
  orderIdMaxLen?: number;
  verifySecureKey?: string | null;
  verifyCerts500?: BytesLike[];
  legacy500Keys?: boolean;
}

export interface BuildOptions {
  now?: TimeLike;
}

export interface SendOptions {
  now?: Clock;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface QueryUntilFinalOptions {
  /** Most status queries (default 10). */
  maxQueries?: number;
  /** Most time to wait on `now`'s clock (default 120 000). */
  maxWaitMs?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The clock: a Date or Unix ms (maybe async); default the host's. */
  now?: () => TimeLike | Promise<TimeLike>;
  /** Waits `ms` (default a timer): a test can advance its own clock instead. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/** The core's KeyUpdate. */
export interface KeyUpdate {
  readonly kind: 'unchanged' | 'replaced';
  readonly certId: string;
  /** The new certificate (PEM) when replaced: store it (`client.withEncryptionCert(pem)`). */
  readonly pem: string | null;
  /** When to ask again (Unix seconds). */
  readonly nextCheckAt: number;
}

export declare class Client {
  constructor(options: ClientOptions);
  readonly merId: string;
  /** When the signing certificate stops being valid (Unix seconds); null for a secure key. */
  readonly signingCertNotAfter: number | null;
  readonly endpoints: { front: string; back: string; query: string; file: string; app: string };
  readonly backend: 'node' | 'portable';

  /** The same client with UnionPay's encryption certificate `pem` (PEM or DER); this one is unchanged. */
  withEncryptionCert(pem: BytesLike): Client;

  build(api: ApiName, params: Params, options?: BuildOptions): OutgoingRequest;
  buildQuery(request: OutgoingRequest | string, attempt?: number, options?: BuildOptions): OutgoingRequest;
  /** The core's planner: the next step after `sent` got `exchange` (`null`: no answer). */
  nextStep(sent: OutgoingRequest | string, exchange: Exchange, options?: BuildOptions): NextStep;
  handleResponse(request: OutgoingRequest | string, body: BytesLike, options?: BuildOptions): Outcome;
  verifyNotification(rawBody: BytesLike, options?: BuildOptions): Notification;
  verifyFrontNotification(rawBody: BytesLike, options?: BuildOptions): Notification;
  receiveNotification(rawBody: BytesLike, options?: BuildOptions): ReceivedNotification;
  nextStepAfterNotification(request: OutgoingRequest | string, notification: Notification, options?: BuildOptions): NextStep;

  /** POSTs `request` and returns the core's next step. */
  exchange(request: OutgoingRequest | string, options?: SendOptions): Promise<NextStep>;
  send(request: OutgoingRequest | string, options?: SendOptions): Promise<Outcome>;
  call(api: ApiName, params: Params, options?: SendOptions): Promise<Outcome>;
  query(request: OutgoingRequest | string, options?: SendOptions & { attempt?: number }): Promise<Outcome>;
  /** Follows the planner (sleep, POST the status query, `nextStep`) until `final` or `stop`, or a bound. */
  queryUntilFinal(target: Outcome | OutgoingRequest | string | NextStep, options?: QueryUntilFinalOptions): Promise<NextStep>;

  // One method per product API (the core's catalogue; params are the protocol's field names).
  /** 01/01 consume (token or card), back. */
  consume(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 99/01 reversal. */
  reversal(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 79/00 open through UnionPay's page: returns the request; serve `request.html`. */
  frontOpen(params: Params, options?: BuildOptions): OutgoingRequest;
  /** 79/00 open with card data the merchant collected (back). */
  backOpen(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 78/02 open-status query. */
  openQuery(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 79/05 apply for a token by an open-and-pay's orderId. */
  applyToken(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 74/01 delete token. */
  deleteToken(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 79/03 update token. */
  updateToken(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 77/00 SMS before an open or update. */
  smsOpen(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 77/01 SMS for real-name authentication. */
  smsRealNameAuth(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 77/02 SMS before a consume (same orderId, txnTime, txnAmt). */
  smsConsume(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 77/03 SMS for withholding. */
  smsWithholding(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 77/04 SMS before a pre-auth. */
  smsPreAuth(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 31/00 consume undo (void). */
  consumeUndo(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 04/00 refund. */
  refund(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 00/00 status query by origOrderId/origTxnTime (see also `query(request)`). */
  statusQuery(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 02/01 pre-authorization. */
  preAuth(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 32/00 pre-auth undo. */
  preAuthUndo(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 03/00 pre-auth completion. */
  preAuthCompletion(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 33/00 pre-auth completion undo. */
  completionUndo(params: Params, options?: SendOptions): Promise<Outcome>;
  /** 01/01 open-and-pay through UnionPay's page: returns the request; serve `request.html`. */
  openAndPay(params: Params, options?: BuildOptions): OutgoingRequest;
  /** Never changes this client: `client` is the one to go on with. */
  keyUpdateQuery(params: Params, options?: SendOptions): Promise<{ update: KeyUpdate; client: Client }>;
  /** 76/01 file transfer (reconciliation file of `settleDate`, MMDD). */
  fileTransfer(params: Params, options?: SendOptions): Promise<Outcome>;
}

export declare class MerchantKey {
  private constructor();
  static fromPkcs12(pfx: BytesLike, password: string, options?: { backend?: BackendChoice }): MerchantKey;
  static fromPem(keyPem: BytesLike, certificate: BytesLike, options?: { backend?: BackendChoice }): MerchantKey;
  readonly certId: string;
  /** When the signing certificate stops being valid (Unix seconds). */
  readonly notAfter: number;
  decryptText(base64Value: string): string;
}

export declare class EncryptionCert {
  /** `backend` does the RSA encryption (the padding is the core's either way). */
  constructor(pemOrDer: BytesLike, options?: { backend?: BackendChoice });
  static parse(pemOrDer: BytesLike, options?: { backend?: BackendChoice }): EncryptionCert;
  readonly certId: string;
  encrypt(plaintext: BytesLike): string;
}

export declare class Verifier {
  constructor(trust: Trust, options?: { backend?: BackendChoice; secureKey?: string; verifyCerts?: BytesLike[] });
  verifyFields(fields: Record<string, string>, options?: { now?: TimeLike }): void;
  verifySyncBody(body: BytesLike, options?: { now?: TimeLike }): Record<string, string>;
  verifyNotifyBody(body: BytesLike, options?: { now?: TimeLike }): Record<string, string>;
}

export interface Signed {
  fields: Record<string, string>;
  canonical: string;
  digestHex: string;
}

export declare function signFields(
  fields: Record<string, string>,
  credentials: MerchantKey | { signMethod?: '11' | '12'; secureKey: string },
): Signed;

export interface CustomerInfoParts {
  certifTp?: string;
  certifId?: string;
  customerNm?: string;
  phoneNo?: string;
  smsCode?: string;
  pin?: string;
  cvn2?: string;
  expired?: string;
  accNo?: string;
  encryptedPin?: string;
}

export declare function buildCustomerInfo(
  info: CustomerInfoParts,
  options?: { mode?: 'encrypted' | 'plain'; cert?: EncryptionCert },
): string;

export declare function inspectPkcs12(
  pfx: BytesLike,
  password: string,
): { certId: string; subject: string; issuer: string; notBefore: Date; notAfter: Date; keyBits: number; modulus: Uint8Array };

export declare function readRawBody(
  req: import('node:http').IncomingMessage & { body?: unknown },
  options?: { limit?: number },
): Promise<Buffer>;

export declare function canonicalString(fields: Record<string, string>): string;
export declare function hexDigest(algorithm: 'sha256' | 'sha1' | 'sm3', data: BytesLike): string;
/** Checks a signMethod value (`01`, `11`, `12`); anything else throws code 1006. */
export declare function parseSignMethod(text: string): '01' | '11' | '12';
export declare function pinBlock(pin: string, pan: string): Uint8Array;
/** A stored request (its JSON text or parsed object, from any binding), read by the core. */
export declare function requestFromJson(stored: string | object): OutgoingRequest;
/** The reconciliation records of a ZIP archive you saved. */
export declare function readReconciliationArchive(zip: BytesLike, limits?: ArchiveLimits): Reconciliation;

/** Unsafe in production, by name: unverified parsing, fixed randomness (vectors and tests). */
export declare const danger: {
  /** Splits a synchronous answer WITHOUT verifying it. */
  parseSyncBody(body: BytesLike): Record<string, string>;
  /** Splits and decodes a notification body WITHOUT verifying it. */
  parseNotifyBody(body: BytesLike): Record<string, string>;
  /** Encrypts with the padding bytes taken from `random`. */
  encryptField(cert: EncryptionCert, plaintext: BytesLike, random: Uint8Array): string;
  buildCustomerInfo(
    info: CustomerInfoParts,
    options: { mode?: 'encrypted' | 'plain'; cert?: EncryptionCert; random: Uint8Array },
  ): string;
  build(client: Client, api: ApiName, params: Params, options: BuildOptions & { random: Uint8Array }): OutgoingRequest;
};
export declare function encodeForm(fields: Record<string, string>): string;
export declare function apiNames(): ApiName[];
export declare function errorCatalogue(): ReadonlyArray<{ code: number; name: string; kind: ErrorKind; summary: string }>;
/** Whether node:crypto is available (the `auto` backend uses it). */
export declare const hasNodeCrypto: boolean;
export declare const FORM_CONTENT_TYPE: string;
