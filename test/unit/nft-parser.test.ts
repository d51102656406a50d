import { strict as assert } from 'node:assert';
import type { Chain, CommandStmt, Expr, Rule, Stmt, Table } from '../../src/convert/ast/nft';
import { withoutPositions } from '../../src/convert/nft/ast-util';
import { analyzeNft, parseNft } from '../../src/convert/nft/index';
import { tokenizeNft } from '../../src/convert/nft/lexer';
import { validateNft } from '../../src/convert/nft/validate';
import { printNftFile, printRuleBody } from '../../src/convert/nft/printer';
import { prereqs, requirePrereqs } from '../support/prereq';

function parseOk(text: string) {
  const r = parseNft(text);
  assert.deepEqual(r.diagnostics, [], `unexpected diagnostics for:\n${text}`);
  return r.file;
}

function ruleOf(body: string, family = 'inet'): Rule {
  const file = parseOk(`table ${family} t {\n\tchain c {\n\t\t${body}\n\t}\n}\n`);
  const chain = (file.items[0] as Table).items[0] as Chain;
  return chain.rules[0] as Rule;
}

const stmts = (body: string): Stmt[] => withoutPositions(ruleOf(body).stmts);
const lit = (text: string): Expr => ({ kind: 'literal', text });
const sel = (...path: string[]): Expr => ({ kind: 'selector', path });

