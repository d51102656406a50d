/**
 * "Verify Conversion": runs `nflens verify` on a conversion's sources with the view's options,
 * in a child process (dist/verify-worker.js) so that Cancel ends it with the engine's own cleanup,
 * then opens the report beside and marks the rules with unexplained differences.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { dialectOf, keepRulesOnLines, sourceKindOf, type ViewOptions } from './model';
import type { ConversionSession } from './session';
import type { VerifyRequest, VerifySummary, VerifyWorkerMessage } from './verify-protocol';

export const REPORT_SCHEME = 'nflens-verify';
export const VERIFY_DIAGNOSTIC_SOURCE = 'netfilter-lens verify';
/** Probes per run unless the setting or the caller says otherwise (`nflens verify`'s default). */
const DEFAULT_PROBES = 2000;
/** After SIGTERM the engine removes its namespaces; a worker that has not exited by then is killed outright (the next run sweeps what is left). */
const CLEANUP_GRACE_MS = 15_000;

export type VerifyOutcome =
  | ({ outcome: 'verified' | 'differences'; reportUri: string; convert: VerifyRequest['convert']; maxProbes: number } & Omit<VerifySummary, 'report'>)
  | { outcome: 'cancelled' | 'cannot-run' | 'load-failure' | 'failed'; message: string };

/** What tests and scripts may pass: a probe bound, a seed, and a token standing in for the Cancel button. */
export interface VerifyCommandOptions {
  readonly maxProbes?: number;
  readonly seed?: number;
  readonly cancellation?: vscode.CancellationToken;
}

