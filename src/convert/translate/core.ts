/**
 * Core options of each dialect (what iptables handles without a module): interfaces,
 * addresses, protocol, fragments; ebtables EtherType and MACs; arptables header fields.
 * Emitted in the reference's order, which is fixed per family, not the order written.
 */
import type { Range } from '../ast/common';
import type { OptionNode } from '../ast/iptables';
import type { Stmt } from '../ast/nft';
import { arg, optRange, type RuleContext } from './context';
import { eq, lit, raw, rel, str } from './nft-build';
import {
  formatIPv4,
  formatIPv6,
  formatMac,
  maskToCidr4,
  maskToCidr6,
  parseIPv4Net,
  parseIPv6Net,
  parseMac,
  parseUint,
  protocolMatchNames,
  protocolName,
  protocolNumber,
} from './values';

/** `iifname "eth*"`: `+` wildcard → `*`, a literal trailing `*` escaped, lone `+` matches all. */
export function ifnameStmt(selector: string, name: string, negated: boolean, origin: Range): Stmt | undefined {
  if (name.length < 1 || name.length >= 16) return undefined;
  let iface = name;
  let neg = negated;
  if (name === '+') {
    if (!negated) return undefined;
    iface = 'INVAL/D';
    neg = false;
  } else {
    if (iface.endsWith('*')) iface = iface.slice(0, -1) + '\\*';
    if (iface.endsWith('+')) iface = iface.slice(0, -1) + '*';
  }
  return eq(selector, str(iface), neg, origin);
}

/** One address of a possibly comma-separated `-s`/`-d` list. */
export interface AddressChoice {
  readonly option: OptionNode;
  readonly text: string;
}

/** Splits `-s a,b` into its addresses (iptables makes one rule per combination). */
export function addressChoices(o: OptionNode | undefined): (AddressChoice | undefined)[] {
  if (!o) return [undefined];
  const text = arg(o);
  if (!text.includes(',')) return [{ option: o, text }];
  return text
    .split(',')
    .filter((t) => t !== '')
    .map((text) => ({ option: o, text }));
}

function looksLikeHostname(t: string): boolean {
  return /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(\/.*)?$/.test(t) && /[A-Za-z]/.test(t.split('/')[0]!);
}

export function ipAddrStmt(selector: string, choice: AddressChoice, family: 'ip' | 'ip6', ctx: RuleContext): Stmt | undefined {
  const o = choice.option;
  const neg = o.negated;
  const origin = optRange(o);
  if (family === 'ip') {
    const a = parseIPv4Net(choice.text);
    if (!a) return badAddress(choice, ctx);
    if (!neg && a.addr === 0 && a.mask === 0) return undefined;
    const cidr = maskToCidr4(a.mask);
    if (cidr === -1) return raw(`${selector} & ${formatIPv4(a.mask)} ${neg ? '!=' : '=='} ${formatIPv4(a.addr)}`, origin);
    return eq(selector, cidr === 32 ? formatIPv4(a.addr) : `${formatIPv4(a.addr)}/${cidr}`, neg, origin);
  }
  const a = parseIPv6Net(choice.text);
  if (!a) return badAddress(choice, ctx);
  if (!neg && a.addr.every((x) => x === 0) && a.mask.every((x) => x === 0)) return undefined;
  const cidr = maskToCidr6(a.mask);
  if (cidr === -1) return raw(`${selector} & ${formatIPv6(a.mask)} ${neg ? '!=' : '=='} ${formatIPv6(a.addr)}`, origin);
  return eq(selector, cidr === 128 ? formatIPv6(a.addr) : `${formatIPv6(a.addr)}/${cidr}`, neg, origin);
}

function badAddress(choice: AddressChoice, ctx: RuleContext): undefined {
  if (looksLikeHostname(choice.text)) {
    ctx.unsupported(choice.option.range, 'hostname-not-resolved', `'${choice.text}' is a host name: iptables resolves it when the rule is added; write the address instead`, { value: choice.text });
  } else {
    ctx.unsupported(choice.option.range, 'invalid-value', `'${choice.text}' is not a valid ${ctx.l3 === 'ip6' ? 'IPv6' : 'IPv4'} address`, { value: choice.text });
  }
  return undefined;
}

