// The read-only status pages: an order's life and a day's report. Everything printed is
// HTML-escaped; the token is masked and no card data is stored, so none can be shown.

const escape = (v) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const time = (unix) => (unix == null ? '' : new Date(Number(unix) * 1000).toISOString().replace('.000Z', 'Z'));

/** The first and last 4 characters of a token. */
export const maskToken = (token) => (token && token.length > 12 ? `${token.slice(0, 4)}…${token.slice(-4)}` : '****');

function table(headers, rows) {
  if (rows.length === 0) return '<p class="none">none</p>';
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}th{background:#f3f3f3}.none{color:#888}</style>
</head><body>
<h1>${escape(title)}</h1>
${body}
</body></html>
`;
}

/** @param {Awaited<ReturnType<import('./payments.mjs').Payments['orderLife']>>} life */
export function orderPage(life) {
  const { order: o, refunds, requests, notifications, events } = life;
  return page(
    `Order ${o.order_id}`,
    [
      table(
        ['amount (fen)', 'state', 'queryId', 'respCode', 'txnTime', 'settleDate', 'token', 'created', 'updated'],
        [[o.amount_fen, o.state, o.query_id, o.resp_code, o.txn_time, o.settle_date, maskToken(o.token), time(o.created_at), time(o.updated_at)]],
      ),
      '<h2>Refunds</h2>',
      table(
        ['refundId', 'amount (fen)', 'state', 'queryId', 'respCode', 'settleDate', 'created'],
        refunds.map((r) => [r.refund_id, r.amount_fen, r.state, r.query_id, r.resp_code, r.settle_date, time(r.created_at)]),
      ),
      '<h2>Requests (the outbox)</h2>',
      table(
        ['kind', 'orderId', 'status', 'POSTs', 'outcome', 'respCode', 'queryId', 'next query at', 'created', 'updated'],
        requests.map((r) => [
          r.kind, r.order_id, r.status, r.attempts, r.outcome, r.resp_code, r.query_id, time(r.query_at), time(r.created_at), time(r.updated_at),
        ]),
      ),
      '<h2>Notifications</h2>',
      table(
        ['orderId', 'txnType', 'queryId', 'respCode', 'received'],
        notifications.map((n) => [n.order_id, n.txn_type, n.query_id, n.resp_code, time(n.received_at)]),
      ),
      '<h2>History</h2>',
      table(['at', 'what'], events.map((e) => [time(e.at), e.text])),
    ].join('\n'),
  );
}

export function dayPage(report) {
  const summary = Object.entries(report.summary).map(([k, v]) => [k, v]);
  return page(
    `Reconciliation of ${report.settleDate}: ${report.clean ? 'clean' : 'NOT clean'}`,
    [
      table(['verdict', 'count'], summary),
      '<h2>Lines</h2>',
      table(
        ['verdict', 'orderId', 'txnType', 'queryId', 'books (fen)', 'file (fen)', 'book state', 'original'],
        report.lines.map((l) => [
          l.verdict, l.orderId, l.txnType, l.queryId, l.bookAmountFen, l.fileAmountFen, l.bookState,
          l.original ? `${l.original.orderId ?? ''} ${l.original.queryId}${l.original.inFile ? '' : ' (not in file)'}` : '',
        ]),
      ),
    ].join('\n'),
  );
}