export function verifyCommandOptions(v: unknown): VerifyCommandOptions {
  if (!v || typeof v !== 'object') return {};
  const o = v as Record<string, unknown>;
  const whole = (x: unknown, min: number, max: number) => (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? x : undefined);
  const maxProbes = whole(o.maxProbes, 1, 30000);
  const seed = whole(o.seed, 0, Number.MAX_SAFE_INTEGER);
  const token = o.cancellation as vscode.CancellationToken | undefined;
  return {
    ...(maxProbes !== undefined ? { maxProbes } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(token && typeof token.onCancellationRequested === 'function' ? { cancellation: token } : {}),
  };
}

/** The reports of this window, served read-only under `nflens-verify:`. */
export class VerifyReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reports = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('netfilter-lens.verify');
  private runs = 0;
  private readonly running = new Set<string>();

  constructor(private readonly workerPath: string, private readonly log?: vscode.LogOutputChannel) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? '# This verify report is gone: run "Netfilter Lens: Verify Conversion" again.\n';
  }

  /** Runs verify for `session` with a cancellable progress notification; returns what happened. */
  async run(session: ConversionSession, options: ViewOptions, opts: VerifyCommandOptions = {}): Promise<VerifyOutcome> {
    if (this.running.has(session.id)) {
      void vscode.window.showInformationMessage('Netfilter Lens: this conversion is being verified already.');
      return { outcome: 'cannot-run', message: 'a verify run of this conversion is under way' };
    }
    const { request, uris } = await requestFor(session, options, opts);
    if (!request.dumps.length) {
      const message = 'verify needs an iptables-save or ip6tables-save dump among the sources (ebtables and arptables are not verified)';
      void vscode.window.showWarningMessage(`Netfilter Lens: ${message}.`);
      return { outcome: 'cannot-run', message };
    }
    this.running.add(session.id);
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Netfilter Lens: verifying the conversion with real packets', cancellable: true },
        (progress, token) => this.runWorker(request, progress, [token, opts.cancellation]),
      );
      return await this.present(session, request, uris, outcome);
    } finally {
      this.running.delete(session.id);
    }
  }

  private runWorker(request: VerifyRequest, progress: vscode.Progress<{ message?: string; increment?: number }>, tokens: (vscode.CancellationToken | undefined)[]): Promise<VerifyWorkerMessage | { kind: 'cancelled' }> {
    return new Promise((resolve) => {
      let settled: VerifyWorkerMessage | { kind: 'cancelled' } | undefined;
      let lastShare = 0;
      progress.report({ message: 'building the namespaces…' });
      // ELECTRON_RUN_AS_NODE: under desktop VS Code the extension host's executable is Electron.
      const child: ChildProcess = fork(this.workerPath, [], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      child.stdout?.on('data', (b: Buffer) => this.log?.trace(`verify: ${b.toString().trimEnd()}`));
      child.stderr?.on('data', (b: Buffer) => this.log?.warn(`verify: ${b.toString().trimEnd()}`));
      child.on('message', (m: VerifyWorkerMessage) => {
        if (m.kind === 'progress') {
          const share = m.total ? (100 * m.done) / m.total : 0;
          progress.report({ message: `${m.done}/${m.total} probes`, increment: Math.max(0, share - lastShare) });
          lastShare = share;
        } else settled ??= m;
      });
      let killTimer: NodeJS.Timeout | undefined;
      const subs = tokens.filter((t): t is vscode.CancellationToken => !!t).map((t) => t.onCancellationRequested(() => {
        if (settled) return;
        settled = { kind: 'cancelled' };
        progress.report({ message: 'cancelled: removing the namespaces…' });
        // The engine answers SIGTERM like Ctrl-C: it removes everything it made, then exits.
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), CLEANUP_GRACE_MS);
      }));
      if (tokens.some((t) => t?.isCancellationRequested)) {
        settled = { kind: 'cancelled' };
        child.kill('SIGTERM');
      }
      child.on('error', (e) => {
        settled ??= { kind: 'failed', message: `the verify worker did not start: ${e.message}` };
      });
      child.on('exit', (code, signal) => {
        clearTimeout(killTimer);
        for (const s of subs) s.dispose();
        resolve(settled ?? { kind: 'failed', message: `the verify worker ended without a result (${signal ?? `exit ${code}`})` });
      });
      child.send(request);
    });
  }

  private async present(session: ConversionSession, request: VerifyRequest, uris: ReadonlyMap<string, vscode.Uri>, m: VerifyWorkerMessage | { kind: 'cancelled' }): Promise<VerifyOutcome> {
    switch (m.kind) {
      case 'cancelled':
        void vscode.window.showInformationMessage('Netfilter Lens: verify cancelled; its namespaces were removed.');
        return { outcome: 'cancelled', message: 'cancelled' };
      case 'cannot-run':
        void vscode.window.showErrorMessage(`Netfilter Lens: verify ${m.message.startsWith('cannot run') ? '' : 'cannot run: '}${m.message}`);
        return { outcome: 'cannot-run', message: m.message };
      case 'load-failure':
        void vscode.window.showErrorMessage(`Netfilter Lens: verify: ${m.message}`);
        return { outcome: 'load-failure', message: m.message };
      case 'failed':
      case 'progress':
        this.log?.error(`verify failed: ${'message' in m ? m.message : 'no result'}`);
        void vscode.window.showErrorMessage(`Netfilter Lens: verify failed: ${'message' in m ? m.message.split('\n')[0] : 'no result'}`);
        return { outcome: 'failed', message: 'message' in m ? m.message : 'no result' };
      case 'done':
        break;
    }
    const { report, ...summary } = m.result;
    const stem = session.outputUri.path.split('/').pop()!.replace(/\.nft$/, '');
    const reportUri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${++this.runs}/${stem}.verify.txt` });
    this.reports.set(reportUri.toString(), report);
    this.changed.fire(reportUri);
    const doc = await vscode.workspace.openTextDocument(reportUri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    this.publish(session, request, uris, summary);
    const differing = `${summary.probes} probes, ${summary.unexplained} unexplained difference${summary.unexplained === 1 ? '' : 's'}`;
    const expected = summary.explained ? ` (${summary.explained} expected from diagnosed rules)` : '';
    const outcome = summary.unexplained ? 'differences' : 'verified';
    if (outcome === 'verified') void vscode.window.showInformationMessage(`Netfilter Lens: ${differing}${expected}: the conversion behaves like the original.`);
    else void vscode.window.showWarningMessage(`Netfilter Lens: ${differing}${expected}: the conversion treats some traffic differently; see the report.`);
    return { outcome, reportUri: reportUri.toString(), convert: request.convert, maxProbes: request.maxProbes, ...summary };
  }

  /** Unexplained differences as warnings on the original rules they are reported under. */
  private publish(session: ConversionSession, request: VerifyRequest, uris: ReadonlyMap<string, vscode.Uri>, summary: Omit<VerifySummary, 'report'>): void {
    const byFile = new Map<string, vscode.Diagnostic[]>(request.dumps.map((d) => [d.file, []]));
    for (const r of summary.unexplainedRules) {
      const list = byFile.get(r.file);
      if (!list) continue;
      const d = new vscode.Diagnostic(
        new vscode.Range(r.line, 0, r.line, r.text.length),
        `verify: ${r.probes} probe${r.probes === 1 ? '' : 's'} behave differently after conversion (${r.rule}); see the verify report`,
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = VERIFY_DIAGNOSTIC_SOURCE;
      d.code = 'verify-difference';
      list.push(d);
    }
    for (const uri of session.sources) this.diagnostics.delete(uri);
    for (const [file, list] of byFile) {
      const uri = uris.get(file);
      if (uri) this.diagnostics.set(uri, list);
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.diagnostics.dispose();
  }
}

/** A source's name in the report: its path for a file, else its URI. */
function reportName(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/** The sources as `nflens verify` takes them: dumps (a selection keeps only its rules) and ipset dumps, with the URI behind each name. */
async function requestFor(session: ConversionSession, options: ViewOptions, opts: VerifyCommandOptions): Promise<{ request: VerifyRequest; uris: Map<string, vscode.Uri> }> {
  const dumps: VerifyRequest['dumps'] = [];
  const ipsets: VerifyRequest['ipsets'] = [];
  const uris = new Map<string, vscode.Uri>(session.sources.map((u) => [reportName(u), u]));
  for (const uri of session.sources) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    const kind = sourceKindOf(doc.languageId, text);
    if (kind === 'ipset') {
      ipsets.push({ file: reportName(uri), text });
      continue;
    }
    const dialect = dialectOf(text, uri.path.split('/').pop());
    if (dialect !== 'iptables' && dialect !== 'ip6tables') continue;
    dumps.push({ file: reportName(uri), text: session.ruleLines ? keepRulesOnLines(text, session.ruleLines) : text, dialect });
  }
  for (const uri of session.ipsets) {
    if (session.isSource(uri)) continue;
    try {
      ipsets.push({ file: reportName(uri), text: (await vscode.workspace.openTextDocument(uri)).getText() });
    } catch {
      // an attached dump that disappeared is left out, as the conversion leaves it out
    }
  }
  const configured = vscode.workspace.getConfiguration('netfilterLens.verify').get<number>('probes', DEFAULT_PROBES);
  const request: VerifyRequest = {
    dumps,
    ipsets,
    convert: { counters: options.counters, physdev: options.physdev, ...(options.mergeInet ? { merge: 'inet' as const } : {}) },
    seed: opts.seed ?? 1,
    maxProbes: opts.maxProbes ?? (Number.isInteger(configured) && configured >= 1 ? Math.min(configured, 30000) : DEFAULT_PROBES),
  };
  return { request, uris };
}
