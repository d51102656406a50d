/**
 * Matches that map one option to one nft selector test. Each is still its own translator
 * (its own names, options and diagnostics); they share this file because each is a few lines.
 */
import type { MatchNode, OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { raw } from '../nft-build';
import { formatIPv4, formatIPv6, hexOf, parseIPv4, parseIPv6, parseUint, parseValueMask, rangeText } from '../values';

function bad(o: OptionNode, ctx: RuleContext, what: string): Stmt[] {
  ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not ${what}`);
  return [];
}

/** `lo[:hi]` with a maximum. */
function numRange(t: string, max: number, sep = ':'): [number, number] | undefined {
  const [a, b] = t.split(sep);
  const lo = a === '' || a === undefined ? 0 : parseUint(a, max);
  const hi = b === undefined ? lo : b === '' ? max : parseUint(b, max);
  if (lo === undefined || hi === undefined) return undefined;
  return [lo, hi];
}

function neg(o: OptionNode): string {
  return o.negated ? '!= ' : '';
}

export const addrtype: MatchTranslator = {
  names: ['addrtype'],
  translate(m, ctx) {
    const TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
    const o = new ModuleOptions('addrtype', m.options, ctx);
    const src = o.take('src-type');
    const dst = o.take('dst-type');
    const iin = o.take('limit-iface-in');
    const iout = o.take('limit-iface-out');
    o.done();
    const out: Stmt[] = [];
    for (const [opt, dir] of [[src, 'saddr'], [dst, 'daddr']] as const) {
      if (!opt) continue;
      const names = arg(opt).toLowerCase().split(',');
      if (names.some((n) => !TYPES.includes(n))) return bad(opt, ctx, 'a list of address types (LOCAL, UNICAST, BROADCAST...)');
      const sorted = TYPES.filter((t) => names.includes(t));
      const v = sorted.length > 1 ? `{ ${sorted.join(', ')} }` : sorted[0]!;
      out.push(raw(`fib ${dir}${iin ? ' . iif' : iout ? ' . oif' : ''} type ${neg(opt)}${v}`, optRange(opt)));
    }
    return out;
  },
};

export const cgroup: MatchTranslator = {
  names: ['cgroup'],
  translate(m, ctx) {
    const o = new ModuleOptions('cgroup', m.options, ctx);
    const id = o.take('cgroup');
    const path = o.take('path');
    o.done();
    if (path) {
      return [raw(`socket cgroupv2 level ${arg(path).split('/').filter(Boolean).length} ${neg(path)}"${arg(path).replace(/^\//, '')}"`, optRange(path))];
    }
    if (!id) return [];
    const v = parseUint(arg(id));
    if (v === undefined) return bad(id, ctx, 'a cgroup class id');
    return [raw(`meta cgroup ${neg(id)}${v}`, optRange(id))];
  },
};

export const cluster: MatchTranslator = {
  names: ['cluster'],
  families: ['ip'],
  translate(m, ctx) {
    const o = new ModuleOptions('cluster', m.options, ctx);
    const total = o.take('cluster-total-nodes');
    const node = o.take('cluster-local-node');
    const nodemask = o.take('cluster-local-nodemask');
    const seed = o.take('cluster-hash-seed');
    o.done();
    const n = total ? parseUint(arg(total)) : undefined;
    let mask: number | undefined;
    if (node) {
      const k = parseUint(arg(node), 32);
      mask = k === undefined || k === 0 ? undefined : 2 ** (k - 1);
    } else if (nodemask) mask = parseUint(arg(nodemask));
    const s = seed ? parseUint(arg(seed)) : 0;
    if (n === undefined || mask === undefined || s === undefined || mask === 0) {
      ctx.unsupported(m.range, 'invalid-value', 'cluster needs --cluster-total-nodes, --cluster-local-node(mask) and a numeric seed');
      return [];
    }
    const bits: number[] = [];
    for (let i = 0; i < 32; i++) if (mask & 2 ** i) bits.push(i);
    const inv = (node ?? nodemask)!.negated;
    // Node N is hash value N-1 (xt_cluster: node_mask bit i ↔ hash i); the reference prints N for single nodes.
    const value = bits.length === 1 ? `${inv ? '!=' : 'eq'} ${bits[0]}` : `${inv ? '!= ' : ''}{ ${bits.join(', ')} }`;
    return [raw(`jhash ct original saddr mod ${n} seed ${hexOf(s)} ${value}`, m.range), raw('meta pkttype set host', m.range)];
  },
};

export const connbytes: MatchTranslator = {
  names: ['connbytes'],
  translate(m, ctx) {
    const o = new ModuleOptions('connbytes', m.options, ctx);
    const bytes = o.take('connbytes');
    const dir = o.take('connbytes-dir');
    const mode = o.take('connbytes-mode');
    o.done();
    if (!bytes || !dir || !mode) {
      ctx.unsupported(m.range, 'invalid-value', 'connbytes needs --connbytes, --connbytes-dir and --connbytes-mode');
      return [];
    }
    const r = numRange(arg(bytes), Number.MAX_SAFE_INTEGER);
    const d = arg(dir).toLowerCase();
    const md = arg(mode).toLowerCase();
    if (!r || !['original', 'reply', 'both'].includes(d) || !['packets', 'bytes', 'avgpkt'].includes(md)) return bad(bytes, ctx, 'a valid connbytes specification');
    const sel = `ct ${d === 'both' ? '' : d + ' '}${md}`;
    const b = arg(bytes);
    const openEnded = !b.includes(':') || b.endsWith(':');
    let test: string;
    if (openEnded) test = bytes.negated ? `lt ${r[0]}` : `ge ${r[0]}`;
    else test = `${neg(bytes)}${rangeText(r[0], r[1])}`;
    return [raw(`${sel} ${test}`, optRange(bytes))];
  },
};

export const connlabel: MatchTranslator = {
  names: ['connlabel'],
  translate(m, ctx) {
    const o = new ModuleOptions('connlabel', m.options, ctx);
    const label = o.take('label');
    const setIt = o.take('set');
    o.done();
    if (!label) return [];
    const n = arg(label);
    const out: Stmt[] = [];
    if (setIt) out.push(raw(`ct label set ${n}`, optRange(setIt)));
    out.push(raw(`ct label ${label.negated ? `and ${n} != ` : ''}${n}`, optRange(label)));
    return out;
  },
};

export const cpu: MatchTranslator = {
  names: ['cpu'],
  translate(m, ctx) {
    const o = new ModuleOptions('cpu', m.options, ctx);
    const c = o.take('cpu');
    o.done();
    if (!c) return [];
    const v = parseUint(arg(c));
    if (v === undefined) return bad(c, ctx, 'a CPU number');
    return [raw(`cpu ${neg(c)}${v}`, optRange(c))];
  },
};

export const devgroup: MatchTranslator = {
  names: ['devgroup'],
  translate(m, ctx) {
    const o = new ModuleOptions('devgroup', m.options, ctx);
    const src = o.take('src-group');
    const dst = o.take('dst-group');
    o.done();
    const out: Stmt[] = [];
    for (const [opt, sel] of [[src, 'iifgroup'], [dst, 'oifgroup']] as const) {
      if (!opt) continue;
      const vm = parseValueMask(arg(opt));
      if (!vm) return bad(opt, ctx, 'a device group[/mask]');
      if (vm.hasMask && vm.mask !== 0xffffffff) out.push(raw(`${sel} and ${hexOf(vm.mask)} ${opt.negated ? '!=' : '=='} ${hexOf(vm.value)}`, optRange(opt)));
      else out.push(raw(`${sel} ${neg(opt)}${hexOf(vm.value)}`, optRange(opt)));
    }
    return out;
  },
};

const DSCP_CLASSES: Record<string, number> = {
  cs0: 0, cs1: 8, cs2: 16, cs3: 24, cs4: 32, cs5: 40, cs6: 48, cs7: 56, be: 0, af11: 10, af12: 12, af13: 14, af21: 18,
  af22: 20, af23: 22, af31: 26, af32: 28, af33: 30, af41: 34, af42: 36, af43: 38, ef: 46,
};

export const dscp: MatchTranslator = {
  names: ['dscp'],
  families: ['ip', 'ip6'],
  translate(m, ctx) {
    const o = new ModuleOptions('dscp', m.options, ctx);
    const v = o.take('dscp');
    const cls = o.take('dscp-class');
    o.done();
    const opt = v ?? cls;
    if (!opt) return [];
    const n = v ? parseUint(arg(v), 63) : DSCP_CLASSES[arg(opt).toLowerCase()];
    if (n === undefined) return bad(opt, ctx, 'a DSCP value (0-63) or class');
    return [raw(`${ctx.l3 === 'ip6' ? 'ip6' : 'ip'} dscp ${neg(opt)}0x${n.toString(16).padStart(2, '0')}`, optRange(opt))];
  },
};

/** Symbolic --tos values (RFC 1349), as libxtables names them; they imply the mask 0x3f. */
const TOS_SYMBOLS: Record<string, number> = { 'minimize-delay': 0x10, 'maximize-throughput': 0x08, 'maximize-reliability': 0x04, 'minimize-cost': 0x02, 'normal-service': 0x00 };

/**
 * -m tos --tos VALUE[/MASK] (the whole TOS / traffic class byte, mask 0xff by default, 0x3f
 * for a symbolic name): nft names only its DSCP and ECN parts, so the byte is read raw, the
 * second of the IPv4 header, the 4 bits after the version in IPv6. The IPv6 byte straddles two
 * header bytes, and nft 1.0.6 compiles a mask on such a field wrongly (the mask lands on the
 * wrong byte; found by sending packets): there a mask becomes the set of whole values it allows.
 */
export const tos: MatchTranslator = {
  names: ['tos'],
  families: ['ip', 'ip6'],
  translate(m, ctx) {
    const o = new ModuleOptions('tos', m.options, ctx);
    const t = o.take('tos');
    o.done();
    if (!t) return [];
    const text = arg(t);
    let value: number | undefined;
    let mask = 0xff;
    const symbol = TOS_SYMBOLS[text.toLowerCase()];
    if (symbol !== undefined) {
      value = symbol;
      mask = 0x3f;
    } else {
      const [v, mk] = text.split('/');
      value = parseUint(v ?? '', 0xff);
      if (mk !== undefined) mask = parseUint(mk, 0xff) ?? -1;
    }
    if (value === undefined || mask < 0) return bad(t, ctx, 'a TOS value[/mask] (0-255) or a TOS name');
    const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
    const op = t.negated ? '!=' : '==';
    if (mask === 0xff) return [raw(`${ctx.l3 === 'ip6' ? '@nh,4,8' : '@nh,8,8'} ${op} ${hex(value)}`, optRange(t))];
    if (ctx.l3 === 'ip') return [raw(`@nh,8,8 & ${hex(mask)} ${op} ${hex(value & mask)}`, optRange(t))];
    const values: string[] = [];
    for (let b = 0; b < 256; b++) if ((b & mask) === (value & mask)) values.push(hex(b));
    return [raw(`@nh,4,8 ${t.negated ? '!= ' : ''}{ ${values.join(', ')} }`, optRange(t))];
  },
};

export const ecn: MatchTranslator = {
  names: ['ecn'],
  translate(m, ctx) {
    const o = new ModuleOptions('ecn', m.options, ctx);
    const ect = o.take('ecn-ip-ect');
    const cwr = o.take('ecn-tcp-cwr');
    const ece = o.take('ecn-tcp-ece');
    o.done();
    const out: Stmt[] = [];
    if (cwr) out.push(raw(`tcp flags ${neg(cwr)}cwr`, optRange(cwr)));
    if (ece) out.push(raw(`tcp flags ${neg(ece)}ecn`, optRange(ece)));
    if (ect) {
      const v = parseUint(arg(ect), 3);
      if (v === undefined) return bad(ect, ctx, 'an ECT value 0-3');
      out.push(raw(`${ctx.l3 === 'ip6' ? 'ip6' : 'ip'} ecn ${neg(ect)}${['not-ect', 'ect1', 'ect0', 'ce'][v]}`, optRange(ect)));
    }
    return out;
  },
};

export const esp: MatchTranslator = {
  names: ['esp'],
  translate(m, ctx) {
    const o = new ModuleOptions('esp', m.options, ctx);
    const spi = o.take('espspi');
    o.done();
    if (!spi) return [raw('meta l4proto esp', m.range)];
    const r = numRange(arg(spi), 0xffffffff);
    if (!r) return bad(spi, ctx, 'an SPI or SPI range');
    if (r[0] === 0 && r[1] === 0xffffffff && !spi.negated) return [raw(ctx.l3 === 'ip6' ? 'exthdr esp exists' : 'meta l4proto esp', optRange(spi))];
    return [raw(`esp spi ${neg(spi)}${rangeText(r[0], r[1])}`, optRange(spi))];
  },
};

export const ah: MatchTranslator = {
  names: ['ah'],
  translate(m, ctx) {
    const o = new ModuleOptions('ah', m.options, ctx);
    const spi = o.take('ahspi');
    const len = o.take('ahlen');
    const res = o.take('ahres');
    o.done();
    const out: Stmt[] = [];
    let any = false;
    if (spi) {
      const r = numRange(arg(spi), 0xffffffff);
      if (!r) return bad(spi, ctx, 'an SPI or SPI range');
      if (!(r[0] === 0 && r[1] === 0xffffffff && !spi.negated)) out.push(raw(`ah spi ${neg(spi)}${rangeText(r[0], r[1])}`, optRange(spi)));
      any = true;
    }
    if (len) {
      const v = parseUint(arg(len), 255);
      if (v === undefined) return bad(len, ctx, 'a header length');
      out.push(raw(`ah hdrlength ${neg(len)}${v}`, optRange(len)));
    }
    if (res) out.push(raw('ah reserved 1', optRange(res)));
    if (out.length === 0) return [raw(ctx.l3 === 'ip6' ? 'exthdr ah exists' : 'meta l4proto ah', any ? optRange(spi!) : m.range)];
    return out;
  },
};

export const ipcomp: MatchTranslator = {
  names: ['ipcomp'],
  translate(m, ctx) {
    const o = new ModuleOptions('ipcomp', m.options, ctx);
    const spi = o.take('ipcompspi');
    const res = o.take('compres');
    o.done();
    const out: Stmt[] = [];
    if (spi) {
      const r = numRange(arg(spi), 0xffffffff);
      if (!r) return bad(spi, ctx, 'a CPI or range');
      out.push(raw(`comp cpi ${neg(spi)}${rangeText(r[0], r[1])}`, optRange(spi)));
    }
    if (res) ctx.unsupported(res.range, 'unsupported-option', '--compres (reserved field) has no nft selector');
    return out;
  },
};

/** IPv6 extension headers with a type/length/segment field: frag, hbh, dst, rt, mh. */
export const frag: MatchTranslator = {
  names: ['frag'],
  families: ['ip6', 'inet'],
  translate(m, ctx) {
    const o = new ModuleOptions('frag', m.options, ctx);
    const id = o.take('fragid');
    const len = o.take('fraglen');
    const res = o.take('fragres');
    const first = o.take('fragfirst');
    const more = o.take('fragmore');
    const last = o.take('fraglast');
    o.done();
    const out: Stmt[] = [];
    if (id) {
      const r = numRange(arg(id), 0xffffffff);
      if (!r) return bad(id, ctx, 'a fragment id or range');
      if (r[0] === 0 && r[1] === 0xffffffff && !id.negated) out.push(raw('exthdr frag exists', optRange(id)));
      else out.push(raw(`frag id ${neg(id)}${rangeText(r[0], r[1])}`, optRange(id)));
    }
    if (len) ctx.unsupported(len.range, 'unsupported-option', '--fraglen: the fragment header has a fixed length; nft has no such field');
    if (res) out.push(raw('frag reserved 1', optRange(res)));
    if (first) out.push(raw('frag frag-off 0', optRange(first)));
    if (more) out.push(raw('frag more-fragments 1', optRange(more)));
    if (last) out.push(raw('frag more-fragments 0', optRange(last)));
    if (out.length === 0) out.push(raw('exthdr frag exists', m.range));
    return out;
  },
};

function lengthOnlyExthdr(module: string, hdr: string, lenOpt: string, optsOpt: string): MatchTranslator {
  return {
    names: [module],
    families: ['ip6', 'inet'],
    translate(m: MatchNode, ctx: RuleContext) {
      const o = new ModuleOptions(module, m.options, ctx);
      const len = o.take(lenOpt);
      const opts = o.take(optsOpt);
      o.done();
      if (opts) ctx.unsupported(opts.range, 'unsupported-option', `--${optsOpt}: nft cannot test the list of options inside the header`);
      if (!len) return [raw(`exthdr ${hdr} exists`, m.range)];
      const v = parseUint(arg(len), 255);
      if (v === undefined) return bad(len, ctx, 'a header length');
      return [raw(`${hdr} hdrlength ${neg(len)}${v}`, optRange(len))];
    },
  };
}

export const hbh = lengthOnlyExthdr('hbh', 'hbh', 'hbh-len', 'hbh-opts');
export const dst = lengthOnlyExthdr('dst', 'dst', 'dst-len', 'dst-opts');

export const rt: MatchTranslator = {
  names: ['rt'],
  families: ['ip6', 'inet'],
  translate(m, ctx) {
    const o = new ModuleOptions('rt', m.options, ctx);
    const type = o.take('rt-type');
    const segs = o.take('rt-segsleft');
    const len = o.take('rt-len');
    for (const x of o.takeAll('rt-0-res', 'rt-0-addrs', 'rt-0-not-strict')) ctx.unsupported(x.range, 'unsupported-option', `${x.flag.text}: type-0 routing headers are deprecated and nft has no selector for them`);
    o.done();
    const out: Stmt[] = [];
    if (type) {
      const v = parseUint(arg(type), 255);
      if (v === undefined) return bad(type, ctx, 'a routing header type');
      out.push(raw(`rt type ${neg(type)}${v}`, optRange(type)));
    }
    if (segs) {
      const r = numRange(arg(segs), 0xffffffff);
      if (!r) return bad(segs, ctx, 'a number or range');
      if (r[0] === 0 && r[1] === 0xffffffff && !segs.negated) out.push(raw('exthdr rt exists', optRange(segs)));
      else out.push(raw(`rt seg-left ${neg(segs)}${rangeText(r[0], r[1])}`, optRange(segs)));
    }
    if (len) {
      const v = parseUint(arg(len), 255);
      if (v === undefined) return bad(len, ctx, 'a header length');
      out.push(raw(`rt hdrlength ${neg(len)}${v}`, optRange(len)));
    }
    if (out.length === 0) out.push(raw('exthdr rt exists', m.range));
    return out;
  },
};

const MH_TYPES = ['binding-refresh-request', 'home-test-init', 'careof-test-init', 'home-test', 'careof-test', 'binding-update', 'binding-acknowledgement', 'binding-error', 'fast-binding-update', 'fast-binding-acknowledgement', 'fast-neighbor-advertisement', 'experimental-mobility-header', 'home-agent-switch-message'];

export const mh: MatchTranslator = {
  names: ['mh'],
  families: ['ip6', 'inet'],
  translate(m, ctx) {
    const o = new ModuleOptions('mh', m.options, ctx);
    const type = o.take('mh-type');
    o.done();
    if (!type) return [raw('exthdr mh exists', m.range)];
    const num = (t: string) => {
      const i = MH_TYPES.indexOf(t.toLowerCase());
      return i >= 0 ? i : parseUint(t, 255);
    };
    const [a, b] = arg(type).split(':');
    const lo = a === '' ? 0 : num(a ?? '');
    const hi = b === undefined ? lo : b === '' ? 255 : num(b);
    if (lo === undefined || hi === undefined) return bad(type, ctx, 'a mobility header type or range');
    if (lo === 0 && hi === 255 && !type.negated) return [raw('exthdr mh exists', optRange(type))];
    return [raw(`mh type ${neg(type)}${rangeText(lo, hi)}`, optRange(type))];
  },
};

function comparison(module: string, selector: string, names: { eq: string; lt: string; gt: string }): MatchTranslator {
  return {
    names: [module],
    translate(m: MatchNode, ctx: RuleContext) {
      const o = new ModuleOptions(module, m.options, ctx);
      const e = o.take(names.eq);
      const lt = o.take(names.lt);
      const gt = o.take(names.gt);
      o.done();
      const opt = e ?? lt ?? gt;
      if (!opt) return [];
      const v = parseUint(arg(opt), 255);
      if (v === undefined) return bad(opt, ctx, 'a number 0-255');
      const op = opt === e ? neg(opt) : opt === lt ? (opt.negated ? 'ge ' : 'lt ') : opt.negated ? 'le ' : 'gt ';
      return [raw(`${selector} ${op}${v}`, optRange(opt))];
    },
  };
}

export const ttl = comparison('ttl', 'ip ttl', { eq: 'ttl-eq', lt: 'ttl-lt', gt: 'ttl-gt' });
export const hl = comparison('hl', 'ip6 hoplimit', { eq: 'hl-eq', lt: 'hl-lt', gt: 'hl-gt' });

export const helper: MatchTranslator = {
  names: ['helper'],
  translate(m, ctx) {
    const o = new ModuleOptions('helper', m.options, ctx);
    const h = o.take('helper');
    o.done();
    if (!h) return [];
    return [raw(`ct helper ${neg(h)}"${arg(h).replace(/"/g, '')}"`, optRange(h))];
  },
};

