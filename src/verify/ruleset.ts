/**
 * The original ruleset as `verify` sees it: every rule with the conditions probes are built
 * from, the hooks that reach its chain, and the routed substitution of `-m physdev`.
 */
import type { Command, Dialect, IptablesFile, OptionNode, Rule } from '../convert/ast/iptables';
import { parseIptablesSave } from '../convert/iptables';
import type { IpsetInfo } from '../convert/translate/sets';
import { parsePortRange } from '../convert/translate/values';

export type Family = 4 | 6;
export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
export const HOOKS: readonly Hook[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

export interface Prefix {
  readonly addr: string;
  readonly len: number;
  readonly neg: boolean;
}
export interface IfaceCond {
  /** Without the trailing `+` of a wildcard. */
  readonly name: string;
  readonly wildcard: boolean;
  readonly neg: boolean;
}
export interface PortCond {
  readonly ranges: readonly (readonly [number, number])[];
  readonly neg: boolean;
}
export interface SetCond {
  readonly name: string;
  readonly dirs: readonly ('src' | 'dst')[];
  readonly neg: boolean;
}

/** What a rule tests, as far as probes can aim at it. */
export interface RuleConditions {
  src?: Prefix;
  dst?: Prefix;
  inIf?: IfaceCond;
  outIf?: IfaceCond;
  /** IP protocol number. */
  proto?: { num: number; neg: boolean };
  sport?: PortCond;
  dport?: PortCond;
  icmp?: { type: number; code?: number; neg: boolean };
  /** Conntrack states in upper case (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED). */
  states?: { values: string[]; neg: boolean };
  ctstatus?: { values: string[]; neg: boolean };
  mac?: { addr: string; neg: boolean };
  sets: SetCond[];
  mark?: { value: number; mask: number; neg: boolean };
  /** `-m connmark --mark V/M`. */
  connmark?: { value: number; mask: number; neg: boolean };
}

export interface OriginalRule {
  /** `ip filter FORWARD #3` style key, unique in the run. */
  readonly id: string;
  readonly family: Family;
  readonly file: string;
  readonly table: string;
  readonly chain: string;
  /** 1-based position in its chain after the dump is applied. */
  readonly index: number;
  /** 0-based line in the original dump. */
  readonly line: number;
  /** The line as written in the original dump. */
  readonly text: string;
  /** The line as loaded (after the physdev substitution). */
  readonly loaded: string;
  readonly target?: string;
  readonly conds: RuleConditions;
  /** Hooks whose built-in chain reaches this rule's chain. */
  readonly hooks: ReadonlySet<Hook>;
  /** Addresses a DNAT/SNAT target maps to. */
  readonly natTo: string[];
  /** Zone set by `CT --zone`. */
  readonly zone?: number;
  /** The target is a user chain of the table (jump or goto). */
  readonly isJump: boolean;
}

export interface Substitution {
  readonly file: string;
  readonly line: number;
  readonly original: string;
  /** The line loaded instead, or undefined when the rule cannot match in a routed topology and was left out. */
  readonly replacement?: string;
  readonly why: string;
}

export interface OriginalDump {
  readonly file: string;
  readonly family: Family;
  readonly dialect: Dialect;
  readonly text: string;
  /** What gets loaded (iptables-restore) and converted: `text` after the physdev substitution. */
  readonly loadedText: string;
  readonly parsed: IptablesFile;
  /** Line of `loadedText` → line of `text` (identical line numbers: removed rules become comments). */
}

export interface OriginalRuleset {
  readonly dumps: OriginalDump[];
  readonly rules: OriginalRule[];
  readonly substitutions: Substitution[];
  /** Interface names the rules test (concrete names; a wildcard gives its prefix + `+`). */
  readonly interfaces: string[];
  readonly ipsets: readonly IpsetInfo[];
  /** Addresses worth probing per family (rule prefixes, NAT targets, set elements). */
  readonly addresses: Record<Family, string[]>;
  readonly ports: number[];
  readonly zones: number[];
  /**
   * How packets get to each chain (`family table chain`): lists of jump rules from a built-in
   * chain (an empty list for the built-in chain itself); at most a few per chain.
   */
  readonly entries: ReadonlyMap<string, readonly (readonly OriginalRule[])[]>;
  /** Rules by chain key, in order. */
  readonly chains: ReadonlyMap<string, readonly OriginalRule[]>;
}

export function chainKey(family: Family, table: string, chain: string): string {
  return `${family} ${table} ${chain}`;
}

const MAX_PATHS = 6;

function entryPaths(rules: readonly OriginalRule[]): Map<string, OriginalRule[][]> {
  const chains = new Map<string, OriginalRule[]>();
  for (const r of rules) {
    const k = chainKey(r.family, r.table, r.chain);
    if (!chains.has(k)) chains.set(k, []);
    chains.get(k)!.push(r);
  }
  const out = new Map<string, OriginalRule[][]>();
  const visit = (key: string, path: OriginalRule[], depth: number) => {
    const list = out.get(key) ?? [];
    if (list.length >= MAX_PATHS || depth > 16) return;
    list.push(path);
    out.set(key, list);
    for (const r of chains.get(key) ?? []) {
      if (!r.target || !r.isJump) continue;
      const next = chainKey(r.family, r.table, r.target);
      if (path.some((p) => chainKey(p.family, p.table, p.chain) === next)) continue;
      visit(next, [...path, r], depth + 1);
    }
  };
  for (const [key, list] of chains) {
    const chain = list[0]!.chain;
    if ((HOOKS as readonly string[]).includes(chain)) visit(key, [], 0);
  }
  return out;
}

const PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58, icmp6: 58, vrrp: 112, sctp: 132, udplite: 136, all: 0 };
const ICMP_NAMES: Record<string, [number, number?]> = {
  'echo-reply': [0], 'destination-unreachable': [3], 'port-unreachable': [3, 3], 'echo-request': [8], 'time-exceeded': [11], 'parameter-problem': [12], 'timestamp-request': [13],
  'router-advertisement': [134], 'router-solicitation': [133], 'neighbour-solicitation': [135], 'neighbor-solicitation': [135], 'neighbour-advertisement': [136], 'neighbor-advertisement': [136],
  'packet-too-big': [2], 'redirect': [137],
};

