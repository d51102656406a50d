/**
 * Property-based robustness of the nft parser, printer and formatter (fast-check):
 * mutated corpus dumps, token soups and random bytes never make them throw or hang, and
 * whatever the formatter accepts it formats idempotently.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeNft } from '../../src/convert/nft/analysis';
import { formatNft } from '../../src/convert/nft/format';
import { parseNft } from '../../src/convert/nft/index';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

/** Generous bound for one input of a few kB (also on a loaded CI machine): catches hangs and runaway backtracking, not slowness. */
const BOUND_MS = 10_000;

function exercise(text: string): void {
  const started = Date.now();
  const parsed = parseNft(text);
  analyzeNft(parsed.file);
  const once = formatNft(text);
  if (once !== undefined) {
    const twice = formatNft(once);
    assert.equal(twice, once, `formatting is not idempotent for:\n${JSON.stringify(text)}`);
  }
  const took = Date.now() - started;
  assert.ok(took < BOUND_MS, `took ${took} ms on ${text.length} characters`);
}

const TOKENS = [
  'table', 'chain', 'set', 'map', 'ip', 'inet', 't', 'c', '{', '}', ';', '\n', 'type', 'filter', 'hook', 'input', 'priority', '0',
  '-10', 'policy', 'accept', 'drop', 'jump', 'goto', 'tcp', 'dport', '22', 'ip', 'saddr', '10.0.0.0/8', '1.2.3.4-1.2.3.9', '::1',
  'ct', 'state', 'established,related', '!=', '==', '&', '|', '(', ')', '.', ',', ':', 'vmap', 'elements', '=', '"x"', '"',
  '$v', '@s', '@th,16,16', 'counter', 'log', 'prefix', 'limit', 'rate', '10/second', 'snat', 'to', 'define', 'include', 'add',
  'rule', 'element', 'flush', 'ruleset', '#', '# c', '*', 'meter', 'timeout', '1h', 'flags', 'interval', 'typeof', 'meta', 'mark',
  'set', 'fib', 'numgen', 'jhash', 'mod', '2', '[', ']', 'flowtable', 'devices', 'quota', 'over', 'ct helper', 'comment',
];

describe('nft fuzz (fast-check)', function () {
  let corpus: string[] = [];
  before(function () {
    requirePrereqs(this, prereqs.corpus());
    const dir = join(corpusDir, 'nft-dumps');
    corpus = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), 'utf8')).filter((t) => t.length > 0 && t.length < 6000);
  });

  it('mutated corpus dumps: no exception, bounded time, idempotent formatting', function () {
    const mutation = fc.record({
      file: fc.nat(),
      edits: fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 12 }), insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })) }), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(mutation, ({ file, edits }) => {
        let text = corpus[file % corpus.length]!;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + ` ${e.insert} ` + text.slice(at + e.cut);
        }
        exercise(text);
      }),
      { numRuns: 400, seed: 4242 },
    );
  });

  it('token soup: no exception, bounded time', function () {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }), (toks) => exercise(toks.join(' '))),
      { numRuns: 400, seed: 7 },
    );
  });

  it('random bytes and deep nesting: no exception, bounded time', function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => exercise(Buffer.from(bytes).toString('latin1'))),
      { numRuns: 300, seed: 11 },
    );
    exercise(`table ip t { chain c { meta mark set ${'('.repeat(5000)}1${')'.repeat(5000)} } }`);
    exercise(`table ip t { chain c { ip saddr ${'{ '.repeat(3000)}1${' }'.repeat(3000)} } }`);
    exercise('{'.repeat(20000));
  });
});
