// Test helpers: the `acp sandbox` process and a loopback notification receiver.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { readRawBody } from 'unionpay-acp';

/** The `acp` binary (ACP_BIN, set by npm/test.sh), or null when it is absent. */
export const ACP_BIN = process.env.ACP_BIN && existsSync(process.env.ACP_BIN) ? process.env.ACP_BIN : null;

export const SKIP_WITHOUT_SANDBOX = ACP_BIN
  ? false
  : 'the acp binary (acp sandbox) is absent: run npm/test.sh, or set ACP_BIN=path/to/acp';

/**
 * Starts `acp sandbox --port 0` on 127.0.0.1 (`bin`: the acp binary, default ACP_BIN;
 * `notifySpeed`: how much faster than real time notifications are retried; `tls`: serve
 * HTTPS with the sandbox's test CA, `--tls`); resolves `{ baseUrl, stop }`.
 */
export async function startSandbox({ bin = ACP_BIN, notifySpeed = 600, tls = false } = {}) {
  const args = ['sandbox', '--port', '0', '--bind', '127.0.0.1', '--exit-on-eof', '--notify-speed', String(notifySpeed)];
  if (tls) args.push('--tls');
  const child = spawn(bin, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const baseUrl = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    child.once('exit', (code) => reject(new Error(`acp sandbox exited (${code}): ${stderr}`)));
    child.once('error', reject);
  });
  return {
    baseUrl,
    async stop() {
      child.stdin.end(); // --exit-on-eof: a clean shutdown
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      if (child.exitCode === null) await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

/** A loopback HTTP server that keeps every raw body POSTed to it and answers 200. */
export async function startInbox() {
  const bodies = [];
  const waiters = [];
  const server = createServer(async (req, res) => {
    const body = await readRawBody(req);
    bodies.push({ path: req.url, body });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    for (const w of waiters.splice(0)) w();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    bodies,
    /** Resolves with the first raw body for which `accept(body)` is true. */
    async next(accept, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = bodies.find((b) => accept(b.body));
        if (hit) return hit.body;
        if (Date.now() > deadline) throw new Error('no notification arrived in time');
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

let counter = 0;
/** A fresh orderId (8–32 letters or digits). */
export const orderId = (prefix = 'JS') => `${prefix}${Date.now()}${process.pid % 1000}${String(counter++).padStart(3, '0')}`;

/** Adds a fault rule to the sandbox (`POST /_sandbox/faults`). */
export async function addFault(baseUrl, rule) {
  const res = await fetch(`${baseUrl}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(rule).toString(),
  });
  if (res.status !== 200) throw new Error(`fault rule refused: ${await res.text()}`);
}
