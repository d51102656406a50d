/** Offsets ↔ zero-based positions, and small helpers on ranges. No `vscode` import. */
import type { Position, Range } from '../convert/ast/common';

/** Start offset of every line, for converting lexer offsets to positions. */
export class LineIndex {
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    this.lineStarts = starts;
  }

  position(offset: number): Position {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo]! };
  }

  offset(p: Position): number {
    const start = this.lineStarts[Math.min(Math.max(p.line, 0), this.lineStarts.length - 1)] ?? 0;
    return Math.min(start + p.character, this.text.length);
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.position(startOffset), end: this.position(endOffset) };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line];
    if (start === undefined) return '';
    const next = this.lineStarts[line + 1];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Inclusive at both ends, so a cursor just after a word still hits it. */
export function rangeContains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

export function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Shortens a label for the Outline: collapses whitespace and cuts with an ellipsis. */
export function shorten(text: string, max = 80): string {
  // Rules can be long; only the part that can show matters.
  const head = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const flat = /\s\s|[\t\n\r]/.test(head) ? head.replace(/\s+/g, ' ').trim() : head.trim();
  if (head !== text && flat.length <= max) return `${flat.slice(0, max - 1)}…`;
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The word (letters, digits and `_-.:/+` as used in chain/set names and options) around a character of a line. */
export function wordAt(line: string, character: number, pattern = /[A-Za-z0-9_\-.:/+@$]/): { text: string; start: number; end: number } | undefined {
  let start = Math.min(character, line.length);
  let end = start;
  while (start > 0 && pattern.test(line[start - 1]!)) start--;
  while (end < line.length && pattern.test(line[end]!)) end++;
  if (start === end) return undefined;
  return { text: line.slice(start, end), start, end };
}
