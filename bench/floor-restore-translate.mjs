#!/usr/bin/env node
// The least a JavaScript iptables-restore-translate does, as a yardstick for the converter
// benchmark (bench/convert.bench.mjs runs it in the same run as nflens and the reference):
// start node, read the dump, split each `-A` line into its words (double quotes kept
// together), and write one `add rule ip TABLE CHAIN WORDS... counter` line per rule. Nothing is
// translated, checked or positioned, so the output is not nft: the time is what start-up, I/O,
// a scan of every character and the output string cost before any translation work.
// Usage: node bench/floor-restore-translate.mjs FILE
import { readFileSync, writeSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8');
const out = [];
let table = 'filter';
for (let start = 0; start < text.length; ) {
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const line = text.slice(start, end);
  start = end + 1;
  if (line.charCodeAt(0) === 42 /* * */) table = line.slice(1);
  if (!line.startsWith('-A ')) continue;
  const words = [];
  for (let i = 3; i < line.length; ) {
    if (line.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    let j = i;
    if (line.charCodeAt(i) === 34 /* " */) {
      j = line.indexOf('"', i + 1);
      j = j < 0 ? line.length : j + 1;
    } else while (j < line.length && line.charCodeAt(j) !== 32) j++;
    words.push(line.slice(i, j));
    i = j;
  }
  out.push(`add rule ip ${table} ${words.join(' ')} counter`);
}
writeSync(1, out.join('\n') + '\n');
