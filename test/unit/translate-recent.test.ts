/** -m recent → dynamic nft sets, one per age the list's tests ask for (matches/recent.ts). */
import { strict as assert } from 'node:assert';
import { parseIptablesSave } from '../../src/convert/iptables';
import { convertDumps, streamLargeDump } from '../../src/convert/translate/chunked';
import { translateCommandLine } from '../../src/convert/translate/command';
import { convertFiles } from '../../src/convert/translate/convert';

const KNOCK = [
  '*filter',
  ':INPUT DROP [0:0]',
  '-A INPUT -p udp -m udp --dport 7000 -m recent --set --name KNOCK --rsource',
  '-A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --seconds 30 --name KNOCK -j ACCEPT',
  '-A INPUT -p tcp -m tcp --dport 2222 -m recent --update --seconds 300 --name KNOCK -j ACCEPT',
  '-A INPUT -p udp -m udp --dport 7001 -m recent --remove --name KNOCK -j DROP',
  '-A INPUT -s 10.0.0.0/8 -m recent ! --rcheck --seconds 30 --name KNOCK -j LOG',
  '-A INPUT -m recent --rcheck --name BLACK --mask 255.255.255.0 --rdest -j DROP',
  'COMMIT',
  '',
].join('\n');

const convert = (text: string, style: 'ruleset' | 'script' = 'ruleset') => convertFiles([{ file: parseIptablesSave(text), name: 'd' }], { style });

