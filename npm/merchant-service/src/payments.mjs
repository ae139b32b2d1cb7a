// What the service does with the library: orders, SMS, consume, refunds, notifications,
// the worker's status queries and the daily reconciliation, each state change in one
// transaction.
//
// The rule that makes a crash safe: a request is inserted into the outbox (status
// `outbox`) in the same transaction as the state change that causes it, and only then
// sent. What came back is applied in a second transaction through the library's planner
// (`nextStep`). A process killed in between leaves an `outbox` row, which the worker hands
// to the planner as a request that got no answer: a money request is then queried, never
// sent again. Every protocol decision is the library's; this file decides what to store.
import { AcpError, notificationReplyRetryLater, requestFromJson } from 'unionpay-acp';
import * as L from './ledger.mjs';

// What the library's step means for the order (consume, SMS) or the refund.
const CONSUME_STATE = { success: 'succeeded', failed: 'failed', waiting: 'paying', stopped: 'unknown' };
const SMS_STATE = { success: 'sms_sent', failed: 'created', waiting: 'created', stopped: 'created' };
const REFUND_STATE = { success: 'succeeded', failed: 'failed', waiting: 'pending', stopped: 'unknown' };
const BOOK_STATE = { succeeded: 'succeeded', failed: 'failed' }; // anything else: unknown

// orderId and refundId (the refund's own orderId): 8 to 32 letters and digits.
const ID = /^[A-Za-z0-9]{8,32}$/;

// The library's reply for "the notification could not be stored, send it again later"
// (the core's NotificationReply::retry_later).
export const RETRY_LATER = notificationReplyRetryLater();

/** A request the service refuses: an HTTP status and an error code for the API. */
export class Refused extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const seconds = (ms) => Math.floor(ms / 1000);
const hhmmss = (unix) => new Date(unix * 1000).toISOString().slice(11, 19);

export class Payments {
  /**
   * @param {object} deps
   * @param {Awaited<ReturnType<import('./db.mjs').openDatabase>>} deps.db
   * @param {import('unionpay-acp').Client} deps.client
   * @param {() => Promise<number>} deps.clock  now, epoch milliseconds
   * @param {string} deps.publicUrl  the service's base URL (backUrl = publicUrl/notify)
   */
  constructor({ db, client, clock, publicUrl }) {
    this.db = db;
    this.client = client;
    this.clock = clock;
    this.backUrl = `${publicUrl.replace(/\/$/, '')}/notify`;
  }

  // ---- orders

