/**
 * The conversion view: sessions, the read-only output documents, diagnostics on the sources,
 * problem decorations on the output, source ↔ output highlighting, and chain CodeLenses.
 */
import * as vscode from 'vscode';
import type { Range } from '../../convert/ast/common';
import type { FileDiagnostic } from '../../convert/translate/convert';
import { diagnosticCode } from '../../language/diagnostic-code';
import {
  ConversionPipeline, DEFAULT_VIEW_OPTIONS, isConversionDiagnostic, describeCounts, lineChange, outputChange, siblingIpsetNames, sourceKindOf, viewOptionsFrom, type ViewOptions,
} from './model';
import { benchTrace } from '../../language/bench-trace';
import { ConversionClient } from './convert-client';
import { ConversionSession, OUTPUT_SCHEME, readInputs, sessionIdOf, type RuleLines } from './session';

const OPTIONS_KEY = 'netfilterLens.convert.options';
const IPSETS_KEY = 'netfilterLens.convert.ipsets';
export const DIAGNOSTIC_SOURCE = 'netfilter-lens';

const SEVERITY: Record<FileDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Bigger dumps are not prepared: VS Code treats a text of over 300,000 lines or 20 MB as a large file (50,000 rules: 53,000 lines, 7.5 MB). */
const PREPARE_MAX_LINES = 300_000;
const PREPARE_MAX_CHARS = 20 * 1024 * 1024;

/** How long a dump shown in an editor stays unchanged before its conversion is prepared in the background. */
const PREPARE_DELAY_MS = 1000;

/** How long after a whole conversion the view prepares for edits (after the output shows and its problems are published). */
const PREPARE_AFTER_MS = 1500;

function timed<T>(log: vscode.LogOutputChannel | undefined, label: string, fn: () => T): T {
  const t0 = performance.now();
  const v = fn();
  const msg = `conversion view: ${label} ${(performance.now() - t0).toFixed(0)} ms`;
  log?.trace(msg);
  benchTrace(msg);
  return v;
}

/** Above this many chains in a dump, CodeLenses count per table instead of per chain. */
const MAX_CHAIN_LENSES = 1000;

/** Lines decorated above and below the visible part of the output. */
const DECORATION_MARGIN = 300;

interface ProblemLine {
  severity: 'error' | 'warning' | 'information';
  messages: string[];
  codes: string[];
}

function lineRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, 0, r.end.line, Number.MAX_SAFE_INTEGER);
}

