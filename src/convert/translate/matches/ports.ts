/** tcp, udp, udplite, sctp, dccp: ports and protocol-specific header tests. */
import type { MatchNode, OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { eq, raw } from '../nft-build';
import { parsePortRange, rangeText } from '../values';

/** `proto sport 53`, `proto dport != 53-66`; nothing for the full range unless negated. */
export function portStmt(proto: string, dir: 'sport' | 'dport', o: OptionNode | undefined, ctx: RuleContext): Stmt | undefined {
  if (!o) return undefined;
  const r = parsePortRange(arg(o));
  if (!r) {
    ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not a port or port range`);
    return undefined;
  }
  if (r[0] === 0 && r[1] === 65535 && !o.negated) return undefined;
  return eq(`${proto} ${dir}`, rangeText(r[0], r[1]), o.negated, optRange(o));
}

const TCP_FLAGS: [string, number][] = [
  ['fin', 0x01],
  ['syn', 0x02],
  ['rst', 0x04],
  ['psh', 0x08],
  ['ack', 0x10],
  ['urg', 0x20],
];

function parseTcpFlags(t: string): number | undefined {
  let v = 0;
  for (const name of t.split(',')) {
    const n = name.toLowerCase();
    if (n === 'all') v |= 0x3f;
    else if (n === 'none') continue;
    else {
      const f = TCP_FLAGS.find(([k]) => k === n);
      if (!f) return undefined;
      v |= f[1];
    }
  }
  return v;
}

function flagList(v: number): string {
  const names = TCP_FLAGS.filter(([, b]) => v & b).map(([n]) => n);
  return names.length ? names.join(',') : '0x0';
}

export const tcp: MatchTranslator = {
  names: ['tcp'],
  translate(m: MatchNode, ctx: RuleContext): Stmt[] {
    const o = new ModuleOptions('tcp', m.options, ctx);
    const out: Stmt[] = [];
    const sport = o.take('sport', 'source-port');
    const dport = o.take('dport', 'destination-port');
    const option = o.take('tcp-option');
    const flags = o.take('tcp-flags');
    const syn = o.take('syn');
    o.done();
    const s = portStmt('tcp', 'sport', sport, ctx);
    const d = portStmt('tcp', 'dport', dport, ctx);
    if (s) out.push(s);
    if (d) out.push(d);
    if (option) out.push(raw(`tcp option ${arg(option)} ${option.negated ? 'missing' : 'exists'}`, optRange(option)));
    let f: { mask: number; cmp: number; neg: boolean; node: OptionNode } | undefined;
    if (flags) {
      const mask = parseTcpFlags(arg(flags, 0));
      const cmp = parseTcpFlags(arg(flags, 1));
      if (mask === undefined || cmp === undefined) ctx.unsupported(flags.range, 'invalid-value', `'${arg(flags, 0)} ${arg(flags, 1)}' are not TCP flag lists`);
      else f = { mask, cmp, neg: flags.negated, node: flags };
    }
    if (syn) f = { mask: 0x17, cmp: 0x02, neg: syn.negated, node: syn };
    if (f && (f.mask || f.neg)) out.push(raw(`tcp flags ${f.neg ? '!= ' : ''}${flagList(f.cmp)} / ${flagList(f.mask)}`, optRange(f.node)));
    if (out.length === 0) out.push(raw('meta l4proto tcp', m.range));
    return out;
  },
};

function simplePorts(proto: string): MatchTranslator {
  return {
    names: [proto],
    translate(m, ctx) {
      const o = new ModuleOptions(proto, m.options, ctx);
      const sport = o.take('sport', 'source-port');
      const dport = o.take('dport', 'destination-port');
      o.done();
      const out: Stmt[] = [];
      const s = portStmt(proto, 'sport', sport, ctx);
      const d = portStmt(proto, 'dport', dport, ctx);
      if (s) out.push(s);
      if (d) out.push(d);
      if (out.length === 0) out.push(raw(`meta l4proto ${proto}`, m.range));
      return out;
    },
  };
}

export const udp = simplePorts('udp');
export const udplite = simplePorts('udplite');

const SCTP_CHUNKS: [string, number][] = [
  ['DATA', 0], ['INIT', 1], ['INIT_ACK', 2], ['SACK', 3], ['HEARTBEAT', 4], ['HEARTBEAT_ACK', 5], ['ABORT', 6],
  ['SHUTDOWN', 7], ['SHUTDOWN_ACK', 8], ['ERROR', 9], ['COOKIE_ECHO', 10], ['COOKIE_ACK', 11], ['ECN_ECNE', 12],
  ['ECN_CWR', 13], ['SHUTDOWN_COMPLETE', 14], ['I_DATA', 64], ['RE_CONFIG', 130], ['PAD', 132], ['ASCONF', 193],
  ['ASCONF_ACK', 128], ['FORWARD_TSN', 192], ['I_FORWARD_TSN', 194],
];
const NFT_CHUNK: Record<string, string> = {
  DATA: 'data', INIT: 'init', INIT_ACK: 'init-ack', SACK: 'sack', HEARTBEAT: 'heartbeat', HEARTBEAT_ACK: 'heartbeat-ack',
  ABORT: 'abort', SHUTDOWN: 'shutdown', SHUTDOWN_ACK: 'shutdown-ack', ERROR: 'error', COOKIE_ECHO: 'cookie-echo',
  COOKIE_ACK: 'cookie-ack', ECN_ECNE: 'ecne', ECN_CWR: 'cwr', SHUTDOWN_COMPLETE: 'shutdown-complete', I_DATA: 'i-data',
  RE_CONFIG: 're-config', PAD: 'pad', ASCONF: 'asconf', ASCONF_ACK: 'asconf-ack', FORWARD_TSN: 'forward-tsn', I_FORWARD_TSN: 'i-forward-tsn',
};

export const sctp: MatchTranslator = {
  names: ['sctp'],
  translate(m, ctx) {
    const o = new ModuleOptions('sctp', m.options, ctx);
    const sport = o.take('sport', 'source-port');
    const dport = o.take('dport', 'destination-port');
    const chunks = o.take('chunk-types');
    o.done();
    const out: Stmt[] = [];
    const s = portStmt('sctp', 'sport', sport, ctx);
    const d = portStmt('sctp', 'dport', dport, ctx);
    if (s) out.push(s);
    if (d) out.push(d);
    if (chunks) {
      const mode = arg(chunks, 0).toLowerCase();
      const listed = arg(chunks, 1).split(',').map((c) => c.split(':')[0]!.toUpperCase());
      const flagged = arg(chunks, 1).split(',').some((c) => c.includes(':'));
      const unknown = listed.filter((c) => c !== 'ALL' && c !== 'NONE' && !NFT_CHUNK[c]);
      if (flagged || unknown.length || chunks.negated || !['all', 'any', 'only'].includes(mode)) {
        ctx.unsupported(chunks.range, 'unsupported-option', `--chunk-types ${arg(chunks, 0)} ${arg(chunks, 1)}: chunk flags, negation or unknown chunk types have no nft translation`);
      } else if (mode === 'any') {
        ctx.unsupported(chunks.range, 'unsupported-option', '--chunk-types any: nft tests chunks one by one (all must hold); write one rule per chunk type instead');
      } else {
        const all = listed.includes('ALL') ? SCTP_CHUNKS.map(([n]) => n) : listed.filter((c) => c !== 'NONE');
        if (mode === 'only') {
          // every chunk type, in the order of the reference's table
          const refOrder = ['DATA', 'INIT', 'INIT_ACK', 'SACK', 'HEARTBEAT', 'HEARTBEAT_ACK', 'ABORT', 'SHUTDOWN', 'SHUTDOWN_ACK', 'ERROR', 'COOKIE_ECHO', 'COOKIE_ACK', 'ECN_ECNE', 'ECN_CWR', 'SHUTDOWN_COMPLETE', 'I_DATA', 'RE_CONFIG', 'PAD', 'ASCONF', 'ASCONF_ACK', 'FORWARD_TSN', 'I_FORWARD_TSN'];
          for (const c of refOrder) out.push(raw(`sctp chunk ${NFT_CHUNK[c]} ${all.includes(c) ? 'exists' : 'missing'}`, optRange(chunks)));
        } else for (const c of all) out.push(raw(`sctp chunk ${NFT_CHUNK[c]} exists`, optRange(chunks)));
      }
    }
    if (out.length === 0) out.push(raw('meta l4proto sctp', m.range));
    return out;
  },
};

const DCCP_TYPES = ['request', 'response', 'data', 'ack', 'dataack', 'closereq', 'close', 'reset', 'sync', 'syncack'];

export const dccp: MatchTranslator = {
  names: ['dccp'],
  translate(m, ctx) {
    const o = new ModuleOptions('dccp', m.options, ctx);
    const sport = o.take('sport', 'source-port');
    const dport = o.take('dport', 'destination-port');
    const types = o.take('dccp-types');
    const option = o.take('dccp-option');
    o.done();
    const out: Stmt[] = [];
    const s = portStmt('dccp', 'sport', sport, ctx);
    const d = portStmt('dccp', 'dport', dport, ctx);
    if (s) out.push(s);
    if (d) out.push(d);
    if (types) {
      const items: string[] = [];
      let bad = false;
      for (const t of arg(types).split(',')) {
        const l = t.toLowerCase();
        if (l === 'invalid') items.push('10-15');
        else if (DCCP_TYPES.includes(l)) items.push(l);
        else bad = true;
      }
      if (bad) ctx.unsupported(types.range, 'invalid-value', `'${arg(types)}' is not a list of DCCP packet types`);
      else out.push(raw(`dccp type ${types.negated ? '!= ' : ''}${items.length > 1 ? `{ ${items.join(', ')} }` : items[0]}`, optRange(types)));
    }
    if (option) ctx.unsupported(option.range, 'unsupported-option', '--dccp-option has no nft translation');
    if (out.length === 0) out.push(raw('meta l4proto dccp', m.range));
    return out;
  },
};

/** -m multiport: `tcp dport { 80, 81 }`, ranges `80-88`, --ports as a concatenation. */
export const multiport: MatchTranslator = {
  names: ['multiport'],
  translate(m, ctx) {
    const o = new ModuleOptions('multiport', m.options, ctx);
    const sports = o.take('sports', 'source-ports');
    const dports = o.take('dports', 'destination-ports');
    const ports = o.take('ports');
    o.done();
    const p = ctx.protocol;
    const proto = p?.number === 6 ? 'tcp' : p?.number === 17 ? 'udp' : p?.number === 136 ? 'udplite' : p?.number === 132 ? 'sctp' : p?.number === 33 ? 'dccp' : undefined;
    const opt = dports ?? sports ?? ports;
    if (!opt) return [];
    if (!proto || p?.negated) {
      ctx.unsupported(opt.range, 'invalid-value', 'multiport needs -p tcp, udp, udplite, sctp or dccp');
      return [];
    }
    const list: [number, number][] = [];
    for (const part of arg(opt).split(',')) {
      const r = parsePortRange(part);
      if (!r) {
        ctx.unsupported(opt.range, 'invalid-value', `'${part}' is not a port or port range`);
        return [];
      }
      list.push(r);
    }
    const origin = optRange(opt);
    if (opt === ports) {
      const elems = list.map(([lo]) => `0-65535 . ${lo}, ${lo} . 0-65535`).join(', ');
      return [raw(`${proto} sport . ${proto} dport ${opt.negated ? '!= ' : ''}{ ${elems} }`, origin)];
    }
    const dir = opt === dports ? 'dport' : 'sport';
    const items = list.map(([lo, hi]) => rangeText(lo, hi));
    const value = items.length > 1 ? `{ ${items.join(', ')} }` : items[0]!;
    return [raw(`${proto} ${dir} ${opt.negated ? '!= ' : ''}${value}`, origin)];
  },
};
