/** Checks on a parsed ipset file: set declarations, element shapes, element options. */
import type { Diagnostic, Range, RelatedInformation } from '../ast/common';
import { isIPv4, isIPv6, isMac, portRangeProblem } from '../iptables/literals';
import type { ElementPart, IpsetCreate, IpsetFile } from './ast';
import type { IpsetCode } from './codes';
import { ENTRY_OPTIONS } from './types';

function d(range: Range, severity: Diagnostic['severity'], code: IpsetCode, message: string, related?: RelatedInformation[]): Diagnostic {
  return related ? { range, severity, code, message, related } : { range, severity, code, message };
}

function addressProblem(text: string, family: 4 | 6, allowPrefix: boolean): string | undefined {
  const valid = family === 4 ? isIPv4 : isIPv6;
  const other = family === 4 ? isIPv6 : isIPv4;
  const dash = text.indexOf('-', family === 6 ? text.indexOf(':') : 0);
  if (dash > 0) {
    const [a, b] = [text.slice(0, dash), text.slice(dash + 1)];
    if (!valid(a) || !valid(b)) return `'${text}' is not an IPv${family} address range`;
    return undefined;
  }
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  if (!valid(addr)) return other(addr) ? `'${addr}' is an IPv${family === 4 ? 6 : 4} address but the set is family ${family === 4 ? 'inet' : 'inet6'}` : `'${addr}' is not an IPv${family} address`;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!allowPrefix) return `prefix /${p} is not allowed here`;
    if (!/^\d+$/.test(p) || Number(p) > (family === 4 ? 32 : 128)) return `'/${p}' is not a valid prefix length`;
  }
  return undefined;
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'udplite', 'tcpudp', 'icmp', 'icmpv6', 'ipv6-icmp']);

function partProblem(part: ElementPart, family: 4 | 6, setNames: ReadonlySet<string>): string | undefined {
  const t = part.text;
  switch (part.dimension) {
    case 'ip':
      return addressProblem(t, family, true);
    case 'net':
      return addressProblem(t, family, true);
    case 'mac':
      return isMac(t) ? undefined : `'${t}' is not a MAC address`;
    case 'mark':
      return /^(0x[0-9a-fA-F]+|\d+)$/.test(t) ? undefined : `'${t}' is not a mark value`;
    case 'iface': {
      const name = part.physdev ? t.slice('physdev:'.length) : t;
      return name.length > 0 && name.length <= 15 && !/[\s/]/.test(name) ? undefined : `'${name}' is not an interface name`;
    }
    case 'set':
      return setNames.has(t) ? undefined : `set '${t}' is not created in this file`;
    case 'port': {
      if (part.protocol) {
        if (!PORT_PROTOCOLS.has(part.protocol) && !/^\d+$/.test(part.protocol)) return `'${part.protocol}' is not a protocol ipset accepts before a port`;
        const rest = t.slice(part.protocol.length + 1);
        if (part.protocol.startsWith('icmp') || part.protocol === 'ipv6-icmp') return rest ? undefined : 'missing ICMP type';
        return portRangeProblem(rest, '-');
      }
      return portRangeProblem(t, '-');
    }
    default:
      return undefined;
  }
}

/** Analysis diagnostics of an ipset file (its syntax diagnostics are not repeated). */
export function analyzeIpset(file: IpsetFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sets = new Map<string, IpsetCreate>();
  const everCreated = new Set<string>();
  for (const c of file.commands) if (c.kind === 'create') everCreated.add(c.name.text);
  for (const c of file.commands) {
    switch (c.kind) {
      case 'create': {
        const first = sets.get(c.name.text);
        if (first && (!c.exist || first.type.text !== c.type.text)) {
          out.push(d(c.name.range, 'error', 'ipset-duplicate-set', c.exist ? `set ${c.name.text} already exists with type ${first.type.text}` : `set ${c.name.text} is created twice (use -exist to allow it)`, [{ message: 'first created here', range: first.name.range }]));
        }
        if (!first) sets.set(c.name.text, c);
        if (c.method === 'bitmap' && !c.options.some((o) => o.name.text === 'range')) out.push(d(c.type.range, 'error', 'ipset-missing-range', `a ${c.type.text} set needs 'range FROM-TO' or 'range NETWORK'`));
        break;
      }
      case 'add':
      case 'del':
      case 'test': {
        const set = sets.get(c.name.text);
        if (!set) {
          out.push(d(c.name.range, 'error', 'ipset-undeclared-set', `set ${c.name.text} is not created before this ${c.kind}`));
          break;
        }
        const el = c.element;
        if (el && set.dimensions.length) {
          const dims = set.dimensions;
          const optionalMac = set.type.text === 'bitmap:ip,mac' && el.parts.length === 1;
          if (el.parts.length !== dims.length && !optionalMac) {
            out.push(d(el.range, 'error', 'ipset-element-mismatch', `a ${set.type.text} element has ${dims.length} part${dims.length > 1 ? 's' : ''} (${dims.join(',')}), this one has ${el.parts.length}`));
          } else {
            const family = set.family === 'inet6' ? 6 : 4;
            for (const part of el.parts) {
              const problem = partProblem(part, family, everCreated);
              if (problem) out.push(d(part.range, part.dimension === 'set' ? 'warning' : 'error', 'ipset-element-mismatch', `${problem} (set ${set.name.text} is ${set.type.text}${set.family ? ` family ${set.family}` : ''})`));
            }
          }
        }
        const createOptions = new Set(set.options.map((o) => o.name.text));
        for (const o of c.options) {
          const spec = ENTRY_OPTIONS.get(o.name.text);
          if (spec?.needs && !createOptions.has(spec.needs)) {
            out.push(d(o.name.range, 'error', 'ipset-option-not-enabled', `${o.name.text} needs the set to be created with '${spec.needs}'`));
          }
          if (o.name.text === 'nomatch' && !set.dimensions.includes('net')) out.push(d(o.name.range, 'error', 'ipset-option-not-enabled', `nomatch only works in hash types with a net part, not ${set.type.text}`));
          if ((o.name.text === 'before' || o.name.text === 'after') && set.method !== 'list') out.push(d(o.name.range, 'error', 'ipset-option-not-enabled', `${o.name.text} only works in list:set sets`));
        }
        break;
      }
      case 'swap':
      case 'rename':
      case 'flush':
      case 'destroy': {
        for (const w of [c.name, c.other]) {
          if (!w || (c.kind === 'rename' && w === c.other)) continue;
          if (!sets.has(w.text)) out.push(d(w.range, 'warning', 'ipset-undeclared-set', `set ${w.text} is not created in this file (it must already exist in the kernel)`));
        }
        if (c.kind === 'destroy') {
          if (c.name) sets.delete(c.name.text);
          else sets.clear();
        } else if (c.kind === 'rename' && c.name && c.other) {
          const s = sets.get(c.name.text);
          if (s) {
            sets.delete(c.name.text);
            sets.set(c.other.text, s);
          }
        } else if (c.kind === 'swap' && c.name && c.other) {
          const a = sets.get(c.name.text);
          const b = sets.get(c.other.text);
          if (a && b) {
            sets.set(c.name.text, b);
            sets.set(c.other.text, a);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}
