/** Chunked conversion of large dumps gives the same text and diagnostics as the whole-file path. */
import { strict as assert } from 'node:assert';
import { parseIptablesSave } from '../../src/convert/iptables';
import { Writable } from 'node:stream';
import { convertPart, streamInParallel, type PartRequest } from '../../src/cli/translate';
import { convertLargeDump, DumpStreamer, streamLargeDump, type StreamSinks } from '../../src/convert/translate/chunked';
import { Converter, convertFiles } from '../../src/convert/translate/convert';
import type { FileDiagnostic } from '../../src/convert/translate/convert';

describe('chunked conversion of large dumps', function () {
  this.timeout(60_000);
  let text = '';
  let withSets = '';
  before(async () => {
    const gen = (await import('../../bench/gen-neutron.mjs')) as { generateNeutronDump(o: object): { iptables: string } };
    text = gen.generateNeutronDump({ rules: 9000, ports: 200, useSets: false }).iptables;
    withSets = gen.generateNeutronDump({ rules: 9000, ports: 200, useSets: true }).iptables;
  });

  const withHelper = (t: string) => t.replace(/^(:neutron-openvswi-PREROUTING .*)$/m, '$1\n-A PREROUTING -p tcp --dport 21 -j CT --helper ftp');
  const opts = { style: 'script' as const, numericPriority: true, header: ['# head'], footer: ['# foot'] };
  function collect(): { sinks: StreamSinks; out: () => string; diags: () => string[] } {
    let out = '';
    const diags: string[] = [];
    return { sinks: { out: (t) => (out += t), diagnostics: (ds) => diags.push(...ds.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`)) }, out: () => out, diags: () => diags };
  }
  function textSink(): { stream: Writable; text: () => string } {
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    return { stream, text: () => text };
  }

  for (const [what, dump] of [['without sets', () => text], ['with -m set (declarations)', () => withSets]] as const) {
    it(`a streamer primed up to a chunk reaches the state of one that converted the chunks before it (${what})`, () => {
      const full = new DumpStreamer(dump(), 'iptables', opts, 'd');
      assert.ok(full.chunks.length >= 3);
      const whole = collect();
      full.run(whole.sinks, 0, 1);
      for (let k = 1; k < full.chunks.length; k++) {
        const primed = new DumpStreamer(dump(), 'iptables', opts, 'd');
        primed.prime(k);
        assert.equal(primed.state(), full.state(), `state after ${k} chunks`);
        const mine = collect();
        primed.run(mine.sinks, k, k + 1);
        const theirs = collect();
        full.run(theirs.sinks, k, k + 1);
        assert.equal(mine.out(), theirs.out());
        assert.deepEqual(mine.diags(), theirs.diags());
      }
    });
  }

  it('a dump whose skeleton misleads the priming gives a different state (the caller then converts sequentially)', () => {
    // CT --helper in raw moves the raw chains after conntrack unless another rule needs conntrack
    // first (the CT --zone rules, which the skeleton leaves out).
    const odd = withHelper(text);
    const full = new DumpStreamer(odd, 'iptables', opts, 'd');
    full.run(collect().sinks, 0, 1);
    const primed = new DumpStreamer(odd, 'iptables', opts, 'd');
    primed.prime(1);
    assert.notEqual(primed.state(), full.state());
  });

  for (const [what, edit] of [
    ['the worker part is used', (t: string) => t],
    ['the state differs and the main thread converts the rest', (t: string) => withHelper(t)],
  ] as const) {
    it(`two-part restore-translate prints exactly the sequential output when ${what}`, async () => {
      const dump = edit(text);
      const seq = { out: textSink(), err: textSink() };
      const seqCounts = streamLargeDump(dump, 'iptables', opts, { out: (t) => seq.out.stream.write(t), diagnostics: (ds) => ds.length && seq.err.stream.write(ds.map((d) => `d:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]\n`).join('')) }, 'd');
      const par = { out: textSink(), err: textSink() };
      let used = 0;
      const counts = await streamInParallel(dump, 'iptables', opts, { stdout: par.out.stream, stderr: par.err.stream, stdin: process.stdin }, 'd', {
        split: (chunks) => Math.floor(chunks.length / 2),
        run: async (r: PartRequest) => {
          used++;
          return convertPart(r);
        },
      });
      assert.equal(used, 1);
      assert.equal(par.out.text(), seq.out.text());
      assert.equal(par.err.text(), seq.err.text());
      assert.deepEqual(counts, seqCounts);
    });
  }

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

describe('Converter.feed (commands converted while the file is parsed)', function () {
  this.timeout(30_000);
  const samples: [string, string][] = [
    ['tables without and with rules, syntax errors, a stray command', '-A STRAY -j ACCEPT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:x - [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -m bogus --foo -j x\n-A INPUT --dport\ngarbage\n-A INPUT -m physdev --physdev-in tap1 -j DROP\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 21 -j CT --helper ftp\nCOMMIT\n'],
    ['a raw table whose CT --helper moves it after conntrack', '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 21 -j CT --helper ftp\n-A OUTPUT -j ACCEPT\nCOMMIT\n'],
  ];
  for (const [what, text] of samples) {
    it(`gives addFile's output, outcomes and diagnostics in the same order: ${what}`, () => {
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
    c.addFile({ file: parseIptablesSave(samples[1]![1], { dialect: 'iptables' }) });
    assert.ok(c.result().diagnostics.some((d) => d.code === 'raw-after-conntrack'));
  });

  it('is refused where addFile reads a whole table first (--physdev bridge, ebtables)', () => {
    assert.throws(() => new Converter({ physdev: 'bridge' }).feed('iptables'));
    assert.throws(() => new Converter({}).feed('ebtables'));
  });
});
