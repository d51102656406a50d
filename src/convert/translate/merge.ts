/**
 * --merge inet: the ip and ip6 tables of the same name become one inet table. Rules that
 * print identically in both families are emitted once; the others are restricted to their
 * family with `meta nfproto`. Each family's rule order is kept (a longest common
 * subsequence aligns the two chains), so every packet sees the rules it saw before.
 */
import type { Chain, Rule, SetDecl, ObjectDecl, Stmt, Table, TableItem } from '../ast/nft';
import { printRuleBody } from '../nft/printer';
import { kw, raw, verdict } from './nft-build';

function ruleKey(r: Rule | { kind: 'comment-line'; text: string }): string {
  if (r.kind === 'comment-line') return `#${r.text}`;
  if (r.disabled !== undefined) return `#${r.disabled}`;
  return printRuleBody(r);
}

/** LCS alignment of two rule lists; returns pairs [a index | -1, b index | -1] in merged order. */
function align(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  // Dumps are small per chain; fall back to concatenation for huge chains to stay linear.
  if (n * m > 4_000_000) return [...a.map((_, i) => [i, -1] as [number, number]), ...b.map((_, j) => [-1, j] as [number, number])];
  const dp: Uint32Array[] = [];
  for (let i = 0; i <= n; i++) dp.push(new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) out.push([i++, j++]);
    else if (j >= m || (i < n && dp[i + 1]![j]! >= dp[i]![j + 1]!)) out.push([i++, -1]);
    else out.push([-1, j++]);
  }
  return out;
}

function restrict(r: Chain['rules'][number], proto: 'ipv4' | 'ipv6'): void {
  if (r.kind !== 'rule' || r.disabled !== undefined) return;
  r.stmts.unshift(raw(`meta nfproto ${proto}`, r.origin));
  // inet NAT statements must name the address family of their address
  const fam = proto === 'ipv4' ? 'ip' : 'ip6';
  r.stmts = r.stmts.map((s) => (s.kind === 'keyword' && /^(snat|dnat|tproxy) to [^:]/.test(s.keyword) ? { ...s, keyword: s.keyword.replace(/^(snat|dnat|tproxy) to /, `$1 ${fam} to `) } : s));
}

function mergeChain(a: Chain | undefined, b: Chain | undefined, alias: Map<object, object>): Chain {
  if (!a || !b) {
    const only = (a ?? b)!;
    for (const r of only.rules) restrict(r, a ? 'ipv4' : 'ipv6');
    return only;
  }
  const ka = a.rules.map(ruleKey);
  const kb = b.rules.map(ruleKey);
  const rules: Chain['rules'] = [];
  for (const [i, j] of align(ka, kb)) {
    if (i >= 0 && j >= 0) {
      rules.push(a.rules[i]!);
      alias.set(b.rules[j]!, a.rules[i]!);
    } else if (i >= 0) {
      restrict(a.rules[i]!, 'ipv4');
      rules.push(a.rules[i]!);
    } else {
      restrict(b.rules[j]!, 'ipv6');
      rules.push(b.rules[j]!);
    }
  }
  const merged: Chain = { ...a, rules };
  alias.set(a, merged);
  alias.set(b, merged);
  if (a.policy !== b.policy && a.base) {
    // Policies differ: accept in the base chain, and each family's own policy as a last rule.
    merged.policy = 'accept';
    for (const [c, proto] of [[a, 'ipv4'], [b, 'ipv6']] as const) {
      if (c.policy === 'drop') {
        const stmts: Stmt[] = [raw(`meta nfproto ${proto}`), kw('counter'), verdict('drop')];
        rules.push({ kind: 'rule', stmts, comment: `policy drop of the ${proto === 'ipv4' ? 'iptables' : 'ip6tables'} chain` });
      }
    }
  }
  return merged;
}

function renameSetRefs(t: Table, from: string, to: string): void {
  const re = new RegExp(`@${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`, 'g');
  for (const it of t.items) {
    if (it.kind !== 'chain') continue;
    for (const r of it.rules) {
      if (r.kind !== 'rule') continue;
      r.stmts = r.stmts.map((st) => (st.kind === 'keyword' && st.keyword.includes(`@${from}`) ? { ...st, keyword: st.keyword.replace(re, `@${to}`) } : st));
    }
  }
}

export function mergeInet(tables: Table[], _opts: unknown, alias: Map<object, object> = new Map()): Table[] {
  const out: Table[] = [];
  const byName = new Map<string, { ip?: Table; ip6?: Table }>();
  for (const t of tables) {
    if (t.family !== 'ip' && t.family !== 'ip6') {
      out.push(t);
      continue;
    }
    const e = byName.get(t.name) ?? {};
    e[t.family] = t;
    byName.set(t.name, e);
  }
  for (const [name, { ip, ip6 }] of byName) {
    const items: TableItem[] = [];
    const decls = new Map<string, SetDecl | ObjectDecl>();
    for (const t of [ip, ip6]) {
      for (const it of t?.items ?? []) {
        if (it.kind === 'set' || it.kind === 'map' || it.kind === 'object') {
          const key = `${it.kind === 'object' ? it.objType : 'set'} ${it.name}`;
          if (it.kind === 'object') it.body = it.body.map((line) => line.map((a) => (a.key === 'l3proto' ? { ...a, value: { kind: 'literal', text: 'inet' } } : a)));
          const prev = decls.get(key);
          if (!prev) decls.set(key, it);
          else if (t === ip6 && it.kind !== 'object' && prev.kind !== 'object' && (prev.type ?? []).join('.') !== (it.type ?? []).join('.')) {
            // same name, different type in the two families (e.g. connlimit0): the ip6 one is renamed
            const renamed = `${it.name}_ip6`;
            renameSetRefs(ip6!, it.name, renamed);
            const copy = { ...it, name: renamed };
            decls.set(`set ${renamed}`, copy);
          }
        }
      }
    }
    items.push(...decls.values());
    const chainsA = new Map<string, Chain>();
    const chainsB = new Map<string, Chain>();
    for (const it of ip?.items ?? []) if (it.kind === 'chain') chainsA.set(it.name, it);
    for (const it of ip6?.items ?? []) if (it.kind === 'chain') chainsB.set(it.name, it);
    const names = [...chainsA.keys()];
    for (const n of chainsB.keys()) if (!chainsA.has(n)) names.push(n);
    for (const n of names) items.push(mergeChain(chainsA.get(n), chainsB.get(n), alias));
    const merged: Table = { kind: 'table', family: 'inet', name, items };
    if (ip) alias.set(ip, merged);
    if (ip6) alias.set(ip6, merged);
    out.push(merged);
  }
  return out;
}
