#!/usr/bin/env node
// Writes syntaxes/*.tmLanguage.json from the grammar sources in this folder.
// Usage: node syntaxes/src/build.mjs [--check]   (--check: exit 1 if a JSON file is out of date)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nft from './nft.mjs';
import iptablesSave from './iptables-save.mjs';
import ipset from './ipset.mjs';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const grammars = { 'nft.tmLanguage.json': nft, 'iptables-save.tmLanguage.json': iptablesSave, 'ipset.tmLanguage.json': ipset };

export function render(grammar) {
  return JSON.stringify(grammar, null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, grammar] of Object.entries(grammars)) {
    const path = join(outDir, file);
    const text = render(grammar);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current === text) continue;
    if (check) {
      console.error(`${file} is out of date; run node syntaxes/src/build.mjs`);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote syntaxes/${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
