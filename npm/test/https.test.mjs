// HTTPS (`acp sandbox --tls`): the token flow over TLS with `fetch` given a custom agent
// that trusts the sandbox's test CA, the way the README tells users to trust a private CA
// (undici's Agent with `connect: { ca }`), and the default fetch (system roots) refusing
// the sandbox's certificate with a clear error before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { ACP_BIN, SKIP_WITHOUT_SANDBOX, orderId, startSandbox } from './sandbox.mjs';

const fixture = (name) => readFileSync(new URL(`../../tests/fixtures/sandbox/${name}`, import.meta.url));

const settings = (baseUrl, more) => ({
  merId: '777290058110097',
  pfx: fixture('merchant.pfx'),
  password: '000000',
  encryptionCert: fixture('enc.pem'),
  environment: { baseUrl },
  trust: { roots: [fixture('root.pem')], middles: [fixture('middle.pem')] },
  ...more,
});

test('token flow over HTTPS, fetch trusting the sandbox CA; an untrusted certificate is refused', { skip: SKIP_WITHOUT_SANDBOX, timeout: 60_000 }, async (t) => {
  const sandbox = await startSandbox({ tls: true });
  t.after(() => sandbox.stop());
  assert.match(sandbox.baseUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  const { Client, TransportError } = await import('unionpay-acp');

  // The private CA (`acp sandbox --print-trust`) as the agent's only roots.
  const ca = execFileSync(ACP_BIN, ['sandbox', '--print-trust'], { encoding: 'utf8' });
  const agent = new Agent({ connect: { ca } });
  t.after(() => agent.close());
  const client = new Client(settings(sandbox.baseUrl, { fetch: (url, init) => undiciFetch(url, { ...init, dispatcher: agent }) }));

  const card = { accNo: '6221558812340000', phoneNo: '13552535506', cvn2: '123', expired: '2311' };
  const openId = orderId('TLSOPEN');
  const openSms = await client.smsOpen({ orderId: openId, accNo: card.accNo, phoneNo: card.phoneNo });
  assert.equal(openSms.name, 'success');
  const opened = await client.backOpen({ orderId: openId, txnTime: openSms.request.txnTime, ...card, smsCode: '111111' });
  assert.equal(opened.name, 'success', opened.decisiveMsg);
  const { token } = opened.response.tokenPayData();
  const payId = orderId('TLSPAY');
  const paySms = await client.smsConsume({ orderId: payId, token, txnAmt: 1000 });
  const paid = await client.consume({
    orderId: payId,
    txnTime: paySms.request.txnTime,
    txnAmt: 1000,
    token,
    smsCode: '111111',
    backUrl: 'http://127.0.0.1:9/back',
  });
  assert.equal(paid.name, 'accepted');
  const queried = await client.send(paid.next.query);
  assert.equal(queried.name, 'success', queried.decisiveMsg);

  // The global fetch (system roots) does not trust the sandbox CA: nothing is sent, and
  // the error names the certificate problem.
  const untrusting = new Client(settings(sandbox.baseUrl));
  await assert.rejects(
    untrusting.smsOpen({ orderId: orderId('TLSNO'), accNo: card.accNo, phoneNo: card.phoneNo }),
    (e) => {
      assert.ok(e instanceof TransportError, String(e));
      assert.match(e.message, /CERT|certificate/i);
      return true;
    },
  );
});
