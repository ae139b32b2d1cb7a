// Cold start, npm package: require, load the PFX, sign one request (bench_cold.py).
const acp = require(process.env.ACP_NPM);
const fs = require('node:fs');
const key = acp.MerchantKey.fromPkcs12(fs.readFileSync(process.env.ACP_PFX), '000000');
const fields = JSON.parse(process.env.ACP_FIELDS);
if (!acp.signFields(fields, key).fields.signature) process.exit(1);
