/**
 * ebtables matches and watchers, loaded by their options (--ip-src, --vlan-id, --log...):
 * ip, ip6, vlan, arp, limit, log, nflog.
 */
import type { OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { parseEtherType } from '../core';
import { raw } from '../nft-build';
import { formatIPv4, formatIPv6, maskToCidr4, maskToCidr6, parseIPv4Net, parseIPv6Net, parsePortRange, parseUint, protocolName, protocolNumber, rangeText, formatMac, parseMac } from '../values';
import { ICMP_NAMES, ICMPV6_NAMES } from './icmp';
import { limitStmt } from './limit';

function neg(o: OptionNode): string {
  return o.negated ? '!= ' : '';
}

function bad(o: OptionNode, ctx: RuleContext, what: string): Stmt[] {
  ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not ${what}`);
  return [];
}

const PORT_PROTOS: Record<number, string> = { 6: 'tcp', 17: 'udp', 136: 'udplite', 132: 'sctp', 33: 'dccp' };

function v4(t: string): string | undefined {
  const a = parseIPv4Net(t);
  if (!a) return undefined;
  const c = maskToCidr4(a.mask);
  return formatIPv4(a.addr) + (c === 32 ? '' : c === -1 ? `/${formatIPv4(a.mask)}` : `/${c}`);
}

function v6(t: string): string | undefined {
  const a = parseIPv6Net(t);
  if (!a) return undefined;
  const c = maskToCidr6(a.mask);
  return formatIPv6(a.addr) + (c === 128 ? '' : c === -1 ? `/${formatIPv6(a.mask)}` : `/${c}`);
}

/** `type[:type][/code[:code]]` or a name. */
function icmpRange(t: string, v6names: boolean): { types: [number, number]; codes: [number, number] } | undefined {
  const names = v6names ? ICMPV6_NAMES : ICMP_NAMES;
  const n = names.find((x) => x.name === t.toLowerCase());
  if (n) return { types: [n.type, n.type], codes: [n.codeMin, n.codeMax] };
  const [tp, cd] = t.split('/');
  const r = (s: string): [number, number] | undefined => {
    const [a, b] = s.split(':');
    const lo = parseUint(a ?? '', 255);
    const hi = b === undefined ? lo : parseUint(b, 255);
    return lo === undefined || hi === undefined ? undefined : [lo, hi];
  };
  const types = r(tp ?? '');
  const codes = cd === undefined ? ([0, 255] as [number, number]) : r(cd);
  return types && codes ? { types, codes } : undefined;
}

function icmpStmts(proto: 'icmp' | 'icmpv6', o: OptionNode, ctx: RuleContext): Stmt[] {
  const r = icmpRange(arg(o), proto === 'icmpv6');
  if (!r) return bad(o, ctx, `an ${proto} type`);
  const out = [raw(`${proto} type ${neg(o)}${rangeText(r.types[0], r.types[1])}`, optRange(o))];
  if (!(r.codes[0] === 0 && r.codes[1] === 255)) out.push(raw(`${proto} code ${neg(o)}${rangeText(r.codes[0], r.codes[1])}`, optRange(o)));
  return out;
}

function ipLike(v: 4 | 6): MatchTranslator {
  const p = v === 4 ? 'ip' : 'ip6';
  return {
    names: [p],
    families: ['bridge'],
    translate(m, ctx) {
      const o = new ModuleOptions(p, m.options, ctx);
      const src = o.take(`${p}-source`, `${p}-src`);
      const dst = o.take(`${p}-destination`, `${p}-dst`);
      const tos = o.take(v === 4 ? 'ip-tos' : 'ip6-tclass');
      const proto = o.take(`${p}-protocol`, `${p}-proto`);
      const sport = o.take(`${p}-source-port`, `${p}-sport`);
      const dport = o.take(`${p}-destination-port`, `${p}-dport`);
      const icmp = o.take(v === 4 ? 'ip-icmp-type' : 'ip6-icmp-type');
      const igmp = o.take('ip-igmp-type');
      o.done();
      const out: Stmt[] = [];
      const addr = (opt: OptionNode, dir: string) => {
        const a = v === 4 ? v4(arg(opt)) : v6(arg(opt));
        if (a === undefined) return bad(opt, ctx, `an IPv${v} address`);
        out.push(raw(`${p} ${dir} ${neg(opt)}${a}`, optRange(opt)));
        return [];
      };
      const ports = sport || dport || icmp;
      const pnum = proto ? protocolNumber(arg(proto)) : undefined;
      if (proto && pnum === undefined) return bad(proto, ctx, 'a protocol');
      let pname: string | undefined;
      const needEtherType =
        v === 4 ? !(src || dst || icmp || (proto && !(sport || dport || icmp))) : !(src || dst || icmp || tos);
      if (v === 6 && needEtherType) out.push(raw('ether type ip6', m.range));
      if (src) addr(src, 'saddr');
      if (dst) addr(dst, 'daddr');
      if (v === 4 && needEtherType) out.push(raw('ether type ip', m.range));
      if (tos) {
        const t = parseUint(arg(tos), 255);
        if (t === undefined) return bad(tos, ctx, 'a number');
        out.push(raw(v === 4 ? `@nh,8,8 ${neg(tos)}0x${t.toString(16).padStart(2, '0')}` : `ip6 dscp ${neg(tos)}0x${(t & 0x3f).toString(16).padStart(2, '0')}`, optRange(tos)));
      }
      if (proto) {
        if (ports && !proto.negated) pname = PORT_PROTOS[pnum!];
        else out.push(raw(`${v === 4 ? 'ip protocol' : 'meta l4proto'} ${neg(proto)}${protocolName(pnum!) ?? pnum}`, optRange(proto)));
      }
      for (const [opt, dir, raw16] of [[sport, 'sport', '@th,0,16'], [dport, 'dport', '@th,16,16']] as const) {
        if (!opt) continue;
        const r = parsePortRange(arg(opt));
        if (!r) return bad(opt, ctx, 'a port or range');
        out.push(raw(`${pname ? `${pname} ${dir}` : raw16} ${neg(opt)}${rangeText(r[0], r[1])}`, optRange(opt)));
      }
      if (icmp) out.push(...icmpStmts(v === 4 ? 'icmp' : 'icmpv6', icmp, ctx));
      if (igmp) {
        const t = parseUint(arg(igmp), 255);
        if (t === undefined) return bad(igmp, ctx, 'an IGMP type');
        out.push(raw(`igmp type ${neg(igmp)}${t}`, optRange(igmp)));
      }
      return out;
    },
  };
}

export const ebIp = ipLike(4);
export const ebIp6 = ipLike(6);

export const ebVlan: MatchTranslator = {
  names: ['vlan'],
  families: ['bridge'],
  translate(m, ctx) {
    const o = new ModuleOptions('vlan', m.options, ctx);
    const id = o.take('vlan-id');
    const prio = o.take('vlan-prio');
    const encap = o.take('vlan-encap');
    o.done();
    const out: Stmt[] = [];
    if (id) {
      const v = parseUint(arg(id), 4095);
      if (v === undefined) return bad(id, ctx, 'a VLAN id');
      out.push(raw(`vlan id ${neg(id)}${v}`, optRange(id)));
    }
    if (prio) {
      const v = parseUint(arg(prio), 7);
      if (v === undefined) return bad(prio, ctx, 'a priority 0-7');
      out.push(raw(`vlan pcp ${neg(prio)}${v}`, optRange(prio)));
    }
    if (encap) {
      const t = parseEtherType(arg(encap));
      if (t === undefined || t === 'length') return bad(encap, ctx, 'an EtherType');
      out.push(raw(`vlan type ${neg(encap)}0x${t.toString(16).padStart(4, '0')}`, optRange(encap)));
    }
    return out;
  },
};

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const LEVEL_ALIASES: Record<string, string> = { error: 'err', warning: 'warn', panic: 'emerg' };

export function logLevel(t: string): string | undefined {
  const l = t.toLowerCase();
  const n = parseUint(l, 7);
  if (n !== undefined) return LEVELS[n];
  const a = LEVEL_ALIASES[l] ?? l;
  return LEVELS.includes(a) ? a : undefined;
}

export const ebLog: MatchTranslator = {
  names: ['log'],
  families: ['bridge'],
  translate(m, ctx) {
    const o = new ModuleOptions('log', m.options, ctx);
    o.take('log');
    const level = o.take('log-level');
    const prefix = o.take('log-prefix');
    o.takeAll('log-ip', 'log-ip6', 'log-arp');
    o.done();
    const lv = level ? logLevel(arg(level)) : 'notice';
    if (!lv) return bad(level!, ctx, 'a syslog level');
    const parts = ['log'];
    if (prefix) parts.push(`prefix "${arg(prefix).replace(/"/g, "'")}"`);
    parts.push(`level ${lv} flags ether`);
    return [raw(parts.join(' '), m.range)];
  },
};

