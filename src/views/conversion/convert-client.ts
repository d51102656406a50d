/**
 * Whole conversions for the view, run in a worker thread (dist/convert-worker.js) so that the
 * extension host stays responsive while a big dump converts, and so that a dump can be converted
 * ahead of the command ("prepared") when it opens. Falls back to the calling thread when the
 * worker cannot start. Both paths hand the result through the same codec. No `vscode` import.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ConversionPipeline, type ConvertedDump, type SourceText, type ViewOptions, type ViewResult } from './model';
import { packResult, unpackResult, type PackedResult } from './result-codec';

export interface ConvertRequest {
  readonly id: number;
  readonly sources: readonly SourceText[];
  readonly opts: ViewOptions;
  readonly extra: readonly SourceText[];
}

export type ConvertReply = { readonly id: number; readonly packed: PackedResult; readonly dumps: ConvertedDump[] } | { readonly id: number; readonly error: string };

type Packed = { packed: PackedResult; dumps: ConvertedDump[] };

export interface Converted {
  readonly result: ViewResult;
  readonly dumps: ConvertedDump[];
  /** Where it was made: prepared ahead of the command, in the worker on demand, or in this thread (no worker). */
  readonly where: 'prepared' | 'worker' | 'thread';
}

interface Prepared {
  readonly sources: readonly SourceText[];
  readonly extra: readonly SourceText[];
  readonly opts: string;
  readonly reply: Promise<Packed>;
  /** Set once the worker has answered. */
  ready: boolean;
}

/** How many prepared conversions are kept (the most recent): each holds its output and packed maps. */
const MAX_PREPARED = 2;

function sameTexts(a: readonly SourceText[], b: readonly SourceText[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    const lines = (s: SourceText) => (s.lines ? [...s.lines].sort((p, q) => p - q).join(',') : '');
    return x.key === y.key && x.kind === y.kind && x.fileName === y.fileName && x.text === y.text && lines(x) === lines(y);
  });
}

export class ConversionClient {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (p: Packed) => void; reject: (e: Error) => void }>();
  /** Conversions made ahead of the command, by the key of their first source. */
  private readonly prepared = new Map<string, Prepared>();
  private thread?: ConversionPipeline;

  /** `workerPath`: the bundled worker; undefined or missing means convert in this thread. */
  constructor(private readonly workerPath: string | undefined, private readonly onLog?: (message: string) => void) {}

  /** The whole conversion of `sources`: a matching prepared one if there is one, else made now. */
  async convert(sources: readonly SourceText[], opts: ViewOptions, extra: readonly SourceText[]): Promise<Converted> {
    const key = sources[0]?.key ?? '';
    const p = this.prepared.get(key);
    if (p) {
      this.prepared.delete(key);
      if (p.opts === JSON.stringify(opts) && sameTexts(p.sources, sources) && sameTexts(p.extra, extra)) {
        try {
          const { packed, dumps } = await p.reply;
          return { result: unpackResult(packed), dumps, where: 'prepared' };
        } catch {
          // made again below
        }
      }
    }
    const made = this.request(sources, opts, extra);
    const { packed, dumps } = await made.reply;
    return { result: unpackResult(packed), dumps, where: made.where };
  }

  /**
   * Starts converting `sources` now, for a later `convert` of the same inputs (the dump a user
   * has open and may convert). Replaces what was prepared for the same first source.
   */
  prepare(sources: readonly SourceText[], opts: ViewOptions, extra: readonly SourceText[]): void {
    const key = sources[0]?.key ?? '';
    const old = this.prepared.get(key);
    if (old && old.opts === JSON.stringify(opts) && sameTexts(old.sources, sources) && sameTexts(old.extra, extra)) return;
    const { reply } = this.request(sources, opts, extra);
    const entry: Prepared = { sources, extra, opts: JSON.stringify(opts), reply, ready: false };
    reply.then(() => (entry.ready = true), () => undefined);
    this.prepared.delete(key);
    this.prepared.set(key, entry);
    while (this.prepared.size > MAX_PREPARED) this.prepared.delete(this.prepared.keys().next().value!);
  }

  /** Whether a conversion of `key` (its first source) is prepared or being prepared. */
  isPrepared(key: string): boolean {
    return this.prepared.has(key);
  }

  /** What is prepared for `key`: nothing, a conversion still running, or one ready to show. */
  preparedState(key: string): 'none' | 'running' | 'ready' {
    const p = this.prepared.get(key);
    return !p ? 'none' : p.ready ? 'ready' : 'running';
  }

  forget(key: string): void {
    this.prepared.delete(key);
  }

  get inWorker(): boolean {
    return this.worker !== undefined;
  }

  private request(sources: readonly SourceText[], opts: ViewOptions, extra: readonly SourceText[]): { reply: Promise<Packed>; where: 'worker' | 'thread' } {
    const worker = this.ensureWorker();
    if (!worker) {
      try {
        this.thread ??= new ConversionPipeline();
        const { result, dumps } = this.thread.convertAlone(sources, opts, extra);
        const { nft: _printed, ...rest } = result;
        return { reply: Promise.resolve({ packed: packResult(rest), dumps }), where: 'thread' };
      } catch (e) {
        return { reply: Promise.reject(e instanceof Error ? e : new Error(String(e))), where: 'thread' };
      }
    }
    const id = this.nextId++;
    const reply = new Promise<Packed>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: ConvertRequest = { id, sources, opts, extra };
      worker.postMessage(req);
    });
    return { reply, where: 'worker' };
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    if (!this.workerPath || !existsSync(this.workerPath)) {
      this.failed = true;
      this.onLog?.(`conversion worker not found (${this.workerPath ?? 'no path'}); converting on the main thread`);
      return undefined;
    }
    const worker = new Worker(this.workerPath);
    worker.unref();
    worker.on('message', (reply: ConvertReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('packed' in reply) p.resolve({ packed: reply.packed, dumps: reply.dumps });
      else p.reject(new Error(reply.error));
    });
    const fail = (why: string) => {
      this.onLog?.(`conversion worker stopped: ${why}`);
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`conversion worker stopped: ${why}`));
      this.pending.clear();
      this.prepared.clear();
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
    this.prepared.clear();
    void w?.terminate();
  }
}
