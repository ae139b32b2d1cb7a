// Type-checked (never run) usage of the ESM entry point: `tsc --noEmit` in test.sh.
import { readFileSync } from 'node:fs';
import acpDefault, {
  AcpError,
  Client,
  TransportError,
  type Notification,
  type OutgoingRequest,
  type Outcome,
} from 'unionpay-acp';

const client = new Client({
  merId: '777290058110097',
  pfx: readFileSync('merchant.pfx'),
  password: '000000',
  encryptionCert: readFileSync('enc.pem'),
  environment: { baseUrl: 'http://127.0.0.1:8080' },
  trust: { roots: readFileSync('root.pem'), middles: [readFileSync('middle.pem')] },
  timeoutMs: 10_000,
});

export async function pay(token: string): Promise<string | null> {
  const request: OutgoingRequest = client.build('consume', {
    orderId: '20261125120000001',
    txnAmt: 1000,
    token,
    backUrl: 'https://shop.example/unionpay/notify',
  });
  try {
    let outcome: Outcome = await client.send(request, { signal: AbortSignal.timeout(5000) });
    if (outcome.name === 'accepted' || outcome.name === 'pending') {
      outcome = await client.queryUntilFinal(outcome, { maxQueries: 6 });
    }
    return outcome.success ? outcome.response.queryId : null;
  } catch (e) {
    if (e instanceof TransportError && e.outcomeUnknown) return (await client.queryUntilFinal(e.request)).name;
    if (e instanceof AcpError) return `${e.code} ${e.kind} ${e.step ?? ''}`;
    throw e;
  }
}

export function notify(rawBody: Buffer): Notification {
  const n = client.verifyNotification(rawBody);
  const amount: number | null = n.txnAmt;
  void amount;
  return n;
}

export const names: string[] = acpDefault.apiNames();
export const page: string | null = client.frontOpen({ orderId: '1', frontUrl: 'x', backUrl: 'y' }).html;
