/**
 * Values as iptables parses them and nft prints them: addresses and masks, ports,
 * protocol and service names, numbers in the bases the reference accepts.
 */

// ---------------------------------------------------------------- numbers

/** strtoul(s, 0) semantics: 0x.. hex, 0.. octal, else decimal. Undefined when not a whole number. */
export function parseUint(s: string, max = 0xffffffff): number | undefined {
  // Fast path: a short plain decimal without a leading zero (most ports, zones, numbers).
  const len = s.length;
  if (len > 0 && len <= 9 && s.charCodeAt(0) !== 48) {
    let v = 0;
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
    }
    if (i === len) return v <= max ? v : undefined;
  }
  const t = s.trim();
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0[0-7]+$/.test(t)) v = parseInt(t.slice(1), 8);
  else if (/^[0-9]+$/.test(t)) v = parseInt(t, 10);
  else return undefined;
  return Number.isFinite(v) && v <= max ? v : undefined;
}

/** `VALUE[/MASK]` as used by --mark, --set-xmark... (masks default to all ones). */
export function parseValueMask(s: string, bits = 32): { value: number; mask: number; hasMask: boolean } | undefined {
  const max = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  const [v, m, extra] = s.split('/');
  if (extra !== undefined || v === undefined) return undefined;
  const value = v === '' ? 0 : parseUint(v, max);
  if (value === undefined) return undefined;
  if (m === undefined) return { value, mask: max, hasMask: false };
  const mask = parseUint(m, max);
  if (mask === undefined) return undefined;
  return { value, mask, hasMask: true };
}

export function u32(n: number): number {
  return n >>> 0;
}

// ---------------------------------------------------------------- IPv4

export function parseIPv4(s: string): number | undefined {
  // fast path: four decimal octets
  let v = 0;
  let octet = -1;
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet < 0 ? c - 48 : octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46 && octet >= 0 && dots < 3) {
      v = v * 256 + octet;
      octet = -1;
      digits = 0;
      dots++;
    } else return undefined;
  }
  if (dots !== 3 || octet < 0) return undefined;
  return v * 256 + octet;
}

export function formatIPv4(v: number): string {
  v = v >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Prefix length of a contiguous mask, or -1. */
export function maskToCidr4(mask: number): number {
  mask = mask >>> 0;
  let bits = 0;
  while (bits < 32 && (mask & (0x80000000 >>> bits)) !== 0) bits++;
  const expected = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return expected === mask ? bits : -1;
}

export function cidrToMask4(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export interface Addr4 {
  addr: number;
  mask: number;
}

/** `a.b.c.d[/len|/mask]` with the address masked, as iptables stores it. */
export function parseIPv4Net(s: string): Addr4 | undefined {
  const [a, m, extra] = s.split('/');
  if (a === undefined || extra !== undefined) return undefined;
  const addr = parseIPv4(a);
  if (addr === undefined) return undefined;
  let mask = 0xffffffff;
  if (m !== undefined) {
    if (/^[0-9]+$/.test(m)) {
      const bits = Number(m);
      if (bits > 32) return undefined;
      mask = cidrToMask4(bits);
    } else {
      const mv = parseIPv4(m);
      if (mv === undefined) return undefined;
      mask = mv;
    }
  }
  return { addr: u32(addr & mask), mask: u32(mask) };
}

// ---------------------------------------------------------------- IPv6

/** Eight 16-bit groups. */
export type V6 = number[];

export function parseIPv6(s: string): V6 | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let head = s;
  let v4tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    v4tail = [(v4 >>> 16) & 0xffff, v4 & 0xffff];
    head = s.slice(0, lastColon + 1);
    if (head.endsWith('::')) head = head;
    else if (head.endsWith(':')) head = head.slice(0, -1);
  }
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::')) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    for (const g of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const a = parseGroups(head.slice(0, dbl));
    const b = parseGroups(head.slice(dbl + 2));
    if (!a || !b) return undefined;
    const fill = 8 - a.length - b.length - v4tail.length;
    if (fill < 1) return undefined;
    groups = [...a, ...new Array<number>(fill).fill(0), ...b, ...v4tail];
  } else {
    const a = parseGroups(head);
    if (!a) return undefined;
    groups = [...a, ...v4tail];
  }
  return groups.length === 8 ? groups : undefined;
}

/** inet_ntop (glibc) formatting: longest run of ≥2 zero groups compressed, lower-case hex. */
export function formatIPv6(g: V6): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] === 0) {
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-compatible / mapped forms, as glibc prints them.
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && g[5] === 0xffff))) {
    const v4 = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
    return bestLen === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += g[i]!.toString(16);
  }
  return out;
}

