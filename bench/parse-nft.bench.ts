/**
 * Benchmark of the nft language support: parses every nft-dumps file N times, then a
 * generated ruleset of R rules (default 10k and 50k), and reports time and memory for
 * parse, analysis and formatting.
 *   node --expose-gc --import tsx bench/parse-nft.bench.ts [N=20] [R...]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNft } from '../src/convert/nft/analysis';
import { formatNft } from '../src/convert/nft/format';
import { parseNft } from '../src/convert/nft/index';
import { corpusDir } from '../test/support/prereq';
import { generateRuleset } from './gen-nft';

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Wall time in ms; the CPU time of this process is kept in `lastCpuMs` (steadier on a busy machine). */
let lastCpuMs = 0;
function time<T>(fn: () => T): [T, number] {
  const cpu = process.cpuUsage();
  const t = process.hrtime.bigint();
  const r = fn();
  const used = process.cpuUsage(cpu);
  lastCpuMs = (used.user + used.system) / 1000;
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

const runs = Number(process.argv[2] ?? 20);
const sizes = process.argv.slice(3).map(Number);
if (!sizes.length) sizes.push(10_000, 50_000);

const dir = join(corpusDir, 'nft-dumps');
const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
const bytes = texts.reduce((s, t) => s + t.length, 0);
for (const t of texts) parseNft(t); // warm-up
const [, ms] = time(() => {
  for (let i = 0; i < runs; i++) for (const t of texts) parseNft(t);
});
console.log(`nft-dumps: ${texts.length} files, ${(bytes / 1024).toFixed(0)} kB; ${runs} runs: ${ms.toFixed(0)} ms total (${lastCpuMs.toFixed(0)} ms CPU), ${(ms / runs).toFixed(1)} ms per pass (${((bytes * runs) / 1024 / 1024 / (ms / 1000)).toFixed(1)} MB/s)`);

for (const rules of sizes) {
  const text = generateRuleset(rules);
  if (global.gc) global.gc();
  const before = process.memoryUsage().heapUsed;
  const [parsed, parseMs] = time(() => parseNft(text));
  const parseCpu = lastCpuMs;
  const peak = process.memoryUsage().heapUsed - before;
  if (global.gc) global.gc(); // what stays: the AST (tokens are garbage by now)
  const heap = process.memoryUsage().heapUsed - before;
  const [diags, analyzeMs] = time(() => analyzeNft(parsed.file));
  const [formatted, formatMs] = time(() => formatNft(text));
  console.log(
    `generated ${rules} rules (${(text.length / 1024 / 1024).toFixed(1)} MB, ${parsed.diagnostics.length} syntax errors, ${diags.length} findings): ` +
      `parse ${parseMs.toFixed(0)} ms wall / ${parseCpu.toFixed(0)} ms CPU (heap +${mb(peak)} before GC, AST ${global.gc ? mb(heap) : '? (run with --expose-gc)'}), analysis ${analyzeMs.toFixed(0)} ms, format ${formatMs.toFixed(0)} ms (${formatted === text ? 'unchanged' : 'changed'}); rss ${mb(process.memoryUsage().rss)}`,
  );
}