export function protocolNumber(p: string): number | undefined {
  const l = p.toLowerCase();
  if (/^\d+$/.test(l)) return Number(l);
  return PROTOCOLS[l];
}

function parsePrefix(text: string, neg: boolean, family: Family): Prefix {
  const [addr, len] = text.split('/');
  const full = family === 4 ? 32 : 128;
  let n = len === undefined ? full : Number(len);
  if (len !== undefined && !/^\d+$/.test(len)) n = maskLength(len);
  return { addr: addr!, len: Number.isFinite(n) ? n : full, neg };
}

function maskLength(mask: string): number {
  const parts = mask.split('.').map(Number);
  if (parts.length !== 4) return 32;
  return parts.reduce((n, p) => n + (p >>> 0).toString(2).replace(/0/g, '').length, 0);
}

function parseIface(text: string, neg: boolean): IfaceCond {
  return text.endsWith('+') ? { name: text.slice(0, -1), wildcard: true, neg } : { name: text, wildcard: false, neg };
}

/** `22`, `1024:`, `http,8000:8080`: service names read as the converter reads them (ports it cannot read are left out). */
function parsePorts(args: string, neg: boolean): PortCond {
  const ranges: [number, number][] = [];
  for (const part of args.split(',')) {
    const r = parsePortRange(part);
    if (r) ranges.push(r);
  }
  return { ranges, neg };
}

function parseIcmp(text: string, neg: boolean): RuleConditions['icmp'] {
  const [t, c] = text.split('/');
  if (t === undefined) return undefined;
  if (/^\d+$/.test(t)) return { type: Number(t), ...(c !== undefined ? { code: Number(c) } : {}), neg };
  const named = ICMP_NAMES[t.toLowerCase()];
  if (!named) return undefined;
  return { type: named[0], ...(named[1] !== undefined ? { code: named[1] } : {}), neg };
}

function num(text: string): number {
  return Number(text.startsWith('0x') || text.startsWith('0X') ? parseInt(text, 16) : parseInt(text, 10)) >>> 0;
}

