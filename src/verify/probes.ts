/**
 * Probes generated from the ruleset: for every rule a packet that matches it and near misses
 * just outside each of its conditions, plus random packets. Deterministic for a seed.
 */
import type { PacketSpec } from './agent';
import { chainKey, type Family, type Hook, type IfaceCond, type OriginalRule, type OriginalRuleset, type PortCond, type Prefix, type RuleConditions } from './ruleset';
import type { TopologyIface } from './topology';

export type PathKind = 'forward' | 'input' | 'output';

export interface Probe {
  /** 1-based, stable for a seed. */
  readonly n: number;
  /** The rule it was generated for (undefined for random probes). */
  readonly origin?: string;
  /** `match`, `miss:src`, `miss:dport`, `established`, `random`... */
  readonly variant: string;
  readonly family: Family;
  readonly kind: PathKind;
  /** Firewall interface the probe arrives on (forward/input). */
  readonly inIf?: TopologyIface;
  /** Firewall interface it is routed out of (forward/output). */
  readonly outIf?: TopologyIface;
  readonly spec: Omit<PacketSpec, 'tag'>;
  /** Sent first, in the other direction, so the probe is part of a known connection. */
  readonly opener?: boolean;
  /** Source MAC of the opener (an address/MAC pair the anti-spoofing rules of its interface allow). */
  readonly openerMac?: string;
}

// ---------------------------------------------------------------- seeded random

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

// ---------------------------------------------------------------- addresses

export function v4ToInt(a: string): number {
  return a.split('.').reduce((n, p) => ((n << 8) | (Number(p) & 0xff)) >>> 0, 0) >>> 0;
}
export function intToV4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
}
export function v6ToBig(a: string): bigint {
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}
export function bigToV6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // compress the longest run of zeros
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function netBounds(p: Prefix, family: Family): [bigint, bigint] {
  const bits = family === 4 ? 32 : 128;
  const base = family === 4 ? BigInt(v4ToInt(p.addr)) : v6ToBig(p.addr);
  const hostBits = BigInt(bits - p.len);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << hostBits) - 1n);
  const lo = base & mask;
  return [lo, lo | ((1n << hostBits) - 1n)];
}
function fromBig(n: bigint, family: Family): string {
  return family === 4 ? intToV4(Number(n & 0xffffffffn)) : bigToV6(n & ((1n << 128n) - 1n));
}
export function prefixContains(p: Prefix, addr: string, family: Family): boolean {
  const [lo, hi] = netBounds(p, family);
  const a = family === 4 ? BigInt(v4ToInt(addr)) : v6ToBig(addr);
  return a >= lo && a <= hi;
}
/** A host inside the prefix (the address itself for a host route, else a random host that is not the network address). */
function inside(p: Prefix, family: Family, rng: Rng): string {
  const [lo, hi] = netBounds(p, family);
  if (hi === lo) return fromBig(lo, family);
  const span = hi - lo;
  const off = span > 2n ? 1n + (BigInt(Math.floor(rng.next() * 1e9)) % (span - 1n)) : 0n;
  return fromBig(lo + off, family);
}
/** Just outside the prefix: the address right after it, or right before it at the top of the space. */
function outside(p: Prefix, family: Family): string | undefined {
  if (p.len === 0) return undefined;
  const [lo, hi] = netBounds(p, family);
  const top = family === 4 ? 0xffffffffn : (1n << 128n) - 1n;
  return fromBig(hi < top ? hi + 1n : lo - 1n, family);
}

// ---------------------------------------------------------------- ports, interfaces

function portInside(c: PortCond, rng: Rng, which: 'lo' | 'hi' | 'mid'): number {
  // (no port the condition could read: any port, the condition then goes unprobed)
  if (c.ranges.length === 0) return rng.int(1, 65535);
  const [lo, hi] = rng.pick(c.ranges);
  return which === 'lo' ? lo : which === 'hi' ? hi : lo + Math.floor((hi - lo) / 2);
}
function portOutside(c: PortCond): number | undefined {
  const taken = (p: number) => c.ranges.some(([lo, hi]) => p >= lo && p <= hi);
  for (const [lo, hi] of c.ranges) {
    if (hi < 65535 && !taken(hi + 1)) return hi + 1;
    if (lo > 1 && !taken(lo - 1)) return lo - 1;
  }
  return undefined;
}
function portMatches(c: PortCond, p: number): boolean {
  return c.ranges.some(([lo, hi]) => p >= lo && p <= hi) !== c.neg;
}

