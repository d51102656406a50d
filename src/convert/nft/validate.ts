/**
 * Optional validation with the real nft: `nft -c -f -` in a throw-away network namespace
 * (`unshare -n` as root, `unshare -rn` otherwise), so nothing is ever loaded and the host's
 * ruleset is not consulted. nft's caret errors (`/dev/stdin:3:12-16: Error: ...`) become
 * diagnostics at the same range. The namespace is empty: a file that adds to chains or sets
 * of the running ruleset (command style) gets "No such file or directory" for them.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname } from 'node:path';
import type { Diagnostic, Range, Severity } from '../ast/common';

export interface ValidateNftOptions {
  /** The file's path: relative includes resolve against its directory (`nft -I`). */
  fileName?: string;
  /** nft executable (default: `nft` from PATH). */
  nft?: string;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Run as root with `unshare -n` (default: when the process is root), else `unshare -rn`. */
  root?: boolean;
}

export interface ValidateNftResult {
  /** False when nft could not run (not installed, no namespace permission, timeout). */
  ran: boolean;
  diagnostics: Diagnostic[];
  /** nft's own output, for logs. */
  output: string;
}

const LOCATION = /^(.*?):(\d+):(\d+)-(?:(\d+):)?(\d+): (Error|Warning): (.*)$/;

export async function validateNft(text: string, opts: ValidateNftOptions = {}): Promise<ValidateNftResult> {
  const root = opts.root ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const nftArgs = [opts.nft ?? 'nft', '-c'];
  if (opts.fileName) nftArgs.push('-I', dirname(opts.fileName));
  nftArgs.push('-f', '-');
  const args = [root ? '-n' : '-rn', ...nftArgs];
  const run = await runProcess('unshare', args, text, opts.timeoutMs ?? 10_000);
  if (run.error) return unavailable(`nft validation could not run: ${run.error}`, run.output);
  const diagnostics = parseNftErrors(run.output, text);
  if (run.code !== 0 && diagnostics.length === 0) {
    if (/unshare|Operation not permitted|command not found|No such file or directory: 'nft'|cannot open/i.test(run.output)) return unavailable(`nft validation could not run: ${run.output.trim().split('\n')[0]}`, run.output);
    diagnostics.push({ range: wholeFirstLine(text), severity: 'error', code: 'nft-validate-error', message: `nft -c failed: ${run.output.trim() || `exit ${run.code}`}` });
  }
  return { ran: true, diagnostics, output: run.output };
}

function unavailable(message: string, output: string): ValidateNftResult {
  return { ran: false, output, diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'information', code: 'nft-validate-unavailable', message }] };
}

function wholeFirstLine(text: string): Range {
  const end = text.indexOf('\n');
  return { start: { line: 0, character: 0 }, end: { line: 0, character: end < 0 ? text.length : end } };
}

/**
 * nft's diagnostics: `FILE:LINE:COL-COL: Error: message` (or `LINE:COL-LINE:COL`), each followed
 * by the source line and a caret line. Columns are 1-based and inclusive. Errors of included
 * files are kept on line 1 of this file with the file named in the message.
 */
export function parseNftErrors(output: string, text: string): Diagnostic[] {
  const lines = text.split('\n');
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const raw of output.split('\n')) {
    const m = LOCATION.exec(raw.trim());
    if (!m) continue;
    const [, file, line, col, endLine, endCol, level, message] = m;
    const severity: Severity = level === 'Error' ? 'error' : 'warning';
    let range: Range;
    let msg = message!;
    if (file === '/dev/stdin' || file === '-' || file === 'stdin') {
      const l = Math.max(0, Number(line) - 1);
      const el = endLine ? Math.max(0, Number(endLine) - 1) : l;
      // 1-based inclusive columns → 0-based, end exclusive; an error at the line end points at the newline
      const start = Math.max(0, Number(col) - 1);
      const end = Math.max(Number(endCol), start + 1);
      range = { start: { line: l, character: Math.min(start, lines[l]?.length ?? start) }, end: { line: el, character: Math.min(end, (lines[el]?.length ?? end) + 1) } };
    } else {
      range = wholeFirstLine(text);
      msg = `${file}:${line}:${col}: ${message}`;
    }
    const key = `${range.start.line}:${range.start.character}:${msg}`;
    if (seen.has(key)) continue; // nft repeats some errors once per evaluation pass
    seen.add(key);
    out.push({ range, severity, code: 'nft-validate-error', message: `nft: ${msg}` });
  }
  return out;
}

function runProcess(cmd: string, args: string[], input: string, timeoutMs: number): Promise<{ code: number | null; output: string; error?: string }> {
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const done = (r: { code: number | null; output: string; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      done({ code: null, output, error: (e as Error).message });
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ code: null, output, error: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e) => done({ code: null, output, error: e.message }));
    child.on('close', (code) => done({ code, output }));
    child.stdin.on('error', () => undefined); // nft may exit before reading everything
    child.stdin.end(input);
  });
}
