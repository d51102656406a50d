/** -m icmp / -m icmp6: types by name or number, with codes (`8/0`), as nft names them. */
import type { MatchNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { raw } from '../nft-build';
import { parseUint } from '../values';

interface IcmpName {
  readonly name: string;
  readonly type: number;
  readonly codeMin: number;
  readonly codeMax: number;
}

function table(rows: [string, number, number, number][]): IcmpName[] {
  return rows.map(([name, type, codeMin, codeMax]) => ({ name, type, codeMin, codeMax }));
}

/** iptables' names (libxt_icmp.h). */
export const ICMP_NAMES = table([
  ['any', 0xff, 0, 0xff], ['echo-reply', 0, 0, 0xff], ['pong', 0, 0, 0xff], ['destination-unreachable', 3, 0, 0xff],
  ['network-unreachable', 3, 0, 0], ['host-unreachable', 3, 1, 1], ['protocol-unreachable', 3, 2, 2], ['port-unreachable', 3, 3, 3],
  ['fragmentation-needed', 3, 4, 4], ['source-route-failed', 3, 5, 5], ['network-unknown', 3, 6, 6], ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9], ['host-prohibited', 3, 10, 10], ['tos-network-unreachable', 3, 11, 11],
  ['tos-host-unreachable', 3, 12, 12], ['communication-prohibited', 3, 13, 13], ['host-precedence-violation', 3, 14, 14],
  ['precedence-cutoff', 3, 15, 15], ['source-quench', 4, 0, 0xff], ['redirect', 5, 0, 0xff], ['network-redirect', 5, 0, 0],
  ['host-redirect', 5, 1, 1], ['tos-network-redirect', 5, 2, 2], ['tos-host-redirect', 5, 3, 3], ['echo-request', 8, 0, 0xff],
  ['ping', 8, 0, 0xff], ['router-advertisement', 9, 0, 0xff], ['router-solicitation', 10, 0, 0xff], ['time-exceeded', 11, 0, 0xff],
  ['ttl-exceeded', 11, 0, 0xff], ['ttl-zero-during-transit', 11, 0, 0], ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff], ['ip-header-bad', 12, 0, 0], ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff], ['timestamp-reply', 14, 0, 0xff], ['address-mask-request', 17, 0, 0xff],
  ['address-mask-reply', 18, 0, 0xff],
]);

export const ICMPV6_NAMES = table([
  ['destination-unreachable', 1, 0, 0xff], ['no-route', 1, 0, 0], ['communication-prohibited', 1, 1, 1], ['beyond-scope', 1, 2, 2],
  ['address-unreachable', 1, 3, 3], ['port-unreachable', 1, 4, 4], ['failed-policy', 1, 5, 5], ['reject-route', 1, 6, 6],
  ['packet-too-big', 2, 0, 0xff], ['time-exceeded', 3, 0, 0xff], ['ttl-exceeded', 3, 0, 0xff], ['ttl-zero-during-transit', 3, 0, 0],
  ['ttl-zero-during-reassembly', 3, 1, 1], ['parameter-problem', 4, 0, 0xff], ['bad-header', 4, 0, 0], ['unknown-header-type', 4, 1, 1],
  ['unknown-option', 4, 2, 2], ['echo-request', 128, 0, 0xff], ['ping', 128, 0, 0xff], ['echo-reply', 129, 0, 0xff], ['pong', 129, 0, 0xff],
  ['mld-listener-query', 130, 0, 0xff], ['mld-listener-report', 131, 0, 0xff], ['mld-listener-done', 132, 0, 0xff],
  ['mld-listener-reduction', 132, 0, 0xff], ['router-solicitation', 133, 0, 0xff], ['router-advertisement', 134, 0, 0xff],
  ['neighbour-solicitation', 135, 0, 0xff], ['neighbor-solicitation', 135, 0, 0xff], ['neighbour-advertisement', 136, 0, 0xff],
  ['neighbor-advertisement', 136, 0, 0xff], ['redirect', 137, 0, 0xff],
]);

