import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDocument } from '../../src/language/analysis';
import { ipsetCompletions, iptablesCompletions, nftCompletions } from '../../src/language/completion';
import { formatNftText, minimalEdit } from '../../src/language/formatting';
import { iptablesHover, iptablesHoverOnLine } from '../../src/language/iptables-hover';
import { AnalysisClient } from '../../src/language/analysis-client';
import { factsOf } from '../../src/language/model';
import { packFacts, unpackFacts } from '../../src/language/facts-codec';
import { declarationsOf, nameAt, prepareRename, referencesOf, renameEdits } from '../../src/language/navigation';
import { nftHover } from '../../src/language/nft-hover';

/** Position of the `n`-th occurrence of `needle` in `text`, plus `offset` characters. */
function at(text: string, needle: string, offset = 1, n = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `${needle} #${k} is in the text`);
  }
  const before = text.slice(0, i + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

function applyEdits(text: string, ranges: { start: { line: number; character: number }; end: { line: number; character: number } }[], newText: string): string {
  const lines = text.split('\n');
  const sorted = [...ranges].sort((a, b) => b.start.line - a.start.line || b.start.character - a.start.character);
  for (const r of sorted) {
    const l = lines[r.start.line]!;
    lines[r.start.line] = l.slice(0, r.start.character) + newText + l.slice(r.end.character);
  }
  return lines.join('\n');
}

const IPT = [
  '*filter',
  ':INPUT ACCEPT [10:1000]',
  ':tenant-in - [0:0]',
  ':unused - [0:0]',
  '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW,ESTABLISHED -j tenant-in',
  '-A INPUT -m set --match-set blocked src -j DROP',
  '-A tenant-in -j LOG --log-prefix "in: "',
  '-A tenant-in -j RETURN',
  'COMMIT',
  '',
].join('\n');

describe('language: iptables navigation, hover, completion', () => {
  const a = analyzeDocument('iptables-save', IPT);

  it('goes from -j to the chain declaration and finds every use', () => {
    const occ = nameAt(a.names, at(IPT, '-j tenant-in', 5))!;
    assert.equal(occ.name, 'tenant-in');
    assert.deepEqual(declarationsOf(a.names, occ).map((d) => d.range.start), [{ line: 2, character: 1 }]);
    assert.deepEqual(referencesOf(a.names, occ, false).map((d) => d.range.start.line), [4, 6, 7]);
  });

  it('renames a user chain everywhere and refuses built-ins and targets', () => {
    const edits = renameEdits('iptables-save', a.names, at(IPT, ':tenant-in', 2), 'tenant-ingress');
    assert.ok(edits.ok);
    const renamed = applyEdits(IPT, edits.value, 'tenant-ingress');
    assert.equal((renamed.match(/tenant-ingress/g) ?? []).length, 4);
    assert.ok(!/tenant-in\b(?!gress)/.test(renamed));
    assert.equal(analyzeDocument('iptables-save', renamed).diagnostics.filter((d) => d.code === 'undefined-chain').length, 0);
    assert.equal(prepareRename(a.names, at(IPT, ':INPUT', 2)).ok, false);
    const bad = renameEdits('iptables-save', a.names, at(IPT, ':tenant-in', 2), 'DROP');
    assert.equal(bad.ok, false);
    const long = renameEdits('iptables-save', a.names, at(IPT, ':tenant-in', 2), 'x'.repeat(29));
    assert.equal(long.ok, false);
    assert.equal(renameEdits('iptables-save', a.names, at(IPT, ':tenant-in', 2), 'unused').ok, false, 'name clash');
  });

  it('explains --ctstate with its nft equivalent and the states under the cursor', () => {
    const h = iptablesHover(a.iptables!, a.names, at(IPT, '--ctstate', 3))!;
    assert.match(h.markdown, /--ctstate/);
    assert.match(h.markdown, /ct state/);
    const onValue = iptablesHover(a.iptables!, a.names, at(IPT, 'NEW,ESTABLISHED', 1))!;
    assert.match(onValue.markdown, /`NEW`: first packet/);
    assert.match(onValue.markdown, /`ESTABLISHED`/);
  });

  it('explains core options, modules, targets, verdicts, tables and chains', () => {
    const hover = (needle: string, offset = 1, n = 0) => iptablesHover(a.iptables!, a.names, at(IPT, needle, offset, n))?.markdown ?? '';
    assert.match(hover('-s 10'), /Source address[\s\S]*nft: `ip saddr/);
    assert.match(hover('-m tcp', 4), /match `-m tcp`[\s\S]*tcp dport/);
    assert.match(hover('--dport', 3), /Destination port[\s\S]*nft: `tcp dport 22/);
    assert.match(hover('conntrack', 2), /conntrack/);
    assert.match(hover('-j DROP', 4), /standard verdict[\s\S]*nft: `drop`/);
    assert.match(hover('LOG', 1), /target `-j LOG`/);
    assert.match(hover('--log-prefix', 3), /nft: `log prefix/);
    assert.match(hover('*filter', 2), /filter\*\* table/);
    assert.match(hover('-j tenant-in', 5), /user chain[\s\S]*2 rules · 1 jump/);
    assert.match(hover(':INPUT', 2), /built-in chain[\s\S]*policy accept/);
    assert.match(hover('-A INPUT', 1), /Append a rule/);
    // a user chain nft cannot read by its name: the hover gives the name the converter uses
    const kw = '*filter\n:INPUT ACCEPT [0:0]\n:dynamic - [0:0]\n-A INPUT -j dynamic\nCOMMIT\n';
    const ka = analyzeDocument('iptables-save', kw);
    assert.match(iptablesHover(ka.iptables!, ka.names, at(kw, '-j dynamic', 4))?.markdown ?? '', /nft: `chain dynamic_ \{ \}` and `jump dynamic_` \(nft cannot read `dynamic` as a chain name/);
  });

  it('shows the nft form of the option as written in this rule', () => {
    const hover = (needle: string, offset = 2) => iptablesHover(a.iptables!, a.names, at(IPT, needle, offset))?.markdown ?? '';
    assert.match(hover('--ctstate'), /This rule: `ct state new,established`/);
    assert.match(hover('-s 10', 1), /This rule: `ip saddr 10\.0\.0\.0\/8`/);
    assert.match(hover('--dport'), /This rule: `tcp dport 22`/);
    assert.match(hover('--match-set'), /This rule: `ip saddr @blocked`/);
    assert.match(hover('--log-prefix'), /This rule: `log prefix "in: "`/);
    const router = readFileSync(join(__dirname, '..', '..', 'samples', 'network-node', 'qrouter-5d1e2c3a.iptables-save'), 'utf8');
    const r = analyzeDocument('iptables-save', router);
    assert.match(iptablesHover(r.iptables!, r.names, at(router, '! --ctstate DNAT', 4))!.markdown, /This rule: `ct status != dnat`/);
    assert.match(iptablesHover(r.iptables!, r.names, at(router, '! -o qg-', 3))!.markdown, /This rule: `oifname != "qg-7f3a9c21-4b"`/);
  });

  it('hovers from the cursor line alone exactly as from the whole file', () => {
    const lines = IPT.split('\n');
    let compared = 0;
    for (let line = 0; line < lines.length; line++) {
      for (let character = 0; character <= lines[line]!.length; character += 3) {
        const pos = { line, character };
        const whole = iptablesHover(a.iptables!, a.names, pos);
        const table = a.outline.find((t) => t.range.start.line <= line && line <= t.range.end.line)?.name;
        const one = iptablesHoverOnLine('iptables', table, lines[line]!, line, a.names, pos);
        assert.deepEqual(one, whole, `${line}:${character}`);
        if (whole) compared++;
      }
    }
    assert.ok(compared > 40, `${compared} hovers compared`);
  });

  it('completes commands, chains, modules, targets, options and states', () => {
    const lines = IPT.split('\n');
    const complete = (line: string) => {
      const all = [...lines.slice(0, 8), line];
      return iptablesCompletions('iptables', all, { line: 8, character: line.length }, a.names, ['blocked']).map((c) => c.label);
    };
    assert.ok(complete('').includes('-A'));
    assert.ok(complete('-A ').includes('tenant-in'));
    assert.ok(complete('-A ').includes('INPUT'));
    assert.ok(complete('-A INPUT -m ').includes('conntrack'));
    const targets = complete('-A INPUT -j ');
    for (const t of ['ACCEPT', 'DROP', 'REJECT', 'LOG', 'tenant-in']) assert.ok(targets.includes(t), t);
    assert.ok(!targets.includes('DNAT'), 'DNAT is for the nat table');
    const opts = complete('-A INPUT -p tcp -m conntrack --');
    for (const o of ['--dport', '--ctstate', '--source', '--in-interface']) assert.ok(opts.includes(o), o);
    assert.ok(complete('-A INPUT -m conntrack --ctstate NEW,').includes('ESTABLISHED'));
    assert.deepEqual(complete('-A INPUT -m set --match-set '), ['blocked']);
    assert.ok(complete('-A INPUT -j LOG --').includes('--log-prefix'));
  });
});

const NFT = [
  'define lan = 10.0.0.0/8',
  'table inet fw {',
  '  set blocked { type ipv4_addr; flags interval; }',
  '  chain input {',
  '    type filter hook input priority filter; policy drop;',
  '    ip saddr @blocked drop',
  '    ip saddr $lan ct state established,related jump tenant',
  '  }',
  '  chain tenant {',
  '    ip daddr @blocked counter drop',
  '  }',
  '}',
  '',
].join('\n');

describe('language: nft navigation, hover, completion, formatting', () => {
  const a = analyzeDocument('nft', NFT);

  it('goes from jump and @set to their declarations and back', () => {
    const jump = nameAt(a.names, at(NFT, 'jump tenant', 6))!;
    assert.deepEqual(declarationsOf(a.names, jump).map((d) => d.range.start), [{ line: 8, character: 8 }]);
    const set = nameAt(a.names, at(NFT, '@blocked', 2))!;
    assert.deepEqual(referencesOf(a.names, set, true).map((d) => d.range.start.line), [2, 5, 9]);
    const v = nameAt(a.names, at(NFT, '$lan', 2))!;
    assert.deepEqual(declarationsOf(a.names, v).map((d) => d.range.start), [{ line: 0, character: 7 }]);
  });

  it('renames a set and a variable into text that parses with no undefined names', () => {
    const setEdits = renameEdits('nft', a.names, at(NFT, 'set blocked', 5), 'deny4');
    assert.ok(setEdits.ok);
    let text = applyEdits(NFT, setEdits.value, 'deny4');
    assert.equal((text.match(/deny4/g) ?? []).length, 3);
    const b = analyzeDocument('nft', text);
    const varEdits = renameEdits('nft', b.names, at(text, '$lan', 2), 'tenant_net');
    assert.ok(varEdits.ok);
    text = applyEdits(text, varEdits.value, 'tenant_net');
    const c = analyzeDocument('nft', text);
    assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.match(text, /define tenant_net = /);
    assert.equal(renameEdits('nft', a.names, at(NFT, 'set blocked', 5), 'bad name').ok, false);
    assert.equal(renameEdits('nft', a.names, at(NFT, 'chain tenant', 7), 'input').ok, false, 'clash with chain input');
  });

  it('explains keywords in context and shows declarations of names', () => {
    const hover = (needle: string, offset = 1) => nftHover(a.nft!.tokens, a.names, at(NFT, needle, offset))?.markdown ?? '';
    assert.match(hover('ct state', 4), /state\*\* — Conntrack state/);
    assert.match(hover('related', 2), /expected by an existing one/);
    assert.match(hover('saddr', 1), /IPv4 source address/);
    assert.match(hover('hook input', 2), /netfilter hook/);
    assert.match(hover('jump tenant', 2), /Runs the named chain/);
    assert.match(hover('@blocked', 3), /set blocked[\s\S]*type ipv4_addr[\s\S]*2 references/);
    assert.match(hover('counter', 2), /Counts packets/);
    assert.match(hover('hook input', 7), /input\*\* — Packets addressed to this host/);
    assert.match(hover('priority filter', 11), /0: where iptables filter runs/);
    assert.match(hover('ipv4_addr', 2), /IPv4 address/);
    assert.match(hover('flags interval', 8), /prefixes and ranges/);
  });

  it('completes names after @, $ and jump, and keywords in context', () => {
    const complete = (line: string, where = 6) => {
      const lines = NFT.split('\n');
      lines.splice(where, 0, line);
      const text = lines.join('\n');
      const b = analyzeDocument('nft', text);
      return nftCompletions(b.nft!.tokens, { line: where, character: line.length }, b.names).map((c) => c.label);
    };
    assert.deepEqual(complete('    ip saddr @'), ['blocked']);
    assert.deepEqual(complete('    ip saddr $'), ['lan']);
    assert.deepEqual(complete('    jump ').sort(), ['input', 'tenant']);
    assert.ok(complete('    meta ').includes('l4proto'));
    assert.ok(complete('    ct ').includes('state'));
    assert.ok(complete('    ct state ').includes('established'));
    assert.ok(complete('    tcp ').includes('dport'));
    assert.ok(complete('    ').includes('counter'));
    assert.ok(complete('  ', 3).includes('chain'));
    assert.ok(complete('', 12).includes('table'));
    assert.ok(complete('    type filter hook ', 4).includes('prerouting'));
  });

  it('formats to a stable, idempotent layout and refuses files with syntax errors', () => {
    const messy = 'table inet fw {\n  chain input {\n      type filter hook input priority 0; policy drop;\n  tcp dport 22   accept # ssh\n}\n}\n';
    const once = formatNftText(messy);
    assert.ok(once.ok);
    assert.equal(once.text, 'table inet fw {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\ttcp dport 22 accept # ssh\n\t}\n}\n');
    const twice = formatNftText(once.text);
    assert.ok(twice.ok);
    assert.equal(twice.text, once.text);
    assert.equal(formatNftText('table inet fw {\n chain c {\n  tcp dport == \n }\n}\n').ok, false);
  });

  it('computes one minimal replacement for formatting edits', () => {
    assert.deepEqual(minimalEdit('abcXYZdef', 'abc12def'), { start: 3, end: 6, text: '12' });
    assert.equal(minimalEdit('same', 'same'), undefined);
  });
});

describe('language: ipset completion', () => {
  const text = 'create a hash:ip family inet\ncreate b list:set size 8\nadd a 10.0.0.1\n';
  const names = analyzeDocument('ipset', text).names;
  const labels = (line: string) => ipsetCompletions(line, line.length, names).map((c) => c.label);

  it('completes commands, set names, types and create options', () => {
    assert.ok(labels('').includes('create'));
    assert.deepEqual(labels('add '), ['a', 'b']);
    assert.deepEqual(labels('swap a '), ['a', 'b']);
    assert.ok(labels('create c ').includes('hash:net,port'));
    const opts = labels('create c hash:net family inet ');
    assert.ok(opts.includes('hashsize') && opts.includes('counters'));
    assert.ok(!opts.includes('family'), 'family was given');
    assert.deepEqual(labels('create c hash:net family '), ['inet', 'inet6']);
    assert.deepEqual(labels('create c hash:net hashsize '), []);
  });
});

describe('language: analysis options and the client', () => {
  it('lists rules in the Outline up to a limit, then chains only', () => {
    const small = analyzeDocument('iptables-save', IPT, { outlineRuleLimit: 2 });
    const chains = small.outline[0]!.children;
    assert.ok(chains.every((c) => c.children.length === 0));
    assert.match(chains.find((c) => c.name === 'INPUT')!.detail, /rules not listed \(4 in the file\)/);
    assert.equal(analyzeDocument('iptables-save', IPT).outline[0]!.children.find((c) => c.name === 'INPUT')!.children.length, 2);
  });

  it('packs and unpacks analysis results without changing them', () => {
    for (const [language, text] of [['iptables-save', IPT], ['nft', NFT]] as const) {
      const facts = factsOf(analyzeDocument(language, text));
      const packed = structuredClone(packFacts(facts));
      assert.deepStrictEqual(unpackFacts(packed), facts);
    }
  });

  it('analyses in the calling thread when there is no worker, with the same plain result', async () => {
    const client = new AnalysisClient(undefined);
    const facts = await client.analyze('nft', NFT);
    const direct = factsOf(analyzeDocument('nft', NFT));
    assert.deepEqual({ ...facts, timings: undefined }, { ...direct, timings: undefined });
    assert.ok(!('nft' in facts) && !('iptables' in facts), 'no AST crosses the boundary');
    assert.equal(client.inWorker, false);
  });
});

describe('language: the samples', () => {
  const read = (p: string) => readFileSync(join(__dirname, '..', '..', 'samples', p), 'utf8');

  it('go to definition works for every -j to a user chain of the compute-node dump', () => {
    const text = read('compute-node/compute-07.iptables-save');
    const a = analyzeDocument('iptables-save', text);
    const refs = a.names.filter((n) => !n.declaration && n.kind === 'chain' && text.split('\n')[n.range.start.line]!.includes(`-j ${n.name}`));
    assert.ok(refs.length > 10, `${refs.length} jumps`);
    for (const r of refs) assert.equal(declarationsOf(a.names, r).length, 1, `${r.name} declared once in ${r.scope}`);
  });

  it('hover on --ctstate in the router dump gives the nft form', () => {
    const text = read('network-node/qrouter-5d1e2c3a.iptables-save');
    const a = analyzeDocument('iptables-save', text);
    const h = iptablesHover(a.iptables!, a.names, at(text, '--ctstate', 3));
    assert.ok(h);
    assert.match(h.markdown, /nft: `ct state/);
  });
});
