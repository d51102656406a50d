/** -m mark / -m connmark (and ebtables --mark): `mark and MASK == VALUE`. */
import type { OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { raw } from '../nft-build';
import { hexOf, parseValueMask } from '../values';

export function markTest(selector: string, o: OptionNode, ctx: RuleContext): Stmt[] {
  const vm = parseValueMask(arg(o));
  if (!vm) {
    ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not a mark value[/mask]`);
    return [];
  }
  const origin = optRange(o);
  if (vm.mask !== 0xffffffff) return [raw(`${selector} and ${hexOf(vm.mask)} ${o.negated ? '!=' : '=='} ${hexOf(vm.value)}`, origin)];
  return [raw(`${selector} ${o.negated ? '!= ' : ''}${hexOf(vm.value)}`, origin)];
}

export const mark: MatchTranslator = {
  names: ['mark'],
  families: ['ip', 'ip6', 'arp', 'inet'],
  translate(m, ctx) {
    const o = new ModuleOptions('mark', m.options, ctx);
    const v = o.take('mark');
    o.done();
    return v ? markTest('mark', v, ctx) : [];
  },
};

export const connmark: MatchTranslator = {
  names: ['connmark'],
  translate(m, ctx) {
    const o = new ModuleOptions('connmark', m.options, ctx);
    const v = o.take('mark');
    o.done();
    return v ? markTest('ct mark', v, ctx) : [];
  },
};

/** ebtables --mark [value][/mask]: `/mask` alone tests for any of the bits. */
export const ebMark: MatchTranslator = {
  names: ['mark_m', 'mark'],
  families: ['bridge'],
  translate(m, ctx) {
    const o = new ModuleOptions('mark_m', m.options, ctx);
    const v = o.take('mark');
    o.done();
    if (!v) return [];
    const t = arg(v);
    const origin = optRange(v);
    if (t.startsWith('/')) {
      const vm = parseValueMask('0' + t);
      if (!vm) return badMark(v, ctx);
      return [raw(`meta mark and ${hexOf(vm.mask)} ${v.negated ? '==' : '!='} 0`, origin)];
    }
    const vm = parseValueMask(t);
    if (!vm) return badMark(v, ctx);
    if (vm.hasMask) return [raw(`meta mark and ${hexOf(vm.mask)} ${v.negated ? '!=' : '=='} ${hexOf(vm.value)}`, origin)];
    return [raw(`meta mark ${v.negated ? '!= ' : ''}${hexOf(vm.value)}`, origin)];
  },
};

function badMark(o: OptionNode, ctx: RuleContext): Stmt[] {
  ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not a mark value[/mask]`);
  return [];
}
