/**
 * Rewrites a rule the way `nft list` prints it back, for the cases that need no kernel or
 * full type knowledge: statement spellings (`and` → `&`, `eq` dropped), mark values as
 * 32-bit hex, meta keys nft prints without `meta` (and the others with it), default
 * arguments nft shows (`limit ... burst 5 packets`, `queue to 0`) or hides (`log level
 * warn`), flag lists in kernel bit order, and stateless counters (as `nft -s` prints).
 * Everything else nft canonicalizes (dependency removal, constant folding, symbolic
 * names for numbers) is left as written.
 */
import type { Arg, Expr, Rule, Stmt } from '../ast/nft';

/** meta keys nft prints without `meta`. */
const META_PRINTED_BARE = new Set(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);
/** Unqualified meta keys nft prints with `meta`. */
const META_PRINTED_QUALIFIED = new Set([
  'mark', 'iiftype', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid', 'ibriport', 'obriport', 'ibrname', 'obrname',
  'pkttype', 'cpu', 'cgroup', 'time', 'day', 'hour',
]);

/** Flag values by kernel bit, for ordering `a,b,c` lists like nft does. */
const FLAG_BITS: Record<string, Record<string, number>> = {
  'ct state': { invalid: 1, established: 2, related: 4, new: 8, untracked: 64 },
  'ct status': { expected: 1, 'seen-reply': 2, assured: 4, confirmed: 8, snat: 16, dnat: 32, dying: 512 },
  'tcp flags': { fin: 1, syn: 2, rst: 4, psh: 8, ack: 16, urg: 32, ecn: 64, cwr: 128 },
  'ct event': { new: 1, related: 2, destroy: 4, reply: 8, assured: 16, protoinfo: 32, helper: 64, mark: 128, seqadj: 256, secmark: 512, label: 1024 },
};

/** Protocol numbers (/etc/protocols): nft lists inet_proto values numerically (`-nn`, as its tests do). */
const PROTOCOLS: Record<string, number> = {
  ip: 0, hopopt: 0, icmp: 1, igmp: 2, ipip: 4, tcp: 6, egp: 8, udp: 17, ipv6: 41, gre: 47, esp: 50, ah: 51,
  'ipv6-icmp': 58, icmpv6: 58, ospf: 89, pim: 103, comp: 108, ipcomp: 108, vrrp: 112, l2tp: 115, sctp: 132,
  udplite: 136, mpls: 137, dccp: 33, ethernet: 143,
};
/** Well-known service ports (/etc/services): nft lists inet_service values numerically. */
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80, pop3: 110,
  ntp: 123, imap: 143, snmp: 161, ldap: 389, https: 443, submission: 587, imaps: 993, pop3s: 995, mysql: 3306,
};
/** Header a transport selector depends on, as nft names it in `meta l4proto`. */
const L4_OF_HEAD: Record<string, string> = {
  tcp: 'tcp', udp: 'udp', udplite: 'udplite', sctp: 'sctp', dccp: 'dccp', icmp: 'icmp', icmpv6: 'ipv6-icmp', esp: 'esp', ah: 'ah', comp: 'comp', igmp: 'igmp',
};
const NAT_FLAG_ORDER = ['random', 'fully-random', 'persistent'];

export function canonicalRule(r: Rule): Rule {
  const stmts = r.stmts.map(canonicalStmt);
  return { ...r, stmts: stmts.filter((s, i) => !isImpliedDependency(s, stmts.slice(i + 1))) };
}

function selectorPath(e: Expr): string | undefined {
  return e.kind === 'selector' ? e.path.join(' ') : undefined;
}

function literalText(e: Expr): string | undefined {
  return e.kind === 'literal' && !e.quoted ? e.text : undefined;
}

