/** -m hashlimit: a meter keyed by the hashed fields with a per-key limit. */
import { arg, ModuleOptions, type MatchTranslator } from '../context';
import { raw } from '../nft-build';
import { formatIPv4, formatIPv6, cidrToMask4, cidrToMask6, parseUint } from '../values';
import { parseRate, rateText } from './limit';

const SCALE = 1000000;

function bytesRate(t: string): { n: number; unit: string } | undefined {
  const m = /^([0-9]+)(b|kb|mb)(\/(s|sec|second|m|min|minute|h|hour|d|day))?$/i.exec(t);
  if (!m) return undefined;
  return { n: Number(m[1]), unit: m[2]!.toLowerCase() === 'b' ? '' : m[2]!.toLowerCase()[0]! };
}

export const hashlimit: MatchTranslator = {
  names: ['hashlimit'],
  translate(m, ctx) {
    const o = new ModuleOptions('hashlimit', m.options, ctx);
    const upto = o.take('hashlimit-upto', 'hashlimit');
    const above = o.take('hashlimit-above');
    const burst = o.take('hashlimit-burst');
    const mode = o.take('hashlimit-mode');
    const name = o.take('hashlimit-name');
    const srcmask = o.take('hashlimit-srcmask');
    const dstmask = o.take('hashlimit-dstmask');
    const expire = o.take('hashlimit-htable-expire');
    for (const dropped of o.takeAll('hashlimit-htable-size', 'hashlimit-htable-max', 'hashlimit-htable-gcinterval', 'hashlimit-rate-match', 'hashlimit-rate-interval')) {
      ctx.approximate(dropped.range, 'match-option-dropped', `${dropped.flag.text} has no nft meter counterpart and was dropped`);
    }
    o.done();
    const rate = above ?? upto;
    if (!rate || !name) {
      ctx.unsupported(m.range, 'invalid-value', 'hashlimit needs --hashlimit-upto/--hashlimit-above and --hashlimit-name');
      return [];
    }
    const v6 = ctx.l3 === 'ip6';
    const keys: string[] = [];
    const modes = mode ? arg(mode).split(',') : [];
    const sub = (bits: number) => (v6 ? formatIPv6(cidrToMask6(bits)) : formatIPv4(cidrToMask4(bits)));
    const full = v6 ? 128 : 32;
    const dm = dstmask ? parseUint(arg(dstmask), full) ?? full : full;
    const sm = srcmask ? parseUint(arg(srcmask), full) ?? full : full;
    const ip = v6 ? 'ip6' : 'ip';
    const proto = ctx.protocol?.number === 17 ? 'udp' : 'tcp';
    for (const [flag, text] of [
      ['dstip', `${ip} daddr${dm !== full ? ` and ${sub(dm)}` : ''}`],
      ['dstport', `${proto} dport`],
      ['srcip', `${ip} saddr${sm !== full ? ` and ${sub(sm)}` : ''}`],
      ['srcport', `${proto} sport`],
    ] as const) {
      if (modes.includes(flag)) keys.push(text);
    }
    const parts = [`meter ${arg(name)} {`];
    if (keys.length) parts.push(keys.join(' . '));
    const br = bytesRate(arg(rate));
    let timeout: number | undefined;
    if (expire) timeout = Math.floor((parseUint(arg(expire)) ?? 0) / 1000);
    else if (br) timeout = burst ? 60 : 15;
    if (timeout !== undefined) parts.push(`timeout ${timeout}s`);
    parts.push(`limit rate${above ? ' over' : ''}`);
    if (br) {
      parts.push(`${br.n} ${br.unit}bytes/second`);
      if (burst) {
        const bb = bytesRate(arg(burst));
        if (bb) parts.push(`burst ${bb.n} ${bb.unit}bytes`);
      }
    } else {
      const period = parseRate(arg(rate), SCALE);
      if (period === undefined) {
        ctx.unsupported(rate.range, 'invalid-value', `'${arg(rate)}' is not a valid rate`);
        return [];
      }
      parts.push(rateText(period, SCALE));
      const b = burst ? parseUint(arg(burst)) : 5;
      if (b !== undefined && b !== 5) parts.push(`burst ${b} packets`);
    }
    parts.push('}');
    return [raw(parts.join(' '), m.range)];
  },
};