  async createOrder(orderId, amountFen, token) {
    if (typeof orderId !== 'string' || !ID.test(orderId)) throw new Refused(400, 'bad_order_id', 'orderId: 8-32 letters and digits');
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new Refused(400, 'bad_amount', 'amountFen must be a positive integer (fen)');
    if (typeof token !== 'string' || !token) throw new Refused(400, 'bad_token', 'token is required');
    const now = seconds(await this.clock());
    return this.db.tx(async (q) => {
      const created = await L.insertOrder(q, orderId, amountFen, token, now);
      const row = await L.order(q, orderId);
      if (!created && (Number(row.amount_fen) !== amountFen || row.token !== token)) {
        throw new Refused(409, 'order_conflict', 'the order exists with another amount or token');
      }
      if (created) await L.event(q, orderId, now, `order created: ${amountFen} fen`);
      return { created, order: await this.#view(q, row) };
    });
  }

  async sendSms(orderId) {
    const nowMs = await this.clock();
    const sending = await this.db.tx(async (q) => {
      const row = await this.#order(q, orderId, { lock: true });
      const sms = await L.requestsOf(q, orderId, 'sms');
      if (row.state === 'sms_sent' || sms.some((r) => r.status === 'outbox' || r.status === 'waiting')) return null;
      if (row.state !== 'created') throw new Refused(409, 'not_payable', `the order is ${row.state}`);
      const request = this.client.build(
        'sms_consume',
        { orderId, txnAmt: Number(row.amount_fen), token: row.token },
        { now: nowMs },
      );
      const id = await L.insertRequest(q, { orderId, kind: 'sms', request: JSON.stringify(request), now: seconds(nowMs) });
      await L.event(q, orderId, seconds(nowMs), 'SMS (77/02) written to the outbox');
      return { id, request };
    });
    if (sending) await this.#send(sending.id, sending.request, 'SMS');
    return this.orderView(orderId);
  }

  async pay(orderId, smsCode) {
    if (typeof smsCode !== 'string' || !smsCode) throw new Refused(400, 'bad_sms_code', 'smsCode is required');
    const nowMs = await this.clock();
    const sending = await this.db.tx(async (q) => {
      const row = await this.#order(q, orderId, { lock: true });
      // The consume goes out once, whatever is retried.
      if (['paying', 'succeeded', 'failed', 'unknown'].includes(row.state)) return null;
      if (row.state !== 'sms_sent') throw new Refused(409, 'not_payable', 'send the SMS first');
      const sms = (await L.requestsOf(q, orderId, 'sms')).filter((r) => r.outcome === 'success').at(-1);
      // The consume carries the SMS's txnTime: that pairs it with the code.
      const { txnTime } = requestFromJson(sms.request);
      const request = this.client.build(
        'consume',
        { orderId, txnTime, txnAmt: Number(row.amount_fen), token: row.token, smsCode, backUrl: this.backUrl },
        { now: nowMs },
      );
      const now = seconds(nowMs);
      const id = await L.insertRequest(q, { orderId, kind: 'consume', request: JSON.stringify(request), now });
      await L.updateOrder(q, orderId, now, { state: 'paying', txn_time: txnTime });
      await L.event(q, orderId, now, 'consume (01/01) written to the outbox');
      return { id, request };
    });
    if (sending) await this.#send(sending.id, sending.request, 'consume');
    return this.orderView(orderId);
  }

  async refund(orderId, refundId, amountFen) {
    if (typeof refundId !== 'string' || !ID.test(refundId)) {
      throw new Refused(400, 'bad_refund_id', "refundId: 8-32 letters and digits (it is the refund's orderId)");
    }
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new Refused(400, 'bad_amount', 'amountFen must be a positive integer (fen)');
    const nowMs = await this.clock();
    const now = seconds(nowMs);
    const decided = await this.db.tx(async (q) => {
      // Holds the order (FOR UPDATE; SQLite: BEGIN IMMEDIATE): one refund decided at a time.
      const row = await this.#order(q, orderId, { lock: true });
      const existing = await L.refund(q, refundId);
      if (existing) {
        if (existing.order_id !== orderId || Number(existing.amount_fen) !== amountFen) {
          throw new Refused(409, 'refund_conflict', 'the refundId exists with another order or amount');
        }
        return { created: false };
      }
      if (row.state !== 'succeeded' || !row.query_id) throw new Refused(409, 'not_refundable', `the order is ${row.state}`);
      if ((await L.refundedOrPendingFen(q, orderId)) + amountFen > Number(row.amount_fen)) {
        throw new Refused(409, 'refund_exceeds_paid', 'the refunds would exceed the paid amount');
      }
      const request = this.client.build(
        'refund',
        { orderId: refundId, origQryId: row.query_id, txnAmt: amountFen, backUrl: this.backUrl },
        { now: nowMs },
      );
      await L.insertRefund(q, refundId, orderId, amountFen, now);
      const id = await L.insertRequest(q, { orderId: refundId, kind: 'refund', refundId, request: JSON.stringify(request), now });
      await L.event(q, orderId, now, `refund ${refundId} (04/00, ${amountFen} fen) written to the outbox`);
      return { created: true, id, request };
    });
    if (decided.created) await this.#send(decided.id, decided.request, `refund ${refundId}`);
    const refund = await this.db.tx((q) => L.refund(q, refundId));
    return { created: decided.created, refund: refundView(refund) };
  }

  // ---- sending and applying the planner's steps

  /** POSTs an outbox request and applies the library's next step. */
  async #send(id, request, what) {
    let step;
    try {
      step = await this.client.exchange(request, { now: this.clock });
    } catch (e) {
      // What came back was not an answer the library could use (or the POST was aborted):
      // for the planner that is no answer.
      if (!(e instanceof Error)) throw e;
      step = this.client.nextStep(request, null, { now: await this.clock() });
    }
    await this.apply(id, step, { sent: 'requestsSent', what: `${what} sent` });
  }

