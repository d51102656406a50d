/**
 * One iptables-family rule → nft rule(s): core options, matches in order, `counter`, the
 * target, the comment. The rule's outcome is the worst of what its translators reported.
 */
import { ruleRefusals } from '../iptables/analysis';
import { isBuiltinChain } from '../iptables/dialects';
import type { IptablesCode } from '../iptables/codes';
import type { Diagnostic, Range } from '../ast/common';
import type { MatchNode, OptionNode, TargetNode } from '../ast/iptables';
import type { Rule as NftRule, Stmt } from '../ast/nft';
import { arg, dialectFamily, optRange, RuleContext } from './context';
import {
  addressChoices,
  arpAddrStmt,
  arpMacStmt,
  arpU16,
  etherTypeStmts,
  fragmentStmt,
  ifnameStmt,
  ipAddrStmt,
  macStmt,
  protocolStmt,
  readProtocol,
  type AddressChoice,
} from './core';
import { kw, lit, verdict } from './nft-build';
import { findMatch, findTarget, KNOWN_UNSUPPORTED_MATCHES, KNOWN_UNSUPPORTED_TARGETS } from './registry';
import { parseUint } from './values';

export interface RuleTranslation {
  /** One nft rule, or several when -s/-d list several addresses; empty when unsupported. */
  readonly rules: NftRule[];
}

const STANDARD = new Set(['ACCEPT', 'DROP', 'RETURN', 'CONTINUE', 'QUEUE']);

/** The core options by name (the last one wins, as in iptables): a rule has a handful, so a scan from the end. */
class CoreOptions {
  constructor(private readonly options: readonly OptionNode[]) {}

  get(name: string): OptionNode | undefined {
    const options = this.options;
    for (let i = options.length - 1; i >= 0; i--) if (options[i]!.name === name) return options[i];
    return undefined;
  }
}

function collectCore(options: readonly OptionNode[]): CoreOptions {
  return new CoreOptions(options);
}

const CORE_NAMES: Record<string, Set<string>> = {
  ip: new Set(['in-interface', 'out-interface', 'fragment', 'protocol', 'source', 'destination', 'set-counters', 'ipv4', 'ipv6', 'table', 'wait', 'jump', 'goto', 'match']),
  bridge: new Set(['in-interface', 'out-interface', 'logical-in', 'logical-out', 'protocol', 'source', 'destination', 'set-counters', 'table', 'jump', 'match']),
  arp: new Set(['in-interface', 'out-interface', 'source', 'destination', 'source-mac', 'destination-mac', 'h-length', 'opcode', 'h-type', 'proto-type', 'set-counters', 'table', 'jump', 'match']),
};

export function translateMatch(m: MatchNode, ctx: RuleContext): Stmt[] {
  const name = m.name.text;
  const t = findMatch(name, dialectFamily(ctx.dialect));
  if (t) {
    const out = t.translate(m, ctx);
    // One range object for the match's statements (a range is a value nobody mutates).
    let origin: Range | undefined;
    for (let i = 0; i < out.length; i++) {
      const s = out[i]!;
      if (!s.origin) s.origin = origin ??= m.range;
    }
    return out;
  }
  const known = KNOWN_UNSUPPORTED_MATCHES[name];
  if (known) ctx.unsupported(m.name.range, known.code, known.message, { module: name });
  else ctx.unsupported(m.name.range, 'unknown-match', `match '${name}' is not known to the converter`, { module: name });
  return [];
}

