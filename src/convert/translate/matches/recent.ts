/**
 * -m recent (xt_recent) → dynamic nft sets. An xt_recent list keeps, per address, the times it
 * was seen; a test asks "seen within S seconds?". nft sets cannot hold times, but an element
 * can time out: so each age S that a list's tests ask for (InputFacts.recent, from the whole
 * input) becomes a set `recent_NAME_Ss` whose elements last S seconds, and a test of any age
 * (no --seconds, --remove) a set `recent_NAME` without timeouts. Every set of the list is
 * refreshed where xt_recent stamps the entry:
 *   --set              update @each { ip saddr }
 *   --rcheck [--seconds S]   ip saddr @recent_NAME_Ss (or @recent_NAME)
 *   --update [--seconds S]   the same test, then update @each (only a matching packet stamps)
 *   --remove           ip saddr @recent_NAME, then delete @each
 * "Seen within S" is "stamped within S", and the newest stamp is the last --set or --update:
 * exactly an element refreshed then with a timeout of S. What sets cannot count, --hitcount
 * (at least N stamps within S), becomes a per-address rate limit (approximated, see hitRate);
 * --rttl and inverted --set/--update/--remove, whose side effects depend on the inversion, are
 * refused.
 */
import type { OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { raw } from '../nft-build';
import { parseIPv4, parseUint } from '../values';

const MAX_SECONDS = 0xffffffff / 1000;

/** nft set names: letters, digits and `_` (list names may hold anything printable). */
function setName(list: string, seconds?: number): string {
  const base = `recent_${list.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return seconds === undefined ? base : `${base}_${seconds}s`;
}

/** 2nd, 3rd, 4th, 11th, 21st... */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** `N/unit` for N hits in S seconds, exact when S is a unit, else rounded per minute. */
function rateOf(n: number, secs: number): { text: string; exact: boolean } {
  for (const [unit, len] of [['second', 1], ['minute', 60], ['hour', 3600], ['day', 86400], ['week', 604800]] as const) {
    if (secs === len) return { text: `${n}/${unit}`, exact: true };
  }
  return { text: `${Math.max(1, Math.round((n * 60) / secs))}/minute`, exact: false };
}

/**
 * --hitcount H --seconds S (at least H sightings within S seconds): sets cannot count
 * sightings, so the address gets a token bucket of its own instead, H-1 packets per S seconds
 * and a burst of H-1, in a set whose elements go after S seconds without a packet: the H-th
 * packet in a burst is over the rate, as the H-th sighting is. Approximated: the bucket
 * refills steadily, so under a steady stream one packet in every S/(H-1) seconds passes where
 * xt_recent, which stamps every attempt, keeps refusing; and the bucket counts the packets
 * that reach this rule, where xt_recent counts the list's --set and --update stamps (the same
 * packets in the usual pair of rules).
 */
function hitRate(ctx: RuleContext, op: OptionNode, hitcount: OptionNode, key: string, list: string, hits: number, secs: number, v6: boolean): Stmt {
  const rate = rateOf(hits - 1, secs);
  const name = `${setName(list)}_${hits}in${secs}s`;
  ctx.services.declare({ kind: 'set', name, type: [v6 ? 'ipv6_addr' : 'ipv4_addr'], flags: ['dynamic', 'timeout'], timeout: `${secs}s`, origin: op.range });
  ctx.approximate(
    optRange(hitcount),
    'recent-hitcount-rate',
    `--hitcount ${hits} --seconds ${secs}: nft sets cannot count sightings; each address gets a rate limit instead (over ${rate.text}${rate.exact ? '' : ` rounded from ${hits - 1} in ${secs} s`}, burst ${hits - 1}) in set ${name}: the ${ordinal(hits)} packet of a burst is refused as before, but under a steady stream one packet per ${Math.round(secs / (hits - 1))} s gets through, where xt_recent kept refusing`,
    { match: 'recent', list },
  );
  return raw(`update @${name} { ${key} limit rate over ${rate.text} burst ${hits - 1} packets }`, optRange(op));
}

export const recent: MatchTranslator = {
  names: ['recent'],
  families: ['ip', 'ip6', 'inet'],
  translate(m, ctx) {
    const o = new ModuleOptions('recent', m.options, ctx);
    const nameOpt = o.take('name');
    const ops = o.takeAll('set', 'rcheck', 'update', 'remove');
    const rdest = o.take('rdest');
    o.take('rsource');
    const seconds = o.take('seconds');
    const reap = o.take('reap');
    const hitcount = o.take('hitcount');
    const rttl = o.take('rttl');
    const mask = o.take('mask');
    o.done();
    const refuse = (at: Parameters<typeof optRange>[0] | undefined, why: string) => {
      ctx.unsupported(at ? optRange(at) : m.name.range, 'recent-unsupported', why, { match: 'recent' });
      return [];
    };
    if (ops.length !== 1) return refuse(ops[1], '-m recent needs exactly one of --set, --rcheck, --update and --remove');
    const op = ops[0]!;
    const kind = op.name as 'set' | 'rcheck' | 'update' | 'remove';
    const list = nameOpt ? arg(nameOpt) : 'DEFAULT';
    const facts = ctx.services.facts.recentList(ctx.l3, list);
    if (!facts) return refuse(op, `recent list ${list}: not found in the input's prescan`);
    if (facts.tables.size > 1) {
      return refuse(op, `recent list ${list} is used in tables ${[...facts.tables].join(' and ')}: xt_recent lists are shared by all tables, nft sets belong to one table. Keep the list in one table, or record the address in each table's own set`);
    }
    if (rttl) return refuse(rttl, '--rttl compares the TTL an address was recorded with; nft sets cannot keep it (a concatenation `ip saddr . ip ttl` would record each TTL apart)');
    if (op.negated && kind !== 'rcheck') return refuse(op, `! ${op.flag.text}: an inverted ${op.flag.text} changes the list when the address is not found (or found too old), which nft set statements cannot tell apart`);
    let secs: number | undefined;
    if (seconds) {
      secs = parseUint(arg(seconds));
      if (secs === undefined || secs > MAX_SECONDS) return refuse(seconds, `--seconds needs a number of seconds, not '${arg(seconds)}'`);
      if (secs === 0) secs = undefined;
      if (kind === 'set' || kind === 'remove') ctx.note(optRange(seconds), 'match-option-dropped', `--seconds has no effect with ${op.flag.text}`);
    }
    let hits = 0;
    if (hitcount) {
      const h = parseUint(arg(hitcount));
      if (h === undefined) return refuse(hitcount, `--hitcount needs a number, not '${arg(hitcount)}'`);
      hits = h;
      if (hits > 1 && (kind === 'set' || kind === 'remove')) ctx.note(optRange(hitcount), 'match-option-dropped', `--hitcount has no effect with ${op.flag.text}`);
      if (hits > 1 && (kind === 'rcheck' || kind === 'update') && (secs === undefined || op.negated)) {
        return refuse(hitcount, `--hitcount ${hits}${op.negated ? ' inverted' : ' without --seconds'}: nft sets cannot count how often an address was seen; with --seconds it becomes a per-address rate limit`);
      }
    }
    if (reap && kind !== 'rcheck' && kind !== 'update') ctx.note(optRange(reap), 'match-option-dropped', '--reap only applies to --rcheck and --update');
    // nft elements time out on their own: --reap (forgetting old stamps) changes nothing here.
    const v6 = ctx.l3 === 'ip6';
    let key = `${v6 ? 'ip6' : 'ip'} ${rdest ? 'daddr' : 'saddr'}`;
    if (mask) {
      const all = v6 ? /^(f{1,4}:){7}f{1,4}$/i.test(arg(mask)) : parseIPv4(arg(mask)) === 0xffffffff;
      if (v6 && !all) return refuse(mask, '--mask for IPv6 lists is not translated; mask the address with a prefix instead');
      if (!v6 && parseIPv4(arg(mask)) === undefined) return refuse(mask, `--mask needs an IPv4 netmask, not '${arg(mask)}'`);
      if (!all) key = `${key} and ${arg(mask)}`;
    }
    if (hits > 1 && (kind === 'rcheck' || kind === 'update') && secs !== undefined) return [hitRate(ctx, op, hitcount!, key, list, hits, secs, v6)];
    // The list's sets: one per age its tests ask for, and one of any age when a test needs it
    // (or when nothing tests the list: then it still records, as xt_recent would).
    const ages = [...facts.seconds].sort((a, b) => a - b);
    const anyAge = facts.anyAge || ages.length === 0;
    const type = v6 ? 'ipv6_addr' : 'ipv4_addr';
    const sets: string[] = [];
    if (anyAge) sets.push(ctx.services.declare({ kind: 'set', name: setName(list), type: [type], flags: ['dynamic'], origin: op.range }));
    for (const s of ages) sets.push(ctx.services.declare({ kind: 'set', name: setName(list, s), type: [type], flags: ['dynamic', 'timeout'], timeout: `${s}s`, origin: op.range }));
    // Said where the list is fed (said on every test too, it would repeat on every rule of a list).
    if (kind === 'set') ctx.note(
      m.name.range,
      'recent-as-sets',
      `recent list ${list} is kept in nft set${sets.length > 1 ? 's' : ''} ${sets.join(', ')}: up to 65535 addresses (xt_recent keeps the newest 100 by default, its ip_list_tot), listed with \`nft list set\` and changed with \`nft add/delete element\` instead of /proc/net/xt_recent/${list}`,
      { match: 'recent', list },
    );
    const each = (verb: 'update' | 'delete') => sets.map((s) => `${verb} @${s} { ${key} }`).join(' ');
    const tested = setName(list, kind === 'rcheck' || kind === 'update' ? secs : undefined);
    const at = optRange(op);
    switch (kind) {
      case 'set':
        return [raw(each('update'), at)];
      case 'rcheck':
        return [raw(`${key} ${op.negated ? '!= ' : ''}@${tested}`, at)];
      case 'update':
        return [raw(`${key} @${tested} ${each('update')}`, at)];
      case 'remove':
        return [raw(`${key} @${setName(list)} ${each('delete')}`, at)];
    }
  },
};
