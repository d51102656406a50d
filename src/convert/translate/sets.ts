/**
 * ipset → nft named sets: the catalog of sets read from `ipset save` dumps, the nft type of
 * each ipset type, and the selectors a `-m set` match uses for each dimension.
 */
import type { Range } from '../ast/common';
import type { Arg, Expr, SetDecl } from '../ast/nft';
import { nftIdentifierFor } from '../nft/identifiers';
import { lit } from './nft-build';
import type { IpsetFile } from '../ipset/ast';

/** One `create` line of an ipset dump with its `add` lines. */
export interface IpsetInfo {
  readonly name: string;
  /** `hash:net`, `hash:ip,port`, `bitmap:port`, `list:set`... */
  readonly type: string;
  /** `inet` (default) or `inet6`. */
  readonly family: 'inet' | 'inet6';
  /** Each element as written, split on `,` (`10.0.0.1`, `tcp:80`). Options after the element are in `options`. */
  readonly elements: readonly { readonly parts: readonly string[]; readonly options: readonly string[]; readonly range?: Range }[];
  /** Create options as written (`hashsize 1024`, `timeout 60`, `counters`...). */
  readonly options: Readonly<Record<string, string | true>>;
  readonly range?: Range;
  /** The dump file the set came from. */
  readonly source?: string;
}

export interface IpsetCatalog {
  get(name: string): IpsetInfo | undefined;
  readonly size: number;
}

export function catalogOf(sets: readonly IpsetInfo[]): IpsetCatalog {
  const m = new Map<string, IpsetInfo>();
  for (const s of sets) m.set(s.name, s);
  return { get: (n) => m.get(n), size: m.size };
}

export const EMPTY_CATALOG: IpsetCatalog = catalogOf([]);

/**
 * The declaration of a set that no ipset dump describes and that rules add to or delete from
 * (SET target): addresses without intervals (nft cannot add to an interval set from the packet
 * path), per-element timeouts allowed (`--timeout`).
 */
export function inferredUpdatedSet(name: string, dims: readonly Dimension[], v6: boolean, origin: Range): SetDecl {
  return { kind: 'set', name: nftIdentifierFor(name), type: nftTypeOf(dims.map((d) => (d === 'net' ? 'ip' : d)), v6), flags: ['dynamic', 'timeout'], origin };
}

/**
 * The nft name of an ipset, said where a rule uses it when it is not the ipset's own (nft reads
 * set names as it reads chain names: see identifiers.ts).
 */
export function nftSetName(name: string, at: Range, ctx: { note(range: Range, code: 'set-renamed', message: string, data?: Record<string, unknown>): void }): string {
  const n = nftIdentifierFor(name);
  if (n !== name) ctx.note(at, 'set-renamed', `ipset ${name} is named ${n} in nft: nft set names are plain words (a letter, _ or . first) and no nft keyword`, { set: name, nftName: n });
  return n;
}

export type Dimension = 'ip' | 'net' | 'port' | 'mac' | 'iface' | 'mark' | 'set';

/** `hash:ip,port` → ['ip', 'port']; undefined for types nft cannot hold. */
export function dimensionsOf(type: string): Dimension[] | undefined {
  const [method, dims] = type.split(':');
  if (!dims || !['hash', 'bitmap'].includes(method ?? '')) return undefined;
  const out: Dimension[] = [];
  for (const d of dims.split(',')) {
    if (d === 'ip' || d === 'net' || d === 'port' || d === 'mac' || d === 'iface' || d === 'mark') out.push(d);
    else return undefined;
  }
  return out;
}

export function nftTypeOf(dims: readonly Dimension[], v6: boolean): string[] {
  const out: string[] = [];
  for (const d of dims) {
    if (d === 'ip' || d === 'net') out.push(v6 ? 'ipv6_addr' : 'ipv4_addr');
    else if (d === 'port') out.push('inet_proto', 'inet_service');
    else if (d === 'mac') out.push('ether_addr');
    else if (d === 'iface') out.push('ifname');
    else if (d === 'mark') out.push('mark');
  }
  return out;
}

