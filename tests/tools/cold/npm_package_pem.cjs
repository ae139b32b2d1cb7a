// Cold start, npm package with the key as PEM (what the plain baseline loads): require,
// MerchantKey.fromPem, sign one request (bench_cold.py).
const acp = require(process.env.ACP_NPM);
const fs = require('node:fs');
const key = acp.MerchantKey.fromPem(fs.readFileSync(process.env.ACP_PEM), fs.readFileSync(process.env.ACP_CERT));
const fields = JSON.parse(process.env.ACP_FIELDS);
if (!acp.signFields(fields, key).fields.signature) process.exit(1);