/** Reads `-p`; returns the protocol (also stored on ctx.protocol). */
export function readProtocol(o: OptionNode | undefined, ctx: RuleContext): void {
  if (!o) return;
  const written = arg(o).toLowerCase();
  const num = protocolNumber(written);
  if (num === undefined) ctx.note(o.range, 'unknown-protocol', `protocol '${written}' is not in /etc/protocols; written as given`);
  ctx.protocol = num === undefined ? { written, negated: o.negated, range: optRange(o) } : { written, number: num, negated: o.negated, range: optRange(o) };
}

/**
 * Matches whose expression changes state for every packet it sees (counters, token buckets,
 * set updates): in nft they count every packet that reaches them, so the protocol test must
 * come before them, as iptables tests -p before any match.
 */
const STATEFUL_MATCHES = new Set(['statistic', 'limit', 'hashlimit', 'connlimit', 'recent', 'quota', 'nfacct']);

/**
 * `ip protocol tcp` unless a match named after the protocol follows (it implies the protocol),
 * and no stateful match comes before that one (it would count packets of every protocol).
 */
export function protocolStmt(ctx: RuleContext): Stmt | undefined {
  const p = ctx.protocol;
  if (!p || p.number === 0) return undefined;
  if (p.number !== undefined) {
    const names = protocolMatchNames(p.number);
    const matches = ctx.rule.matches;
    const implied = matches.findIndex((m) => names.includes(m.name.text));
    if (implied >= 0 && !matches.slice(0, implied).some((m) => STATEFUL_MATCHES.has(m.name.text))) return undefined;
  }
  const name = p.number !== undefined ? protocolName(p.number) ?? String(p.number) : p.written;
  const selector = ctx.l3 === 'ip' ? 'ip protocol' : 'meta l4proto';
  return eq(selector, name, p.negated, p.range);
}

export function fragmentStmt(o: OptionNode | undefined, ctx: RuleContext): Stmt | undefined {
  if (!o) return undefined;
  if (ctx.l3 !== 'ip') {
    ctx.unsupported(o.range, 'unsupported-option', '-f exists only in iptables (IPv4); use the frag match (exthdr frag) in ip6tables');
    return undefined;
  }
  return raw(`ip frag-off & 0x1fff ${o.negated ? '' : '!= '}0`, optRange(o));
}

// ---------------------------------------------------------------- ebtables

const ETHERTYPES: Record<string, number> = {
  ipv4: 0x0800, ip: 0x0800, x25: 0x0805, arp: 0x0806, fr_arp: 0x0808, bpq: 0x08ff, dec: 0x6000, dna_dl: 0x6001,
  dna_rc: 0x6002, dna_rt: 0x6003, lat: 0x6004, diag: 0x6005, cust: 0x6006, sca: 0x6007, teb: 0x6558, rarp: 0x8035,
  atalk: 0x809b, aarp: 0x80f3, '802_1q': 0x8100, ipx: 0x8137, ipv6: 0x86dd, ip6: 0x86dd, ppp: 0x880b, mplsunicast: 0x8847,
  mplsmulticast: 0x8848, ppp_disc: 0x8863, ppp_ses: 0x8864, atmmpoa: 0x884c, atmfate: 0x8884, lldp: 0x88cc,
  '802_1ad': 0x88a8, ieee1588: 0x88f7,
};

export function parseEtherType(t: string): number | 'length' | undefined {
  const l = t.toLowerCase();
  if (l === 'length') return 'length';
  if (ETHERTYPES[l] !== undefined) return ETHERTYPES[l];
  if (/^(0x)?[0-9a-f]{1,4}$/i.test(t)) return parseInt(t.replace(/^0x/i, ''), 16);
  return undefined;
}

