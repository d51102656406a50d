/**
 * Child-process entry (bundled as dist/verify-worker.js) for the conversion view's "Verify
 * Conversion": runs the verify engine as `nflens verify` does, off the extension host, so that
 * cancelling is a SIGTERM the engine's own cleanup (namespaces, processes) answers. No `vscode`.
 */
import { CannotRun, formatReport, LoadFailure, ObservationFailure, prepare, runVerify } from '../../verify/index';
import type { VerifyRequest, VerifyWorkerMessage } from './verify-protocol';

/** Resolves once the message is handed to the IPC channel (exiting earlier could lose it). */
function send(m: VerifyWorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(m, undefined, {}, () => resolve());
  });
}

async function handle(req: VerifyRequest): Promise<void> {
  const prepared = prepare({ dumps: req.dumps, ipsets: req.ipsets, convert: req.convert });
  const parseErrors = prepared.original.dumps.flatMap((d) => d.parsed.diagnostics.filter((x) => x.severity === 'error').map((x) => `${d.file}:${x.range.start.line + 1}:${x.range.start.character + 1}: ${x.message}`));
  if (parseErrors.length) {
    await send({ kind: 'cannot-run', message: `the dump does not parse: ${parseErrors.slice(0, 3).join('; ')}` });
    return;
  }
  let last = 0;
  const r = await runVerify(prepared, req.seed, req.maxProbes, (done, total) => {
    const now = Date.now();
    if (now - last < 250 && done < total) return;
    last = now;
    void send({ kind: 'progress', done, total });
  });
  const rulesById = new Map(r.rules.map((x) => [x.id, x]));
  const located = (ids: readonly (string | undefined)[]) => {
    const count = new Map<string, number>();
    for (const id of ids) if (id) count.set(id, (count.get(id) ?? 0) + 1);
    return [...count].flatMap(([id, probes]) => {
      const rule = rulesById.get(id);
      return rule ? [{ rule: id, file: rule.file, line: rule.line, text: rule.text, probes }] : [];
    });
  };
  const ctx = { original: prepared.original, nftLabel: prepared.input.nftLabel, diagnosed: prepared.input.diagnosed, seed: req.seed };
  await send({
    kind: 'done',
    result: {
      probes: r.probes,
      packets: r.packets,
      seconds: r.seconds,
      rules: r.rules.length,
      rulesExercised: r.exercised.size,
      unexplained: r.unexplained.length,
      explained: r.explained.length,
      unexplainedRules: located(r.unexplained.map((d) => d.rule)),
      unattributed: r.unexplained.filter((d) => !d.rule || !rulesById.has(d.rule)).length,
      notes: r.notes,
      report: formatReport(r, ctx),
    },
  });
}

process.on('message', (req: VerifyRequest) => {
  handle(req).then(
    () => process.exit(0),
    async (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof CannotRun || e instanceof ObservationFailure) await send({ kind: 'cannot-run', message });
      else if (e instanceof LoadFailure) await send({ kind: 'load-failure', message });
      else await send({ kind: 'failed', message: e instanceof Error ? e.stack ?? message : message });
      process.exit(1);
    },
  );
});
// The extension host went away: end the run the way Ctrl-C does, so its cleanup runs.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