export function cidrToMask6(bits: number): V6 {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) {
    const b = Math.max(0, Math.min(16, bits - i * 16));
    out.push(b === 0 ? 0 : (0xffff << (16 - b)) & 0xffff);
  }
  return out;
}

export function maskToCidr6(mask: V6): number {
  let bits = 0;
  for (const g of mask) {
    if (g === 0xffff) bits += 16;
    else {
      let b = 0;
      while (b < 16 && (g & (0x8000 >> b)) !== 0) b++;
      bits += b;
      break;
    }
  }
  const expect = cidrToMask6(bits);
  return expect.every((x, i) => x === mask[i]) ? bits : -1;
}

export interface Addr6 {
  addr: V6;
  mask: V6;
}

export function parseIPv6Net(s: string): Addr6 | undefined {
  const [a, m, extra] = s.split('/');
  if (a === undefined || extra !== undefined) return undefined;
  const addr = parseIPv6(a);
  if (!addr) return undefined;
  let mask = cidrToMask6(128);
  if (m !== undefined) {
    if (/^[0-9]+$/.test(m)) {
      const bits = Number(m);
      if (bits > 128) return undefined;
      mask = cidrToMask6(bits);
    } else {
      const mv = parseIPv6(m);
      if (!mv) return undefined;
      mask = mv;
    }
  }
  return { addr: addr.map((x, i) => x & mask[i]!), mask };
}

// ---------------------------------------------------------------- MAC

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Six `:`-separated groups of one or two hex digits. */
export function parseMac(s: string): number[] | undefined {
  const out: number[] = [];
  let i = 0;
  for (let group = 0; group < 6; group++) {
    if (group > 0) {
      if (s.charCodeAt(i) !== 58) return undefined;
      i++;
    }
    const a = hexDigit(s.charCodeAt(i));
    if (a < 0) return undefined;
    const b = hexDigit(s.charCodeAt(i + 1));
    if (b < 0) {
      out.push(a);
      i += 1;
    } else {
      out.push(a * 16 + b);
      i += 2;
    }
  }
  return i === s.length ? out : undefined;
}

const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function formatMac(m: number[], pad = true): string {
  let out = '';
  for (let k = 0; k < m.length; k++) {
    const b = m[k]!;
    out += (k ? ':' : '') + (pad && b >= 0 && b < 256 && Number.isInteger(b) ? HEX2[b]! : pad ? b.toString(16).padStart(2, '0') : b.toString(16));
  }
  return out;
}

// ---------------------------------------------------------------- protocols and services

/** /etc/protocols as shipped by netbase (names nft also knows). */
const PROTOCOLS: [string, number][] = [
  ['ip', 0], ['icmp', 1], ['igmp', 2], ['ggp', 3], ['ipencap', 4], ['st', 5], ['tcp', 6], ['egp', 8], ['igp', 9],
  ['pup', 12], ['udp', 17], ['hmp', 20], ['xns-idp', 22], ['rdp', 27], ['iso-tp4', 29], ['dccp', 33], ['xtp', 36],
  ['ddp', 37], ['idpr-cmtp', 38], ['ipv6', 41], ['ipv6-route', 43], ['ipv6-frag', 44], ['idrp', 45], ['rsvp', 46],
  ['gre', 47], ['esp', 50], ['ah', 51], ['skip', 57], ['ipv6-icmp', 58], ['ipv6-nonxt', 59], ['ipv6-opts', 60],
  ['rspf', 73], ['vmtp', 81], ['eigrp', 88], ['ospf', 89], ['ax.25', 93], ['ipip', 94], ['etherip', 97], ['encap', 98],
  ['pim', 103], ['ipcomp', 108], ['vrrp', 112], ['l2tp', 115], ['isis', 124], ['sctp', 132], ['fc', 133],
  ['mobility-header', 135], ['udplite', 136], ['mpls-in-ip', 137], ['manet', 138], ['hip', 139], ['shim6', 140],
  ['wesp', 141], ['rohc', 142], ['ethernet', 143],
];

/** iptables' own names, checked before /etc/protocols (xtables_chain_protos). */
const CHAIN_PROTOS: [string, number][] = [
  ['tcp', 6], ['sctp', 132], ['udp', 17], ['udplite', 136], ['icmp', 1], ['ipv6-icmp', 58], ['icmpv6', 58],
  ['esp', 50], ['ah', 51], ['mobility-header', 135], ['ipv6-mh', 135], ['mh', 135], ['dccp', 33], ['ipcomp', 108], ['all', 0],
];

