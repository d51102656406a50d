/**
 * Worker-thread entry (bundled as dist/convert-worker.js): whole conversions for the conversion
 * view, off the extension host's main thread. Requests are taken one at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import type { ConvertReply, ConvertRequest } from './convert-client';
import { ConversionPipeline } from './model';
import { packResult, transferablesOf } from './result-codec';

// Kept between requests: it remembers the ipset dumps it parsed.
const pipeline = new ConversionPipeline();

parentPort?.on('message', (req: ConvertRequest) => {
  let reply: ConvertReply;
  try {
    const { result, dumps } = pipeline.convertAlone(req.sources, req.opts, req.extra);
    const { nft: _printed, ...rest } = result;
    reply = { id: req.id, packed: packResult(rest), dumps };
  } catch (e) {
    reply = { id: req.id, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  parentPort!.postMessage(reply, 'packed' in reply ? transferablesOf(reply.packed) : []);
});
