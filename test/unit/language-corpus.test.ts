import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/language/analysis';
import type { LanguageId, OutlineSymbol } from '../../src/language/model';
import { declarationsOf } from '../../src/language/navigation';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

function languageOf(file: string): LanguageId {
  if (file.endsWith('.nft')) return 'nft';
  return file.includes('ipset') ? 'ipset' : 'iptables-save';
}

function selectionOutside(symbols: OutlineSymbol[], out: string[] = []): string[] {
  const le = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  for (const s of symbols) {
    if (!(le(s.range.start, s.selectionRange.start) && le(s.selectionRange.end, s.range.end))) out.push(s.name);
    selectionOutside(s.children, out);
  }
  return out;
}

describe('language: the shared corpus', () => {
  before(function () {
    requirePrereqs(this, prereqs.corpus());
  });

  it('indexes every nft dump and Neutron dump: exact name ranges, resolved references, valid Outline', () => {
    let files = 0;
    let names = 0;
    for (const dir of ['nft-dumps', 'neutron']) {
      for (const f of readdirSync(join(corpusDir, dir)).sort()) {
        const text = readFileSync(join(corpusDir, dir, f), 'utf8');
        const lines = text.split('\n');
        const a = analyzeDocument(languageOf(f), text);
        files++;
        for (const n of a.names) {
          names++;
          assert.equal(lines[n.range.start.line]!.slice(n.range.start.character, n.range.end.character), n.name, `${f}: ${n.kind} ${n.name}`);
          // Dumps are complete rulesets: every chain, set and object they use is declared in them.
          if (!n.declaration && (n.kind === 'chain' || n.kind === 'set' || n.kind === 'object')) {
            assert.ok(declarationsOf(a.names, n).length > 0, `${f}: ${n.kind} ${n.name} in ${n.scope} resolves`);
          }
        }
        assert.deepEqual(selectionOutside(a.outline), [], `${f}: selection ranges inside their symbols`);
      }
    }
    console.log(`      ${files} files, ${names} names`);
    assert.ok(files > 300 && names > 3000);
  });
});
