// ESM entry point: the same module instance as require('unionpay-acp'), so classes
// (AcpError, Client, …) are identical whichever way the package is loaded.
import cjs from './index.cjs';

export const {
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
  canonicalString,
  hexDigest,
  parseSignMethod,
  pinBlock,
  encodeForm,
  apiNames,
  errorCatalogue,
  danger,
  hasNodeCrypto,
  FORM_CONTENT_TYPE,
} = cjs;

export default cjs;