export class ConversionController implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly sessions = new Map<string, ConversionSession>();
  private readonly pipeline = new ConversionPipeline();
  /** Whole conversions, in a worker thread. */
  private readonly converter: ConversionClient;
  /** Per dump shown in an editor: the timer that prepares its conversion once it has been quiet a moment. */
  private readonly prepareTimers = new Map<string, NodeJS.Timeout>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly diagnostics = vscode.languages.createDiagnosticCollection('netfilter-lens.conversion');
  private readonly outputChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.outputChanged.event;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly converted = new vscode.EventEmitter<ConversionSession>();
  /** Fires after every conversion (the summary panel listens). */
  readonly onDidConvert = this.converted.event;
  private scrollTimer?: NodeJS.Timeout;
  /** Selections we set ourselves, so the resulting events do not bounce back. */
  private readonly ownSelections = new Map<string, string>();
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.selectionHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly problemDecorations: Record<'error' | 'warning' | 'information', vscode.TextEditorDecorationType>;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log?: vscode.LogOutputChannel) {
    const problem = (color: string, ruler: string) => vscode.window.createTextEditorDecorationType({
      overviewRulerColor: new vscode.ThemeColor(ruler),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      after: { color: new vscode.ThemeColor(color), margin: '0 0 0 2em', fontStyle: 'italic' },
    });
    this.problemDecorations = {
      error: problem('editorError.foreground', 'editorOverviewRuler.errorForeground'),
      warning: problem('editorWarning.foreground', 'editorOverviewRuler.warningForeground'),
      information: problem('editorInfo.foreground', 'editorOverviewRuler.infoForeground'),
    };
    this.converter = new ConversionClient(vscode.Uri.joinPath(context.extensionUri, 'dist', 'convert-worker.js').fsPath, (m) => log?.warn(m));
    this.disposables.push(
      this.converter,
      { dispose: () => this.prepareTimers.forEach((t) => clearTimeout(t)) },
      vscode.window.onDidChangeActiveTextEditor(() => this.prepareActiveSoon()),
      this.diagnostics, this.outputChanged, this.lensesChanged, this.converted, this.highlight,
      ...Object.values(this.problemDecorations),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === OUTPUT_SCHEME) benchTrace(`conversion view: output document changed (${e.contentChanges.length} changes)`);
        if (e.contentChanges.length) this.inputChanged(e.document.uri, e.contentChanges, e.document.version);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        const key = doc.uri.toString();
        this.converter.forget(key);
        clearTimeout(this.prepareTimers.get(key));
        this.prepareTimers.delete(key);
        this.prepareCost.delete(key);
        this.documentClosed(doc);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.selectionChanged(e)),
      // Soon after, not inside the event: the editor being shown does not wait for its decorations.
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorateSoon()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        const s = this.sessionOfOutput(e.textEditor.document.uri);
        if (!s || this.scrollTimer) return;
        this.scrollTimer = setTimeout(() => {
          this.scrollTimer = undefined;
          this.decorateOutput(e.textEditor, s);
        }, 100);
      }),
    );
    // A dump already shown when the extension starts.
    this.prepareActiveSoon();
  }

  // ------------------------------------------------------------ options (per workspace)

  get options(): ViewOptions {
    return viewOptionsFrom(this.context.workspaceState.get(OPTIONS_KEY, DEFAULT_VIEW_OPTIONS));
  }

  async setOptions(change: Partial<ViewOptions>): Promise<void> {
    await this.context.workspaceState.update(OPTIONS_KEY, { ...this.options, ...change });
    // What was prepared with the old options would not be used.
    this.prepareActiveSoon();
    await Promise.all([...this.sessions.values()].map((s) => this.refresh(s, true)));
  }

  private savedIpsets(key: string): vscode.Uri[] {
    const all = this.context.workspaceState.get<Record<string, string[]>>(IPSETS_KEY, {});
    return (all[key] ?? []).map((s) => vscode.Uri.parse(s));
  }

  private async saveIpsets(session: ConversionSession): Promise<void> {
    const all = { ...this.context.workspaceState.get<Record<string, string[]>>(IPSETS_KEY, {}) };
    all[session.key] = session.ipsets.map((u) => u.toString());
    await this.context.workspaceState.update(IPSETS_KEY, all);
  }

  // ------------------------------------------------------------ sessions

  allSessions(): ConversionSession[] {
    return [...this.sessions.values()];
  }

  sessionById(id: string): ConversionSession | undefined {
    return this.sessions.get(id);
  }

  sessionOfOutput(uri: vscode.Uri): ConversionSession | undefined {
    const id = sessionIdOf(uri);
    return id ? this.sessions.get(id) : undefined;
  }

  /** The session whose source (or output) `uri` is; prefers whole-file sessions, then the newest. */
  sessionFor(uri: vscode.Uri): ConversionSession | undefined {
    if (uri.scheme === OUTPUT_SCHEME) return this.sessionOfOutput(uri);
    const all = this.allSessions().filter((s) => s.isSource(uri)).reverse();
    return all.find((s) => !s.ruleLines) ?? all[0];
  }

  /** Opens (or re-shows) the conversion of `sources` beside the active editor. */
  async open(sources: vscode.Uri[], ruleLines?: RuleLines): Promise<ConversionSession> {
    const key = ConversionSession.keyOf(sources, ruleLines);
    let session = this.allSessions().find((s) => s.key === key);
    if (!session) {
      session = new ConversionSession(sources, await this.ipsetsFor(sources, key), ruleLines, this.pipeline, this.converter);
      this.sessions.set(session.id, session);
    }
    // The problems are published once the output shows: a big dump has thousands.
    await this.refresh(session, false, false);
    benchTrace('conversion view: refreshed');
    const doc = await vscode.workspace.openTextDocument(session.outputUri);
    benchTrace('conversion view: output document open');
    // What the document holds now, so the next update sends only what changes.
    if (await this.current(doc, session)) this.shownOutput.set(doc, { version: doc.version, text: session.output });
    benchTrace('conversion view: output document current');
    if (doc.languageId !== 'nft') await vscode.languages.setTextDocumentLanguage(doc, 'nft');
    benchTrace('conversion view: language set');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    benchTrace('conversion view: output shown');
    session.shownAt = performance.now();
    timed(this.log, 'diagnostics', () => this.publishDiagnostics(session));
    this.decorateSoon();
    return session;
  }

  /** The ipset dumps a new conversion of `sources` takes: those attached before, and one found beside the first dump. */
  private async ipsetsFor(sources: vscode.Uri[], key: string): Promise<vscode.Uri[]> {
    const ipsets = this.savedIpsets(key);
    if (vscode.workspace.getConfiguration('netfilterLens.convert').get<boolean>('findIpsetBeside', true)) {
      for (const found of await this.siblingIpsets(sources)) if (!ipsets.some((u) => u.toString() === found.toString())) ipsets.push(found);
    }
    return ipsets;
  }

  // ------------------------------------------------------------ conversions prepared ahead

  /**
   * The dump in the active editor is converted in the background (in the worker) once it has
   * been unchanged for a moment, so that "Convert to nftables" on it only has to show the result.
   */
  private prepareActiveSoon(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'iptables-save' || doc.uri.scheme === OUTPUT_SCHEME) return;
    // Nobody asked for this conversion: not on a dump so big that VS Code itself treats it as a large file.
    if (doc.lineCount > PREPARE_MAX_LINES || doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end) > PREPARE_MAX_CHARS) return;
    // Loaded before the command, prepared or not: the worker takes about 0.1 s to start.
    this.converter.start();
    this.prepareConversionSoon(doc.uri);
  }

  /** Milliseconds the last preparation of each dump took (an edited big dump is prepared again less eagerly). */
  private readonly prepareCost = new Map<string, number>();

  private prepareConversionSoon(uri: vscode.Uri): void {
    if (!vscode.workspace.getConfiguration('netfilterLens.convert').get<boolean>('prepare', true)) return;
    const key = uri.toString();
    clearTimeout(this.prepareTimers.get(key));
    // As the analysis of a big document: after an edit, wait three times as long as the last one took (up to 10 s).
    const wait = Math.max(PREPARE_DELAY_MS, Math.min(10_000, 3 * (this.prepareCost.get(key) ?? 0)));
    this.prepareTimers.set(key, setTimeout(() => {
      this.prepareTimers.delete(key);
      void this.prepareNow(uri).catch((e) => this.log?.warn(`conversion view: preparing ${key} failed: ${e instanceof Error ? e.message : String(e)}`));
    }, wait));
  }

  /** What is prepared for the dump `uri` (for tests and the benchmark). */
  preparedState(uri: vscode.Uri): 'none' | 'scheduled' | 'running' | 'ready' {
    const state = this.converter.preparedState(uri.toString());
    return state === 'none' && this.prepareTimers.has(uri.toString()) ? 'scheduled' : state;
  }

  private async prepareNow(uri: vscode.Uri): Promise<void> {
    const sources = [uri];
    const key = ConversionSession.keyOf(sources, undefined);
    // A conversion already open keeps itself current; a dump no longer shown is not worth it.
    if (this.allSessions().some((s) => s.key === key)) return;
    if (vscode.window.activeTextEditor?.document.uri.toString() !== uri.toString()) return;
    const { texts, extra } = await readInputs(sources, await this.ipsetsFor(sources, key));
    if (texts[0]?.kind !== 'iptables') return;
    benchTrace('conversion view: preparing a conversion');
    const started = performance.now();
    const ready = this.converter.prepare(texts, this.options, extra);
    if (await ready) this.prepareCost.set(uri.toString(), performance.now() - started);
  }

  /** The output document once VS Code has fetched the session's latest output (an open document updates asynchronously). */
  private async current(doc: vscode.TextDocument, session: ConversionSession, timeoutMs = 5000): Promise<boolean> {
    if (doc.getText() === session.output) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === session.outputUri.toString() && e.document.getText() === session.output) done(true);
      });
      function done(matched: boolean) {
        clearTimeout(timer);
        sub.dispose();
        resolve(matched);
      }
    });
  }

  /** `NAME.ipset-save` / `NAME.ipset` beside a source dump (as `nflens convert` finds them), when the source has none among its inputs. */
  async siblingIpsets(sources: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
    const found: vscode.Uri[] = [];
    for (const src of sources) {
      if (src.scheme === 'untitled' || src.scheme === OUTPUT_SCHEME) continue;
      const dir = vscode.Uri.joinPath(src, '..');
      for (const name of siblingIpsetNames(src.path.split('/').pop() ?? '')) {
        const candidate = vscode.Uri.joinPath(dir, name);
        // Already an input: nothing to add (nflens convert does not look further either).
        if (sources.some((s) => s.toString() === candidate.toString())) break;
        try {
          const stat = await vscode.workspace.fs.stat(candidate);
          if (stat.type & vscode.FileType.File) {
            found.push(candidate);
            break;
          }
        } catch {
          // no such file
        }
      }
    }
    return found;
  }

  /** Every ipset dump in the folder of the session's first source (for the quick fix). */
  async ipsetDumpsBeside(session: ConversionSession): Promise<vscode.Uri[]> {
    const src = session.sources[0];
    if (!src || src.scheme === 'untitled') return [];
    const dir = vscode.Uri.joinPath(src, '..');
    try {
      const entries = await vscode.workspace.fs.readDirectory(dir);
      return entries
        .filter(([name, type]) => type & vscode.FileType.File && /\.ipset(-save)?$/.test(name))
        .map(([name]) => vscode.Uri.joinPath(dir, name))
        .filter((u) => !session.involves(u));
    } catch {
      return [];
    }
  }

  async attachIpset(session: ConversionSession, uri: vscode.Uri): Promise<void> {
    if (!session.ipsets.some((u) => u.toString() === uri.toString())) session.ipsets.push(uri);
    await this.saveIpsets(session);
    await this.refresh(session, true);
  }

  async detachIpsets(session: ConversionSession): Promise<void> {
    session.ipsets.length = 0;
    await this.saveIpsets(session);
    await this.refresh(session, true);
  }

  /** Conversions in progress, per session: the next one starts when the last is done. */
  private readonly running = new Map<string, Promise<void>>();

  /** Converts again (after any conversion in progress) and shows the result everywhere. */
  refresh(session: ConversionSession, full = false, publish = true): Promise<void> {
    return this.queue(session, () => this.refreshNow(session, full, publish));
  }

  /** After an input changed: converts once any conversion in progress is done, unless that one took the change in. */
  private refreshPending(session: ConversionSession): Promise<void> {
    return this.queue(session, () => (session.pending === undefined ? Promise.resolve() : this.refreshNow(session)));
  }

  private queue(session: ConversionSession, run: () => Promise<void>): Promise<void> {
    const next = (this.running.get(session.id) ?? Promise.resolve()).then(run);
    const settled = next.catch(() => undefined);
    this.running.set(session.id, settled);
    void settled.then(() => {
      if (this.running.get(session.id) === settled) this.running.delete(session.id);
    });
    return next;
  }

  private async refreshNow(session: ConversionSession, full = false, publish = true): Promise<void> {
    clearTimeout(this.timers.get(session.id));
    this.timers.delete(session.id);
    try {
      await session.convert(this.options, full);
    } catch (e) {
      this.log?.error(`conversion of ${session.sources.map((u) => u.toString()).join(', ')} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return;
    }
    if (!this.sessions.has(session.id)) return;
    this.keepScrollPosition(session);
    // The output first: the problems of a big dump take a moment to publish.
    const pushed = this.pushOutput(session);
    if (publish) timed(this.log, 'diagnostics', () => this.publishDiagnostics(session));
    await pushed;
    // The lenses change only with the counts (a rule edit that changes no outcome keeps them).
    if (session.index && this.lensKeys.get(session) !== session.index.countsKey) {
      this.lensKeys.set(session, session.index.countsKey);
      this.lensesChanged.fire();
    }
    timed(this.log, 'summary', () => this.converted.fire(session));
    // The output document changes after VS Code asks for the new content; decorate after that.
    this.decorateSoon();
    if (session.lastKind === 'full') this.prepareSoon(session);
  }

  /** Once things are quiet after a whole conversion, what the first edit needs is made ahead of it. */
  private prepareSoon(session: ConversionSession): void {
    const result = session.result;
    setTimeout(() => {
      if (this.sessions.has(session.id) && session.result === result) timed(this.log, 'prepared for edits', () => session.prepareForEdits());
    }, PREPARE_AFTER_MS);
  }

  /** What each open output document holds, as far as we put it there (by document version). */
  private readonly shownOutput = new WeakMap<vscode.TextDocument, { version: number; text: string }>();

  /**
   * Brings the open output document up to the session's output. An open document gets only
   * the lines that changed, as an edit: handing VS Code the whole new text (the content
   * provider's way) moves megabytes through the workbench for a one-rule change.
   */
  private pushOutput(session: ConversionSession): Promise<void> {
    // Conversions of a session run one at a time (queue), each waiting for its update: updates come in order.
    const next = (async () => {
      const key = session.outputUri.toString();
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      const output = session.output;
      if (!doc) {
        // Not open: VS Code asks the content provider when it opens it. Tell it anyway, in
        // case it holds a model the extension host has not heard of yet.
        this.outputChanged.fire(session.outputUri);
        return;
      }
      const known = this.shownOutput.get(doc);
      const before = known && known.version === doc.version ? known.text : doc.getText();
      const change = session.result ? outputChange(before, session.result) : lineChange(before, output);
      if (!change) {
        this.shownOutput.set(doc, { version: doc.version, text: output });
        return;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.text);
      const versionBefore = doc.version;
      let applied = false;
      try {
        applied = await vscode.workspace.applyEdit(edit);
      } catch (e) {
        this.log?.warn(`conversion view: the output edit was refused (${e instanceof Error ? e.message : String(e)}); sending the whole output`);
      }
      benchTrace(`conversion view: output ${applied ? 'edited' : 'replaced'} (${change.end - change.start} → ${change.text.length} characters)`);
      if (!applied) this.outputChanged.fire(session.outputUri);
      // Remembered only once the document has taken the edit; otherwise the next update reads it.
      else if (doc.version === versionBefore + 1) this.shownOutput.set(doc, { version: doc.version, text: output });
    })();
    return next.catch((e) => this.log?.error(`conversion view: output update failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Puts the output editors back at the line they showed once the new content is in. */
  private keepScrollPosition(session: ConversionSession): void {
    const key = session.outputUri.toString();
    const tops = vscode.window.visibleTextEditors
      .filter((e) => e.document.uri.toString() === key && e.visibleRanges.length)
      .map((e) => ({ editor: e, top: e.visibleRanges[0]!.start.line }));
    if (!tops.length) return;
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() !== key) return;
      done();
      for (const { editor, top } of tops) {
        if (editor.visibleRanges[0]?.start.line !== top && top < e.document.lineCount) {
          editor.revealRange(new vscode.Range(top, 0, top, 0), vscode.TextEditorRevealType.AtTop);
        }
      }
    });
    const timer = setTimeout(() => done(), 10_000);
    function done() {
      clearTimeout(timer);
      sub.dispose();
    }
  }

  private inputChanged(uri: vscode.Uri, changes: readonly vscode.TextDocumentContentChangeEvent[], version: number): void {
    if (uri.scheme === OUTPUT_SCHEME) return;
    benchTrace('conversion view: input changed');
    const key = uri.toString();
    if (this.converter.isPrepared(key) || this.prepareTimers.has(key)) {
      this.converter.forget(key);
      clearTimeout(this.prepareTimers.get(key));
      this.prepareTimers.delete(key);
      // Prepared again if it is still the active dump (and not grown into a large file).
      this.prepareActiveSoon();
    }
    for (const s of this.sessions.values()) {
      if (!s.involves(uri)) continue;
      s.noteChange(uri, changes, version);
      clearTimeout(this.timers.get(s.id));
      const configured = vscode.workspace.getConfiguration('netfilterLens.convert').get<number>('debounceMs', 50);
      // An edit inside one rule line converts that rule alone, in milliseconds: it goes at once
      // (changes that arrive together still make one update). A slow (full) conversion waits
      // longer, so typing does not queue conversions.
      const wait = s.pendingLine ? 0 : s.pending === 'full' ? Math.max(configured, Math.min(2000, s.lastFullCost)) : configured;
      this.timers.set(s.id, setTimeout(() => void this.refreshPending(s), wait));
    }
  }

  private documentClosed(doc: vscode.TextDocument): void {
    const s = this.sessionOfOutput(doc.uri);
    if (s) this.close(s);
  }

  close(session: ConversionSession): void {
    clearTimeout(this.timers.get(session.id));
    this.timers.delete(session.id);
    this.sessions.delete(session.id);
    for (const uri of session.sources) {
      if (this.sessionFor(uri)) continue;
      this.diagnostics.delete(uri);
      this.published.delete(uri.toString());
    }
    if (session.ruleLines === undefined) for (const uri of session.sources) {
      const other = this.sessionFor(uri);
      if (other) this.publishDiagnostics(other);
    }
    this.lensesChanged.fire();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    benchTrace('conversion view: content requested');
    const session = this.sessionOfOutput(uri);
    if (session) session.servedAt = performance.now();
    return session?.output ?? '# This conversion is closed: run "Netfilter Lens: Convert to nftables" again.\n';
  }

  // ------------------------------------------------------------ diagnostics

  /** The vscode.Diagnostic made for each converter diagnostic (a rule splice keeps most of them). */
  private readonly shown = new WeakMap<object, { outputLine: number; output: vscode.Uri; diagnostic: vscode.Diagnostic }>();

  private publishDiagnostics(session: ConversionSession): void {
    const result = session.result;
    const index = session.index;
    if (!result || !index) return;
    // A splice that changed no diagnostic and kept every output line: what this session published
    // holds, unless another conversion of the same file published since.
    const last = this.publishedProblems.get(session);
    if (index.derived && last?.key === index.problemsKey && [...last.lists].every(([file, list]) => this.published.get(file) === list)) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const uri of session.sources) byFile.set(uri.toString(), []);
    // After a rule splice every other rule kept its output lines: what was published for them still holds.
    const linesKept = index.derived;
    for (const d of result.diagnostics) {
      const list = byFile.get(d.file ?? '');
      if (!list || !isConversionDiagnostic(d)) continue;
      const known = this.shown.get(d);
      if (linesKept && known && known.output === session.outputUri) {
        list.push(known.diagnostic);
        continue;
      }
      const rule = index.ruleOf(d);
      const at = rule?.output?.start.line ?? -1;
      if (known && known.outputLine === at && known.output === session.outputUri) {
        list.push(known.diagnostic);
        continue;
      }
      const out = new vscode.Diagnostic(toVsRange(d.range), d.message, SEVERITY[d.severity]);
      out.source = DIAGNOSTIC_SOURCE;
      out.code = diagnosticCode(this.context.extensionUri, d.code);
      if (rule?.output) {
        out.relatedInformation = [new vscode.DiagnosticRelatedInformation(
          new vscode.Location(session.outputUri, lineRange(rule.output)),
          rule.outcome === 'unsupported' ? 'kept as a comment in the nft output' : `nft output (${rule.outcome})`,
        )];
      }
      list.push(out);
      this.shown.set(d, { outputLine: at, output: session.outputUri, diagnostic: out });
    }
    const lists = new Map<string, vscode.Diagnostic[]>();
    for (const [file, list] of byFile) {
      const before = this.published.get(file);
      // After most rule edits every diagnostic is the object published before: nothing to send.
      if (before && before.length === list.length && before.every((d, i) => d === list[i]) && this.diagnostics.has(vscode.Uri.parse(file))) {
        lists.set(file, before);
        continue;
      }
      this.published.set(file, list);
      this.diagnostics.set(vscode.Uri.parse(file), list);
      lists.set(file, list);
    }
    this.publishedProblems.set(session, { key: index.problemsKey, lists });
  }

  /** The problems each session's diagnostics were last published for. */
  private readonly publishedProblems = new WeakMap<ConversionSession, { key: object; lists: Map<string, vscode.Diagnostic[]> }>();

  /** What was last published per source. */
  private readonly published = new Map<string, vscode.Diagnostic[]>();


  // ------------------------------------------------------------ decorations on the output

  private decorateTimer?: NodeJS.Timeout;

  private decorateSoon(): void {
    if (this.decorateTimer) return;
    this.decorateTimer = setTimeout(() => {
      this.decorateTimer = undefined;
      this.decorateVisible();
    }, 0);
  }

  private decorateVisible(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const s = this.sessionOfOutput(editor.document.uri);
      if (s) timed(this.log, 'output decorations', () => this.decorateOutput(editor, s));
    }
  }

  /** Problems per output line of a session's latest result (computed once per result, kept across splices that change none). */
  private readonly problemLines = new WeakMap<object, Map<number, ProblemLine>>();

  private problemsOf(session: ConversionSession): Map<number, ProblemLine> {
    const result = session.result;
    const index = session.index;
    if (!result || !index) return new Map();
    const cached = this.problemLines.get(index.problemsKey);
    if (cached) return cached;
    const perLine = new Map<number, ProblemLine>();
    const rank = { error: 3, warning: 2, information: 1, hint: 0 } as const;
    for (const d of result.diagnostics) {
      if (d.severity === 'hint') continue;
      const rule = index.ruleOf(d);
      if (!rule?.output) continue;
      const line = rule.output.start.line;
      const entry = perLine.get(line);
      if (!entry) perLine.set(line, { severity: d.severity, messages: [d.message], codes: [d.code] });
      else {
        if (rank[d.severity] > rank[entry.severity]) entry.severity = d.severity;
        entry.messages.push(d.message);
        if (!entry.codes.includes(d.code)) entry.codes.push(d.code);
      }
    }
    this.problemLines.set(index.problemsKey, perLine);
    return perLine;
  }

  /** Decorates the problems of the visible part of the output (and some lines around it). */
  private decorateOutput(editor: vscode.TextEditor, session: ConversionSession): void {
    const perLine = this.problemsOf(session);
    const options: Record<'error' | 'warning' | 'information', vscode.DecorationOptions[]> = { error: [], warning: [], information: [] };
    const lastLine = Math.max(0, editor.document.lineCount - 1);
    const visible = editor.visibleRanges.length ? editor.visibleRanges : [new vscode.Range(0, 0, 100, 0)];
    const from = Math.max(0, Math.min(...visible.map((r) => r.start.line)) - DECORATION_MARGIN);
    const to = Math.min(lastLine, Math.max(...visible.map((r) => r.end.line)) + DECORATION_MARGIN);
    for (let line = from; line <= to; line++) {
      const e = perLine.get(line);
      if (!e) continue;
      const end = editor.document.lineAt(line).range.end;
      const hover = new vscode.MarkdownString(e.messages.map((m, i) => `**${e.severity}** ${m.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')}${i === 0 ? ` \`[${e.codes.join(', ')}]\`` : ''}`).join('\n\n'));
      options[e.severity].push({ range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: `  ${e.severity}: ${e.codes.join(', ')}` } } });
    }
    for (const k of ['error', 'warning', 'information'] as const) editor.setDecorations(this.problemDecorations[k], options[k]);
  }

  /** Output lines that show a problem (what the test command reports). */
  outputProblemLines(session: ConversionSession): number[] {
    return [...this.problemsOf(session).keys()].sort((a, b) => a - b);
  }

  // ------------------------------------------------------------ source ↔ output

  private markOwn(editor: vscode.TextEditor, selection: vscode.Selection): void {
    this.ownSelections.set(editor.document.uri.toString(), `${selection.anchor.line}:${selection.anchor.character}-${selection.active.line}:${selection.active.character}`);
  }

  private isOwn(e: vscode.TextEditorSelectionChangeEvent): boolean {
    const key = e.textEditor.document.uri.toString();
    const own = this.ownSelections.get(key);
    if (own === undefined) return false;
    this.ownSelections.delete(key);
    const s = e.selections[0];
    return !!s && own === `${s.anchor.line}:${s.anchor.character}-${s.active.line}:${s.active.character}`;
  }

  private selectionChanged(e: vscode.TextEditorSelectionChangeEvent): void {
    if (this.isOwn(e)) return;
    const doc = e.textEditor.document;
    const line = e.selections[0]?.active.line;
    if (line === undefined) return;
    if (doc.uri.scheme === OUTPUT_SCHEME) {
      const s = this.sessionOfOutput(doc.uri);
      if (s) this.revealSourceOf(s, line, e.textEditor);
      return;
    }
    const s = this.sessionFor(doc.uri);
    if (s) this.revealOutputOf(s, doc.uri, line, e.textEditor);
  }

  /** Highlights and selects the output lines of the source rule at `line`; returns them. */
  revealOutputOf(session: ConversionSession, source: vscode.Uri, line: number, sourceEditor?: vscode.TextEditor): vscode.Range[] {
    const ranges = session.index?.outputAt(source.toString(), line).map(lineRange) ?? [];
    const outputEditor = vscode.window.visibleTextEditors.find((ed) => ed.document.uri.toString() === session.outputUri.toString());
    const rule = session.index?.ruleAt(source.toString(), line);
    if (sourceEditor) sourceEditor.setDecorations(this.highlight, rule ? [lineRange(rule.source)] : []);
    if (!outputEditor) return ranges;
    outputEditor.setDecorations(this.highlight, ranges);
    const first = ranges[0];
    const last = ranges[ranges.length - 1];
    if (first && last) {
      const doc = outputEditor.document;
      const endLine = Math.min(last.end.line, doc.lineCount - 1);
      const sel = new vscode.Selection(first.start.line, 0, endLine, doc.lineAt(endLine).range.end.character);
      this.markOwn(outputEditor, sel);
      outputEditor.selection = sel;
      outputEditor.revealRange(new vscode.Range(sel.start, sel.end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return ranges;
  }

  /** Highlights and selects the source rules of output `line`. */
  revealSourceOf(session: ConversionSession, line: number, outputEditor?: vscode.TextEditor): { uri: vscode.Uri; range: vscode.Range }[] {
    const found = session.index?.sourceAt(line) ?? [];
    const targets = found.map((f) => ({ uri: vscode.Uri.parse(f.file ?? ''), range: lineRange(f.range) }));
    if (outputEditor) {
      const out = found.length && session.index ? session.index.outputAt(found[0]!.file ?? '', found[0]!.range.start.line).map(lineRange) : [];
      outputEditor.setDecorations(this.highlight, out);
    }
    for (const t of targets.slice(0, 1)) {
      const editor = vscode.window.visibleTextEditors.find((ed) => ed.document.uri.toString() === t.uri.toString());
      if (!editor) continue;
      editor.setDecorations(this.highlight, [t.range]);
      const endLine = Math.min(t.range.end.line, editor.document.lineCount - 1);
      const sel = new vscode.Selection(t.range.start.line, 0, endLine, editor.document.lineAt(endLine).range.end.character);
      this.markOwn(editor, sel);
      editor.selection = sel;
      editor.revealRange(sel, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return targets;
  }

  /** Opens the source at `range` (summary rows, CodeLens). */
  async revealSource(uri: vscode.Uri, range: Range): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = vscode.window.visibleTextEditors.find((ed) => ed.document.uri.toString() === uri.toString());
    const shown = await vscode.window.showTextDocument(doc, { viewColumn: editor?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false });
    const r = toVsRange(range);
    shown.selection = new vscode.Selection(r.start, r.end);
    shown.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  // ------------------------------------------------------------ CodeLens on chains

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return timed(this.log, 'code lenses', () => this.codeLenses(document));
  }

  /** The counts each session's lenses were last announced for. */
  private readonly lensKeys = new WeakMap<ConversionSession, object>();

  /** CodeLenses per result and source: asked again on every edit, they change only with a conversion. */
  private readonly lensCache = new WeakMap<object, Map<string, vscode.CodeLens[]>>();

  private codeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const session = this.sessionFor(document.uri);
    if (!session?.index || sourceKindOf(document.languageId, '') === 'ipset') return [];
    const key = document.uri.toString();
    // Kept per counts: after a rule edit that changed no outcome the earlier lenses still hold.
    let perSource = this.lensCache.get(session.index.countsKey);
    if (!perSource) this.lensCache.set(session.index.countsKey, (perSource = new Map()));
    const cached = perSource.get(key);
    if (cached) return cached;
    const lenses = this.computeLenses(session, key);
    perSource.set(key, lenses);
    return lenses;
  }

  private computeLenses(session: ConversionSession, key: string): vscode.CodeLens[] {
    if (!session.index) return [];
    const outline = this.pipeline.lastOutline(key);
    if (!outline) return [];
    const lenses: vscode.CodeLens[] = [];
    const decls = outline.chains;
    if (decls.length > MAX_CHAIN_LENSES) {
      // One lens per table: each lens is a view zone VS Code lays out, and thousands of them
      // (a compute node with 2,000 ports has 6,000 chains) slow every editor update.
      for (const t of outline.tables) {
        const table = t.name;
        const chains = session.index.summary.chains.filter((c) => (c.file ?? '') === key && c.table === table);
        if (!chains.length) continue;
        const total = { rules: 0, translated: 0, approximated: 0, unsupported: 0 };
        for (const c of chains) for (const k of ['rules', 'translated', 'approximated', 'unsupported'] as const) total[k] += c[k];
        const first = chains.map((c) => session.index!.firstRuleWithOutput(key, table, c.chain)).find((r) => r !== undefined);
        const line = t.line;
        lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: `${chains.length} chains, ${describeCounts(total)} (counts per chain: Show Conversion Summary)`,
          command: first ? 'netfilterLens.convert.revealOutput' : '',
          arguments: first ? [session.id, key, first.source.start.line] : [],
          tooltip: `table ${table}: show the nft output`,
        }));
      }
      return lenses;
    }
    for (const decl of decls) {
      const counts = session.index.chainCounts(key, decl.table, decl.chain);
      if (!counts) continue;
      const first = session.index.firstRuleWithOutput(key, decl.table, decl.chain);
      lenses.push(new vscode.CodeLens(toVsRange(decl.range), {
        title: describeCounts(counts),
        command: first ? 'netfilterLens.convert.revealOutput' : '',
        arguments: first ? [session.id, key, first.source.start.line] : [],
        tooltip: `${decl.table} ${decl.chain}: show the nft output`,
      }));
    }
    return lenses;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    clearTimeout(this.scrollTimer);
    clearTimeout(this.decorateTimer);
    for (const d of this.disposables) d.dispose();
  }
}
