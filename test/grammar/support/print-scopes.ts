/**
 * Prints the scopes the grammars give each token, for writing grammar test cases.
 * Usage: node --import tsx test/grammar/support/print-scopes.ts source.nft FILE|-
 */
import { readFileSync } from 'node:fs';
import { loadGrammar, tokenizeLines } from './textmate';

async function main(): Promise<void> {
  const [scope, file] = process.argv.slice(2);
  if (!scope || !file) {
    console.error('usage: print-scopes.ts SCOPE FILE|-');
    process.exit(2);
  }
  const grammar = await loadGrammar(scope);
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  for (const line of tokenizeLines(grammar, text.split('\n'))) {
    for (const t of line.tokens) {
      if (t.text.trim()) console.log(JSON.stringify(t.text).padEnd(32), t.scopes.slice(1).join(' '));
    }
  }
}

void main();