export const ebNflog: MatchTranslator = {
  names: ['nflog'],
  families: ['bridge'],
  translate(m, ctx) {
    const o = new ModuleOptions('nflog', m.options, ctx);
    o.take('nflog');
    const group = o.take('nflog-group');
    const prefix = o.take('nflog-prefix');
    const range = o.take('nflog-range');
    const threshold = o.take('nflog-threshold');
    o.done();
    const parts = ['log'];
    if (prefix) parts.push(`prefix "${arg(prefix).replace(/"/g, "'")}"`);
    parts.push(`group ${group ? parseUint(arg(group)) ?? 1 : 1}`);
    if (range) parts.push(`snaplen ${parseUint(arg(range)) ?? 0}`);
    if (threshold && parseUint(arg(threshold)) !== 1) parts.push(`queue-threshold ${parseUint(arg(threshold)) ?? 1}`);
    return [raw(parts.join(' '), m.range)];
  },
};

export const ebLimit: MatchTranslator = {
  names: ['limit'],
  families: ['bridge'],
  translate(m, ctx) {
    const o = new ModuleOptions('limit', m.options, ctx);
    const rate = o.take('limit');
    const burst = o.take('limit-burst');
    o.done();
    return limitStmt(rate, burst, ctx, rate ?? burst);
  },
};

