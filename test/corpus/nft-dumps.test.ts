/**
 * Corpus gate: every `nft list ruleset` dump of the nftables test suite parses without
 * errors, prints back to an equal AST, and (the printer's own goal) to the same text.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNft } from '../../src/convert/nft/index';
import { printNftFile } from '../../src/convert/nft/printer';
import { formatNft } from '../../src/convert/nft/format';
import { analyzeNft } from '../../src/convert/nft/analysis';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';
import { withoutPositions } from '../../src/convert/nft/ast-util';

const dir = join(corpusDir, 'nft-dumps');

describe('corpus: nft-dumps', function () {
  let files: string[] = [];
  before(function () {
    requirePrereqs(this, prereqs.corpus());
    files = readdirSync(dir).filter((f) => f.endsWith('.nft')).sort();
  });

  it('every dump parses with zero errors, round-trips to an equal AST, and prints back byte-identical', function () {
    assert.ok(files.length > 300, `expected the nft-dumps corpus, found ${files.length} files`);
    let parsed = 0;
    let roundTrip = 0;
    let identical = 0;
    const failures: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const first = parseNft(text);
      const errors = first.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) {
        failures.push(`${f}: ${errors.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message} [${d.code}]`).join('; ')}`);
        continue;
      }
      parsed++;
      const printed = printNftFile(first.file).text;
      if (printed === text) identical++;
      const second = parseNft(printed);
      try {
        assert.equal(second.diagnostics.length, 0, 'printed text has errors');
        assert.deepEqual(withoutPositions(second.file), withoutPositions(first.file));
        roundTrip++;
      } catch (e) {
        failures.push(`${f}: round trip: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    console.log(`      nft-dumps: ${parsed}/${files.length} parse, ${roundTrip}/${files.length} round-trip, ${identical} byte-identical`);
    assert.deepEqual(failures, []);
  });

  it('analysis finds no errors in rulesets nft itself listed (no false positives)', function () {
    const errors: string[] = [];
    const counts = new Map<string, number>();
    for (const f of files) {
      for (const d of analyzeNft(parseNft(readFileSync(join(dir, f), 'utf8')).file)) {
        counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
        if (d.severity === 'error') errors.push(`${f}:${d.range.start.line + 1}: ${d.message} [${d.code}]`);
      }
    }
    console.log(`      nft-dumps analysis: ${[...counts].map(([c, n]) => `${c} ${n}`).join(', ') || 'no findings'}`);
    assert.deepEqual(errors, []);
  });

  it('every dump printed in script style (add commands) parses again without errors', function () {
    const failures: string[] = [];
    for (const f of files) {
      const script = printNftFile(parseNft(readFileSync(join(dir, f), 'utf8')).file, { style: 'script' }).text;
      const errors = parseNft(script).diagnostics;
      if (errors.length) failures.push(`${f}: ${errors[0]!.message} in '${script.split('\n')[errors[0]!.range.start.line]}'`);
    }
    assert.deepEqual(failures, []);
  });

  it('formatting a dump (already canonical) is stable and idempotent', function () {
    let unchanged = 0;
    const failures: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const once = formatNft(text);
      if (once === undefined) {
        failures.push(`${f}: not formatted`);
        continue;
      }
      if (formatNft(once) !== once) failures.push(`${f}: formatting is not idempotent`);
      if (once === text) unchanged++;
    }
    console.log(`      nft-dumps: formatter leaves ${unchanged}/${files.length} dumps unchanged`);
    assert.deepEqual(failures, []);
  });
});
