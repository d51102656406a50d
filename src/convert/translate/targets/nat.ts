/** SNAT, DNAT, MASQUERADE, REDIRECT: `snat to ADDR[-ADDR][:PORT[-PORT]] [random,fully-random,persistent]`. */
import type { TargetNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type RuleContext, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, parsePortRange, rangeText } from '../values';

function flagsText(o: ModuleOptions): string {
  const flags: string[] = [];
  if (o.take('random')) flags.push('random');
  if (o.take('random-fully')) flags.push('fully-random');
  if (o.take('persistent')) flags.push('persistent');
  return flags.length ? ` ${flags.join(',')}` : '';
}

/** `1.2.3.4-1.2.3.6:80-90`, `[fec0::1]:80`, `fec0::1-fec0::2`. */
function rangeSpec(text: string, v6: boolean): string | undefined {
  let addrs = text;
  let ports: string | undefined;
  if (v6) {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
    if (m) {
      addrs = m[1]!;
      ports = m[2];
    } else if (/^:/.test(text)) {
      addrs = '';
      ports = text.slice(1);
    }
  } else {
    const i = text.indexOf(':');
    if (i >= 0) {
      addrs = text.slice(0, i);
      ports = text.slice(i + 1);
    }
  }
  let a = '';
  if (addrs) {
    const [lo, hi] = addrs.split('-');
    const parse = (s: string | undefined) => (s === undefined ? undefined : v6 ? (parseIPv6(s) ? formatIPv6(parseIPv6(s)!) : undefined) : parseIPv4(s) !== undefined ? formatIPv4(parseIPv4(s)!) : undefined);
    const l = parse(lo);
    const h = hi === undefined ? l : parse(hi);
    if (l === undefined || h === undefined) return undefined;
    a = l === h ? l : `${l}-${h}`;
  }
  let p = '';
  if (ports !== undefined) {
    const r = parsePortRange(ports, '-');
    if (!r) return undefined;
    p = `:${rangeText(r[0], r[1])}`;
  }
  if (v6 && p && a) return `[${a}]${p}`;
  return a + p;
}

function nat(name: string, keyword: 'snat' | 'dnat', optNames: string[]): TargetTranslator {
  return {
    names: [name],
    families: ['ip', 'ip6', 'inet'],
    translate(t: TargetNode, ctx: RuleContext): Stmt[] {
      const o = new ModuleOptions(name, t.options, ctx, 'target');
      const to = o.take(...optNames);
      const flags = flagsText(o);
      o.done();
      if (!to) {
        ctx.unsupported(t.range, 'invalid-value', `${name} needs ${optNames.map((n) => `--${n}`)[0]}`);
        return [];
      }
      if (arg(to).includes('/')) {
        ctx.unsupported(to.range, 'unsupported-option', `${arg(to)}: shifted port maps (/BASE) are not supported by nft`);
        return [];
      }
      const spec = rangeSpec(arg(to), ctx.l3 === 'ip6');
      if (spec === undefined) {
        ctx.unsupported(to.range, 'invalid-value', `'${arg(to)}' is not an address[-address][:port[-port]]`);
        return [];
      }
      return [raw(`${keyword}${spec ? ` to ${spec}` : ''}${flags}`, optRange(to))];
    },
  };
}

export const SNAT = nat('SNAT', 'snat', ['to-source', 'to']);
export const DNAT = nat('DNAT', 'dnat', ['to-destination', 'to']);

function portsOnly(name: string, keyword: string): TargetTranslator {
  return {
    names: [name],
    families: ['ip', 'ip6', 'inet'],
    translate(t, ctx) {
      const o = new ModuleOptions(name, t.options, ctx, 'target');
      const ports = o.take('to-ports');
      const flags = flagsText(o);
      o.done();
      let p = '';
      if (ports) {
        const r = parsePortRange(arg(ports), '-');
        if (!r) {
          ctx.unsupported(ports.range, 'invalid-value', `'${arg(ports)}' is not a port or port range`);
          return [];
        }
        p = ` to :${rangeText(r[0], r[1])}`;
      }
      return [raw(`${keyword}${p}${flags}`, t.range)];
    },
  };
}

export const MASQUERADE = portsOnly('MASQUERADE', 'masquerade');
export const REDIRECT = portsOnly('REDIRECT', 'redirect');
