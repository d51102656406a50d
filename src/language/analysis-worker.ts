/**
 * Worker-thread entry (bundled as dist/language-worker.js): analyses documents off the
 * extension host's main thread, so a 50k-rule dump never blocks other providers.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { analyzeDocument } from './analysis';
import type { AnalysisReply, AnalysisRequest } from './analysis-client';
import { packFacts } from './facts-codec';
import { factsOf } from './model';

function readFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

parentPort?.on('message', (req: AnalysisRequest) => {
  let reply: AnalysisReply;
  try {
    const a = analyzeDocument(req.language, req.text, req.fileName ? { fileName: req.fileName, readFile } : {});
    reply = { id: req.id, packed: packFacts(factsOf(a)) };
  } catch (e) {
    reply = { id: req.id, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  // The name table's buffer moves to the main thread without a copy.
  parentPort!.postMessage(reply, 'packed' in reply ? [reply.packed.rows.buffer as ArrayBuffer] : []);
});