export const iprange: MatchTranslator = {
  names: ['iprange'],
  translate(m, ctx) {
    const o = new ModuleOptions('iprange', m.options, ctx);
    const src = o.take('src-range');
    const dst = o.take('dst-range');
    o.done();
    const out: Stmt[] = [];
    const v6 = ctx.l3 === 'ip6';
    for (const [opt, dir] of [[src, 'saddr'], [dst, 'daddr']] as const) {
      if (!opt) continue;
      const [a, b] = arg(opt).split('-');
      const fa = v6 ? (a ? parseIPv6(a) : undefined) : a ? parseIPv4(a) : undefined;
      const fb = b === undefined ? fa : v6 ? parseIPv6(b) : parseIPv4(b);
      if (fa === undefined || fb === undefined) return bad(opt, ctx, 'an address range a-b');
      const fmt = (x: number | number[]) => (typeof x === 'number' ? formatIPv4(x) : formatIPv6(x));
      const lo = fmt(fa);
      const hi = fmt(fb);
      out.push(raw(`${v6 ? 'ip6' : 'ip'} ${dir} ${neg(opt)}${lo === hi ? lo : `${lo}-${hi}`}`, optRange(opt)));
    }
    return out;
  },
};

export const length: MatchTranslator = {
  names: ['length'],
  translate(m, ctx) {
    const o = new ModuleOptions('length', m.options, ctx);
    const l = o.take('length');
    o.done();
    if (!l) return [];
    const r = numRange(arg(l), 0xffff);
    if (!r) return bad(l, ctx, 'a length or range');
    return [raw(`meta length ${neg(l)}${rangeText(r[0], r[1])}`, optRange(l))];
  },
};