function conditionsOf(rule: Rule, family: Family): RuleConditions {
  const c: RuleConditions = { sets: [] };
  const arg = (o: OptionNode, i = 0) => o.args[i]?.text ?? '';
  for (const o of rule.options) {
    if (o.name === 'source') c.src = parsePrefix(arg(o), o.negated, family);
    else if (o.name === 'destination') c.dst = parsePrefix(arg(o), o.negated, family);
    else if (o.name === 'in-interface') c.inIf = parseIface(arg(o), o.negated);
    else if (o.name === 'out-interface') c.outIf = parseIface(arg(o), o.negated);
    else if (o.name === 'protocol') {
      const n = protocolNumber(arg(o));
      if (n !== undefined && n !== 0) c.proto = { num: n, neg: o.negated };
    }
  }
  for (const m of rule.matches) {
    const name = m.name.text;
    for (const o of m.options) {
      const a = arg(o);
      if ((o.name === 'dport' || o.name === 'destination-port' || o.name === 'dports' || o.name === 'destination-ports') && name !== 'set') c.dport = parsePorts(a, o.negated);
      else if (o.name === 'sport' || o.name === 'source-port' || o.name === 'sports' || o.name === 'source-ports') c.sport = parsePorts(a, o.negated);
      else if (o.name === 'ports') c.dport = parsePorts(a, o.negated);
      else if (o.name === 'icmp-type' || o.name === 'icmpv6-type') c.icmp = parseIcmp(a, o.negated);
      else if (o.name === 'state' || o.name === 'ctstate') c.states = { values: a.toUpperCase().split(','), neg: o.negated };
      else if (o.name === 'ctstatus') c.ctstatus = { values: a.toUpperCase().split(','), neg: o.negated };
      else if (o.name === 'mac-source') c.mac = { addr: a.toLowerCase(), neg: o.negated };
      else if (o.name === 'match-set' || o.name === 'set') c.sets.push({ name: a, dirs: arg(o, 1).split(',') as ('src' | 'dst')[], neg: o.negated });
      else if (o.name === 'mark' && (name === 'mark' || name === 'connmark')) {
        const [v, mk] = a.split('/');
        const m = { value: num(v ?? '0'), mask: mk === undefined ? 0xffffffff : num(mk), neg: o.negated };
        if (name === 'mark') c.mark = m;
        else c.connmark = m;
      }
    }
    // -m state/conntrack --ctstate DNAT is a conntrack status, not a state
    if (c.states && c.states.values.some((v) => v === 'DNAT' || v === 'SNAT')) {
      const st = c.states.values.filter((v) => v === 'DNAT' || v === 'SNAT');
      c.ctstatus = { values: st, neg: c.states.neg };
      const rest = c.states.values.filter((v) => v !== 'DNAT' && v !== 'SNAT');
      c.states = rest.length ? { values: rest, neg: c.states.neg } : undefined;
    }
  }
  return c;
}

// ---------------------------------------------------------------- physdev substitution

/**
 * `-m physdev --physdev-in X [--physdev-is-bridged]` → `-i X`, `--physdev-out X` → `-o X`:
 * the bridge port becomes a routed interface. A rule that can never match a routed packet
 * (`--physdev-out` in PREROUTING/INPUT, or a port test next to `-i`/`-o` of its own) is
 * left out, in both rulesets alike.
 */