const ARP_OPS = ['request', 'reply', 'request_reverse', 'reply_reverse', 'dras_request', 'dras_reply', 'dras_error', 'inarp_request', 'inarp_reply', 'arp_nak'];

/** ebtables --arp-*: the bridge family has arp header selectors. */
export const ebArp: MatchTranslator = {
  names: ['arp'],
  families: ['bridge'],
  translate(m, ctx) {
    const o = new ModuleOptions('arp', m.options, ctx);
    const op = o.take('arp-opcode', 'arp-op');
    const htype = o.take('arp-htype');
    const ptype = o.take('arp-ptype');
    const ipSrc = o.take('arp-ip-src');
    const ipDst = o.take('arp-ip-dst');
    const macSrc = o.take('arp-mac-src');
    const macDst = o.take('arp-mac-dst');
    const grat = o.take('arp-gratuitous');
    o.done();
    const out: Stmt[] = [];
    if (op) {
      const i = ARP_OPS.indexOf(arg(op).toLowerCase());
      const n = i >= 0 ? i + 1 : parseUint(arg(op), 0xffff);
      if (n === undefined) return bad(op, ctx, 'an ARP opcode');
      out.push(raw(`arp operation ${neg(op)}${n}`, optRange(op)));
    }
    if (htype) {
      const n = arg(htype).toLowerCase() === 'ethernet' ? 1 : parseUint(arg(htype), 0xffff);
      if (n === undefined) return bad(htype, ctx, 'a hardware type');
      out.push(raw(`arp htype ${neg(htype)}${n}`, optRange(htype)));
    }
    if (ptype) {
      const t = parseEtherType(arg(ptype));
      if (t === undefined || t === 'length') return bad(ptype, ctx, 'a protocol type');
      out.push(raw(`arp ptype ${neg(ptype)}0x${t.toString(16).padStart(4, '0')}`, optRange(ptype)));
    }
    for (const [opt, dir] of [[ipSrc, 'saddr'], [ipDst, 'daddr']] as const) {
      if (!opt) continue;
      const a = v4(arg(opt));
      if (a === undefined) return bad(opt, ctx, 'an IPv4 address');
      out.push(raw(`arp ${dir} ip ${neg(opt)}${a}`, optRange(opt)));
    }
    for (const [opt, dir] of [[macSrc, 'saddr'], [macDst, 'daddr']] as const) {
      if (!opt) continue;
      const mac = parseMac(arg(opt));
      if (!mac) return bad(opt, ctx, 'a MAC address');
      out.push(raw(`arp ${dir} ether ${neg(opt)}${formatMac(mac)}`, optRange(opt)));
    }
    if (grat) {
      ctx.unsupported(grat.range, 'unsupported-option', '--arp-gratuitous compares two header fields; nft cannot compare fields with each other');
      return [];
    }
    return out;
  },
};

