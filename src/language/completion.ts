/**
 * Completion for iptables-save and nft, decided from the text before the cursor and the
 * document's name index. Pure: returns plain items the vscode adapter maps.
 */
import type { Position } from '../convert/ast/common';
import type { Dialect } from '../convert/ast/iptables';
import { CREATE_OPTIONS, IPSET_TYPES } from '../convert/ipset/index';
import { allModules, coreOptions, findMatch, findTarget, implicitProtocolModule, STANDARD_VERDICTS, TABLES } from '../convert/iptables/index';
import { CTSTATE_DOCS, TABLE_DOCS, VERDICT_DOCS } from './iptables-docs';
import type { NameOccurrence } from './model';
import { CHAIN_TYPES, FAMILY_NAMES, FIELDS, SET_ITEMS, STATEMENT_STARTS, TABLE_ITEMS, TOP_LEVEL } from './nft-docs';
import { docFor } from './nft-hover';
import type { NftTokens } from './nft-index';
import { scopeOf } from './nft-index';

export type CompletionKind = 'keyword' | 'module' | 'option' | 'target' | 'chain' | 'set' | 'variable' | 'value' | 'object' | 'table';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert when it differs from the label. */
  insertText?: string;
  /** Characters before the cursor the item replaces (the word typed so far). */
  replaceLength: number;
}

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'udplite', 'dccp', 'esp', 'ah', 'gre', 'all'];
const COMMANDS: readonly [string, string][] = [
  ['-A', 'Append a rule to a chain'], ['-I', 'Insert a rule at a position'], ['-D', 'Delete a rule'], ['-R', 'Replace a rule'],
  ['-N', 'Create a user chain'], ['-X', 'Delete a user chain'], ['-F', 'Flush a chain'], ['-Z', 'Zero counters'],
  ['-P', 'Set a built-in chain policy'], ['-E', 'Rename a chain'], ['COMMIT', 'Apply the table'],
];
const CHAIN_COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace', '-P', '--policy', '-F', '--flush', '-Z', '--zero', '-X', '--delete-chain', '-E', '--rename-chain', '-C', '--check']);

function chainNames(names: readonly NameOccurrence[], scope: string): string[] {
  const out = new Set<string>();
  for (const n of names) if (n.kind === 'chain' && n.declaration && n.scope === scope) out.add(n.name);
  return [...out];
}

/** The `*table` the line belongs to: the nearest header above it. */
function currentIptablesTable(lines: readonly string[], line: number): string {
  for (let l = line; l >= 0; l--) {
    const m = /^\*(\S+)/.exec(lines[l] ?? '');
    if (m) return m[1]!;
    if (l < line && /^COMMIT\b/.test(lines[l] ?? '')) return '';
  }
  return '';
}

