/** Chunked conversion of large dumps gives the same text and diagnostics as the whole-file path. */
import { strict as assert } from 'node:assert';
import { parseIptablesSave } from '../../src/convert/iptables';
import { convertLargeDump, streamLargeDump } from '../../src/convert/translate/chunked';
import { Converter, convertFiles } from '../../src/convert/translate/convert';
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

  it('chains declared in the first chunk hold in later ones; a rule in an undeclared chain is an input error wherever it is', () => {
    const counts = (t: string) => {
      const big = convertLargeDump(t, 'iptables', { style: 'ruleset' }, 'd');
      const streamed = streamLargeDump(t, 'iptables', { style: 'script' }, { out: () => undefined, diagnostics: () => undefined }, 'd');
      return { big: big.inputErrors, streamed: streamed.inputErrors, codes: big.result.diagnostics.filter((d) => d.code === 'undefined-chain').map((d) => d.range.start.line) };
    };
    // 9000 rules: several chunks, whose later ones have no :CHAIN lines of their own
    assert.deepEqual(counts(text), { big: 0, streamed: 0, codes: [] });
    const lines = text.split('\n');
    const lastRule = lines.map((l, i) => (l.startsWith('-A ') ? i : -1)).filter((i) => i >= 0).pop()!;
    lines.splice(lastRule + 1, 0, '-A not-declared -j DROP');
    assert.deepEqual(counts(lines.join('\n')), { big: 1, streamed: 1, codes: [lastRule + 1] });
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

describe('Converter.feed (commands converted while the file is parsed)', function () {
  this.timeout(30_000);
  let neutron = '';
  let neutronSets = '';
  before(async () => {
    const gen = (await import('../../bench/gen-neutron.mjs')) as { generateNeutronDump(o: object): { iptables: string } };
    neutron = gen.generateNeutronDump({ rules: 3000, ports: 100, useSets: false }).iptables;
    neutronSets = gen.generateNeutronDump({ rules: 3000, ports: 100, useSets: true }).iptables;
  });
  const samples: [string, string | (() => string)][] = [
    ['a generated Neutron compute-node dump', () => neutron],
    ['a generated Neutron dump with -m set (set declarations)', () => neutronSets],
    ['tables without and with rules, syntax errors, a stray command', '-A STRAY -j ACCEPT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:x - [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -m bogus --foo -j x\n-A INPUT --dport\ngarbage\n-A INPUT -m physdev --physdev-in tap1 -j DROP\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 21 -j CT --helper ftp\nCOMMIT\n'],
    ['a raw table whose CT --helper moves it after conntrack', '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 21 -j CT --helper ftp\n-A OUTPUT -j ACCEPT\nCOMMIT\n'],
  ];
  for (const [what, sample] of samples) {
    it(`gives addFile's output, outcomes and diagnostics in the same order: ${what}`, () => {
      const text = typeof sample === 'string' ? sample : sample();
      const whole = new Converter({ style: 'script', numericPriority: true });
      whole.addFile({ file: parseIptablesSave(text, { dialect: 'iptables' }), name: 'f' });
      const fed = new Converter({ style: 'script', numericPriority: true });
      const feed = fed.feed('iptables', 'f');
      const file = parseIptablesSave(text, { dialect: 'iptables', onCommand: feed.command, onTableEnd: feed.tableEnd });
      feed.done(file);
      assert.ok(file.tables.every((t) => t.commands.length === 0));
      const a = whole.result();
      const b = fed.result();
      assert.equal(b.output, a.output);
      assert.deepEqual(b.diagnostics, a.diagnostics);
      assert.deepEqual(b.rules, a.rules);
      assert.ok(a.diagnostics.length > 0);
    });
  }

  it('the raw-table sample does move raw after conntrack (so the test above covers that pass)', () => {
    const c = new Converter({ style: 'script', numericPriority: true });
    c.addFile({ file: parseIptablesSave(samples[3]![1] as string, { dialect: 'iptables' }) });
    assert.ok(c.result().diagnostics.some((d) => d.code === 'raw-after-conntrack'));
  });

  for (const [what, dump] of [
    ['a -N after the rule that jumps to its chain', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j later\n-N later\n-A later -j DROP\nCOMMIT\n'],
    ['a chain declared after a rule', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j later\n:later - [0:0]\nCOMMIT\n'],
    ['--new-chain, tab-separated', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j later\n--new-chain\tlater\nCOMMIT\n'],
  ]) {
    it(`the streaming path reads such a chunk whole first: ${what}`, () => {
      const opts = { style: 'script' as const, numericPriority: true };
      const whole = convertFiles([{ file: parseIptablesSave(dump, { dialect: 'iptables' }), name: 'd' }], opts);
      assert.ok(!whole.diagnostics.some((d) => d.code === 'unknown-target'));
      let out = '';
      const codes: string[] = [];
      streamLargeDump(dump, 'iptables', opts, { out: (t) => (out += t), diagnostics: (ds) => codes.push(...ds.map((d) => d.code)) }, 'd');
      assert.equal(out, whole.output);
      assert.deepEqual(codes, whole.diagnostics.map((d) => d.code));
    });
  }

  it('is refused where addFile reads a whole table first (--physdev bridge, ebtables)', () => {
    assert.throws(() => new Converter({ physdev: 'bridge' }).feed('iptables'));
    assert.throws(() => new Converter({}).feed('ebtables'));
  });
});