describe('nft parser', () => {
  describe('rules (stmt, relational_expr, verdict_stmt)', () => {
    it('splits a rule into statements without separators', () => {
      assert.deepEqual(stmts('ip saddr 10.0.0.0/8 meta l4proto tcp tcp dport 22 counter accept'), [
        { kind: 'relational', left: sel('ip', 'saddr'), right: { kind: 'prefix', base: lit('10.0.0.0'), length: 8 } },
        { kind: 'relational', left: sel('meta', 'l4proto'), right: lit('tcp') },
        { kind: 'relational', left: sel('tcp', 'dport'), right: lit('22') },
        { kind: 'keyword', keyword: 'counter', args: [] },
        { kind: 'verdict', verdict: 'accept' },
      ]);
    });

    it('reads operators, flag lists, ranges, sets, concatenations and binops', () => {
      assert.deepEqual(stmts('ct state != established,related'), [
        { kind: 'relational', left: sel('ct', 'state'), op: '!=', right: { kind: 'list', items: [lit('established'), lit('related')] } },
      ]);
      assert.deepEqual(stmts('ip saddr . tcp dport { 1.2.3.4-1.2.3.9 . 22 }')[0], {
        kind: 'relational',
        left: { kind: 'concat', parts: [sel('ip', 'saddr'), sel('tcp', 'dport')] },
        right: { kind: 'set', elements: [{ kind: 'concat', parts: [{ kind: 'range', low: lit('1.2.3.4'), high: lit('1.2.3.9') }, lit('22')] }] },
      });
      assert.deepEqual(stmts('meta mark and 0xff == 0x1')[0], {
        kind: 'relational',
        left: { kind: 'binop', op: '&', spelling: 'and', left: sel('meta', 'mark'), right: lit('0xff') },
        op: '==',
        right: lit('0x1'),
      });
      assert.equal(printRuleBody(ruleOf('ct mark set (meta mark | 0x10) << 8')), 'ct mark set (meta mark | 0x10) << 8');
    });

    it('reads keyword statements with their arguments', () => {
      const r = ruleOf('log prefix "in: " level info limit rate over 10/second burst 5 packets snat ip to 1.2.3.4:80 fully-random');
      assert.deepEqual(r.stmts.map((s) => (s.kind === 'keyword' ? s.keyword : s.kind)), ['log', 'limit', 'snat']);
      assert.equal(printRuleBody(r), 'log prefix "in: " level info limit rate over 10/second burst 5 packets snat ip to 1.2.3.4:80 fully-random');
    });

    it('reads maps, verdict maps, set statements, anonymous chains and the rule comment', () => {
      const text = 'iifname vmap { "lo" : accept, "eth0" : jump wan }';
      assert.equal(ruleOf(text).stmts[0]!.kind, 'expr');
      for (const body of [
        text,
        'dnat ip to ip daddr . tcp dport map { 10.0.0.1 . 80 : 192.168.1.1 . 8080 }',
        'add @seen { ip saddr timeout 10s limit rate 5/second } accept comment "rate"',
        'meter flood size 128 { ip saddr limit rate over 10/second } drop',
        'redirect to :tcp dport map { 83 : 8083 }',
      ]) assert.equal(printRuleBody(ruleOf(body)), body);
      const anon = ruleOf('tcp dport 22 jump {\n\t\t\tip saddr 10.0.0.1 accept\n\t\t\tdrop\n\t\t}').stmts[1]!;
      assert.ok(anon.kind === 'verdict' && anon.block?.length === 2);
    });

    it('reads ranges written with blanks around the dash, but not in priorities', () => {
      assert.deepEqual(stmts('meta hour "10:00" - "12:00" accept')[0], {
        kind: 'relational',
        left: sel('meta', 'hour'),
        right: { kind: 'range', low: { kind: 'literal', text: '10:00', quoted: true }, high: { kind: 'literal', text: '12:00', quoted: true } },
      });
      const file = parseOk('table ip t {\n\tchain c {\n\t\ttype filter hook input priority filter - 10;\n\t}\n}\n');
      assert.deepEqual(withoutPositions(((file.items[0] as Table).items[0] as Chain).base?.priority), lit('filter - 10'));
    });

    it('takes a statement word as a value where a value must come (icmp type redirect)', () => {
      assert.deepEqual(stmts('icmp type redirect accept')[0], { kind: 'relational', left: sel('icmp', 'type'), right: lit('redirect') });
      assert.deepEqual(stmts('ct status dnat accept')[0], { kind: 'relational', left: sel('ct', 'status'), right: lit('dnat') });
    });
  });

  describe('declarations (table_block, chain_block, set_block, map_block, flowtable_block)', () => {
    it('accepts keywords as names of tables, chains, sets and objects', () => {
      const file = parseOk(`table inet filter {\n\tset type { type ipv4_addr; }\n\tchain input {\n\t\tjump counter\n\t}\n\tchain counter {\n\t}\n\tcounter input {\n\t}\n}\n`);
      const t = file.items[0] as Table;
      assert.deepEqual(t.items.map((i) => (i.kind === 'comment-line' || i.kind === 'include' ? '' : `${i.kind}:${i.name}`)), ['set:type', 'chain:input', 'chain:counter', 'object:input']);
    });

    it('keeps names that need quotes quoted when printing', () => {
      const text = 'table inet t {\n\tchain "my chain" {\n\t}\n\n\tchain c {\n\t\tjump "my chain"\n\t}\n}\n';
      assert.equal(printNftFile(parseOk(text)).text, text);
    });

    it('reads base chain specifications with priority arithmetic, devices and policy', () => {
      const file = parseOk(`table netdev t {\n\tchain c {\n\t\ttype filter hook ingress devices = { "eth0", "eth1" } priority filter + 10; policy drop;\n\t}\n}\n`);
      const c = (file.items[0] as Table).items[0] as Chain;
      assert.equal(c.base?.hook, 'ingress');
      assert.deepEqual(withoutPositions(c.base?.priority), lit('filter + 10'));
      assert.equal(c.policy, 'drop');
      assert.equal(c.base?.devices?.kind, 'set');
    });

    it('reads set and map blocks with every attribute', () => {
      const text = `table ip t {\n\tmap m {\n\t\ttypeof ip saddr . tcp dport : interval ip daddr\n\t\tsize 1024\n\t\tflags interval,timeout\n\t\tcounter\n\t\ttimeout 1h\n\t\tgc-interval 10s\n\t\tauto-merge\n\t\tcomment "c"\n\t\telements = { 10.0.0.1 . 22 timeout 30s comment "x" : 10.1.0.0/16,\n\t\t\t     * : 10.2.0.1 }\n\t}\n}\n`;
      const file = parseOk(text);
      assert.equal(printNftFile(file).text, text);
    });

    it('reads flowtables and stateful objects', () => {
      const text = `table inet t {\n\tflowtable f {\n\t\thook ingress priority filter\n\t\tdevices = { "lo" }\n\t}\n\n\tct helper ftp {\n\t\ttype "ftp" protocol tcp\n\t\tl3proto ip\n\t}\n\n\tquota q {\n\t\tover 25 mbytes\n\t}\n\n\tct timeout tt {\n\t\tprotocol udp\n\t\tl3proto ip\n\t\tpolicy = { unreplied : 15s, replied : 12s }\n\t}\n}\n`;
      assert.equal(printNftFile(parseOk(text)).text, text);
    });
  });

  describe('commands, defines, includes', () => {
    it('reads command-style lines and prints them back', () => {
      const lines = [
        'flush ruleset',
        'add table inet t',
        'add chain inet t input { type filter hook input priority 0; policy accept; }',
        'add set inet t s { type ipv4_addr; flags interval; }',
        'add element inet t s { 10.0.0.0/8, 192.168.0.1 }',
        'insert rule inet t input position 4 tcp dport 22 accept',
        'delete rule inet t input handle 7',
        'rename chain inet t input in2',
        'list chains inet',
        'add rule t input drop',
        'get element inet t s { 10.0.0.1 }',
        'describe tcp dport',
        'monitor trace',
      ];
      const file = parseOk(lines.join('\n') + '\n');
      assert.equal(printNftFile(file).text, lines.join('\n') + '\n');
      const insert = file.items[5] as CommandStmt;
      assert.deepEqual([insert.verb, insert.family, insert.table, insert.name, insert.position], ['insert', 'inet', 't', 'input', { key: 'position', value: 4 }]);
      assert.equal((file.items[9] as CommandStmt).family, undefined);
    });

    it('reads define, redefine, undefine and variables', () => {
      const file = parseOk('define ports = { 22, 80 }\nredefine ports = 443\nundefine ports\n');
      assert.deepEqual(file.items.map((i) => i.kind), ['define', 'redefine', 'undefine']);
      assert.deepEqual(withoutPositions(ruleOf('tcp dport $ports accept').stmts[0]), { kind: 'relational', left: sel('tcp', 'dport'), right: { kind: 'variable', name: 'ports' } });
    });

    it('follows includes relative to the including file, and reports missing ones and cycles', () => {
      const files: Record<string, string> = { '/etc/nft/a.nft': 'include "sub/b.nft"\n', '/etc/nft/sub/b.nft': 'define x = 1\ninclude "../a.nft"\n' };
      const r = parseNft('include "a.nft"\ninclude "missing.nft"\n', { fileName: '/etc/nft/main.nft', readFile: (p) => files[p] });
      assert.deepEqual(r.includes.map((i) => i.path), ['/etc/nft/a.nft', '/etc/nft/sub/b.nft']);
      assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start.line]), [['nft-include-not-found', 1]]);
      const cyc = parseNft('include "main.nft"\n', { fileName: '/etc/nft/main.nft', readFile: () => 'define y = 2\n' });
      assert.deepEqual(cyc.diagnostics.map((d) => d.code), ['nft-include-cycle']);
    });

    it('reads defines and includes inside tables (common_block)', () => {
      const text = 'table inet t {\n\tinclude "sets.nft"\n\tdefine p = 22\n\n\tchain c {\n\t\ttcp dport $p accept\n\t}\n}\n';
      const file = parseOk(text);
      assert.deepEqual((file.items[0] as Table).items.map((i) => i.kind), ['include', 'define', 'chain']);
      assert.equal(printNftFile(file).text, text);
    });

    it('keeps comment lines and trailing comments', () => {
      const text = '#!/usr/sbin/nft -f\n# top\ntable ip t {\n\t# before chain\n\tchain c {\n\t\t# note\n\t\taccept # why\n\t}\n}\n';
      assert.equal(printNftFile(parseOk(text)).text, text);
    });
  });

  describe('ranges', () => {
    it('gives every node its source range', () => {
      const file = parseOk('table ip t {\n\tchain c {\n\t\ttcp dport 22 accept\n\t}\n}\n');
      const t = file.items[0] as Table;
      const c = t.items[0] as Chain;
      const r = c.rules[0] as Rule;
      assert.deepEqual(t.range, { start: { line: 0, character: 0 }, end: { line: 4, character: 1 } });
      assert.deepEqual(c.range, { start: { line: 1, character: 1 }, end: { line: 3, character: 2 } });
      assert.deepEqual(r.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 21 } });
      const rel = r.stmts[0]!;
      assert.ok(rel.kind === 'relational');
      assert.deepEqual(rel.left.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 11 } });
      assert.deepEqual(rel.right.range, { start: { line: 2, character: 12 }, end: { line: 2, character: 14 } });
    });
  });

  describe('NAT and tproxy targets with variables', () => {
    const v = (name: string): Expr => ({ kind: 'variable', name });
    const args = (body: string) => {
      const s = stmts(body).find((x) => x.kind === 'keyword')!;
      assert.ok(s.kind === 'keyword');
      return s.args;
    };
    // nft's own parser accepts every one of these (checked with `nft -c` below)
    const accepted = [
      'tcp dport 80 redirect to :$p',
      'tcp dport 80 redirect to :$p - $q',
      'tcp dport 80 redirect to :80-$q',
      'tcp dport 80 redirect to :8080',
      'tcp dport 80 redirect to :tcp dport map { 80 : 8080 }',
      'tcp dport 80 masquerade to :$p fully-random',
      'tcp dport 81 dnat ip to 1.2.3.4:$p',
      'tcp dport 81 dnat ip to 1.2.3.4:80',
      'tcp dport 81 dnat ip to 1.2.3.4:80-90',
      'tcp dport 81 dnat ip to $a4:$p',
      'tcp dport 81 dnat ip to $a4 :80',
      'tcp dport 81 dnat ip to 1.2.3.4-1.2.3.9:$p persistent',
      'tcp dport 81 dnat ip to ip saddr map { 1.1.1.1 : 2.2.2.2 }:$p',
      'tcp dport 81 dnat ip to 1.2.3.4:tcp dport map { 81 : 82 }',
      'tcp dport 81 dnat ip6 to [2001:db8::1]:$p',
      'tcp dport 81 dnat ip6 to [2001:db8::1]:80-$q',
      'tcp dport 81 snat ip to $a4 - $b4:$p',
      'tcp dport 81 ip saddr $a4 - $b4 tcp sport 80-$q accept',
    ];

    it('reads a port after `:` as its own argument when it is no plain number', () => {
      assert.deepEqual(args('tcp dport 80 redirect to :$p'), [{ key: 'to' }, { key: ':', keyGlued: true, value: v('p') }]);
      assert.deepEqual(args('tcp dport 81 dnat to 1.2.3.4:$p'), [{ key: 'to', value: lit('1.2.3.4') }, { key: ':', keyGlued: true, value: v('p') }]);
      assert.deepEqual(args('tcp dport 81 dnat to 1.2.3.4 : 80'), [{ key: 'to', value: lit('1.2.3.4') }, { key: ':', keyGlued: true, value: lit('80') }]);
      assert.deepEqual(args('tcp dport 81 dnat ip6 to [2001:db8::1]:80-$q'), [
        { key: 'ip6' },
        { key: 'to', value: lit('[2001:db8::1]') },
        { key: ':', keyGlued: true, value: { kind: 'range', low: lit('80'), high: v('q') } },
      ]);
      assert.deepEqual(args('tcp dport 81 snat to $a4 - $b4:$p fully-random'), [
        { key: 'to', value: { kind: 'range', low: v('a4'), high: v('b4') } },
        { key: ':', keyGlued: true, value: v('p') },
        { key: 'fully-random' },
      ]);
      // plain ports stay in the address literal, as before
      assert.deepEqual(args('tcp dport 81 dnat to 1.2.3.4:80-90'), [{ key: 'to', value: lit('1.2.3.4:80-90') }]);
      assert.deepEqual(args('tcp dport 81 redirect to :8080'), [{ key: 'to', value: lit(':8080') }]);
    });

    it('prints them back as written, with blanks where nft would read one variable name', () => {
      for (const body of accepted) assert.equal(printRuleBody(ruleOf(body)), body);
      assert.equal(printRuleBody(ruleOf('tcp dport 81 dnat to 1.2.3.4 : 80')), 'tcp dport 81 dnat to 1.2.3.4:80');
      assert.equal(printRuleBody(ruleOf('tcp dport 81 redirect to : $p')), 'tcp dport 81 redirect to :$p');
      assert.equal(printRuleBody(ruleOf('tcp dport 81 snat to $a4 - $b4 : 80')), 'tcp dport 81 snat to $a4 - $b4 :80');
    });

    it('reads variable names as nft does: `$a-$b` is `a-`, `$a4:80` a classid-shaped name', () => {
      const names = (line: string) => tokenizeNft(line).tokens.filter((t) => t.tokenType.name === 'Variable').map((t) => t.image);
      assert.deepEqual(names('$p-$q'), ['$p-', '$q']);
      assert.deepEqual(names('$net/24 $a.$b'), ['$net/24', '$a.', '$b']);
      assert.deepEqual(names('to $a4:80 '), ['$a4:80']);
      assert.deepEqual(names('to $a4:80;'), ['$a4']);
      assert.deepEqual(names('to $a4:$p'), ['$a4', '$p']);
    });

    it('analysis sees the variables and the port mapping', () => {
      const text = 'table ip t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat;\n\t\tip daddr 1.1.1.1 dnat to 1.2.3.4:$nope\n\t\ttcp dport 80 redirect to :$nope\n\t}\n}\n';
      const d = analyzeNft(parseOk(text)).map((x) => `${x.range.start.line} ${x.code}`).sort();
      assert.deepEqual(d, ['3 nft-nat-needs-protocol', '3 nft-undefined-variable', '4 nft-undefined-variable']);
    });

    describe('with the real nft', function () {
      before(function () {
        requirePrereqs(this, prereqs.command('nft'), prereqs.command('unshare'), prereqs.root());
      });

      it('nft accepts every form above, as written and as printed', async function () {
        this.timeout(20_000);
        const defines = 'define p = 9697\ndefine q = 9700\ndefine a4 = 1.2.3.4\ndefine b4 = 1.2.3.9\n';
        for (const family of ['ip', 'ip6']) {
          const rules = accepted.filter((r) => (family === 'ip6') === r.includes(' ip6 ')).map((r) => `\t\t${r}`);
          const text = `${defines}table ${family} t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat;\n${rules.join('\n')}\n\t}\n}\n`;
          const written = await validateNft(text);
          assert.equal(written.ran, true, written.output);
          assert.deepEqual(written.diagnostics, [], `${written.output}\n${text}`);
          const printed = printNftFile(parseOk(text)).text;
          const again = await validateNft(printed);
          assert.deepEqual(again.diagnostics, [], `${again.output}\n${printed}`);
        }
      });
    });
  });

  describe('range ends', () => {
    const text = [
      '#!/usr/sbin/nft -f',
      'define ports = { 22, 80 }',
      'table inet filter { # the table',
      '\tset allowed {',
      '\t\ttype ipv4_addr',
      '\t\telements = { 10.0.0.0/8, 192.168.1.1-192.168.1.9 }',
      '\t}',
      '\tchain input {',
      '\t\ttype filter hook input priority 0; policy drop; # after the policy',
      '\t\t# a comment line',
      '\t\tct state established,related accept',
      '\t\tip saddr @allowed tcp dport $ports counter accept comment "ssh and web" # trailing',
      '\t\tmeta l4proto tcp redirect to :$ports',
      '\t}',
      '}',
      'add rule inet filter input iifname "lo" accept',
      '',
    ].join('\r\n');
    const file = parseOk(text);
    const lines = text.split('\n');
    const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const slice = (r: { start: { line: number; character: number }; end: { line: number; character: number } } | undefined): string => (r ? text.slice(offset(r.start), offset(r.end)) : '<no range>');
    const table = file.items[2] as Table;
    const chain = table.items[2] as Chain;

    it('ends every node exactly at the end of a token of its own', () => {
      const tokenEnds = new Set(tokenizeNft(text).tokens.filter((t) => t.tokenType.name !== 'Newline').map((t) => t.startOffset + t.image.length));
      const bad: string[] = [];
      const walk = (x: unknown, path: string): void => {
        if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${path}[${i}]`));
        if (!x || typeof x !== 'object') return;
        const o = x as { range?: { start: { line: number; character: number }; end: { line: number; character: number } } };
        if (o.range && path !== 'file' && !tokenEnds.has(offset(o.range.end))) bad.push(`${path}: ${JSON.stringify(slice(o.range))}`);
        for (const [k, v] of Object.entries(o)) if (k !== 'range') walk(v, `${path}.${k}`);
      };
      walk(file, 'file');
      assert.deepEqual(bad, []);
    });

    it('covers whole comments, rules, blocks and commands', () => {
      assert.equal(slice(file.items[0]!.range), '#!/usr/sbin/nft -f');
      assert.equal(slice(file.items[1]!.range), 'define ports = { 22, 80 }');
      assert.equal(slice(table.range), lines.slice(2, 15).join('\n').trimEnd());
      assert.ok(slice(table.range).endsWith('\r\n}'));
      assert.equal(slice(table.items[0]!.range), '# the table');
      assert.equal(slice(table.items[1]!.range), '\tset allowed {\r\n\t\ttype ipv4_addr\r\n\t\telements = { 10.0.0.0/8, 192.168.1.1-192.168.1.9 }\r\n\t}'.slice(1));
      assert.equal(slice(chain.range), lines.slice(7, 14).join('\n').trim());
      const texts = chain.rules.map((r) => slice(r.range));
      assert.deepEqual(texts, [
        '# after the policy',
        '# a comment line',
        'ct state established,related accept',
        'ip saddr @allowed tcp dport $ports counter accept comment "ssh and web"',
        'meta l4proto tcp redirect to :$ports',
      ]);
      const redirect = (chain.rules[4] as Rule).stmts[1]!;
      assert.equal(slice(redirect.range), 'redirect to :$ports');
      assert.equal(slice(file.items[3]!.range), 'add rule inet filter input iifname "lo" accept');
    });
  });

  it('leaves no node without a range', () => {
    const text = [
      'define lan = { 10.0.0.0/8, 192.168.0.0/16 }',
      'table inet t {',
      '\tset s { typeof ip saddr . tcp dport; flags interval; elements = { 10.0.0.1 . 22 timeout 1h counter : 1, * : 2 } }',
      '\tchain c {',
      '\t\ttype filter hook input priority filter - 5; policy drop;',
      '\t\tfib saddr . iif oif missing drop',
      '\t\tmeta mark set numgen inc mod 2 offset 1 ct count over 2 log flags tcp sequence,options',
      '\t\treject with icmp type host-unreachable',
      '\t\tsnat to ip saddr map { 10.0.0.1 : 1.2.3.4 } random,persistent',
      '\t\tiifname vmap { "lo" : accept, $lan : jump d } comment "x"',
      '\t\tadd @s { ip saddr . tcp dport limit rate 1/second }',
      '\t\tjump { accept }',
      '\t}',
      '\tchain d {',
      '\t}',
      '}',
      'add rule inet t c tcp dport 22 accept',
      '',
    ].join('\n');
    const missing: string[] = [];
    const walk = (x: unknown, path: string): void => {
      if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${path}[${i}]`));
      if (!x || typeof x !== 'object') return;
      const o = x as Record<string, unknown>;
      if ('start' in o && 'end' in o) return;
      const node = typeof o.kind === 'string' || 'key' in o || 'stmt' in o || (path.endsWith(']') && 'value' in o);
      if (node && !o.range) missing.push(path);
      for (const [k, v] of Object.entries(o)) if (k !== 'range') walk(v, `${path}.${k}`);
    };
    walk(parseOk(text), 'file');
    assert.deepEqual(missing, []);
  });

  describe('fault tolerance', () => {
    it('reports every error with a range and a stable code and resumes at the next line', () => {
      const text = 'table ip t {\n\tchain c {\n\t\ttcp dport 22 frobnicate\n\t\tip saddr\n\t\taccept\n\t\tlog prefix "open\n\t}\n\tbogus line\n}\nwhatever\n';
      const r = parseNft(text);
      assert.deepEqual(
        r.diagnostics.map((d) => [d.code, d.range.start.line]),
        [
          ['nft-unterminated-string', 5],
          ['nft-unknown-statement', 2],
          ['nft-expected-value', 3],
          ['nft-syntax-error', 7],
          ['nft-unknown-command', 9],
        ],
      );
      const c = (r.file.items[0] as Table).items[0] as Chain;
      assert.deepEqual(c.rules.map((x) => (x.kind === 'rule' ? printRuleBody(x) : '')), ['accept', 'log prefix "open"']);
      assert.deepEqual(r.diagnostics[1]!.range, { start: { line: 2, character: 15 }, end: { line: 2, character: 25 } });
    });

    it('keeps an error inside a set literal to that element', () => {
      const r = parseNft('table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 1.2.3.4, ==,\n\t\t\t5.6.7.8 }\n\t}\n\tchain c {\n\t\taccept\n\t}\n}\n');
      assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start.line]), [['nft-expected-value', 3]]);
      const t = r.file.items[0] as Table;
      assert.deepEqual(t.items.map((i) => i.kind), ['set', 'chain']);
    });

    it('reports unclosed blocks and stray braces', () => {
      assert.deepEqual(parseNft('table ip t {\n\tchain c {\n\t\taccept\n').diagnostics.map((d) => d.code), ['nft-unclosed-block', 'nft-unclosed-block']);
      assert.deepEqual(parseNft('}\ntable ip t {\n}\n').diagnostics.map((d) => d.code), ['nft-unexpected-brace']);
      assert.deepEqual(parseNft('table ip t { chain c { ip saddr { 1.2.3.4, \n').diagnostics.map((d) => d.code).includes('nft-unclosed-block'), true);
    });

    it('reports unknown families and goes on', () => {
      const r = parseNft('table ipx t {\n\tchain c {\n\t}\n}\nadd chain ipv4 t c\n');
      assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['nft-unknown-family', 0, 6], ['nft-unknown-family', 4, 10]]);
      assert.equal((r.file.items[0] as Table).name, 't');
    });

    it('reports characters that are not nft', () => {
      assert.deepEqual(parseNft('table ip t {\n\tchain c {\n\t\taccept ¤\n\t}\n}\n').diagnostics.map((d) => d.code), ['nft-invalid-character']);
    });
  });
});
