/**
 * What a rule needs of the ipset it names (`-m set --match-set NAME FLAGS`, `-j SET --add-set
 * NAME FLAGS`): the set declared in the table, from the ipset dump or inferred from the flags,
 * its nft name, and the key its flags select (`ip saddr . th dport`). Undefined once it has
 * said why the rule cannot use the set.
 */
import type { OptionNode } from '../ast/iptables';
import { nftIdentifierFor } from '../nft/identifiers';
import { arg, optRange, type RuleContext } from './context';
import { dimensionsOf, inferredUpdatedSet, nftSetName, nftTypeOf, selectorsOf, setDeclOf, type Dimension } from './sets';

export interface IpsetUse {
  /** The selectors of the set's dimensions, in order: `ip saddr`, `ip saddr . meta l4proto . th dport`. */
  readonly key: string;
  readonly nftName: string;
  /** Whether the set's elements can carry a timeout. */
  readonly timeouts: boolean;
}

/**
 * `role`: a match looks the key up; a target (SET) adds or deletes it, so the set must be
 * dynamic, which an interval set cannot be. A matched set that a SET target elsewhere updates
 * (InputFacts.updatedSets) is declared dynamic too; the match's messages do not depend on it.
 */
export function ipsetUse(o: OptionNode, ctx: RuleContext, role: 'match' | 'target'): IpsetUse | undefined {
  // (a match's problems point at the option, a target's at the option with its `!`)
  const at = role === 'match' ? o.range : optRange(o);
  const name = arg(o, 0);
  const flags = arg(o, 1).split(',').map((f) => f.toLowerCase());
  if (!name || flags.some((f) => f !== 'src' && f !== 'dst')) {
    ctx.unsupported(at, 'invalid-value', `${o.flag.text} needs a set name and src/dst flags, not '${arg(o, 0)} ${arg(o, 1)}'`);
    return undefined;
  }
  const v6 = ctx.l3 === 'ip6';
  const updated = role === 'target' || ctx.services.facts.updatedSets.has(name);
  const info = ctx.services.ipsets.get(name);
  let dims: Dimension[];
  let bitmapPort = false;
  let timeouts = true;
  if (info) {
    const d = dimensionsOf(info.type);
    if (!d) {
      ctx.unsupported(at, 'ipset-unsupported-type', `ipset ${name} is of type ${info.type}, which has no nft set equivalent${role === 'match' ? ' (list:set: match each member set in its own rule)' : ''}`, { set: name });
      return undefined;
    }
    dims = d;
    bitmapPort = info.type.startsWith('bitmap:') && d[0] === 'port';
    if ((info.family === 'inet6') !== v6 && dims.some((x) => x === 'ip' || x === 'net')) {
      ctx.unsupported(at, 'ipset-type-mismatch', `ipset ${name} holds ${info.family === 'inet6' ? 'IPv6' : 'IPv4'} addresses but the rule is ${v6 ? 'IPv6' : 'IPv4'}`, { set: name });
      return undefined;
    }
    const { decl, problems } = setDeclOf(info, info.range, updated);
    if (role === 'target' && decl?.flags?.includes('interval')) {
      ctx.unsupported(
        at,
        'unsupported-option',
        `ipset ${name} holds ranges or prefixes, so its nft set has intervals, and nft cannot add to or delete from such a set from the packet path; keep the addresses this rule records in a set of their own (hash:ip)`,
        { set: name },
      );
      return undefined;
    }
    for (const p of problems) ctx.approximate(at, 'ipset-option-dropped', `ipset ${name}: ${p}`, { set: name });
    if (decl) ctx.services.declare(decl);
    timeouts = !!decl?.flags?.includes('timeout');
  } else {
    dims = flags.map(() => 'net');
    const type = nftTypeOf(dims, v6).join(' . ');
    ctx.approximate(
      at,
      'ipset-not-found',
      role === 'match'
        ? `ipset ${name} is not in any ipset dump given: declared as an empty set of type ${type}; give the \`ipset save\` output (--ipset FILE) to fill it`
        : `ipset ${name} is not in any ipset dump given: declared as an empty dynamic set of type ${type}; give the \`ipset save\` output (--ipset FILE) to declare it as it is`,
      { set: name },
    );
    if (updated) ctx.services.declare(inferredUpdatedSet(name, dims, v6, at));
    else {
      const decl = { kind: 'set' as const, name: nftIdentifierFor(name), type: nftTypeOf(dims, v6), flags: ['interval'], origin: at };
      ctx.services.declare(dims.length === 1 ? { ...decl, autoMerge: true } : decl);
    }
  }
  if (flags.length < dims.length) {
    ctx.unsupported(at, 'ipset-type-mismatch', `ipset ${name} has ${dims.length} dimensions but the rule gives ${flags.length} flags`, { set: name });
    return undefined;
  }
  const key = dims.flatMap((d, i) => selectorsOf(d, flags[i] as 'src' | 'dst', v6, bitmapPort)).join(' . ');
  return { key, nftName: nftSetName(name, at, ctx), timeouts };
}
