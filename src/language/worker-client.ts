/**
 * One worker thread answering requests by id, started on the first request. The analysis and
 * the conversion clients use it; each falls back to its own thread when `request` gives
 * undefined (no bundled worker beside the extension). No `vscode` import.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** A reply either carries a result or says what went wrong. */
export type WorkerReply = { readonly id: number; readonly error: string } | { readonly id: number };

export class WorkerClient<Request extends { id: number }, Reply extends WorkerReply> {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  /**
   * `path`: the bundled worker; undefined or missing means no worker. `what` names it in the
   * log; `onStop` runs when it stops (its pending requests are rejected).
   */
  constructor(private readonly path: string | undefined, private readonly what: string, private readonly onLog?: (message: string) => void, private readonly onStop?: () => void) {}

  /** Sends the request `make(id)`; resolves with the reply (rejects with its error). Undefined when there is no worker. */
  request(make: (id: number) => Request): Promise<Exclude<Reply, { error: string }>> | undefined {
    const worker = this.ensureWorker();
    if (!worker) return undefined;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Reply) => void, reject });
      worker.postMessage(make(id));
    });
  }

  /** Starts the worker now, so that the first request does not wait for it to load. */
  start(): void {
    this.ensureWorker();
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    if (!this.path || !existsSync(this.path)) {
      this.failed = true;
      this.onLog?.(`${this.what} worker not found (${this.path ?? 'no path'}); working on the main thread`);
      return undefined;
    }
    const worker = new Worker(this.path);
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(reply);
    });
    const fail = (why: string) => {
      this.onLog?.(`${this.what} worker stopped: ${why}`);
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`${this.what} worker stopped: ${why}`));
      this.pending.clear();
      this.onStop?.();
    };
    worker.on('error', (e) => fail(e.message));
    worker.on('exit', (code) => fail(`exit ${code}`));
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    this.failed = true;
    void w?.terminate();
  }
}
