import type { Diagnostic } from '../convert/ast/common';

export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

/** Exit codes, documented in `nflens --help` and the README. */
export const EXIT = {
  ok: 0,
  /** Problems found: errors in `check`, approximated/unsupported rules in `convert`, differences in `verify`. */
  findings: 1,
  /** Usage error, unreadable file, bad input that could not be processed or that iptables-restore rejects (isInputError), missing privileges. */
  usage: 2,
  /** A bug in nflens itself. */
  internal: 3,
} as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Also recognises the UsageError of another bundle (each command module is bundled on its own). */
export function isUsageError(e: unknown): e is UsageError {
  return e instanceof Error && e.name === 'UsageError';
}

/** `file:line:col: severity: message [code]` with 1-based line and column. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`;
}
