/**
 * The documents the language features work on: each open iptables-save/nft/ipset document
 * is analysed after a pause in typing (off the keystroke path), cached by version, and its
 * diagnostics are published in the "netfilter-lens" collection.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Diagnostic } from '../convert/ast/common';
import { analyzeDocument } from './analysis';
import { isLanguageId, type DocumentAnalysis } from './model';
import { diagnosticDocPath } from './diagnostic-links';

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

export class LanguageDocuments implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('netfilter-lens');
  private readonly cache = new Map<string, { version: number; analysis: DocumentAnalysis }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Diagnostics from `nft -c` for a document version; dropped when the text changes. */
  private readonly external = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  private readonly lastCost = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires after a document's diagnostics were published. */
  readonly onDidAnalyze = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly log?: vscode.LogOutputChannel) {
    this.subscriptions.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  static handles(doc: vscode.TextDocument): boolean {
    return isLanguageId(doc.languageId) && doc.uri.scheme !== 'git';
  }

  /** The analysis of the document's current version (computed now if the debounce has not run yet). */
  get(doc: vscode.TextDocument): DocumentAnalysis | undefined {
    if (!isLanguageId(doc.languageId)) return undefined;
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.analysis;
    const started = performance.now();
    const analysis = analyzeDocument(doc.languageId, doc.getText(), doc.uri.scheme === 'file' ? { fileName: doc.uri.fsPath, readFile } : {});
    const total = performance.now() - started;
    this.lastCost.set(key, total);
    if (total > LOG_ABOVE_MS) {
      const t = analysis.timings;
      this.log?.info(`analysed ${vscode.workspace.asRelativePath(doc.uri)} v${doc.version} (${analysis.size} rules, ${doc.lineCount} lines) in ${total.toFixed(0)} ms: parse ${t.parseMs} ms, checks ${t.analyzeMs} ms, index ${t.indexMs} ms`);
    }
    this.cache.set(key, { version: doc.version, analysis });
    return analysis;
  }

  /** Every cached analysis of an open document of the language, with its document. */
  *open(language?: string): Iterable<{ doc: vscode.TextDocument; analysis: DocumentAnalysis }> {
    for (const doc of vscode.workspace.textDocuments) {
      if (!LanguageDocuments.handles(doc) || (language && doc.languageId !== language)) continue;
      const analysis = this.get(doc);
      if (analysis) yield { doc, analysis };
    }
  }

  /**
   * Re-analysis waits for a pause in typing; a file that took long to analyse waits longer,
   * so a 50k-rule dump is not re-parsed on every keystroke.
   */
  schedule(doc: vscode.TextDocument, delay?: number): void {
    if (!LanguageDocuments.handles(doc)) return;
    const key = doc.uri.toString();
    const configured = vscode.workspace.getConfiguration('netfilterLens', doc.uri).get<number>('diagnostics.debounceMs', 300);
    const wait = delay ?? Math.max(configured, Math.min(2000, 2 * (this.lastCost.get(key) ?? 0)));
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (doc.isClosed) return;
      this.publish(doc);
    }, wait));
  }

  setExternal(doc: vscode.TextDocument, diagnostics: Diagnostic[]): void {
    this.external.set(doc.uri.toString(), { version: doc.version, diagnostics });
    this.publish(doc);
  }

  publish(doc: vscode.TextDocument): void {
    const analysis = this.get(doc);
    if (!analysis) return;
    const ext = this.external.get(doc.uri.toString());
    const extra = ext && ext.version === doc.version ? ext.diagnostics : [];
    this.collection.set(doc.uri, [...analysis.diagnostics, ...extra].map((d) => this.toDiagnostic(doc, d)));
    this.changed.fire(doc);
  }

  private toDiagnostic(doc: vscode.TextDocument, d: Diagnostic): vscode.Diagnostic {
    const out = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
    out.source = 'netfilter-lens';
    const [path, anchor] = diagnosticDocPath(d.code).split('#');
    out.code = { value: d.code, target: vscode.Uri.joinPath(this.extensionUri, path!).with({ fragment: anchor ?? '' }) };
    if (d.related?.length) {
      out.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(
        new vscode.Location(r.uri ? vscode.Uri.parse(r.uri) : doc.uri, toRange(r.range)), r.message));
    }
    if (UNNECESSARY.has(d.code)) out.tags = [vscode.DiagnosticTag.Unnecessary];
    return out;
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.cache.delete(key);
    this.external.delete(key);
    this.lastCost.delete(key);
    this.collection.delete(doc.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.cache.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}

function readFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
