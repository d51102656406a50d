import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeDocument } from '../../src/language/analysis';
import { iptablesCompletions, nftCompletions } from '../../src/language/completion';
import { iptablesHover } from '../../src/language/iptables-hover';
import type { LanguageId } from '../../src/language/model';
import { prepareRename } from '../../src/language/navigation';
import { nftHover } from '../../src/language/nft-hover';
import { scanNft } from '../../src/language/nft-scan';

describe('language: nft scanner', () => {
  const kinds = (text: string) => scanNft(text).map((t) => `${t.kind}:${t.image}`);

  it('splits words, strings, set references, variables, comments and punctuation', () => {
    assert.deepEqual(kinds('ip saddr @blocked drop # x\n'), ['word:ip', 'word:saddr', 'setref:@blocked', 'word:drop', 'comment:# x', 'newline:\n']);
    assert.deepEqual(kinds('iifname $ext_if ct helper set "ftp-std";'), ['word:iifname', 'variable:$ext_if', 'word:ct', 'word:helper', 'word:set', 'string:"ftp-std"', 'semicolon:;']);
    assert.deepEqual(kinds('{ 22 : accept, 10.0.0.0/8 }'), ['lcurly:{', 'word:22', 'other::', 'word:accept', 'comma:,', 'word:10.0.0.0/8', 'rcurly:}']);
  });

  it('keeps IPv6 and MAC addresses whole and does not take raw payloads for sets', () => {
    assert.deepEqual(kinds('ip6 saddr fd00::1 ether saddr 52:54:00:aa:bb:cc'), ['word:ip6', 'word:saddr', 'word:fd00::1', 'word:ether', 'word:saddr', 'word:52:54:00:aa:bb:cc']);
    assert.deepEqual(kinds('@th,16,16 1'), ['other:@th', 'comma:,', 'word:16', 'comma:,', 'word:16', 'word:1']);
  });

  it('skips line continuations and keeps an unterminated string on its line', () => {
    assert.deepEqual(kinds('a \\\n b "open\nc'), ['word:a', 'word:b', 'string:"open', 'newline:\n', 'word:c']);
  });
});

const samples = join(__dirname, '..', '..', 'samples');
const SEEDS: [LanguageId, string][] = [
  ['iptables-save', readFileSync(join(samples, 'network-node', 'qrouter-5d1e2c3a.iptables-save'), 'utf8')],
  ['nft', readFileSync(join(samples, 'nftables', 'qrouter-5d1e2c3a.nft'), 'utf8')],
  ['ipset', readFileSync(join(samples, 'compute-node', 'compute-07.ipset-save'), 'utf8')],
];

/** Everything the editor asks for, at a few positions: analysis, hover, completion, rename. */
function exercise(language: LanguageId, text: string, probes: number[]): void {
  const a = analyzeDocument(language, text);
  const lines = text.split('\n');
  for (const p of probes) {
    const line = p % Math.max(lines.length, 1);
    const character = (p >> 4) % ((lines[line]?.length ?? 0) + 1);
    const pos = { line, character };
    prepareRename(a.names, pos);
    if (language === 'iptables-save') {
      iptablesHover(a.iptables!, a.names, pos);
      iptablesCompletions('iptables', lines.slice(0, line + 1), pos, a.names);
    } else if (language === 'nft') {
      nftHover(a.nft!.tokens, a.names, pos);
      nftCompletions(a.nft!.tokens, pos, a.names);
    }
  }
}

describe('language: bad input never crashes the editor features', () => {
  it('survives mutated samples (property-based)', function () {
    this.timeout(120_000);
    const mutation = fc.record({
      seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
      at: fc.nat(),
      cut: fc.nat({ max: 40 }),
      insert: fc.string({ maxLength: 12, unit: fc.constantFrom('{', '}', '"', '@', '$', '#', '\n', ' ', '-', '!', ':', ';', 'j', 'x', '\\', '*') }),
      probes: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(fc.property(mutation, ({ seed, at, cut, insert, probes }) => {
      const [language, text] = SEEDS[seed]!;
      const i = at % (text.length + 1);
      const mutated = text.slice(0, i) + insert + text.slice(i + cut);
      const started = Date.now();
      exercise(language, mutated, probes);
      assert.ok(Date.now() - started < 10_000, 'bounded time');
    }), { numRuns: 150 });
  });

  it('survives random text in every language', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 4 }), (text, probes) => {
      for (const [language] of SEEDS) exercise(language, text, probes);
    }), { numRuns: 200 });
  });
});
