/**
 * Name → translator, per family. Adding `-m foo` means one module under matches/ and one
 * line here; its tests mirror libxt_foo.txlate.
 */
import type { Family } from '../ast/nft';
import type { MatchTranslator, TargetTranslator } from './context';
import { comment } from './matches/comment';
import { connlimit } from './matches/connlimit';
import { conntrack, state } from './matches/conntrack';
import { ebAmong, ebArp, ebIp, ebIp6, ebLimit, ebLog, ebNflog, ebVlan } from './matches/ebtables';
import { hashlimit } from './matches/hashlimit';
import { icmp, icmp6 } from './matches/icmp';
import { limit } from './matches/limit';
import { mac } from './matches/mac';
import { connmark, ebMark, mark } from './matches/mark';
import { physdev } from './matches/physdev';
import { recent } from './matches/recent';
import { dccp, multiport, sctp, tcp, udp, udplite } from './matches/ports';
import { set } from './matches/set';
import * as simple from './matches/simple';
import { time } from './matches/time';
import { CT, NOTRACK } from './targets/ct';
import { arpMangle, ebDnat, ebMark as ebMarkTarget, ebRedirect, ebSnat } from './targets/ebtables';
import { AUDIT, LOG, NFLOG } from './targets/log';
import { CONNMARK, MARK } from './targets/mark';
import * as misc from './targets/misc';
import { DNAT, MASQUERADE, NETMAP, REDIRECT, SNAT } from './targets/nat';
import { REJECT } from './targets/reject';
import { SET } from './targets/set';
export { KNOWN_UNSUPPORTED_MATCHES, KNOWN_UNSUPPORTED_TARGETS } from './matches/unsupported';

const MATCHES: MatchTranslator[] = [
  tcp, udp, udplite, sctp, dccp, multiport, icmp, icmp6, conntrack, state, mark, connmark, comment, mac, limit,
  hashlimit, connlimit, set, physdev, time, recent,
  simple.addrtype, simple.cgroup, simple.cluster, simple.connbytes, simple.connlabel, simple.cpu, simple.devgroup,
  simple.dscp, simple.tos, simple.ecn, simple.esp, simple.ah, simple.ipcomp, simple.frag, simple.hbh, simple.dst, simple.rt,
  simple.mh, simple.ttl, simple.hl, simple.helper, simple.iprange, simple.length, simple.owner, simple.pkttype,
  simple.policy, simple.quota, simple.rpfilter, simple.socket, simple.statistic, simple.tcpmss, simple.realm,
  // ebtables (bridge family) translators come after the generic ones of the same name
  ebIp, ebIp6, ebVlan, ebLog, ebNflog, ebLimit, ebArp, ebMark, ebAmong,
];

const TARGETS: TargetTranslator[] = [
  LOG, NFLOG, AUDIT, REJECT, SNAT, DNAT, MASQUERADE, REDIRECT, NETMAP, MARK, CONNMARK, CT, NOTRACK,
  misc.CLASSIFY, misc.DSCP, misc.TOS, misc.NFQUEUE, misc.SYNPROXY, misc.TCPMSS, misc.TCPOPTSTRIP, misc.TEE, misc.TPROXY, misc.TRACE,
  misc.TTL, misc.HL, SET, ebDnat, ebSnat, ebRedirect, ebMarkTarget, arpMangle,
];

function fits(t: { families?: readonly Family[] }, family: Family): boolean {
  return !t.families || t.families.includes(family);
}

/** Family-specific translators win over generic ones (ebtables `ip` vs nothing, `limit`...). */
function pick<T extends { names: readonly string[]; families?: readonly Family[] }>(list: T[], name: string, family: Family): T | undefined {
  const candidates = list.filter((t) => t.names.includes(name) && fits(t, family));
  return candidates.find((t) => t.families?.includes(family)) ?? candidates[0];
}

// Per family, then per name: no key string is built for each look-up (one per match and target of every rule).
const matchCache = new Map<Family, Map<string, MatchTranslator | null>>();
const targetCache = new Map<Family, Map<string, TargetTranslator | null>>();

function cachedPick<T extends { names: readonly string[]; families?: readonly Family[] }>(cache: Map<Family, Map<string, T | null>>, list: T[], name: string, family: Family): T | undefined {
  let byName = cache.get(family);
  if (!byName) cache.set(family, (byName = new Map()));
  let t = byName.get(name);
  if (t === undefined) byName.set(name, (t = pick(list, name, family) ?? null));
  return t ?? undefined;
}

export function findMatch(name: string, family: Family): MatchTranslator | undefined {
  return cachedPick(matchCache, MATCHES, name, family);
}

export function findTarget(name: string, family: Family): TargetTranslator | undefined {
  return cachedPick(targetCache, TARGETS, name, family);
}

/** Every registered name (for documentation and completion). */
export function registeredNames(): { matches: string[]; targets: string[] } {
  return { matches: [...new Set(MATCHES.flatMap((m) => m.names))], targets: [...new Set(TARGETS.flatMap((t) => t.names))] };
}
