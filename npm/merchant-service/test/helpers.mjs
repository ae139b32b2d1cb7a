// Test helpers: the `acp sandbox`, a throwaway PostgreSQL cluster, the service as a child
// process (so it can be killed with SIGKILL), and a token opened with the library.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'unionpay-acp';

export const here = fileURLToPath(new URL('..', import.meta.url));
export const root = join(here, '..', '..');
export const fixture = (name) => join(root, 'tests', 'fixtures', 'sandbox', name);

/** The `acp` binary: ACP_BIN, else the workspace's release or debug build; null if absent. */
export const ACP_BIN =
  [process.env.ACP_BIN, join(root, 'target/release/acp'), join(root, 'target/debug/acp')].find(
    (p) => p && existsSync(p),
  ) ?? null;

/** Reads the first stdout line of a child (its URL). */
async function firstLine(child, what) {
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.stdout.off('data', onData);
        resolve(out.slice(0, nl).trim());
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}): ${stderr}`)));
    child.once('error', reject);
  });
}

/** `acp sandbox` on a free loopback port: `{ baseUrl, post(path, form), get(path), stop() }`. */
export async function startSandbox() {
  const child = spawn(ACP_BIN, ['sandbox', '--port', '0', '--exit-on-eof', '--notify-speed', '600'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const baseUrl = await firstLine(child, 'acp sandbox');
  child.stdout.resume();
  return {
    baseUrl,
    async get(path) {
      const res = await fetch(`${baseUrl}${path}`);
      return res.headers.get('content-type')?.includes('json') ? res.json() : res.text();
    },
    async post(path, form) {
      const res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.headers.get('content-type')?.includes('json') ? res.json() : res.text();
    },
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      if (child.exitCode === null) await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
/** Why PostgreSQL cannot be started here, or null when it can. */
export const SKIP_WITHOUT_POSTGRES = existsSync(`${PG_BIN}/initdb`)
  ? null
  : `PostgreSQL 15 is absent (${PG_BIN}/initdb)`;

/**
 * A throwaway PostgreSQL cluster in a temporary directory, run as the `postgres` user when
 * we are root (initdb refuses root); resolves `{ url, stop() }`.
 */
export async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'merchant-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd, args) =>
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  run(`${PG_BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const start = () =>
    run(`${PG_BIN}/pg_ctl`, [
      '-D', data, '-l', join(dir, 'log'), '-w', '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`,
      'start',
    ]);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    /** Stops the server (the service's database goes away) … */
    pause: () => run(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop']),
    /** … and starts it again on the same port. */
    resume: start,
    async stop() {
      try {
        run(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The sandbox merchant's files and settings for the service's environment. */
export function serviceEnv(sandbox, trustFile, databaseUrl) {
  return {
    PORT: '0',
    DATABASE_URL: databaseUrl,
    ACP_GATEWAY: sandbox.baseUrl,
    ACP_TRUST_PEM: trustFile,
    ACP_ENC_CERT: fixture('enc.pem'),
    ACP_PFX: fixture('merchant.pfx'),
    ACP_PFX_PASSWORD: '000000',
    ACP_MER_ID: '777290058110097',
    ACP_CLOCK_URL: `${sandbox.baseUrl}/_sandbox/clock`,
    WORKER_INTERVAL_MS: '100',
  };
}

/** `node src/main.mjs` with `env`: `{ url, api(method, path, body), kill(), stop() }`. */
export async function startService(env) {
  const child = spawn(process.execPath, [join(here, 'src/main.mjs')], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await firstLine(child, 'merchant service');
  child.stdout.resume();
  const api = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // HTML or text
    }
    return { status: res.status, json, text };
  };
  return {
    url,
    api,
    /** SIGKILL: no cleanup, as a crash. */
    async kill() {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The sandbox's root + middle PEM, in a file of `dir`. */
export async function trustFile(sandbox, dir) {
  const file = join(dir, 'trust.pem');
  writeFileSync(file, await sandbox.get('/_sandbox/trust'));
  return file;
}

export const CARD = { accNo: '6221558812340000', phoneNo: '13552535506', cvn2: '123', expired: '2311' };

let n = 0;
export const newId = (prefix) => `${prefix}${Date.now()}${process.pid % 1000}${n++}`;

/** Opens the test card with the library (SMS 77/00 + back open 79/00): its token. */
export async function openToken(sandbox, trust) {
  const pems = readFileSync(trust, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  const client = new Client({
    merId: '777290058110097',
    pfx: readFileSync(fixture('merchant.pfx')),
    password: '000000',
    environment: { baseUrl: sandbox.baseUrl },
    trust: { roots: [pems[0]], middles: pems.slice(1) },
    encryptionCert: readFileSync(fixture('enc.pem')),
  });
  const orderId = newId('OPEN');
  const sms = await client.smsOpen({ orderId, accNo: CARD.accNo, phoneNo: CARD.phoneNo });
  if (!sms.success) throw new Error(`sms_open: ${sms.decisiveCode}`);
  const opened = await client.backOpen({ orderId, txnTime: sms.request.txnTime, ...CARD, smsCode: '111111' });
  if (!opened.success) throw new Error(`back_open: ${opened.decisiveCode}`);
  return opened.response.tokenPayData().token;
}

/** Polls `check()` until it returns a truthy value (advancing nothing), or fails. */
export async function until(what, check, { timeoutMs = 30_000, everyMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export { mkdtempSync, rmSync, tmpdir, join };
