/**
 * Runs document analysis in a worker thread (dist/language-worker.js), one request at a
 * time; falls back to the calling thread when the worker cannot start. No `vscode` import.
 */
import { readFileSync } from 'node:fs';
import { analyzeDocument } from './analysis';
import { packFacts, unpackFacts, type PackedFacts } from './facts-codec';
import { factsOf, type DocumentFacts, type LanguageId } from './model';
import { WorkerClient } from './worker-client';

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
  private readonly worker: WorkerClient<AnalysisRequest, AnalysisReply>;

  /** `workerPath`: the bundled worker; undefined or missing means analyse in this thread. */
  constructor(workerPath: string | undefined, onLog?: (message: string) => void) {
    this.worker = new WorkerClient(workerPath, 'analysis', onLog);
  }

  analyze(language: LanguageId, text: string, fileName?: string): Promise<DocumentFacts> {
    const reply = this.worker.request((id) => (fileName ? { id, language, text, fileName } : { id, language, text }));
    if (reply) return reply.then((r) => unpackFacts(r.packed));
    try {
      // Through the codec as well, so both paths give the same shapes.
      return Promise.resolve(unpackFacts(packFacts(factsOf(analyzeDocument(language, text, fileName ? { fileName, readFile } : {})))));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  get inWorker(): boolean {
    return this.worker.running;
  }

  dispose(): void {
    this.worker.dispose();
  }
}
