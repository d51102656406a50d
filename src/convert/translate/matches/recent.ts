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
 * (at least N stamps within S), is refused with the nft idiom for it; so are --rttl and
 * inverted --set/--update/--remove, whose side effects depend on the inversion.
 */
import { arg, ModuleOptions, optRange, type MatchTranslator } from '../context';
import { raw } from '../nft-build';
import { parseIPv4, parseUint } from '../values';

const MAX_SECONDS = 0xffffffff / 1000;

/** nft set names: letters, digits and `_` (list names may hold anything printable). */
function setName(list: string, seconds?: number): string {
  const base = `recent_${list.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return seconds === undefined ? base : `${base}_${seconds}s`;
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
    if (hitcount) {
      const hits = parseUint(arg(hitcount));
      if (hits === undefined) return refuse(hitcount, `--hitcount needs a number, not '${arg(hitcount)}'`);
      if (hits > 1) {
        return refuse(
          hitcount,
          `--hitcount ${hits}: nft sets cannot count how often an address was seen within a time. The nft idiom rate-limits per address instead (a token bucket, not a sliding window): \`add @meter { ip saddr limit rate over ${hits - 1}/minute }\` in a set declared \`flags dynamic\``,
        );
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
