/** -m connlimit: a dynamic set per address (or prefix) with `ct count`. */
import { arg, ModuleOptions, type MatchTranslator } from '../context';
import { raw } from '../nft-build';
import { cidrToMask4, cidrToMask6, formatIPv4, formatIPv6, parseUint } from '../values';

export const connlimit: MatchTranslator = {
  names: ['connlimit'],
  families: ['ip', 'ip6'],
  translate(m, ctx) {
    const o = new ModuleOptions('connlimit', m.options, ctx);
    const upto = o.take('connlimit-upto');
    const above = o.take('connlimit-above');
    const mask = o.take('connlimit-mask');
    const daddr = o.take('connlimit-daddr');
    o.take('connlimit-saddr');
    o.done();
    const lim = above ?? upto;
    const n = lim ? parseUint(arg(lim)) : undefined;
    if (!lim || n === undefined) {
      ctx.unsupported(m.range, 'invalid-value', 'connlimit needs --connlimit-upto N or --connlimit-above N');
      return [];
    }
    const v6 = ctx.l3 === 'ip6';
    const full = v6 ? 128 : 32;
    const bits = mask ? parseUint(arg(mask), full) : full;
    if (bits === undefined) {
      ctx.unsupported(mask!.range, 'invalid-value', `'${arg(mask!)}' is not a prefix length`);
      return [];
    }
    const name = ctx.services.freshName('connlimit');
    ctx.services.declare({ kind: 'set', name, type: [v6 ? 'ipv6_addr' : 'ipv4_addr'], flags: ['dynamic'], origin: m.range });
    const key = `${v6 ? 'ip6' : 'ip'} ${daddr ? 'daddr' : 'saddr'}${bits !== full ? ` and ${v6 ? formatIPv6(cidrToMask6(bits)) : formatIPv4(cidrToMask4(bits))}` : ''}`;
    return [raw(`add @${name} { ${key} ct count ${above ? 'over ' : ''}${n} }`, m.range)];
  },
};