/** A match nft adds by itself and does not list: `meta l4proto tcp` before `tcp dport`, `meta nfproto ipv4` before `ip saddr`. */
function isImpliedDependency(s: Stmt, later: Stmt[]): boolean {
  if (s.kind !== 'relational' || s.op !== undefined) return false;
  const path = selectorPath(s.left);
  const value = literalText(s.right);
  if (!path || value === undefined) return false;
  // only when the statement that depends on it comes right after
  const following = later[0];
  const lhs = following?.kind === 'relational' || following?.kind === 'assign' ? following.left : following?.kind === 'expr' && following.expr.kind === 'map' ? following.expr.key : undefined;
  const first = lhs?.kind === 'concat' ? lhs.parts[0] : lhs;
  const next = first?.kind === 'selector' ? first.path[0] : undefined;
  if (!next) return false;
  if (path === 'meta l4proto' || path === 'ip protocol' || path === 'ip6 nexthdr') {
    const l4 = L4_OF_HEAD[next];
    return l4 !== undefined && (PROTOCOLS[l4] === Number(value) || PROTOCOLS[l4] === PROTOCOLS[value]) && later.every((x) => x.kind !== 'keyword' || x.keyword !== 'reject');
  }
  if (path === 'meta nfproto') return (value === 'ipv4' && (next === 'ip' || next === 'icmp')) || (value === 'ipv6' && (next === 'ip6' || next === 'icmpv6'));
  if (path === 'ether type' && (value === 'vlan' || value === '8021q')) return next === 'vlan';
  if (path === 'meta iiftype' && value === 'ether') return next === 'ether';
  return false;
}

/** Protocol and service names as numbers for the selectors whose type is inet_proto / inet_service. */
function numericValue(path: string | undefined, e: Expr): Expr {
  if (!path) return e;
  const table = /(^| )(protocol|l4proto|nexthdr)$/.test(path) && !path.startsWith('meta protocol') ? PROTOCOLS : /(^| )(sport|dport)$/.test(path) ? SERVICES : undefined;
  if (!table) return e;
  const map = (x: Expr): Expr => {
    if (x.kind === 'literal' && !x.quoted && table[x.text] !== undefined) return { ...x, text: String(table[x.text]) };
    if (x.kind === 'set') return { ...x, elements: x.elements.map(map) };
    if (x.kind === 'range') return { ...x, low: map(x.low), high: map(x.high) };
    return x;
  };
  return map(e);
}

function isMarkSelector(e: Expr): boolean {
  return e.kind === 'selector' && ['meta mark', 'ct mark', 'mark'].includes(e.path.join(' '));
}

function involvesMark(e: Expr): boolean {
  return isMarkSelector(e) || (e.kind === 'binop' && (involvesMark(e.left) || involvesMark(e.right)));
}

/** Selector spellings nft lists differently: aliases and defaults it drops. */
function selectorAlias(path: string[]): string[] {
  const p = path.join(' ');
  if (p === 'vlan cfi') return ['vlan', 'dei'];
  if (p === 'meta secpath') return ['meta', 'ipsec'];
  if (path[0] === 'tcp' && path[1] === 'option' && /^sack0$/.test(path[2] ?? '')) return ['tcp', 'option', 'sack', ...path.slice(3)];
  if (path[0] === 'tcp' && path[1] === 'option' && path.length >= 3 && TCP_OPTIONS[path[2]!] !== undefined) return ['tcp', 'option', TCP_OPTIONS[path[2]!]!, ...path.slice(3)];
  if (path[0] === 'ipsec' && path[2] === 'spnum' && path[3] === '0') return [path[0], path[1]!, ...path.slice(4)];
  return path;
}

/** TCP option kinds nft names. */
const TCP_OPTIONS: Record<string, string> = { '0': 'eol', '1': 'nop', '2': 'maxseg', '3': 'window', '4': 'sack-perm', '5': 'sack', '8': 'timestamp', '30': 'mptcp' };

/** Symbolic names nft prints for numeric constants of some selectors. */
const SYMBOLS: Record<string, Record<number, string>> = {
  dscp: { 0: 'cs0', 8: 'cs1', 16: 'cs2', 24: 'cs3', 32: 'cs4', 40: 'cs5', 48: 'cs6', 56: 'cs7', 1: 'lephb', 10: 'af11', 12: 'af12', 14: 'af13', 18: 'af21', 20: 'af22', 22: 'af23', 26: 'af31', 28: 'af32', 30: 'af33', 34: 'af41', 36: 'af42', 38: 'af43', 44: 'va', 46: 'ef' },
  ecn: { 0: 'not-ect', 1: 'ect1', 2: 'ect0', 3: 'ce' },
  'arp ptype': { 0x0800: 'ip' },
  'mptcp subtype': { 0: 'mp-capable', 1: 'mp-join', 2: 'dss', 3: 'add-addr', 4: 'remove-addr', 5: 'mp-prio', 6: 'mp-fail', 7: 'mp-fastclose', 8: 'mp-tcprst' },
};

