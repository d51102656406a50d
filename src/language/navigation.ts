/** Go to definition, find references and rename over a document's name index. Pure functions. */
import type { Position, Range } from '../convert/ast/common';
import { findTarget, maxChainNameLength, STANDARD_VERDICTS } from '../convert/iptables/index';
import type { Dialect } from '../convert/ast/iptables';
import type { LanguageId, NameKind, NameOccurrence } from './model';
import { comparePositions, rangeContains } from './text';

/** The occurrence under the cursor (names are sorted by position). */
export function nameAt(names: readonly NameOccurrence[], pos: Position): NameOccurrence | undefined {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePositions(names[mid]!.range.end, pos) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < names.length && comparePositions(names[i]!.range.start, pos) <= 0; i++) {
    if (rangeContains(names[i]!.range, pos)) return names[i];
  }
  return undefined;
}

export function sameName(a: NameOccurrence, b: { kind: NameKind; name: string; scope: string }): boolean {
  return a.kind === b.kind && a.name === b.name && a.scope === b.scope;
}

export function declarationsOf(names: readonly NameOccurrence[], target: { kind: NameKind; name: string; scope: string }): NameOccurrence[] {
  return names.filter((n) => n.declaration && sameName(n, target));
}

export function referencesOf(names: readonly NameOccurrence[], target: { kind: NameKind; name: string; scope: string }, includeDeclaration: boolean): NameOccurrence[] {
  return names.filter((n) => sameName(n, target) && (includeDeclaration || !n.declaration));
}

export interface RenamePlan {
  /** The range to rename at the cursor and its current text. */
  range: Range;
  placeholder: string;
  occurrence: NameOccurrence;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Whether the name under the cursor can be renamed, and what to put in the rename box. */
export function prepareRename(names: readonly NameOccurrence[], pos: Position): Result<RenamePlan> {
  const occ = nameAt(names, pos);
  if (!occ) return { ok: false, error: 'Only chains, sets, maps, objects, variables and ipsets can be renamed.' };
  if (occ.builtin) return { ok: false, error: `${occ.name} is a built-in chain and keeps its name.` };
  const decls = declarationsOf(names, occ);
  if (decls.some((d) => d.builtin)) return { ok: false, error: `${occ.name} is a built-in chain and keeps its name.` };
  if (occ.kind === 'table') return { ok: false, error: 'Renaming tables is not supported; rename the table in every file that uses it.' };
  return { ok: true, value: { range: occ.range, placeholder: occ.name, occurrence: occ } };
}

const NFT_NAME = /^[A-Za-z_][A-Za-z0-9_\-.\/]*$/;
const NFT_VARIABLE = /^[A-Za-z0-9_][A-Za-z0-9_\-]*$/;
const SHELL_WORD = /^[^\s"'#!][^\s"'#]*$/;

/** Why `newName` is not acceptable for this kind of name, or undefined when it is. */
export function invalidNewName(language: LanguageId, occ: NameOccurrence, newName: string, dialect: Dialect = 'iptables'): string | undefined {
  if (!newName) return 'The name cannot be empty.';
  if (occ.kind === 'ipset') {
    if (!SHELL_WORD.test(newName)) return 'An ipset name cannot contain spaces, quotes or # and cannot start with !.';
    if (newName.length > 31) return 'An ipset name has at most 31 characters.';
    return undefined;
  }
  if (language === 'iptables-save') {
    if (!SHELL_WORD.test(newName) || newName.startsWith('-')) return 'A chain name cannot contain spaces or quotes and cannot start with - or !.';
    const max = maxChainNameLength(dialect);
    if (newName.length > max) return `A chain name has at most ${max} characters here.`;
    if (STANDARD_VERDICTS[dialect].includes(newName.toUpperCase()) || findTarget(dialect, newName)) return `${newName} is a target name; iptables would not read it as a chain.`;
    return undefined;
  }
  if (occ.kind === 'variable') return NFT_VARIABLE.test(newName) ? undefined : 'A variable name has letters, digits, _ and -.';
  return NFT_NAME.test(newName) ? undefined : 'An nft name starts with a letter or _ and has letters, digits, _ - . /.';
}

/** Every range to replace with `newName`, or why the rename cannot be done. */
export function renameEdits(language: LanguageId, names: readonly NameOccurrence[], pos: Position, newName: string, dialect?: Dialect): Result<Range[]> {
  const plan = prepareRename(names, pos);
  if (!plan.ok) return plan;
  const occ = plan.value.occurrence;
  const problem = invalidNewName(language, occ, newName, dialect);
  if (problem) return { ok: false, error: problem };
  if (newName !== occ.name && declarationsOf(names, { kind: occ.kind, name: newName, scope: occ.scope }).length) {
    return { ok: false, error: `${newName} already exists here.` };
  }
  return { ok: true, value: referencesOf(names, occ, true).map((n) => n.range) };
}
