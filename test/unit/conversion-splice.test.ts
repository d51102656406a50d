import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateNeutronDump } from '../../bench/gen-neutron.mjs';
import { ConversionIndex, ConversionPipeline, DEFAULT_VIEW_OPTIONS, outputChange, type SourceText, type TextChange, type ViewOptions, type ViewResult } from '../../src/views/conversion/model';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

const sorted = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

/** One-line edits of a rule line: what a user typing in a dump does. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('number' as const), value: fc.integer({ min: 0, max: 70000 }), nth: fc.nat(20) }),
  fc.record({ kind: fc.constant('target' as const), value: fc.constantFrom('ACCEPT', 'DROP', 'RETURN', 'REJECT', 'LOG', 'CHECKSUM --checksum-fill', 'NOPE'), nth: fc.nat(0) }),
  fc.record({ kind: fc.constant('negate' as const), value: fc.constant(0), nth: fc.nat(20) }),
  fc.record({ kind: fc.constant('drop-word' as const), value: fc.constant(0), nth: fc.nat(30) }),
  fc.record({ kind: fc.constant('garbage' as const), value: fc.constantFrom('--bogus', '"', '-m nosuch', '-p tcp --dport 1:2:3', 'x'), nth: fc.nat(30) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(line: string, m: Mutation): string {
  const words = line.split(' ');
  switch (m.kind) {
    case 'number': {
      const nums = [...line.matchAll(/\b\d+\b/g)];
      const hit = nums[m.nth % Math.max(1, nums.length)];
      return hit ? line.slice(0, hit.index) + String(m.value) + line.slice(hit.index! + hit[0].length) : line;
    }
    case 'target':
      return /\s-j\s+\S+.*$/.test(line) ? line.replace(/(\s-j\s+)\S+.*$/, `$1${m.value}`) : `${line} -j ${m.value}`;
    case 'negate': {
      const opts = words.map((w, i) => (w.startsWith('-') && i > 1 ? i : -1)).filter((i) => i > 0);
      const i = opts[m.nth % Math.max(1, opts.length)];
      return i === undefined ? line : [...words.slice(0, i), '!', ...words.slice(i)].join(' ');
    }
    case 'drop-word': {
      const i = 2 + (m.nth % Math.max(1, words.length - 2));
      return words.length > 3 ? [...words.slice(0, i), ...words.slice(i + 1)].join(' ') : line;
    }
    case 'garbage': {
      const i = 2 + (m.nth % Math.max(1, words.length - 2));
      return [...words.slice(0, i), String(m.value), ...words.slice(i)].join(' ');
    }
  }
}

/** Every lookup of the view answers the same from both indexes. */
function assertSameLookups(derived: ConversionIndex, fresh: ConversionIndex, key: string, sourceLines: number, what: string): void {
  assert.deepEqual(derived.summary, fresh.summary, `${what}: summary`);
  for (let l = 0; l < sourceLines; l++) {
    assert.deepEqual(derived.ruleAt(key, l), fresh.ruleAt(key, l), `${what}: rule at ${l}`);
    assert.deepEqual(derived.outputAt(key, l), fresh.outputAt(key, l), `${what}: output of ${l}`);
  }
  const outputLines = fresh.result.output.split('\n').length;
  for (let l = 0; l < outputLines; l++) assert.deepEqual(derived.sourceAt(l), fresh.sourceAt(l), `${what}: source of output ${l}`);
  for (const c of fresh.summary.chains) {
    assert.deepEqual(derived.chainCounts(key, c.table, c.chain), fresh.chainCounts(key, c.table, c.chain), `${what}: counts of ${c.chain}`);
    assert.deepEqual(derived.firstRuleWithOutput(key, c.table, c.chain), fresh.firstRuleWithOutput(key, c.table, c.chain), `${what}: first rule of ${c.chain}`);
  }
}

function applyChange(text: string, change: TextChange | undefined): string {
  return change ? text.slice(0, change.start) + change.text + text.slice(change.end) : text;
}

