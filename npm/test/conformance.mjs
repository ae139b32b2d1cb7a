// The JS runner of the shared conformance scenarios (tests/conformance/, whose README is
// the contract every runner follows), step for step as the Rust runner
// (bindings/sandbox/tests/conformance.rs), through the public API of the npm package only,
// with the package's own queryUntilFinal: its waits advance the sandbox clock.
// Prints `conformance js: N passed, M failed`; exits non-zero on a failure.
//
//   node npm/test/conformance.mjs      (ACP_BIN = the acp binary; default target/release/acp)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const testsDir = path.join(root, 'tests');
const read = (rel) => readFileSync(path.join(testsDir, rel));
const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let acp;
try {
  acp = await import('unionpay-acp');
} catch (e) {
  console.error(`conformance js: the npm package does not load (build it with bash npm/test.sh): ${e.message}`);
  console.log('conformance js: 0 passed, 1 failed');
  process.exit(1);
}
const { AcpError, Client, FORM_CONTENT_TYPE, readReconciliationArchive } = acp;

/** `acp sandbox --port 0 --notify-speed 1200` (the test helper's): resolves `{ base, stop }`. */
async function startSandbox() {
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
  const bin = process.env.ACP_BIN || path.join(targetDir, 'release/acp');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: cargo build --release -p acp-cli (or set ACP_BIN)`);
  const { startSandbox: spawnSandbox } = await import('./sandbox.mjs');
  const { baseUrl, stop } = await spawnSandbox({ bin, notifySpeed: 1200 });
  return { base: baseUrl, stop };
}

class StepError extends Error {}
const fail = (message) => {
  throw new StepError(message);
};
const show = (v) => JSON.stringify(v);

function expectEq(expect, key, got) {
  if (Object.hasOwn(expect, key) && !isDeepStrictEqual(expect[key], got)) {
    fail(`${key}: expected ${show(expect[key])}, got ${show(got)}`);
  }
}

function checkError(expect, e) {
  if (e instanceof AcpError && Object.hasOwn(expect, 'error') && expect.error === e.code) return;
  fail(`unexpected error ${e instanceof AcpError ? `${e.code} ${e.message}` : e?.stack ?? e}`);
}

function checkErrorAbsent(expect) {
  if (Object.hasOwn(expect, 'error')) fail(`expected error ${expect.error}, the step succeeded`);
}

function checkOutcome(expect, outcome) {
  checkErrorAbsent(expect);
  expectEq(expect, 'outcome', outcome ? outcome.name : null);
  expectEq(expect, 'decisiveCode', outcome ? outcome.decisiveCode : null);
  expectEq(expect, 'pendingReason', outcome ? outcome.pendingReason : null);
}

function checkStep(expect, step, now) {
  checkOutcome(expect, step.outcome);
  expectEq(expect, 'step', step.step);
  expectEq(expect, 'reason', step.reason);
  if (typeof step.at === 'number') expectEq(expect, 'queryAfter', step.at - now);
  else if (Object.hasOwn(expect, 'queryAfter')) fail('expected a query, there is none');
}

/** One scenario's run: its client, saved values and kept requests and steps. */
class Run {
  constructor(base, tag) {
    this.base = base;
    this.tag = tag;
    this.vars = new Map();
    this.kept = new Map();
    this.client = new Client({
      merId: '777290058110097',
      pfx: read('fixtures/sandbox/merchant.pfx'),
      password: '000000',
      environment: { baseUrl: base },
      trust: { roots: [read('fixtures/sandbox/root.pem')], middles: [read('fixtures/sandbox/middle.pem')] },
      encryptionCert: read('fixtures/sandbox/enc.pem'),
    });
    // The sandbox's clock, never the machine's; waiting advances it.
    this.now = async () => (await this.getJson('/_sandbox/clock')).unix * 1000;
    this.sleep = (ms) => this.admin('/_sandbox/clock', `advance=${Math.ceil(ms / 1000)}`);
  }

  async getJson(p) {
    const res = await fetch(`${this.base}${p}`, { signal: AbortSignal.timeout(5000) });
    return res.json();
  }

  async admin(p, form) {
    const res = await fetch(`${this.base}${p}`, {
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE },
      body: form,
      signal: AbortSignal.timeout(5000),
    });
    if (res.status !== 200) fail(`${p}: HTTP ${res.status} ${await res.text()}`);
  }

  /** `${…}` replaced (see the README). */
  async subst(text) {
    let out = '';
    let rest = text;
    for (let start = rest.indexOf('${'); start >= 0; start = rest.indexOf('${')) {
      out += rest.slice(0, start);
      const end = rest.indexOf('}', start);
      if (end < 0) fail(`unclosed \${ in ${text}`);
      out += await this.valueOf(rest.slice(start + 2, end));
      rest = rest.slice(end + 1);
    }
    return out + rest;
  }

  async valueOf(name) {
    if (name.startsWith('order:')) {
      const key = `order:${name.slice(6)}`;
      if (!this.vars.has(key)) this.vars.set(key, `${this.tag}${String(this.vars.size).padStart(4, '0')}`);
      return this.vars.get(key);
    }
    if (name === 'backUrl') return `${this.base}/_sandbox/sink`;
    if (name === 'settleDate') return String((await this.getJson('/_sandbox/clock')).clearingDate ?? '').slice(-4);
    if (!this.vars.has(name)) fail(`\${${name}} was never saved`);
    return this.vars.get(name);
  }

  async params(v) {
    const out = {};
    for (const [k, val] of Object.entries(v ?? {})) out[k] = await this.subst(String(val));
    return out;
  }

  async runStep(step) {
    const expect = step.expect ?? {};
    const name = step.as ?? '';
    switch (step.do) {
      case 'call':
      case 'build': {
        let request;
        try {
          request = this.client.build(step.api, await this.params(step.params), { now: await this.now() });
        } catch (e) {
          return checkError(expect, e);
        }
        this.saveRequest(step, request);
        if (step.do === 'build') {
          checkErrorAbsent(expect);
          this.kept.set(name, { request });
          return;
        }
        // `queryAfter` is counted from the now the planner was given (the Rust runner reads
        // the clock once more; a second boundary between the two reads would make it 0).
        let planned;
        const now = async () => {
          planned = await this.now();
          return planned;
        };
        let next;
        try {
          next = await this.client.exchange(request, { timeoutMs: step.timeoutMs ?? 5000, now });
        } catch (e) {
          return checkError(expect, e);
        }
        checkStep(expect, next, (planned ?? (await this.now())) / 1000);
        this.saveOutcome(step, next.outcome);
        this.kept.set(name, { request, step: next });
        return;
      }
      case 'until_final': {
        const from = this.kept.get(step.from);
        if (!from?.step) fail(`nothing kept under '${step.from}'`);
        let last;
        try {
          last = await this.client.queryUntilFinal(from.step, {
            maxQueries: step.maxQueries ?? 40,
            maxWaitMs: Infinity,
            timeoutMs: 5000,
            now: this.now,
            sleep: this.sleep,
          });
        } catch (e) {
          fail(`query: ${e instanceof AcpError ? e.message : e?.stack ?? e}`);
        }
        checkOutcome(expect, last.outcome);
        this.saveOutcome(step, last.outcome);
        this.kept.set(name, { final: last });
        return;
      }
      case 'notifications':
        return this.notifications(step, expect);
      case 'receive': {
        const body = await this.subst(step.body ?? '');
        const r = this.client.receiveNotification(body, { now: await this.now() });
        expectEq(expect, 'replyStatus', r.status);
        return r.error ? checkError(expect, r.error) : checkErrorAbsent(expect);
      }
      case 'key_update': {
        const { orderId } = await this.params(step.params);
        let result;
        try {
          result = await this.client.keyUpdateQuery({ orderId }, { timeoutMs: 5000, now: this.now });
        } catch (e) {
          fail(`key update: ${e.message}`);
        }
        expectEq(expect, 'kind', result.update.kind);
        expectEq(expect, 'certId', result.update.certId);
        this.client = result.client;
        return;
      }
      case 'decode_archive': {
        let got;
        try {
          got = readReconciliationArchive(read(step.file));
        } catch (e) {
          fail(e.message);
        }
        const file = path.join(testsDir, 'conformance', expect.json ?? '');
        const want = JSON.parse(readFileSync(file, 'utf8'));
        if (!isDeepStrictEqual(got, want)) fail(`the archive's JSON differs from ${file}`);
        return;
      }
      case 'file_transfer': {
        let outcome;
        try {
          outcome = await this.client.fileTransfer(await this.params(step.params), { timeoutMs: 5000, now: this.now });
        } catch (e) {
          fail(`file transfer: ${e.message}`);
        }
        let r;
        try {
          r = outcome.response.reconciliation();
        } catch (e) {
          fail(e.message);
        }
        for (const order of expect.zmOrders ?? []) {
          const id = await this.subst(order);
          if (!r.zm.some((z) => z.orderId === id)) fail(`no ZM record for order ${id}`);
        }
        if (step.books === undefined) return;
        let report;
        try {
          report = outcome.response.reconcile(await this.substValue(step.books));
        } catch (e) {
          fail(`reconcile: ${e.message}`);
        }
        return this.checkReport(expect, report);
      }
      case 'sandbox': {
        if (step.fault && typeof step.fault === 'object') {
          const form = new URLSearchParams();
          for (const [k, v] of Object.entries(step.fault)) form.append(k, await this.subst(String(v)));
          return this.admin('/_sandbox/faults', form.toString());
        }
        if (Number.isInteger(step.advance)) return this.admin('/_sandbox/clock', `advance=${step.advance}`);
        if (typeof step.rotate === 'string') return this.admin('/_sandbox/keys', `rotate=${step.rotate}`);
        return fail(`unknown sandbox step ${show(step)}`);
      }
      default:
        return fail(`unknown step '${step.do}'`);
    }
  }

  /** `value` with `${…}` replaced in every string inside it. */
  async substValue(value) {
    if (typeof value === 'string') return this.subst(value);
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.substValue(v)));
    if (value && typeof value === 'object') {
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = await this.substValue(v);
      return out;
    }
    return value;
  }

  /** `verdicts`, `resolutions` and `originals` (orderId → expected) against a reconciliation report. */
  async checkReport(expect, report) {
    const line = (order) => report.lines.find((l) => l.orderId === order);
    for (const [order, want] of Object.entries(expect.verdicts ?? {})) {
      const id = await this.subst(order);
      const got = line(id)?.verdict;
      if (got !== want) fail(`verdict of ${id}: expected ${want}, got ${got}`);
    }
    for (const [order, want] of Object.entries(expect.resolutions ?? {})) {
      const id = await this.subst(order);
      const l = line(id);
      if (!l || l.resolution !== want) fail(`resolution of ${id}: expected ${want}, got ${l?.resolution}`);
    }
    for (const [order, want] of Object.entries(expect.originals ?? {})) {
      const id = await this.subst(order);
      const wanted = await this.subst(want);
      const got = line(id)?.original?.orderId;
      if (got !== wanted) fail(`original of ${id}: expected ${wanted}, got ${got}`);
    }
  }

  async notifications(step, expect) {
    const kept = this.kept.get(step.for);
    if (!kept?.request) fail(`nothing kept under '${step.for}'`);
    const { request } = kept;
    const want = expect.count ?? 1;
    const started = Date.now();
    let found = [];
    while (Date.now() - started < 5000) {
      found = await this.notificationsFor(request);
      if (found.length >= want) {
        await sleepMs(200);
        found = await this.notificationsFor(request);
        break;
      }
      await sleepMs(50);
    }
    if (found.length !== want) fail(`${found.length} notifications, expected ${want}`);
    for (const n of found) {
      expectEq(expect, 'success', n.success);
      expectEq(expect, 'respCode', n.respCode);
      let next;
      try {
        next = this.client.nextStepAfterNotification(request, n, { now: await this.now() });
      } catch (e) {
        fail(e.message);
      }
      expectEq(expect, 'step', next.step);
    }
    if (step.save && found.length > 0) {
      for (const [v, p] of Object.entries(step.save)) {
        const key = String(p).replace(/^notification\./, '');
        this.vars.set(v, found[0].response.get(key) ?? '');
      }
    }
  }

  /** Every posted notification that verifies with this client and matches `request`. */
  async notificationsFor(request) {
    const out = [];
    for (const record of await this.getJson('/_sandbox/notifications')) {
      let n;
      try {
        n = this.client.verifyNotification(record.body ?? '', { now: await this.now() });
      } catch (e) {
        fail(`a posted notification does not verify: ${e.message}`);
      }
      if (n.matches(request)) out.push(n);
    }
    return out;
  }

  saveRequest(step, request) {
    for (const [v, p] of Object.entries(step.save ?? {})) {
      let value;
      if (p === 'request.orderId') value = request.fields.orderId;
      else if (p === 'request.txnTime') value = request.fields.txnTime;
      else if (p.startsWith('request.fields.')) value = request.fields[p.slice('request.fields.'.length)];
      else continue;
      if (value === undefined) fail(`the request has no ${p}`);
      this.vars.set(v, value);
    }
  }

  saveOutcome(step, outcome) {
    for (const [v, p] of Object.entries(step.save ?? {})) {
      let value;
      if (p === 'token') {
        try {
          value = outcome?.response.tokenPayData()?.token ?? undefined;
        } catch {
          value = undefined;
        }
      } else if (p.startsWith('response.')) {
        value = outcome?.response.get(p.slice('response.'.length));
      } else continue;
      if (value === undefined || value === null) fail(`the outcome has no ${p}`);
      this.vars.set(v, value);
    }
  }
}

const dir = path.join(testsDir, 'conformance/scenarios');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
let passed = 0;
let failed = 0;
let sandbox;
try {
  sandbox = await startSandbox();
} catch (e) {
  console.error(`conformance js: ${e.message}`);
  console.log(`conformance js: 0 passed, ${Math.max(files.length, 1)} failed`);
  process.exit(1);
}
try {
  for (const [i, file] of files.entries()) {
    const scenario = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const run = new Run(sandbox.base, `JS${process.pid % 10000}S${String(i).padStart(2, '0')}`);
    let n = 0;
    try {
      for (; n < (scenario.steps ?? []).length; n++) await run.runStep(scenario.steps[n]);
      passed += 1;
    } catch (e) {
      failed += 1;
      console.error(`conformance js: ${scenario.id} FAILED at step ${n}: ${e instanceof StepError ? e.message : e?.stack ?? e}`);
    }
  }
} finally {
  await sandbox.stop();
}
console.log(`conformance js: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