const USERS: Record<string, number> = { root: 0, daemon: 1, bin: 2, sys: 3, nobody: 65534, nogroup: 65534 };

export const owner: MatchTranslator = {
  names: ['owner'],
  translate(m, ctx) {
    const o = new ModuleOptions('owner', m.options, ctx);
    const uid = o.take('uid-owner');
    const gid = o.take('gid-owner');
    const sock = o.take('socket-exists');
    const supp = o.take('suppl-groups');
    o.done();
    const out: Stmt[] = [];
    for (const [opt, sel] of [[uid, 'skuid'], [gid, 'skgid']] as const) {
      if (!opt) continue;
      const parts = arg(opt).split('-');
      const ids = parts.map((p) => parseUint(p) ?? USERS[p]);
      if (ids.some((x) => x === undefined) || ids.length > 2) {
        ctx.unsupported(opt.range, 'invalid-value', `'${arg(opt)}' is a name the converter cannot resolve; write the numeric id`);
        return [];
      }
      out.push(raw(`${sel} ${neg(opt)}${rangeText(ids[0]!, ids[ids.length - 1]!)}`, optRange(opt)));
    }
    if (sock) out.push(raw(`meta skuid ${sock.negated ? 'missing' : 'exists'}`, optRange(sock)));
    if (supp) ctx.unsupported(supp.range, 'unsupported-option', '--suppl-groups: nft matches only the primary group (skgid)');
    return out;
  },
};