export function iptablesCompletions(dialect: Dialect, lines: readonly string[], pos: Position, names: readonly NameOccurrence[], ipsetNames: readonly string[] = []): CompletionEntry[] {
  const lineText = lines[pos.line] ?? '';
  const before = lineText.slice(0, pos.character);
  const words = before.split(/\s+/).filter(Boolean);
  const typing = /\s$/.test(before) || before === '' ? '' : (words.pop() ?? '');
  const prev = words[words.length - 1];
  const replaceLength = typing.length;
  const table = currentIptablesTable(lines, pos.line);
  const items: CompletionEntry[] = [];

  if (!prev) {
    if (typing.startsWith('*') || typing === '') {
      for (const t of Object.keys(TABLES[dialect])) items.push({ label: `*${t}`, kind: 'table', documentation: TABLE_DOCS[t] ?? '', replaceLength });
    }
    if (typing.startsWith(':') || typing === '') {
      for (const c of TABLES[dialect][table] ?? []) items.push({ label: `:${c}`, kind: 'chain', detail: 'built-in chain', insertText: `:${c} ACCEPT [0:0]`, replaceLength });
      items.push({ label: ':CHAIN', kind: 'chain', detail: 'user chain', insertText: ':', replaceLength });
    }
    for (const [flag, doc] of COMMANDS) items.push({ label: flag, kind: 'keyword', detail: doc, replaceLength });
    return items;
  }
  if (CHAIN_COMMANDS.has(prev)) {
    const builtins = TABLES[dialect][table] ?? [];
    const chains = prev === '-P' || prev === '--policy' ? builtins : [...new Set([...builtins, ...chainNames(names, table)])];
    for (const c of chains) items.push({ label: c, kind: 'chain', detail: builtins.includes(c) ? 'built-in chain' : 'user chain', replaceLength });
    return items;
  }
  if (prev === '-m' || prev === '--match') {
    for (const m of allModules(dialect, 'match')) items.push({ label: m.name, kind: 'module', detail: m.nft ? `nft: ${m.nft}` : 'match', documentation: m.description, replaceLength });
    return items;
  }
  if (prev === '-j' || prev === '--jump' || prev === '-g' || prev === '--goto') {
    if (prev === '-j' || prev === '--jump') {
      for (const v of STANDARD_VERDICTS[dialect]) items.push({ label: v, kind: 'target', detail: `nft: ${VERDICT_DOCS[v]?.nft ?? v.toLowerCase()}`, documentation: VERDICT_DOCS[v]?.description ?? '', replaceLength });
      for (const t of allModules(dialect, 'target')) {
        if (t.tables && table && !t.tables.includes(table)) continue;
        items.push({ label: t.name, kind: 'target', detail: t.nft ? `nft: ${t.nft}` : 'target', documentation: t.description, replaceLength });
      }
    }
    for (const c of chainNames(names, table)) if (!(TABLES[dialect][table] ?? []).includes(c)) items.push({ label: c, kind: 'chain', detail: 'user chain', replaceLength });
    return items;
  }
  if (prev === '-p' || prev === '--protocol') {
    for (const p of PROTOCOLS) items.push({ label: p, kind: 'value', replaceLength });
    return items;
  }
  if (prev === '-t' || prev === '--table') {
    for (const t of Object.keys(TABLES[dialect])) items.push({ label: t, kind: 'table', documentation: TABLE_DOCS[t] ?? '', replaceLength });
    return items;
  }
  if (prev === '--match-set') {
    for (const s of new Set(ipsetNames)) items.push({ label: s, kind: 'set', detail: 'ipset', replaceLength });
    return items;
  }
  if (prev === '--ctstate' || prev === '--state') {
    const done = typing.lastIndexOf(',') + 1;
    for (const [s, doc] of Object.entries(CTSTATE_DOCS)) {
      if (prev === '--state' && (s === 'SNAT' || s === 'DNAT')) continue;
      items.push({ label: s, kind: 'value', documentation: doc, replaceLength: typing.length - done });
    }
    return items;
  }
  if (typing.startsWith('-') || typing === '') {
    // Options of the core and of every module this line has loaded so far.
    const seen = new Set<string>();
    for (const [flag, spec] of Object.entries(coreOptions(dialect))) {
      if (!flag.startsWith('--') || seen.has(spec.name) || spec.role === 'table' || spec.name === 'wait') continue;
      seen.add(spec.name);
      items.push({ label: flag, kind: 'option', detail: 'core option', documentation: spec.description, replaceLength });
    }
    const loaded = new Set<string>();
    for (let i = 0; i < words.length - 1; i++) {
      if (words[i] === '-m' || words[i] === '--match') loaded.add(words[i + 1]!);
      if (words[i] === '-p' || words[i] === '--protocol') {
        const implied = implicitProtocolModule(dialect, words[i + 1]!);
        if (implied) loaded.add(implied);
      }
    }
    for (const name of loaded) {
      const spec = findMatch(dialect, name);
      for (const o of spec?.options ?? []) items.push({ label: `--${o.name}`, kind: 'option', detail: `-m ${name}${o.argHint ? ` ${o.argHint}` : ''}`, documentation: o.description, replaceLength });
    }
    const j = Math.max(words.lastIndexOf('-j'), words.lastIndexOf('--jump'));
    const target = j >= 0 ? findTarget(dialect, words[j + 1] ?? '') : undefined;
    for (const o of target?.options ?? []) items.push({ label: `--${o.name}`, kind: 'option', detail: `-j ${target!.name}${o.argHint ? ` ${o.argHint}` : ''}`, documentation: o.description, replaceLength });
    return items;
  }
  return items;
}

// ---------------------------------------------------------------- nft

const SET_TYPES = ['ipv4_addr', 'ipv6_addr', 'ether_addr', 'inet_proto', 'inet_service', 'mark', 'ifname', 'iface_index', 'verdict', 'ct_state', 'time', 'day', 'hour'];
const VERBS = new Set(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'reset', 'list', 'rename']);
const BREAKS = new Set(['newline', 'semicolon', 'lcurly', 'rcurly']);