export function etherTypeStmts(o: OptionNode | undefined, ctx: RuleContext): Stmt[] {
  if (!o) return [];
  const t = parseEtherType(arg(o));
  const origin = optRange(o);
  if (t === undefined) {
    ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not an EtherType name or hex number`);
    return [];
  }
  if (t === 'length') return [rel('ether type', '0x0600', o.negated ? '>=' : '<', origin)];
  const implicit = t === 0x0800 ? 'ip' : t === 0x86dd ? 'ip6' : t === 0x8100 ? 'vlan' : undefined;
  if (implicit && ctx.hasMatch(implicit)) return [];
  return [eq('ether type', `0x${t.toString(16)}`, o.negated, origin)];
}

export function macStmt(selector: string, o: OptionNode | undefined, ctx: RuleContext): Stmt | undefined {
  if (!o) return undefined;
  const [a, m] = arg(o).split('/');
  const mac = macValue(a ?? '');
  const mask = m === undefined ? [255, 255, 255, 255, 255, 255] : macValue(m);
  if (!mac || !mask) {
    ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not a MAC address`);
    return undefined;
  }
  const origin = optRange(o);
  if (mask.every((b) => b === 255)) return eq(selector, formatMac(mac), o.negated, origin);
  return raw(`${selector} ${o.negated ? '!= ' : ''}and ${formatMac(mask)} == ${formatMac(mac.map((b, i) => b & mask[i]!))}`, origin);
}

function macValue(t: string): number[] | undefined {
  const l = t.toLowerCase();
  if (l === 'unicast') return [0, 0, 0, 0, 0, 0];
  if (l === 'multicast') return [1, 0, 0, 0, 0, 0];
  if (l === 'broadcast') return [255, 255, 255, 255, 255, 255];
  if (l === 'bga') return [0x01, 0x80, 0xc2, 0, 0, 0];
  return parseMac(t);
}

// ---------------------------------------------------------------- arptables

export function arpU16(what: string, o: OptionNode | undefined, defaultValue: number | undefined, hex: boolean, ctx: RuleContext, parse: (t: string) => number | undefined): Stmt | undefined {
  const fmt = (n: number) => (hex ? `0x${n.toString(16)}` : String(n));
  if (!o) return defaultValue === undefined ? undefined : raw(`arp ${what} ${fmt(defaultValue)}`);
  const [v, m] = arg(o).split('/');
  const value = parse(v ?? '');
  const mask = m === undefined ? 0xffff : parseUint(m, 0xffff);
  if (value === undefined || mask === undefined) {
    ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not a valid value for ${o.flag.text}`);
    return undefined;
  }
  return raw(`arp ${what} ${o.negated ? '!= ' : ''}${mask !== 0xffff ? `& ${fmt(mask)} ` : ''}${fmt(value)}`, optRange(o));
}

export function arpAddrStmt(what: string, choice: AddressChoice | undefined, ctx: RuleContext): Stmt | undefined {
  if (!choice) return undefined;
  const a = parseIPv4Net(choice.text);
  if (!a) return badAddress(choice, ctx);
  if (a.mask === 0 && !choice.option.negated) return undefined;
  const cidr = maskToCidr4(a.mask);
  const origin = optRange(choice.option);
  const op = choice.option.negated ? '!= ' : '';
  if (cidr === -1) return raw(`arp ${what} ip & ${formatIPv4(a.mask)} ${choice.option.negated ? '!=' : '=='} ${formatIPv4(a.addr)}`, origin);
  return raw(`arp ${what} ip ${op}${formatIPv4(a.addr)}${cidr === 32 ? '' : `/${cidr}`}`, origin);
}

export function arpMacStmt(what: string, o: OptionNode | undefined, ctx: RuleContext): Stmt | undefined {
  if (!o) return undefined;
  const [a, m] = arg(o).split('/');
  const mac = parseMac(a ?? '');
  const mask = m === undefined ? undefined : parseMac(m);
  if (!mac || (m !== undefined && !mask)) {
    ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not a MAC address`);
    return undefined;
  }
  return raw(`arp ${what} ether ${o.negated ? '!= ' : ''}${formatMac(mac)}${mask && !mask.every((b) => b === 255) ? `/${formatMac(mask)}` : ''}`, optRange(o));
}

export { lit };
