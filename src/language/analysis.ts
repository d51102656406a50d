/**
 * One document version → everything the editor features need (plain data, no `vscode`):
 * diagnostics from the parsers and checks in src/convert, the Outline, folding ranges and
 * the name index.
 */
import type { Diagnostic } from '../convert/ast/common';
import { analyzeIptables } from '../convert/iptables/analysis';
import { parseIptablesSave } from '../convert/iptables/index';
import { analyzeNft } from '../convert/nft/analysis';
import { parseNft } from '../convert/nft/index';
import { analyzeIpset, parseIpset } from '../convert/ipset/index';
import { indexIpset } from './ipset-index';
import { iptablesFolds, iptablesNames, iptablesOutline, iptablesRuleCount } from './iptables-index';
import type { DocumentAnalysis, LanguageId, OutlineSymbol } from './model';
import { indexNft, NftTokens } from './nft-index';
import { LineIndex } from './text';

export interface AnalyzeOptions {
  /**
   * Beyond this many rules the Outline lists tables and chains only: tens of thousands of
   * rule entries make the Outline and breadcrumbs slow without helping anyone (default 10000).
   */
  outlineRuleLimit?: number;
  /** Path of the document on disk, for nft includes relative to it. */
  fileName?: string;
  /** Reads an included nft file; undefined when it does not exist. */
  readFile?: (path: string) => string | undefined;
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

export function analyzeDocument(language: LanguageId, text: string, opts: AnalyzeOptions = {}): DocumentAnalysis {
  const a = analyzeFull(language, text, opts);
  const limit = opts.outlineRuleLimit ?? 10_000;
  if (a.size > limit) a.outline = withoutRules(a.outline, a.size);
  return a;
}

function withoutRules(outline: OutlineSymbol[], size: number): OutlineSymbol[] {
  return outline.map((s) => {
    if (s.kind === 'rule') return s;
    const hadRules = s.children.some((c) => c.kind === 'rule');
    return {
      ...s,
      detail: hadRules ? `${s.detail} · rules not listed (${size} in the file)` : s.detail,
      children: withoutRules(s.children.filter((c) => c.kind !== 'rule'), size),
    };
  });
}

function analyzeFull(language: LanguageId, text: string, opts: AnalyzeOptions): DocumentAnalysis {
  const t0 = performance.now();
  const lines = new LineIndex(text);
  switch (language) {
    case 'iptables-save': {
      const file = parseIptablesSave(text);
      const parseMs = elapsed(t0);
      const t1 = performance.now();
      const hasSyntaxErrors = file.diagnostics.some((d) => d.severity === 'error');
      const diagnostics: Diagnostic[] = [...file.diagnostics, ...analyzeIptables(file)];
      const analyzeMs = elapsed(t1);
      const t2 = performance.now();
      const result: DocumentAnalysis = {
        language, diagnostics, outline: iptablesOutline(file), folds: iptablesFolds(file), names: iptablesNames(file),
        hasSyntaxErrors, timings: { parseMs, analyzeMs, indexMs: 0 }, size: iptablesRuleCount(file), dialect: file.dialect, iptables: file,
      };
      result.timings.indexMs = elapsed(t2);
      return result;
    }
    case 'nft': {
      const parsed = parseNft(text, { ...(opts.fileName ? { fileName: opts.fileName } : {}), ...(opts.readFile ? { readFile: opts.readFile } : {}) });
      const parseMs = elapsed(t0);
      const t1 = performance.now();
      const diagnostics: Diagnostic[] = [...parsed.diagnostics, ...analyzeNft(parsed.file, { includes: parsed.includes })];
      const hasSyntaxErrors = parsed.diagnostics.some((d) => d.severity === 'error' && !d.code.startsWith('nft-include'));
      const analyzeMs = elapsed(t1);
      const t2 = performance.now();
      const tokens = new NftTokens(lines);
      const index = indexNft(parsed.file, lines, tokens);
      return {
        language, diagnostics, outline: index.outline, folds: index.folds, names: index.names, hasSyntaxErrors,
        timings: { parseMs, analyzeMs, indexMs: elapsed(t2) }, size: index.ruleCount, nft: { file: parsed.file, tokens },
      };
    }
    case 'ipset': {
      const file = parseIpset(text);
      const parseMs = elapsed(t0);
      const t1 = performance.now();
      const diagnostics: Diagnostic[] = [...file.diagnostics, ...analyzeIpset(file)];
      const analyzeMs = elapsed(t1);
      const t2 = performance.now();
      const index = indexIpset(file);
      return {
        language, diagnostics, outline: index.outline, folds: index.folds, names: index.names,
        hasSyntaxErrors: file.diagnostics.some((d) => d.severity === 'error'),
        timings: { parseMs, analyzeMs, indexMs: elapsed(t2) }, size: index.entryCount,
      };
    }
  }
}