export function translateTarget(t: TargetNode | undefined, ctx: RuleContext): Stmt[] {
  if (!t) return [];
  const name = t.name.text;
  const origin = t.range;
  if (STANDARD.has(name) && t.options.length === 0) {
    switch (name) {
      case 'ACCEPT':
        return [verdict('accept', undefined, origin)];
      case 'DROP':
        return [verdict('drop', undefined, origin)];
      case 'RETURN':
        return [verdict('return', undefined, origin)];
      case 'CONTINUE':
        return [verdict('continue', undefined, origin)];
      case 'QUEUE':
        return [kw('queue', [{ key: 'num', value: lit(0) }], origin)];
    }
  }
  const isChain = ctx.services.chains.has(name);
  if (!isChain) {
    const tr = findTarget(name, dialectFamily(ctx.dialect));
    if (tr) {
      const out = tr.translate(t, ctx);
      for (let i = 0; i < out.length; i++) {
        const s = out[i]!;
        if (!s.origin) s.origin = origin;
      }
      return out;
    }
    const known = KNOWN_UNSUPPORTED_TARGETS[name];
    if (known) {
      ctx.unsupported(t.name.range, known.code, known.message, { target: name });
      return [];
    }
  }
  if (!isChain && ctx.services.chainsKnown) {
    ctx.unsupported(t.name.range, 'unknown-target', `'${name}' is neither a chain of table ${ctx.table} nor a target the converter knows`, { target: name });
    return [];
  }
  return [verdict(t.kind === 'goto' ? 'goto' : 'jump', ctx.services.chainName(name), origin)];
}

function counterStmt(ctx: RuleContext): Stmt[] {
  if (ctx.options.counters === false) return [];
  const c = ctx.rule.counters;
  if (ctx.options.keepCounters && c) return [kw('counter', [{ key: 'packets', value: lit(c.packets) }, { key: 'bytes', value: lit(c.bytes) }], c.range)];
  return [kw('counter')];
}

function finish(ctx: RuleContext, variants: Stmt[][]): RuleTranslation {
  if (ctx.outcome === 'unsupported') return { rules: [] };
  const all = ctx.hasAlternatives ? variants.flatMap((v) => ctx.expand(v)) : variants;
  const rules: NftRule[] = [];
  const origin = ctx.rule.range;
  for (let i = 0; i < all.length; i++) {
    const stmts = all[i]!;
    const r: NftRule = ctx.comment ? { kind: 'rule', stmts, origin, comment: ctx.comment.text } : { kind: 'rule', stmts, origin };
    rules.push(r);
  }
  return { rules };
}

function push(out: Stmt[], s: Stmt | undefined): void {
  if (s) out.push(s);
}

function appendAll(out: Stmt[], from: readonly Stmt[]): void {
  for (let i = 0; i < from.length; i++) out.push(from[i]!);
}

function unknownCore(ctx: RuleContext, family: string): void {
  const known = CORE_NAMES[family]!;
  const options = ctx.rule.options;
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    if (!known.has(o.name)) ctx.unsupported(o.range, 'unsupported-option', `${o.flag.text} has no nft translation`, { option: o.name });
  }
}

function cross(a: (AddressChoice | undefined)[], b: (AddressChoice | undefined)[]): [AddressChoice | undefined, AddressChoice | undefined][] {
  if (a.length === 1 && b.length === 1) return [[a[0], b[0]]];
  const out: [AddressChoice | undefined, AddressChoice | undefined][] = [];
  for (const x of a) for (const y of b) out.push([x, y]);
  return out;
}

function noteExpansion(ctx: RuleContext, n: number, at: Range): void {
  if (n > 1) ctx.note(at, 'address-list-expanded', `the address list becomes ${n} rules, as iptables does`);
}

