// One measurement process for bench/parse-iptables.bench.ts (not a benchmark by itself): loads
// the iptables parser from MODULE (the esbuild bundle, or the TypeScript sources under tsx),
// parses DUMP once cold and RUNS times warm, analyses it once, and prints one JSON line.
// Usage: node --expose-gc [--import tsx] bench/parse-iptables-probe.mjs MODULE DUMP RUNS
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [modulePath, dumpPath, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const gc = globalThis.gc;
const mb = (bytes) => Math.round((bytes / 1e6) * 10) / 10;
const cpuMs = (c) => (c.user + c.system) / 1000;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

const parser = modulePath.endsWith('.cjs') ? createRequire(import.meta.url)(modulePath) : await import(pathToFileURL(modulePath).href);
const { parseIptablesSave, analyzeIptables } = parser;
const text = readFileSync(dumpPath, 'utf8');

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
let t = performance.now();
let c = process.cpuUsage();
const first = parseIptablesSave(text);
const coldMs = performance.now() - t;
const coldCpuMs = cpuMs(process.cpuUsage(c));
// Peak RSS of the process through the first parse (later runs leave more garbage around).
const peakAfterFirst = process.resourceUsage().maxRSS * 1024;
const rules = first.tables.reduce((n, tb) => n + tb.commands.length, 0);
gc?.();
const retained = process.memoryUsage().heapUsed - heapBefore;
t = performance.now();
const diagnostics = analyzeIptables(first);
const analyzeMs = performance.now() - t;

const warm = [];
const warmCpu = [];
for (let i = 0; i < runs; i++) {
  t = performance.now();
  c = process.cpuUsage();
  parseIptablesSave(text);
  warmCpu.push(cpuMs(process.cpuUsage(c)));
  warm.push(performance.now() - t);
}

console.log(
  JSON.stringify({
    bytes: text.length,
    rules,
    syntaxErrors: first.diagnostics.length,
    analysisDiagnostics: diagnostics.length,
    coldParseMs: Math.round(coldMs),
    coldParseCpuMs: Math.round(coldCpuMs),
    warmParseMedianMs: runs ? Math.round(median(warm)) : null,
    warmParseMedianCpuMs: runs ? Math.round(median(warmCpu)) : null,
    analyzeMs: Math.round(analyzeMs),
    retainedHeapMB: gc ? mb(retained) : null,
    rssBeforeParseMB: mb(rssBefore),
    peakRssFirstParseMB: mb(peakAfterFirst),
    peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
  }),
);