/** Edits rule lines at random and checks the spliced result against a full conversion. */
function checkSplices(name: string, text: string, ipsets: SourceText[], opts: ViewOptions, runs: number): { applied: number; tried: number } {
  const lines = text.split('\n');
  const ruleLines = lines.map((l, i) => (/^-A /.test(l) ? i : -1)).filter((i) => i >= 0);
  let applied = 0;
  let tried = 0;
  fc.assert(fc.property(fc.nat(ruleLines.length - 1), mutation, (pick, m) => {
    const line = ruleLines[pick]!;
    const edited = mutate(lines[line]!, m);
    if (edited === lines[line] || edited.includes('\n')) return;
    const after = [...lines.slice(0, line), edited, ...lines.slice(line + 1)].join('\n');
    const pipeline = new ConversionPipeline();
    const prev: ViewResult = pipeline.convert([{ key: name, kind: 'iptables', text }], opts, ipsets);
    // What the view builds from the edited line alone, without the document's whole text.
    assert.equal(pipeline.textWithLine(name, text, line, edited), after);
    const spliced = pipeline.update(prev, [{ key: name, kind: 'iptables', text: after }], opts, ipsets, { key: name, before: text, after, line });
    const full = new ConversionPipeline().convert([{ key: name, kind: 'iptables', text: after }], opts, ipsets);
    tried++;
    if (!spliced) return;
    applied++;
    const what = `${name} line ${line}: ${lines[line]} → ${edited}`;
    assert.equal(spliced.output, full.output, what);
    assert.equal(applyChange(prev.output, outputChange(prev.output, spliced)), full.output, `${what}: the output edit`);
    assert.deepEqual(spliced.rules, full.rules, what);
    assert.deepEqual(sorted(spliced.sourceMap), sorted(full.sourceMap), what);
    assert.deepEqual(sorted(spliced.diagnostics), sorted(full.diagnostics), what);
    // The view derives the spliced result's index from the previous one instead of rebuilding it.
    assertSameLookups(new ConversionIndex(prev).derive(spliced), new ConversionIndex(full), name, lines.length, what);
  }), { numRuns: runs, seed: 5 });
  if (process.env.NFLENS_DEBUG) console.log(`${name}: spliced ${applied} of ${tried} edits`);
  return { applied, tried };
}

