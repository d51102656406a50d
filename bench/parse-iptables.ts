// Benchmark: parse (and analyse) a generated Neutron-like compute-node dump in-process.
// Usage: node --import tsx bench/parse-iptables.ts [--rules 50000] [--ports 2000] [--runs 5] [--file DUMP] [--json]
// Reports the first (cold) parse, the median of the warm runs, analysis time, the retained heap
// of one parsed AST, and the process's peak RSS. Timings are printed, never asserted.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analyzeIptables, parseIptablesSave } from '../src/convert/iptables';
import { generateNeutronDump } from './gen-neutron.mjs';

const { values } = parseArgs({
  options: { rules: { type: 'string' }, ports: { type: 'string' }, runs: { type: 'string' }, file: { type: 'string' }, json: { type: 'boolean' } },
});
const runs = Number(values.runs ?? 5);
const text = values.file ? readFileSync(values.file, 'utf8') : generateNeutronDump({ rules: Number(values.rules ?? 50000), ports: Number(values.ports ?? 2000) }).iptables;
const gc = (globalThis as { gc?: () => void }).gc;

function mb(bytes: number): number {
  return Math.round((bytes / 1e6) * 10) / 10;
}

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
let t = performance.now();
const cpu0 = process.cpuUsage();
const first = parseIptablesSave(text);
const coldMs = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
// CPU time (all threads, GC helpers included) is steadier than wall time on a busy machine.
const coldCpuMs = (cpu.user + cpu.system) / 1000;
// Peak RSS of the process up to the end of the first parse (later runs keep more garbage around).
const peakAfterFirst = process.resourceUsage().maxRSS * 1024;
const rules = first.tables.reduce((n, tb) => n + tb.commands.length, 0);
gc?.();
const retained = process.memoryUsage().heapUsed - heapBefore;
t = performance.now();
const diagnostics = analyzeIptables(first);
const analyzeMs = performance.now() - t;

const warm: number[] = [];
const warmCpu: number[] = [];
for (let i = 0; i < runs; i++) {
  t = performance.now();
  const c0 = process.cpuUsage();
  parseIptablesSave(text);
  const c = process.cpuUsage(c0);
  warm.push(performance.now() - t);
  warmCpu.push((c.user + c.system) / 1000);
}
warmCpu.sort((a, b) => a - b);
warm.sort((a, b) => a - b);
const median = warm.length ? warm[Math.floor(warm.length / 2)]! : coldMs;
const result = {
  bytes: text.length,
  rules,
  syntaxErrors: first.diagnostics.length,
  analysisDiagnostics: diagnostics.length,
  coldParseMs: Math.round(coldMs),
  coldParseCpuMs: Math.round(coldCpuMs),
  warmParseMedianMs: Math.round(median),
  warmParseMedianCpuMs: warmCpu.length ? Math.round(warmCpu[Math.floor(warmCpu.length / 2)]!) : null,
  analyzeMs: Math.round(analyzeMs),
  retainedHeapMB: gc ? mb(retained) : null,
  rssBeforeParseMB: mb(rssBefore),
  peakRssFirstParseMB: mb(peakAfterFirst),
  peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
};
if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`parse-iptables: ${rules} rules, ${mb(text.length)} MB of text`);
  console.log(`  cold parse        ${result.coldParseMs} ms wall, ${result.coldParseCpuMs} ms CPU (target < 300 ms)`);
  console.log(`  warm parse median ${result.warmParseMedianMs} ms wall, ${result.warmParseMedianCpuMs ?? '-'} ms CPU over ${runs} runs`);
  console.log(`  analysis          ${result.analyzeMs} ms (${diagnostics.length} diagnostics)`);
  console.log(`  retained AST      ${result.retainedHeapMB ?? 'n/a (run with --expose-gc)'} MB`);
  console.log(`  peak RSS          ${result.peakRssFirstParseMB} MB through the first parse (${result.rssBeforeParseMB} MB before it; target < 200 MB), ${result.peakRssMB} MB after all runs`);
}