function substitutePhysdev(cmd: Command, hooks: ReadonlySet<Hook>): { text?: string; why: string } | undefined {
  const rule = cmd.rule;
  if (!rule) return undefined;
  const physdev = rule.matches.filter((m) => m.name.text === 'physdev');
  if (physdev.length === 0) return undefined;
  const core = new Set(rule.options.map((o) => o.name));
  let inIf: OptionNode | undefined;
  let outIf: OptionNode | undefined;
  let other = false;
  for (const m of physdev) {
    for (const o of m.options) {
      if (o.name === 'physdev-in') inIf = o;
      else if (o.name === 'physdev-out') outIf = o;
      else if (o.name === 'physdev-is-bridged' && !o.negated) continue;
      else other = true;
    }
  }
  const inOnly = hooks.has('PREROUTING') || hooks.has('INPUT');
  const outOnly = hooks.has('OUTPUT') || hooks.has('POSTROUTING');
  if (other) return { why: 'physdev options other than --physdev-in/--physdev-out/--physdev-is-bridged have no routed equivalent: rule left out' };
  if (outIf && inOnly) return { why: '--physdev-out can never match before routing (PREROUTING/INPUT) in a routed topology: rule left out' };
  if (inIf && outOnly && !hooks.has('POSTROUTING')) return { why: '--physdev-in cannot be tested as -i in OUTPUT: rule left out' };
  if ((inIf && core.has('in-interface')) || (outIf && core.has('out-interface'))) return { why: 'the rule tests the routed interface as well: rule left out' };
  // Splice on the line: remove each physdev match's text, add -i/-o right after the chain name.
  const line = cmd.text;
  const lineNo = cmd.range.start.line;
  const cuts = physdev.map((m) => [m.range.start.line === lineNo ? m.range.start.character : 0, m.range.end.line === lineNo ? m.range.end.character : line.length] as const).sort((a, b) => b[0] - a[0]);
  let text = line;
  for (const [s, e] of cuts) text = text.slice(0, s).replace(/\s+$/, '') + ' ' + text.slice(e).replace(/^\s+/, '');
  const add: string[] = [];
  if (inIf) add.push(`${inIf.negated ? '! ' : ''}-i ${inIf.args[0]?.text ?? ''}`);
  if (outIf) add.push(`${outIf.negated ? '! ' : ''}-o ${outIf.args[0]?.text ?? ''}`);
  const chain = cmd.chain;
  if (!chain) return undefined;
  const after = chain.range.end.character;
  text = text.slice(0, after) + ' ' + add.join(' ') + text.slice(after);
  return { text: text.replace(/\s+$/, ''), why: 'bridge port tested as a routed interface (this kernel cannot run the bridge-family alternative with conntrack)' };
}

// ---------------------------------------------------------------- reachability

function hooksPerChain(commands: readonly Command[], builtin: (chain: string) => boolean): Map<string, Set<Hook>> {
  const edges = new Map<string, Set<string>>();
  for (const c of commands) {
    if (!c.chain || !c.rule?.target) continue;
    const from = c.chain.text;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(c.rule.target.name.text);
  }
  const out = new Map<string, Set<Hook>>();
  for (const h of HOOKS) {
    if (!builtin(h)) continue;
    const todo = [h as string];
    const seen = new Set<string>();
    while (todo.length) {
      const ch = todo.pop()!;
      if (seen.has(ch)) continue;
      seen.add(ch);
      if (!out.has(ch)) out.set(ch, new Set());
      out.get(ch)!.add(h);
      for (const n of edges.get(ch) ?? []) todo.push(n);
    }
  }
  return out;
}

