/// <reference types="node" />
// Declarations of unionpay-acp (hand-written, checked by `tsc --noEmit` in npm/test.sh).

/** Bytes in any of the usual shapes: Buffer, Uint8Array, or text (UTF-8). */
export type BytesLike = Uint8Array | ArrayBuffer | string;

/** A point in time: a Date, epoch milliseconds or an ISO string. Defaults to the host clock. */
export type TimeLike = Date | number | string;

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

/** The HTTP exchange failed: no answer, a timeout, an abort, or a status other than 200. */
export declare class TransportError extends Error {
  readonly name: 'TransportError';
  readonly request: OutgoingRequest;
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** A money-moving request may have been executed: query it (`client.queryUntilFinal(err.request)`). */
  readonly outcomeUnknown: boolean;
}

/** Protocol parameters keyed by field name: orderId, txnAmt (fen), backUrl, accNo, token, smsCode, … */
export type Params = Record<string, string | number | bigint | null | undefined>;

/** A built, signed request. Plain data: keep it (e.g. as JSON) to read answers and notifications. */
export interface OutgoingRequest {
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
  readonly payTimeout: Date | null;
  /** Status query only: what it queried (API name, amount in fen, payTimeout of a browser transaction). */
  readonly queried: { readonly api: ApiName; readonly txnAmt: number; readonly payTimeout: Date | null } | null;
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

export interface ZmRecord {
  txnCode: string; acquirerCode: string; senderCode: string; traceNo: string; traceTime: string;
  panMasked: string; amountFen: number; mcc: string; terminalType: string; queryId: string;
  payMethodOld: string; orderId: string; payCardType: string; origTraceNo: string; origTxnTime: string | null;
  merchantFeeFen: number; settleAmountFen: number; payMethod: string; groupMerId: string; txnType: string;
  txnSubType: string; bizType: string; accType: string; billType: string; billNo: string;
  interactionMode: string; origQueryId: string; merId: string; splitMode: string; subMerId: string;
  subMerAbbr: string; subMerSplitAmountFen: number; netSettleAmountFen: number; termId: string;
  reqReserved: string; discountAmountFen: number; invoiceAmountFen: number; installmentFeeFen: number;
  installmentCount: number | null; medium: string; field41: string; reserved: string;
}

export interface Reconciliation {
  zm: ZmRecord[];
  zme: { lineNo: number; text: string; fields: string[] | null }[];
  otherFiles: string[];
  totals: { records: number; amountFen: number; merchantFeeFen: number; settleFen: number; netSettleFen: number };
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
  toJSON(): { fields: Record<string, string> };
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

/** The verified, classified answer to a request. */
export declare class Outcome {
  private constructor();
  readonly name: OutcomeName;
  /** accepted / pending: when to query. */
  readonly queryAt: Date | null;
  readonly pendingReason: PendingReason | null;
  readonly decisiveCode: string;
  readonly respCode: string;
  readonly respMsg: string;
  readonly request: OutgoingRequest;
  readonly response: VerifiedResponse;
  readonly success: boolean;
  readonly fields: Readonly<Record<string, string>>;
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
  matches(request: OutgoingRequest): boolean;
}

export type BackendChoice = 'auto' | 'node' | 'portable';

/** `test`, `production`, or your own roots and middles (PEM or DER), e.g. the sandbox's. */
export type Trust = 'test' | 'production' | { roots: BytesLike | BytesLike[]; middles: BytesLike | BytesLike[] };

export type Environment =
  | 'test'
  | 'production'
  | { baseUrl: string }
  | { front: string; back: string; query: string; file: string; app: string };

export interface ClientOptions {
  /** 15-digit merchant number. */
  merId: string;
  environment: Environment;
  trust: Trust;
  /** The merchant PFX and its password (signMethod 01) … */
  pfx?: BytesLike;
  password?: string;
  /** … or a loaded key … */
  key?: MerchantKey;
  /** … or a secure key (signMethod 11 / 12). */
  secureKey?: string;
  signMethod?: '11' | '12';
  /** UnionPay's encryption certificate (PEM or DER): needed whenever card data is sent. */
  encryptionCert?: BytesLike;
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
  verifySecureKey?: string;
  verifyCerts500?: BytesLike[];
}

export interface BuildOptions {
  now?: TimeLike;
  /** Fixed padding bytes for card-data encryption: tests and vectors only. */
  random?: Uint8Array;
}

export interface SendOptions extends BuildOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface QueryUntilFinalOptions {
  maxQueries?: number;
  maxWaitMs?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface KeyUpdate {
  changed: boolean;
  certId: string;
  /** The new certificate (PEM) when changed: store it. */
  pem: string | null;
  nextCheckAt: Date;
}

export declare class Client {
  constructor(options: ClientOptions);
  readonly merId: string;
  readonly endpoints: { front: string; back: string; query: string; file: string; app: string };
  readonly backend: 'node' | 'portable';

