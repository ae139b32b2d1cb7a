// The README's JS quick start (npm/examples/quick_start.mjs) runs as printed against the
// sandbox, twice (its orderIds never collide), and README.md shows that file verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';
import { SKIP_WITHOUT_SANDBOX, startSandbox } from './sandbox.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = 'npm/examples/quick_start.mjs';

test('the JS quick start pays and its outcome is final success, twice', { skip: SKIP_WITHOUT_SANDBOX, timeout: 120_000 }, async (t) => {
  const sandbox = await startSandbox();
  t.after(() => sandbox.stop());
  const orders = [];
  for (let run = 0; run < 2; run++) {
    // As the README says: from the repository root, the sandbox's URL as the argument.
    const { stdout } = await promisify(execFile)(process.execPath, [file, sandbox.baseUrl], {
      cwd: root,
      timeout: 60_000,
    }).catch((e) => assert.fail(`the quick start failed (exit ${e.code}): ${e.stderr}${e.stdout}`));
    const m = /^payment (PAY\d+) success: respCode 00, queryId \d+\n$/.exec(stdout);
    assert.ok(m, `unexpected output: ${stdout}`);
    assert.ok(m[1].length >= 8 && m[1].length <= 32, m[1]);
    orders.push(m[1]);
  }
  assert.notEqual(orders[0], orders[1]);
});

test('README.md shows the JS quick start file as it is', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const source = readFileSync(path.join(root, file), 'utf8');
  assert.ok(readme.includes('```js\n' + source + '```'), `README.md's JS quick start differs from ${file}`);
});
