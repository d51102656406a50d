/**
 * Corpus sweep: tokenizes documents and measures what the issue asks of the grammars —
 * no invalid.* scope, share of non-blank characters outside comments under a leaf scope,
 * and the slowest line.
 */
import type { IGrammar } from 'vscode-textmate';
import { hasLeafScope, isComment, isInvalid, tokenizeLines } from './textmate';

export interface SweepDocument {
  name: string;
  text: string;
}

export interface InvalidToken {
  document: string;
  line: number;
  text: string;
  scopes: string[];
}

export interface SweepResult {
  documents: number;
  lines: number;
  characters: number;
  leafCharacters: number;
  /** Characters whose only leaf scope comes from a grammar's catch-all identifier rule. */
  catchAllCharacters: number;
  invalid: InvalidToken[];
  unscoped: Map<string, number>;
  maxLineMs: number;
  slowestLine: string;
  linesOver10ms: number;
}

/** The scopes of the catch-all rules: any identifier no other rule recognised. */
export const catchAllScopes = new Set(['string.unquoted.nft', 'constant.language.symbol.iptables-save', 'string.unquoted.ipset']);

export function leafPercent(r: SweepResult): number {
  return r.characters === 0 ? 100 : (100 * r.leafCharacters) / r.characters;
}

/**
 * Tokenizes each document once to warm the grammar up (Oniguruma compiles a rule's scanner
 * on first use), then again timing each line as the fastest of three runs.
 */
export function sweep(grammar: IGrammar, documents: SweepDocument[]): SweepResult {
  const result: SweepResult = {
    documents: documents.length,
    lines: 0,
    characters: 0,
    leafCharacters: 0,
    catchAllCharacters: 0,
    invalid: [],
    unscoped: new Map(),
    maxLineMs: 0,
    slowestLine: '',
    linesOver10ms: 0,
  };
  for (const doc of documents) tokenizeLines(grammar, doc.text.split('\n'));
  for (const doc of documents) {
    const lines = doc.text.split('\n');
    const tokenized = tokenizeLines(grammar, lines, 3);
    result.lines += lines.length;
    tokenized.forEach((line, index) => {
      if (line.ms > result.maxLineMs) {
        result.maxLineMs = line.ms;
        result.slowestLine = `${doc.name}:${index + 1}`;
      }
      if (line.ms > 10) result.linesOver10ms++;
      for (const token of line.tokens) {
        if (isInvalid(token.scopes)) result.invalid.push({ document: doc.name, line: index + 1, text: token.text, scopes: token.scopes });
        if (isComment(token.scopes)) continue;
        const visible = token.text.replace(/\s/g, '').length;
        if (visible === 0) continue;
        result.characters += visible;
        if (token.scopes.some((s) => catchAllScopes.has(s))) result.catchAllCharacters += visible;
        if (hasLeafScope(token.scopes)) result.leafCharacters += visible;
        else {
          const key = token.text.trim();
          result.unscoped.set(key, (result.unscoped.get(key) ?? 0) + 1);
        }
      }
    });
  }
  return result;
}

export function describeSweep(label: string, r: SweepResult): string {
  const top = [...r.unscoped.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([t, n]) => `${JSON.stringify(t)}x${n}`);
  return (
    `${label}: ${r.documents} files, ${r.lines} lines, invalid tokens ${r.invalid.length}, ` +
    `leaf scope ${leafPercent(r).toFixed(2)}% of ${r.characters} chars ` +
    `(${((100 * r.catchAllCharacters) / Math.max(1, r.characters)).toFixed(2)}% only by the catch-all identifier rule), max line ${r.maxLineMs.toFixed(2)} ms (${r.slowestLine}), ` +
    `lines over 10 ms: ${r.linesOver10ms}` +
    (top.length ? `\n      most frequent unscoped text: ${top.join(' ')}` : '')
  );
}