export const pkttype: MatchTranslator = {
  names: ['pkttype'],
  translate(m, ctx) {
    const o = new ModuleOptions('pkttype', m.options, ctx);
    const t = o.take('pkt-type', 'pkttype-type');
    o.done();
    if (!t) return [];
    const v = arg(t).toLowerCase();
    if (ctx.dialect === 'ebtables') {
      const n = ['host', 'broadcast', 'multicast', 'otherhost'].includes(v) ? v : { outgoing: '4', loopback: '5', fastroute: '6' }[v] ?? (parseUint(v) !== undefined ? String(parseUint(v)) : undefined);
      if (n === undefined) return bad(t, ctx, 'a packet type');
      return [raw(`meta pkttype ${neg(t)}${n}`, optRange(t))];
    }
    if (!['unicast', 'broadcast', 'multicast', 'host', 'otherhost'].includes(v)) return bad(t, ctx, 'unicast, broadcast or multicast');
    return [raw(`pkttype ${neg(t)}${v}`, optRange(t))];
  },
};

export const policy: MatchTranslator = {
  names: ['policy'],
  translate(m, ctx) {
    const o = new ModuleOptions('policy', m.options, ctx);
    const pol = o.take('pol');
    o.take('dir');
    o.done();
    if (!pol) return [];
    const p = arg(pol).toLowerCase();
    if (p !== 'ipsec' && p !== 'none') return bad(pol, ctx, 'ipsec or none');
    return [raw(`meta secpath ${p === 'ipsec' ? 'exists' : 'missing'}`, optRange(pol))];
  },
};

