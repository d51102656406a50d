#!/usr/bin/env node
// Converter benchmark: a Neutron-like compute-node dump of 50,000 rules (2,000 ports, the
// variant without -m set so the reference can run it), translated by
// `nflens iptables-restore-translate -f big` and by the system's `iptables-restore-translate
// -f big` (when installed), whole process each, several runs: medians, their ratio, and peak
// RSS (GNU time). As a yardstick for the 3x target, the same measure of a node program that
// translates nothing (bench/floor-restore-translate.mjs). Then the in-process conversion time of
// the editor path (parse + convert + print, ruleset style).
// Usage: node bench/convert.bench.mjs [--rules N] [--ports N] [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNeutronDump } from './gen-neutron.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const rules = opt('--rules', 50000);
const ports = opt('--ports', 2000);
const runs = opt('--runs', 5);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

// Build the CLI bundle so the measured nflens is the shipped one.
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const tmp = mkdtempSync(join(tmpdir(), 'nflens-bench-'));
try {
  const gen = generateNeutronDump({ rules, ports, useSets: false });
  const text = gen.iptables;
  const big = join(tmp, 'big.iptables-save');
  writeFileSync(big, text);
  console.log(`dump: ${gen.ruleCount} rules, ${ports} ports, ${(statSync(big).size / 1e6).toFixed(1)} MB`);

  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const measure = (cmd, args) => {
    const times = [];
    const cpu = [];
    const rss = [];
    let status;
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = timeBin
        ? spawnSync(timeBin, ['-f', '%M %U %S', '-o', join(tmp, 'rss'), cmd, ...args], { stdio: ['ignore', 'ignore', 'ignore'] })
        : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      status = r.status;
      if (timeBin) {
        const [kb, user, sys] = spawnSync('tail', ['-1', join(tmp, 'rss')], { encoding: 'utf8' }).stdout.trim().split(/\s+/).map(Number);
        rss.push(kb / 1024);
        cpu.push((user + sys) * 1000);
      }
    }
    return { median: median(times), min: Math.min(...times), cpu: cpu.length ? median(cpu) : undefined, rss: rss.length ? Math.max(...rss) : undefined, status };
  };
  const fmt = (m) =>
    `wall median ${m.median.toFixed(0)} ms (min ${m.min.toFixed(0)}), CPU median ${m.cpu === undefined ? '?' : m.cpu.toFixed(0) + ' ms'}, peak RSS ${m.rss === undefined ? '?' : m.rss.toFixed(0) + ' MB'}, exit ${m.status}`;
  const load = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ')[0];
  console.log(`machine load average: ${load} on ${(await import('node:os')).cpus().length} CPUs (wall times depend on it; CPU times less so)`);

  const ours = measure(process.execPath, ['dist/cli.js', 'iptables-restore-translate', '-f', big]);
  console.log(`nflens iptables-restore-translate:  ${fmt(ours)}`);
  const refBin = which('iptables-restore-translate');
  if (refBin) {
    const ref = measure(refBin, ['-f', big]);
    console.log(`system iptables-restore-translate:  ${fmt(ref)}`);
    console.log(`ratio of wall medians (reference / nflens): ${(ref.median / ours.median).toFixed(2)}x; of CPU medians: ${ref.cpu && ours.cpu ? (ref.cpu / ours.cpu).toFixed(2) + 'x' : '?'}  (target ≥ 3x faster, peak RSS < 300 MB)`);
    // A yardstick for that target: node doing no translation at all (bench/floor-restore-translate.mjs).
    const floor = measure(process.execPath, ['bench/floor-restore-translate.mjs', big]);
    const idle = measure(process.execPath, ['-e', '0']);
    const budget = ref.median / 3 - floor.median;
    console.log(`floor, node splitting words and re-joining them (no translation): ${fmt(floor)}; node start-up alone: wall median ${idle.median.toFixed(0)} ms`);
    console.log(
      `  the floor is ${(ref.median / floor.median).toFixed(2)}x the reference: a 3x target leaves ${budget.toFixed(0)} ms (${((budget * 1000) / gen.ruleCount).toFixed(2)} µs a rule) for parsing, translating, checking and printing ${gen.ruleCount} rules; nflens spends ${(ours.median - floor.median).toFixed(0)} ms (${(((ours.median - floor.median) * 1000) / gen.ruleCount).toFixed(1)} µs a rule) on them`,
    );
  } else console.log('system iptables-restore-translate: not installed, no ratio');

  // In-process editor path: parse + convert + print (ruleset style), warm, several runs.
  // bundled like the extension (esbuild), not run through tsx
  const esbuild = await import('esbuild');
  const inprocJs = join(tmp, 'convert-inprocess.js');
  await esbuild.build({ entryPoints: ['bench/convert-inprocess.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: inprocJs, logLevel: 'warning' });
  const inproc = spawnSync(process.execPath, [inprocJs, big, String(runs)], { encoding: 'utf8' });
  process.stdout.write(inproc.stdout);
  if (inproc.status !== 0) {
    process.stderr.write(inproc.stderr);
    process.exitCode = 1;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
