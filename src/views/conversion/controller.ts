/**
 * The conversion view: sessions, the read-only output documents, diagnostics on the sources,
 * problem decorations on the output, source ↔ output highlighting, and chain CodeLenses.
 */
import * as vscode from 'vscode';
import type { Range } from '../../convert/ast/common';
import type { FileDiagnostic } from '../../convert/translate/convert';
import { diagnosticDocPath } from '../../language/diagnostic-links';
import {
  ConversionPipeline, DEFAULT_VIEW_OPTIONS, chainDeclarations, describeCounts, siblingIpsetNames, sourceKindOf, viewOptionsFrom, type ViewOptions,
} from './model';
import { ConversionSession, OUTPUT_SCHEME, sessionIdOf, type RuleLines } from './session';

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

/** Where a diagnostic code is documented: the one place that builds the link. */
export function diagnosticDocUri(extensionUri: vscode.Uri, code: string): vscode.Uri {
  const [path, anchor] = diagnosticDocPath(code).split('#');
  return vscode.Uri.joinPath(extensionUri, path!).with({ fragment: anchor ?? '' });
}

function lineRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, 0, r.end.line, Number.MAX_SAFE_INTEGER);
}

export class ConversionController implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly sessions = new Map<string, ConversionSession>();
  private readonly pipeline = new ConversionPipeline();
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
    this.disposables.push(
      this.diagnostics, this.outputChanged, this.lensesChanged, this.converted, this.highlight,
      ...Object.values(this.problemDecorations),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.inputChanged(e.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.documentClosed(doc)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.selectionChanged(e)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorateVisible()),
    );
  }

  // ------------------------------------------------------------ options (per workspace)

  get options(): ViewOptions {
    return viewOptionsFrom(this.context.workspaceState.get(OPTIONS_KEY, DEFAULT_VIEW_OPTIONS));
  }

  async setOptions(change: Partial<ViewOptions>): Promise<void> {
    await this.context.workspaceState.update(OPTIONS_KEY, { ...this.options, ...change });
    await Promise.all([...this.sessions.values()].map((s) => this.refresh(s)));
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
      const ipsets = this.savedIpsets(key);
      if (vscode.workspace.getConfiguration('netfilterLens.convert').get<boolean>('findIpsetBeside', true)) {
        for (const found of await this.siblingIpsets(sources)) if (!ipsets.some((u) => u.toString() === found.toString())) ipsets.push(found);
      }
      session = new ConversionSession(sources, ipsets, ruleLines, this.pipeline);
      this.sessions.set(session.id, session);
    }
    await this.refresh(session);
    const doc = await vscode.workspace.openTextDocument(session.outputUri);
    if (doc.languageId !== 'nft') await vscode.languages.setTextDocumentLanguage(doc, 'nft');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    this.decorateVisible();
    return session;
  }

  /** `NAME.ipset-save` / `NAME.ipset` beside a source dump (as `nflens convert` finds them), when the source has none among its inputs. */
  async siblingIpsets(sources: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
    const found: vscode.Uri[] = [];
    for (const src of sources) {
      if (src.scheme === 'untitled' || src.scheme === OUTPUT_SCHEME) continue;
      const dir = vscode.Uri.joinPath(src, '..');
      for (const name of siblingIpsetNames(src.path.split('/').pop() ?? '')) {
        const candidate = vscode.Uri.joinPath(dir, name);
        if (sources.some((s) => s.toString() === candidate.toString())) continue;
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
    await this.refresh(session);
  }

  async detachIpsets(session: ConversionSession): Promise<void> {
    session.ipsets.length = 0;
    await this.saveIpsets(session);
    await this.refresh(session);
  }

  /** Converts again now and shows the result everywhere. */
  async refresh(session: ConversionSession): Promise<void> {
    clearTimeout(this.timers.get(session.id));
    this.timers.delete(session.id);
    try {
      await session.convert(this.options);
    } catch (e) {
      this.log?.error(`conversion of ${session.sources.map((u) => u.toString()).join(', ')} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return;
    }
    if (!this.sessions.has(session.id)) return;
    this.publishDiagnostics(session);
    this.outputChanged.fire(session.outputUri);
    this.lensesChanged.fire();
    this.converted.fire(session);
    // The output document changes after VS Code asks for the new content; decorate after that.
    setTimeout(() => this.decorateVisible(), 0);
  }

  private inputChanged(uri: vscode.Uri): void {
    if (uri.scheme === OUTPUT_SCHEME) return;
    for (const s of this.sessions.values()) {
      if (!s.involves(uri)) continue;
      clearTimeout(this.timers.get(s.id));
      const configured = vscode.workspace.getConfiguration('netfilterLens.convert').get<number>('debounceMs', 250);
      // A slow conversion waits longer, so typing does not queue conversions.
      const wait = Math.max(configured, Math.min(2000, s.lastCost));
      this.timers.set(s.id, setTimeout(() => void this.refresh(s), wait));
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
    for (const uri of session.sources) if (!this.sessionFor(uri)) this.diagnostics.delete(uri);
    if (session.ruleLines === undefined) for (const uri of session.sources) {
      const other = this.sessionFor(uri);
      if (other) this.publishDiagnostics(other);
    }
    this.lensesChanged.fire();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.sessionOfOutput(uri)?.output ?? '# This conversion is closed: run "Netfilter Lens: Convert to nftables" again.\n';
  }

  // ------------------------------------------------------------ diagnostics

  private publishDiagnostics(session: ConversionSession): void {
    const result = session.result;
    const index = session.index;
    if (!result || !index) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const uri of session.sources) byFile.set(uri.toString(), []);
    for (const d of result.diagnostics) {
      const list = byFile.get(d.file ?? '');
      if (!list) continue;
      const out = new vscode.Diagnostic(toVsRange(d.range), d.message, SEVERITY[d.severity]);
      out.source = DIAGNOSTIC_SOURCE;
      out.code = { value: d.code, target: diagnosticDocUri(this.context.extensionUri, d.code) };
      const rule = index.ruleOf(d);
      if (rule?.output) {
        out.relatedInformation = [new vscode.DiagnosticRelatedInformation(
          new vscode.Location(session.outputUri, lineRange(rule.output)),
          rule.outcome === 'unsupported' ? 'kept as a comment in the nft output' : `nft output (${rule.outcome})`,
        )];
      }
      list.push(out);
    }
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.parse(file), list);
  }

  /** The diagnostics of a session's result for one source, as the converter reported them. */
  resultDiagnostics(session: ConversionSession, uri: vscode.Uri): FileDiagnostic[] {
    const key = uri.toString();
    return session.result?.diagnostics.filter((d) => d.file === key) ?? [];
  }

  // ------------------------------------------------------------ decorations on the output

  private decorateVisible(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const s = this.sessionOfOutput(editor.document.uri);
      if (s) this.decorateOutput(editor, s);
    }
  }

  private decorateOutput(editor: vscode.TextEditor, session: ConversionSession): void {
    const result = session.result;
    const index = session.index;
    if (!result || !index) return;
    const perLine = new Map<number, { severity: 'error' | 'warning' | 'information'; messages: string[]; codes: string[] }>();
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
    const options: Record<'error' | 'warning' | 'information', vscode.DecorationOptions[]> = { error: [], warning: [], information: [] };
    const lastLine = Math.max(0, editor.document.lineCount - 1);
    for (const [line, e] of perLine) {
      if (line > lastLine) continue;
      const end = editor.document.lineAt(line).range.end;
      const hover = new vscode.MarkdownString(e.messages.map((m, i) => `**${e.severity}** ${m.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')}${i === 0 ? ` \`[${e.codes.join(', ')}]\`` : ''}`).join('\n\n'));
      options[e.severity].push({ range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: `  ${e.severity}: ${e.codes.join(', ')}` } } });
    }
    for (const k of ['error', 'warning', 'information'] as const) editor.setDecorations(this.problemDecorations[k], options[k]);
  }

  /** Problems decorated on the output, per severity (what the test command reports). */
  outputProblemLines(session: ConversionSession): number[] {
    const index = session.index;
    if (!session.result || !index) return [];
    const lines = new Set<number>();
    for (const d of session.result.diagnostics) {
      const r = index.ruleOf(d);
      if (r?.output && d.severity !== 'hint') lines.add(r.output.start.line);
    }
    return [...lines].sort((a, b) => a - b);
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
    const session = this.sessionFor(document.uri);
    if (!session?.index || sourceKindOf(document.languageId, '') === 'ipset') return [];
    const key = document.uri.toString();
    const file = this.pipeline.lastParsed(key);
    if (!file) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const decl of chainDeclarations(file)) {
      const counts = session.index.chainCounts(key, decl.table, decl.chain);
      if (!counts) continue;
      const first = session.index.rulesOf(key).find((r) => r.table === decl.table && r.chain === decl.chain && r.output);
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
    for (const d of this.disposables) d.dispose();
  }
}
