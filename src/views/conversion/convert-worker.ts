/**
 * Worker-thread entry (bundled as dist/convert-worker.js): whole conversions for the conversion
 * view, off the extension host's main thread. Requests are taken one at a time, in order.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { ConvertReply, ConvertRequest } from './convert-client';
import { ConversionPipeline } from './model';
import { packResult, transferablesOf } from './result-codec';

// A whole conversion leaves a few hundred MB of garbage in this thread's heap, which V8 would
// give back only 10-20 s later (memory reducer). A full collection right after the reply takes
// 10-20 ms (little is alive then). `gc` is not exposed to a worker by default, and a worker
// cannot be given V8 flags; this is how jest's leak detector reaches it too.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

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
  setImmediate(() => collect());
});
