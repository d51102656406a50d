/** Translators and rule outcomes, beyond the txlate cases: what the reference gets wrong or leaves out. */
import { strict as assert } from 'node:assert';
import { parseIptablesSave } from '../../src/convert/iptables';
import { translateCommandLine } from '../../src/convert/translate/command';
import { convertFiles } from '../../src/convert/translate/convert';

const tx = (args: string, dialect: 'iptables' | 'ip6tables' | 'ebtables' | 'arptables' = 'iptables') => translateCommandLine(args, dialect);
const body = (args: string, dialect?: 'iptables' | 'ip6tables' | 'ebtables' | 'arptables') => tx(args, dialect).lines.map((l) => l.replace(/^nft '(?:add|insert) rule \S+ \S+ \S+ (.*)'$/, '$1'));

describe('translators', () => {
  it('keeps the negation of ! --ctstate DNAT as a bit test', () => {
    assert.deepEqual(body('-t nat -A P ! -o qg-1 -m conntrack ! --ctstate DNAT -j ACCEPT'), ['oifname != "qg-1" ct status ! dnat counter accept']);
    assert.equal(tx('-t nat -A P -m conntrack ! --ctstate DNAT -j ACCEPT').outcome, 'translated');
  });

  it('splits --ctstate NEW,DNAT (an OR) into two disjoint rules, and ! --ctstate NEW,DNAT into one', () => {
    assert.deepEqual(body('-A X -m conntrack --ctstate NEW,DNAT -j ACCEPT'), ['ct state new counter accept', 'ct state ! new ct status dnat counter accept']);
    // (packets without a conntrack entry pass on their state alone: a rule of their own, not in nat)
    assert.deepEqual(body('-A X -m conntrack ! --ctstate NEW,DNAT -j ACCEPT'), ['ct state invalid,untracked counter accept', 'ct state ! new ct status ! dnat counter accept']);
    assert.deepEqual(body('-t nat -A X -m conntrack ! --ctstate NEW,DNAT -j ACCEPT'), ['ct state ! new ct status ! dnat counter accept']);
    assert.deepEqual(body('-A X -m state --state ESTABLISHED,SNAT,DNAT -j ACCEPT'), ['ct state established counter accept', 'ct state ! established ct status snat,dnat counter accept']);
  });

  it('translates ICMP types with codes and every ICMPv6 type Neutron uses', () => {
    assert.deepEqual(body('-A X -p icmp -m icmp --icmp-type 8/0 -j RETURN'), ['icmp type echo-request icmp code 0 counter return']);
    assert.deepEqual(body('-A X -p icmp -m icmp --icmp-type port-unreachable -j RETURN'), ['icmp type destination-unreachable icmp code 3 counter return']);
    const v6 = (t: string) => body(`-A X -p ipv6-icmp -m icmp6 --icmpv6-type ${t} -j RETURN`, 'ip6tables')[0];
    assert.equal(v6('130'), 'meta l4proto ipv6-icmp icmpv6 type mld-listener-query counter return');
    assert.equal(v6('131'), 'meta l4proto ipv6-icmp icmpv6 type mld-listener-report counter return');
    assert.equal(v6('132'), 'meta l4proto ipv6-icmp icmpv6 type mld-listener-done counter return');
    assert.equal(v6('143'), 'meta l4proto ipv6-icmp icmpv6 type mld2-listener-report counter return');
    assert.equal(v6('135'), 'meta l4proto ipv6-icmp icmpv6 type nd-neighbor-solicit counter return');
    assert.equal(v6('128/0'), 'meta l4proto ipv6-icmp icmpv6 type echo-request icmpv6 code 0 counter return');
  });

  it('packets without a conntrack entry pass a conntrack match on their state alone, as in the kernel', () => {
    // the Kubernetes localnet rule: invalid packets to 127/8 must be dropped too
    assert.deepEqual(body('-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'), [
      'ip saddr != 127.0.0.0/8 ip daddr 127.0.0.0/8 ct state invalid,untracked counter drop',
      'ip saddr != 127.0.0.0/8 ip daddr 127.0.0.0/8 ct state ! related,established ct status ! dnat counter drop',
    ]);
    // other conditions apply to packets with an entry only
    assert.deepEqual(body('-A X -m conntrack --ctdir ORIGINAL --ctstate INVALID,NEW --ctstatus ASSURED -j DROP'), ['ct state invalid counter drop', 'ct direction original ct state new ct status assured counter drop']);
    assert.deepEqual(body('-A X -m conntrack --ctstate UNTRACKED,DNAT -j ACCEPT'), ['ct state untracked counter accept', 'ct status dnat counter accept']);
    // nothing to split: the state alone, or no state a packet without an entry can have
    assert.deepEqual(body('-A X -m conntrack ! --ctstate INVALID,UNTRACKED,NEW --ctstatus ASSURED -j DROP'), ['ct state ! invalid,new,untracked ct status assured counter drop']);
    assert.deepEqual(body('-A X -m conntrack --ctstate INVALID -j DROP'), ['ct state invalid counter drop']);
    // the drop-in command takes `!` as its own argument
    assert.deepEqual(translateCommandLine(['-A', 'X', '!', '-s', '10.0.0.1', '-m', 'comment', '--comment', 'hi! there', '-j', 'DROP'], 'iptables').lines, ["nft 'add rule ip filter X ip saddr != 10.0.0.1 counter drop comment \"hi! there\"'"]);
  });

  it('-m tos: the TOS byte raw (nft names only its DSCP and ECN parts); an IPv6 mask as the values it allows', () => {
    assert.deepEqual(body('-A X -m tos --tos 0x10/0x3f -j ACCEPT'), ['@nh,8,8 & 0x3f == 0x10 counter accept']);
    assert.deepEqual(body('-A X -m tos --tos Minimize-Delay -j ACCEPT'), ['@nh,8,8 & 0x3f == 0x10 counter accept']);
    assert.deepEqual(body('-A X -m tos ! --tos 184 -j ACCEPT'), ['@nh,8,8 != 0xb8 counter accept']);
    assert.deepEqual(body('-A X -m tos --tos 0xb8 -j ACCEPT', 'ip6tables'), ['@nh,4,8 == 0xb8 counter accept']);
    assert.deepEqual(body('-A X -m tos ! --tos Minimize-Delay -j ACCEPT', 'ip6tables'), ['@nh,4,8 != { 0x10, 0x50, 0x90, 0xd0 } counter accept']);
    assert.equal(tx('-A X -m tos --tos Maximize-Fun -j ACCEPT').outcome, 'unsupported');
  });

  it('the protocol is tested before a stateful match that comes before the protocol\'s own match (iptables tests -p first)', () => {
    // numgen, limit... count every packet that reaches them: only TCP ones, as the kernel's
    assert.deepEqual(body('-t mangle -A P -m statistic --mode nth --every 3 --packet 1 -p tcp --dport 5003 -j MARK --set-mark 0x33'), ['ip protocol tcp numgen inc mod 3 1 tcp dport 5003 counter meta mark set 0x33']);
    assert.deepEqual(body('-A P -m limit --limit 5/s -p udp -m udp --dport 53 -j ACCEPT'), ['ip protocol udp limit rate 5/second burst 5 packets udp dport 53 counter accept']);
    // the protocol's match first: it implies the protocol, as the reference prints it
    assert.deepEqual(body('-A P -p tcp --dport 22 -m limit --limit 5/s -j ACCEPT'), ['tcp dport 22 limit rate 5/second burst 5 packets counter accept']);
  });

  it('NETMAP maps a prefix by the hook of its chain: dnat prefix to / snat prefix to', () => {
    assert.deepEqual(body('-t nat -A PREROUTING -d 192.168.1.0/24 -j NETMAP --to 10.0.0.0/24'), ['ip daddr 192.168.1.0/24 counter dnat prefix to 10.0.0.0/24']);
    assert.deepEqual(body('-t nat -A POSTROUTING -s 10.0.0.0/24 -j NETMAP --to 192.168.1.7/255.255.255.0'), ['ip saddr 10.0.0.0/24 counter snat prefix to 192.168.1.0/24']);
    assert.deepEqual(body('-t nat -A OUTPUT -j NETMAP --to fd00:2::/64', 'ip6tables'), ['counter dnat prefix to fd00:2::/64']);
    assert.equal(tx('-t nat -A my-chain -j NETMAP --to 10.0.0.0/24').outcome, 'unsupported');
    assert.equal(tx('-t nat -A PREROUTING -j NETMAP --to 10.0.0.0/255.0.255.0').outcome, 'unsupported');
  });

  it('TCPOPTSTRIP resets each option to NOPs as nft reset tcp option does', () => {
    assert.deepEqual(body('-t mangle -A POSTROUTING -p tcp -j TCPOPTSTRIP --strip-options sack-permitted,timestamp,wscale,mss,md5,30'), [
      'ip protocol tcp counter reset tcp option sack-perm reset tcp option timestamp reset tcp option window reset tcp option maxseg reset tcp option md5sig reset tcp option 30',
    ]);
    assert.equal(tx('-t mangle -A POSTROUTING -p tcp -j TCPOPTSTRIP --strip-options nop').outcome, 'unsupported');
  });

  it('a NAT port needs -p naming a protocol with ports, as iptables says (nft cannot load one without it)', () => {
    assert.deepEqual(body('-t nat -A P -p tcp -j DNAT --to-destination 10.0.0.5:8080'), ['ip protocol tcp counter dnat to 10.0.0.5:8080']);
    assert.deepEqual(body('-t nat -A P -p udp -m udp -j DNAT --to-destination 10.0.0.5:53'), ['meta l4proto udp counter dnat to 10.0.0.5:53']);
    assert.deepEqual(body('-t nat -A P -j DNAT --to-destination 10.0.0.5'), ['counter dnat to 10.0.0.5']);
    for (const [args, dialect] of [
      ['-t nat -A P -j SNAT --to-source 203.0.113.1-203.0.113.5:1024-65535', 'iptables'],
      ['-t nat -A P ! -p tcp -j DNAT --to-destination 10.0.0.5:80', 'iptables'],
      ['-t nat -A P -p icmp -j MASQUERADE --to-ports 2000', 'iptables'],
      ['-t nat -A P -j REDIRECT --to-ports 8080', 'iptables'],
      ['-t nat -A P -j DNAT --to-destination [fd00::5]:80', 'ip6tables'],
    ] as const) {
      const t = tx(args, dialect);
      assert.equal(t.outcome, 'unsupported', args);
      assert.deepEqual(t.diagnostics.map((d) => `${d.severity} ${d.code}`), ['error needs-protocol'], args);
    }
    assert.deepEqual(body('-t nat -A P -j DNAT --to-destination fd00::5', 'ip6tables'), ['counter dnat to fd00::5']);
  });

  it('what iptables and nft both refuse is kept as a comment with the dump checks\' error; what only iptables refuses translates', () => {
    const refused = (args: string) => {
      const t = tx(args);
      return t.outcome === 'unsupported' ? t.diagnostics.map((d) => `${d.severity} ${d.code}`) : t.outcome;
    };
    assert.deepEqual(refused('-A INPUT -j DNAT --to-destination 10.0.0.1'), ['error target-not-allowed-in-table']);
    assert.deepEqual(refused('-t nat -A POSTROUTING -j DNAT --to-destination 10.0.0.1'), ['error not-allowed-in-chain']);
    assert.deepEqual(refused('-t nat -A PREROUTING -j MASQUERADE'), ['error not-allowed-in-chain']);
    assert.deepEqual(refused('-A INPUT -j REJECT --reject-with tcp-reset'), ['error needs-protocol']);
    assert.deepEqual(refused('-A INPUT -j OUTPUT'), ['error jump-to-builtin-chain']);
    // nft takes these: a DSCP target outside mangle (a txlate case), an owner match in INPUT
    assert.equal(refused('-A OUTPUT -j DSCP --set-dscp 1'), 'translated');
    assert.equal(refused('-A INPUT -m owner --uid-owner 0 -j ACCEPT'), 'translated');
    // a user chain of the same name as a NAT hook is no hook: nothing to refuse
    assert.equal(refused('-t nat -A prerouting -p tcp -j DNAT --to-destination 10.0.0.1:80'), 'translated');
  });

  it('chains nft cannot read by their iptables name (keywords, other characters) get one it reads, for the chain and every jump', () => {
    const dump = '*filter\n:INPUT ACCEPT [0:0]\n:dynamic - [0:0]\n:dynamic_ - [0:0]\n:1st - [0:0]\n:reject - [0:0]\n-A INPUT -j dynamic\n-A INPUT -j dynamic_\n-A INPUT -g 1st\n-A dynamic -j reject\n-A reject -j REJECT\nCOMMIT\n';
    for (const style of ['ruleset', 'script'] as const) {
      const r = convertFiles([{ file: parseIptablesSave(dump), name: 'd' }], { style });
      assert.deepEqual(r.rules.map((o) => o.outcome), ['translated', 'translated', 'translated', 'translated', 'translated']);
      const out = r.output;
      for (const chain of ['dynamic_', 'dynamic__', '_1st', 'reject_']) assert.match(out, style === 'ruleset' ? new RegExp(`^\\tchain ${chain} \\{$`, 'm') : new RegExp(`^add chain ip filter ${chain}$`, 'm'));
      assert.match(out, /jump dynamic_\b/);
      assert.match(out, /jump dynamic__/);
      assert.match(out, /goto _1st/);
      assert.match(out, /jump reject_/);
      assert.deepEqual(
        r.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code} ${d.message.split(':')[0]}`),
        ['2:1 chain-renamed chain dynamic is named dynamic_ in nft', '3:1 chain-renamed chain dynamic_ is named dynamic__ in nft', '4:1 chain-renamed chain 1st is named _1st in nft', '5:1 chain-renamed chain reject is named reject_ in nft'],
      );
    }
    // one command: the chain and the jump, renamed alike
    assert.deepEqual(tx('-A dynamic -j log').lines, ["nft 'add rule ip filter dynamic_ counter jump log_'"]);
  });

  it('CT --zone, --helper (with its object) and --notrack', () => {
    assert.deepEqual(body('-t raw -A PREROUTING -i tap1 -j CT --zone 4097'), ['iifname "tap1" counter ct zone set 4097']);
    const h = tx('-t raw -A P -p tcp -m tcp --dport 21 -j CT --helper ftp');
    assert.deepEqual(h.lines, [`nft 'add ct helper ip raw ftp-tcp { type "ftp" protocol tcp; l3proto ip; }'`, `nft 'add rule ip raw P tcp dport 21 counter ct helper set "ftp-tcp"'`]);
    assert.equal(h.outcome, 'approximated', 'raw runs before conntrack: the helper assignment must move (warned)');
    assert.deepEqual(body('-t raw -A P -j CT --notrack'), ['counter notrack']);
  });

  it('CONNMARK: exact where the kept part is empty, approximated with the lost bits otherwise', () => {
    const exact = tx('-t mangle -A P -j CONNMARK --save-mark --nfmask 0xff --ctmask 0xffffffff');
    assert.deepEqual(exact.lines, ["nft 'add rule ip mangle P counter ct mark set mark and 0xff'"]);
    assert.equal(exact.outcome, 'translated');
    const approx = tx('-t mangle -A P -j CONNMARK --restore-mark --nfmask 0xffff0000 --ctmask 0xffff0000');
    assert.equal(approx.outcome, 'approximated');
    assert.ok(approx.diagnostics.some((d) => d.code === 'connmark-mask-approximated' && d.message.includes('0xffff ')));
    assert.deepEqual(body('-t mangle -A P -j CONNMARK --set-xmark 0x16/0x12'), ['counter ct mark set ct mark and 0xffffffed xor 0x16']);
  });

  it('CHECKSUM is unsupported with the reference comment line and an explanation at the target', () => {
    const t = tx('-t mangle -A POSTROUTING -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill');
    assert.equal(t.outcome, 'unsupported');
    assert.deepEqual(t.lines, ['nft # -t mangle -A POSTROUTING -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill ']);
    const d = t.diagnostics.find((x) => x.code === 'checksum-fill-unsupported')!;
    assert.equal(d.range.start.character, '-t mangle -A POSTROUTING -p udp -m udp --dport 68 -j '.length);
  });

  it('comments with double quotes become valid nft strings; backslashes stay', () => {
    const t = tx('-A X -m comment --comment "has \\"quotes\\" and \\\\ back" -j ACCEPT');
    assert.equal(t.lines[0], `nft 'add rule ip filter X counter accept comment "has 'quotes' and \\ back"'`);
    assert.ok(t.diagnostics.some((d) => d.code === 'comment-quote-replaced' && d.severity === 'information'));
    assert.equal(t.outcome, 'translated');
  });

  it('chain names longer than 28 characters are fine', () => {
    const long = 'neutron-meter-l-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b';
    assert.deepEqual(tx(`-A ${long} -s 10.0.0.0/24 -j ${long}x`).lines, [`nft 'add rule ip filter ${long} ip saddr 10.0.0.0/24 counter jump ${long}x'`]);
  });

  it('-m set without an ipset dump declares an empty set of the inferred type (warning), with a dump declares it filled', () => {
    const t = tx('-A X -m set --match-set S src,dst -j DROP');
    assert.deepEqual(t.lines, [`nft 'add set ip filter S { type ipv4_addr . ipv4_addr; flags interval; }'`, `nft 'add rule ip filter X ip saddr . ip daddr @S counter drop'`]);
    assert.equal(t.outcome, 'approximated');
    const withDump = translateCommandLine('-A X -m set ! --match-set P dst,dst -j ACCEPT', 'iptables', {
      ipsets: [{ name: 'P', type: 'hash:ip,port', family: 'inet', options: {}, elements: [{ parts: ['10.0.0.1', 'udp:53'], options: [] }] }],
    });
    assert.deepEqual(withDump.lines, [
      `nft 'add set ip filter P { type ipv4_addr . inet_proto . inet_service; elements = { 10.0.0.1 . udp . 53 }; }'`,
      `nft 'add rule ip filter X ip daddr . meta l4proto . th dport != @P counter accept'`,
    ]);
  });

  it('physdev: unsupported with the bridge-family alternative named', () => {
    const t = tx('-A FORWARD -m physdev --physdev-out tap1 --physdev-is-bridged -j sg');
    assert.equal(t.outcome, 'unsupported');
    const d = t.diagnostics.find((x) => x.code === 'physdev-unsupported')!;
    assert.match(d.message, /bridge-family table/);
    assert.match(d.message, /oifname "tap1"/);
  });

  it('keeps -I positions (0-based nft index) and translates -P / -E the reference refuses', () => {
    assert.deepEqual(tx('-I INPUT 3 -j ACCEPT').lines, ["nft 'insert rule ip filter INPUT index 2 counter accept'"]);
    assert.deepEqual(tx('-P FORWARD DROP').lines, ["nft 'add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }'"]);
    assert.deepEqual(tx('-E old new').lines, ['nft rename chain ip filter old new']);
  });

  it('reports invalid values at the option and never throws on garbage', () => {
    const t = tx('-A X -p tcp --dport 99999 -j ACCEPT');
    assert.equal(t.outcome, 'unsupported');
    assert.equal(t.diagnostics[0]!.code, 'invalid-value');
    for (const junk of ['', '"', '-A', '-A X -m', '-A X -j', '\u0000\u0001', '-A X -p tcp --dport', '-A X ! ! -s 1.2.3.4', '-t nat -A X -j SNAT --to-source 1.2.3.4:99999']) {
      assert.doesNotThrow(() => tx(junk), junk);
    }
  });

  it('ebtables: user-chain policy becomes a final rule; arptables header defaults', () => {
    const eb = convertFiles([{ file: parseIptablesSave('*nat\n:PREROUTING ACCEPT\n:neutronARP-tap1 DROP\n-A PREROUTING -p ARP -i tap1 -j neutronARP-tap1\n-A neutronARP-tap1 -p ARP --arp-ip-src 10.0.0.5 -j ACCEPT\n', { dialect: 'ebtables' }) }]);
    assert.match(eb.output, /chain neutronARP-tap1 \{\n\t\tether type 0x806 arp saddr ip 10\.0\.0\.5 counter accept\n\t\tcounter drop comment "policy DROP of ebtables chain neutronARP-tap1"\n\t\}/);
    assert.match(eb.output, /iifname "tap1" ether type 0x806 counter jump neutronARP-tap1/);
    assert.ok(eb.rules.every((o) => o.outcome === 'translated'));
    assert.deepEqual(body('-A OUTPUT -d 10.0.0.1 -j ACCEPT', 'arptables'), ['arp htype 1 arp hlen 6 arp plen 4 arp daddr ip 10.0.0.1 counter accept']);
  });

  it('ebtables --among-src: a MAC set, or MAC . IP pairs (approximated for ARP and non-IPv4 frames)', () => {
    assert.deepEqual(body('-t nat -A M -i tap1 --among-src fa:16:3e:11:22:33,fa:16:3e:11:22:34 -j RETURN', 'ebtables'), ['iifname "tap1" ether saddr { fa:16:3e:11:22:33, fa:16:3e:11:22:34 } counter return']);
    const pairs = tx('-t nat -A M --among-src fa:16:3e:11:22:33=10.0.0.5 -j RETURN', 'ebtables');
    assert.equal(pairs.outcome, 'approximated');
    assert.match(pairs.lines[0]!, /ether saddr \. ip saddr \{ fa:16:3e:11:22:33 \. 10\.0\.0\.5 \} counter return/);
  });

  it('file mode: a jump to an undeclared chain is unsupported; declared chains of any length work', () => {
    const r = convertFiles([{ file: parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOWHERE\nCOMMIT\n') }]);
    assert.equal(r.rules[0]!.outcome, 'unsupported');
    assert.equal(r.diagnostics[0]!.code, 'unknown-target');
  });

  it('source ranges: every statement of a translated rule remembers the option it came from', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n';
    const r = convertFiles([{ file: parseIptablesSave(text) }]);
    const table = r.nft.items[0]!;
    assert.ok(table.kind === 'table');
    const chain = table.items.find((i) => i.kind === 'chain')!;
    assert.ok(chain.kind === 'chain');
    const rule = chain.rules[0]!;
    assert.ok(rule.kind === 'rule');
    const line = text.split('\n')[2]!;
    const origins = rule.stmts.filter((s) => s.origin).map((s) => line.slice(s.origin!.start.character, s.origin!.end.character));
    assert.deepEqual(origins, ['-s 10.0.0.0/8', '--dport 22', '-j ACCEPT']);
    assert.equal(r.rules[0]!.output!.start.line, 3);
  });
});
