// verify without the kernel: the original-ruleset model (physdev substitution, reachability,
// entry paths), probe generation (determinism, bounds, near misses) and trace parsing.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOriginal, generateProbes, prepare } from '../../src/verify/index';
import { bigToV6, canonicalAddress, interfaceNames, prefixContains, v6ToBig } from '../../src/verify/probes';
import { chainKey } from '../../src/verify/ruleset';
import { planInterfaces } from '../../src/verify/topology';
import { parseTraceLine, ruleHandles } from '../../src/verify/trace';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

const SMALL = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:sg - [0:0]
:port - [0:0]
-A FORWARD -m physdev --physdev-out tap1 --physdev-is-bridged -j sg
-A INPUT -m physdev --physdev-in tap1 --physdev-is-bridged -j port
-A sg -m physdev --physdev-out tap1 --physdev-is-bridged -j port
-A sg -j ACCEPT
-A port -s 10.0.0.0/24 -p tcp -m tcp --dport 22 -j RETURN
-A port -p udp -m multiport --dports 1000:2000 -j DROP
-A port -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -m physdev --physdev-out tap1 -j ACCEPT
-A PREROUTING -m physdev --physdev-in tap1 -j ACCEPT
COMMIT
`;

describe('verify: original ruleset model', function () {
  const orig = buildOriginal([{ file: 'small.iptables-save', text: SMALL, dialect: 'iptables' }], []);

  it('tests a bridge port as a routed interface, in the rule text that gets loaded', function () {
    const s = orig.substitutions.map((x) => x.replacement ?? `(left out) ${x.why}`);
    assert.deepEqual(s, [
      '-A FORWARD -o tap1 -j sg',
      '-A INPUT -i tap1 -j port',
      '-A sg -o tap1 -j port',
      '(left out) --physdev-out can never match before routing (PREROUTING/INPUT) in a routed topology: rule left out',
      '-A PREROUTING -i tap1 -j ACCEPT',
    ]);
    const loaded = orig.dumps[0]!.loadedText.split('\n');
    assert.equal(loaded.length, SMALL.split('\n').length, 'line numbers are kept');
    assert.ok(!/physdev/.test(orig.dumps[0]!.loadedText.replace(/^#.*$/gm, '')));
  });

  it('knows which hooks reach each chain and how', function () {
    const port = orig.rules.find((r) => r.chain === 'port' && r.index === 1)!;
    assert.deepEqual([...port.hooks].sort(), ['FORWARD', 'INPUT']);
    assert.deepEqual(port.conds.src, { addr: '10.0.0.0', len: 24, neg: false });
    assert.deepEqual(port.conds.dport, { ranges: [[22, 22]], neg: false });
    const paths = orig.entries.get(chainKey(4, 'filter', 'port'))!;
    const described = paths.map((p) => p.map((r) => `${r.chain}#${r.index}`).join(' > ')).sort();
    assert.deepEqual(described, ['FORWARD#1 > sg#1', 'INPUT#1']);
    assert.deepEqual(orig.rules.find((r) => r.chain === 'port' && r.index === 2)!.conds.dport, { ranges: [[1000, 2000]], neg: false });
  });

  it('probes: a matching probe per rule, near misses outside each condition, deterministic per seed', function () {
    const ifaces = planInterfaces(interfaceNames(orig));
    assert.deepEqual(ifaces.map((i) => i.name), ['nflv-other', 'tap1']);
    const a = generateProbes(orig, ifaces, { seed: 7, maxProbes: 1000 });
    const b = generateProbes(orig, ifaces, { seed: 7, maxProbes: 1000 });
    const c = generateProbes(orig, ifaces, { seed: 8, maxProbes: 1000 });
    const key = (ps: typeof a) => JSON.stringify(ps.map((p) => [p.origin, p.variant, p.kind, p.inIf?.name, p.outIf?.name, p.spec]));
    assert.equal(key(a), key(b));
    assert.notEqual(key(a), key(c));
    const ssh = a.filter((p) => p.origin === 'ip filter port #1');
    const match = ssh.find((p) => p.variant.startsWith('match'))!;
    assert.ok(prefixContains({ addr: '10.0.0.0', len: 24, neg: false }, match.spec.src, 4));
    assert.equal(match.spec.proto, 6);
    assert.equal(match.spec.dport, 22);
    // the way in: out of (forward) or in on (input) the port
    assert.ok(ssh.filter((p) => p.variant.startsWith('match')).every((p) => p.outIf?.name === 'tap1' || p.inIf?.name === 'tap1'));
    const missSrc = ssh.find((p) => p.variant === 'miss:src')!;
    assert.equal(missSrc.spec.src, '10.0.1.0', 'just outside the prefix');
    const missPort = ssh.find((p) => p.variant === 'miss:dport')!;
    assert.ok(missPort.spec.dport === 23 || missPort.spec.dport === 21);
    assert.equal(ssh.find((p) => p.variant === 'miss:proto')!.spec.proto, 17);
    const range = a.find((p) => p.origin === 'ip filter port #2' && p.variant === 'miss:dport')!;
    assert.ok(range.spec.dport === 2001 || range.spec.dport === 999);
    assert.equal(generateProbes(orig, ifaces, { seed: 7, maxProbes: 5 }).length, 5, '--probes bounds the work');
  });

  it('IPv6 addresses are written as inet_ntop writes them', function () {
    assert.equal(canonicalAddress('fd6e:6c76:0:0::1'), 'fd6e:6c76::1');
    assert.equal(canonicalAddress('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(bigToV6(v6ToBig('fe80::a9fe:a9fe')), 'fe80::a9fe:a9fe');
    assert.ok(prefixContains({ addr: 'ff02::', len: 16, neg: false }, 'ff02::1:2', 6));
  });
});

