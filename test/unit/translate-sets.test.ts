/** ipset dumps → nft set declarations and -m set selectors. */
import { strict as assert } from 'node:assert';
import { parseIpset } from '../../src/convert/ipset';
import { parseIptablesSave } from '../../src/convert/iptables';
import { convertDumps, streamLargeDump } from '../../src/convert/translate/chunked';
import { translateCommandLine } from '../../src/convert/translate/command';
import { convertFiles } from '../../src/convert/translate/convert';
import { InputFacts } from '../../src/convert/translate/prescan';
import { ipsetsFromFile, setDeclOf } from '../../src/convert/translate/sets';
import { printCommand } from '../../src/convert/nft/printer';

const sets = (text: string) => ipsetsFromFile(parseIpset(text));
const decl = (text: string, name: string) => {
  const info = sets(text).find((s) => s.name === name)!;
  const { decl, problems } = setDeclOf(info);
  return { text: decl ? printCommand({ kind: 'command', verb: 'add', object: 'set', family: 'ip', table: 't', name, decl }) : undefined, problems };
};

describe('ipset → nft sets', () => {
  it('replays create/add/del/flush/swap/rename/destroy', () => {
    const s = sets(
      [
        'create A hash:net family inet', 'add A 10.0.0.0/8', 'add A 192.168.0.0/16', 'del A 10.0.0.0/8',
        'create B hash:ip family inet', 'add B 1.1.1.1',
        'swap A B', 'create C hash:ip', 'rename C D', 'create E hash:ip', 'destroy E', 'create F hash:ip', 'add F 2.2.2.2', 'flush F',
      ].join('\n') + '\n',
    );
    const by = Object.fromEntries(s.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(by).sort(), ['A', 'B', 'D', 'F']);
    assert.equal(by.A!.type, 'hash:ip');
    assert.deepEqual(by.A!.elements.map((e) => e.parts), [['1.1.1.1']]);
    assert.deepEqual(by.B!.elements.map((e) => e.parts), [['192.168.0.0/16']]);
    assert.equal(by.F!.elements.length, 0);
  });

  it('maps types to nft types, with interval flags for networks', () => {
    assert.equal(decl('create S hash:net family inet6\nadd S fd00::/64\n', 'S').text, 'add set ip t S { type ipv6_addr; flags interval; auto-merge; elements = { fd00::/64 }; }');
    assert.equal(decl('create S hash:ip,port\nadd S 10.0.0.1,tcp:80\nadd S 10.0.0.2,53\n', 'S').text, 'add set ip t S { type ipv4_addr . inet_proto . inet_service; elements = { 10.0.0.1 . tcp . 80, 10.0.0.2 . tcp . 53 }; }');
    assert.equal(decl('create S hash:net,iface\nadd S 10.0.0.0/8,eth0\n', 'S').text, 'add set ip t S { type ipv4_addr . ifname; flags interval; elements = { 10.0.0.0/8 . "eth0" }; }');
    assert.equal(decl('create S hash:mac\nadd S fa:16:3e:00:00:01\n', 'S').text, 'add set ip t S { type ether_addr; elements = { fa:16:3e:00:00:01 }; }');
    assert.equal(decl('create S bitmap:port range 1-1024\nadd S 22\n', 'S').text, 'add set ip t S { type inet_service; elements = { 22 }; }');
    assert.equal(decl('create S hash:ip timeout 60\nadd S 1.2.3.4 timeout 30\n', 'S').text, 'add set ip t S { type ipv4_addr; flags timeout; timeout 60s; elements = { 1.2.3.4 timeout 30s }; }');
  });

  it('drops nomatch elements with a stated reason and refuses list:set', () => {
    const r = decl('create S hash:net\nadd S 10.0.0.0/8\nadd S 10.1.0.0/16 nomatch\n', 'S');
    assert.match(r.problems.join(' '), /1 nomatch element/);
    assert.deepEqual(decl('create L list:set\n', 'L').text, undefined);
    const t = translateCommandLine('-A X -m set --match-set L src -j DROP', 'iptables', { ipsets: sets('create L list:set\n') });
    assert.equal(t.outcome, 'unsupported');
    assert.equal(t.diagnostics[0]!.code, 'ipset-unsupported-type');
  });

  it('refuses an IPv6 set in an IPv4 rule', () => {
    const t = translateCommandLine('-A X -m set --match-set S src -j DROP', 'iptables', { ipsets: sets('create S hash:net family inet6\n') });
    assert.equal(t.outcome, 'unsupported');
    assert.equal(t.diagnostics[0]!.code, 'ipset-type-mismatch');
  });
});

describe('ipset names nft cannot read', () => {
  it('are replaced in the declaration and every use, with a note at each use', () => {
    const dump = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set log src -j DROP\n-A INPUT -j SET --add-set log src\n-A INPUT -m set --match-set a:b dst -j DROP\nCOMMIT\n';
    const r = convertFiles([{ file: parseIptablesSave(dump), name: 'd' }], { style: 'script', ipsets: sets('create log hash:ip family inet\nadd log 10.0.0.1\ncreate a:b hash:net family inet\nadd a:b 10.1.0.0/16\n') });
    assert.deepEqual(r.output.split('\n').filter((l) => /^add (set|element|rule)/.test(l)), [
      'add set ip filter log_ { type ipv4_addr; flags dynamic; }',
      'add element ip filter log_ { 10.0.0.1 }',
      'add set ip filter a_b { type ipv4_addr; flags interval; auto-merge; }',
      'add element ip filter a_b { 10.1.0.0/16 }',
      'add rule ip filter INPUT ip saddr @log_ counter drop',
      'add rule ip filter INPUT counter add @log_ { ip saddr }',
      'add rule ip filter INPUT ip daddr @a_b counter drop',
    ]);
    assert.deepEqual(r.diagnostics.map((d) => `${d.range.start.line} ${d.code} ${d.data?.['nftName']}`), ['2 set-renamed log_', '3 set-renamed log_', '4 set-renamed a_b']);
  });
});