export const quota: MatchTranslator = {
  names: ['quota'],
  translate(m, ctx) {
    const o = new ModuleOptions('quota', m.options, ctx);
    const q = o.take('quota');
    o.done();
    if (!q) return [];
    const v = parseUint(arg(q), Number.MAX_SAFE_INTEGER);
    if (v === undefined) return bad(q, ctx, 'a number of bytes');
    return [raw(`quota ${q.negated ? 'over ' : ''}${v} bytes`, optRange(q))];
  },
};

export const rpfilter: MatchTranslator = {
  names: ['rpfilter'],
  translate(m, ctx) {
    const o = new ModuleOptions('rpfilter', m.options, ctx);
    const loose = o.take('loose');
    const validmark = o.take('validmark');
    const acceptLocal = o.take('accept-local');
    const invert = o.take('invert');
    o.done();
    const out: Stmt[] = [];
    if (acceptLocal) {
      if (invert) out.push(raw('fib saddr type != local', optRange(acceptLocal)));
      else {
        ctx.unsupported(acceptLocal.range, 'unsupported-option', '--accept-local: nft cannot OR "source is local" with the reverse-path test in one rule; add a separate rule `fib saddr type local accept` before it');
        return [];
      }
    }
    out.push(raw(`fib saddr ${validmark ? '. mark ' : ''}${loose ? '' : '. iif '}oif ${invert ? '' : '!= '}0`, m.range));
    return out;
  },
};

