/**
 * Whole conversions for the view, run in a worker thread (dist/convert-worker.js) so that the
 * extension host stays responsive while a big dump converts, and so that a dump can be converted
 * ahead of the command ("prepared") when it opens. Falls back to the calling thread when the
 * worker cannot start. Both paths hand the result through the same codec. No `vscode` import.
 */
import { WorkerClient } from '../../language/worker-client';
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
  private readonly worker: WorkerClient<ConvertRequest, ConvertReply>;
  /** Conversions made ahead of the command, by the key of their first source. */
  private readonly prepared = new Map<string, Prepared>();
  private thread?: ConversionPipeline;

  /** `workerPath`: the bundled worker; undefined or missing means convert in this thread. */
  constructor(workerPath: string | undefined, onLog?: (message: string) => void) {
    // What a stopped worker was still preparing is gone with it (what it had sent back stays).
    this.worker = new WorkerClient(workerPath, 'conversion', onLog, () => {
      for (const [key, p] of this.prepared) if (!p.ready) this.prepared.delete(key);
    });
  }

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
   * has open and may convert). Replaces what was prepared for the same first source. Resolves
   * true once made, false when it failed or the same was prepared already.
   */
  prepare(sources: readonly SourceText[], opts: ViewOptions, extra: readonly SourceText[]): Promise<boolean> {
    const key = sources[0]?.key ?? '';
    const old = this.prepared.get(key);
    if (old && old.opts === JSON.stringify(opts) && sameTexts(old.sources, sources) && sameTexts(old.extra, extra)) return Promise.resolve(false);
    const { reply } = this.request(sources, opts, extra);
    const entry: Prepared = { sources, extra, opts: JSON.stringify(opts), reply, ready: false };
    this.prepared.delete(key);
    this.prepared.set(key, entry);
    while (this.prepared.size > MAX_PREPARED) this.prepared.delete(this.prepared.keys().next().value!);
    // Resolves true once made (false when it failed or was already there).
    return reply.then(() => (entry.ready = true), () => false);
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

  /** Starts the worker (a dump is open: a conversion may come). */
  start(): void {
    this.worker.start();
  }

  get inWorker(): boolean {
    return this.worker.running;
  }

  private request(sources: readonly SourceText[], opts: ViewOptions, extra: readonly SourceText[]): { reply: Promise<Packed>; where: 'worker' | 'thread' } {
    const reply = this.worker.request((id) => ({ id, sources, opts, extra }));
    if (reply) return { reply, where: 'worker' };
    try {
      this.thread ??= new ConversionPipeline();
      const { result, dumps } = this.thread.convertAlone(sources, opts, extra);
      const { nft: _printed, ...rest } = result;
      return { reply: Promise.resolve({ packed: packResult(rest), dumps }), where: 'thread' };
    } catch (e) {
      return { reply: Promise.reject(e instanceof Error ? e : new Error(String(e))), where: 'thread' };
    }
  }

  dispose(): void {
    this.worker.dispose();
    this.prepared.clear();
  }
}