function ifMatches(c: IfaceCond, name: string): boolean {
  const eq = c.wildcard ? name.startsWith(c.name) : name === c.name;
  return eq !== c.neg;
}

/**
 * Interfaces of the topology: the ones the rules name, a concrete one per wildcard, and one no
 * rule names. Not `lo`: every namespace has its own, and packets on it are the host's own
 * (probes that must come in on it cannot be placed, and say so).
 */
export function interfaceNames(orig: OriginalRuleset): string[] {
  const concrete = orig.interfaces.filter((n) => !n.endsWith('+') && n !== 'lo');
  const out = [...concrete];
  for (const w of orig.interfaces.filter((n) => n.endsWith('+'))) {
    const prefix = w.slice(0, -1);
    if (!concrete.some((c) => c.startsWith(prefix))) out.push((prefix + 'nflv0').slice(0, 15));
  }
  out.unshift(NEUTRAL_IFACE);
  return [...new Set(out)];
}

// ---------------------------------------------------------------- generation

const KINDS_OF_HOOK: Record<Hook, PathKind[]> = {
  PREROUTING: ['forward', 'input'],
  INPUT: ['input'],
  FORWARD: ['forward'],
  OUTPUT: ['output'],
  POSTROUTING: ['forward', 'output'],
};

export interface GenerateOptions {
  readonly seed: number;
  /** Upper bound on the number of probes. */
  readonly maxProbes: number;
  /** Random probes added to the rule-derived ones (before the bound applies). */
  readonly random?: number;
}

interface Draft {
  family: Family;
  kind: PathKind;
  inIf?: TopologyIface;
  outIf?: TopologyIface;
  src?: string;
  dst?: string;
  proto?: number;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  flags?: string;
  srcMac?: string;
  opener?: boolean;
  openerMac?: string;
  /** Values earlier rules of the chain would catch first: left-open fields avoid them. */
  avoid?: { addr: (a: string, dir: 'src' | 'dst') => boolean; dport: (p: number) => boolean };
}

const OTHER_MAC = 'fa:16:3e:00:00:99';
/** The interface no rule names. */
export const NEUTRAL_IFACE = 'nflv-other';