const TABLE_HOOKS: Record<string, Hook[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

// ---------------------------------------------------------------- building the model

export interface DumpInput {
  readonly file: string;
  readonly text: string;
  readonly dialect: 'iptables' | 'ip6tables';
}

export function buildOriginal(inputs: readonly DumpInput[], ipsets: readonly IpsetInfo[]): OriginalRuleset {
  const dumps: OriginalDump[] = [];
  const rules: OriginalRule[] = [];
  const substitutions: Substitution[] = [];
  const ifaces = new Set<string>();
  const addresses: Record<Family, Set<string>> = { 4: new Set(), 6: new Set() };
  const ports = new Set<number>();
  const zones = new Set<number>();
  for (const input of inputs) {
    const family: Family = input.dialect === 'ip6tables' ? 6 : 4;
    const parsed = parseIptablesSave(input.text, { dialect: input.dialect });
    const lines = input.text.split('\n');
    for (const t of parsed.tables) {
      const tableHooks = new Set(TABLE_HOOKS[t.name.text] ?? []);
      const reach = hooksPerChain(t.commands, (c) => tableHooks.has(c as Hook));
      for (const cmd of t.commands) {
        if (cmd.kind !== 'append' && cmd.kind !== 'insert') continue;
        const hooks = reach.get(cmd.chain?.text ?? '') ?? new Set<Hook>();
        const sub = substitutePhysdev(cmd, hooks);
        if (!sub) continue;
        const ln = cmd.range.start.line;
        substitutions.push({ file: input.file, line: ln, original: cmd.text, ...(sub.text !== undefined ? { replacement: sub.text } : {}), why: sub.why });
        lines[ln] = sub.text ?? `# nflens verify left out: ${cmd.text}`;
      }
    }
    const loadedText = lines.join('\n');
    const loaded = parseIptablesSave(loadedText, { dialect: input.dialect });
    dumps.push({ file: input.file, family, dialect: input.dialect, text: input.text, loadedText, parsed: loaded });
    const origLines = input.text.split('\n');
    for (const t of loaded.tables) {
      const tableName = t.name.text;
      const userChains = new Set(t.chains.map((c) => c.name.text));
      for (const c of t.commands) if (c.kind === 'new-chain' && c.chain) userChains.add(c.chain.text);
      const tableHooks = new Set(TABLE_HOOKS[tableName] ?? []);
      const reach = hooksPerChain(t.commands, (c) => tableHooks.has(c as Hook));
      const perChain = new Map<string, Command[]>();
      for (const cmd of t.commands) {
        if ((cmd.kind !== 'append' && cmd.kind !== 'insert') || !cmd.chain || !cmd.rule) continue;
        const list = perChain.get(cmd.chain.text) ?? [];
        if (cmd.kind === 'insert') list.splice(Math.max(0, (Number(cmd.index?.text) || 1) - 1), 0, cmd);
        else list.push(cmd);
        perChain.set(cmd.chain.text, list);
      }
      for (const [chain, cmds] of perChain) {
        cmds.forEach((cmd, i) => {
          const rule = cmd.rule!;
          const conds = conditionsOf(rule, family);
          const target = rule.target?.name.text;
          const natTo: string[] = [];
          let zone: number | undefined;
          for (const o of rule.target?.options ?? []) {
            const a = o.args[0]?.text ?? '';
            if (o.name === 'to-destination' || o.name === 'to-source' || o.name === 'to') {
              const m = family === 4 ? /^([\d.]+)/.exec(a) : /^\[?([0-9a-fA-F:]+)/.exec(a);
              if (m) natTo.push(m[1]!);
              const p = /:(\d+)(?:-\d+)?$/.exec(a);
              if (p && family === 4) ports.add(Number(p[1]));
            }
            if (o.name === 'to-ports') ports.add(Number(a.split('-')[0]));
            if (o.name === 'zone') zone = Number(a);
          }
          if (zone !== undefined && Number.isFinite(zone)) zones.add(zone);
          for (const p of [conds.src, conds.dst]) if (p) addresses[family].add(p.addr);
          for (const a of natTo) addresses[family].add(a);
          for (const i2 of [conds.inIf, conds.outIf]) if (i2) ifaces.add(i2.wildcard ? i2.name + '+' : i2.name);
          for (const pc of [conds.sport, conds.dport]) for (const [lo, hi] of pc?.ranges ?? []) ports.add(lo), ports.add(hi);
          const ln = cmd.range.start.line;
          rules.push({
            id: `${family === 4 ? 'ip' : 'ip6'} ${tableName} ${chain} #${i + 1}`,
            family,
            file: input.file,
            table: tableName,
            chain,
            index: i + 1,
            line: ln,
            text: origLines[ln] ?? cmd.text,
            loaded: cmd.text,
            ...(target ? { target } : {}),
            conds,
            hooks: reach.get(chain) ?? new Set(),
            natTo,
            ...(zone !== undefined ? { zone } : {}),
            isJump: !!target && userChains.has(target) && !(HOOKS as readonly string[]).includes(target),
          });
        });
      }
    }
  }
  for (const s of ipsets) {
    const fam: Family = s.family === 'inet6' ? 6 : 4;
    for (const e of s.elements) {
      const p = e.parts[0];
      if (p) addresses[fam].add(p.split('/')[0]!);
    }
  }
  const chainsMap = new Map<string, OriginalRule[]>();
  for (const r of rules) {
    const k = chainKey(r.family, r.table, r.chain);
    if (!chainsMap.has(k)) chainsMap.set(k, []);
    chainsMap.get(k)!.push(r);
  }
  return {
    entries: entryPaths(rules),
    chains: chainsMap,
    dumps,
    rules,
    substitutions,
    interfaces: [...ifaces].sort(),
    ipsets,
    addresses: { 4: [...addresses[4]].sort(), 6: [...addresses[6]].sort() },
    ports: [...ports].filter((p) => p > 0 && p < 65536).sort((a, b) => a - b),
    zones: [...zones].sort((a, b) => a - b),
  };
}
