/** -m limit (and ebtables --limit): `limit rate 3/minute burst 5 packets`. */
import type { OptionNode } from '../../ast/iptables';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { raw } from '../nft-build';
import { parseUint } from '../values';

const UNITS: [string[], number, string][] = [
  [['d', 'day'], 24 * 60 * 60, 'day'],
  [['h', 'hour'], 60 * 60, 'hour'],
  [['m', 'min', 'minute'], 60, 'minute'],
  [['s', 'sec', 'second'], 1, 'second'],
];

/** Parses `N[/unit]` into the kernel's period (scale units per packet), as iptables does. */
export function parseRate(text: string, scale: number): number | undefined {
  const [n, unit] = text.split('/');
  const r = parseUint(n ?? '');
  if (r === undefined || r === 0) return undefined;
  let mult = 1;
  if (unit !== undefined) {
    const u = unit.toLowerCase();
    const found = u === '' ? undefined : UNITS.find(([, , full]) => full.startsWith(u));
    if (!found) return undefined;
    mult = found[1];
  }
  return Math.floor((scale * mult) / r);
}

/** The reference's print_rate_xlate: the coarsest unit that still gives a whole number. */
export function rateText(period: number, scale: number): string {
  const rates = UNITS.map(([, mult, name]) => [name, scale * mult] as const);
  let i = 1;
  for (; i < rates.length; i++) {
    const mult = rates[i]![1];
    if (period > mult || Math.floor(mult / period) < mult % period) break;
  }
  const [name, mult] = rates[i - 1]!;
  return `${Math.floor(mult / period)}/${name}`;
}

export const LIMIT_SCALE = 10000;

export function limitStmt(rate: OptionNode | undefined, burst: OptionNode | undefined, ctx: RuleContext, fallback: OptionNode | undefined) {
  const period = rate ? parseRate(arg(rate), LIMIT_SCALE) : parseRate('3/hour', LIMIT_SCALE);
  const b = burst ? parseUint(arg(burst)) : 5;
  if (period === undefined || b === undefined) {
    const at = (period === undefined ? rate : burst) ?? fallback;
    if (at) ctx.unsupported(at.range, 'invalid-value', `'${arg(at)}' is not a valid rate or burst`);
    return [];
  }
  const origin = rate ? optRange(rate) : fallback ? optRange(fallback) : undefined;
  return [raw(`limit rate ${rateText(period, LIMIT_SCALE)}${b !== 0 ? ` burst ${b} packets` : ''}`, origin)];
}

export const limit: MatchTranslator = {
  names: ['limit'],
  translate(m, ctx) {
    const o = new ModuleOptions('limit', m.options, ctx);
    const rate = o.take('limit');
    const burst = o.take('limit-burst');
    o.done();
    return limitStmt(rate, burst, ctx, undefined).map((s) => (s.origin ? s : { ...s, origin: m.range }));
  },
};