interface Block {
  kind: string;
  scope?: string;
}

/** What block the cursor is in and the words of the statement before it. */
function nftContext(tokens: NftTokens, offset: number): { blocks: Block[]; words: string[]; prevToken?: string } {
  const toks = tokens.tokens;
  const blocks: Block[] = [];
  let stmt: string[] = [];
  let last: string | undefined;
  for (const t of toks) {
    if (t.start >= offset) break;
    last = t.image;
    if (t.kind === 'comment') continue;
    if (t.kind === 'lcurly') {
      const first = VERBS.has(stmt[0] ?? '') ? stmt[1] : stmt[0];
      const kind = first === 'table' || first === 'chain' || first === 'set' || first === 'map' || first === 'flowtable' ? first : stmt.length ? 'expr' : 'block';
      let scope: string | undefined;
      const words = stmt.filter((w) => !VERBS.has(w));
      if (kind === 'table') {
        const fam = FAMILY_NAMES.includes(words[1] ?? '') ? words[1] : undefined;
        scope = scopeOf(fam, (fam ? words[2] : words[1]) ?? '');
      } else if (kind !== 'expr' && kind !== 'block' && VERBS.has(stmt[0] ?? '')) {
        const fam = FAMILY_NAMES.includes(words[1] ?? '') ? words[1] : undefined;
        scope = scopeOf(fam, (fam ? words[2] : words[1]) ?? '');
      }
      blocks.push(scope ? { kind, scope } : { kind });
      if (kind === 'expr') continue; // an anonymous set or map inside a statement: the statement goes on
      stmt = [];
      continue;
    }
    if (t.kind === 'rcurly') {
      const closed = blocks.pop();
      if (closed?.kind !== 'expr') stmt = [];
      continue;
    }
    if (BREAKS.has(t.kind)) {
      if (!blocks.length || blocks[blocks.length - 1]!.kind !== 'expr') stmt = [];
      continue;
    }
    stmt.push(t.image);
  }
  return { blocks, words: stmt, ...(last !== undefined ? { prevToken: last } : {}) };
}

function nftScope(blocks: readonly Block[], words: readonly string[]): string | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) if (blocks[i]!.scope) return blocks[i]!.scope;
  // Command style: add rule [family] table chain …
  if (VERBS.has(words[0] ?? '') && words.length >= 3) {
    const fam = FAMILY_NAMES.includes(words[2] ?? '') ? words[2] : undefined;
    return scopeOf(fam, (fam ? words[3] : words[2]) ?? '');
  }
  return undefined;
}

function keywordItems(list: readonly string[], replaceLength: number, before: readonly string[] = []): CompletionEntry[] {
  return list.map((w) => {
    const doc = docFor(w, before);
    return { label: w, kind: 'keyword', ...(doc ? { documentation: doc.doc.text } : {}), replaceLength };
  });
}

