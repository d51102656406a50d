/**
 * The documents the language features work on: each open iptables-save/nft/ipset document
 * is analysed in a worker thread after a pause in typing (off the keystroke path and off
 * the extension host's main thread), cached by version, and its diagnostics are published
 * in the "netfilter-lens" collection. At most one analysis per document runs at a time;
 * requests made meanwhile are served by the next run, which reads the newest text.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../convert/ast/common';
import { AnalysisClient } from './analysis-client';
import { benchTrace } from './bench-trace';
import { diagnosticCode } from './diagnostic-code';
import { isLanguageId, type DocumentFacts } from './model';
import { NftTokens } from './nft-index';
import { LineIndex } from './text';

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};
const UNNECESSARY = new Set(['unused-chain', 'unreachable-rule']);

export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Analyses slower than this are logged with their timings. */
const LOG_ABOVE_MS = 40;

interface Waiter {
  version: number;
  resolve: (facts: DocumentFacts) => void;
  reject: (e: Error) => void;
}

interface DocState {
  facts?: { version: number; value: DocumentFacts };
  running: boolean;
  waiters: Waiter[];
  /** Duration of the last analysis, to stretch the debounce of large files. */
  lastMs: number;
  timer?: ReturnType<typeof setTimeout>;
  tokens?: { version: number; value: NftTokens };
  /** Diagnostics from `nft -c` for a document version; dropped when the text changes. */
  external?: { version: number; diagnostics: Diagnostic[] };
  /** The version being analysed while `running`. */
  runningVersion?: number;
  /** A debounced analysis came due while one ran: scheduled again when that one ends. */
  scheduleAfterRun?: boolean;
  /** Whether every change since the analysis in `facts` kept each line where it was (see keepsLines). */
  linesKept: boolean;
}

/** A change inside one line, or one that replaces whole lines by as many: no other line moves. */
function keepsLines(c: vscode.TextDocumentContentChangeEvent): boolean {
  let added = 0;
  for (let i = c.text.indexOf('\n'); i >= 0; i = c.text.indexOf('\n', i + 1)) added++;
  return added === c.range.end.line - c.range.start.line && (added === 0 || (c.range.start.character === 0 && c.range.end.character === 0 && c.text.endsWith('\n')));
}

/**
 * Documents with more lines than this are big: while they are edited inside lines, their
 * outline and folding come from the last analysis (which still has every line where it is)
 * instead of waiting for a new one after each keystroke. A new analysis of such a document
 * takes seconds of a CPU; it runs once typing pauses.
 */
export const BIG_DOCUMENT_LINES = 10_000;