describe('-m recent → dynamic sets', () => {
  it('one set per age the tests ask for, one of any age for --remove; --set refreshes them all, --update after its test', () => {
    const r = convert(KNOCK, 'script');
    const lines = r.output.split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('add set')), [
      'add set ip filter recent_KNOCK { type ipv4_addr; flags dynamic; }',
      'add set ip filter recent_KNOCK_30s { type ipv4_addr; flags dynamic,timeout; timeout 30s; }',
      'add set ip filter recent_KNOCK_300s { type ipv4_addr; flags dynamic,timeout; timeout 300s; }',
      'add set ip filter recent_BLACK { type ipv4_addr; flags dynamic; }',
    ]);
    const every = (verb: string) => ['recent_KNOCK', 'recent_KNOCK_30s', 'recent_KNOCK_300s'].map((s) => `${verb} @${s} { ip saddr }`).join(' ');
    assert.deepEqual(lines.filter((l) => l.startsWith('add rule')), [
      `add rule ip filter INPUT udp dport 7000 ${every('update')} counter`,
      'add rule ip filter INPUT tcp dport 22 ip saddr @recent_KNOCK_30s counter accept',
      `add rule ip filter INPUT tcp dport 2222 ip saddr @recent_KNOCK_300s ${every('update')} counter accept`,
      `add rule ip filter INPUT udp dport 7001 ip saddr @recent_KNOCK ${every('delete')} counter drop`,
      'add rule ip filter INPUT ip saddr 10.0.0.0/8 ip saddr != @recent_KNOCK_30s counter log',
      'add rule ip filter INPUT ip daddr and 255.255.255.0 @recent_BLACK counter drop',
    ]);
    assert.deepEqual(r.rules.map((o) => o.outcome), ['translated', 'translated', 'translated', 'translated', 'translated', 'translated']);
    // where the list is fed, a note says where it went (once, not on every test)
    assert.deepEqual(r.diagnostics.map((d) => `${d.range.start.line} ${d.severity} ${d.code}`), ['2 information recent-as-sets']);
    assert.match(r.diagnostics[0]!.message, /recent list KNOCK is kept in nft sets recent_KNOCK, recent_KNOCK_30s, recent_KNOCK_300s: .*\/proc\/net\/xt_recent\/KNOCK/);
  });

  it('the same sets whichever rule comes first and however the dump is converted', () => {
    const lines = KNOCK.split('\n');
    const reversed = [...lines.slice(0, 2), ...lines.slice(2, 8).reverse(), ...lines.slice(8)].join('\n');
    const decls = (out: string) => out.split('\n').filter((l) => l.startsWith('add set')).sort();
    const expected = decls(convert(KNOCK, 'script').output);
    assert.deepEqual(decls(convert(reversed, 'script').output), expected);
    assert.equal(convertDumps([{ text: reversed, dialect: 'iptables', name: 'd' }], { style: 'ruleset' }).result.output, convert(reversed).output);
    let streamed = '';
    streamLargeDump(reversed, 'iptables', { style: 'script' }, { out: (t) => (streamed += t), diagnostics: () => undefined }, 'd');
    assert.deepEqual(decls(streamed), expected);
  });

  it('--hitcount with --seconds becomes a per-address rate limit; refuses what sets cannot do: --hitcount alone, --rttl, inverted side effects, a list in two tables', () => {
    const one = (args: string) => translateCommandLine(args, 'iptables', {});
    const hit = one('-A INPUT -m recent --update --seconds 60 --hitcount 4 --name SSH -j DROP');
    assert.equal(hit.outcome, 'approximated');
    assert.deepEqual(hit.lines, [
      "nft 'add set ip filter recent_SSH_4in60s { type ipv4_addr; flags dynamic,timeout; timeout 60s; }'",
      "nft 'add rule ip filter INPUT update @recent_SSH_4in60s { ip saddr limit rate over 3/minute burst 3 packets } counter drop'",
    ]);
    assert.match(hit.diagnostics[0]!.message, /one packet per 20 s gets through/);
    assert.match(one('-A INPUT -m recent --rcheck --seconds 30 --hitcount 5 --name SSH -j DROP').lines.at(-1)!, /limit rate over 8\/minute burst 4 packets/);
    assert.equal(one('-A INPUT -m recent --update --hitcount 4 --name SSH -j DROP').outcome, 'unsupported');
    assert.equal(one('-A INPUT -m recent --rcheck --seconds 60 --hitcount 1 --name SSH -j DROP').outcome, 'translated');
    assert.equal(one('-A INPUT -m recent --rcheck --rttl --name SSH -j DROP').outcome, 'unsupported');
    assert.equal(one('-A INPUT -m recent ! --update --seconds 9 --name SSH -j DROP').outcome, 'unsupported');
    const two = convert('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m recent --set --name X\nCOMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m recent --rcheck --name X -j MARK --set-mark 1\nCOMMIT\n');
    assert.deepEqual(two.rules.map((o) => o.outcome), ['unsupported', 'unsupported']);
    assert.match(two.diagnostics[0]!.message, /used in tables filter and mangle/);
  });

  it('IPv6 lists: ip6 addresses; merged into inet tables, kept apart from the IPv4 list of the same name', () => {
    const v4 = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m recent --set --name L\n-A INPUT -m recent --rcheck --seconds 5 --name L -j DROP\nCOMMIT\n';
    const v6 = parseIptablesSave(v4, { dialect: 'ip6tables' });
    const alone = convertFiles([{ file: v6, name: 'v6' }], { style: 'script' });
    assert.match(alone.output, /^add set ip6 filter recent_L_5s \{ type ipv6_addr; flags dynamic,timeout; timeout 5s; \}$/m);
    assert.match(alone.output, /ip6 saddr @recent_L_5s counter drop/);
    const merged = convertFiles([{ file: parseIptablesSave(v4), name: 'v4' }, { file: v6, name: 'v6' }], { style: 'script', merge: 'inet' });
    assert.match(merged.output, /^add set inet filter recent_L_5s \{ type ipv4_addr; /m);
    // (the merge renames the IPv6 table's set that clashes with the IPv4 one)
    assert.match(merged.output, /^add set inet filter recent_L_5s_ip6 \{ type ipv6_addr; /m);
    assert.match(merged.output, /ip6 saddr @recent_L_5s_ip6 counter drop/);
  });
});