/** nft's own type names (nftables src/proto.c). */
const NFT_ICMP: Record<number, string> = {
  0: 'echo-reply', 3: 'destination-unreachable', 4: 'source-quench', 5: 'redirect', 8: 'echo-request', 9: 'router-advertisement',
  10: 'router-solicitation', 11: 'time-exceeded', 12: 'parameter-problem', 13: 'timestamp-request', 14: 'timestamp-reply',
  15: 'info-request', 16: 'info-reply', 17: 'address-mask-request', 18: 'address-mask-reply',
};
const NFT_ICMPV6: Record<number, string> = {
  1: 'destination-unreachable', 2: 'packet-too-big', 3: 'time-exceeded', 4: 'parameter-problem', 128: 'echo-request',
  129: 'echo-reply', 130: 'mld-listener-query', 131: 'mld-listener-report', 132: 'mld-listener-done', 133: 'nd-router-solicit',
  134: 'nd-router-advert', 135: 'nd-neighbor-solicit', 136: 'nd-neighbor-advert', 137: 'nd-redirect', 138: 'router-renumbering',
  141: 'ind-neighbor-solicit', 142: 'ind-neighbor-advert', 143: 'mld2-listener-report',
};

interface IcmpSpec {
  type: number;
  codeMin: number;
  codeMax: number;
}

export function parseIcmpSpec(text: string, names: IcmpName[]): IcmpSpec | undefined {
  const l = text.toLowerCase();
  const n = names.find((x) => x.name === l);
  if (n) return { type: n.type, codeMin: n.codeMin, codeMax: n.codeMax };
  const [t, c] = text.split('/');
  const type = parseUint(t ?? '', 255);
  if (type === undefined) return undefined;
  if (c === undefined) return { type, codeMin: 0, codeMax: 0xff };
  const code = parseUint(c, 255);
  if (code === undefined) return undefined;
  return { type, codeMin: code, codeMax: code };
}

/** The reference's name for a whole type (it refuses types with a code); nft's names beyond that. */
function typeName(v6: boolean, spec: IcmpSpec): string {
  if (v6) {
    if (spec.type >= 133 && spec.type <= 137) return NFT_ICMPV6[spec.type]!;
    const n = ICMPV6_NAMES.find((x) => x.type === spec.type && x.codeMin === 0 && x.codeMax === 0xff);
    return n?.name ?? NFT_ICMPV6[spec.type] ?? String(spec.type);
  }
  const n = ICMP_NAMES.find((x) => x.type === spec.type && x.codeMin === 0 && x.codeMax === 0xff && x.type !== 0xff);
  return n?.name ?? NFT_ICMP[spec.type] ?? String(spec.type);
}

function icmpMatch(v6: boolean): MatchTranslator {
  const module = v6 ? 'icmp6' : 'icmp';
  const proto = v6 ? 'icmpv6' : 'icmp';
  return {
    names: [module],
    translate(m: MatchNode, ctx: RuleContext): Stmt[] {
      const o = new ModuleOptions(module, m.options, ctx);
      const t = o.take(v6 ? 'icmpv6-type' : 'icmp-type');
      o.done();
      if (!t) return [raw(v6 ? 'meta l4proto ipv6-icmp' : 'ip protocol icmp', m.range)];
      const spec = parseIcmpSpec(arg(t), v6 ? ICMPV6_NAMES : ICMP_NAMES);
      if (!spec) {
        ctx.unsupported(t.range, 'invalid-value', `'${arg(t)}' is not an ${v6 ? 'ICMPv6' : 'ICMP'} type`);
        return [];
      }
      const origin = optRange(t);
      if (!v6 && spec.type === 0xff) return [raw('ip protocol icmp', origin)];
      const name = typeName(v6, spec);
      if (spec.codeMin === 0 && spec.codeMax === 0xff) return [raw(`${proto} type ${t.negated ? '!= ' : ''}${name}`, origin)];
      if (t.negated) return [raw(`${proto} type . ${proto} code != ${name} . ${spec.codeMin}`, origin)];
      return [raw(`${proto} type ${name}`, origin), raw(`${proto} code ${spec.codeMin}`, origin)];
    },
  };
}

export const icmp = icmpMatch(false);
export const icmp6 = icmpMatch(true);