export class LanguageDocuments implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('netfilter-lens');
  private readonly states = new Map<string, DocState>();
  private readonly client: AnalysisClient;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly log?: vscode.LogOutputChannel) {
    this.client = new AnalysisClient(vscode.Uri.joinPath(extensionUri, 'dist', 'language-worker.js').fsPath, (m) => log?.warn(m));
    this.subscriptions.push(
      this.collection,
      // A big document is analysed after a moment: it is being shown, and its analysis takes seconds of a CPU.
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, d.lineCount > BIG_DOCUMENT_LINES ? undefined : 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length) return;
        const st = this.states.get(e.document.uri.toString());
        if (st && !e.contentChanges.every(keepsLines)) st.linesKept = false;
        this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  static handles(doc: vscode.TextDocument): boolean {
    return isLanguageId(doc.languageId) && doc.uri.scheme !== 'git';
  }

  private state(doc: vscode.TextDocument): DocState {
    const key = doc.uri.toString();
    let st = this.states.get(key);
    if (!st) {
      st = { running: false, waiters: [], lastMs: 0, linesKept: true };
      this.states.set(key, st);
    }
    return st;
  }

  /**
   * The analysis of the document's current version (or a newer one, when it changes meanwhile).
   * `lines: true` asks only for what hangs on lines (outline, folding): a big document edited
   * inside lines since its last analysis gets that analysis, and a new one waits for a pause.
   */
  get(doc: vscode.TextDocument, want: { lines?: boolean } = {}): Promise<DocumentFacts | undefined> {
    if (!LanguageDocuments.handles(doc)) return Promise.resolve(undefined);
    const st = this.state(doc);
    if (st.facts && st.facts.version >= doc.version) return Promise.resolve(st.facts.value);
    const fromLast = want.lines && st.linesKept && doc.lineCount > BIG_DOCUMENT_LINES;
    if (fromLast && st.facts) return Promise.resolve(st.facts.value);
    return new Promise((resolve, reject) => {
      // The analysis under way will do (the first one of a big document that is being edited inside lines).
      st.waiters.push({ version: fromLast && st.running && st.runningVersion !== undefined ? st.runningVersion : doc.version, resolve, reject });
      this.run(doc, st);
    });
  }

  /** The newest finished analysis, whatever its version (for cross-document lookups). */
  latest(doc: vscode.TextDocument): DocumentFacts | undefined {
    return this.states.get(doc.uri.toString())?.facts?.value;
  }

  /** nft tokens of the current text, for hover and completion (scanned on demand, cached by version). */
  nftTokens(doc: vscode.TextDocument): NftTokens {
    const st = this.state(doc);
    if (st.tokens?.version !== doc.version) st.tokens = { version: doc.version, value: new NftTokens(new LineIndex(doc.getText())) };
    return st.tokens.value;
  }

  private run(doc: vscode.TextDocument, st: DocState): void {
    if (st.running || !isLanguageId(doc.languageId)) return;
    st.running = true;
    const version = doc.version;
    st.runningVersion = version;
    const started = performance.now();
    const fileName = doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
    benchTrace(`language: analysing ${doc.uri.path.split('/').pop()} v${version}`);
    this.client.analyze(doc.languageId, doc.getText(), fileName).then((facts) => {
      st.running = false;
      st.lastMs = performance.now() - started;
      // Line-wise edits since are counted from this analysis on (an edit after it was read has set this already).
      if (doc.version === version) st.linesKept = true;
      benchTrace(`language: analysed ${doc.uri.path.split('/').pop()} v${version} in ${st.lastMs.toFixed(0)} ms`);
      st.facts = { version, value: facts };
      if (st.lastMs > LOG_ABOVE_MS) {
        const t = facts.timings;
        this.log?.info(`analysed ${vscode.workspace.asRelativePath(doc.uri)} v${version} (${facts.size} rules, ${doc.lineCount} lines) in ${st.lastMs.toFixed(0)} ms` +
          `${this.client.inWorker ? ' off the main thread' : ''}: parse ${t.parseMs} ms, checks ${t.analyzeMs} ms, index ${t.indexMs} ms`);
      }
      const ready = st.waiters.filter((w) => w.version <= version);
      st.waiters = st.waiters.filter((w) => w.version > version);
      for (const w of ready) w.resolve(facts);
      if (st.waiters.length && !doc.isClosed) this.run(doc, st);
      else if (st.scheduleAfterRun && !doc.isClosed) {
        st.scheduleAfterRun = false;
        if (doc.version !== version) this.schedule(doc);
        else this.publish(doc);
      }
    }, (e: Error) => {
      st.running = false;
      this.log?.error(`analysis of ${doc.uri.toString()} failed: ${e.message}`);
      const waiters = st.waiters;
      st.waiters = [];
      for (const w of waiters) w.reject(e);
    });
  }

  /** Every open document of the language with its newest analysis. */
  *open(language?: string): Iterable<{ doc: vscode.TextDocument; facts: DocumentFacts }> {
    for (const doc of vscode.workspace.textDocuments) {
      if (!LanguageDocuments.handles(doc) || (language && doc.languageId !== language)) continue;
      const facts = this.latest(doc);
      if (facts) yield { doc, facts };
    }
  }

  /**
   * Re-analysis waits for a pause in typing; a file that took long to analyse waits longer,
   * so a 50k-rule dump is not re-analysed on every keystroke.
   */
  schedule(doc: vscode.TextDocument, delay?: number): void {
    if (!LanguageDocuments.handles(doc)) return;
    const st = this.state(doc);
    const configured = vscode.workspace.getConfiguration('netfilterLens', doc.uri).get<number>('diagnostics.debounceMs', 300);
    // A big document waits longer: its analysis takes seconds of a CPU, and typing in it should not queue them.
    const wait = delay ?? (doc.lineCount > BIG_DOCUMENT_LINES ? Math.max(configured, Math.min(10_000, 3 * st.lastMs)) : Math.max(configured, Math.min(2000, 2 * st.lastMs)));
    clearTimeout(st.timer);
    st.timer = setTimeout(() => {
      st.timer = undefined;
      if (doc.isClosed) return;
      // An analysis is under way (a first one, whose length was not known yet): wait for it, then as long as it took.
      if (st.running) {
        st.scheduleAfterRun = true;
        return;
      }
      this.get(doc).then(() => this.publish(doc), () => undefined);
    }, wait);
  }

  setExternal(doc: vscode.TextDocument, diagnostics: Diagnostic[]): void {
    this.state(doc).external = { version: doc.version, diagnostics };
    this.publish(doc);
  }

  /** Publishes the diagnostics of the newest analysis when it is of the current text. */
  publish(doc: vscode.TextDocument): void {
    const st = this.states.get(doc.uri.toString());
    if (!st?.facts || st.facts.version !== doc.version || doc.isClosed) return;
    const extra = st.external && st.external.version === doc.version ? st.external.diagnostics : [];
    this.collection.set(doc.uri, [...st.facts.value.diagnostics, ...extra].map((d) => this.toDiagnostic(doc, d)));
  }

  private toDiagnostic(doc: vscode.TextDocument, d: Diagnostic): vscode.Diagnostic {
    const out = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
    out.source = 'netfilter-lens';
    out.code = diagnosticCode(this.extensionUri, d.code);
    if (d.related?.length) {
      out.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(
        new vscode.Location(r.uri ? vscode.Uri.parse(r.uri) : doc.uri, toRange(r.range)), r.message));
    }
    if (UNNECESSARY.has(d.code)) out.tags = [vscode.DiagnosticTag.Unnecessary];
    return out;
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const st = this.states.get(key);
    if (st) clearTimeout(st.timer);
    this.states.delete(key);
    this.collection.delete(doc.uri);
  }

  dispose(): void {
    for (const st of this.states.values()) clearTimeout(st.timer);
    this.states.clear();
    this.client.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
