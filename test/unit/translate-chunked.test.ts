/** Chunked conversion of large dumps gives the same text and diagnostics as the whole-file path. */
import { strict as assert } from 'node:assert';
import { parseIptablesSave } from '../../src/convert/iptables';
import { convertLargeDump, streamLargeDump } from '../../src/convert/translate/chunked';
import { convertFiles } from '../../src/convert/translate/convert';
import type { FileDiagnostic } from '../../src/convert/translate/convert';

describe('chunked conversion of large dumps', function () {
  this.timeout(60_000);
  let text = '';
  before(async () => {
    const gen = (await import('../../bench/gen-neutron.mjs')) as { generateNeutronDump(o: object): { iptables: string } };
    text = gen.generateNeutronDump({ rules: 9000, ports: 200, useSets: false }).iptables;
  });

  it('convertLargeDump = convertFiles (output and diagnostics with real line numbers)', () => {
    const whole = convertFiles([{ file: parseIptablesSave(text), name: 'd' }], { style: 'ruleset' });
    const chunked = convertLargeDump(text, 'iptables', { style: 'ruleset' }, 'd');
    assert.equal(chunked.result.output, whole.output);
    const key = (d: FileDiagnostic) => `${d.range.start.line}:${d.range.start.character} ${d.code}`;
    assert.deepEqual(chunked.result.diagnostics.map(key), whole.diagnostics.map(key));
    assert.equal(chunked.notTranslated, whole.rules.filter((o) => o.outcome !== 'translated').length);
  });

  it('streamLargeDump prints every rule of the whole-file script, in source order', () => {
    const whole = convertFiles([{ file: parseIptablesSave(text), name: 'd' }], { style: 'script', numericPriority: true });
    let out = '';
    const ds: FileDiagnostic[] = [];
    streamLargeDump(text, 'iptables', { style: 'script', numericPriority: true }, { out: (t) => (out += t), diagnostics: (d) => ds.push(...d) }, 'd');
    const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
    assert.deepEqual(sorted(out), sorted(whole.output));
    assert.equal(ds.length, whole.diagnostics.length);
    // source order: the first rule printed for each chain comes in the order the dump lists them
    const firstRules = out.split('\n').filter((l) => l.startsWith('add rule'));
    const src = text.split('\n').filter((l) => l.startsWith('-A'));
    assert.ok(firstRules[0]!.includes(src[0]!.split(' ')[1]!));
  });
});
