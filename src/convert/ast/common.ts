/** Positions and ranges are zero-based (line, character), like the Language Server Protocol and VS Code. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInformation {
  readonly message: string;
  readonly range: Range;
  /** Another document (for example the converted output); absent means the same document. */
  readonly uri?: string;
}

/**
 * A problem found in a document. Plain data: the CLI prints it, the extension maps it to
 * vscode.Diagnostic. `code` is stable and documented in docs/diagnostics.md.
 */
export interface Diagnostic {
  readonly range: Range;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly related?: readonly RelatedInformation[];
  /** Extra data for quick fixes (for example the name of a missing ipset). */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface Node {
  readonly range: Range;
}

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/** The smallest range covering both. */
export function cover(a: Range, b: Range): Range {
  const start = comparePositions(a.start, b.start) <= 0 ? a.start : b.start;
  const end = comparePositions(a.end, b.end) >= 0 ? a.end : b.end;
  return { start, end };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function containsPosition(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/** A range that marks "no source" (synthesised nodes). */
export const NO_RANGE: Range = Object.freeze({ start: Object.freeze({ line: 0, character: 0 }), end: Object.freeze({ line: 0, character: 0 }) });