/** The match-side selector(s) of one dimension for a src/dst flag. */
export function selectorsOf(d: Dimension, dir: 'src' | 'dst', v6: boolean, bitmapPort: boolean): string[] {
  switch (d) {
    case 'ip':
    case 'net':
      return [`${v6 ? 'ip6' : 'ip'} ${dir === 'src' ? 'saddr' : 'daddr'}`];
    case 'port':
      return bitmapPort ? [`th ${dir === 'src' ? 'sport' : 'dport'}`] : ['meta l4proto', `th ${dir === 'src' ? 'sport' : 'dport'}`];
    case 'mac':
      return [`ether ${dir === 'src' ? 'saddr' : 'daddr'}`];
    case 'iface':
      return [dir === 'src' ? 'iifname' : 'oifname'];
    case 'mark':
      return ['meta mark'];
    case 'set':
      return [];
  }
}

/** One element (`10.0.0.0/24`, `10.0.0.1,tcp:80`) as an nft set element. */
export function elementOf(parts: readonly string[], dims: Dimension[], bitmapPort: boolean): Expr | undefined {
  const out: string[] = [];
  for (let i = 0; i < dims.length; i++) {
    const p = parts[i];
    if (p === undefined) return undefined;
    const d = dims[i]!;
    if (d === 'port') {
      const m = /^(?:([a-z0-9-]+):)?([0-9]+)(?:-([0-9]+))?$/i.exec(p);
      if (!m) return undefined;
      const port = m[3] ? `${m[2]}-${m[3]}` : m[2]!;
      if (bitmapPort) out.push(port);
      else out.push(m[1] ? m[1].toLowerCase() : 'tcp', port);
    } else if (d === 'iface') out.push(`"${p.replace(/"/g, '')}"`);
    else if (d === 'ip' || d === 'net') {
      if (/^[0-9a-f:.]+(\/[0-9]+)?-[0-9a-f:.]+$/i.test(p) || /^[0-9a-f:.]+(\/[0-9]+)?$/i.test(p)) out.push(p);
      else return undefined;
    } else out.push(p);
  }
  return lit(out.join(' . '));
}

export function intervalNeeded(dims: Dimension[], elements: readonly { parts: readonly string[] }[]): boolean {
  if (dims.includes('net')) return true;
  return elements.some((e) => e.parts.some((p) => /[-/]/.test(p.replace(/^[a-z]+:/i, ''))));
}

/** The nft declaration of an ipset. */
/**
 * The nft declaration of an ipset. `dynamic`: rules add to or delete from it (SET target); it
 * is then declared `flags dynamic`, unless its elements need intervals, which nft cannot update
 * from the packet path (the SET target then says so).
 */
