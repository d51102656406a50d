// Tables and chains of a fetched ruleset with rule counts, through the project's parsers (tree and snapshot table).
import type { RulesetSource } from './rulesets';
import { parseIptablesSave } from '../convert/iptables';
import { parseNft } from '../convert/nft';

export interface ChainOutline {
  readonly name: string;
  /** ACCEPT/DROP (iptables), accept/drop (nft); undefined for user chains. */
  readonly policy?: string;
  /** `filter hook input priority 0` for nft base chains. */
  readonly hook?: string;
  readonly rules: number;
  /** Zero-based line of the chain's declaration, to reveal it. */
  readonly line?: number;
}

export interface TableOutline {
  /** `filter`, `ip filter`, `inet nflens_fip`, or a set name for ipset. */
  readonly name: string;
  readonly chains: readonly ChainOutline[];
  /** For nft tables: sets and maps; for ipset: the element count. */
  readonly sets?: number;
  readonly line?: number;
}

export interface RulesetOutline {
  readonly tables: readonly TableOutline[];
  readonly rules: number;
  /** Parse problems (the document itself shows them in detail). */
  readonly errors: number;
}

export function outlineRuleset(source: RulesetSource, text: string): RulesetOutline {
  if (source === 'nft') return outlineNft(text);
  if (source === 'ipset') return outlineIpset(text);
  return outlineIptables(source, text);
}

function outlineIptables(source: RulesetSource, text: string): RulesetOutline {
  const dialect = source === 'ip6tables' ? 'ip6tables' : source === 'ebtables' ? 'ebtables' : 'iptables';
  const file = parseIptablesSave(text, { dialect });
  let total = 0;
  const tables = file.tables.map((t): TableOutline => {
    const counts = new Map<string, number>();
    for (const c of t.commands) {
      if ((c.kind === 'append' || c.kind === 'insert') && c.chain) counts.set(c.chain.text, (counts.get(c.chain.text) ?? 0) + 1);
    }
    const chains = t.chains.map((c): ChainOutline => {
      const rules = counts.get(c.name.text) ?? 0;
      total += rules;
      return {
        name: c.name.text,
        ...(c.policy.text !== '-' ? { policy: c.policy.text } : {}),
        rules,
        ...(c.range ? { line: c.range.start.line } : {}),
      };
    });
    return { name: t.name.text, chains, ...(t.range ? { line: t.range.start.line } : {}) };
  });
  return { tables, rules: total, errors: file.diagnostics.filter((d) => d.severity === 'error').length };
}

function outlineNft(text: string): RulesetOutline {
  const { file, diagnostics } = parseNft(text);
  let total = 0;
  const tables: TableOutline[] = [];
  for (const item of file.items) {
    if (item.kind !== 'table') continue;
    const chains: ChainOutline[] = [];
    let sets = 0;
    for (const ti of item.items) {
      if (ti.kind === 'set' || ti.kind === 'map') sets++;
      if (ti.kind !== 'chain') continue;
      const rules = ti.rules.filter((r) => r.kind === 'rule').length;
      total += rules;
      const policy = typeof ti.policy === 'string' ? ti.policy : undefined;
      chains.push({
        name: ti.name,
        ...(policy ? { policy } : ti.base ? { policy: 'accept' } : {}),
        ...(ti.base ? { hook: `${ti.base.type} hook ${ti.base.hook}` } : {}),
        rules,
        ...(ti.range ? { line: ti.range.start.line } : {}),
      });
    }
    tables.push({ name: `${item.family} ${item.name}`, chains, sets, ...(item.range ? { line: item.range.start.line } : {}) });
  }
  return { tables, rules: total, errors: diagnostics.filter((d) => d.severity === 'error').length };
}

/** ipset save: one "table" per set, its element count as `sets`. */
function outlineIpset(text: string): RulesetOutline {
  const tables: { name: string; elements: number; line: number; type: string }[] = [];
  const byName = new Map<string, { elements: number }>();
  text.split('\n').forEach((line, i) => {
    const create = /^create\s+(\S+)\s+(\S+)/.exec(line);
    if (create) {
      const entry = { name: create[1]!, elements: 0, line: i, type: create[2]! };
      tables.push(entry);
      byName.set(entry.name, entry);
      return;
    }
    const add = /^add\s+(\S+)\s/.exec(line);
    if (add) {
      const set = byName.get(add[1]!);
      if (set) set.elements++;
    }
  });
  return {
    tables: tables.map((t) => ({ name: t.name, chains: [], sets: t.elements, line: t.line })),
    rules: tables.reduce((n, t) => n + t.elements, 0),
    errors: 0,
  };
}
