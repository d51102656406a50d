/**
 * Plain data the editor features are built from: an Outline tree, folding ranges and every
 * named thing (chain, set, object, variable, ipset) with where it is declared and used.
 * Computed once per document version by analysis.ts; the vscode adapters only map it.
 */
import type { Diagnostic, Range } from '../convert/ast/common';
import type { IptablesFile } from '../convert/ast/iptables';
import type { NftFile } from '../convert/ast/nft';
import type { NftTokens } from './nft-index';

export type LanguageId = 'iptables-save' | 'nft' | 'ipset';

export const LANGUAGE_IDS: readonly LanguageId[] = ['iptables-save', 'nft', 'ipset'];

export function isLanguageId(id: string): id is LanguageId {
  return (LANGUAGE_IDS as readonly string[]).includes(id);
}

export type OutlineKind = 'table' | 'chain' | 'rule' | 'set' | 'map' | 'flowtable' | 'object' | 'variable' | 'include' | 'command' | 'element';

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: OutlineKind;
  /** The whole construct. */
  range: Range;
  /** The name (what the editor selects and reveals); inside `range`. */
  selectionRange: Range;
  children: OutlineSymbol[];
}

export interface FoldRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

/**
 * Kinds of names that can be declared and referred to. nft `@name` refers to a set, map or
 * flowtable alike, so they share `set`; an `ipset` name links iptables `--match-set` to ipset files.
 */
export type NameKind = 'table' | 'chain' | 'set' | 'object' | 'variable' | 'ipset';

export interface NameOccurrence {
  kind: NameKind;
  name: string;
  /** Where the name is visible: the iptables table, the nft `family table`, '' for file-wide names. */
  scope: string;
  /** Just the name (without `@`/`$`/quotes). */
  range: Range;
  declaration: boolean;
  /** For declarations: the whole declaration, for hovers and peeks. */
  declarationRange?: Range;
  /** What the declaration is (`chain`, `map`, `ct helper`...), for hovers and rename messages. */
  detail?: string;
  /** Built-in names (iptables INPUT, standard verdicts) cannot be renamed. */
  builtin?: boolean;
  /** iptables: the chain a rule command (-A/-I/-R/-D) adds to, not a jump. */
  role?: 'rule';
}

export interface DocumentAnalysis {
  language: LanguageId;
  diagnostics: Diagnostic[];
  outline: OutlineSymbol[];
  folds: FoldRange[];
  /** In document order. */
  names: NameOccurrence[];
  /** Syntax errors were found (formatting refuses to run). */
  hasSyntaxErrors: boolean;
  timings: { parseMs: number; analyzeMs: number; indexMs: number };
  /** Rules (iptables commands, nft rules, ipset entries) seen, for the timing log. */
  size: number;
  /** iptables-save family dialect (iptables, ip6tables, ebtables, arptables). */
  dialect?: IptablesFile['dialect'];
  /** The parsed document; absent in results that crossed a worker boundary. */
  iptables?: IptablesFile;
  nft?: { file: NftFile; tokens: NftTokens };
}

/** What crosses from the analysis worker: plain data only. */
export type DocumentFacts = Omit<DocumentAnalysis, 'iptables' | 'nft'>;

export function factsOf(a: DocumentAnalysis): DocumentFacts {
  const { iptables: _i, nft: _n, ...facts } = a;
  return facts;
}
