/**
 * Formats an nft file the way `nft list ruleset` lays rulesets out (tab indentation,
 * nested blocks, one statement line per rule), keeping comments, defines, includes and
 * command-style lines where the user wrote them. Stable and idempotent: formatting the
 * result again gives the same text. A file with syntax errors is not formatted (undefined),
 * and neither is one with comments the AST has no place for (inside set literals or set
 * blocks), so formatting never loses or mangles anything.
 */
import type { NftFile, TopLevel } from '../ast/nft';
import { parseNft } from './index';
import { printNftFile } from './printer';

export interface FormatResult {
  text?: string;
  /** Why the file was not formatted. */
  reason?: string;
}

export function formatNft(text: string): string | undefined {
  return formatNftWithReason(text).text;
}

export function formatNftWithReason(text: string): FormatResult {
  const parsed = parseNft(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { reason: `${errors.length} syntax error(s); first at line ${errors[0]!.range.start.line + 1}: ${errors[0]!.message}` };
  if (parsed.droppedComments) return { reason: `${parsed.droppedComments} comment(s) inside set literals or set/flowtable/object blocks would be lost` };
  return { text: printWithBlankLines(parsed.file) };
}

/** Top-level items printed in order; a blank line in the source between two items stays (one). */
function printWithBlankLines(file: NftFile): string {
  const out: string[] = [];
  let previous: TopLevel | undefined;
  for (const item of file.items) {
    const text = printNftFile({ kind: 'nft-file', items: [item] }).text;
    if (previous && separatedByBlankLine(previous, item)) out.push('\n');
    out.push(text);
    previous = item;
  }
  return out.join('');
}

function separatedByBlankLine(a: TopLevel, b: TopLevel): boolean {
  if (!a.range || !b.range) return false;
  return b.range.start.line - a.range.end.line > 1;
}
