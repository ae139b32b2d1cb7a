// The service end to end against the sandbox, on SQLite and (when Debian's PostgreSQL 15
// is installed) PostgreSQL: create → SMS → pay → succeeded; a refund retried with the
// same refundId is one refund; a refund over the paid amount is refused; a notification
// POSTed again is answered 200 and booked once; a kill -9 while the consume is unanswered
// is recovered from the outbox (queried, not sent again); the day's reconciliation is
// clean. On PostgreSQL the database is stopped under a notification: 503, retry later. `node --test test/` (ACP_BIN: the acp binary; default the workspace's build).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ACP_BIN, SKIP_WITHOUT_POSTGRES, join, mkdtempSync, newId, openToken, rmSync, serviceEnv, startPostgres,
  startSandbox, startService, tmpdir, trustFile, until,
} from './helpers.mjs';

const SKIP_WITHOUT_SANDBOX = ACP_BIN ? false : 'no acp binary: build it (cargo build -p acp-cli) or set ACP_BIN';

async function scenario(t, databaseUrl, { database = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'merchant-smoke-'));
  const sandbox = await startSandbox();
  t.after(async () => {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const trust = await trustFile(sandbox, dir);
  const env = serviceEnv(sandbox, trust, databaseUrl(dir));
  let service = await startService(env);
  t.after(() => service.stop());
  const { api } = service;
  const token = await openToken(sandbox, trust);

  /** Waits until the order's state is not `paying` (the worker queries on the planner's schedule). */
  const settled = (orderId) =>
    until(`order ${orderId} final`, async () => {
      const { json } = await service.api('GET', `/orders/${orderId}`);
      return json.state !== 'paying' && json;
    });

  const orderId = newId('SMK');
  await t.test('create, SMS, pay: the order succeeds', async () => {
    assert.equal((await api('GET', '/health')).json.ok, true);
    const created = await api('POST', '/orders', { orderId, amountFen: 1000, token });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.state, 'created');
    assert.equal((await api('POST', '/orders', { orderId, amountFen: 1000, token })).status, 200);
    const conflict = await api('POST', '/orders', { orderId, amountFen: 999, token });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.error, 'order_conflict');
    assert.equal((await api('POST', `/orders/${orderId}/pay`, { smsCode: '111111' })).json.error, 'not_payable');

    const sms = await api('POST', `/orders/${orderId}/sms`);
    assert.equal(sms.status, 200, sms.text);
    assert.equal(sms.json.state, 'sms_sent');
    const paying = await api('POST', `/orders/${orderId}/pay`, { smsCode: '111111' });
    assert.equal(paying.status, 200, paying.text);
    assert.ok(['paying', 'succeeded'].includes(paying.json.state), paying.text);
    const again = await api('POST', `/orders/${orderId}/pay`, { smsCode: '111111' });
    assert.equal(again.status, 200);
    assert.equal((await api('POST', `/orders/${orderId}/sms`)).json.error, 'not_payable');

    const paid = await settled(orderId);
    assert.equal(paid.state, 'succeeded', JSON.stringify(paid));
    assert.match(paid.queryId, /^\w+$/);
    assert.equal(paid.respCode, '00');
    const stats = (await api('GET', '/stats')).json;
    assert.equal(stats.requestsSent, 2, JSON.stringify(stats)); // the SMS and the consume, once each
  });

  await t.test('a refund retried with its refundId is one refund; the cap holds', async () => {
    const refundId = newId('RF');
    const first = await api('POST', `/orders/${orderId}/refunds`, { refundId, amountFen: 300 });
    assert.equal(first.status, 201, first.text);
    const second = await api('POST', `/orders/${orderId}/refunds`, { refundId, amountFen: 300 });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json.refundId, refundId);
    const over = await api('POST', `/orders/${orderId}/refunds`, { refundId: newId('RF'), amountFen: 701 });
    assert.equal(over.status, 409, over.text);
    assert.equal(over.json.error, 'refund_exceeds_paid');
    const conflict = await api('POST', `/orders/${orderId}/refunds`, { refundId, amountFen: 200 });
    assert.equal(conflict.json.error, 'refund_conflict');
    const order = await until('the refund final', async () => {
      const { json } = await api('GET', `/orders/${orderId}`);
      return json.refunds.every((r) => r.state === 'succeeded') && json;
    });
    assert.equal(order.refunds.length, 1);
    assert.equal(order.refundedFen, 300);
    const ledger = await sandbox.get('/_sandbox/state');
    const refunds = JSON.stringify(ledger).split(`"${refundId}"`).length - 1;
    assert.ok(refunds >= 1, 'the sandbox knows the refund');
    // Ten refunds of 100 at once, each with its own refundId and each retried once at the
    // same time: 700 fen were left, so seven refunds exist, whatever the interleaving.
    const ids = Array.from({ length: 10 }, () => newId('RC'));
    const answers = await Promise.all(
      [...ids, ...ids].map((id) => api('POST', `/orders/${orderId}/refunds`, { refundId: id, amountFen: 100 })),
    );
    const accepted = new Set(answers.filter((a) => a.status === 201 || a.status === 200).map((a) => a.json.refundId));
    assert.equal(accepted.size, 7, JSON.stringify(answers.map((a) => a.status)));
    assert.equal(answers.filter((a) => a.status === 201).length, 7);
    assert.ok(answers.filter((a) => a.status === 409).every((a) => a.json.error === 'refund_exceeds_paid'));
    const all = await until('the refunds final', async () => {
      const { json } = await api('GET', `/orders/${orderId}`);
      return json.refunds.every((r) => r.state === 'succeeded') && json;
    });
    assert.equal(all.refunds.length, 8);
    assert.equal(all.refundedFen, 1000);
    const unpaid = await api('POST', '/orders', { orderId: newId('UNP'), amountFen: 500, token });
    const refused = await api('POST', `/orders/${unpaid.json.orderId}/refunds`, { refundId: newId('RF'), amountFen: 1 });
    assert.equal(refused.json.error, 'not_refundable');
  });

  await t.test('a notification POSTed again is answered 200 and booked once', async () => {
    const sent = await until('the consume notification', async () => {
      const list = await sandbox.get('/_sandbox/notifications');
      return list.find((n) => n.fields.orderId === orderId && n.fields.txnType === '01' && n.delivered);
    });
    const before = (await api('GET', '/stats')).json;
    assert.ok(before.notificationsBooked >= 1, JSON.stringify(before));
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${service.url}/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: sent.body,
      });
      assert.equal(res.status, 200);
    }
    const after = (await api('GET', '/stats')).json;
    assert.equal(after.notificationsBooked, before.notificationsBooked);
    assert.equal(after.duplicateNotifications, before.duplicateNotifications + 2);
    const tampered = await fetch(`${service.url}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: sent.body.replace(/txnAmt=\d+/, 'txnAmt=1'),
    });
    assert.equal(tampered.status, 400);
    assert.equal((await api('GET', `/orders/${orderId}`)).json.state, 'succeeded');
    if (!database) return;
    // The database goes away: not stored, so the answer asks UnionPay to send it again.
    database.pause();
    try {
      const res = await fetch(`${service.url}/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: sent.body,
      });
      assert.equal(res.status, 503);
      assert.equal(await res.text(), 'retry later');
    } finally {
      database.resume();
    }
    const res = await until('the service is back on its database', async () => {
      const r = await fetch(`${service.url}/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: sent.body,
      });
      return r.status === 200 && r;
    });
    assert.equal(res.status, 200);
    const back = (await api('GET', '/stats')).json;
    assert.equal(back.notificationsBooked, after.notificationsBooked);
  });

  await t.test('kill -9 while the consume is unanswered: recovered from the outbox, not sent again', async () => {
    const id = newId('KIL');
    await api('POST', '/orders', { orderId: id, amountFen: 700, token });
    await api('POST', `/orders/${id}/sms`);
    // The sandbox takes the consume and holds the answer: the row stays in the outbox.
    await sandbox.post('/_sandbox/faults', { action: 'no_answer', processed: 'true', orderId: id, txnType: '01', times: '1' });
    const pending = api('POST', `/orders/${id}/pay`, { smsCode: '111111' }).catch(() => null);
    await until('the sandbox has the consume', async () =>
      (await sandbox.get('/_sandbox/state')).txns.some((x) => (x.order_id ?? x.orderId) === id && (x.txn_type ?? x.txnType) === '01'),
    );
    const before = (await api('GET', '/stats')).json;
    await service.kill();
    await pending;
    service = await startService(env);
    const after = (await service.api('GET', '/stats')).json;
    assert.equal(after.recovered, before.recovered + 1, JSON.stringify(after));
    const order = await settled(id);
    assert.equal(order.state, 'succeeded', JSON.stringify(order));
    const stats = (await service.api('GET', '/stats')).json;
    assert.equal(stats.requestsSent, before.requestsSent, 'the consume was not sent again');
    const consumes = (await sandbox.get('/_sandbox/state')).txns.filter(
      (x) => (x.order_id ?? x.orderId) === id && (x.txn_type ?? x.txnType) === '01',
    );
    assert.equal(consumes.length, 1, 'one consume in the sandbox ledger');
    assert.ok(stats.queriesSent > before.queriesSent);
    const page = await service.api('GET', `/status/orders/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /found in the outbox after a restart/);
    assert.ok(!page.text.includes(token), 'the token is masked');
  });

  await t.test('the reconciliation of the day is clean', async () => {
    const order = (await service.api('GET', `/orders/${orderId}`)).json;
    const settleDate = order.settleDate;
    assert.match(settleDate, /^\d{4}$/);
    // The file of a clearing day is there the day after: two days on.
    await sandbox.post('/_sandbox/clock', { advance: '172800' });
    const res = await service.api('POST', `/days/${settleDate}/reconcile`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.settleDate, settleDate);
    assert.equal(res.json.clean, true, JSON.stringify(res.json, null, 1));
    assert.ok(res.json.summary.matched >= 10, JSON.stringify(res.json, null, 1)); // two consumes, eight refunds
    assert.ok(res.json.lines.some((l) => l.orderId === orderId && l.verdict === 'matched'));
    assert.deepEqual((await service.api('GET', `/days/${settleDate}`)).json, res.json);
    const page = await service.api('GET', `/status/days/${settleDate}`);
    assert.match(page.text, /clean/);
    assert.equal((await service.api('GET', '/days/0101')).status, 404);
  });
}

test('merchant service on SQLite', { skip: SKIP_WITHOUT_SANDBOX, timeout: 180_000 }, async (t) => {
  await scenario(t, (dir) => `sqlite:///${join(dir, 'merchant.db')}`);
});

test('merchant service on PostgreSQL', { skip: SKIP_WITHOUT_SANDBOX || SKIP_WITHOUT_POSTGRES || false, timeout: 180_000 }, async (t) => {
  const pg = await startPostgres();
  t.after(() => pg.stop());
  await scenario(t, () => pg.url, { database: pg });
});
