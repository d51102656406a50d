/**
 * Entry point of the nft language support: parse, analyse, print, format.
 */
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { Diagnostic } from '../ast/common';
import type { Include, NftFile } from '../ast/nft';
import { NftParser } from './parser';

export interface ParseNftOptions {
  /** Path of the file being parsed; relative includes resolve against its directory. */
  fileName?: string;
  /** Reads an included file; returns undefined when it does not exist. Without it includes are not followed. */
  readFile?: (path: string) => string | undefined;
}

export interface IncludedFile {
  include: Include;
  /** Resolved path. */
  path: string;
  file: NftFile;
  diagnostics: Diagnostic[];
}

export interface ParseNftResult {
  file: NftFile;
  diagnostics: Diagnostic[];
  /** Files pulled in by `include`, parsed (transitively), in order. */
  includes: IncludedFile[];
  /** Comments the AST has no place for (inside set literals, set blocks): formatting would lose them. */
  droppedComments: number;
}

const MAX_INCLUDE_DEPTH = 16;

export function parseNft(text: string, opts: ParseNftOptions = {}): ParseNftResult {
  return parseWith(text, opts, [opts.fileName ?? ''], 0);
}

function parseWith(text: string, opts: ParseNftOptions, stack: string[], depth: number): ParseNftResult {
  const out = new NftParser(text).parseFile();
  const result: ParseNftResult = { file: out.file, diagnostics: out.diagnostics, includes: [], droppedComments: out.droppedComments };
  if (!opts.readFile) return result;
  for (const item of out.file.items) {
    if (item.kind !== 'include') continue;
    if (/[*?[]/.test(item.path)) continue; // globs: nft expands them; nothing to check here
    const base = opts.fileName ? dirname(opts.fileName) : '.';
    const path = isAbsolute(item.path) ? normalize(item.path) : normalize(join(base, item.path));
    const range = item.range ?? out.file.range!;
    if (stack.includes(path) || depth >= MAX_INCLUDE_DEPTH) {
      result.diagnostics.push({ range, severity: 'error', code: 'nft-include-cycle', message: `include cycle: ${path} is already being included` });
      continue;
    }
    let content: string | undefined;
    try {
      content = opts.readFile(path);
    } catch {
      content = undefined;
    }
    if (content === undefined) {
      result.diagnostics.push({ range, severity: 'warning', code: 'nft-include-not-found', message: `included file not found: ${path}`, data: { path } });
      continue;
    }
    const sub = parseWith(content, { ...opts, fileName: path }, [...stack, path], depth + 1);
    result.includes.push({ include: item, path, file: sub.file, diagnostics: sub.diagnostics }, ...sub.includes);
  }
  return result;
}

export { printNftFile, printRuleBody, printStmt, printExpr } from './printer';
export { analyzeNft, type AnalyzeNftOptions } from './analysis';
