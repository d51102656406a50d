/**
 * Running system tools, and the ledger of everything a verify run creates (network
 * namespaces, child processes) so that all of it goes away on success, failure, Ctrl-C,
 * SIGTERM, and — for runs killed outright — at the start of the next run.
 */
import { execFile, execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** Namespace names: `nflv-<pid>-<random>-<side>-<role>`; the pid lets a later run sweep leftovers. */
export const NS_PREFIX = 'nflv-';

export class ToolError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(`${argv.join(' ')}: ${stderr.trim() || `exit ${code}`}`);
  }
}

/** Runs argv, feeding `input` on stdin; rejects with the tool's stderr on a non-zero exit. */
export function run(argv: readonly string[], input?: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0]!, argv.slice(1), { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new ToolError(argv, String(stderr), typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null));
      else resolve(String(stdout));
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

export function inNs(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function deleteNamespaceSync(name: string): void {
  // Processes still inside keep a namespace alive after `ip netns delete`: kill them first.
  try {
    const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\s+/).filter(Boolean).map(Number);
    for (const pid of pids) if (pid !== process.pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  } catch {
    // no such namespace
  }
  try {
    execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** Removes namespaces of earlier runs whose process is gone (a run killed with SIGKILL). */
export function sweepStaleNamespaces(): string[] {
  if (!existsSync('/run/netns')) return [];
  const removed: string[] = [];
  for (const name of readdirSync('/run/netns')) {
    if (!name.startsWith(NS_PREFIX)) continue;
    const pid = Number(name.slice(NS_PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    deleteNamespaceSync(name);
    removed.push(name);
  }
  return removed;
}

/** Everything one run created; `dispose()` is synchronous so it also works from an exit handler. */
export class Ledger {
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private disposed = false;
  private readonly onExit = () => this.dispose();
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.dispose();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
  };

  constructor() {
    process.on('exit', this.onExit);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.onSignal);
  }

  namespace(name: string): string {
    this.namespaces.push(name);
    return name;
  }

  child(c: ChildProcess): ChildProcess {
    this.children.add(c);
    c.once('exit', () => this.children.delete(c));
    return c;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.children) {
      try {
        c.kill('SIGKILL');
      } catch {
        // gone
      }
    }
    this.children.clear();
    for (const ns of this.namespaces.splice(0)) deleteNamespaceSync(ns);
    process.removeListener('exit', this.onExit);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeListener(s, this.onSignal);
  }
}
