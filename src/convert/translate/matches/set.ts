/** -m set --match-set NAME src[,dst...] → `ip saddr @NAME`, with the set declared from the ipset dump. */
import { ModuleOptions, optRange, type MatchTranslator } from '../context';
import { raw } from '../nft-build';
import { ipsetUse } from '../ipset-use';

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
    const use = ipsetUse(ms, ctx, 'match');
    if (!use) return [];
    return [raw(`${use.key} ${ms.negated ? '!= ' : ''}@${use.nftName}`, optRange(ms))];
  },
};