const PROTO_ALIASES: Record<string, number> = { hopopt: 0, 'ipv6-icmp': 58, icmp6: 58 };

const protocolNumbers = new Map<string, number | undefined>();
export function protocolNumber(name: string): number | undefined {
  if (protocolNumbers.has(name)) return protocolNumbers.get(name);
  const num = lookUpProtocolNumber(name);
  if (protocolNumbers.size < 1000) protocolNumbers.set(name, num);
  return num;
}

function lookUpProtocolNumber(name: string): number | undefined {
  const n = name.toLowerCase();
  const num = parseUint(n, 255);
  if (num !== undefined) return num;
  for (const [p, v] of CHAIN_PROTOS) if (p === n) return v;
  for (const [p, v] of PROTOCOLS) if (p === n) return v;
  return PROTO_ALIASES[n];
}

/** The name iptables prints for a protocol number (proto_to_name). */
const protocolNames = new Map<number, string | undefined>();
export function protocolName(num: number): string | undefined {
  if (protocolNames.has(num)) return protocolNames.get(num);
  const name = lookUpProtocolName(num);
  if (protocolNames.size < 1000) protocolNames.set(num, name);
  return name;
}

function lookUpProtocolName(num: number): string | undefined {
  for (const [p, v] of CHAIN_PROTOS) if (v === num && num !== 0) return p;
  for (const [p, v] of PROTOCOLS) if (v === num && num !== 0) return p;
  return undefined;
}

/** Names getprotobynumber gives, used to find a protocol's match module. */
const matchNames = new Map<number, readonly string[]>();
export function protocolMatchNames(num: number): readonly string[] {
  let names = matchNames.get(num);
  if (!names) matchNames.set(num, (names = Object.freeze(lookUpMatchNames(num))));
  return names;
}

function lookUpMatchNames(num: number): string[] {
  const out: string[] = [];
  for (const [p, v] of CHAIN_PROTOS) if (v === num) out.push(p);
  for (const [p, v] of PROTOCOLS) if (v === num) {
    out.push(p);
    break;
  }
  return out;
}

/** A few /etc/services names (tcp/udp), for --dport http and friends. */
const SERVICES: Record<string, number> = {
  tcpmux: 1, echo: 7, discard: 9, daytime: 13, 'ftp-data': 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, time: 37,
  whois: 43, tacacs: 49, domain: 53, bootps: 67, bootpc: 68, tftp: 69, gopher: 70, finger: 79, http: 80, www: 80,
  kerberos: 88, pop3: 110, sunrpc: 111, auth: 113, nntp: 119, ntp: 123, 'netbios-ns': 137, 'netbios-dgm': 138,
  'netbios-ssn': 139, imap2: 143, imap: 143, snmp: 161, 'snmp-trap': 162, bgp: 179, irc: 194, ldap: 389, https: 443,
  'microsoft-ds': 445, isakmp: 500, syslog: 514, printer: 515, submission: 587, ldaps: 636, rsync: 873, imaps: 993,
  pop3s: 995, openvpn: 1194, 'ms-sql-s': 1433, radius: 1812, nfs: 2049, mysql: 3306, 'ms-wbt-server': 3389,
  'sip': 5060, postgresql: 5432, 'x11': 6000, 'http-alt': 8080, 'ipp': 631,
};

export function parsePort(s: string): number | undefined {
  const n = parseUint(s, 65535);
  if (n !== undefined) return n;
  return SERVICES[s.toLowerCase()];
}

/** `a`, `a:b`, `:b`, `a:` → [lo, hi]. */
export function parsePortRange(s: string, sep = ':'): [number, number] | undefined {
  const i = s.indexOf(sep);
  if (i < 0) {
    const p = parsePort(s);
    return p === undefined ? undefined : [p, p];
  }
  const a = s.slice(0, i);
  const b = s.slice(i + 1);
  const lo = a === '' ? 0 : parsePort(a);
  const hi = b === '' ? 65535 : parsePort(b);
  if (lo === undefined || hi === undefined) return undefined;
  return lo <= hi ? [lo, hi] : [hi, lo];
}

/** `lo` or `lo-hi`, as nft writes ranges. */
export function rangeText(lo: number | string, hi: number | string): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/** `0x1f`, as the reference prints marks. */
export function hexOf(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}
