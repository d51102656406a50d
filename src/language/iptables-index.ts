/**
 * Outline, folding ranges and the name index of an iptables-save file (also ip6tables,
 * ebtables and arptables dumps), computed from the parser's AST.
 */
import type { Range } from '../convert/ast/common';
import type { ChainDecl, Command, IptablesFile, TableBlock, Word } from '../convert/ast/iptables';
import { findTarget, isBuiltinChain, STANDARD_VERDICTS } from '../convert/iptables/index';
import type { FoldRange, NameOccurrence, OutlineSymbol } from './model';
import { comparePositions, shorten } from './text';

const RULE_COMMANDS = new Set(['append', 'insert', 'replace', 'delete', 'check']);

/** The part of a command line after `-A CHAIN` (and the index of -I/-R/-D), for Outline labels. */
export function ruleLabel(cmd: Command): string {
  const text = cmd.text;
  const after = cmd.index ?? cmd.chain;
  const cut = after ? after.range.end.character - cmd.range.start.character : 0;
  const rest = text.slice(Math.max(cut, 0)).trim();
  return shorten(rest || text, 90);
}

function coverAll(first: Range, rest: readonly Range[]): Range {
  let start = first.start;
  let end = first.end;
  for (const r of rest) {
    if (comparePositions(r.start, start) < 0) start = r.start;
    if (comparePositions(r.end, end) > 0) end = r.end;
  }
  return { start, end };
}

interface ChainEntry {
  name: string;
  decl?: ChainDecl;
  newChain?: Command;
  rules: Command[];
}

function chainsOf(table: TableBlock): ChainEntry[] {
  const byName = new Map<string, ChainEntry>();
  const entry = (name: string): ChainEntry => {
    let e = byName.get(name);
    if (!e) {
      e = { name, rules: [] };
      byName.set(name, e);
    }
    return e;
  };
  for (const d of table.chains) {
    const e = entry(d.name.text);
    e.decl ??= d;
  }
  for (const c of table.commands) {
    if (!c.chain) continue;
    if (c.kind === 'new-chain') entry(c.chain.text).newChain ??= c;
    else if (RULE_COMMANDS.has(c.kind) && c.rule) entry(c.chain.text).rules.push(c);
  }
  return [...byName.values()];
}

function policyDetail(e: ChainEntry): string {
  const policy = e.decl?.policy.text;
  const n = e.rules.length;
  const rules = `${n} rule${n === 1 ? '' : 's'}`;
  return policy && policy !== '-' ? `policy ${policy} · ${rules}` : rules;
}

export function iptablesOutline(file: IptablesFile): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const table of file.tables) {
    const children: OutlineSymbol[] = [];
    for (const e of chainsOf(table)) {
      const head = e.decl?.name ?? e.newChain?.chain ?? e.rules[0]?.chain;
      if (!head) continue;
      const headRange = e.decl?.range ?? e.newChain?.range ?? e.rules[0]!.range;
      const rules: OutlineSymbol[] = e.rules.map((c) => ({
        name: ruleLabel(c),
        detail: c.rule?.target ? `→ ${c.rule.target.name.text}` : '',
        kind: 'rule',
        range: c.range,
        selectionRange: c.range,
        children: [],
      }));
      children.push({
        name: e.name,
        detail: policyDetail(e),
        kind: 'chain',
        range: coverAll(headRange, e.rules.map((c) => c.range)),
        selectionRange: head.range,
        children: rules,
      });
    }
    const n = table.commands.filter((c) => RULE_COMMANDS.has(c.kind)).length;
    out.push({ name: table.name.text, detail: `${children.length} chains · ${n} rules`, kind: 'table', range: table.range, selectionRange: table.name.range, children });
  }
  return out;
}

