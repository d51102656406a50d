import { strict as assert } from 'node:assert';
import { analyzeIptables, IPTABLES_CODES, parseIptablesSave } from '../../src/convert/iptables';
import type { Dialect } from '../../src/convert/ast/iptables';

function check(text: string, dialect?: Dialect): string[] {
  const f = parseIptablesSave(text, dialect ? { dialect } : {});
  assert.deepEqual(f.diagnostics, [], 'fixture parses cleanly');
  return analyzeIptables(f).map((d) => `${d.range.start.line}:${d.range.start.character} ${d.severity} ${d.code}`);
}

/** A broad, valid iptables-save file: many modules and targets, every table. */
const BROAD = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m set --match-set foo src,dst -j ACCEPT
-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT
-A INPUT -m u32 --u32 "0x0>>0x16&0x3c@0x8=0x0" -j DROP
-A INPUT -m string --string "GET /" --algo bm --to 65535 -j DROP
-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT
-A INPUT -m recent --set --name SSH --mask 255.255.255.255 --rsource
-A INPUT -m recent --update --seconds 60 --hitcount 4 --name SSH --mask 255.255.255.255 --rsource -j DROP
-A INPUT -m limit --limit 5/min -j LOG --log-prefix "iptables denied: " --log-level 7
-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT
-A INPUT -s 10.0.0.0/8 -m comment --comment "It's fine" -j ACCEPT
-A INPUT -p tcp -m multiport --dports 22,80,443,8000:8080 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p udp -m udp --sport 53 -m hashlimit --hashlimit-upto 5/sec --hashlimit-burst 10 --hashlimit-mode srcip --hashlimit-name dns -j ACCEPT
-A OUTPUT -m owner --uid-owner 0 -j ACCEPT
-A INPUT -m time --timestart 09:00 --timestop 17:00 --weekdays Mon,Tue -j ACCEPT
-A INPUT -p tcp -m connlimit --connlimit-above 10 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with tcp-reset
-A INPUT -m pkttype --pkt-type broadcast -j DROP
-A INPUT -p tcp -m tcp ! --syn -m state --state NEW -j DROP
-A INPUT -f -j DROP
-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT
-A INPUT -m mark --mark 0x1/0xffff -j ACCEPT
-A FORWARD -m policy --dir in --pol ipsec --proto esp -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any INIT -j ACCEPT
COMMIT
*mangle
-A PREROUTING -m rpfilter --invert -j DROP
-A PREROUTING -p tcp -j TPROXY --on-port 3128 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1
-A POSTROUTING -o eth0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A POSTROUTING -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill
COMMIT
*nat
-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE --random-fully
-A PREROUTING -p tcp -m tcp --dport 2222 -j DNAT --to-destination 192.168.50.9:22
-A OUTPUT -d 10.0.0.1/32 -p tcp -j REDIRECT --to-ports 8080
COMMIT
*raw
-A PREROUTING -j CT --zone 4097
-A PREROUTING -j CT --notrack
-A OUTPUT -j NOTRACK
COMMIT
`;

const BROAD_V6 = `*filter
:INPUT DROP [0:0]
-A INPUT -s fe80::/64 -d ff02::1/128 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
-A INPUT -m rt --rt-type 0 --rt-segsleft 0 -j DROP
-A INPUT -m frag --fragmore -j DROP
-A INPUT -m hbh --hbh-len 0 -j ACCEPT
-A INPUT -m hl --hl-eq 255 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with icmp6-adm-prohibited
-A INPUT -m ipv6header --header frag --soft -j DROP
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 130/0 -j ACCEPT
-A INPUT -s 2001:db8::/ffff:ffff:: -j ACCEPT
COMMIT
*nat
-A POSTROUTING -o eth0 -p udp -j SNAT --to-source [fd00::1]:1000-2000
-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination [fd00::5]:8080
COMMIT
*mangle
-A PREROUTING -j HL --hl-set 64
COMMIT
`;

const BROAD_EB = `*filter
:INPUT ACCEPT
:FORWARD DROP
:OUTPUT ACCEPT
:mychain RETURN
-A INPUT -p IPv4 --ip-src 10.0.0.0/8 --ip-proto tcp --ip-dport 22 -j ACCEPT
-A INPUT -p IPv6 --ip6-src fd00::/8 --ip6-proto udp --ip6-sport 53 -j ACCEPT
-A INPUT -p ARP --arp-opcode Request --arp-ip-dst 10.0.0.1 --arp-mac-src 00:11:22:33:44:55 -j ACCEPT
-A FORWARD -p 802_1Q --vlan-id 10 --vlan-encap IPv4 -j mychain
-A FORWARD -s 00:11:22:33:44:55/ff:ff:ff:00:00:00 -d ! 01:00:5e:00:00:00/ff:ff:ff:80:00:00 --logical-in br0 -j ACCEPT
-A FORWARD --among-dst 00:11:22:33:44:55=10.0.0.1,00:11:22:33:44:66 -j ACCEPT
-A FORWARD --pkttype-type multicast --limit 10/sec --limit-burst 5 --log --log-prefix "mc" --nflog-group 2 -j DROP
-A OUTPUT --mark 0x1/0xff -j mark --mark-or 0x2 --mark-target CONTINUE
-A mychain -p Length --802_3-sap 0x42 -j DROP
-A mychain --stp-type config -j DROP
*nat
:PREROUTING ACCEPT
:POSTROUTING ACCEPT
-A PREROUTING -i tap1 -j dnat --to-dst 00:11:22:33:44:55 --dnat-target ACCEPT
-A POSTROUTING -o tap1 -j snat --to-src 00:11:22:33:44:55 --snat-arp --snat-target CONTINUE
-A PREROUTING -p ARP -j arpreply --arpreply-mac 00:11:22:33:44:55
-A PREROUTING -d 00:11:22:33:44:55 -j redirect --redirect-target RETURN
*broute
:BROUTING ACCEPT
-A BROUTING -p IPv4 -j DROP
`;

/** BROAD after `iptables-restore` and `iptables-save` (v1.8.9 nf_tables, in a network namespace). */
const BROAD_SAVED = `# Generated by iptables-save v1.8.9 (nf_tables) on Fri Nov 27 02:16:29 2026
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -m rpfilter --invert -j DROP
-A PREROUTING -p tcp -j TPROXY --on-port 3128 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A POSTROUTING -o eth0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
-A POSTROUTING -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill
COMMIT
# Completed on Fri Nov 27 02:16:29 2026
# Generated by iptables-save v1.8.9 (nf_tables) on Fri Nov 27 02:16:29 2026
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -j CT --zone 4097
-A PREROUTING -j CT --notrack
-A OUTPUT -j NOTRACK
COMMIT
# Completed on Fri Nov 27 02:16:29 2026
# Generated by iptables-save v1.8.9 (nf_tables) on Fri Nov 27 02:16:29 2026
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m set --match-set foo src,dst -j ACCEPT
-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT
-A INPUT -m u32 --u32 "0x0>>0x16&0x3c@0x8=0x0" -j DROP
-A INPUT -m string --string "GET /" --algo bm -j DROP
-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT
-A INPUT -m recent --set --name SSH --mask 255.255.255.255 --rsource
-A INPUT -m recent --update --seconds 60 --hitcount 4 --name SSH --mask 255.255.255.255 --rsource -j DROP
-A INPUT -m limit --limit 5/min -j LOG --log-prefix "iptables denied: " --log-level 7
-A INPUT -p icmp -m icmp --icmp-type any -j ACCEPT
-A INPUT -s 10.0.0.0/8 -m comment --comment "It\\'s fine" -j ACCEPT
-A INPUT -p tcp -m multiport --dports 22,80,443,8000:8080 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p udp -m udp --sport 53 -m hashlimit --hashlimit-upto 5/sec --hashlimit-burst 10 --hashlimit-mode srcip --hashlimit-name dns -j ACCEPT
-A INPUT -m time --timestart 09:00:00 --timestop 17:00:00 --weekdays Mon,Tue --datestop 2038-01-19T03:14:07 -j ACCEPT
-A INPUT -p tcp -m connlimit --connlimit-above 10 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with tcp-reset
-A INPUT -m pkttype --pkt-type broadcast -j DROP
-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -m state --state NEW -j DROP
-A INPUT -f -j DROP
-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT
-A INPUT -m mark --mark 0x1/0xffff -j ACCEPT
-A INPUT -p sctp -m sctp --chunk-types any INIT -j ACCEPT
-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT
-A FORWARD -m policy --dir in --pol ipsec --proto esp -j ACCEPT
-A OUTPUT -m owner --uid-owner 0 -j ACCEPT
COMMIT
# Completed on Fri Nov 27 02:16:29 2026
# Generated by iptables-save v1.8.9 (nf_tables) on Fri Nov 27 02:16:29 2026
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 2222 -j DNAT --to-destination 192.168.50.9:22
-A OUTPUT -d 10.0.0.1/32 -p tcp -j REDIRECT --to-ports 8080
-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE --random-fully
COMMIT
# Completed on Fri Nov 27 02:16:29 2026
`;

/** BROAD_V6 after the real `ip6tables-restore` and `ip6tables-save`. */
const BROAD_V6_SAVED = `# Generated by ip6tables-save v1.8.9 (nf_tables) on Fri Nov 27 02:21:44 2026
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j HL --hl-set 64
COMMIT
# Completed on Fri Nov 27 02:21:44 2026
# Generated by ip6tables-save v1.8.9 (nf_tables) on Fri Nov 27 02:21:44 2026
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s fe80::/64 -d ff02::1/128 -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
-A INPUT -m rt --rt-type 0 --rt-segsleft 0 -j DROP
-A INPUT -m frag --fragmore -j DROP
-A INPUT -m hbh --hbh-len 0 -j ACCEPT
-A INPUT -m hl --hl-eq 255 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with icmp6-adm-prohibited
-A INPUT -m ipv6header --header ipv6-frag --soft -j DROP
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 130/0 -j ACCEPT
-A INPUT -s 2001:db8::/32 -j ACCEPT
COMMIT
# Completed on Fri Nov 27 02:21:44 2026
# Generated by ip6tables-save v1.8.9 (nf_tables) on Fri Nov 27 02:21:44 2026
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination [fd00::5]:8080
-A POSTROUTING -o eth0 -p udp -j SNAT --to-source [fd00::1]:1000-2000
COMMIT
# Completed on Fri Nov 27 02:21:44 2026
`;

describe('iptables analysis', () => {
  it('finds nothing in what the real ip6tables-save printed for BROAD_V6', () => {
    const f = parseIptablesSave(BROAD_V6_SAVED);
    assert.equal(f.dialect, 'ip6tables');
    assert.deepEqual([...f.diagnostics, ...analyzeIptables(f)], []);
  });

  it('finds nothing in what the real iptables-save printed for BROAD', () => {
    const f = parseIptablesSave(BROAD_SAVED);
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(analyzeIptables(f), []);
    assert.equal(f.tables.reduce((n, t) => n + t.commands.length, 0), BROAD_SAVED.split('\n').filter((l) => l.startsWith('-A ')).length);
  });

  it('has no false positives on broad valid ip6tables and ebtables files (dialect sniffed)', () => {
    for (const [text, dialect] of [[BROAD_V6, 'ip6tables'], [BROAD_EB, 'ebtables']] as const) {
      const f = parseIptablesSave(text);
      assert.equal(f.dialect, dialect);
      assert.deepEqual(f.diagnostics, []);
      assert.deepEqual(analyzeIptables(f), []);
    }
  });

  it('has no false positives on a broad valid file, and detects it as iptables', () => {
    const f = parseIptablesSave(BROAD);
    assert.equal(f.dialect, 'iptables');
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(analyzeIptables(f), []);
  });

  it('accepts a clean file', () => {
    assert.deepEqual(
      check('*filter\n:INPUT DROP [0:0]\n:svc - [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j svc\n-A svc -s 10.0.0.0/8 -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n'),
      [],
    );
  });

  it('reports structure problems', () => {
    const out = check(
      [
        '-A INPUT -j ACCEPT',
        '*filter',
        ':INPUT ACCEPT [0:0]',
        ':INPUT ACCEPT [0:0]',
        ':mine ACCEPT [0:0]',
        ':neutron-openvswi-i7a3c1b0e-4ff - [0:0]',
        '-A INPUT -j mine',
        '-A INPUT -j neutron-openvswi-i7a3c1b0e-4ff',
        '-P mine DROP',
        '*bogus',
        'COMMIT',
      ].join('\n'),
    );
    assert.deepEqual(out, [
      '0:0 error rule-outside-table',
      '1:0 error missing-commit',
      '3:1 error duplicate-chain',
      '4:6 error user-chain-policy',
      '5:1 error chain-name-too-long',
      '8:3 error user-chain-policy',
      '9:1 error unknown-table',
    ]);
  });

  it('checks jumps: undefined chains, unknown targets, built-in chains, unused chains', () => {
    const out = check('*filter\n:INPUT ACCEPT [0:0]\n:unused - [0:0]\n-A INPUT -j nowhere\n-A INPUT -g elsewhere\n-A INPUT -j FANCY\n-A INPUT -j OUTPUT\nCOMMIT\n');
    // A goto never returns, so the rules after an unconditional -g are unreachable too.
    assert.deepEqual(out, [
      '3:12 error undefined-chain',
      '4:12 error undefined-chain',
      '5:12 warning unknown-target-module',
      '6:12 error jump-to-builtin-chain',
      '5:0 warning unreachable-rule',
      '6:0 warning unreachable-rule',
      '2:1 hint unused-chain',
    ]);
  });

  it('checks modules and options', () => {
    const out = check(
      [
        '*filter',
        '-A INPUT --dport 22 -j ACCEPT',
        '-A INPUT -m comment --comment x --sport 1 -j ACCEPT',
        '-A INPUT -m nosuchmatch --x -j ACCEPT',
        '-A INPUT -p tcp --dport 1 --dport 2 -s 1.1.1.1 -s 2.2.2.2 -j ACCEPT',
        '-A INPUT -m tcp --nosuch 1 -j ACCEPT',
        '-A INPUT -j DNAT --to-destination 10.0.0.1',
        'COMMIT',
      ].join('\n'),
    );
    assert.deepEqual(out, [
      '1:9 error option-without-module',
      '2:32 error option-without-module',
      '3:12 warning unknown-match-module',
      '4:47 error duplicate-option',
      '4:26 error duplicate-option',
      '5:16 warning unknown-option',
      '6:12 error target-not-allowed-in-table',
    ]);
  });

  it('checks address and port literals per family', () => {
    assert.deepEqual(check('*filter\n-A INPUT -s 10.0.0.256 -d 10.0.0.0/33 -p udp --sport 99999 -m multiport --dports 9:1 -j ACCEPT\nCOMMIT\n'), [
      '1:12 error invalid-address',
      '1:26 error invalid-address',
      '1:53 error invalid-port',
      '1:81 error invalid-port',
    ]);
    assert.deepEqual(check('*filter\n-A INPUT -s 10.0.0.1 -d fd00::/8 -j ACCEPT\nCOMMIT\n', 'ip6tables'), ['1:12 error invalid-address']);
    assert.deepEqual(check('*filter\n-A INPUT -s localhost -d 10.0.0.0/255.255.0.0 -p tcp --dport ssh:http -j ACCEPT\nCOMMIT\n'), []);
    assert.deepEqual(check('*nat\n-A PREROUTING -s fa:16:3e:00:00:zz -p ARP --arp-ip-src 10.0.0.300 -j ACCEPT\n', 'ebtables'), ['1:17 error invalid-address', '1:55 error invalid-address']);
  });

  it('checks built-in chain restrictions and protocol needs', () => {
    const out = check(
      [
        '*filter',
        '-A INPUT -m owner --uid-owner 0 -j ACCEPT',
        '-A OUTPUT -m owner --uid-owner 0 -j ACCEPT',
        '-A INPUT -j REJECT --reject-with tcp-reset',
        '-A INPUT -p tcp -j REJECT --reject-with tcp-reset',
        'COMMIT',
        '*nat',
        '-A POSTROUTING -p tcp -j DNAT --to-destination 10.0.0.1',
        '-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1',
        '-A PREROUTING -j DNAT --to-destination 10.0.0.1:80',
        '-A POSTROUTING -j MASQUERADE --to-ports 1000-2000',
        '-A POSTROUTING -p udp -j SNAT --to-source [fd00::1]:53',
        'COMMIT',
      ].join('\n'),
    );
    assert.deepEqual(out, ['1:12 error not-allowed-in-chain', '3:19 error needs-protocol', '4:0 warning unreachable-rule', '7:25 error not-allowed-in-chain', '9:22 error needs-protocol', '10:29 error needs-protocol', '11:0 warning unreachable-rule']);
  });

  it('warns about rules after an unconditional verdict', () => {
    const out = check('*filter\n:c - [0:0]\n-A INPUT -j c\n-A c -p tcp -j RETURN\n-A c -m comment --comment "all" -j DROP\n-A c -j ACCEPT\n-A c -s 1.2.3.4 -j ACCEPT\nCOMMIT\n');
    assert.deepEqual(out, ['5:0 warning unreachable-rule', '6:0 warning unreachable-rule']);
  });

  it('knows ebtables and arptables conventions (no COMMIT, user chain policies, lower-case targets)', () => {
    assert.deepEqual(check('*nat\n:PREROUTING ACCEPT\n:neutronARP-tap1 DROP\n-A PREROUTING -p ARP -i tap1 -j neutronARP-tap1\n-A neutronARP-tap1 -j dnat --to-dst 00:11:22:33:44:55\n', 'ebtables'), []);
    assert.deepEqual(check('*filter\n:INPUT ACCEPT\n-A INPUT -j mangle -d 10.0.0.1 --mangle-ip-s 10.0.0.2\n', 'arptables'), []);
  });

  it('documents every code it uses', () => {
    for (const code of ['missing-commit', 'unreachable-rule', 'unused-chain', 'option-without-module']) assert.ok(code in IPTABLES_CODES);
  });
});
