import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConversionClient } from '../../src/views/conversion/convert-client';
import { ConversionPipeline, DEFAULT_VIEW_OPTIONS, type SourceText, type ViewOptions } from '../../src/views/conversion/model';
import { packResult, unpackResult } from '../../src/views/conversion/result-codec';
import { corpusDir } from '../support/prereq';

const neutronDir = join(corpusDir, 'neutron');
const dumps = readdirSync(neutronDir).filter((f) => /\.ip6?tables-save$/.test(f));
const ipsetOf = (name: string): SourceText[] => {
  const f = name.replace(/\.ip6?tables-save$/, '.ipset-save');
  return existsSync(join(neutronDir, f)) ? [{ key: f, kind: 'ipset', text: readFileSync(join(neutronDir, f), 'utf8') }] : [];
};
const source = (name: string, text = readFileSync(join(neutronDir, name), 'utf8')): SourceText[] => [{ key: `file:///${name}`, kind: 'iptables', text, fileName: name }];

/** A dump whose diagnostics carry related information and quick-fix data, and a rule without output. */
const ODD = `*filter
:INPUT ACCEPT [0:0]
:INPUT DROP [0:0]
:X - [0:0]
-A INPUT -p tcp -p udp -j ACCEPT
-A INPUT -j DROP
-A INPUT -s 10.0.0.1 -j ACCEPT
-A INPUT -m set --match-set missing src -j DROP
-A INPUT -m physdev --physdev-in tap0 -j ACCEPT
-A X -j CHECKSUM --checksum-fill
COMMIT
`;

const WORKER = join(__dirname, '..', '..', 'dist', 'convert-worker.js');