export const socket: MatchTranslator = {
  names: ['socket'],
  translate(m, ctx) {
    const o = new ModuleOptions('socket', m.options, ctx);
    const transparent = o.take('transparent');
    const nowildcard = o.take('nowildcard');
    const restore = o.take('restore-skmark');
    o.done();
    if (nowildcard && !transparent && !restore) return [raw('socket wildcard le 1', m.range)];
    const out: Stmt[] = [];
    if (!nowildcard) out.push(raw('socket wildcard 0', m.range));
    if (transparent) out.push(raw('socket transparent 1', optRange(transparent)));
    if (restore) out.push(raw('meta mark set socket mark', optRange(restore)));
    return out;
  },
};

export const statistic: MatchTranslator = {
  names: ['statistic'],
  translate(m, ctx) {
    const o = new ModuleOptions('statistic', m.options, ctx);
    const mode = o.take('mode');
    const every = o.take('every');
    const packet = o.take('packet');
    const prob = o.take('probability');
    o.done();
    const md = mode ? arg(mode) : '';
    if (md === 'nth' && every) {
      const n = parseUint(arg(every));
      const p = packet ? parseUint(arg(packet)) : 0;
      if (n === undefined || p === undefined) return bad(every, ctx, 'a number');
      return [raw(`numgen inc mod ${n} ${every.negated ? '!= ' : ''}${p}`, m.range)];
    }
    if (md === 'random' && prob) {
      const p = Number(arg(prob));
      if (!Number.isFinite(p) || p < 0 || p > 1) return bad(prob, ctx, 'a probability between 0 and 1');
      return [raw(`meta random & 2147483647 ${prob.negated ? '>=' : '<'} ${Math.round(0x7fffffff * p)}`, m.range)];
    }
    ctx.unsupported(m.range, 'invalid-value', 'statistic needs --mode nth --every N [--packet P] or --mode random --probability P');
    return [];
  },
};

export const tcpmss: MatchTranslator = {
  names: ['tcpmss'],
  translate(m, ctx) {
    const o = new ModuleOptions('tcpmss', m.options, ctx);
    const mss = o.take('mss');
    o.done();
    if (!mss) return [];
    const r = numRange(arg(mss), 0xffff);
    if (!r) return bad(mss, ctx, 'an MSS value or range');
    return [raw(`tcp option maxseg size ${neg(mss)}${rangeText(r[0], r[1])}`, optRange(mss))];
  },
};

export const realm: MatchTranslator = {
  names: ['realm'],
  families: ['ip'],
  translate(m, ctx) {
    const o = new ModuleOptions('realm', m.options, ctx);
    const r = o.take('realm');
    o.done();
    if (!r) return [];
    const vm = parseValueMask(arg(r));
    if (!vm) return bad(r, ctx, 'a realm value[/mask]');
    if (vm.hasMask) return [raw(`rtclassid and ${hexOf(vm.mask)} ${r.negated ? '!=' : '=='} ${hexOf(vm.value)}`, optRange(r))];
    return [raw(`rtclassid ${neg(r)}${hexOf(vm.value)}`, optRange(r))];
  },
};
