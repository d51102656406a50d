/** REJECT: `reject [with icmp|icmpv6 type X | with tcp reset]`. */
import { arg, ModuleOptions, optRange, type TargetTranslator } from '../context';
import { raw } from '../nft-build';

const V4: Record<string, string> = {
  'icmp-net-unreachable': 'net-unreachable', 'net-unreach': 'net-unreachable',
  'icmp-host-unreachable': 'host-unreachable', 'host-unreach': 'host-unreachable',
  'icmp-proto-unreachable': 'prot-unreachable', 'proto-unreach': 'prot-unreachable',
  'icmp-port-unreachable': '', 'port-unreach': '',
  'icmp-net-prohibited': 'net-prohibited', 'net-prohib': 'net-prohibited',
  'icmp-host-prohibited': 'host-prohibited', 'host-prohib': 'host-prohibited',
  'icmp-admin-prohibited': 'admin-prohibited', 'admin-prohib': 'admin-prohibited',
};
const V6: Record<string, string> = {
  'icmp6-no-route': 'no-route', 'no-route': 'no-route',
  'icmp6-adm-prohibited': 'admin-prohibited', 'adm-prohibited': 'admin-prohibited',
  'icmp6-addr-unreachable': 'addr-unreachable', 'addr-unreach': 'addr-unreachable',
  'icmp6-port-unreachable': '', 'port-unreach': '',
  'icmp6-policy-fail': 'policy-fail', 'policy-fail': 'policy-fail',
  'icmp6-reject-route': 'reject-route', 'reject-route': 'reject-route',
};

export const REJECT: TargetTranslator = {
  names: ['REJECT'],
  families: ['ip', 'ip6', 'inet'],
  translate(t, ctx) {
    const o = new ModuleOptions('REJECT', t.options, ctx, 'target');
    const w = o.take('reject-with');
    o.done();
    if (!w) return [raw('reject', t.range)];
    const v = arg(w).toLowerCase();
    if (v === 'tcp-reset' || v === 'tcp-rst') return [raw('reject with tcp reset', optRange(w))];
    const v6 = ctx.l3 === 'ip6';
    const table = v6 ? V6 : V4;
    const name = table[v];
    if (name === undefined) {
      ctx.unsupported(w.range, 'invalid-value', `'${arg(w)}' is not a --reject-with type of ${v6 ? 'ip6tables' : 'iptables'}`);
      return [];
    }
    return [raw(name ? `reject with ${v6 ? 'icmpv6' : 'icmp'} type ${name}` : 'reject', optRange(w))];
  },
};
