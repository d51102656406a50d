/** nft document formatting as a pure text → text step that refuses rather than damages. */
import { formatNftWithReason } from '../convert/nft/format';
import { parseNft } from '../convert/nft/index';

export type FormatResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * The canonical layout of an nft file (the nft helper's formatter: tab indentation, one
 * statement per line, as `nft list ruleset` prints). Refuses when the file has syntax
 * errors or comments the AST cannot keep, and when its output would not parse back.
 */
export function formatNftText(text: string): FormatResult {
  const r = formatNftWithReason(text);
  if (r.text === undefined) return { ok: false, reason: r.reason ?? 'the file cannot be formatted' };
  if (parseNft(r.text).diagnostics.some((d) => d.severity === 'error')) return { ok: false, reason: 'the formatter produced text that does not parse back (a formatter bug)' };
  return { ok: true, text: r.text };
}

/** The smallest single replacement turning `before` into `after`: common prefix and suffix are kept. */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, text: after.slice(start, endAfter) };
}
