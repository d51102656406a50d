/**
 * Language configurations: valid JSON whose regexes compile as VS Code reads them (JavaScript
 * RegExp), and which behave on real lines: words keep chain names, IPv6 addresses and `qr-+`
 * whole, `*table ... COMMIT` folds, nft blocks indent.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './support/textmate';

interface LanguageConfiguration {
  comments: { lineComment?: string };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string }[];
  surroundingPairs: [string, string][];
  folding?: { markers?: { start: string; end: string } };
  indentationRules?: { increaseIndentPattern: string; decreaseIndentPattern: string };
  wordPattern: string;
}

function load(name: string): LanguageConfiguration {
  return JSON.parse(readFileSync(join(repoRoot, 'language-configuration', `${name}.json`), 'utf8'));
}

/** The words VS Code would find on a line with this wordPattern (it scans with the 'g' flag). */
function wordsOf(config: LanguageConfiguration, line: string): string[] {
  return [...line.matchAll(new RegExp(config.wordPattern, 'g'))].map((m) => m[0]);
}

describe('language configurations', function () {
  for (const name of ['iptables-save', 'nft', 'ipset']) {
    it(`${name}: '#' comments, quote auto-closing, every regex compiles`, function () {
      const c = load(name);
      assert.equal(c.comments.lineComment, '#');
      assert.ok(c.autoClosingPairs.some((p) => p.open === '"' && p.close === '"'));
      const regexes = [c.wordPattern, c.folding?.markers?.start, c.folding?.markers?.end, c.indentationRules?.increaseIndentPattern, c.indentationRules?.decreaseIndentPattern];
      for (const r of regexes) if (r !== undefined) assert.doesNotThrow(() => new RegExp(r), r);
      assert.ok(!new RegExp(c.wordPattern).test(''), 'wordPattern must not match the empty string');
    });
  }

  describe('iptables-save', function () {
    const c = load('iptables-save');

    it('folds a table from *table to COMMIT', function () {
      const start = new RegExp(c.folding!.markers!.start);
      const end = new RegExp(c.folding!.markers!.end);
      assert.ok(start.test('*filter'));
      assert.ok(start.test('*nat'));
      assert.ok(end.test('COMMIT'));
      assert.ok(!start.test('-A INPUT -j ACCEPT'));
      assert.ok(!end.test('# COMMIT is missing'));
    });

    it('keeps chain names, interfaces with +, addresses and options whole', function () {
      const words = wordsOf(c, '-A neutron-l3-agent-PREROUTING -d fe80::a9fe:a9fe/128 -i qr-+ -m mark ! --mark 0x1/0xffff -j MARK');
      for (const w of ['-A', 'neutron-l3-agent-PREROUTING', 'fe80::a9fe:a9fe/128', 'qr-+', '--mark', '0x1/0xffff', 'MARK']) assert.ok(words.includes(w), `${w} not a word in ${JSON.stringify(words)}`);
      assert.ok(wordsOf(c, '--match-set NIPv4fc83d7d6-3e24-4a6f-a7a4- src').includes('NIPv4fc83d7d6-3e24-4a6f-a7a4-'));
      assert.deepEqual(wordsOf(c, '--ctstate NEW,RELATED'), ['--ctstate', 'NEW', 'RELATED']);
    });

    it('pairs counter brackets', function () {
      assert.deepEqual(c.brackets, [['[', ']']]);
    });
  });

  describe('nft', function () {
    const c = load('nft');

    it('pairs and auto-closes braces, brackets and parentheses', function () {
      for (const [open, close] of [['{', '}'], ['[', ']'], ['(', ')']]) {
        assert.ok(c.brackets.some(([o, cl]) => o === open && cl === close));
        assert.ok(c.autoClosingPairs.some((p) => p.open === open && p.close === close));
      }
    });

    it('indents after an opening brace and outdents on a closing one', function () {
      const increase = new RegExp(c.indentationRules!.increaseIndentPattern);
      const decrease = new RegExp(c.indentationRules!.decreaseIndentPattern);
      assert.ok(increase.test('table inet filter {'));
      assert.ok(increase.test('\tchain input { # inbound'));
      assert.ok(increase.test('\t\tmeta l4proto { tcp, udp } th dport 53 jump {'));
      assert.ok(!increase.test('\t\ttcp dport { 22, 80 } accept'));
      assert.ok(!increase.test('\t\tcomment "{"'));
      assert.ok(!increase.test('# {'));
      assert.ok(decrease.test('\t}'));
      assert.ok(!decrease.test('\ttcp dport 22'));
    });

    it('keeps variables, set references, symbolic names and addresses whole', function () {
      const words = wordsOf(c, 'iifname $wan_if ip6 saddr 2001:db8::/32 icmpv6 type echo-request ip saddr @blocklist_v4 jump neutron-l3-agent-PREROUTING');
      for (const w of ['$wan_if', '2001:db8::/32', 'echo-request', '@blocklist_v4', 'neutron-l3-agent-PREROUTING']) assert.ok(words.includes(w), `${w} not a word in ${JSON.stringify(words)}`);
      assert.deepEqual(wordsOf(c, 'ip saddr . tcp dport'), ['ip', 'saddr', '.', 'tcp', 'dport']);
    });
  });

  describe('ipset', function () {
    const c = load('ipset');

    it('keeps set names and elements apart at commas', function () {
      assert.deepEqual(wordsOf(c, 'add NIPv4fc83d7d6-3e24-4a6f-a7a4- fd00::1,tcp:80'), ['add', 'NIPv4fc83d7d6-3e24-4a6f-a7a4-', 'fd00::1', 'tcp:80']);
      assert.ok(wordsOf(c, 'create s hash:net,port family inet -exist').includes('-exist'));
    });
  });
});
