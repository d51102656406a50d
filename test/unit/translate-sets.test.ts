/** ipset dumps → nft set declarations and -m set selectors. */
import { strict as assert } from 'node:assert';
import { parseIpset } from '../../src/convert/ipset';
import { translateCommandLine } from '../../src/convert/translate/command';
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
