/**
 * Loads the extension's TextMate grammars (from package.json contributes.grammars) with
 * vscode-textmate + vscode-oniguruma, the same engine VS Code uses, and tokenizes text.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

export const repoRoot = resolve(__dirname, '..', '..', '..');

interface GrammarContribution {
  language: string;
  scopeName: string;
  path: string;
}

export function grammarContributions(): GrammarContribution[] {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return manifest.contributes.grammars as GrammarContribution[];
}

let registry: Promise<vsctm.Registry> | undefined;

function loadRegistry(): Promise<vsctm.Registry> {
  const wasm = readFileSync(join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
  const byScope = new Map(grammarContributions().map((g) => [g.scopeName, join(repoRoot, g.path)]));
  return Promise.resolve(
    new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        const path = byScope.get(scopeName);
        if (!path) return null;
        return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
      },
    }),
  );
}

/** The shared registry (one Oniguruma instance for every suite in the process). */
export function getRegistry(): Promise<vsctm.Registry> {
  registry ??= loadRegistry();
  return registry;
}

export async function loadGrammar(scopeName: string): Promise<vsctm.IGrammar> {
  const grammar = await (await getRegistry()).loadGrammar(scopeName);
  if (!grammar) throw new Error(`grammar ${scopeName} not found in package.json contributes.grammars`);
  return grammar;
}

export interface Token {
  line: number;
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

export interface LineResult {
  tokens: Token[];
  ms: number;
}

/**
 * Tokenizes every line, carrying the rule stack across lines as the editor does.
 * With `timingRuns` > 1 each line is tokenized that many times and the fastest run is its
 * time, so a garbage-collection pause is not charged to whichever line it fell on.
 */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: string[], timingRuns = 1): LineResult[] {
  let stack = vsctm.INITIAL;
  const out: LineResult[] = [];
  lines.forEach((lineText, line) => {
    let ms = Infinity;
    let r!: vsctm.ITokenizeLineResult;
    for (let run = 0; run < timingRuns; run++) {
      const started = process.hrtime.bigint();
      r = grammar.tokenizeLine(lineText, stack);
      ms = Math.min(ms, Number(process.hrtime.bigint() - started) / 1e6);
    }
    stack = r.ruleStack;
    out.push({
      ms,
      tokens: r.tokens.map((t) => ({ line, start: t.startIndex, end: Math.min(t.endIndex, lineText.length), text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes })),
    });
  });
  return out;
}

/** Scope prefixes that colour a token by themselves (a meta.* wrapper alone does not). */
export const leafPrefixes = ['keyword', 'constant', 'entity', 'string', 'punctuation', 'variable', 'support', 'storage'];

export function hasLeafScope(scopes: string[]): boolean {
  return scopes.some((s) => leafPrefixes.some((p) => s === p || s.startsWith(p + '.')));
}

export function isComment(scopes: string[]): boolean {
  return scopes.some((s) => s.startsWith('comment.'));
}

export function isInvalid(scopes: string[]): boolean {
  return scopes.some((s) => s.startsWith('invalid'));
}
