/**
 * Targets that become one nft statement each: CLASSIFY, DSCP, TOS, NFQUEUE, SYNPROXY,
 * TCPMSS, TEE, TPROXY, TRACE, TTL, HL. Each keeps its own option handling.
 */
import type { OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type RuleContext, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { formatIPv4, formatIPv6, hexOf, parseIPv4, parseIPv6, parseUint, parseValueMask } from '../values';

function bad(o: OptionNode, ctx: RuleContext, what: string): Stmt[] {
  ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not ${what}`);
  return [];
}

export const CLASSIFY: TargetTranslator = {
  names: ['CLASSIFY'],
  translate(t, ctx) {
    const o = new ModuleOptions('CLASSIFY', t.options, ctx, 'target');
    const c = o.take('set-class');
    o.done();
    if (!c) return [];
    const m = /^([0-9a-f]+):([0-9a-f]+)$/i.exec(arg(c));
    if (!m) return bad(c, ctx, 'a class MAJOR:MINOR');
    const maj = parseInt(m[1]!, 16);
    const min = parseInt(m[2]!, 16);
    const v = maj === 0xffff && min === 0xffff ? 'root' : maj === 0 && min === 0 ? 'none' : `${maj.toString(16)}:${min.toString(16)}`;
    return [raw(`meta priority set ${v}`, optRange(c))];
  },
};

const DSCP_CLASSES: Record<string, number> = {
  cs0: 0, cs1: 8, cs2: 16, cs3: 24, cs4: 32, cs5: 40, cs6: 48, cs7: 56, be: 0, af11: 10, af12: 12, af13: 14, af21: 18,
  af22: 20, af23: 22, af31: 26, af32: 28, af33: 30, af41: 34, af42: 36, af43: 38, ef: 46,
};

export const DSCP: TargetTranslator = {
  names: ['DSCP'],
  families: ['ip', 'ip6', 'inet'],
  translate(t, ctx) {
    const o = new ModuleOptions('DSCP', t.options, ctx, 'target');
    const v = o.take('set-dscp');
    const cls = o.take('set-dscp-class');
    o.done();
    const opt = v ?? cls;
    if (!opt) return [];
    const n = v ? parseUint(arg(v), 63) : DSCP_CLASSES[arg(opt).toLowerCase()];
    if (n === undefined) return bad(opt, ctx, 'a DSCP value or class');
    return [raw(`${ctx.l3 === 'ip6' ? 'ip6' : 'ip'} dscp set 0x${n.toString(16).padStart(2, '0')}`, optRange(opt))];
  },
};

const TOS_NAMES: Record<string, number> = { 'minimize-delay': 0x10, 'maximize-throughput': 0x08, 'maximize-reliability': 0x04, 'minimize-cost': 0x02, 'normal-service': 0x00 };

export const TOS: TargetTranslator = {
  names: ['TOS'],
  families: ['ip', 'ip6', 'inet'],
  translate(t, ctx) {
    const o = new ModuleOptions('TOS', t.options, ctx, 'target');
    const set = o.take('set-tos');
    const and = o.take('and-tos');
    const or = o.take('or-tos');
    const xor = o.take('xor-tos');
    o.done();
    const node = set ?? and ?? or ?? xor;
    if (!node) return [];
    const parseTos = (s: string) => {
      const named = TOS_NAMES[s.toLowerCase()];
      if (named !== undefined) return { value: named, mask: 0xff, hasMask: false };
      return parseValueMask(s, 8);
    };
    const vm = parseTos(arg(node));
    if (!vm) return bad(node, ctx, 'a TOS value[/mask]');
    let tos: number;
    let mask: number;
    if (node === set) {
      tos = vm.value;
      mask = vm.hasMask ? vm.mask : 0xff;
    } else if (node === and) {
      tos = 0;
      mask = ~vm.value & 0xff;
    } else if (node === or) {
      tos = vm.value;
      mask = vm.value;
    } else {
      tos = vm.value;
      mask = 0;
    }
    const ip = ctx.l3 === 'ip6' ? 'ip6' : 'ip';
    const h = (n: number) => `0x${((n & 0xff) >> 2).toString(16).padStart(2, '0')}`;
    let e: string;
    if ((mask & 0x3f) === 0x3f) e = h(tos);
    else if (!tos) e = `${ip} dscp and ${h(~mask)}`;
    else if (tos === mask) e = `${ip} dscp or ${h(tos)}`;
    else if (!mask) e = `${ip} dscp xor ${h(tos)}`;
    else e = `${ip} dscp and ${h(~mask)} xor ${h(tos)}`;
    if ((tos & 0x03) || (mask & 0x03 && mask !== 0xff)) ctx.approximate(optRange(node), 'target-option-dropped', 'TOS: nft sets the DSCP field (upper 6 bits); the two ECN bits of this TOS value are not set');
    return [raw(`${ip} dscp set ${e}`, optRange(node))];
  },
};

export const NFQUEUE: TargetTranslator = {
  names: ['NFQUEUE'],
  translate(t, ctx) {
    const o = new ModuleOptions('NFQUEUE', t.options, ctx, 'target');
    const num = o.take('queue-num');
    const balance = o.take('queue-balance');
    const bypass = o.take('queue-bypass');
    const fanout = o.take('queue-cpu-fanout');
    o.done();
    let q = '0';
    if (balance) {
      const [a, b] = arg(balance).split(':');
      const lo = parseUint(a ?? '', 65535);
      const hi = parseUint(b ?? '', 65535);
      if (lo === undefined || hi === undefined) return bad(balance, ctx, 'a queue range a:b');
      q = lo === hi ? String(lo) : `${lo}-${hi}`;
    } else if (num) {
      const n = parseUint(arg(num), 65535);
      if (n === undefined) return bad(num, ctx, 'a queue number');
      q = String(n);
    }
    const flags = [bypass && 'bypass', fanout && 'fanout'].filter(Boolean);
    return [raw(`queue num ${q}${flags.length ? ` ${flags.join(',')}` : ''}`, t.range)];
  },
};

export const SYNPROXY: TargetTranslator = {
  names: ['SYNPROXY'],
  translate(t, ctx) {
    const o = new ModuleOptions('SYNPROXY', t.options, ctx, 'target');
    const sack = o.take('sack-perm');
    const ts = o.take('timestamp');
    const ws = o.take('wscale');
    const mss = o.take('mss');
    const ecn = o.take('ecn');
    o.done();
    const parts = ['synproxy'];
    if (sack) parts.push('sack-perm');
    if (ts) parts.push('timestamp');
    if (ws) parts.push(`wscale ${parseUint(arg(ws)) ?? 0}`);
    if (mss) parts.push(`mss ${parseUint(arg(mss)) ?? 0}`);
    if (ecn) parts.push('ecn');
    // The kernel's SYNPROXY target proxies a bare SYN and a bare ACK and lets every other
    // packet go on; nft's synproxy takes any packet with SYN (SYN+ACK, SYN+FIN...) and any
    // with ACK (FIN+ACK, RST+ACK...). The flags test keeps it to the target's two kinds.
    ctx.note(t.name.range, 'synproxy-flags', 'SYNPROXY only proxies a bare SYN or a bare ACK and lets other packets (SYN+FIN, FIN+ACK...) go on, where nft synproxy would take them: the rule tests tcp flags first');
    return [raw('tcp flags & (fin | syn | rst | ack) == { syn, ack }', t.range), raw(parts.join(' '), t.range)];
  },
};

/** TCPOPTSTRIP's option names (libxt_TCPOPTSTRIP) → nft's tcp option names. */
const TCPOPT_NAMES: Record<string, string> = { wscale: 'window', mss: 'maxseg', 'sack-permitted': 'sack-perm', sack: 'sack', timestamp: 'timestamp', md5: 'md5sig' };

/**
 * TCPOPTSTRIP --strip-options a,b: each option overwritten with NOPs, as nft's `reset tcp option`
 * does (kernel 5.13 and later, nft 1.0.1 and later). The packet goes on, as with the target.
 */
export const TCPOPTSTRIP: TargetTranslator = {
  names: ['TCPOPTSTRIP'],
  families: ['ip', 'ip6', 'inet'],
  translate(t, ctx) {
    const o = new ModuleOptions('TCPOPTSTRIP', t.options, ctx, 'target');
    const strip = o.take('strip-options');
    o.done();
    if (!strip) {
      ctx.unsupported(t.name.range, 'invalid-value', 'TCPOPTSTRIP needs --strip-options');
      return [];
    }
    const names: string[] = [];
    for (const w of arg(strip).split(',')) {
      const n = TCPOPT_NAMES[w.toLowerCase()] ?? (/^\d+$/.test(w) && Number(w) >= 2 && Number(w) <= 255 ? w : undefined);
      if (n === undefined) return bad(strip, ctx, 'a list of TCP options (wscale, mss, sack-permitted, sack, timestamp, md5 or a kind from 2 to 255)');
      names.push(n);
    }
    return names.map((n) => raw(`reset tcp option ${n}`, optRange(strip)));
  },
};

export const TCPMSS: TargetTranslator = {
  names: ['TCPMSS'],
  translate(t, ctx) {
    const o = new ModuleOptions('TCPMSS', t.options, ctx, 'target');
    const set = o.take('set-mss');
    const clamp = o.take('clamp-mss-to-pmtu');
    o.done();
    if (clamp) return [raw('tcp option maxseg size set rt mtu', optRange(clamp))];
    if (!set) return [];
    const n = parseUint(arg(set), 65535);
    if (n === undefined) return bad(set, ctx, 'an MSS value');
    return [raw(`tcp option maxseg size set ${n}`, optRange(set))];
  },
};

export const TEE: TargetTranslator = {
  names: ['TEE'],
  families: ['ip', 'ip6'],
  translate(t, ctx) {
    const o = new ModuleOptions('TEE', t.options, ctx, 'target');
    const gw = o.take('gateway');
    const oif = o.take('oif');
    o.done();
    if (!gw) return [];
    const v6 = ctx.l3 === 'ip6';
    const a = v6 ? parseIPv6(arg(gw)) : parseIPv4(arg(gw));
    if (a === undefined) return bad(gw, ctx, 'an address');
    const addr = typeof a === 'number' ? formatIPv4(a) : formatIPv6(a);
    return [raw(`dup to ${addr}${oif ? ` device ${arg(oif)}` : ''}`, t.range)];
  },
};

export const TPROXY: TargetTranslator = {
  names: ['TPROXY'],
  families: ['ip', 'ip6'],
  translate(t, ctx) {
    const o = new ModuleOptions('TPROXY', t.options, ctx, 'target');
    const port = o.take('on-port');
    const ip = o.take('on-ip');
    const mark = o.take('tproxy-mark');
    o.done();
    const v6 = ctx.l3 === 'ip6';
    const p = port ? parseUint(arg(port), 65535) : 0;
    if (p === undefined) return bad(port!, ctx, 'a port');
    let addr = '';
    if (ip) {
      const a = v6 ? parseIPv6(arg(ip)) : parseIPv4(arg(ip));
      if (a === undefined) return bad(ip, ctx, 'an address');
      const s = typeof a === 'number' ? formatIPv4(a) : formatIPv6(a);
      const zero = typeof a === 'number' ? a === 0 : a.every((x) => x === 0);
      if (!zero) addr = v6 ? `[${s}]` : s;
    }
    const stmts: Stmt[] = [];
    stmts.push(raw(addr ? `tproxy to ${addr}${p ? `:${p}` : ''}` : `tproxy to :${p}`, t.range));
    if (mark) {
      const vm = parseValueMask(arg(mark));
      if (!vm) return bad(mark, ctx, 'a mark value[/mask]');
      if (vm.mask === 0xffffffff) stmts.push(raw(`meta mark set ${hexOf(vm.value)}`, optRange(mark)));
      else if (vm.mask || vm.value) stmts.push(raw(`meta mark set meta mark & ${hexOf(~vm.mask)} xor ${hexOf(vm.value)}`, optRange(mark)));
    }
    stmts.push(raw('accept', t.range));
    // The kernel's TPROXY drops a packet no socket takes; nft's tproxy lets it go on to the next
    // rule. A second rule, under the same conditions, drops what the first one did not divert.
    ctx.note(t.name.range, 'tproxy-no-socket', 'TPROXY drops a packet when no socket takes it; nft tproxy lets it go on: a second rule with the same conditions drops it');
    return [ctx.alternatives(t.range, [stmts, [raw('drop', t.range)]])];
  },
};

export const TRACE: TargetTranslator = {
  names: ['TRACE'],
  translate(t, ctx) {
    new ModuleOptions('TRACE', t.options, ctx, 'target').done();
    return [raw('nftrace set 1', t.range)];
  },
};

function ttlLike(name: string, sel: string, prefix: string): TargetTranslator {
  return {
    names: [name],
    families: name === 'TTL' ? ['ip'] : ['ip6'],
    translate(t, ctx) {
      const o = new ModuleOptions(name, t.options, ctx, 'target');
      const set = o.take(`${prefix}-set`);
      const dec = o.take(`${prefix}-dec`);
      const inc = o.take(`${prefix}-inc`);
      o.done();
      if (set) {
        const n = parseUint(arg(set), 255);
        if (n === undefined) return bad(set, ctx, 'a number 0-255');
        return [raw(`${sel} set ${n}`, optRange(set))];
      }
      const node = dec ?? inc;
      if (node) ctx.unsupported(node.range, 'unsupported-option', `${node.flag.text}: nft can set ${sel} but not increment or decrement it`);
      return [];
    },
  };
}

export const TTL = ttlLike('TTL', 'ip ttl', 'ttl');
export const HL = ttlLike('HL', 'ip6 hoplimit', 'hl');
