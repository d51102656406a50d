/** ebtables targets (dnat, snat, redirect, mark) and the arptables mangle target; each carries its own verdict. */
import type { OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type RuleContext, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { formatIPv4, formatMac, hexOf, parseIPv4, parseMac, parseUint } from '../values';

/** `--xxx-target ACCEPT|DROP|RETURN|CONTINUE` → its verdict statement (none for CONTINUE where the reference prints none). */
function verdictOf(o: OptionNode | undefined, ctx: RuleContext, continueText: string): Stmt[] | undefined {
  const v = o ? arg(o).toUpperCase() : 'ACCEPT';
  switch (v) {
    case 'ACCEPT':
      return [raw('accept', o?.range)];
    case 'DROP':
      return [raw('drop', o?.range)];
    case 'RETURN':
      return [raw('return', o?.range)];
    case 'CONTINUE':
      return continueText ? [raw(continueText, o?.range)] : [];
    default:
      ctx.unsupported(o!.range, 'invalid-value', `'${arg(o!)}' is not ACCEPT, DROP, RETURN or CONTINUE`);
      return undefined;
  }
}

function macTarget(name: string, sel: 'saddr' | 'daddr', toNames: string[], targetOpt: string): TargetTranslator {
  return {
    names: [name],
    families: ['bridge'],
    translate(t, ctx) {
      const o = new ModuleOptions(name, t.options, ctx, 'target');
      const to = o.take(...toNames);
      const tg = o.take(targetOpt);
      const arp = o.take('snat-arp');
      o.done();
      if (!to) return [];
      const mac = parseMac(arg(to));
      if (!mac) {
        ctx.unsupported(to.range, 'invalid-value', `'${arg(to)}' is not a MAC address`);
        return [];
      }
      const out: Stmt[] = [raw(`ether ${sel} set ${formatMac(mac, false)}`, optRange(to))];
      if (arp) out.push(raw(`arp saddr ether set ${formatMac(mac, false)}`, optRange(arp)));
      const v = verdictOf(tg, ctx, 'continue');
      return v ? [...out, ...v] : [];
    },
  };
}

export const ebDnat = macTarget('dnat', 'daddr', ['to-destination', 'to-dst'], 'dnat-target');
export const ebSnat = macTarget('snat', 'saddr', ['to-source', 'to-src'], 'snat-target');

export const ebRedirect: TargetTranslator = {
  names: ['redirect'],
  families: ['bridge'],
  translate(t, ctx) {
    const o = new ModuleOptions('redirect', t.options, ctx, 'target');
    const tg = o.take('redirect-target');
    o.done();
    const v = verdictOf(tg, ctx, '');
    return v ? [raw('meta pkttype set host', t.range), ...v] : [];
  },
};

export const ebMark: TargetTranslator = {
  names: ['mark'],
  families: ['bridge'],
  translate(t, ctx) {
    const o = new ModuleOptions('mark', t.options, ctx, 'target');
    const set = o.take('set-mark', 'mark-set');
    const or = o.take('mark-or');
    const and = o.take('mark-and');
    const xor = o.take('mark-xor');
    const tg = o.take('mark-target');
    o.done();
    const node = set ?? or ?? and ?? xor;
    if (!node) return [];
    const n = parseUint(arg(node));
    if (n === undefined) {
      ctx.unsupported(node.range, 'invalid-value', `'${arg(node)}' is not a mark value`);
      return [];
    }
    const e = node === set ? hexOf(n) : `meta mark ${node === or ? 'or' : node === and ? 'and' : 'xor'} ${hexOf(n)}`;
    const v = verdictOf(tg, ctx, 'continue');
    return v ? [raw(`meta mark set ${e}`, optRange(node)), ...v] : [];
  },
};

export const arpMangle: TargetTranslator = {
  names: ['mangle'],
  families: ['arp'],
  translate(t, ctx) {
    const o = new ModuleOptions('mangle', t.options, ctx, 'target');
    const ips = o.take('mangle-ip-s');
    const ipd = o.take('mangle-ip-d');
    const macs = o.take('mangle-mac-s');
    const macd = o.take('mangle-mac-d');
    const tg = o.take('mangle-target');
    o.done();
    const out: Stmt[] = [];
    for (const [opt, dir] of [[ips, 'saddr'], [ipd, 'daddr']] as const) {
      if (!opt) continue;
      const a = parseIPv4(arg(opt));
      if (a === undefined) {
        ctx.unsupported(opt.range, 'invalid-value', `'${arg(opt)}' is not an IPv4 address`);
        return [];
      }
      out.push(raw(`arp ${dir} ip set ${formatIPv4(a)}`, optRange(opt)));
    }
    for (const [opt, dir] of [[macs, 'saddr'], [macd, 'daddr']] as const) {
      if (!opt) continue;
      const m = parseMac(arg(opt));
      if (!m) {
        ctx.unsupported(opt.range, 'invalid-value', `'${arg(opt)}' is not a MAC address`);
        return [];
      }
      out.push(raw(`arp ${dir} ether set ${formatMac(m)}`, optRange(opt)));
    }
    const v = verdictOf(tg, ctx, '');
    return v ? [...out, ...v] : [];
  },
};