  build(api: ApiName, params: Params, options?: BuildOptions): OutgoingRequest;
  buildQuery(request: OutgoingRequest, attempt?: number, options?: BuildOptions): OutgoingRequest;
  handleResponse(request: OutgoingRequest, body: BytesLike, options?: { now?: TimeLike }): Outcome;
  verifyNotification(rawBody: BytesLike, options?: { now?: TimeLike }): Notification;
  verifyFrontNotification(rawBody: BytesLike, options?: { now?: TimeLike }): Notification;

  send(request: OutgoingRequest, options?: SendOptions): Promise<Outcome>;
  call(api: ApiName, params: Params, options?: SendOptions): Promise<Outcome>;
  query(request: OutgoingRequest, options?: SendOptions & { attempt?: number }): Promise<Outcome>;
  queryUntilFinal(target: Outcome | OutgoingRequest, options?: QueryUntilFinalOptions): Promise<Outcome>;

  consume(params: Params, options?: SendOptions): Promise<Outcome>;
  reversal(params: Params, options?: SendOptions): Promise<Outcome>;
  frontOpen(params: Params, options?: BuildOptions): OutgoingRequest;
  backOpen(params: Params, options?: SendOptions): Promise<Outcome>;
  openQuery(params: Params, options?: SendOptions): Promise<Outcome>;
  applyToken(params: Params, options?: SendOptions): Promise<Outcome>;
  deleteToken(params: Params, options?: SendOptions): Promise<Outcome>;
  updateToken(params: Params, options?: SendOptions): Promise<Outcome>;
  smsOpen(params: Params, options?: SendOptions): Promise<Outcome>;
  smsRealNameAuth(params: Params, options?: SendOptions): Promise<Outcome>;
  smsConsume(params: Params, options?: SendOptions): Promise<Outcome>;
  smsWithholding(params: Params, options?: SendOptions): Promise<Outcome>;
  smsPreAuth(params: Params, options?: SendOptions): Promise<Outcome>;
  consumeUndo(params: Params, options?: SendOptions): Promise<Outcome>;
  refund(params: Params, options?: SendOptions): Promise<Outcome>;
  statusQuery(params: Params, options?: SendOptions): Promise<Outcome>;
  preAuth(params: Params, options?: SendOptions): Promise<Outcome>;
  preAuthUndo(params: Params, options?: SendOptions): Promise<Outcome>;
  preAuthCompletion(params: Params, options?: SendOptions): Promise<Outcome>;
  completionUndo(params: Params, options?: SendOptions): Promise<Outcome>;
  openAndPay(params: Params, options?: BuildOptions): OutgoingRequest;
  keyUpdateQuery(params: Params, options?: SendOptions): Promise<KeyUpdate>;
  fileTransfer(params: Params, options?: SendOptions): Promise<Outcome>;
}

export declare class MerchantKey {
  private constructor();
  static fromPkcs12(pfx: BytesLike, password: string, options?: { backend?: BackendChoice }): MerchantKey;
  static fromPem(keyPem: BytesLike, certificate: BytesLike, options?: { backend?: BackendChoice }): MerchantKey;
  readonly certId: string;
  decryptField(base64Value: string): Uint8Array;
}

export declare class EncryptionCert {
  /** `backend` does the RSA encryption (the padding is the core's either way). */
  constructor(pemOrDer: BytesLike, options?: { backend?: BackendChoice });
  static parse(pemOrDer: BytesLike, options?: { backend?: BackendChoice }): EncryptionCert;
  readonly certId: string;
  encrypt(plaintext: BytesLike, options?: { random?: Uint8Array }): string;
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
  options?: { mode?: 'encrypted' | 'plain'; cert?: EncryptionCert; random?: Uint8Array },
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
export declare function parseSyncBody(body: BytesLike): Record<string, string>;
export declare function parseNotifyBody(body: BytesLike): Record<string, string>;
export declare function encodeForm(fields: Record<string, string>): string;
export declare function apiNames(): ApiName[];
export declare function errorCatalogue(): ReadonlyArray<{ code: number; name: string; kind: ErrorKind; summary: string }>;
/** Whether node:crypto is available (the `auto` backend uses it). */
export declare const hasNodeCrypto: boolean;
export declare const FORM_CONTENT_TYPE: string;
