/** -m mac --mac-source: `ether saddr`. */
import { arg, ModuleOptions, optRange, type MatchTranslator } from '../context';
import { eq } from '../nft-build';
import { formatMac, parseMac } from '../values';

export const mac: MatchTranslator = {
  names: ['mac'],
  translate(m, ctx) {
    const o = new ModuleOptions('mac', m.options, ctx);
    const s = o.take('mac-source');
    o.done();
    if (!s) return [];
    const v = parseMac(arg(s));
    if (!v) {
      ctx.unsupported(s.range, 'invalid-value', `'${arg(s)}' is not a MAC address`);
      return [];
    }
    return [eq('ether saddr', formatMac(v), s.negated, optRange(s))];
  },
};