/** Constants as nft lists them for the selector: symbolic names, `8021q` for `vlan`, decimal flow labels. */
function symbolicValue(path: string | undefined, e: Expr): Expr {
  if (!path) return e;
  const last = path.split(' ').pop()!;
  const table = last === 'dscp' ? SYMBOLS.dscp : last === 'ecn' ? SYMBOLS.ecn : path === 'arp ptype' ? SYMBOLS['arp ptype'] : path.endsWith('mptcp subtype') ? SYMBOLS['mptcp subtype'] : undefined;
  const map = (x: Expr): Expr => {
    if (x.kind === 'set') return { ...x, elements: x.elements.map(map) };
    if (x.kind !== 'literal' || x.quoted) return x;
    if ((path === 'ether type' || path === 'meta protocol' || path === 'meta ibrvproto' || path === 'vlan type') && x.text === 'vlan') return { ...x, text: '8021q' };
    if (path === 'ip6 flowlabel' && /^0x[0-9a-f]+$/i.test(x.text)) return { ...x, text: String(parseInt(x.text, 16)) };
    if (/ reqid$/.test(path) && /^0x[0-9a-f]+$/i.test(x.text)) return { ...x, text: String(parseInt(x.text, 16)) };
    if (table) {
      const n = /^0x[0-9a-f]+$/i.test(x.text) ? parseInt(x.text, 16) : /^\d+$/.test(x.text) ? Number(x.text) : NaN;
      if (Number.isFinite(n)) return { ...x, text: table[n] ?? (last === 'dscp' ? `0x${n.toString(16).padStart(2, '0')}` : x.text) };
    }
    return x;
  };
  return map(e);
}

function canonicalSelector(e: Expr): Expr {
  if (e.kind !== 'selector') return e;
  const aliased = selectorAlias(e.path);
  if (aliased !== e.path) e = { ...e, path: aliased };
  if (e.path.length === 2 && e.path[0] === 'meta' && META_PRINTED_BARE.has(e.path[1]!)) return { ...e, path: [e.path[1]!] };
  if (e.path.length === 1 && META_PRINTED_QUALIFIED.has(e.path[0]!)) return { ...e, path: ['meta', e.path[0]!] };
  return e;
}

/** Expressions on the statement side: spellings of operators, selectors. */
function canonicalExpr(e: Expr, markValues: boolean): Expr {
  switch (e.kind) {
    case 'selector':
      return canonicalSelector(e);
    case 'binop': {
      // mark-typed when an operand is a mark, or when constants are combined in a mark context;
      // shift amounts are plain numbers
      const constants = e.left.kind !== 'selector' && e.right.kind !== 'selector' && e.left.kind !== 'binop' && e.right.kind !== 'binop';
      const mark = involvesMark(e.left) || involvesMark(e.right) || (markValues && constants);
      const shift = e.op === '<<' || e.op === '>>';
      const b = { ...e, left: canonicalExpr(e.left, mark), right: canonicalExpr(e.right, mark && !shift) };
      delete b.spelling;
      return b;
    }
    case 'literal':
      return markValues ? markHex(e) : normalizeAddress(e);
    case 'range':
      return { ...e, low: canonicalExpr(e.low, markValues), high: canonicalExpr(e.high, markValues) };
    case 'set':
      return { ...e, elements: e.elements.map((x) => canonicalExpr(x, markValues)) };
    case 'concat':
      return { ...e, parts: e.parts.map((x) => canonicalExpr(x, markValues)) };
    case 'list':
      return { ...e, items: e.items.map((x) => canonicalExpr(x, markValues)) };
    case 'map': {
      const key = canonicalExpr(e.key, markValues);
      const keyMark = isMarkSelector(key);
      const map = e.map.kind === 'set' ? { ...e.map, elements: e.map.elements.map((m) => (m.kind === 'mapping' ? { ...m, key: canonicalExpr(m.key, keyMark), value: canonicalExpr(m.value, markValues) } : canonicalExpr(m, keyMark))) } : e.map;
      return { ...e, key, map };
    }
    case 'elem':
      return { ...e, value: canonicalExpr(e.value, markValues) };
    default:
      return e;
  }
}

