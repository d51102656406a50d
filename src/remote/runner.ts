// What the rest of the code needs from a node: run an argv, get its output. Local and SSH alike.

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Per-command limit; the runner's default applies when absent. */
  readonly timeoutMs?: number;
}

export interface CommandResult {
  /** Exit status, null when the process was killed by a signal. */
  readonly code: number | null;
  readonly signal?: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandRunner {
  /** `local` or `user@host:port`: used in messages. */
  readonly label: string;
  /**
   * Runs a read-only command given as argv (quoted once, by the runner). Resolves with its
   * result even when it exits non-zero; rejects (RemoteError) when it could not run at all.
   */
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Closes connections; the runner may be used again afterwards (it reconnects). */
  dispose(): Promise<void>;
}

/** A counting semaphore: at most `limit` tasks at once, the rest wait in order. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error('concurrency limit must be at least 1');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