export function generateProbes(orig: OriginalRuleset, ifaces: readonly TopologyIface[], opts: GenerateOptions): Probe[] {
  const rng = new Rng(opts.seed);
  const sets = new Map(orig.ipsets.map((s) => [s.name, s]));
  const dnatDst: Record<Family, string[]> = { 4: [], 6: [] };
  for (const r of orig.rules) if (r.target === 'DNAT' && r.conds.dst && !r.conds.dst.neg) dnatDst[r.family].push(r.conds.dst.addr);
  const pool = (f: Family) => [...orig.addresses[f].filter((a) => !isSpecial(a)), ...(f === 4 ? ['192.0.2.10', '198.18.0.7'] : ['2001:db8::10', '2001:db8:1::7'])];
  const portPool = [...new Set([...orig.ports.flatMap((p) => [p, p + 1]), 22, 53, 80, 443, 9697])].filter((p) => p > 0 && p < 65536);

  // Address/MAC pairs anti-spoofing rules allow, per interface they are reached from; TCP ports rules allow from anywhere.
  const spoofPairs = new Map<string, { src: string; mac: string }>();
  const allowedTcp: number[] = [];
  for (const r of orig.rules) {
    const c = r.conds;
    const allows = r.target === 'RETURN' || r.target === 'ACCEPT';
    if (allows && c.mac && !c.mac.neg && c.src && !c.src.neg) {
      for (const path of orig.entries.get(chainKey(r.family, r.table, r.chain)) ?? []) {
        const m = mergeConds(c, [...path.map((x) => x.conds), ...passThroughOf(orig, path)]);
        if (m.inIf && !m.inIf.neg && !m.inIf.wildcard && !spoofPairs.has(`${r.family} ${m.inIf.name}`)) spoofPairs.set(`${r.family} ${m.inIf.name}`, { src: canonicalAddress(inside(c.src, r.family, rng)), mac: c.mac.addr });
      }
    }
    if (allows && r.table === 'filter' && c.proto?.num === 6 && !c.proto.neg && c.dport && !c.dport.neg && !c.src && !c.sets.length) allowedTcp.push(c.dport.ranges[0]![0]);
  }
  // Where connections get a conntrack mark: in on an interface a MARK rule marks, out where CONNMARK --save-mark saves it.
  const byName = (n: string | undefined) => ifaces.find((i) => i.name === n);
  const saveRule = orig.rules.find((r) => r.target === 'CONNMARK' && / --save-mark\b/.test(r.loaded) && r.conds.outIf && !r.conds.outIf.neg && !r.conds.outIf.wildcard);
  const savedOut = byName(saveRule?.conds.outIf?.name);
  const markedIn = byName(orig.rules.find((r) => r.target === 'MARK' && r.conds.inIf && !r.conds.inIf.neg && !r.conds.inIf.wildcard && r.conds.inIf.name !== savedOut?.name)?.conds.inIf?.name);
  const connmarkRoute = savedOut && markedIn ? { savedOut, markedIn } : undefined;
  // Conntrack zone each interface's packets get (CT --zone on -i).
  const zoneOf = new Map<string, number>();
  for (const r of orig.rules) if (r.zone !== undefined && r.conds.inIf && !r.conds.inIf.neg && !r.conds.inIf.wildcard) zoneOf.set(`${r.family} ${r.conds.inIf.name}`, r.zone);
  const allowedSources: Record<Family, string[]> = { 4: [], 6: [] };
  for (const r of orig.rules) {
    if (r.target !== 'RETURN' && r.target !== 'ACCEPT') continue;
    for (const st of r.conds.sets) {
      if (st.neg || st.dirs[0] !== 'src') continue;
      for (const e of sets.get(st.name)?.elements ?? []) {
        const a = canonicalAddress(e.parts[0]!.split('/')[0]!);
        if (a.includes(':') === (r.family === 6) && !allowedSources[r.family].includes(a)) allowedSources[r.family].push(a);
      }
    }
  }
  const matchesByRule: Probe[][] = [];
  const missesByRule: Probe[][] = [];
  let n = 0;
  const finish = (d: Draft, origin: string | undefined, variant: string): Probe | undefined => {
    const f = d.family;
    const proto = d.proto ?? rng.pick([6, 17, f === 4 ? 1 : 58]);
    let src = d.src;
    let dst = d.dst;
    if (d.kind === 'input' && !dst) dst = d.inIf!.fwAddr[f];
    if (d.kind === 'output' && !src) src = d.outIf!.fwAddr[f];
    const pickAddr = (dir: 'src' | 'dst', not?: string) => {
      const all = pool(f).filter((a) => a !== not);
      const free = d.avoid ? all.filter((a) => !d.avoid!.addr(a, dir)) : all;
      return free.length ? rng.pick(free) : rng.pick(all);
    };
    src ??= pickAddr('src');
    dst ??= pickAddr('dst', src);
    if (!src || !dst) return undefined;
    src = canonicalAddress(src);
    dst = canonicalAddress(dst);
    const spec: Omit<PacketSpec, 'tag'> = { l3: f, src, dst, proto };
    if (proto === 6 || proto === 17) {
      spec.sport = d.sport ?? 0; // 0: the engine gives each probe its own source port
      const freePorts = d.avoid ? portPool.filter((p) => !d.avoid!.dport(p)) : portPool;
      spec.dport = d.dport ?? rng.pick(freePorts.length ? freePorts : portPool);
      if (proto === 6) spec.flags = d.flags ?? 'S';
    } else if (proto === 1 || proto === 58) {
      spec.icmpType = d.icmpType ?? (f === 4 ? 8 : 128);
      spec.icmpCode = d.icmpCode ?? 0;
    }
    if (d.srcMac) spec.srcMac = d.srcMac;
    n++;
    return { n, ...(origin ? { origin } : {}), variant, family: f, kind: d.kind, ...(d.inIf ? { inIf: d.inIf } : {}), ...(d.outIf ? { outIf: d.outIf } : {}), spec, ...(d.opener ? { opener: true } : {}), ...(d.opener && d.openerMac ? { openerMac: d.openerMac } : {}) };
  };

  const pickIf = (c: IfaceCond | undefined, avoid?: TopologyIface): TopologyIface | undefined => {
    const ok = ifaces.filter((i) => (c ? ifMatches(c, i.name) : true));
    const pref = ok.filter((i) => i !== avoid);
    const from = pref.length ? pref : ok;
    return from.length ? rng.pick(from) : undefined;
  };
  const flipIf = (c: IfaceCond): IfaceCond => ({ ...c, neg: !c.neg });
  const neutral = ifaces.find((i) => i.name === NEUTRAL_IFACE);

  for (const rule of orig.rules) {
    const matches: Probe[] = [];
    const misses: Probe[] = [];
    // Ways in: each entry path into the chain, with the kinds of packet its hook sees.
    const combos: { conds: RuleConditions; kind: PathKind; path: readonly OriginalRule[] }[] = [];
    const passing = passThrough(orig, rule);
    for (const path of orig.entries.get(chainKey(rule.family, rule.table, rule.chain)) ?? []) {
      if (!consistentPath([...path.map((r) => r.conds), rule.conds])) continue;
      const hook = (path.length ? path[0]!.chain : rule.chain) as Hook;
      const conds = mergeConds(rule.conds, [...path.map((r) => r.conds), ...passing]);
      for (const k of KINDS_OF_HOOK[hook] ?? []) {
        if (k === 'output' && conds.inIf && !conds.inIf.neg) continue;
        if (k === 'input' && conds.outIf && !conds.outIf.neg) continue;
        combos.push({ conds, kind: k, path });
      }
    }
    if (combos.length === 0) {
      matchesByRule.push(matches);
      missesByRule.push(misses);
      continue;
    }
    const earlier = (orig.chains.get(chainKey(rule.family, rule.table, rule.chain)) ?? []).filter((e) => e.index < rule.index && e.target !== undefined);
    const members = (name: string) => (sets.get(name)?.elements ?? []).map((e) => canonicalAddress(e.parts[0]!.split('/')[0]!));
    const avoid: Draft['avoid'] = {
      addr: (a, dir) =>
        earlier.some((e) => {
          const pc = e.conds[dir];
          if (pc && !pc.neg && a.includes(':') === (rule.family === 6) && prefixContains(pc, a, rule.family)) return true;
          return e.conds.sets.some((st) => !st.neg && st.dirs[0] === dir && members(st.name).includes(canonicalAddress(a)));
        }),
      dport: (p) => earlier.some((e) => e.conds.dport && !e.conds.dport.neg && e.conds.dport.ranges.some(([lo, hi]) => p >= lo && p <= hi)),
    };
    const draftFor = (rule: OriginalRule, combo: (typeof combos)[number], flip?: string): Draft | undefined => {
      const kind = combo.kind;
      const c = combo.conds;
      const f = rule.family;
      const d: Draft = { family: f, kind, avoid };
      const inC = c.inIf ? (flip === 'inIf' ? flipIf(c.inIf) : c.inIf) : undefined;
      const outC = c.outIf ? (flip === 'outIf' ? flipIf(c.outIf) : c.outIf) : undefined;
      // An interface the rules leave open is the one no rule names, so only the rules on the way matter.
      if (kind !== 'output') {
        d.inIf = inC ? pickIf(inC) : neutral ?? pickIf(undefined);
        if (!d.inIf) return undefined;
      }
      if (kind !== 'input') {
        d.outIf = outC ? pickIf(outC, d.inIf) : d.inIf === neutral || !neutral ? pickIf(undefined, d.inIf) : neutral;
        if (!d.outIf) return undefined;
      }
      const addr = (p: Prefix | undefined, which: 'src' | 'dst') => {
        if (!p) return undefined;
        const want = flip === which ? !p.neg : p.neg; // want an address outside?
        if (want) return outside(p, f) ?? undefined;
        return inside(p, f, rng);
      };
      d.src = addr(c.src, 'src');
      d.dst = addr(c.dst, 'dst');
      if ((flip === 'src' || flip === 'dst') && !d[flip]) return undefined;
      for (const s of c.sets) {
        const info = sets.get(s.name);
        const members = (info?.elements ?? []).map((e) => e.parts[0]!.split('/')[0]!).filter((a) => a.includes(':') === (f === 6));
        const wantMember = flip === `set:${s.name}` ? s.neg : !s.neg;
        for (const dir of s.dirs.slice(0, 1)) {
          const pick = wantMember ? (members.length ? rng.pick(members) : undefined) : nonMember(members, f);
          if (pick) d[dir] = pick;
        }
      }
      if (c.proto) {
        const want = flip === 'proto' ? !c.proto.neg : c.proto.neg;
        d.proto = want ? otherProto(c.proto.num, f) : c.proto.num;
      } else if (c.sport || c.dport) d.proto = rng.pick([6, 17]);
      const portFor = (pc: PortCond | undefined, which: 'sport' | 'dport') => {
        if (!pc) return undefined;
        const want = flip === which ? !pc.neg : pc.neg;
        return want ? portOutside(pc) : portInside(pc, rng, rng.pick(['lo', 'hi', 'mid'] as const));
      };
      d.sport = portFor(c.sport, 'sport');
      d.dport = portFor(c.dport, 'dport');
      if ((flip === 'sport' || flip === 'dport') && d[flip] === undefined) return undefined;
      if (c.icmp) {
        const want = flip === 'icmp' ? !c.icmp.neg : c.icmp.neg;
        d.proto ??= f === 4 ? 1 : 58;
        if (want) {
          d.icmpType = f === 4 ? (c.icmp.type === 8 ? 13 : 8) : c.icmp.type === 128 ? 129 : 128;
        } else {
          d.icmpType = c.icmp.type;
          d.icmpCode = c.icmp.code ?? 0;
        }
        if (flip === 'icmp-code' && c.icmp.code !== undefined) {
          d.icmpType = c.icmp.type;
          d.icmpCode = (c.icmp.code + 1) % 16;
        }
      }
      if (c.mac) {
        const want = flip === 'mac' ? !c.mac.neg : c.mac.neg;
        d.srcMac = want ? OTHER_MAC : c.mac.addr;
      }
      if (c.states) {
        const est = c.states.values.some((v) => v === 'ESTABLISHED' || v === 'RELATED');
        const inv = c.states.values.includes('INVALID');
        const positive = flip === 'state' ? c.states.neg : !c.states.neg;
        if (inv && !est) {
          if (positive) {
            d.proto = 6;
            d.flags = 'SF';
          }
        } else if (est === positive) {
          d.opener = true;
          // Both directions must land in the same conntrack zone: open from an interface of the probe's zone.
          if (kind === 'forward') {
            const z = d.inIf && zoneOf.get(`${f} ${d.inIf.name}`);
            const sameZone = (x: TopologyIface | undefined) => !!x && x !== d.inIf && zoneOf.get(`${f} ${x.name}`) === z;
            if (z !== undefined && !c.outIf && !sameZone(d.outIf)) d.outIf = ifaces.find(sameZone) ?? d.outIf;
            const zo = d.outIf && zoneOf.get(`${f} ${d.outIf.name}`);
            const sameZoneOut = (x: TopologyIface | undefined) => !!x && x !== d.outIf && zoneOf.get(`${f} ${x.name}`) === zo;
            if (zo !== undefined && !c.inIf && !sameZoneOut(d.inIf) && zoneOf.get(`${f} ${d.inIf?.name}`) !== zo) d.inIf = ifaces.find(sameZoneOut) ?? d.inIf;
          }
          // The opener must get through on its own: a flow the rules allow, from an allowed address/MAC pair.
          if (!c.proto && !c.sport && !c.dport && allowedTcp.length) {
            d.proto = 6;
            d.sport = rng.pick(allowedTcp);
          }
          const openerIn = kind === 'input' ? undefined : d.outIf;
          const pair = openerIn && spoofPairs.get(`${f} ${openerIn.name}`);
          if (pair && !c.dst && !c.sets.some((st) => st.dirs[0] === 'dst')) {
            d.dst = pair.src;
            d.openerMac = pair.mac;
          } else if (!c.dst && !c.sets.some((st) => st.dirs[0] === 'dst') && allowedSources[f].length) {
            d.dst = rng.pick(allowedSources[f]); // the opener comes from a remote group member
          }
        }
      }
      if (c.connmark && kind === 'forward') {
        // A conntrack mark comes from a connection saved on its way out: open one that gets marked and saved.
        const wantSaved = (c.connmark.value !== 0) !== c.connmark.neg;
        if ((flip === 'connmark' ? !wantSaved : wantSaved) && connmarkRoute) {
          d.opener = true;
          if (!c.inIf) d.inIf = connmarkRoute.savedOut;
          if (!c.outIf) d.outIf = connmarkRoute.markedIn;
        }
      }
      if (c.ctstatus && c.ctstatus.values.includes('DNAT')) {
        const positive = flip === 'ctstatus' ? c.ctstatus.neg : !c.ctstatus.neg;
        if (positive && dnatDst[f].length && kind !== 'output') d.dst = rng.pick(dnatDst[f]);
      }
      return d;
    };
    const firstOfKind = new Map<PathKind, (typeof combos)[number]>();
    for (const cb of combos) if (!firstOfKind.has(cb.kind)) firstOfKind.set(cb.kind, cb);
    const matchCombos = [...firstOfKind.values()].slice(0, 2);
    // A further way in through another path, when there is one.
    const other = combos.find((cb) => !matchCombos.some((m) => m.path === cb.path));
    if (other) matchCombos.push(other);
    for (const cb of matchCombos) {
      const d = draftFor(rule, cb);
      const p = d && finish(d, rule.id, matchCombos.length > 1 ? `match (${cb.kind})` : 'match');
      if (p) matches.push(p);
    }
    const c = rule.conds;
    const flips: string[] = [];
    if (c.src) flips.push('src');
    if (c.dst) flips.push('dst');
    if (c.inIf) flips.push('inIf');
    if (c.outIf) flips.push('outIf');
    if (c.proto) flips.push('proto');
    if (c.sport) flips.push('sport');
    if (c.dport) flips.push('dport');
    if (c.icmp) flips.push('icmp');
    if (c.icmp?.code !== undefined) flips.push('icmp-code');
    if (c.mac) flips.push('mac');
    if (c.states) flips.push('state');
    if (c.ctstatus) flips.push('ctstatus');
    if (c.connmark) flips.push('connmark');
    for (const s of c.sets) flips.push(`set:${s.name}`);
    for (const fl of flips) {
      const d = draftFor(rule, rng.pick(combos), fl);
      const p = d && finish(d, rule.id, `miss:${fl}`);
      if (p) misses.push(p);
    }
    matchesByRule.push(matches);
    missesByRule.push(misses);
  }

  const randomCount = opts.random ?? Math.max(20, Math.ceil(orig.rules.length / 2));
  const randoms: Probe[] = [];
  const families = [...new Set(orig.dumps.map((d) => d.family))]; // also a dump without rules: its policies
  for (let i = 0; i < randomCount && families.length; i++) {
    const f = rng.pick(families);
    const kind = rng.pick(['forward', 'forward', 'input', 'output'] as const);
    const d: Draft = { family: f, kind };
    if (kind !== 'output') d.inIf = rng.pick(ifaces);
    if (kind !== 'input') d.outIf = rng.pick(ifaces.filter((x) => x !== d.inIf).length ? ifaces.filter((x) => x !== d.inIf) : ifaces);
    if (rng.next() < 0.2) d.opener = true;
    const p = finish(d, undefined, 'random');
    if (p) randoms.push(p);
  }

  // Within the bound: first every rule's matching probes, then the near misses, then random ones.
  const ordered: Probe[] = [];
  const rounds = [matchesByRule, missesByRule];
  for (const lists of rounds) {
    for (let depth = 0; ; depth++) {
      let any = false;
      for (const l of lists) {
        if (l[depth]) {
          ordered.push(l[depth]!);
          any = true;
        }
      }
      if (!any) break;
    }
  }
  ordered.push(...randoms);
  return ordered.slice(0, Math.max(0, opts.maxProbes));
}

