/**
 * -m conntrack and -m state. Fixes two reference bugs: `! --ctstate DNAT` keeps its
 * negation, and `--ctstate NEW,DNAT` (an OR in the kernel) keeps both halves.
 */
import type { MatchNode, OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { eq, raw } from '../nft-build';
import { formatIPv4, formatIPv6, maskToCidr4, maskToCidr6, parseIPv4Net, parseIPv6Net, parsePortRange, parseUint, protocolNumber, rangeText } from '../values';

const STATE_ORDER = ['invalid', 'new', 'related', 'established', 'untracked'];
const STATUS_ORDER = ['expected', 'seen-reply', 'assured', 'confirmed'];

/** `ct state new,related` / `ct state ! new` (a bit test, as the kernel match does). */
function flagTest(selector: string, flags: string[], negated: boolean, o: OptionNode): Stmt {
  return raw(`${selector} ${negated ? '! ' : ''}${flags.join(',')}`, optRange(o));
}

/** The states of packets without a conntrack entry: nft's ct keys other than state fail on them. */
const NO_ENTRY = ['invalid', 'untracked'];

/**
 * --ctstate/--state: ordinary states and the SNAT/DNAT pseudo-states are ORed by the kernel.
 * Both kinds → two alternatives: `ct state S` or `ct state ! S ct status N` (disjoint, so a
 * rule that jumps or marks still runs at most once).
 *
 * `before`, `after`: the match's other conditions (--ctdir and --ctproto before the state,
 * --ctstatus, addresses... after it, as the reference prints them), all nft `ct` expressions.
 * The kernel's match decides a packet without a conntrack entry (invalid, untracked) by its
 * state alone and ignores the rest, where every other nft `ct` expression fails. So when such
 * packets can pass the state test and something else is tested (the SNAT/DNAT bits or other
 * conditions), they get an alternative of their own: `ct state invalid,...`, with nothing else.
 * Not in the nat table: its chains only see packets with an entry.
 */
export function stateStmts(o: OptionNode, ctx: RuleContext, before: Stmt[] = [], after: Stmt[] = []): Stmt[] {
  const names = arg(o)
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const states: string[] = [];
  const nat: string[] = [];
  for (const n of names) {
    if (STATE_ORDER.includes(n)) states.push(n);
    else if (n === 'snat' || n === 'dnat') nat.push(n);
    else {
      ctx.unsupported(o.range, 'invalid-value', `'${n}' is not a conntrack state (INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED, SNAT, DNAT)`);
      return [];
    }
  }
  const st = STATE_ORDER.filter((s) => states.includes(s));
  const nt = ['snat', 'dnat'].filter((s) => nat.includes(s));
  const noEntry = ctx.table === 'nat' ? [] : o.negated ? NO_ENTRY.filter((s) => !st.includes(s)) : st.filter((s) => NO_ENTRY.includes(s));
  if (noEntry.length && (nt.length || before.length || after.length)) return [noEntrySplit(o, ctx, st, nt, noEntry, before, after)];
  if (nt.length === 0) return [...before, flagTest('ct state', st, o.negated, o), ...after];
  if (st.length === 0) {
    if (o.negated) ctx.note(optRange(o), 'ctstate-nat-negation', `! --ctstate ${arg(o)} → ct status ! ${nt.join(',')} (iptables-translate drops this negation)`);
    return [...before, flagTest('ct status', nt, o.negated, o), ...after];
  }
  if (o.negated) {
    // not (S or N) = not S and not N
    return [...before, flagTest('ct state', st, true, o), flagTest('ct status', nt, true, o), ...after];
  }
  ctx.note(optRange(o), 'ct-state-status-split', `--ctstate ${arg(o)} matches state ${st.join(',')} OR ${nt.join(',')}ed connections: translated as two rules (ct state ${st.join(',')}, then ct state ! ${st.join(',')} ct status ${nt.join(',')})`);
  return [...before, ctx.alternatives(o.range, [[flagTest('ct state', st, false, o)], [flagTest('ct state', st, true, o), flagTest('ct status', nt, false, o)]]), ...after];
}

/** stateStmts for packets without a conntrack entry apart: `ct state invalid,...` alone, or the rest for packets with one. */
function noEntrySplit(o: OptionNode, ctx: RuleContext, st: string[], nt: string[], noEntry: string[], before: Stmt[], after: Stmt[]): Stmt {
  const withEntry: Stmt[][] = [];
  if (o.negated) {
    // not (S or N), for packets with an entry: every ct expression below fails without one
    withEntry.push([...before, ...(st.length ? [flagTest('ct state', st, true, o)] : []), ...(nt.length ? [flagTest('ct status', nt, true, o)] : []), ...after]);
  } else {
    const s = st.filter((x) => !NO_ENTRY.includes(x));
    if (nt.length === 0) {
      if (s.length) withEntry.push([...before, flagTest('ct state', s, false, o), ...after]);
    } else if (s.length === 0) withEntry.push([...before, flagTest('ct status', nt, false, o), ...after]);
    else withEntry.push([...before, flagTest('ct state', s, false, o), ...after], [...before, flagTest('ct state', s, true, o), flagTest('ct status', nt, false, o), ...after]);
  }
  ctx.note(
    optRange(o),
    'ct-no-entry-split',
    `packets without a conntrack entry (${noEntry.join(', ')}) pass ${o.negated ? '! ' : ''}--ctstate ${arg(o)} on their state alone (the kernel's match ignores its other conditions for them, where nft ct expressions fail): translated as ${withEntry.length + 1} rules, the first \`ct state ${noEntry.join(',')}\``,
  );
  return ctx.alternatives(o.range, [[flagTest('ct state', noEntry, false, o)], ...withEntry]);
}

function ctAddr(ctx: RuleContext, o: OptionNode): string | undefined {
  const t = arg(o);
  if (ctx.l3 === 'ip6') {
    const a = parseIPv6Net(t);
    if (!a) return undefined;
    const c = maskToCidr6(a.mask);
    return formatIPv6(a.addr) + (c === 128 ? '' : c === -1 ? `/${formatIPv6(a.mask)}` : `/${c}`);
  }
  const a = parseIPv4Net(t);
  if (!a) return undefined;
  const c = maskToCidr4(a.mask);
  return formatIPv4(a.addr) + (c === 32 ? '' : c === -1 ? `/${formatIPv4(a.mask)}` : `/${c}`);
}

export const conntrack: MatchTranslator = {
  names: ['conntrack'],
  translate(m: MatchNode, ctx: RuleContext): Stmt[] {
    const o = new ModuleOptions('conntrack', m.options, ctx);
    const dir = o.take('ctdir');
    const proto = o.take('ctproto');
    const state = o.take('ctstate');
    const status = o.take('ctstatus');
    const expire = o.take('ctexpire');
    const addrs = [
      [o.take('ctorigsrc'), 'original saddr'],
      [o.take('ctorigdst'), 'original daddr'],
      [o.take('ctreplsrc'), 'reply saddr'],
      [o.take('ctrepldst'), 'reply daddr'],
    ] as const;
    const ports = [
      [o.take('ctorigsrcport'), 'original proto-src'],
      [o.take('ctorigdstport'), 'original proto-dst'],
      [o.take('ctreplsrcport'), 'reply proto-src'],
      [o.take('ctrepldstport'), 'reply proto-dst'],
    ] as const;
    o.done();
    // The conditions other than the state (all `ct` expressions): stateStmts places them.
    const before: Stmt[] = [];
    const others: Stmt[] = [];
    let reply = false;
    if (dir) {
      const d = arg(dir).toUpperCase();
      if (d !== 'ORIGINAL' && d !== 'REPLY') ctx.unsupported(dir.range, 'invalid-value', `--ctdir takes ORIGINAL or REPLY, not '${arg(dir)}'`);
      reply = d === 'REPLY';
      before.push(raw(`ct direction ${reply ? 'reply' : 'original'}`, optRange(dir)));
    }
    if (proto) {
      const n = protocolNumber(arg(proto));
      if (n === undefined) ctx.unsupported(proto.range, 'invalid-value', `'${arg(proto)}' is not a protocol`);
      else before.push(eq(`ct ${reply ? 'reply' : 'original'} protocol`, n, proto.negated, optRange(proto)));
    }
    if (status) {
      const names = arg(status).split(',').map((s) => s.toLowerCase().replace('_', '-'));
      const bad = names.filter((n) => !STATUS_ORDER.includes(n) && n !== 'none');
      if (bad.length) ctx.unsupported(status.range, 'invalid-value', `'${bad.join(',')}' is not a conntrack status (EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED)`);
      else others.push(flagTest('ct status', STATUS_ORDER.filter((s) => names.includes(s)), status.negated, status));
    }
    if (expire) {
      const [a, b] = arg(expire).split(':');
      const lo = parseUint(a ?? '');
      const hi = b === undefined ? lo : parseUint(b);
      if (lo === undefined || hi === undefined) ctx.unsupported(expire.range, 'invalid-value', `'${arg(expire)}' is not a number of seconds or a range`);
      else others.push(eq('ct expiration', rangeText(lo, hi), expire.negated, optRange(expire)));
    }
    for (const [opt, what] of addrs) {
      if (!opt) continue;
      const v = ctAddr(ctx, opt);
      if (v === undefined) ctx.unsupported(opt.range, 'invalid-value', `'${arg(opt)}' is not a valid address`);
      else others.push(eq(`ct ${what}`, v, opt.negated, optRange(opt)));
    }
    for (const [opt, what] of ports) {
      if (!opt) continue;
      const r = parsePortRange(arg(opt));
      if (!r) ctx.unsupported(opt.range, 'invalid-value', `'${arg(opt)}' is not a port or port range`);
      else others.push(eq(`ct ${what}`, rangeText(r[0], r[1]), opt.negated, optRange(opt)));
    }
    return state ? stateStmts(state, ctx, before, others) : [...before, ...others];
  },
};

export const state: MatchTranslator = {
  names: ['state'],
  translate(m, ctx) {
    const o = new ModuleOptions('state', m.options, ctx);
    const s = o.take('state');
    o.done();
    return s ? stateStmts(s, ctx) : [];
  },
};