/** `0x10` / `16` → `0x00000010` for 32-bit mark values. */
function markHex(e: Expr): Expr {
  if (e.kind !== 'literal' || e.quoted) return e;
  const n = /^0x[0-9a-f]+$/i.test(e.text) ? parseInt(e.text, 16) : /^\d+$/.test(e.text) ? Number(e.text) : NaN;
  if (!Number.isFinite(n) || n > 0xffffffff) return e;
  return { ...e, text: `0x${n.toString(16).padStart(8, '0')}` };
}

function sortFlags(left: Expr, right: Expr): Expr {
  if (left.kind !== 'selector' || right.kind !== 'list') return right;
  const bits = FLAG_BITS[left.path.join(' ')];
  if (!bits || !right.items.every((i) => i.kind === 'literal' && bits[i.text] !== undefined)) return right;
  const items = [...right.items].sort((a, b) => bits[(a as { text: string }).text]! - bits[(b as { text: string }).text]!);
  return { ...right, items };
}

function canonicalStmt(s: Stmt): Stmt {
  switch (s.kind) {
    case 'relational': {
      const left = canonicalExpr(s.left, false);
      const mark = isMarkSelector(left) || (left.kind === 'binop' && isMarkSelector(left.left));
      let right = symbolicValue(selectorPath(left), numericValue(selectorPath(left), sortFlags(left, canonicalExpr(s.right, mark))));
      // `exthdr hbh 1` tests presence
      if (left.kind === 'selector' && left.path[0] === 'exthdr' && left.path.length === 2 && right.kind === 'literal' && (right.text === '1' || right.text === '0')) right = { ...right, text: right.text === '1' ? 'exists' : 'missing' };
      // `==` is implicit, except on a bitmask (where the bare form tests bits) and after a binop
      const bitmask = left.kind === 'selector' && FLAG_BITS[left.path.join(' ')] !== undefined;
      const op = s.op === '==' && left.kind !== 'binop' && !bitmask ? undefined : s.op;
      const r: Stmt = { ...s, left, right };
      delete r.spelling;
      if (op) r.op = op;
      else delete r.op;
      return r;
    }
    case 'assign': {
      const left = canonicalExpr(s.left, false);
      let value = symbolicValue(selectorPath(left), canonicalExpr(s.value, isMarkSelector(left)));
      if (value.kind === 'list' && left.kind === 'selector') value = sortFlags(left, value);
      return { ...s, left, value };
    }
    case 'expr':
      return { ...s, expr: canonicalExpr(s.expr, false) };
    case 'keyword':
      if (s.keyword === 'reset') return { ...s, args: s.args.map((a) => (a.value ? { ...a, value: canonicalExpr(a.value, false) } : a)) };
      return canonicalKeyword(s);
    case 'verdict':
      return s.block ? { ...s, block: s.block.map((r) => (r.kind === 'rule' ? canonicalRule(r) : r)) } : s;
  }
}

function canonicalKeyword(s: Extract<Stmt, { kind: 'keyword' }>): Stmt {
  const args = s.args.map((a) => (a.value ? { ...a, value: canonicalExpr(a.value, false) } : a));
  switch (s.keyword) {
    case 'counter':
      // stateless, as `nft -s` prints it
      return { ...s, args: args.filter((a) => a.key !== 'packets' && a.key !== 'bytes') };
    case 'limit':
      return { ...s, args: canonicalLimit(args) };
    case 'log':
      return { ...s, args: canonicalLog(args) };
    case 'queue':
      return { ...s, args: canonicalQueue(args) };
    case 'snat':
    case 'dnat':
    case 'masquerade':
    case 'redirect':
      return { ...s, args: canonicalNatFlags(args) };
    default:
      return { ...s, args };
  }
}

/** `1025bytes/second` → `1025 bytes/second`; a packet rate shows its default `burst 5 packets`. */
function canonicalLimit(args: Arg[]): Arg[] {
  const out: Arg[] = [];
  for (const a of args) {
    const m = a.value?.kind === 'literal' ? /^(\d+)([kmg]?bytes(?:\/\w+)?)$/.exec(a.value.text) : null;
    if (m && a.value?.kind === 'literal') {
      out.push({ ...a, value: { ...a.value, text: m[1]! } }, { key: m[2]! });
    } else out.push(a);
  }
  const bytes = out.some((a) => a.key !== undefined && /bytes/.test(a.key));
  if (!bytes && !out.some((a) => a.key === 'burst') && !out.some((a) => a.key === 'name')) out.push({ key: 'burst', value: { kind: 'literal', text: '5' } }, { key: 'packets' });
  return out;
}

