// Benchmark: parse (and analyse) a generated Neutron-like compute-node dump in-process.
// Usage: node --import tsx bench/parse-iptables.bench.ts [--rules 50000] [--ports 2000] [--runs 5]
//        [--file DUMP] [--only shipped|tsx] [--json]
// Each measurement runs in a fresh process (bench/parse-iptables-probe.mjs) reading the dump from
// a file, so the generator's memory is not counted:
//   shipped  the parser bundled by esbuild as scripts/build.mjs does (what the CLI and the
//            extension run); the target (parse < 300 ms, peak RSS < 200 MB) is about this one;
//   tsx      the TypeScript sources loaded by tsx, as tests run them. tsx keeps function names
//            (esbuild keepNames), which turns every class constructor into a slow dictionary
//            object, and reaches imports through getters: expect it to be slower.
// Reports the first (cold) parse, the median of the warm runs (wall and CPU time: CPU is
// steadier on a busy machine), analysis time, the retained heap of one parsed AST and the
// process's peak RSS. Timings are printed, never asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { generateNeutronDump } from './gen-neutron.mjs';

const { values } = parseArgs({
  options: {
    rules: { type: 'string' },
    ports: { type: 'string' },
    runs: { type: 'string' },
    file: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const runs = Number(values.runs ?? 5);
const root = resolve(__dirname, '..');
const probe = join(root, 'bench', 'parse-iptables-probe.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'nflens-parse-bench-'));

interface Figures {
  bytes: number;
  rules: number;
  syntaxErrors: number;
  analysisDiagnostics: number;
  coldParseMs: number;
  coldParseCpuMs: number;
  warmParseMedianMs: number | null;
  warmParseMedianCpuMs: number | null;
  analyzeMs: number;
  retainedHeapMB: number | null;
  rssBeforeParseMB: number;
  peakRssFirstParseMB: number;
  peakRssMB: number;
}

function measure(nodeArgs: string[], module: string, dump: string): Figures {
  const r = spawnSync(process.execPath, ['--expose-gc', ...nodeArgs, probe, module, dump, String(runs)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`probe failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures;
}

try {
  let dump = values.file;
  if (!dump) {
    dump = join(tmp, 'dump.iptables-save');
    writeFileSync(dump, generateNeutronDump({ rules: Number(values.rules ?? 50000), ports: Number(values.ports ?? 2000) }).iptables);
  }
  const results: Record<string, Figures> = {};
  if (values.only !== 'tsx') {
    const bundle = join(tmp, 'iptables.cjs');
    esbuild.buildSync({ entryPoints: [join(root, 'src/convert/iptables/index.ts')], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
    results.shipped = measure([], bundle, dump);
  }
  if (values.only !== 'shipped') results.tsx = measure(['--import', 'tsx'], join(root, 'src/convert/iptables/index.ts'), dump);

  if (values.json) console.log(JSON.stringify(results));
  else {
    const any = Object.values(results)[0]!;
    console.log(`parse-iptables: ${any.rules} rules, ${(any.bytes / 1e6).toFixed(1)} MB of text, ${any.syntaxErrors} syntax errors`);
    for (const [name, r] of Object.entries(results)) {
      console.log(`  ${name}${name === 'shipped' ? ' (esbuild bundle)' : ' (sources under tsx)'}`);
      console.log(`    cold parse        ${r.coldParseMs} ms wall, ${r.coldParseCpuMs} ms CPU${name === 'shipped' ? ' (target < 300 ms)' : ''}`);
      console.log(`    warm parse median ${r.warmParseMedianMs ?? '-'} ms wall, ${r.warmParseMedianCpuMs ?? '-'} ms CPU over ${runs} runs`);
      console.log(`    analysis          ${r.analyzeMs} ms (${r.analysisDiagnostics} diagnostics)`);
      console.log(`    retained AST      ${r.retainedHeapMB ?? 'n/a'} MB`);
      console.log(`    peak RSS          ${r.peakRssFirstParseMB} MB through the first parse (${r.rssBeforeParseMB} MB before it${name === 'shipped' ? '; target < 200 MB' : ''}), ${r.peakRssMB} MB after all runs`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
