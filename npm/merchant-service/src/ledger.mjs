// The service's SQL, one function per question or change; each takes the transaction's
// query object (`db.tx(async (q) => …)`). Rows come back with the columns' names.
import { randomUUID } from 'node:crypto';

/** A unique id that sorts by creation time (the process clock's milliseconds first). */
const sortableId = () => `${String(Date.now()).padStart(15, '0')}-${randomUUID()}`;

export const COUNTERS = [
  'notificationsReceived',
  'notificationsBooked',
  'duplicateNotifications',
  'requestsSent',
  'queriesSent',
  'recovered',
];

// ---- orders

/** Inserts the order unless its orderId exists; whether it was inserted. */
export async function insertOrder(q, orderId, amountFen, token, now) {
  const r = await q.run(
    `INSERT INTO orders (order_id, amount_fen, token, state, created_at, updated_at)
     VALUES (?, ?, ?, 'created', ?, ?) ON CONFLICT (order_id) DO NOTHING`,
    [orderId, amountFen, token, now, now],
  );
  return r.changes === 1;
}

/** The order's row; `lock` holds it until the transaction ends (PostgreSQL). */
export async function order(q, orderId, { lock = false } = {}) {
  return q.get(`SELECT * FROM orders WHERE order_id = ?${lock ? q.forUpdate : ''}`, [orderId]);
}

const ORDER_COLUMNS = new Set(['state', 'query_id', 'resp_code', 'txn_time', 'settle_date']);
const REQUEST_COLUMNS = new Set([
  'status', 'next_query', 'query_at', 'attempts', 'outcome', 'resp_code', 'query_id', 'settle_date',
]);
const REFUND_COLUMNS = new Set(['state', 'query_id', 'resp_code', 'settle_date']);

function assignments(values, allowed) {
  const keys = Object.keys(values).filter((k) => values[k] !== undefined);
  for (const k of keys) if (!allowed.has(k)) throw new Error(`no column ${k}`);
  return { sql: keys.map((k) => `${k} = ?`).join(', '), params: keys.map((k) => values[k]) };
}

export async function updateOrder(q, orderId, now, values) {
  const a = assignments(values, ORDER_COLUMNS);
  await q.run(`UPDATE orders SET ${a.sql}, updated_at = ? WHERE order_id = ?`, [...a.params, now, orderId]);
}

/** Orders whose consume was sent, of `settleDate` or not yet settled. */
export async function ordersForBooks(q, settleDate) {
  return q.all(
    `SELECT * FROM orders WHERE state IN ('paying', 'succeeded', 'failed', 'unknown')
     AND (settle_date = ? OR settle_date IS NULL) ORDER BY order_id`,
    [settleDate],
  );
}

// ---- requests (the outbox)

/** Inserts a request about to be sent (status `outbox`); its id. */
export async function insertRequest(q, { orderId, kind, refundId = null, request, now }) {
  const id = sortableId();
  await q.run(
    `INSERT INTO requests (id, order_id, kind, refund_id, request, status, attempts, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'outbox', 0, ?, ?)`,
    [id, orderId, kind, refundId, request, now, now],
  );
  return id;
}

export async function request(q, id, { lock = false } = {}) {
  return q.get(`SELECT * FROM requests WHERE id = ?${lock ? q.forUpdate : ''}`, [id]);
}

/** Changes a request unless it is final already; whether it changed. */
export async function updateRequest(q, id, now, values) {
  const a = assignments(values, REQUEST_COLUMNS);
  const r = await q.run(`UPDATE requests SET ${a.sql}, updated_at = ? WHERE id = ? AND status <> 'final'`, [
    ...a.params,
    now,
    id,
  ]);
  return r.changes === 1;
}

/** The requests whose protocol orderId is `orderId` (an order's, or a refund's), oldest first. */
export async function requestsOf(q, orderId, kind) {
  if (kind) {
    return q.all('SELECT * FROM requests WHERE order_id = ? AND kind = ? ORDER BY created_at, id', [orderId, kind]);
  }
  return q.all('SELECT * FROM requests WHERE order_id = ? ORDER BY created_at, id', [orderId]);
}

export async function requestsWithStatus(q, status) {
  return q.all('SELECT * FROM requests WHERE status = ? ORDER BY created_at, id', [status]);
}

