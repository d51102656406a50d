/** -m set --match-set NAME src[,dst...] → `ip saddr @NAME`, with the set declared from the ipset dump. */
import { arg, ModuleOptions, optRange, type MatchTranslator } from '../context';
import { raw } from '../nft-build';
import { nftIdentifierFor } from '../../nft/identifiers';
import { dimensionsOf, inferredUpdatedSet, nftSetName, nftTypeOf, selectorsOf, setDeclOf, type Dimension } from '../sets';

export const set: MatchTranslator = {
  names: ['set'],
  families: ['ip', 'ip6', 'bridge', 'inet'],
  translate(m, ctx) {
    const o = new ModuleOptions('set', m.options, ctx);
    const ms = o.take('match-set', 'set');
    for (const x of o.takeAll('return-nomatch', 'update-counters', 'update-subcounters', 'bytes-eq', 'bytes-gt', 'bytes-lt', 'packets-eq', 'packets-gt', 'packets-lt', 'update-counters-first')) {
      if (x.name === 'update-counters' || x.name === 'update-subcounters') ctx.approximate(x.range, 'match-option-dropped', `${x.flag.text} dropped: nft set element counters are not updated by lookups`);
      else ctx.unsupported(x.range, 'unsupported-option', `${x.flag.text} has no nft translation`);
    }
    o.take('no-update-counters', 'no-update-subcounters', 'skip-counter-update', 'skip-subcounter-update');
    o.done();
    if (!ms) return [];
    const name = arg(ms, 0);
    const flags = arg(ms, 1).split(',').map((f) => f.toLowerCase());
    if (!name || flags.some((f) => f !== 'src' && f !== 'dst')) {
      ctx.unsupported(ms.range, 'invalid-value', `--match-set needs a set name and src/dst flags, not '${arg(ms, 0)} ${arg(ms, 1)}'`);
      return [];
    }
    const v6 = ctx.l3 === 'ip6';
    const info = ctx.services.ipsets.get(name);
    let dims: Dimension[];
    let bitmapPort = false;
    if (info) {
      const d = dimensionsOf(info.type);
      if (!d) {
        ctx.unsupported(ms.range, 'ipset-unsupported-type', `ipset ${name} is of type ${info.type}, which has no nft set equivalent (list:set: match each member set in its own rule)`, { set: name });
        return [];
      }
      dims = d;
      bitmapPort = info.type.startsWith('bitmap:') && d[0] === 'port';
      if ((info.family === 'inet6') !== v6 && dims.some((x) => x === 'ip' || x === 'net')) {
        ctx.unsupported(ms.range, 'ipset-type-mismatch', `ipset ${name} holds ${info.family === 'inet6' ? 'IPv6' : 'IPv4'} addresses but the rule is ${v6 ? 'IPv6' : 'IPv4'}`, { set: name });
        return [];
      }
      const { decl, problems } = setDeclOf(info, info.range, ctx.services.facts.updatedSets.has(name));
      for (const p of problems) ctx.approximate(ms.range, 'ipset-option-dropped', `ipset ${name}: ${p}`, { set: name });
      if (decl) ctx.services.declare(decl);
    } else {
      dims = flags.map(() => 'net');
      ctx.approximate(
        ms.range,
        'ipset-not-found',
        `ipset ${name} is not in any ipset dump given: declared as an empty set of type ${nftTypeOf(dims, v6).join(' . ')}; give the \`ipset save\` output (--ipset FILE) to fill it`,
        { set: name },
      );
      if (ctx.services.facts.updatedSets.has(name)) ctx.services.declare(inferredUpdatedSet(name, dims, v6, ms.range));
      else {
        const decl = { kind: 'set' as const, name: nftIdentifierFor(name), type: nftTypeOf(dims, v6), flags: ['interval'], origin: ms.range };
        ctx.services.declare(dims.length === 1 ? { ...decl, autoMerge: true } : decl);
      }
    }
    if (flags.length < dims.length) {
      ctx.unsupported(ms.range, 'ipset-type-mismatch', `ipset ${name} has ${dims.length} dimensions but the rule gives ${flags.length} flags`, { set: name });
      return [];
    }
    const selectors = dims.flatMap((d, i) => selectorsOf(d, flags[i] as 'src' | 'dst', v6, bitmapPort));
    return [raw(`${selectors.join(' . ')} ${ms.negated ? '!= ' : ''}@${nftSetName(name, ms.range, ctx)}`, optRange(ms))];
  },
};