/**
 * ebtables --among-src/--among-dst MAC[=IP],...: an anonymous set of MACs, or of MAC . IP
 * pairs (the IP is compared only for IPv4 ARP/IP frames in ebtables; nft needs it present).
 */
export const ebAmong: MatchTranslator = {
  names: ['among'],
  families: ['bridge'],
  translate(m, ctx) {
    const o = new ModuleOptions('among', m.options, ctx);
    const src = o.take('among-src');
    const dst = o.take('among-dst');
    for (const f of o.takeAll('among-src-file', 'among-dst-file')) ctx.unsupported(f.range, 'unsupported-option', `${f.flag.text}: the converter does not read the list file; paste its content with --among-src/--among-dst`);
    o.done();
    const out: Stmt[] = [];
    for (const [opt, dir] of [[src, 'saddr'], [dst, 'daddr']] as const) {
      if (!opt) continue;
      const macs: string[] = [];
      const pairs: string[] = [];
      for (const item of arg(opt).split(',').filter(Boolean)) {
        const [mac, ip] = item.split('=');
        const mv = parseMac(mac ?? '');
        if (!mv) return bad(opt, ctx, 'a list of MAC[=IP] addresses');
        if (ip !== undefined) {
          const a = v4(ip);
          if (a === undefined) return bad(opt, ctx, 'a list of MAC[=IP] addresses');
          pairs.push(`${formatMac(mv)} . ${a}`);
        } else macs.push(formatMac(mv));
      }
      if (macs.length && pairs.length) {
        ctx.unsupported(opt.range, 'unsupported-option', `${opt.flag.text} mixes plain MACs and MAC=IP pairs; split it into two rules`);
        return [];
      }
      if (pairs.length) {
        ctx.approximate(optRange(opt), 'match-option-dropped', `${opt.flag.text} with MAC=IP pairs: ebtables also checks the sender/target address of ARP frames and lets frames without an IPv4 address through on the MAC alone; nft's \`ether ${dir} . ip ${dir}\` matches IPv4 packets only (add an \`arp ${dir} ip\` rule for ARP)`);
        out.push(raw(`ether ${dir} . ip ${dir} ${neg(opt)}{ ${pairs.join(', ')} }`, optRange(opt)));
      } else out.push(raw(`ether ${dir} ${neg(opt)}{ ${macs.join(', ')} }`, optRange(opt)));
    }
    return out;
  },
};
