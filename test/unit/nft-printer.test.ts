import { strict as assert } from 'node:assert';
import type { NftFile, Rule, Table } from '../../src/convert/ast/nft';
import { printNftFile, printRuleBody } from '../../src/convert/nft/printer';

const sel = (...path: string[]) => ({ kind: 'selector' as const, path });
const lit = (text: string, quoted = false) => ({ kind: 'literal' as const, text, quoted });

function sampleTable(): Table {
  const rule: Rule = {
    kind: 'rule',
    stmts: [
      { kind: 'relational', left: sel('tcp', 'dport'), right: { kind: 'set', elements: [lit('22'), lit('80')] } },
      { kind: 'relational', left: sel('ct', 'state'), op: '!', right: { kind: 'list', items: [lit('new'), lit('related')] } },
      { kind: 'keyword', keyword: 'counter', args: [] },
      { kind: 'verdict', verdict: 'jump', chain: lit('neutron-filter-top') },
    ],
    comment: 'ssh and web',
  };
  return {
    kind: 'table',
    family: 'ip',
    name: 'filter',
    items: [
      { kind: 'set', name: 'allowed', type: ['ipv4_addr'], flags: ['interval'], elements: [{ kind: 'prefix', base: lit('10.0.0.0'), length: 8 }] },
      { kind: 'chain', name: 'INPUT', base: { type: 'filter', hook: 'input', priority: lit('0') }, policy: 'accept', rules: [rule] },
      { kind: 'chain', name: 'neutron-filter-top', rules: [{ kind: 'rule', stmts: [], disabled: '-A x -j CHECKSUM --checksum-fill' }] },
    ],
  };
}

describe('nft printer', () => {
  it('prints a rule body with relational, negated flags, counter, verdict and comment', () => {
    const t = sampleTable();
    const chain = t.items[1];
    assert.ok(chain && chain.kind === 'chain');
    const r = chain.rules[0];
    assert.ok(r && r.kind === 'rule');
    assert.equal(printRuleBody(r), 'tcp dport { 22, 80 } ct state ! new,related counter jump neutron-filter-top comment "ssh and web"');
  });

  it('prints nested ruleset style like nft list ruleset and records rule spans', () => {
    const file: NftFile = { kind: 'nft-file', items: [sampleTable()] };
    const p = printNftFile(file);
    assert.equal(
      p.text,
      [
        'table ip filter {',
        '\tset allowed {',
        '\t\ttype ipv4_addr',
        '\t\tflags interval',
        '\t\telements = { 10.0.0.0/8 }',
        '\t}',
        '',
        '\tchain INPUT {',
        '\t\ttype filter hook input priority 0; policy accept;',
        '\t\ttcp dport { 22, 80 } ct state ! new,related counter jump neutron-filter-top comment "ssh and web"',
        '\t}',
        '',
        '\tchain neutron-filter-top {',
        '\t\t# -A x -j CHECKSUM --checksum-fill',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    const ruleSpan = p.spans.find((s) => s.node.kind === 'rule' && !(s.node as Rule).disabled);
    assert.equal(ruleSpan?.output.start.line, 9);
  });

  it('prints script style like iptables-restore-translate', () => {
    const file: NftFile = { kind: 'nft-file', items: [sampleTable()] };
    const p = printNftFile(file, { style: 'script' });
    assert.deepEqual(p.text.split('\n'), [
      'add table ip filter',
      'add set ip filter allowed { type ipv4_addr; flags interval; }',
      'add element ip filter allowed { 10.0.0.0/8 }',
      'add chain ip filter INPUT { type filter hook input priority 0; policy accept; }',
      'add chain ip filter neutron-filter-top',
      'add rule ip filter INPUT tcp dport { 22, 80 } ct state ! new,related counter jump neutron-filter-top comment "ssh and web"',
      '# -A x -j CHECKSUM --checksum-fill',
      '',
    ]);
  });
});
