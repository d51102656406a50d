import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateNeutronDump } from '../../bench/gen-neutron.mjs';
import type { Dialect } from '../../src/convert/ast/iptables';
import { parseIptablesSave } from '../../src/convert/iptables';
import { convertDumps, type DumpText } from '../../src/convert/translate/chunked';
import { convertFiles, type ConvertFileOptions } from '../../src/convert/translate/convert';
import { ipsetsFromFile } from '../../src/convert/translate/sets';
import { parseIpset } from '../../src/convert/ipset';
import { corpusDir } from '../support/prereq';

/** What convertFiles gives for the same dumps, each parsed whole first. */
function wholeFiles(dumps: readonly DumpText[], opts: ConvertFileOptions) {
  return convertFiles(dumps.map((d) => ({ file: parseIptablesSave(d.text, { dialect: d.dialect }), name: d.name })), opts);
}

/** `streamed`: whether each dump is expected to be converted while parsed (its file then has no commands). */
function assertSame(dumps: readonly DumpText[], opts: ConvertFileOptions, what: string, streamed: boolean[]): void {
  const { result, files } = convertDumps(dumps, opts);
  assert.deepEqual(files.map((f) => f.tables.length > 0 && f.tables.every((t) => t.commands.length === 0)), streamed, `${what}: which dumps were converted while parsed`);
  assert.deepEqual(result, wholeFiles(dumps, opts), what);
  // Each file as parsed keeps its tables and chains (the view's outline).
  files.forEach((f, i) => {
    const whole = parseIptablesSave(dumps[i]!.text, { dialect: dumps[i]!.dialect });
    assert.deepEqual(f.tables.map((t) => [t.name.text, t.chains.map((c) => c.name.text)]), whole.tables.map((t) => [t.name.text, t.chains.map((c) => c.name.text)]), what);
    assert.deepEqual(f.diagnostics, whole.diagnostics, what);
  });
}

const neutron = join(corpusDir, 'neutron');
const dialectOf = (file: string): Dialect => (file.includes('ip6tables') ? 'ip6tables' : 'iptables');

describe('convertDumps: converting while parsing gives what converting the parsed file gives', () => {
  for (const file of readdirSync(neutron).filter((f) => /\.ip6?tables-save$/.test(f))) {
    it(`${file}, in every view option`, () => {
      const text = readFileSync(join(neutron, file), 'utf8');
      const sets = file.replace(/\.ip6?tables-save$/, '.ipset-save');
      const ipsets = readdirSync(neutron).includes(sets) ? ipsetsFromFile(parseIpset(readFileSync(join(neutron, sets), 'utf8')), sets) : [];
      for (const opts of [{}, { style: 'script' as const }, { counters: false, ipsets }, { physdev: 'bridge' as const, ipsets }]) {
        assertSame([{ text, dialect: dialectOf(file), name: file }], opts, `${file} ${JSON.stringify(opts)}`, [!('physdev' in opts)]);
      }
    });
  }

  it('an iptables and ip6tables pair merged into inet tables', () => {
    const four = readFileSync(join(neutron, 'qrouter-0391ee86.iptables-save'), 'utf8');
    const six = readFileSync(join(neutron, 'qrouter-0391ee86.ip6tables-save'), 'utf8');
    assertSame([{ text: four, dialect: 'iptables', name: 'a' }, { text: six, dialect: 'ip6tables', name: 'b' }], { merge: 'inet' }, 'merged', [true, true]);
  });

  it('a generated compute-node dump with sets, and dumps it cannot convert while parsing (-N lines, -I, garbage, ebtables)', () => {
    const gen = generateNeutronDump({ rules: 2000, ports: 40, useSets: true, seed: 4 });
    const ipsets = ipsetsFromFile(parseIpset(gen.ipset), 'sets');
    assertSame([{ text: gen.iptables, dialect: 'iptables', name: 'gen' }], { ipsets }, 'generated', [true]);
    const withNew = '*filter\n:INPUT ACCEPT [0:0]\n-N later\n-A INPUT -j later\n-A later -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';
    assertSame([{ text: withNew, dialect: 'iptables', name: 'n' }], {}, '-N', [false]);
    const lateChain = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j late\n:late - [0:0]\n-A late -j DROP\nCOMMIT\n';
    assertSame([{ text: lateChain, dialect: 'iptables', name: 'l' }], {}, 'a chain declared after a rule', [false]);
    const broken = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-I INPUT 1 -j DROP\n-A INPUT --bogus\ngarbage here\n-A OUTPUT -j ACCEPT\n';
    assertSame([{ text: broken, dialect: 'iptables', name: 'b' }], {}, 'broken, no COMMIT', [true]);
    const eb = '*filter\n:INPUT ACCEPT\n:FORWARD ACCEPT\n-A FORWARD -p IPv4 -j ACCEPT\nCOMMIT\n';
    assertSame([{ text: eb, dialect: 'ebtables', name: 'e' }, { text: withNew, dialect: 'iptables', name: 'n' }], { physdev: 'bridge' }, 'ebtables with iptables', [false, false]);
  });
});