/** iptables / ip6tables. */
function translateIp(ctx: RuleContext): RuleTranslation {
  const family = ctx.l3;
  const core = collectCore(ctx.rule.options);
  unknownCore(ctx, 'ip');
  // iptables-restore applies a -4 line only in iptables and a -6 line only in ip6tables
  const only = core.get(family === 'ip' ? 'ipv6' : 'ipv4');
  if (only) {
    ctx.note(only.range, 'family-line-skipped', `${only.flag.text}: this line is for ${family === 'ip' ? 'ip6tables' : 'iptables'} only; ${family === 'ip' ? 'iptables' : 'ip6tables'}-restore skips it, and so does the converter`);
    return { rules: [] };
  }
  readProtocol(core.get('protocol'), ctx);
  const head: Stmt[] = [];
  const iif = core.get('in-interface');
  const oif = core.get('out-interface');
  if (iif) push(head, ifnameStmt('iifname', arg(iif), iif.negated, optRange(iif)));
  if (oif) push(head, ifnameStmt('oifname', arg(oif), oif.negated, optRange(oif)));
  push(head, fragmentStmt(core.get('fragment'), ctx));
  push(head, protocolStmt(ctx));
  const sources = addressChoices(core.get('source'));
  const destinations = addressChoices(core.get('destination'));
  const ssel = family === 'ip' ? 'ip saddr' : 'ip6 saddr';
  const dsel = family === 'ip' ? 'ip daddr' : 'ip6 daddr';
  if (sources.length === 1 && destinations.length === 1) {
    // One address pair (nearly every rule): the same statements and diagnostics, in the same
    // order, without the intermediate arrays of the general case below.
    // Indexed loops: this runs once per rule, before V8 has optimized it, where for-of allocates.
    const body: Stmt[] = [];
    const matches = ctx.rule.matches;
    for (let i = 0; i < matches.length; i++) appendAll(body, translateMatch(matches[i]!, ctx));
    appendAll(body, counterStmt(ctx));
    appendAll(body, translateTarget(ctx.rule.target, ctx));
    const out = head;
    const s = sources[0];
    const d = destinations[0];
    if (s) push(out, ipAddrStmt(ssel, s, family, ctx));
    if (d) push(out, ipAddrStmt(dsel, d, family, ctx));
    appendAll(out, body);
    return finish(ctx, [out]);
  }
  const pairs = cross(sources, destinations);
  noteExpansion(ctx, pairs.length, ctx.rule.range);
  const body: Stmt[] = [];
  for (const m of ctx.rule.matches) body.push(...translateMatch(m, ctx));
  const tail = [...counterStmt(ctx), ...translateTarget(ctx.rule.target, ctx)];
  const variants = pairs.map(([s, d]) => {
    const out = head.slice();
    if (s) push(out, ipAddrStmt(ssel, s, family, ctx));
    if (d) push(out, ipAddrStmt(dsel, d, family, ctx));
    for (const x of body) out.push(x);
    for (const x of tail) out.push(x);
    return out;
  });
  return finish(ctx, variants);
}

/** ebtables: interfaces and bridges, EtherType, MACs, then matches and watchers, counter, target. */
function translateBridge(ctx: RuleContext): RuleTranslation {
  const core = collectCore(ctx.rule.options);
  unknownCore(ctx, 'bridge');
  const out: Stmt[] = [];
  for (const [name, sel] of [
    ['in-interface', 'iifname'],
    ['logical-in', 'meta ibrname'],
    ['out-interface', 'oifname'],
    ['logical-out', 'meta obrname'],
  ] as const) {
    const o = core.get(name);
    if (o) push(out, ifnameStmt(sel, arg(o), o.negated, optRange(o)));
  }
  out.push(...etherTypeStmts(core.get('protocol'), ctx));
  push(out, macStmt('ether saddr', core.get('source'), ctx));
  push(out, macStmt('ether daddr', core.get('destination'), ctx));
  for (const m of ctx.rule.matches) out.push(...translateMatch(m, ctx));
  out.push(...counterStmt(ctx), ...translateTarget(ctx.rule.target, ctx));
  return finish(ctx, [out]);
}

