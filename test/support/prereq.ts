/**
 * Prerequisites of test suites that need the real system (root, nft, sshd, chromium...).
 * On a developer laptop a missing prerequisite skips the suite with a loud message;
 * with CI=true it is a failure, so CI never passes by skipping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/** ../shared/corpus beside the checkout (NFLENS_CORPUS overrides). */
export const corpusDir = resolve(process.env.NFLENS_CORPUS ?? join(__dirname, '..', '..', '..', 'shared', 'corpus'));

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface Prereq {
  readonly what: string;
  readonly ok: boolean;
}

export const prereqs = {
  corpus: (): Prereq => ({ what: `the shared corpus at ${corpusDir}`, ok: existsSync(corpusDir) }),
  root: (): Prereq => ({ what: 'root (network namespaces, nft, iptables-restore)', ok: isRoot }),
  command: (cmd: string): Prereq => ({ what: `the command '${cmd}'`, ok: hasCommand(cmd) }),
  /** What the SSH suites need besides root and the corpus: an OpenSSH server, and namespaces loaded with the dumps. */
  sshNamespaceTools: (): Prereq[] => ['sshd', 'ssh-keygen', 'ip', 'iptables-restore', 'nft', 'ipset'].map((cmd) => prereqs.command(cmd)),
};

/**
 * Call in a suite's `before(function () { requirePrereqs(this, ...) })`.
 * Skips (laptop) or throws (CI) when something is missing.
 */
export function requirePrereqs(ctx: Mocha.Context, ...needs: Prereq[]): void {
  const missing = needs.filter((n) => !n.ok).map((n) => n.what);
  if (missing.length === 0) return;
  const title = ctx.currentTest?.parent?.fullTitle() ?? ctx.test?.parent?.fullTitle() ?? 'suite';
  const msg = `"${title}" needs ${missing.join(', ')}`;
  if (inCI) throw new Error(`${msg}: missing in CI (CI=true), which is a failure`);
  console.warn(`\n  !!! SKIPPING ${msg}. Install it (see .ci/run) to run this suite. !!!\n`);
  ctx.skip();
}
