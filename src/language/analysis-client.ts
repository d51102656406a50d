/**
 * Runs document analysis in a worker thread (dist/language-worker.js), one request at a
 * time; falls back to the calling thread when the worker cannot start. No `vscode` import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { analyzeDocument } from './analysis';
import { packFacts, unpackFacts, type PackedFacts } from './facts-codec';
import { factsOf, type DocumentFacts, type LanguageId } from './model';

export interface AnalysisRequest {
  id: number;
  language: LanguageId;
  text: string;
  fileName?: string;
}

export type AnalysisReply = { id: number; packed: PackedFacts } | { id: number; error: string };

function readFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export class AnalysisClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (f: DocumentFacts) => void; reject: (e: Error) => void }>();
  private failed = false;

  /** `workerPath`: the bundled worker; undefined or missing means analyse in this thread. */
  constructor(private readonly workerPath: string | undefined, private readonly onLog?: (message: string) => void) {}

  analyze(language: LanguageId, text: string, fileName?: string): Promise<DocumentFacts> {
    const worker = this.ensureWorker();
    if (!worker) {
      try {
        // Through the codec as well, so both paths give the same shapes.
        return Promise.resolve(unpackFacts(packFacts(factsOf(analyzeDocument(language, text, fileName ? { fileName, readFile } : {})))));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const req: AnalysisRequest = fileName ? { id, language, text, fileName } : { id, language, text };
      worker.postMessage(req);
    });
  }

  get inWorker(): boolean {
    return this.worker !== undefined;
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    if (!this.workerPath || !existsSync(this.workerPath)) {
      this.failed = true;
      this.onLog?.(`analysis worker not found (${this.workerPath ?? 'no path'}); analysing on the main thread`);
      return undefined;
    }
    const worker = new Worker(this.workerPath);
    worker.unref();
    worker.on('message', (reply: AnalysisReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('packed' in reply) p.resolve(unpackFacts(reply.packed));
      else p.reject(new Error(reply.error));
    });
    const fail = (why: string) => {
      this.onLog?.(`analysis worker stopped: ${why}`);
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`analysis worker stopped: ${why}`));
      this.pending.clear();
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
