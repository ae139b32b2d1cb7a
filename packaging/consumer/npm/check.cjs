// CommonJS: require() of the installed tarball loads both wasm modules.
const acp = require('unionpay-acp');
const fs = require('node:fs');
if (typeof acp.Client !== 'function' || acp.apiNames().length !== 23) throw new Error('require("unionpay-acp"): not the API');
// The pure-Rust RSA module (the backend where node:crypto is missing) is packed and loads.
const cert = new acp.EncryptionCert(fs.readFileSync('tests/fixtures/sandbox/enc.pem'), { backend: 'portable' });
if (Buffer.from(cert.encrypt('6216261000000000018'), 'base64').length !== 256) throw new Error('portable RSA encryption');
console.log(`cjs: require("unionpay-acp") ok, default backend ${acp.hasNodeCrypto ? 'node:crypto' : 'portable'}`);
