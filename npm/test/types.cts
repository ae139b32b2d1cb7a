// Type-checked (never run) usage of the CommonJS entry point.
import acp = require('unionpay-acp');

const key = acp.MerchantKey.fromPkcs12(Buffer.from(''), '000000', { backend: 'portable' });
const signed: acp.Signed = acp.signFields({ version: '5.1.0' }, key);
export const digest: string = signed.digestHex;
export const err: acp.AcpError = new acp.AcpError('x', { code: 1005, codeName: 'InvalidArgument', kind: 'InvalidInput' });
export const outcome = (c: acp.Client): Promise<acp.Outcome> => c.refund({ orderId: 'r1', origQryId: 'q', txnAmt: 1, backUrl: 'u' });
export const zm = (zip: Buffer): string[] => acp.readReconciliationArchive(zip).zm.map((z) => z.orderId);