describe('conversion worker: results cross the thread boundary unchanged', () => {
  const options: ViewOptions[] = [DEFAULT_VIEW_OPTIONS, { ...DEFAULT_VIEW_OPTIONS, style: 'script', physdev: 'bridge', counters: false }];

  it('the codec gives back every rule, source-map entry and diagnostic (Neutron dumps, both styles, and odd input)', () => {
    const inputs = [...dumps.map((d) => ({ sources: source(d), extra: ipsetOf(d) })), { sources: source('odd.iptables-save', ODD), extra: [] }];
    let related = 0;
    let data = 0;
    for (const { sources, extra } of inputs) {
      for (const opts of options) {
        const { nft: _nft, ...result } = new ConversionPipeline().convert(sources, opts, extra);
        assert.ok(result.rules.length > 0 && result.sourceMap.length > 0);
        const back = unpackResult(packResult(result));
        assert.deepStrictEqual(back, result, `${sources[0]!.key} ${opts.style}`);
        related += result.diagnostics.filter((d) => d.related).length;
        data += result.diagnostics.filter((d) => d.data).length;
      }
    }
    assert.ok(data > 0, `diagnostics with quick-fix data (${data}) were among them`);
    assert.equal(related, 0, 'the converter gives no related information today; the next case covers it');
    // Written by hand: related information, no file, a rule without output, an empty result.
    const r = (a: number, b: number, c: number, d: number) => ({ start: { line: a, character: b }, end: { line: c, character: d } });
    const hand = {
      output: 'table ip filter {\n}\n',
      rules: [{ source: r(1, 0, 1, 9), outcome: 'unsupported' as const, table: 'filter', chain: 'INPUT' }, { file: 'f', source: r(2, 0, 2, 9), outcome: 'translated' as const, table: 'filter', chain: 'INPUT', output: r(3, 1, 3, 7) }],
      sourceMap: [{ source: r(2, 0, 2, 9), output: r(3, 1, 3, 7) }],
      diagnostics: [
        { range: r(1, 2, 1, 4), severity: 'hint' as const, code: 'x', message: 'm', related: [{ message: 'first here', range: r(0, 0, 0, 1) }] },
        { file: 'f', range: r(2, 2, 2, 4), severity: 'information' as const, code: 'x', message: 'm', data: { name: 'S', n: 1 } },
      ],
    };
    assert.deepStrictEqual(unpackResult(packResult(hand)), hand);
    const empty = { output: '', rules: [], sourceMap: [], diagnostics: [] };
    assert.deepStrictEqual(unpackResult(packResult(empty)), empty);
  });

  it('converts in the calling thread when there is no worker, as the pipeline does', async () => {
    const client = new ConversionClient(undefined);
    const name = 'compute-ovs-hybrid-sg.iptables-save';
    const got = await client.convert(source(name), DEFAULT_VIEW_OPTIONS, ipsetOf(name));
    const pipeline = new ConversionPipeline();
    const { nft: _nft, ...direct } = pipeline.convert(source(name), DEFAULT_VIEW_OPTIONS, ipsetOf(name));
    assert.equal(got.where, 'thread');
    assert.deepStrictEqual(got.result, direct);
    assert.equal(got.dumps.length, 1);
    assert.deepStrictEqual(got.dumps[0]!.outline, pipeline.lastOutline(`file:///${name}`));
    assert.equal(client.inWorker, false);
  });

  it('a pipeline adopts a conversion made elsewhere: preparing for edits leaves it unchanged, and an edit then splices', async () => {
    const name = 'qrouter-0391ee86.iptables-save';
    const sources = source(name);
    const got = await new ConversionClient(undefined).convert(sources, DEFAULT_VIEW_OPTIONS, []);
    const pipeline = new ConversionPipeline();
    pipeline.adopt(sources, got.dumps);
    const before = structuredClone(got.result);
    pipeline.prepareEdits(sources[0]!.key, got.result);
    assert.deepStrictEqual(got.result, before);
    const text = sources[0]!.text;
    const lines = text.split('\n');
    const line = lines.findIndex((l) => /^-A .* -j ACCEPT$/.test(l));
    assert.ok(line > 0);
    lines[line] = lines[line]!.replace(/-j ACCEPT$/, '-j DROP');
    const after = lines.join('\n');
    const next = pipeline.update(got.result, [{ ...sources[0]!, text: after }], DEFAULT_VIEW_OPTIONS, [], { key: sources[0]!.key, before: text, after, line });
    assert.ok(next, 'spliced, not converted whole');
    const { nft: _nft, ...whole } = new ConversionPipeline().convert([{ ...sources[0]!, text: after }], DEFAULT_VIEW_OPTIONS, []);
    assert.equal(next.output, whole.output);
  });

  describe('in the worker thread (dist/convert-worker.js, made by the build)', () => {
    let client: ConversionClient;
    before(function () {
      assert.ok(existsSync(WORKER), `${WORKER} is missing: run \`node scripts/build.mjs\` first (npm test builds before the unit tests)`);
      client = new ConversionClient(WORKER);
    });
    after(() => client.dispose());

    it('gives what the pipeline gives in this thread, for every Neutron dump', async () => {
      for (const d of dumps) {
        const got = await client.convert(source(d), DEFAULT_VIEW_OPTIONS, ipsetOf(d));
        assert.equal(got.where, 'worker');
        const { nft: _nft, ...direct } = new ConversionPipeline().convert(source(d), DEFAULT_VIEW_OPTIONS, ipsetOf(d));
        assert.deepStrictEqual(got.result, direct, d);
      }
      assert.equal(client.inWorker, true);
    });

    it('hands over a prepared conversion only for the same texts and options', async () => {
      const name = 'qrouter-0391ee86.iptables-save';
      const text = readFileSync(join(neutronDir, name), 'utf8');
      client.prepare(source(name, text), DEFAULT_VIEW_OPTIONS, []);
      assert.ok(client.isPrepared(`file:///${name}`));
      const first = await client.convert(source(name, text), DEFAULT_VIEW_OPTIONS, []);
      assert.equal(first.where, 'prepared');
      assert.ok(!client.isPrepared(`file:///${name}`), 'taken once');
      // A text edited since, other options, or another ipset dump: converted again.
      const edited = text.replace(/-j ACCEPT/, '-j DROP');
      assert.notEqual(edited, text);
      client.prepare(source(name, text), DEFAULT_VIEW_OPTIONS, []);
      const second = await client.convert(source(name, edited), DEFAULT_VIEW_OPTIONS, []);
      assert.equal(second.where, 'worker');
      assert.deepStrictEqual(second.result.output, new ConversionPipeline().convert(source(name, edited), DEFAULT_VIEW_OPTIONS, []).output);
      client.prepare(source(name, text), DEFAULT_VIEW_OPTIONS, []);
      assert.equal((await client.convert(source(name, text), { ...DEFAULT_VIEW_OPTIONS, counters: false }, [])).where, 'worker');
      client.prepare(source(name, text), DEFAULT_VIEW_OPTIONS, []);
      assert.equal((await client.convert(source(name, text), DEFAULT_VIEW_OPTIONS, ipsetOf('compute-ovs-hybrid-sg.iptables-save'))).where, 'worker');
    });

    it('reports a conversion that throws as an error and keeps working', async () => {
      // A text that is not a string makes the conversion throw inside the worker.
      const bad = [{ key: 'x', kind: 'iptables', text: 42 as unknown as string }] as SourceText[];
      await assert.rejects(client.convert(bad, DEFAULT_VIEW_OPTIONS, []));
      const ok = await client.convert(source('qdhcp-3e8f1a2b.iptables-save'), DEFAULT_VIEW_OPTIONS, []);
      assert.ok(ok.result.output.includes('table ip'));
    });
  });
});
