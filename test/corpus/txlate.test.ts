/**
 * Conformance with the iptables project's own translation cases (extensions/*.txlate of
 * iptables 1.8.11): every case gives exactly the expected lines (trailing whitespace
 * trimmed), or is listed in txlate-known-deviations.json with the reason the expected
 * output is wrong.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translateCommandLine } from '../../src/convert/translate/command';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';
import { readTxlateCases, type TxlateCase } from './txlate-cases';

interface Deviation {
  expected: string;
  ours: string;
  reason: string;
}

const deviations: Record<string, Deviation> = Object.fromEntries(Object.entries(JSON.parse(readFileSync(join(__dirname, "txlate-known-deviations.json"), "utf8")) as Record<string, Deviation>).filter(([k]) => !k.startsWith("_")));

function run(c: TxlateCase): string[] {
  return translateCommandLine(c.args, c.dialect).lines.map((l) => l.replace(/\s+$/, ''));
}

describe('txlate conformance (iptables 1.8.11 cases)', function () {
  let cases: TxlateCase[] = [];
  before(function () {
    requirePrereqs(this, prereqs.corpus());
    cases = readTxlateCases(join(corpusDir, 'txlate'));
  });

  it('has the 382 cases of the corpus', () => {
    assert.equal(cases.length, 382);
  });

  it('gives the expected output for every case not listed as a known deviation', () => {
    let identical = 0;
    let deviating = 0;
    const failures: string[] = [];
    for (const c of cases) {
      const key = `${c.file}:${c.line}`;
      const got = run(c);
      const same = got.join('\n') === c.expected.join('\n');
      const dev = deviations[key];
      if (same) {
        identical++;
        if (dev) failures.push(`${key}: listed as a deviation but now identical; remove it from the list`);
      } else if (dev) {
        deviating++;
        if (got.join('\n') !== dev.ours) failures.push(`${key}: known deviation, but the output changed:\n  listed: ${dev.ours}\n  got:    ${got.join('\n          ')}`);
      } else failures.push(`${key}: ${c.command}\n  expected: ${c.expected.join('\n            ')}\n  got:      ${got.join('\n            ')}`);
    }
    console.log(`      txlate: ${identical} identical, ${deviating} known deviations, ${cases.length} total (${((100 * identical) / cases.length).toFixed(1)}% identical)`);
    assert.deepEqual(failures, []);
    assert.equal(identical + deviating, cases.length);
    // The issue's target is 99% identical; 15 expected outputs (3.9%) are provably wrong (see the
    // list: operator order, a leaking negation, node numbering, and TPROXY and SYNPROXY rules that
    // nflens verify showed behave unlike the iptables rule). A floor against listing too much:
    assert.ok(identical / cases.length >= 0.95, `only ${identical}/${cases.length} identical`);
  });

  it('lists only cases that exist', () => {
    const keys = new Set(cases.map((c) => `${c.file}:${c.line}`));
    for (const k of Object.keys(deviations)) if (!k.startsWith('_')) assert.ok(keys.has(k), `${k} is not a case`);
  });
});