export function nftCompletions(tokens: NftTokens, pos: Position, names: readonly NameOccurrence[]): CompletionEntry[] {
  const lines = tokens.lines;
  const offset = lines.offset(pos);
  const lineText = lines.lineText(pos.line).slice(0, pos.character);
  const typingMatch = /[@$]?[A-Za-z0-9_\-.]*$/.exec(lineText);
  const typingRaw = typingMatch ? typingMatch[0] : '';
  const sigil = typingRaw.startsWith('@') || typingRaw.startsWith('$') ? typingRaw[0] : '';
  const typing = sigil ? typingRaw.slice(1) : typingRaw;
  const replaceLength = typing.length;
  const { blocks, words } = nftContext(tokens, offset - typingRaw.length);
  const scope = nftScope(blocks, words);
  const inner = blocks[blocks.length - 1]?.kind ?? 'top';
  const prev = words[words.length - 1];

  const declared = (kind: NameOccurrence['kind'], inScope: string | undefined) => {
    const out = new Map<string, NameOccurrence>();
    for (const n of names) if (n.kind === kind && n.declaration && (inScope === undefined || n.scope === inScope) && !out.has(n.name)) out.set(n.name, n);
    return [...out.values()];
  };
  if (sigil === '@') return declared('set', scope).map((n) => ({ label: n.name, kind: 'set', detail: n.detail ?? 'set', replaceLength }));
  if (sigil === '$') return declared('variable', undefined).map((n) => ({ label: n.name, kind: 'variable', detail: 'define', replaceLength }));
  if (prev === 'jump' || prev === 'goto') return declared('chain', scope).map((n) => ({ label: n.name, kind: 'chain', detail: n.detail ?? 'chain', replaceLength }));
  if (prev && (prev === 'name' || prev === 'set') && ['counter', 'quota', 'limit', 'helper', 'timeout', 'expectation', 'synproxy'].includes(words[words.length - 2] ?? '')) {
    return declared('object', scope).map((n) => ({ label: n.name, kind: 'object', detail: n.detail ?? 'object', insertText: `"${n.name}"`, replaceLength }));
  }
  if (prev === 'table' || (prev && VERBS.has(words[0] ?? '') && words.length === 2)) return keywordItems(FAMILY_NAMES, replaceLength);
  if (prev && VERBS.has(prev) && words.length === 1) return keywordItems(['table', 'chain', 'rule', 'set', 'map', 'element', 'flowtable', 'counter', 'quota', 'ruleset'], replaceLength);
  if (prev === 'type' && (inner === 'chain')) return keywordItems(CHAIN_TYPES, replaceLength);
  if ((prev === 'type' || prev === '.') && (inner === 'set' || inner === 'map')) return SET_TYPES.map((t) => ({ label: t, kind: 'value', replaceLength }));
  if (prev && FIELDS[prev]) return keywordItems(FIELDS[prev]!, replaceLength, words);
  if (!prev || inner === 'expr') {
    switch (inner) {
      case 'top': return keywordItems(TOP_LEVEL, replaceLength);
      case 'table': return keywordItems(TABLE_ITEMS, replaceLength);
      case 'set':
      case 'map': return keywordItems(SET_ITEMS, replaceLength);
      case 'chain': return keywordItems(STATEMENT_STARTS, replaceLength);
      default: return [];
    }
  }
  // After a complete expression or statement, another statement may follow on the same rule.
  if (inner === 'chain' || (inner === 'top' && words[1] === 'rule')) return keywordItems(STATEMENT_STARTS, replaceLength);
  return [];
}

// ---------------------------------------------------------------- ipset

const IPSET_COMMANDS: readonly [string, string][] = [
  ['create', 'Create a set: create NAME TYPE [options]'], ['add', 'Add an element: add NAME ELEMENT [options]'],
  ['del', 'Delete an element'], ['test', 'Test whether an element is in a set'], ['flush', 'Remove every element'],
  ['destroy', 'Delete a set'], ['swap', 'Exchange the contents of two sets'], ['rename', 'Rename a set'],
];
const NAMED = new Set(['add', 'del', 'test', 'flush', 'destroy', 'swap', 'rename', '-A', '-D', '-T', '-F', '-X', '-W', '-E']);

export function ipsetCompletions(lineText: string, character: number, names: readonly NameOccurrence[]): CompletionEntry[] {
  const before = lineText.slice(0, character);
  const words = before.split(/\s+/).filter(Boolean);
  const typing = /\s$/.test(before) || before === '' ? '' : (words.pop() ?? '');
  const replaceLength = typing.length;
  const sets = () => [...new Set(names.filter((n) => n.kind === 'ipset' && n.declaration).map((n) => n.name))];
  if (words.length === 0) return IPSET_COMMANDS.map(([label, detail]) => ({ label, kind: 'keyword', detail, replaceLength }));
  const cmd = words[0]!;
  if (words.length === 1 && NAMED.has(cmd)) return sets().map((s) => ({ label: s, kind: 'set', detail: 'ipset', replaceLength }));
  if (words.length === 2 && (cmd === 'swap' || cmd === '-W')) {
    return sets().map((s) => ({ label: s, kind: 'set', detail: 'ipset', replaceLength }));
  }
  if (cmd === 'create' || cmd === '-N') {
    if (words.length === 2) return [...IPSET_TYPES.values()].map((t) => ({ label: t.name, kind: 'value', documentation: t.description, replaceLength }));
    if (words.length >= 3) {
      const prev = words[words.length - 1]!;
      if (prev === 'family') return ['inet', 'inet6'].map((f) => ({ label: f, kind: 'value', replaceLength }));
      if (CREATE_OPTIONS.get(prev)?.value) return [];
      const used = new Set(words);
      return [...CREATE_OPTIONS.entries()].filter(([o]) => !used.has(o)).map(([o, spec]) => ({ label: o, kind: 'option', documentation: spec.description, replaceLength }));
    }
  }
  return [];
}