const LOG_ORDER = ['prefix', 'group', 'snaplen', 'queue-threshold', 'level', 'flags'];

/** nft prints log options in a fixed order, the prefix quoted, and hides the default level. */
function canonicalLog(args: Arg[]): Arg[] {
  if (args.some((a) => a.key === 'flags')) return args;
  const kept = args
    .filter((a) => !(a.key === 'level' && a.value?.kind === 'literal' && a.value.text === 'warn'))
    .map((a) => (a.key === 'prefix' && a.value?.kind === 'literal' && !a.value.quoted ? { ...a, value: { ...a.value, quoted: true } } : a));
  return kept.sort((a, b) => LOG_ORDER.indexOf(a.key ?? '') - LOG_ORDER.indexOf(b.key ?? ''));
}

/** `queue num 2 bypass` → `queue flags bypass to 2`; a bare queue goes to 0. */
function canonicalQueue(args: Arg[]): Arg[] {
  const flags: string[] = [];
  let target: Expr | undefined;
  const rest: Arg[] = [];
  for (const a of args) {
    if (a.key === 'bypass' || a.key === 'fanout') flags.push(a.key);
    else if (a.key === 'flags' && a.value) {
      if (a.value.kind === 'list') for (const i of a.value.items) if (i.kind === 'literal') flags.push(i.text);
      if (a.value.kind === 'literal') flags.push(a.value.text);
    } else if (a.key === 'num' || a.key === 'to') target = a.value;
    else rest.push(a);
  }
  const out: Arg[] = [];
  const ordered = ['bypass', 'fanout'].filter((f) => flags.includes(f));
  if (ordered.length) out.push({ key: 'flags', value: ordered.length === 1 ? { kind: 'literal', text: ordered[0]! } : { kind: 'list', items: ordered.map((text) => ({ kind: 'literal' as const, text })) } });
  out.push({ key: 'to', value: target ?? { kind: 'literal', text: '0' } }, ...rest);
  return out;
}

/** NAT flags in nft's order: random, fully-random, persistent. */
function canonicalNatFlags(args: Arg[]): Arg[] {
  const flags: string[] = [];
  const rest: Arg[] = [];
  for (const a of args) {
    if (a.key && NAT_FLAG_ORDER.includes(a.key) && a.value === undefined) flags.push(a.key);
    else if (!a.key && a.value?.kind === 'list' && a.value.items.every((i) => i.kind === 'literal' && NAT_FLAG_ORDER.includes(i.text))) {
      for (const i of a.value.items) if (i.kind === 'literal') flags.push(i.text);
    } else rest.push(a);
  }
  if (!flags.length) return args;
  const ordered = NAT_FLAG_ORDER.filter((f) => flags.includes(f));
  rest.push(ordered.length === 1 ? { key: ordered[0]! } : { value: { kind: 'list', items: ordered.map((text) => ({ kind: 'literal' as const, text })) } });
  return rest;
}

/** IPv6 addresses as inet_ntop prints them (RFC 5952, `::a.b.c.d` for IPv4-compatible ones), MAC addresses zero-padded. */
function normalizeAddress(e: Expr): Expr {
  if (e.kind !== 'literal' || e.quoted || !e.text.includes(':')) return e;
  if (/^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(e.text)) return { ...e, text: e.text.split(':').map((g) => g.toLowerCase().padStart(2, '0')).join(':') };
  const words = ipv6Words(e.text);
  return words ? { ...e, text: formatIpv6(words) } : e;
}

function ipv6Words(text: string): number[] | undefined {
  let s = text.toLowerCase();
  const tail: number[] = [];
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const o = v4.slice(1).map(Number);
    if (o.some((x) => x > 255)) return undefined;
    tail.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!);
    s = s.slice(0, v4.index) + (s.slice(0, v4.index).endsWith(':') ? '' : ':');
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1 && given !== 8) return undefined;
  if (given > 8 || (halves.length === 2 && given > 7)) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

function formatIpv6(w: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
    const v4 = `${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
    return bestLen === 6 ? `::${v4}` : `::ffff:${v4}`;
  }
  const hex = w.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