describe('verify: nft monitor trace and rule handles', function () {
  it('parses trace events', function () {
    const p = parseTraceLine('trace id f04fbe66 inet obs pre packet: iif "qr-aaa" ether saddr fa:16:3e:11:22:33 ether daddr 42:32:34:50:96:7a ip saddr 10.9.9.9 ip daddr 100.64.0.1 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 4242 ip protocol udp ip length 36 udp sport 1234 udp dport 53 udp length 16 @th,64,64 0x4e464c5630303031 ')!;
    assert.equal(p.id, 'f04fbe66');
    assert.deepEqual(p.event.packet, { iif: 'qr-aaa', src: '10.9.9.9', dst: '100.64.0.1', sport: 1234, dport: 53, proto: 'udp', tag: 4242, dscp: 'cs0' });
    const r = parseTraceLine('trace id f04fbe66 ip filter neutron-openvswi-FORWARD rule oifname "tap1" counter packets 0 bytes 0 jump sg # handle 12 (verdict jump sg)')!;
    assert.equal(r.event.kind, 'rule');
    assert.equal(r.event.handle, 12);
    assert.equal(r.event.verdict, 'jump sg');
    const pol = parseTraceLine('trace id f04fbe66 inet obs inp policy accept meta mark 0x04000002 ')!;
    assert.equal(pol.event.kind, 'policy');
    assert.equal(pol.event.mark, '0x04000002');
    const v6 = parseTraceLine('trace id 1 inet nflens_verify trace_pre packet: iif "w" ip6 saddr 2001:db8::10 ip6 daddr fe80::a9fe:a9fe ip6 flowlabel 77 ip6 nexthdr tcp tcp sport 10058 tcp dport 80')!;
    assert.equal(v6.event.packet!.tag, 77);
    assert.equal(v6.event.packet!.dst, 'fe80::a9fe:a9fe');
    assert.equal(parseTraceLine('# Warning: table ip filter is managed by iptables-nft, do not touch!'), undefined);
  });

  it('maps rule handles to chain positions', function () {
    const listing = `# Warning: table ip filter is managed by iptables-nft, do not touch!
table ip filter { # handle 1
	chain INPUT { # handle 1
		type filter hook input priority filter; policy accept;
		counter packets 0 bytes 0 jump port # handle 5
	}
	chain port { # handle 3
		ip saddr 10.0.0.0/24 tcp dport 22 counter packets 0 bytes 0 return # handle 7
		counter packets 0 bytes 0 drop # handle 8
	}
}
`;
    const h = ruleHandles(listing);
    assert.deepEqual(h.get('ip filter port 8'), { family: 'ip', table: 'filter', chain: 'port', index: 2, text: 'counter packets 0 bytes 0 drop' });
    assert.equal(h.get('ip filter INPUT 5')!.index, 1);
    assert.equal(h.size, 3);
  });
});

describe('verify: Neutron compute node model', function () {
  before(function () {
    requirePrereqs(this, prereqs.corpus());
  });

  it('every per-port chain is reachable through the substituted jumps, and diagnosed rules are known by id', function () {
    const dir = join(corpusDir, 'neutron');
    const file = join(dir, 'compute-ovs-hybrid-sg.iptables-save');
    const p = prepare({
      dumps: [{ file, text: readFileSync(file, 'utf8'), dialect: 'iptables' }],
      ipsets: [{ file: 'x.ipset-save', text: readFileSync(join(dir, 'compute-ovs-hybrid-sg.ipset-save'), 'utf8') }],
    });
    for (const chain of ['neutron-openvswi-i7a3c1b0e-4', 'neutron-openvswi-o7a3c1b0e-4', 'neutron-openvswi-ie0b1c2d3-4', 'neutron-openvswi-oe0b1c2d3-4']) {
      assert.ok((p.original.entries.get(chainKey(4, 'filter', chain)) ?? []).length > 0, chain);
    }
    assert.ok(!/physdev/.test(p.input.nftText), 'the conversion of the substituted dump has no physdev rule left');
    assert.match(p.input.nftText, /oifname "tap7a3c1b0e-4f"/);
    assert.equal(p.original.substitutions.length, 23);
    // Everything the converter could not express exactly is attributed by rule id.
    for (const [id] of p.input.diagnosed) assert.ok(p.original.rules.some((r) => r.id === id));
  });
});
