import { strict as assert } from 'node:assert';
import type { Chain, Rule, Table } from '../../src/convert/ast/nft';
import { parseNft } from '../../src/convert/nft/index';
import { printNftFile, printRuleBody } from '../../src/convert/nft/printer';

function canonical(body: string): string {
  const r = parseNft(`table inet t {\n\tchain c {\n\t\t${body}\n\t}\n}\n`);
  assert.deepEqual(r.diagnostics, []);
  const rule = ((r.file.items[0] as Table).items[0] as Chain).rules[0] as Rule;
  return printRuleBody(rule, { canonical: true });
}

describe('nft canonical printing (as nft lists rules back)', () => {
  const cases: [string, string][] = [
    ['ct mark and 0x3 != 0x1', 'ct mark & 0x00000003 != 0x00000001'],
    ['meta mark set 16', 'meta mark set 0x00000010'],
    ['meta mark set ip dscp | 0x40', 'meta mark set ip dscp | 0x40'],
    ['ct mark set (meta mark | 0x10) << 8', 'ct mark set (meta mark | 0x00000010) << 8'],
    ['meta iifname "eth0" accept', 'iifname "eth0" accept'],
    ['pkttype host', 'meta pkttype host'],
    ['meta skuid eq 3000 accept', 'meta skuid 3000 accept'],
    ['tcp flags == syn', 'tcp flags == syn'],
    ['ct state new,established, related', 'ct state established,related,new'],
    ['counter packets 10 bytes 200 accept', 'counter accept'],
    ['limit rate 10/second', 'limit rate 10/second burst 5 packets'],
    ['limit rate over 1025bytes/second burst 512bytes', 'limit rate over 1025 bytes/second burst 512 bytes'],
    ['log level warn prefix foo', 'log prefix "foo"'],
    ['queue num 4-5 fanout bypass', 'queue flags bypass,fanout to 4-5'],
    ['udp dport 53 masquerade persistent,random', 'udp dport 53 masquerade random,persistent'],
    ['meta l4proto tcp tcp dport ssh accept', 'tcp dport 22 accept'],
    ['meta nfproto ipv4 counter ip saddr 1.2.3.4', 'meta nfproto ipv4 counter ip saddr 1.2.3.4'],
    ['ip protocol tcp', 'ip protocol 6'],
    ['ip6 saddr 1234:0:1234:1234:1234:1234:1234:1234', 'ip6 saddr 1234:0:1234:1234:1234:1234:1234:1234'],
    ['ip6 saddr 1234:1234::1234:1234:1234:1234:0', 'ip6 saddr 1234:1234:0:1234:1234:1234:1234:0'],
    ['ether saddr 0:1:2:3:4:6', 'ether saddr 00:01:02:03:04:06'],
    ['ip dscp 0x38', 'ip dscp cs7'],
    ['ether type vlan vlan id 2', 'vlan id 2'],
  ];
  for (const [input, expected] of cases) {
    it(`${input}  →  ${expected}`, () => assert.equal(canonical(input), expected));
  }

  it('printNftFile canonical option applies to every rule, and the default prints as written', () => {
    const file = parseNft('table ip t {\n\tchain c {\n\t\tmeta mark 16 counter packets 1 bytes 2\n\t}\n}\n').file;
    assert.match(printNftFile(file, { canonical: true }).text, /\tmeta mark 0x00000010 counter\n/);
    assert.match(printNftFile(file).text, /\tmeta mark 16 counter packets 1 bytes 2\n/);
  });
});
