// Commands on this machine through child_process, with `sudo -n` when not root.
import { execFile } from 'node:child_process';
import { ConcurrencyLimit, type CommandResult, type CommandRunner, type RunOptions } from './runner';
import { withSudo } from './command-line';
import { RemoteError } from './errors';

export interface LocalRunnerOptions {
  /** `auto` (default): sudo -n when the process is not root. */
  readonly sudo?: boolean | 'auto';
  readonly maxParallel?: number;
  readonly timeoutMs?: number;
}

const MAX_OUTPUT = 256 * 1024 * 1024;

export class LocalRunner implements CommandRunner {
  readonly label = 'local';
  private readonly sudo: boolean;
  private readonly limit: ConcurrencyLimit;
  private readonly timeoutMs: number;

  constructor(options: LocalRunnerOptions = {}) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    this.sudo = options.sudo === undefined || options.sudo === 'auto' ? !isRoot : options.sudo;
    this.limit = new ConcurrencyLimit(options.maxParallel ?? 8);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const full = this.sudo ? withSudo(argv) : [...argv];
    return this.limit.run(
      () =>
        new Promise<CommandResult>((resolve, reject) => {
          if (options.signal?.aborted) return reject(new RemoteError('cancelled', 'cancelled', this.label));
          execFile(
            full[0]!,
            full.slice(1),
            {
              encoding: 'utf8',
              maxBuffer: MAX_OUTPUT,
              timeout: options.timeoutMs ?? this.timeoutMs,
              killSignal: 'SIGKILL',
              signal: options.signal,
              env: { ...process.env, LC_ALL: 'C' },
            },
            (err, stdout, stderr) => {
              if (!err) return resolve({ code: 0, stdout, stderr });
              const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
              if (e.name === 'AbortError') return reject(new RemoteError('cancelled', 'cancelled', this.label));
              if (e.code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: `${full[0]}: command not found` });
              if (e.killed && e.signal === 'SIGKILL')
                return reject(new RemoteError('timeout', `local: ${argv.join(' ')} did not finish in time`, this.label));
              if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
              if (e.signal) return resolve({ code: null, signal: e.signal, stdout, stderr });
              reject(new RemoteError('command-failed', `local: ${argv.join(' ')}: ${e.message}`, this.label, { cause: err }));
            },
          );
        }),
    );
  }

  async dispose(): Promise<void> {}
}