  /**
   * The library's next step for a request, applied to it and to its order or refund in
   * one transaction. A final request is never changed again (a notification or an
   * earlier answer settled it).
   */
  async apply(id, step, { sent = null, what = '' } = {}) {
    const now = seconds(await this.clock());
    await this.db.tx(async (q) => {
      if (sent) await L.count(q, sent);
      const row = await L.request(q, id, { lock: true });
      if (!row || row.status === 'final') return;
      const values = { attempts: Number(row.attempts) + (sent ? 1 : 0) };
      const outcome = step.outcome;
      if (outcome) {
        values.resp_code = outcome.decisiveCode || row.resp_code;
        values.query_id = outcome.response.queryId ?? row.query_id;
        values.settle_date = outcome.response.get('settleDate') ?? row.settle_date;
      }
      let result;
      if (step.step === 'final') {
        Object.assign(values, { status: 'final', outcome: outcome.name, next_query: null, query_at: null });
        result = outcome.name === 'success' ? 'success' : 'failed';
      } else if (step.step === 'query') {
        Object.assign(values, { status: 'waiting', next_query: JSON.stringify(step.query), query_at: step.at });
        if (outcome) values.outcome = outcome.name;
        result = 'waiting';
      } else {
        Object.assign(values, { status: 'stopped', outcome: `stop:${step.reason}`, next_query: null, query_at: null });
        result = 'stopped';
      }
      if (!(await L.updateRequest(q, id, now, values))) return;
      const orderId = await this.#propagate(q, row, result, values, now);
      await L.event(q, orderId, now, describe(row, what, step, sent !== null));
    });
  }