export function setDeclOf(info: IpsetInfo, origin?: Range, dynamic = false): { decl?: SetDecl; problems: string[] } {
  const problems: string[] = [];
  const dims = dimensionsOf(info.type);
  if (!dims) return { problems: [`ipset type ${info.type} has no nft set equivalent`] };
  const v6 = info.family === 'inet6';
  const bitmapPort = info.type.startsWith('bitmap:') && dims[0] === 'port';
  const type = bitmapPort ? ['inet_service'] : nftTypeOf(dims, v6);
  const elements: Expr[] = [];
  let dropped = 0;
  for (const e of info.elements) {
    if (e.options.includes('nomatch')) {
      dropped++;
      continue;
    }
    const el = elementOf(e.parts, dims, bitmapPort);
    if (!el) {
      problems.push(`element '${e.parts.join(',')}' cannot be written as an nft element`);
      continue;
    }
    const opts: Arg[] = [];
    for (const o of e.options) {
      const [k, v] = o.split(' ', 2);
      if (k === 'timeout' && v !== undefined && v !== '0') opts.push({ key: 'timeout', value: lit(`${v}s`) });
      else if (k === 'comment' && v !== undefined) opts.push({ key: 'comment', value: lit(v.replace(/^"|"$/g, '').replace(/"/g, "'"), true) });
      else if (k !== 'timeout' && k !== 'packets' && k !== 'bytes') problems.push(`element option '${o}' has no nft counterpart and was dropped`);
    }
    elements.push(opts.length ? { kind: 'elem', value: el, options: opts } : el);
  }
  if (dropped) problems.push(`${dropped} nomatch element(s) dropped: nft sets have no exception elements`);
  const flags: string[] = [];
  if (intervalNeeded(dims, info.elements)) flags.push('interval');
  else if (dynamic) flags.push('dynamic');
  if (info.options.timeout !== undefined) flags.push('timeout');
  const decl: SetDecl = { kind: 'set', name: nftIdentifierFor(info.name), type, elements };
  if (flags.length) decl.flags = flags;
  if (flags.includes('interval') && dims.length === 1) decl.autoMerge = true;
  if (info.options.timeout !== undefined && info.options.timeout !== true && info.options.timeout !== '0') decl.timeout = `${info.options.timeout}s`;
  if (info.options.counters) decl.counter = true;
  if (info.options.comment === true) decl.comment = info.name;
  if (origin) decl.origin = origin;
  return { decl, problems };
}

/**
 * The sets an `ipset save` / `ipset restore` file leaves behind, replaying its commands
 * (create, add, del, flush, destroy, swap, rename) in order.
 */
export function ipsetsFromFile(file: IpsetFile, source?: string): IpsetInfo[] {
  interface Mutable {
    name: string;
    type: string;
    family: 'inet' | 'inet6';
    elements: { parts: string[]; options: string[]; range?: Range; key: string }[];
    options: Record<string, string | true>;
    range?: Range;
    source?: string;
  }
  const sets = new Map<string, Mutable>();
  for (const c of file.commands) {
    switch (c.kind) {
      case 'create': {
        const options: Record<string, string | true> = {};
        for (const o of c.options) options[o.name.text] = o.value ? o.value.text : true;
        const m: Mutable = { name: c.name.text, type: c.type.text, family: c.family ?? 'inet', elements: [], options, range: c.range };
        if (source !== undefined) m.source = source;
        sets.set(c.name.text, m);
        break;
      }
      case 'add': {
        const s = sets.get(c.name.text);
        if (!s || !c.element) break;
        const parts = c.element.parts.map((p) => (p.protocol && !p.text.includes(':') ? `${p.protocol}:${p.text}` : p.text));
        const key = parts.join(',');
        if (s.elements.some((e) => e.key === key)) break;
        const options = c.options.map((o) => (o.value ? `${o.name.text} ${o.value.text}` : o.name.text));
        s.elements.push({ parts, options, range: c.range, key });
        break;
      }
      case 'del': {
        const s = sets.get(c.name.text);
        if (!s || !c.element) break;
        const key = c.element.parts.map((p) => p.text).join(',');
        s.elements = s.elements.filter((e) => e.key !== key);
        break;
      }
      case 'flush':
        if (c.name) {
          const s = sets.get(c.name.text);
          if (s) s.elements = [];
        } else for (const s of sets.values()) s.elements = [];
        break;
      case 'destroy':
        if (c.name) sets.delete(c.name.text);
        else sets.clear();
        break;
      case 'swap': {
        if (!c.name || !c.other) break;
        const a = sets.get(c.name.text);
        const b = sets.get(c.other.text);
        if (a && b) {
          sets.set(c.name.text, { ...b, name: c.name.text });
          sets.set(c.other.text, { ...a, name: c.other.text });
        }
        break;
      }
      case 'rename': {
        if (!c.name || !c.other) break;
        const a = sets.get(c.name.text);
        if (a) {
          sets.delete(c.name.text);
          sets.set(c.other.text, { ...a, name: c.other.text });
        }
        break;
      }
      default:
        break;
    }
  }
  return [...sets.values()].map((s) => ({ ...s, elements: s.elements.map(({ parts, options, range }) => (range ? { parts, options, range } : { parts, options })) }));
}
