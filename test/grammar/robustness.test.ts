/**
 * Bad input never hangs the grammars: random lines built from the characters and words
 * the regexes care about (hex digits, ':', '.', '-', quotes, braces, keywords) tokenize
 * within a generous time bound and without throwing.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { INITIAL } from 'vscode-textmate';
import { grammarContributions, loadGrammar } from './support/textmate';

// Generous bound against catastrophic backtracking on 2 kB lines; typical lines take well under 1 ms.
const LINE_TIME_GUARD_MS = 250;

const fragments = [
  ':', '::', '.', '-', '--', '/', ',', ';', '"', "'", '{', '}', '[', ']', '(', ')', '!', '@', '$', '*', '+', '#', ' ', '\t', '\\',
  'a', 'f', 'ff', 'dead', 'beef', '0', '1', '12', '255', '0x', '65535', '10.0.0.1', 'fe80::1', 'fa:16:3e', '1h', '30m', 'ms',
  'ip', 'ip6', 'tcp', 'dport', 'meta', 'ct', 'state', 'set', 'map', 'table', 'chain', 'type', 'add', 'rule', 'jump', 'accept',
  'counter', 'bytes', 'mbytes/second', 'status', 'dnat', 'option', 'fib', 'saddr', '-A', '-j', '-m', '--dport', 'COMMIT',
  '*filter', ':INPUT', 'create', 'hash:net', 'qr-+', 'neutron-l3-agent', 'echo-request',
];

const line = fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 4 })), { maxLength: 400 }).map((parts) => parts.join(''));

describe('grammar robustness on arbitrary input', function () {
  for (const { scopeName } of grammarContributions()) {
    it(`${scopeName}: random lines tokenize quickly and without errors`, async function () {
      const grammar = await loadGrammar(scopeName);
      grammar.tokenizeLine(fragments.join(' '), INITIAL); // compiles the rule scanners outside the timed runs
      let slowest = 0;
      fc.assert(
        fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), (lines) => {
          let stack = INITIAL;
          for (const text of lines) {
            const started = process.hrtime.bigint();
            const r = grammar.tokenizeLine(text, stack);
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            slowest = Math.max(slowest, ms);
            assert.ok(ms < LINE_TIME_GUARD_MS, `${ms.toFixed(1)} ms for ${JSON.stringify(text)}`);
            assert.ok(r.tokens.length > 0);
            stack = r.ruleStack;
          }
        }),
        { numRuns: 300 },
      );
      console.log(`      slowest random line: ${slowest.toFixed(2)} ms`);
    });
  }
});