describe('conversion view: updating a result after a one-rule edit', function () {
  this.timeout(30_000);

  it('equals a full conversion of a generated compute-node dump (with sets), edit after edit', () => {
    const gen = generateNeutronDump({ rules: 300, ports: 10, useSets: true, seed: 3 });
    const sets: SourceText[] = [{ key: 'sets', kind: 'ipset', text: gen.ipset }];
    const { applied, tried } = checkSplices('gen', gen.iptables, sets, DEFAULT_VIEW_OPTIONS, 50);
    assert.ok(applied > tried / 3, `the splice applied to ${applied} of ${tried} edits`);
  });

  it('chains edits: each update starts from the previous spliced result', () => {
    const gen = generateNeutronDump({ rules: 400, ports: 10, useSets: false, seed: 9 });
    const opts = { ...DEFAULT_VIEW_OPTIONS, style: 'script' as const, counters: false };
    const pipeline = new ConversionPipeline();
    let text = gen.iptables;
    let result: ViewResult = pipeline.convert([{ key: 'k', kind: 'iptables', text }], opts);
    // As the view does when idle after a whole conversion.
    pipeline.prepareEdits('k', result);
    const ports = [...text.split('\n').entries()].filter(([, l]) => /--dport \d+ /.test(l)).map(([i]) => i).slice(0, 12);
    let applied = 0;
    for (const [n, line] of ports.entries()) {
      const lines = text.split('\n');
      lines[line] = lines[line]!.replace(/--dport \d+ /, `--dport ${30000 + n} `);
      const after = lines.join('\n');
      assert.equal(pipeline.textWithLine('k', text, line, lines[line]!), after);
      // As the view does: the edited line is handed over, so the new text is not read.
      const next = pipeline.update(result, [{ key: 'k', kind: 'iptables', text: after }], opts, [], { key: 'k', before: text, after, line, lineText: lines[line] });
      const full = new ConversionPipeline().convert([{ key: 'k', kind: 'iptables', text: after }], opts);
      if (next) {
        applied++;
        // The splice says what changed in the output (the view sends just that), and keeps the
        // source map and diagnostics in the order a full conversion gives.
        const change = outputChange(result.output, next);
        assert.ok(change && change.text.includes(`dport ${30000 + n}`), 'the change holds the edited rule');
        assert.equal(applyChange(result.output, change), full.output);
        assert.deepEqual(next.sourceMap, full.sourceMap);
        assert.deepEqual(next.diagnostics, full.diagnostics);
        const derived = new ConversionIndex(result).derive(next);
        assert.ok(derived.derived, 'a port edit keeps every line: the index is derived, not rebuilt');
        assertSameLookups(derived, new ConversionIndex(full), 'k', lines.length, `port edit ${n}`);
      }
      result = next ?? pipeline.convert([{ key: 'k', kind: 'iptables', text: after }], opts);
      text = after;
      assert.equal(result.output, full.output);
      assert.deepEqual(result.rules, full.rules);
    }
    assert.equal(applied, ports.length, 'port edits never need a full conversion');
  });

  it('rebuilds an edited line of a CRLF dump with its line ending, and refuses a text it did not convert', () => {
    const text = '*filter\r\n:INPUT ACCEPT [0:0]\r\n-A INPUT -p tcp --dport 22 -j ACCEPT\r\n-A INPUT -j DROP\r\nCOMMIT\r\n';
    const pipeline = new ConversionPipeline();
    pipeline.convert([{ key: 'c', kind: 'iptables', text }], DEFAULT_VIEW_OPTIONS);
    assert.equal(pipeline.textWithLine('c', text, 2, '-A INPUT -p tcp --dport 2222 -j ACCEPT'), text.replace('--dport 22 ', '--dport 2222 '));
    assert.equal(pipeline.textWithLine('c', text, 5, 'x'), text + 'x', 'the empty last line');
    assert.equal(pipeline.textWithLine('c', text, 6, 'x'), undefined, 'no such line');
    assert.equal(pipeline.textWithLine('c', text.replace('22', '23'), 2, 'x'), undefined, 'another text');
    assert.equal(pipeline.textWithLine('other', text, 2, 'x'), undefined, 'another input');
    assert.equal(pipeline.textWithLine('c', text, 2, 'x', 6), text.replace('-A INPUT -p tcp --dport 22 -j ACCEPT', 'x'), 'as many lines as the document');
    assert.equal(pipeline.textWithLine('c', text, 2, 'x', 7), undefined, 'a document that counts its lines otherwise');
  });

  it('keeps derived indexes right over hundreds of edits (the overlay is folded into the shared map)', () => {
    const gen = generateNeutronDump({ rules: 3000, ports: 60, useSets: false, seed: 11 });
    const opts = DEFAULT_VIEW_OPTIONS;
    const pipeline = new ConversionPipeline();
    let text = gen.iptables;
    let index = new ConversionIndex(pipeline.convert([{ key: 'k', kind: 'iptables', text }], opts));
    const ports = [...text.split('\n').entries()].filter(([, l]) => /--dport \d+ /.test(l)).map(([i]) => i);
    let derived = 0;
    for (let n = 0; n < 300; n++) {
      const line = ports[n % ports.length]!;
      const lines = text.split('\n');
      lines[line] = lines[line]!.replace(/--dport \d+ /, `--dport ${1000 + n} `);
      const after = lines.join('\n');
      const next = pipeline.update(index.result, [{ key: 'k', kind: 'iptables', text: after }], opts, [], { key: 'k', before: text, after, line });
      assert.ok(next, `edit ${n} is a splice`);
      index = index.derive(next);
      if (index.derived) derived++;
      text = after;
    }
    assert.equal(derived, 300);
    assert.ok(ports.length >= 300, `300 different rules edited (${ports.length} have a port)`);
    assertSameLookups(index, new ConversionIndex(new ConversionPipeline().convert([{ key: 'k', kind: 'iptables', text }], opts)), 'k', text.split('\n').length, 'after 300 edits');
  });

  describe('on the Neutron corpus', () => {
    before(function () {
      requirePrereqs(this, prereqs.corpus());
    });

    for (const file of ['qrouter-0391ee86.iptables-save', 'qdhcp-3e8f1a2b.ip6tables-save', 'compute-ovs-hybrid-sg.iptables-save']) {
      it(`equals a full conversion for random edits of ${file}`, () => {
        const dir = join(corpusDir, 'neutron');
        const text = readFileSync(join(dir, file), 'utf8');
        const setsFile = readdirSync(dir).find((f) => f === file.replace(/\.ip6?tables-save$/, '.ipset-save'));
        const sets: SourceText[] = setsFile ? [{ key: 'sets', kind: 'ipset', text: readFileSync(join(dir, setsFile), 'utf8') }] : [];
        const { applied } = checkSplices(file, text, sets, DEFAULT_VIEW_OPTIONS, 80);
        assert.ok(applied > 0, 'the splice applied at least once');
      });
    }
  });
});
