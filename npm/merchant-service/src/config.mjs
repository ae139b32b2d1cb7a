// The service's settings, from the environment (tests/merchant/README.md lists them).
import { readFileSync } from 'node:fs';

export function configFromEnv(env = process.env) {
  const required = (name) => {
    const value = env[name];
    if (!value) throw new Error(`merchant-service: ${name} is required (see npm/merchant-service/README.md)`);
    return value;
  };
  const port = Number(env.PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('merchant-service: PORT must be a port number');
  const config = {
    port,
    databaseUrl: env.DATABASE_URL || 'sqlite:///merchant.db',
    gateway: required('ACP_GATEWAY'),
    trustPem: readFileSync(required('ACP_TRUST_PEM'), 'utf8'),
    encCert: readFileSync(required('ACP_ENC_CERT')),
    merId: env.ACP_MER_ID || '777290058110097',
    clockUrl: env.ACP_CLOCK_URL || null,
    publicUrl: env.PUBLIC_URL || null, // null: http://127.0.0.1:<the port it listens on>
    workerIntervalMs: Number(env.WORKER_INTERVAL_MS ?? 200),
  };
  // The key and its password stay out of the object that could be printed.
  const pfx = readFileSync(required('ACP_PFX'));
  const password = required('ACP_PFX_PASSWORD');
  Object.defineProperty(config, 'key', { value: { pfx, password }, enumerable: false });
  return config;
}