/** No two conditions on the way ask for different interfaces (such a path cannot be taken). */
function consistentPath(conds: readonly RuleConditions[]): boolean {
  for (const k of ['inIf', 'outIf'] as const) {
    const named = conds.map((c) => c[k]).filter((x): x is IfaceCond => !!x && !x.neg && !x.wildcard).map((x) => x.name);
    if (new Set(named).size > 1) return false;
  }
  return true;
}

/** The rule's own conditions, completed with those of the way in (fields the rule leaves open). */
export function mergeConds(own: RuleConditions, others: readonly RuleConditions[]): RuleConditions {
  const out: RuleConditions = { ...own, sets: [...own.sets] };
  const keys = ['src', 'dst', 'inIf', 'outIf', 'proto', 'sport', 'dport', 'icmp', 'states', 'ctstatus', 'mac', 'mark'] as const;
  for (const o of others) {
    for (const k of keys) if (out[k] === undefined && o[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = o[k];
    for (const st of o.sets) if (!out.sets.some((x) => x.name === st.name)) out.sets.push(st);
  }
  return out;
}

/** The anti-spoofing pass-through conditions met on the way along a path (for the rules jumped from). */
function passThroughOf(orig: OriginalRuleset, path: readonly OriginalRule[]): RuleConditions[] {
  return path.flatMap((r) => passThrough(orig, r));
}

/**
 * Earlier unconditional jumps in the rule's chain (Neutron's anti-spoofing chain): the
 * conditions of the first RETURN there, so the probe comes back and reaches the rule.
 */
function passThrough(orig: OriginalRuleset, rule: OriginalRule): RuleConditions[] {
  const out: RuleConditions[] = [];
  for (const e of orig.chains.get(chainKey(rule.family, rule.table, rule.chain)) ?? []) {
    if (e.index >= rule.index) break;
    const c = e.conds;
    const unconditional = !c.src && !c.dst && !c.inIf && !c.outIf && !c.proto && !c.states && !c.mac && !c.sets.length && !c.mark;
    if (!e.isJump || !unconditional || !e.target) continue;
    const back = (orig.chains.get(chainKey(e.family, e.table, e.target)) ?? []).find((r) => r.target === 'RETURN' && ![r.conds.src, r.conds.dst, r.conds.inIf, r.conds.outIf, r.conds.mac].some((x) => x?.neg));
    if (back) out.push(back.conds);
  }
  return out;
}

export function allowedKinds(rule: OriginalRule): PathKind[] {
  const kinds = new Set<PathKind>();
  for (const h of rule.hooks) for (const k of KINDS_OF_HOOK[h]) kinds.add(k);
  if (rule.conds.inIf) kinds.delete('output');
  if (rule.conds.outIf) kinds.delete('input');
  const order: PathKind[] = ['forward', 'input', 'output'];
  return order.filter((k) => kinds.has(k));
}

function otherProto(p: number, f: Family): number {
  if (p === 6) return 17;
  if (p === 17) return 6;
  return f === 4 && p !== 1 ? 1 : 6;
}

function nonMember(members: readonly string[], f: Family): string | undefined {
  const set = new Set(members);
  const start = members[0] ?? (f === 4 ? '192.0.2.1' : '2001:db8::1');
  let n = f === 4 ? BigInt(v4ToInt(start)) : v6ToBig(start);
  for (let i = 0; i < 1000; i++) {
    n += 1n;
    const a = fromBig(n, f);
    if (!set.has(a)) return a;
  }
  return undefined;
}

/** IPv6 as inet_ntop writes it (what nft and scapy print), so addresses compare as strings. */
export function canonicalAddress(a: string): string {
  return a.includes(':') ? bigToV6(v6ToBig(a)) : a;
}

export function isSpecial(a: string): boolean {
  if (a.includes(':')) {
    const n = v6ToBig(a);
    return n === 0n || n === 1n || n >> 120n === 0xffn || n >> 118n === 0x3fan; // ::, ::1, ff00::/8, fe80::/10
  }
  const n = v4ToInt(a);
  return n >>> 24 === 0 || n >>> 24 === 127 || n >>> 28 === 0xe || n === 0xffffffff || n >>> 28 === 0xf;
}

export { portMatches, ifMatches };
