/** Validation of address, MAC and port literals as iptables-family tools accept them. */

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return false;
  }
  return true;
}

export function isIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let head = s;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.') > lastColon && lastColon >= 0) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::')) return false;
  const groups = (txt: string) => (txt === '' ? [] : txt.split(':'));
  let left: string[];
  let right: string[] = [];
  if (dbl >= 0) {
    left = groups(head.slice(0, dbl));
    right = groups(head.slice(dbl + 2));
  } else left = groups(head);
  for (const g of [...left, ...right]) if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
  const n = left.length + right.length;
  return dbl >= 0 ? n <= 7 : n === 8;
}

export function isMac(s: string): boolean {
  return /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$/.test(s);
}

/** A hostname iptables would try to resolve (commands only; dumps always hold addresses). */
export function isHostname(s: string): boolean {
  return /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(s) && /[A-Za-z_]/.test(s);
}

export type Family = 4 | 6;

/**
 * Checks `addr[/prefix|/mask]`; returns a problem description or undefined.
 * Hostnames are accepted (iptables resolves them).
 */
export function addressProblem(text: string, family: Family): string | undefined {
  if (text === '') return 'empty address';
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const mask = slash < 0 ? undefined : text.slice(slash + 1);
  const v4 = isIPv4(addr);
  const v6 = !v4 && isIPv6(addr);
  if (!v4 && !v6) {
    if (/^[\d.]+$/.test(addr) || addr.includes(':')) return `'${addr}' is not a valid IPv${family} address`;
    if (isHostname(addr)) return undefined;
    return `'${addr}' is not a valid address or host name`;
  }
  if (family === 4 && v6) return `'${addr}' is an IPv6 address; iptables takes IPv4 addresses (use ip6tables)`;
  if (family === 6 && v4) return `'${addr}' is an IPv4 address; ip6tables takes IPv6 addresses (use iptables)`;
  if (mask === undefined) return undefined;
  if (/^\d+$/.test(mask)) {
    const bits = Number(mask);
    const max = family === 4 ? 32 : 128;
    return bits <= max ? undefined : `prefix length /${mask} is longer than ${max}`;
  }
  if (family === 4 ? isIPv4(mask) : isIPv6(mask)) return undefined;
  return `'/${mask}' is neither a prefix length nor a mask`;
}

export function macProblem(text: string): string | undefined {
  const slash = text.indexOf('/');
  const mac = slash < 0 ? text : text.slice(0, slash);
  const mask = slash < 0 ? undefined : text.slice(slash + 1);
  if (!isMac(mac)) return `'${mac}' is not a MAC address`;
  if (mask !== undefined && !isMac(mask)) return `'/${mask}' is not a MAC mask`;
  return undefined;
}

function portValue(p: string): number | 'name' | undefined {
  if (/^\d+$/.test(p)) return Number(p);
  if (/^0x[0-9a-fA-F]+$/.test(p)) return Number.parseInt(p, 16);
  if (/^[A-Za-z][A-Za-z0-9_.+-]*$/.test(p)) return 'name';
  return undefined;
}

/** `port`, `a:b`, `:b`, `a:` (or `a-b` where `dash` is allowed); returns a problem or undefined. */
export function portRangeProblem(text: string, sep: ':' | '-' = ':'): string | undefined {
  const parts = text.split(sep);
  if (parts.length > 2) return `'${text}' is not a port or port range`;
  const values: (number | 'name' | undefined)[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '' && parts.length === 2) {
      values.push(i === 0 ? 0 : 65535);
      continue;
    }
    const v = portValue(p);
    if (v === undefined) return `'${p}' is not a port number or service name`;
    if (typeof v === 'number' && v > 65535) return `port ${p} is greater than 65535`;
    values.push(v);
  }
  const [a, b] = values;
  if (typeof a === 'number' && typeof b === 'number' && a > b) return `port range ${text} is empty (${a} > ${b})`;
  return undefined;
}

/** multiport lists: up to 15 ports, a range counting as two. */
export function portListProblem(text: string): string | undefined {
  const items = text.split(',');
  let count = 0;
  for (const item of items) {
    const problem = portRangeProblem(item);
    if (problem) return problem;
    count += item.includes(':') ? 2 : 1;
  }
  return count > 15 ? `multiport takes at most 15 ports (a range counts as two); found ${count}` : undefined;
}
