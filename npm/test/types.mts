// Type-checked (never run) usage of the ESM entry point: `tsc --noEmit` in test.sh.
import { readFileSync } from 'node:fs';
import acpDefault, {
  AcpError,
  Client,
  TransportError,
  danger,
  requestFromJson,
  type NextStep,
  type Notification,
  type OutgoingRequest,
  type Outcome,
} from 'unionpay-acp';

let client = new Client({
  merId: '777290058110097',
  pfx: readFileSync('merchant.pfx'),
  password: '000000',
  encryptionCert: readFileSync('enc.pem'),
  environment: { baseUrl: 'http://127.0.0.1:8080' },
  trust: { roots: [readFileSync('root.pem')], middles: [readFileSync('middle.pem')] },
  timeoutMs: 10_000,
});

export async function pay(token: string): Promise<string | null> {
  const request: OutgoingRequest = client.build('consume', {
    orderId: '20261125120000001',
    txnAmt: 1000,
    token,
    backUrl: 'https://shop.example/unionpay/notify',
  });
  const stored: string = JSON.stringify(request);
  try {
    const outcome: Outcome = await client.send(request, { signal: AbortSignal.timeout(5000) });
    const last: NextStep = await client.queryUntilFinal(outcome, { maxQueries: 6 });
    const final: Outcome | null = last.outcome;
    return final?.success ? final.response.queryId : last.reason;
  } catch (e) {
    if (e instanceof TransportError && e.outcomeUnknown && e.next) {
      return (await client.queryUntilFinal(e.next)).outcome?.name ?? null;
    }
    if (e instanceof AcpError) return `${e.code} ${e.kind} ${e.step ?? ''}`;
    throw e;
  } finally {
    const again: OutgoingRequest = requestFromJson(stored);
    const step: NextStep = client.nextStep(again, { status: 503, body: '' });
    void (step.at === null ? 0 : step.at - Date.now() / 1000);
  }
}

export function notify(rawBody: Buffer, request: OutgoingRequest): { status: number; body: string } {
  const received = client.receiveNotification(rawBody);
  const n: Notification | null = received.notification;
  if (n && n.matches(request)) {
    const next: NextStep = client.nextStepAfterNotification(request, n);
    void client.queryUntilFinal(next, { now: () => Date.now(), sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)) });
  }
  const amount: number | null = n ? n.txnAmt : null;
  void amount;
  return { status: received.status, body: received.body };
}

export async function rotate(): Promise<string> {
  const { update, client: next } = await client.keyUpdateQuery({ orderId: 'K1' });
  if (update.kind === 'replaced' && update.pem !== null) client = next;
  return update.certId;
}

export const names: string[] = acpDefault.apiNames();
export const page: string | null = client.frontOpen({ orderId: '1', frontUrl: 'x', backUrl: 'y' }).html;
export const fields: Record<string, string> = danger.parseSyncBody('a=1');
