#!/usr/bin/env node
// Runs every test stage in order and ends with the line `N passed, N failed[, N skipped]`.
// Usage: node test/run-all.mjs [stage ...]   (default: all stages)
// Each stage writes {"passed":N,"failed":N,"skipped":N} to the file named by NFLENS_RESULT;
// a stage that writes nothing counts as one test, passed or failed by its exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mocha = (glob, extra = []) => [
  process.execPath,
  ['--import', 'tsx', 'node_modules/mocha/bin/mocha.js', '--extension', 'ts', '--reporter', 'test/support/count-reporter.cjs', '--timeout', '120000', ...extra, glob],
];

const stages = {
  typecheck: [process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']],
  build: [process.execPath, ['scripts/build.mjs']],
  unit: mocha('test/unit/**/*.test.ts'),
  corpus: mocha('test/corpus/**/*.test.ts'),
  grammar: mocha('test/grammar/**/*.test.ts'),
  e2e: mocha('test/e2e/**/*.test.ts'),
  integration: [process.execPath, ['test/integration/run.mjs']],
};

const wanted = process.argv.slice(2);
for (const w of wanted) if (!stages[w]) { console.error(`unknown stage ${w}; stages: ${Object.keys(stages).join(', ')}`); process.exit(2); }
const order = wanted.length ? wanted : Object.keys(stages);

const dir = mkdtempSync(join(tmpdir(), 'nflens-results-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
for (const name of order) {
  const [cmd, args] = stages[name];
  const result = join(dir, `${name}.json`);
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, NFLENS_RESULT: result } });
  let counts;
  if (existsSync(result)) counts = JSON.parse(readFileSync(result, 'utf8'));
  else counts = r.status === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
  if (r.status !== 0 && counts.failed === 0) counts.failed = 1; // a crash after the counts were written
  for (const k of Object.keys(totals)) totals[k] += counts[k] ?? 0;
  rows.push(`${name.padEnd(12)} ${String(counts.passed).padStart(5)} passed ${String(counts.failed).padStart(4)} failed ${String(counts.skipped ?? 0).padStart(4)} skipped  ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
rmSync(dir, { recursive: true, force: true });
console.log('\n=== summary ===');
for (const row of rows) console.log(row);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed ? 1 : 0);