/** Waiting requests whose status query is due at `now`, soonest first. */
export async function dueRequests(q, now, limit) {
  return q.all(
    `SELECT * FROM requests WHERE status = 'waiting' AND query_at <= ? ORDER BY query_at, id LIMIT ${Number(limit)}`,
    [now],
  );
}

export async function unfinishedCount(q) {
  const r = await q.get(`SELECT COUNT(*) AS n FROM requests WHERE status IN ('outbox', 'waiting')`);
  return Number(r.n);
}

// ---- refunds

export async function insertRefund(q, refundId, orderId, amountFen, now) {
  await q.run(
    `INSERT INTO refunds (refund_id, order_id, amount_fen, state, created_at, updated_at)
     VALUES (?, ?, ?, 'sending', ?, ?)`,
    [refundId, orderId, amountFen, now, now],
  );
}

export async function refund(q, refundId) {
  return q.get('SELECT * FROM refunds WHERE refund_id = ?', [refundId]);
}

export async function refundsOf(q, orderId) {
  return q.all('SELECT * FROM refunds WHERE order_id = ? ORDER BY created_at, refund_id', [orderId]);
}

/** The refunds that may still move money: every one not failed. */
export async function refundedOrPendingFen(q, orderId) {
  const r = await q.get(
    `SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM refunds WHERE order_id = ? AND state <> 'failed'`,
    [orderId],
  );
  return Number(r.fen);
}

export async function updateRefund(q, refundId, now, values) {
  const a = assignments(values, REFUND_COLUMNS);
  await q.run(`UPDATE refunds SET ${a.sql}, updated_at = ? WHERE refund_id = ?`, [...a.params, now, refundId]);
}

/** Refunds of `settleDate` or not settled, with their order's queryId (origQryId). */
export async function refundsForBooks(q, settleDate) {
  return q.all(
    `SELECT r.*, o.query_id AS orig_query_id FROM refunds r JOIN orders o ON o.order_id = r.order_id
     WHERE r.settle_date = ? OR r.settle_date IS NULL ORDER BY r.refund_id`,
    [settleDate],
  );
}

// ---- notifications

/** Books a notification once (its key: orderId, txnType, queryId); whether it was new. */
export async function bookNotification(q, { orderId, txnType, queryId, respCode, now }) {
  const r = await q.run(
    `INSERT INTO notifications (order_id, txn_type, query_id, resp_code, received_at)
     VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id, txn_type, query_id) DO NOTHING`,
    [orderId, txnType, queryId, respCode, now],
  );
  return r.changes === 1;
}

export async function notificationsOf(q, orderIds) {
  if (orderIds.length === 0) return [];
  return q.all(
    `SELECT * FROM notifications WHERE order_id IN (${orderIds.map(() => '?').join(', ')}) ORDER BY received_at`,
    orderIds,
  );
}

// ---- events (the status page's history), counters, reports

let seq = 0;
/** A line of the order's history; `seq` keeps the order of lines written in one second. */
export async function event(q, orderId, now, text) {
  seq = (seq + 1) % 1000;
  await q.run('INSERT INTO events (id, order_id, at, seq, text) VALUES (?, ?, ?, ?, ?)', [
    sortableId(),
    orderId,
    now,
    Date.now() * 1000 + seq,
    text,
  ]);
}

export async function eventsOf(q, orderId) {
  return q.all('SELECT * FROM events WHERE order_id = ? ORDER BY seq', [orderId]);
}

export async function count(q, name, by = 1) {
  const r = await q.run('UPDATE counters SET value = value + ? WHERE name = ?', [by, name]);
  if (r.changes === 0) {
    await q.run('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, 0]);
    await q.run('UPDATE counters SET value = value + ? WHERE name = ?', [by, name]);
  }
}

export async function counters(q) {
  const rows = await q.all('SELECT name, value FROM counters');
  const out = Object.fromEntries(COUNTERS.map((n) => [n, 0]));
  for (const r of rows) out[r.name] = Number(r.value);
  return out;
}

export async function storeReport(q, settleDate, report, clean, now) {
  await q.run(
    `INSERT INTO reports (settle_date, report, clean, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (settle_date) DO UPDATE SET report = excluded.report, clean = excluded.clean,
     created_at = excluded.created_at`,
    [settleDate, JSON.stringify(report), clean ? 1 : 0, now],
  );
}

export async function report(q, settleDate) {
  const r = await q.get('SELECT report FROM reports WHERE settle_date = ?', [settleDate]);
  return r ? JSON.parse(r.report) : null;
}
