import { strict as assert } from 'node:assert';
import { analyzeNft } from '../../src/convert/nft/analysis';
import { parseNft } from '../../src/convert/nft/index';

/** Findings as code/line/message; hints (unused chains) only when asked, so the other checks read alone. */
function check(text: string, files: Record<string, string> = {}, hints = false): { code: string; line: number; message: string }[] {
  const parsed = parseNft(text, { fileName: '/etc/nft/main.nft', readFile: (p) => files[p] });
  assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), [], 'test input must parse');
  return analyzeNft(parsed.file, { includes: parsed.includes })
    .filter((d) => hints || d.severity !== 'hint')
    .map((d) => ({ code: d.code, line: d.range.start.line + 1, message: d.message }));
}

const codes = (text: string) => check(text).map((d) => d.code);

describe('nft analysis', () => {
  it('accepts a clean ruleset', () => {
    assert.deepEqual(
      check(`define web = { 80, 443 }
table inet filter {
\tset blocked { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.168.1.1 } }
\tmap ports { type inet_service : verdict; elements = { 22 : jump ssh } }
\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tip saddr @blocked drop
\t\ttcp dport vmap @ports
\t\ttcp dport $web accept
\t\tjump ssh
\t}
\tchain ssh {
\t\taccept
\t}
}
`),
      [],
    );
  });

  it('reports jump/goto to an undefined chain, in rules and in vmap elements', () => {
    const d = check(`table ip t {
\tchain a {
\t\tjump missing
\t\ttcp dport vmap { 22 : goto nowhere }
\t}
}
`);
    assert.deepEqual(d.map((x) => [x.code, x.line]), [['nft-undefined-chain', 3], ['nft-undefined-chain', 4]]);
    assert.match(d[0]!.message, /missing/);
  });

  it('reports undefined @set references and a set used as a map', () => {
    const d = check(`table ip t {
\tset s { type ipv4_addr; }
\tchain a {
\t\tip saddr @nope drop
\t\tip daddr vmap @s
\t}
}
`);
    assert.deepEqual(d.map((x) => [x.code, x.line]), [['nft-undefined-set', 4], ['nft-map-not-set', 5]]);
  });

  it('counts meter and flowtable names as sets', () => {
    assert.deepEqual(codes(`table ip t {
\tflowtable f { hook ingress priority 0; devices = { "lo" }; }
\tchain a {
\t\tmeter m { ip saddr limit rate 10/second } accept
\t\tflow add @f
\t\tip saddr @m accept
\t}
}
`), []);
  });

  it('reports undefined variables, and accepts variables from included files', () => {
    assert.deepEqual(codes(`table ip t {\n\tchain a {\n\t\tip saddr $admins accept\n\t}\n}\n`), ['nft-undefined-variable']);
    const d = check(`include "vars.nft"\ntable ip t {\n\tchain a {\n\t\tip saddr $admins accept\n\t}\n}\n`, { '/etc/nft/vars.nft': 'define admins = { 10.0.0.1 }\n' });
    assert.deepEqual(d, []);
  });

  it('takes chains and jumps of included files into account, and reports only on this file', () => {
    const files = { '/etc/nft/chains.nft': 'table inet t {\n\tchain helper {\n\t\tjump shared\n\t}\n\tchain lonely {\n\t}\n}\n' };
    const d = check(`include "chains.nft"\ntable inet t {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\tjump helper\n\t}\n\tchain shared {\n\t}\n}\n`, files, true);
    assert.deepEqual(d, []);
  });

  it('reports a variable used after undefine and a define given twice', () => {
    assert.deepEqual(codes(`define a = 1\nundefine a\ndefine b = $a\n`), ['nft-undefined-variable']);
    assert.deepEqual(codes(`define a = 1\ndefine a = 2\nredefine a = 3\n`), ['nft-duplicate-define']);
  });

  it('reports base chains without hook or priority', () => {
    const d = check(`table ip t {\n\tchain a {\n\t\ttype filter hook input;\n\t}\n\tchain b {\n\t\ttype filter priority 0;\n\t}\n}\n`);
    assert.deepEqual(d.map((x) => x.code), ['nft-base-chain-incomplete', 'nft-base-chain-incomplete']);
    assert.match(d[0]!.message, /no priority/);
    assert.match(d[1]!.message, /no hook/);
  });

  it('reports duplicate declarations nft rejects, not the ones it merges', () => {
    // the same table twice, a chain redeclared to add rules, an identical set: all legal
    assert.deepEqual(codes(`table ip t {\n\tset s { type ipv4_addr; }\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t}\n}\ntable ip t {\n\tset s { type ipv4_addr; }\n\tchain c {\n\t\taccept\n\t}\n}\nadd table ip t\nadd table ip t\n`), []);
    assert.deepEqual(codes(`table ip t {\n\tset s { type ipv4_addr; }\n\tset s { type ipv6_addr; }\n}\n`), ['nft-duplicate-set']);
    assert.deepEqual(codes(`table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t}\n\tchain c {\n\t\ttype filter hook output priority 0;\n\t}\n}\n`), ['nft-duplicate-chain']);
    assert.deepEqual(codes(`add table ip t\nadd chain ip t c\ncreate chain ip t c\n`), ['nft-duplicate-chain']);
    assert.deepEqual(codes(`create table ip t\ncreate table ip t\n`), ['nft-duplicate-object']);
  });

  it('reports set and map elements that do not fit the declared type', () => {
    const d = check(`table inet t {
\tset v4 { type ipv4_addr; elements = { 10.0.0.1, ::1, 22 } }
\tset v6 { typeof ip6 saddr; elements = { ::1, 10.0.0.1 } }
\tset svc { type ipv4_addr . inet_service; elements = { 10.0.0.1 . 22, 10.0.0.1 . 70000, 10.0.0.2 } }
\tmap m { type ipv4_addr : verdict; elements = { 10.0.0.1 : accept } }
}
add element inet t v4 { fe80::1 }
`);
    assert.deepEqual(d.map((x) => [x.code, x.line]), [
      ['nft-set-type-mismatch', 2],
      ['nft-set-type-mismatch', 2],
      ['nft-set-type-mismatch', 3],
      ['nft-set-type-mismatch', 4],
      ['nft-set-type-mismatch', 4],
      ['nft-set-type-mismatch', 7],
    ]);
    assert.match(d[0]!.message, /IPv6 address ::1/);
    assert.match(d[1]!.message, /number 22/);
    assert.match(d[3]!.message, /70000/);
    assert.match(d[4]!.message, /1 part/);
  });

  it('reports NAT statements nft rejects for missing protocol or family context', () => {
    const d = check(`table inet t {\n\tchain c {\n\t\ttype nat hook prerouting priority dstnat;\n\t\tip daddr 10.0.0.1 dnat to 10.0.0.2:8080\n\t\ttcp dport 80 dnat ip to 10.0.0.2:8080\n\t\tredirect to :tcp dport map { 83 : 8083 }\n\t\ttproxy ip to 10.0.0.1\n\t\tsnat to 1.2.3.4\n\t}\n}\n`);
    assert.deepEqual(d.map((x) => [x.code, x.line]), [['nft-nat-needs-protocol', 4], ['nft-nat-needs-protocol', 7], ['nft-nat-needs-family', 8]]);
  });

  it('reports verdict maps with values and data maps with verdicts', () => {
    const d = check(`table ip t {\n\tmap v { type ipv4_addr : verdict; elements = { 10.0.0.1 : 10.0.0.2 } }\n\tmap m { type ipv4_addr : mark; elements = { 10.0.0.1 : accept } }\n\tchain c {\n\t\tip saddr vmap { 10.0.0.1 : 10.0.0.2, 10.0.0.3 : drop }\n\t}\n}\n`);
    assert.deepEqual(d.map((x) => [x.code, x.line]), [['nft-type-mismatch', 5], ['nft-set-type-mismatch', 2], ['nft-set-type-mismatch', 3]]);
  });

  it('reports constants that cannot match their selector', () => {
    assert.deepEqual(codes(`table inet t {\n\tchain c {\n\t\tip saddr ::1 drop\n\t\ttcp dport 10.0.0.1 drop\n\t\tip6 daddr { ::1, 10.1.1.1 } drop\n\t}\n}\n`), ['nft-type-mismatch', 'nft-type-mismatch', 'nft-type-mismatch']);
  });

  it('warns about names nft reads as keywords', () => {
    const d = check(`table inet t {\n\tchain counter {\n\t}\n\tset ip { type ipv4_addr; }\n\tchain input {\n\t}\n}\n`);
    assert.deepEqual(d.map((x) => [x.code, x.line]), [['nft-keyword-name', 2], ['nft-keyword-name', 4]]);
  });

  it('warns about rules after a rule that always ends the chain', () => {
    const d = check(`table ip t {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport 22 accept\n\t\tcounter log prefix "x" drop\n\t\tip saddr 10.0.0.1 accept\n\t}\n}\n`);
    assert.deepEqual(d.map((x) => [x.code, x.line]), [['nft-unreachable-rule', 6]]);
    assert.deepEqual(codes(`table ip t {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\tlimit rate 10/second accept\n\t\tdrop\n\t}\n}\n`), []);
  });

  it('hints at regular chains nothing jumps to', () => {
    const d = check(`table ip t {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport vmap { 22 : jump ssh }\n\t}\n\tchain ssh {\n\t}\n\tchain orphan {\n\t}\n}\n`, {}, true);
    assert.deepEqual(d.map((x) => [x.code, x.line, x.message]), [['nft-unused-chain', 8, "chain 'orphan' is never the target of a jump, goto or verdict map"]]);
    assert.deepEqual(check(`define c = orphan\ntable ip t {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\tjump $c\n\t}\n\tchain orphan {\n\t}\n}\n`, {}, true), []);
  });

  it('does not check references of tables that only the running ruleset declares', () => {
    assert.deepEqual(codes(`add rule ip filter INPUT jump neutron-filter-top\nadd rule ip filter INPUT ip saddr @x drop\n`), []);
  });

  it('reports a rule added to a chain missing from a table this file declares', () => {
    assert.deepEqual(codes(`add table ip t\nadd chain ip t a\nadd rule ip t b accept\n`), ['nft-undefined-chain']);
  });
});
