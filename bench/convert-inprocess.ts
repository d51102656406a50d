// In-process conversion time (the editor path): parse, convert, print in ruleset style.
// Usage: node --import tsx bench/convert-inprocess.ts FILE [RUNS]
import { readFileSync } from 'node:fs';
import { parseIptablesSave } from '../src/convert/iptables';
import { convertFiles } from '../src/convert/translate/convert';

const [file, runsArg] = process.argv.slice(2);
const text = readFileSync(file!, 'utf8');
const runs = Number(runsArg ?? 5);
const parse: number[] = [];
const convert: number[] = [];
for (let i = 0; i < runs + 1; i++) {
  const t0 = performance.now();
  const f = parseIptablesSave(text, { dialect: 'iptables' });
  const t1 = performance.now();
  const r = convertFiles([{ file: f, name: file }], { style: 'ruleset' });
  const t2 = performance.now();
  if (r.rules.length === 0) throw new Error('nothing converted');
  if (i > 0) {
    parse.push(t1 - t0);
    convert.push(t2 - t1);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`in-process (ruleset style, warm, median of ${runs}): parse ${med(parse).toFixed(0)} ms + convert/print ${med(convert).toFixed(0)} ms = ${(med(parse) + med(convert)).toFixed(0)} ms; heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