/** arptables: the header fields arptables-nft always matches (htype 1, hlen 6, plen 4), then addresses. */
function translateArp(ctx: RuleContext): RuleTranslation {
  const core = collectCore(ctx.rule.options);
  unknownCore(ctx, 'arp');
  const head: Stmt[] = [];
  const iif = core.get('in-interface');
  const oif = core.get('out-interface');
  if (iif) push(head, ifnameStmt('iifname', arg(iif), iif.negated, optRange(iif)));
  if (oif) push(head, ifnameStmt('oifname', arg(oif), oif.negated, optRange(oif)));
  const num = (t: string) => parseUint(t, 0xffff);
  push(head, arpU16('htype', core.get('h-type'), 1, false, ctx, (t) => (t.toLowerCase() === 'ethernet' ? 1 : num(t))));
  const hl = core.get('h-length');
  push(head, arpU16('hlen', hl, 6, false, ctx, (t) => parseUint(t, 255)));
  head.push(kw('arp plen 4'));
  push(head, arpU16('operation', core.get('opcode'), undefined, false, ctx, arpOpcode));
  push(head, arpU16('ptype', core.get('proto-type'), undefined, true, ctx, (t) => (t.toLowerCase() === 'ipv4' ? 0x800 : parseUint(/^[0-9a-f]+$/i.test(t) && !/^0/.test(t) ? `0x${t}` : t, 0xffff))));
  const pairs = cross(addressChoices(core.get('source')), addressChoices(core.get('destination')));
  noteExpansion(ctx, pairs.length, ctx.rule.range);
  const macs: Stmt[] = [];
  push(macs, arpMacStmt('saddr', core.get('source-mac'), ctx));
  push(macs, arpMacStmt('daddr', core.get('destination-mac'), ctx));
  const body: Stmt[] = [];
  for (const m of ctx.rule.matches) body.push(...translateMatch(m, ctx));
  const tail = [...counterStmt(ctx), ...translateTarget(ctx.rule.target, ctx)];
  const variants = pairs.map(([s, d]) => {
    const out = [...head];
    push(out, arpAddrStmt('saddr', s, ctx));
    push(out, arpAddrStmt('daddr', d, ctx));
    return [...out, ...macs, ...body, ...tail];
  });
  return finish(ctx, variants);
}

const ARP_OPCODES = ['request', 'reply', 'request_reverse', 'reply_reverse', 'dras_request', 'dras_reply', 'dras_error', 'inarp_request', 'inarp_reply', 'arp_nak'];

function arpOpcode(t: string): number | undefined {
  const i = ARP_OPCODES.indexOf(t.toLowerCase());
  return i >= 0 ? i + 1 : parseUint(t, 0xffff);
}

/** NAT targets: nft has them only in nat chains, as iptables only in the nat table. */
const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

/**
 * What iptables refuses in a rule (ruleRefusals) and nft refuses as well: NAT outside the nat
 * table, NAT, REJECT or TPROXY outside their hooks, a port or TCP reset without its protocol, a
 * jump to a built-in chain. (A mark or DSCP target outside mangle, a match outside its hooks,
 * are errors for iptables that nft takes: those rules translate, and the dump checks say why
 * iptables refused them.)
 */
function nftRefuses(d: Diagnostic, rule: RuleContext['rule']): boolean {
  if (d.code === 'target-not-allowed-in-table') return NAT_TARGETS.has(rule.target?.name.text ?? '');
  if (d.code === 'not-allowed-in-chain') return d.data?.['target'] !== undefined;
  return d.code === 'needs-protocol' || d.code === 'jump-to-builtin-chain';
}

/** Targets nftRefuses can refuse (the others only go to the check below when they name a built-in chain). */
const REFUSABLE_TARGETS = new Set([...NAT_TARGETS, 'REJECT', 'TPROXY']);

export function translateRuleIn(ctx: RuleContext): RuleTranslation {
  // What iptables and nft both refuse is kept as a comment, with the dump checks' error. (Only
  // a rule whose target nft could refuse is checked: most rules jump, return, accept or drop.)
  const target = ctx.rule.target?.name.text;
  const refused =
    target !== undefined && (REFUSABLE_TARGETS.has(target) || isBuiltinChain(ctx.dialect, ctx.table, target))
      ? ruleRefusals(ctx.rule, ctx.dialect, ctx.table, ctx.chain).filter((d) => nftRefuses(d, ctx.rule))
      : [];
  if (refused.length) {
    for (const d of refused) ctx.invalidInput(d.range, d.code as IptablesCode, d.message);
    return { rules: [] };
  }
  switch (ctx.dialect) {
    case 'ebtables':
      return translateBridge(ctx);
    case 'arptables':
      return translateArp(ctx);
    default:
      return translateIp(ctx);
  }
}
