#!/usr/bin/env node
// npm run bench: runs every bench/*.bench.mjs / *.bench.ts file in turn (each prints its own
// figures). Add a benchmark by adding a file; `node bench/run.mjs NAME` runs the ones whose
// file name contains NAME.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no bench/*.bench.{mjs,ts} file${filter.length ? ` matching ${filter.join(', ')}` : ''}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const args = ['--expose-gc', ...(f.endsWith('.ts') ? ['--import', 'tsx'] : []), join(dir, f)];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: join(dir, '..') });
  if (r.status !== 0) {
    failed++;
    console.log(`${f} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
