// The HTTP API (tests/merchant/README.md) on Fastify, and the service's assembly:
// database, library client, clock, worker.
import Fastify from 'fastify';
import { AcpError, Client } from 'unionpay-acp';
import { openDatabase } from './db.mjs';
import { dayPage, orderPage } from './pages.mjs';
import { Payments, Refused } from './payments.mjs';
import { Worker } from './worker.mjs';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * `fetch` with at most `limit` requests under way; the others wait their turn (or their
 * signal). A gateway takes so many connections at once (the sandbox 64): a burst of
 * payments queues here instead of being turned away.
 */
export function limitedFetch(limit, inner = globalThis.fetch) {
  let running = 0;
  const waiting = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async (url, init = {}) => {
    if (running >= limit) {
      await new Promise((resolve, reject) => {
        const go = () => {
          init.signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = () => {
          const i = waiting.indexOf(go);
          if (i >= 0) waiting.splice(i, 1);
          reject(init.signal.reason);
        };
        init.signal?.addEventListener('abort', abort, { once: true });
        waiting.push(go);
      });
    }
    running++;
    try {
      const res = await inner(url, init);
      // The body is read by the caller: hold the slot until it is.
      const body = await res.arrayBuffer();
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } finally {
      release();
    }
  };
}

/** The system clock, or (tests) the sandbox's, whose time the tests move: epoch ms. */
export function makeClock(url, fetcher = globalThis.fetch) {
  if (!url) return async () => Date.now();
  return async () => {
    let last;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const res = await fetcher(url, { signal: AbortSignal.timeout(5000) });
        if (res.ok) return Number((await res.json()).unix) * 1000;
        last = new Error(`the clock at ${url} answered ${res.status}`);
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
    throw last;
  };
}

export function makeClient(config, fetcher = globalThis.fetch) {
  const certs = config.trustPem.match(PEM) ?? [];
  if (certs.length < 2) throw new Error('merchant-service: ACP_TRUST_PEM must hold the root and the middle certificate');
  return new Client({
    merId: config.merId,
    environment: { baseUrl: config.gateway },
    trust: { roots: [certs[0]], middles: certs.slice(1) },
    pfx: config.key.pfx,
    password: config.key.password,
    encryptionCert: config.encCert,
    timeoutMs: 10_000,
    fetch: fetcher,
  });
}

/**
 * The service: `{ app, payments, worker, start(), stop() }`. `start()` migrates, recovers
 * the outbox, listens and starts the worker; it resolves the base URL.
 */
export async function createService(config, { log = (msg) => console.error(msg) } = {}) {
  const db = await openDatabase(config.databaseUrl);
  // One queue for everything sent to the gateway (and, in tests, its clock).
  const fetcher = limitedFetch(config.gatewayConnections ?? 32);
  const clock = makeClock(config.clockUrl, fetcher);
  const client = makeClient(config, fetcher);
  const payments = new Payments({ db, client, clock, publicUrl: config.publicUrl ?? `http://127.0.0.1:${config.port}` });
  const worker = new Worker(payments, { intervalMs: config.workerIntervalMs, log });
  // No request logging: bodies carry tokens and SMS codes.
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });

  // UnionPay's notification: the raw bytes, as the library verifies them.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // JSON; an empty body is `{}` (POST …/sms has none).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (!body.trim()) return done(null, {});
    try {
      done(null, JSON.parse(body));
    } catch {
      done(new Refused(400, 'bad_json', 'the body is not JSON'));
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((e, _req, reply) => {
    if (e instanceof Refused) return reply.code(e.status).send({ error: e.code, message: e.message });
    if (e instanceof AcpError) return reply.code(400).send({ error: `acp_${e.code}`, message: e.message });
    if (e.statusCode && e.statusCode < 500) return reply.code(e.statusCode).send({ error: e.code ?? 'bad_request', message: e.message });
    log(`merchant-service: ${e.message}`);
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not_found', message: 'no such endpoint' }));

  const json = (body) => {
    if (body === null || typeof body !== 'object' || Buffer.isBuffer(body) || Array.isArray(body)) {
      throw new Refused(400, 'bad_json', 'the body must be a JSON object');
    }
    return body;
  };

  app.get('/health', async () => ({ ok: true }));

  app.post('/orders', async (req, reply) => {
    const b = json(req.body ?? {});
    const { created, order } = await payments.createOrder(b.orderId, b.amountFen, b.token);
    return reply.code(created ? 201 : 200).send(order);
  });
  app.get('/orders/:orderId', async (req) => payments.orderView(req.params.orderId));
  app.post('/orders/:orderId/sms', async (req) => payments.sendSms(req.params.orderId));
  app.post('/orders/:orderId/pay', async (req) => payments.pay(req.params.orderId, json(req.body ?? {}).smsCode));
  app.post('/orders/:orderId/refunds', async (req, reply) => {
    const b = json(req.body ?? {});
    const { created, refund } = await payments.refund(req.params.orderId, b.refundId, b.amountFen);
    return reply.code(created ? 201 : 200).send(refund);
  });

  app.post('/notify', async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : '');
    const { status, body } = await payments.receiveNotification(raw);
    return reply.code(status).type('text/plain; charset=utf-8').send(body);
  });

  app.post('/days/:settleDate/reconcile', async (req) => payments.reconcile(req.params.settleDate));
  app.get('/days/:settleDate', async (req) => {
    const report = await payments.report(req.params.settleDate);
    if (!report) throw new Refused(404, 'no_report', `no reconciliation of ${req.params.settleDate} yet`);
    return report;
  });

  app.get('/status/orders/:orderId', async (req, reply) => {
    const life = await payments.orderLife(req.params.orderId);
    reply.type('text/html; charset=utf-8');
    return life ? orderPage(life) : reply.code(404).send('no such order');
  });
  app.get('/status/days/:settleDate', async (req, reply) => {
    const report = await payments.report(req.params.settleDate);
    reply.type('text/html; charset=utf-8');
    return report ? dayPage(report) : reply.code(404).send('no report');
  });
  app.get('/stats', async () => payments.stats());

  return {
    app,
    payments,
    worker,
    async start() {
      const recovered = await payments.recover();
      if (recovered) log(`merchant-service: ${recovered} request(s) recovered from the outbox`);
      const address = await app.listen({ host: '127.0.0.1', port: config.port });
      if (!config.publicUrl && config.port === 0) {
        // Port 0: backUrl can only name the port now.
        payments.backUrl = `${address}/notify`;
      }
      worker.start();
      return address;
    },
    async stop() {
      await worker.stop();
      await app.close();
      await db.close();
    },
  };
}