  /** The request's result on its order or refund; the order's id (for its history). */
  async #propagate(q, row, result, values, now) {
    if (row.kind === 'refund') {
      const refund = await L.refund(q, row.refund_id);
      await L.updateRefund(q, row.refund_id, now, {
        state: REFUND_STATE[result],
        query_id: values.query_id ?? undefined,
        resp_code: values.resp_code ?? undefined,
        settle_date: values.settle_date ?? undefined,
      });
      return refund.order_id;
    }
    if (row.kind === 'sms') {
      const order = await L.order(q, row.order_id);
      // A late SMS result never moves an order that is paying back.
      if (order.state === 'created' || order.state === 'sms_sent') {
        await L.updateOrder(q, row.order_id, now, { state: SMS_STATE[result], resp_code: values.resp_code ?? undefined });
      }
      return row.order_id;
    }
    await L.updateOrder(q, row.order_id, now, {
      state: CONSUME_STATE[result],
      resp_code: values.resp_code ?? undefined,
      query_id: values.query_id ?? undefined,
      settle_date: values.settle_date ?? undefined,
    });
    return row.order_id;
  }

  // ---- the worker's part

  /**
   * Requests a dead process wrote and may have sent: the planner's step for a request
   * that got no answer (a money request is queried on its schedule, never sent again).
   * Run before the service takes requests, so every `outbox` row is a dead process's.
   */
  async recover() {
    const orphans = await this.db.tx(async (q) => {
      const rows = await L.requestsWithStatus(q, 'outbox');
      if (rows.length) await L.count(q, 'recovered', rows.length);
      return rows;
    });
    for (const row of orphans) {
      const step = this.client.nextStep(row.request, null, { now: await this.clock() });
      await this.apply(row.id, step, { what: `${row.kind} found in the outbox after a restart (its answer is unknown)` });
    }
    return orphans.length;
  }

  /** Waiting requests whose status query is due now (at most `limit`, none of `skip`). */
  async dueRequests(limit, skip) {
    const now = seconds(await this.clock());
    const rows = await this.db.tx((q) => L.dueRequests(q, now, limit + skip.size));
    return rows.filter((r) => !skip.has(r.id)).slice(0, limit);
  }

  /** POSTs a waiting request's status query and applies the library's next step. */
  async queryOne(row) {
    const query = requestFromJson(row.next_query);
    let step;
    try {
      step = await this.client.exchange(query, { now: this.clock });
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      step = this.client.nextStep(query, null, { now: await this.clock() });
    }
    const label = row.kind === 'refund' ? `refund ${row.refund_id}` : row.kind;
    await this.apply(row.id, step, { sent: 'queriesSent', what: `${label}: status query ${query.attempt}` });
  }

  // ---- notifications

  /**
   * The library's receipt for a POST to backUrl, booked once (orderId, txnType,
   * queryId); what to answer. Not stored (the database failed): the retry-later reply,
   * so UnionPay sends it again.
   */
  async receiveNotification(rawBody) {
    let nowMs;
    try {
      nowMs = await this.clock();
    } catch {
      return RETRY_LATER; // the (test) clock is away: nothing was read, ask again later
    }
    const receipt = this.client.receiveNotification(rawBody, { now: nowMs });
    const n = receipt.notification;
    if (!n) return { status: receipt.status, body: receipt.body };
    const now = seconds(nowMs);
    const key = n.orderId ?? '';
    let matching;
    try {
      matching = await this.db.tx(async (q) => {
        await L.count(q, 'notificationsReceived');
        const booked = await L.bookNotification(q, {
          orderId: key,
          txnType: n.txnType,
          queryId: n.queryId ?? '',
          respCode: n.respCode,
          now,
        });
        await L.count(q, booked ? 'notificationsBooked' : 'duplicateNotifications');
        // The money requests it is about (an SMS gets no notification).
        const rows = (await L.requestsOf(q, key)).filter((r) => r.kind !== 'sms' && n.matches(r.request));
        const orderId = rows[0]?.refund_id ? (await L.refund(q, rows[0].refund_id)).order_id : key;
        if (rows.length) {
          await L.event(q, orderId, now, `notification ${n.txnType}, respCode ${n.respCode}${booked ? '' : ' (a repeat)'}`);
        }
        return rows.filter((r) => r.status !== 'final');
      });
    } catch {
      return RETRY_LATER;
    }
    // Booked: the planner's step after it (a status query now, to confirm it).
    for (const row of matching) {
      try {
        await this.apply(row.id, this.client.nextStepAfterNotification(row.request, n, { now: nowMs }), {
          what: `${row.kind === 'refund' ? `refund ${row.refund_id}` : row.kind}: confirming the notification`,
        });
      } catch {
        // Booked and answered; the worker's schedule still holds the request.
      }
    }
    return { status: receipt.status, body: receipt.body };
  }

  // ---- reconciliation

  /** Downloads the file of `settleDate` (76), compares it with the books, stores the report. */
  async reconcile(settleDate) {
    if (typeof settleDate !== 'string' || !/^\d{4}$/.test(settleDate)) throw new Refused(400, 'bad_settle_date', 'settleDate is MMDD');
    let outcome;
    try {
      outcome = await this.client.fileTransfer({ settleDate }, { now: this.clock });
    } catch (e) {
      if (e instanceof AcpError) throw e;
      throw new Refused(502, 'file_transfer_failed', `the file transfer of ${settleDate}: ${e.message}`);
    }
    if (outcome.name !== 'success') {
      throw new Refused(502, 'file_transfer_failed', `the file transfer of ${settleDate}: ${outcome.name} ${outcome.decisiveCode}`);
    }
    const now = seconds(await this.clock());
    return this.db.tx(async (q) => {
      const books = await this.#books(q, settleDate);
      const result = outcome.response.reconcile(books);
      const resolved = await this.#followTheFile(q, result.lines, now);
      const report = { settleDate, clean: result.clean, summary: result.summary, lines: result.lines, resolved };
      await L.storeReport(q, settleDate, report, result.clean, now);
      return report;
    });
  }

  /**
   * The books follow the file where the library says it decides (a line's `resolution`):
   * a settled line is succeeded; an unknown one absent from the file is failed, but only
   * once the planner has stopped querying it.
   */
  async #followTheFile(q, lines, now) {
    const resolved = [];
    for (const line of lines) {
      const kind = { '01': 'consume', '04': 'refund' }[line.txnType];
      if (!line.resolution || !kind) continue;
      const rows = await L.requestsOf(q, line.orderId, kind);
      if (!rows.length || rows.some((r) => r.status === 'outbox' || r.status === 'waiting')) continue;
      const result = line.resolution === 'succeeded' ? 'success' : 'failed';
      for (const row of rows) {
        const values = { status: 'final', outcome: `${result}:file`, query_id: line.queryId ?? row.query_id };
        await L.updateRequest(q, row.id, now, values);
        const orderId = await this.#propagate(q, row, result, { ...values, resp_code: row.resp_code, settle_date: row.settle_date }, now);
        await L.event(q, orderId, now, `the reconciliation file decides: ${line.resolution}`);
      }
      resolved.push({ orderId: line.orderId, txnType: line.txnType, state: line.resolution });
    }
    return resolved;
  }

  async #books(q, settleDate) {
    const orders = (await L.ordersForBooks(q, settleDate)).map((o) => ({
      orderId: o.order_id,
      txnType: '01',
      amountFen: Number(o.amount_fen),
      queryId: o.query_id,
      state: BOOK_STATE[o.state] ?? 'unknown',
    }));
    const refunds = (await L.refundsForBooks(q, settleDate)).map((r) => ({
      orderId: r.refund_id,
      txnType: '04',
      amountFen: Number(r.amount_fen),
      queryId: r.query_id,
      origQueryId: r.orig_query_id,
      state: BOOK_STATE[r.state] ?? 'unknown',
    }));
    return [...orders, ...refunds];
  }

  async report(settleDate) {
    return this.db.tx((q) => L.report(q, settleDate));
  }

  // ---- views

  async orderView(orderId) {
    return this.db.tx(async (q) => this.#view(q, await this.#order(q, orderId)));
  }

  /** Everything the status page shows of an order. */
  async orderLife(orderId) {
    return this.db.tx(async (q) => {
      const row = await L.order(q, orderId);
      if (!row) return null;
      const refunds = await L.refundsOf(q, orderId);
      const requests = [await L.requestsOf(q, orderId)];
      for (const r of refunds) requests.push(await L.requestsOf(q, r.refund_id, 'refund'));
      const notifications = await L.notificationsOf(q, [orderId, ...refunds.map((r) => r.refund_id)]);
      return { order: row, refunds, requests: requests.flat(), notifications, events: await L.eventsOf(q, orderId) };
    });
  }

  async stats() {
    return this.db.tx(async (q) => ({ ...(await L.counters(q)), unfinished: await L.unfinishedCount(q) }));
  }

  async #order(q, orderId, { lock = false } = {}) {
    const row = await L.order(q, orderId, { lock });
    if (!row) throw new Refused(404, 'no_such_order', `no order ${orderId}`);
    return row;
  }

  async #view(q, row) {
    const refunds = await L.refundsOf(q, row.order_id);
    return {
      orderId: row.order_id,
      amountFen: Number(row.amount_fen),
      state: row.state,
      queryId: row.query_id,
      respCode: row.resp_code,
      settleDate: row.settle_date,
      refundedFen: refunds.filter((r) => r.state === 'succeeded').reduce((s, r) => s + Number(r.amount_fen), 0),
      refunds: refunds.map(refundView),
    };
  }
}

function refundView(r) {
  return {
    refundId: r.refund_id,
    orderId: r.order_id,
    amountFen: Number(r.amount_fen),
    state: r.state,
    queryId: r.query_id,
  };
}

/** One line of an order's history for a step (`posted`: after a POST, with what came back). */
function describe(row, what, step, posted) {
  const o = step.outcome;
  const reason = o?.pendingReason ? `, ${o.pendingReason}` : '';
  const answer = o ? `${o.name}${reason} (${o.decisiveCode}${o.decisiveMsg ? ` ${o.decisiveMsg}` : ''})` : 'no usable answer';
  const next =
    step.step === 'final'
      ? 'final'
      : step.step === 'query'
        ? `status query ${step.query.attempt} at ${hhmmss(step.at)}`
        : `stop: ${step.reason}`;
  const label = row.kind === 'refund' ? `refund ${row.refund_id}` : row.kind;
  return posted ? `${what || label}: ${answer}; next: ${next}` : `${what || label}; next: ${next}`;
}