describe('SET target → add/update/delete @set', () => {
  const IPSETS = 'create knock hash:ip family inet hashsize 1024 maxelem 65536 timeout 60\ncreate seen hash:ip,port family inet\ncreate plain hash:ip family inet\ncreate nets hash:net family inet\nadd nets 10.0.0.0/8\n';
  const one = (args: string, ipsetText = IPSETS) => {
    const t = translateCommandLine(args, 'iptables', { ipsets: sets(ipsetText) });
    // (the set's declaration comes first: `nft 'add set ...'`)
    return { ...t, text: t.lines.at(-1) };
  };

  it('adds, updates (--exist) and deletes the key its flags name, with --timeout; the packet goes on', () => {
    assert.equal(one('-A INPUT -p udp --dport 7000 -j SET --add-set knock src --timeout 30').text, "nft 'add rule ip filter INPUT udp dport 7000 counter add @knock { ip saddr timeout 30s }'");
    assert.equal(one('-A INPUT -j SET --add-set knock src --exist').text, "nft 'add rule ip filter INPUT counter update @knock { ip saddr }'");
    assert.equal(one('-A INPUT -j SET --del-set knock src').text, "nft 'add rule ip filter INPUT counter delete @knock { ip saddr }'");
    assert.equal(one('-A INPUT -j SET --add-set knock src').lines[0], "nft 'add set ip filter knock { type ipv4_addr; flags dynamic,timeout; timeout 60s; }'");
    const port = one('-A INPUT -p tcp -j SET --add-set seen src,dst');
    assert.equal(port.text, "nft 'add rule ip filter INPUT ip protocol tcp counter add @seen { ip saddr . meta l4proto . th dport }'");
    assert.equal(port.outcome, 'translated');
    const v6 = translateCommandLine('-A INPUT -j SET --add-set seen6 dst', 'ip6tables', {});
    assert.equal(v6.lines[0], "nft 'add set ip6 filter seen6 { type ipv6_addr; flags dynamic,timeout; }'");
    assert.equal(v6.lines[1], "nft 'add rule ip6 filter INPUT counter add @seen6 { ip6 daddr }'");
    assert.equal(v6.outcome, 'approximated');
    assert.deepEqual(v6.diagnostics.map((d) => d.code), ['ipset-not-found']);
  });

  it('says what it cannot do: --map-set, interval sets, --timeout on a set without timeouts', () => {
    const map = one('-A INPUT -j SET --map-set knock src --map-mark');
    assert.equal(map.outcome, 'unsupported');
    assert.match(map.diagnostics[0]!.message, /skbinfo/);
    const nets = one('-A INPUT -j SET --add-set nets src');
    assert.equal(nets.outcome, 'unsupported');
    assert.match(nets.diagnostics[0]!.message, /intervals/);
    const t = one('-A INPUT -j SET --add-set plain src --timeout 30');
    assert.equal(t.outcome, 'approximated');
    assert.equal(t.text, "nft 'add rule ip filter INPUT counter add @plain { ip saddr }'");
    assert.deepEqual(t.diagnostics.map((d) => d.code), ['target-option-dropped']);
    assert.equal(one('-A INPUT -j SET --add-set knock src --del-set knock src').outcome, 'unsupported');
    assert.equal(one('-A INPUT -j SET --add-set knock up').outcome, 'unsupported');
  });

  it('a set that rules update is declared dynamic wherever its match comes, in every conversion path', () => {
    const dump = (first: string, second: string) => `*filter\n:INPUT ACCEPT [0:0]\n${first}\n${second}\nCOMMIT\n`;
    const match = '-A INPUT -m set --match-set portscan src -j DROP';
    const record = '-A INPUT -p tcp --dport 23 -j SET --add-set portscan src --timeout 3600 --exist';
    const declaration = /set portscan \{\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\}/;
    for (const text of [dump(match, record), dump(record, match)]) {
      assert.deepEqual([...new InputFacts().noteText(text, 'iptables').updatedSets], ['portscan']);
      const whole = convertFiles([{ file: parseIptablesSave(text), name: 'd' }], { style: 'ruleset' });
      assert.match(whole.output, declaration);
      assert.match(whole.output, /ip saddr @portscan counter drop\n\t\ttcp dport 23 counter update @portscan \{ ip saddr timeout 3600s \}|tcp dport 23 counter update @portscan \{ ip saddr timeout 3600s \}\n\t\tip saddr @portscan counter drop/);
      assert.equal(convertDumps([{ text, dialect: 'iptables', name: 'd' }], { style: 'ruleset' }).result.output, whole.output);
      let streamed = '';
      streamLargeDump(text, 'iptables', { style: 'script' }, { out: (t) => (streamed += t), diagnostics: () => undefined }, 'd');
      assert.match(streamed, /^add set ip filter portscan \{ type ipv4_addr; flags dynamic,timeout; \}$/m);
    }
    // From an ipset dump: a hash:ip set keeps its options and becomes dynamic
    const withDump = convertFiles([{ file: parseIptablesSave(dump('-A INPUT -m set --match-set knock src -j ACCEPT', '-A INPUT -j SET --add-set knock src')), name: 'd' }], { style: 'script', ipsets: sets(IPSETS) });
    assert.match(withDump.output, /^add set ip filter knock \{ type ipv4_addr; flags dynamic,timeout; timeout 60s; \}$/m);
  });
});
