/** SNAT, DNAT, MASQUERADE, REDIRECT: `snat to ADDR[-ADDR][:PORT[-PORT]] [random,fully-random,persistent]`. */
import type { TargetNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type RuleContext, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { formatIPv4, formatIPv6, maskToCidr4, maskToCidr6, parseIPv4, parseIPv4Net, parseIPv6, parseIPv6Net, parsePortRange, rangeText } from '../values';

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

/**
 * NETMAP --to PREFIX: the address keeps its host bits and takes the prefix's network bits, the
 * destination in PREROUTING and OUTPUT, the source in POSTROUTING and INPUT (the target picks by
 * hook). nft's `dnat prefix to` / `snat prefix to` maps the same way (NF_NAT_RANGE_NETMAP); it
 * has to be told which, so in a user chain, reached from any hook, it cannot be written.
 */
export const NETMAP: TargetTranslator = {
  names: ['NETMAP'],
  families: ['ip', 'ip6', 'inet'],
  translate(t, ctx) {
    const o = new ModuleOptions('NETMAP', t.options, ctx, 'target');
    const to = o.take('to');
    o.done();
    if (!to) {
      ctx.unsupported(t.range, 'invalid-value', 'NETMAP needs --to ADDRESS/PREFIX');
      return [];
    }
    const keyword = ctx.chain === 'PREROUTING' || ctx.chain === 'OUTPUT' ? 'dnat' : ctx.chain === 'POSTROUTING' || ctx.chain === 'INPUT' ? 'snat' : undefined;
    if (!keyword) {
      ctx.unsupported(t.name.range, 'unsupported-target', `NETMAP maps the destination or the source by the hook it runs in, which a rule in user chain ${ctx.chain} does not fix: write it in PREROUTING/OUTPUT (dnat prefix to) or POSTROUTING/INPUT (snat prefix to)`);
      return [];
    }
    let prefix: string | undefined;
    if (ctx.l3 === 'ip6') {
      const a = parseIPv6Net(arg(to));
      const bits = a ? maskToCidr6(a.mask) : -1;
      if (a && bits >= 0) prefix = `${formatIPv6(a.addr.map((g, i) => g & a.mask[i]!))}/${bits}`;
    } else {
      const a = parseIPv4Net(arg(to));
      const bits = a ? maskToCidr4(a.mask) : -1;
      if (a && bits >= 0) prefix = `${formatIPv4((a.addr & a.mask) >>> 0)}/${bits}`;
    }
    if (!prefix) {
      ctx.unsupported(to.range, 'invalid-value', `'${arg(to)}' is not an address with a prefix length or contiguous netmask`);
      return [];
    }
    return [raw(`${keyword} prefix to ${prefix}`, optRange(to))];
  },
};

export const MASQUERADE = portsOnly('MASQUERADE', 'masquerade');
export const REDIRECT = portsOnly('REDIRECT', 'redirect');