/** Tables (`*filter` … COMMIT), runs of chain declarations, the rules of each chain, comment blocks. */
export function iptablesFolds(file: IptablesFile): FoldRange[] {
  const folds: FoldRange[] = [];
  const add = (startLine: number, endLine: number, kind?: FoldRange['kind']) => {
    if (endLine > startLine) folds.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
  };
  for (const table of file.tables) {
    add(table.range.start.line, table.range.end.line);
    if (table.chains.length > 1) add(table.chains[0]!.range.start.line, table.chains[table.chains.length - 1]!.range.end.line);
    // Consecutive rules of the same chain fold together (iptables-save writes them that way).
    let runStart: Command | undefined;
    let runEnd: Command | undefined;
    for (const c of table.commands) {
      if (runStart && runEnd && c.chain?.text === runStart.chain?.text && c.range.start.line === runEnd.range.end.line + 1) {
        runEnd = c;
        continue;
      }
      if (runStart && runEnd) add(runStart.range.start.line, runEnd.range.end.line);
      runStart = runEnd = c.chain ? c : undefined;
    }
    if (runStart && runEnd) add(runStart.range.start.line, runEnd.range.end.line);
  }
  let blockStart = -1;
  let last = -2;
  for (const c of file.comments) {
    const line = c.range.start.line;
    if (line !== last + 1) {
      if (blockStart >= 0) add(blockStart, last, 'comment');
      blockStart = line;
    }
    last = line;
  }
  if (blockStart >= 0) add(blockStart, last, 'comment');
  return folds.sort((a, b) => a.startLine - b.startLine);
}

/** Every chain and ipset name with where it is declared and used. */
export function iptablesNames(file: IptablesFile): NameOccurrence[] {
  const names: NameOccurrence[] = [];
  const dialect = file.dialect;
  const verdicts = new Set(STANDARD_VERDICTS[dialect]);
  const chainRef = (w: Word, scope: string, builtin: boolean, role?: 'rule') =>
    names.push({ kind: 'chain', name: w.text, scope, range: w.range, declaration: false, ...(builtin ? { builtin } : {}), ...(role ? { role } : {}) });
  const visit = (commands: readonly Command[], scope: string, declared: ReadonlySet<string>, tableName: string) => {
    for (const c of commands) {
      if (c.chain) {
        const builtin = isBuiltinChain(dialect, tableName, c.chain.text);
        if (c.kind === 'new-chain') {
          names.push({ kind: 'chain', name: c.chain.text, scope, range: c.chain.range, declaration: true, declarationRange: c.range, detail: 'chain (-N)' });
        } else chainRef(c.chain, scope, builtin, RULE_COMMANDS.has(c.kind) ? 'rule' : undefined);
      }
      if (c.kind === 'rename-chain' && c.newName) {
        names.push({ kind: 'chain', name: c.newName.text, scope, range: c.newName.range, declaration: true, declarationRange: c.range, detail: 'chain (-E)' });
      }
      const rule = c.rule;
      if (!rule) continue;
      const target = rule.target;
      if (target) {
        const t = target.name.text;
        // A target names a chain when the table declares one by that name, or when it is no known target.
        const isChain = declared.has(t) || (!verdicts.has(t) && !findTarget(dialect, t) && !verdicts.has(t.toUpperCase()));
        if (isChain) chainRef(target.name, scope, isBuiltinChain(dialect, tableName, t));
      }
      for (const m of rule.matches) {
        for (const o of m.options) {
          if (o.name === 'match-set' && o.args[0]) {
            names.push({ kind: 'ipset', name: o.args[0].text, scope: '', range: o.args[0].range, declaration: false });
          }
        }
      }
    }
  };
  for (const table of file.tables) {
    const scope = table.name.text;
    const declared = new Set<string>();
    for (const d of table.chains) declared.add(d.name.text);
    for (const c of table.commands) if (c.kind === 'new-chain' && c.chain) declared.add(c.chain.text);
    for (const d of table.chains) {
      const builtin = isBuiltinChain(dialect, scope, d.name.text);
      names.push({
        kind: 'chain', name: d.name.text, scope, range: d.name.range, declaration: true, declarationRange: d.range,
        detail: builtin ? `built-in chain, policy ${d.policy.text}` : 'user chain', ...(builtin ? { builtin } : {}),
      });
    }
    visit(table.commands, scope, declared, scope);
  }
  visit(file.stray, '', new Set(), '');
  return names.sort((a, b) => comparePositions(a.range.start, b.range.start));
}

/** Number of rule commands, for timing logs. */
export function iptablesRuleCount(file: IptablesFile): number {
  let n = 0;
  for (const t of file.tables) for (const c of t.commands) if (c.rule) n++;
  return n + file.stray.length;
}
