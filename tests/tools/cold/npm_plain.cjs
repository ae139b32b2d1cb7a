// Cold start, the same job in plain JS on node:crypto (bench_cold.py). node:crypto cannot
// read a PKCS#12 file, so it loads the same key as PEM (cheaper than the PFX: no KDF).
const crypto = require('node:crypto');
const fs = require('node:fs');
const key = crypto.createPrivateKey(fs.readFileSync(process.env.ACP_PEM));
const f = { ...JSON.parse(process.env.ACP_FIELDS), certId: '7000000000031', signMethod: '01' };
const canonical = Object.keys(f).sort().filter((k) => f[k] !== '').map((k) => `${k}=${f[k]}`).join('&');
const digest = crypto.createHash('sha256').update(canonical).digest('hex');
f.signature = crypto.sign('sha256', Buffer.from(digest), key).toString('base64');
if (!f.signature) process.exit(1);
