/**
 * One conversion shown beside its source: the input documents, the options, the last result
 * and its output document (`nflens-convert:` URI). Re-converts when an input changes.
 */
import * as vscode from 'vscode';
import { benchTrace } from '../../language/bench-trace';
import type { ConversionClient, Converted } from './convert-client';
import { ConversionIndex, ConversionPipeline, sourceKindOf, type SourceKind, type SourceText, type ViewOptions, type ViewResult } from './model';

export const OUTPUT_SCHEME = 'nflens-convert';

let nextId = 1;

/** `nflens-convert:/<id>/<name>.nft`: the id finds the session, the `.nft` name gives the language. */
export function outputUriFor(id: string, sources: readonly vscode.Uri[], partial: boolean): vscode.Uri {
  const first = sources[0];
  const base = first ? first.path.split('/').pop() || 'untitled' : 'untitled';
  const stem = base.replace(/\.[^.]*$/, '') || base;
  const name = `${stem}${sources.length > 1 ? `+${sources.length - 1}` : ''}${partial ? '.selection' : ''}.nft`;
  return vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${id}/${name}` });
}

export function sessionIdOf(output: vscode.Uri): string | undefined {
  return output.scheme === OUTPUT_SCHEME ? output.path.split('/')[1] : undefined;
}

/** A selection conversion keeps only the rules on these lines of its single source. */
export type RuleLines = ReadonlySet<number>;

/**
 * What changed in the inputs since the last conversion: nothing, one line of one input (with
 * the document versions before the first change and after the last), or more.
 */
export type PendingEdit = undefined | { readonly key: string; readonly line: number; readonly fromVersion: number; toVersion: number } | 'full';

/**
 * The current texts of a conversion's inputs (open documents, or the files as stored): the
 * dumps, and the attached ipset dumps that are not among them (`extra`), with the version of
 * each document read.
 */
export async function readInputs(sources: readonly vscode.Uri[], ipsets: readonly vscode.Uri[], ruleLines?: RuleLines): Promise<{ texts: SourceText[]; extra: SourceText[]; versions: Map<string, number> }> {
  const texts: SourceText[] = [];
  const versions = new Map<string, number>();
  for (const uri of sources) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    const kind = sourceKindOf(doc.languageId, text) ?? 'iptables';
    const fileName = uri.path.split('/').pop();
    versions.set(uri.toString(), doc.version);
    texts.push(ruleLines && kind === 'iptables' ? { key: uri.toString(), kind, text, fileName, lines: ruleLines } : { key: uri.toString(), kind, text, fileName });
  }
  const extra: SourceText[] = [];
  for (const uri of ipsets) {
    if (sources.some((u) => u.toString() === uri.toString())) continue;
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      extra.push({ key: uri.toString(), kind: 'ipset', text: doc.getText() });
    } catch {
      // an attached dump that disappeared converts as if it was never attached
    }
  }
  return { texts, extra, versions };
}

export class ConversionSession {
  readonly id = String(nextId++);
  readonly outputUri: vscode.Uri;
  result?: ViewResult;
  /** The inputs of the last conversion. */
  private inputs: SourceText[] = [];
  /** The texts of the last conversion, by input key. */
  private texts = new Map<string, string>();
  /** The document version each of those texts was read at. */
  private versions = new Map<string, number>();
  pending: PendingEdit = 'full';
  /** How the last conversion was made (the benchmark and the log say). */
  lastKind: 'full' | 'rule' = 'full';
  index?: ConversionIndex;
  /** Milliseconds the last conversion took (parse + translate + print, or the rule splice). */
  lastCost = 0;
  /** Milliseconds the last whole conversion took. */
  lastFullCost = 0;
  /** What the last conversion read: the edited line alone (the rest from its last text), or the whole documents. */
  lastRead: 'line' | 'documents' = 'documents';
  /** Where the last whole conversion was made (prepared when the dump opened, in the worker, or in this thread). */
  lastWhere?: Converted['where'];
  /** When (performance.now() of the extension host) the output editor last showed after "Convert to nftables". */
  shownAt?: number;
  /** When (performance.now() of the extension host) VS Code last took the output from the content provider. */
  servedAt?: number;
  /** Bumped on every conversion; the output provider serves the latest. */
  generation = 0;

  constructor(
    /** The dumps converted together (iptables family and ipset). */
    readonly sources: vscode.Uri[],
    /** ipset dumps attached by the user or found beside the source. */
    readonly ipsets: vscode.Uri[],
    readonly ruleLines: RuleLines | undefined,
    private readonly pipeline: ConversionPipeline,
    private readonly converter: ConversionClient,
  ) {
    this.outputUri = outputUriFor(this.id, sources, !!ruleLines);
  }

  get output(): string {
    return this.result?.output ?? '';
  }

  /** Key of the session's inputs: the same files (and selection) reuse one session. */
  static keyOf(sources: readonly vscode.Uri[], ruleLines: RuleLines | undefined): string {
    const files = sources.map((u) => u.toString()).sort().join('\n');
    return ruleLines ? `${files}\n#${[...ruleLines].sort((a, b) => a - b).join(',')}` : files;
  }

  get key(): string {
    return ConversionSession.keyOf(this.sources, this.ruleLines);
  }

  involves(uri: vscode.Uri): boolean {
    const s = uri.toString();
    return this.sources.some((u) => u.toString() === s) || this.ipsets.some((u) => u.toString() === s);
  }

  isSource(uri: vscode.Uri): boolean {
    const s = uri.toString();
    return this.sources.some((u) => u.toString() === s);
  }

  /** Records a change of an input (`version`: the document's after it): a change inside one line of a dump may be converted alone. */
  noteChange(uri: vscode.Uri, changes: readonly vscode.TextDocumentContentChangeEvent[], version: number): void {
    const key = uri.toString();
    for (const c of changes) {
      const oneLine = c.range.start.line === c.range.end.line && !c.text.includes('\n') && !c.text.includes('\r');
      const p = this.pending;
      if (!oneLine || !this.isSource(uri) || p === 'full') this.pending = 'full';
      else if (p === undefined) this.pending = { key, line: c.range.start.line, fromVersion: version - 1, toVersion: version };
      else if (p.key !== key || p.line !== c.range.start.line) this.pending = 'full';
      else p.toVersion = version;
    }
  }

  /** Whether the next conversion is of one edited line (it needs no debounce: it is quick). */
  get pendingLine(): boolean {
    return this.pending !== undefined && this.pending !== 'full' && !!this.result && !this.ruleLines;
  }

  /**
   * The inputs after an edit inside one line, read without asking for the whole text of the
   * edited document: its last text with that line replaced. Undefined unless every change since
   * the last conversion was on that line (the versions say none went unseen).
   */
  private editedTexts(): { texts: SourceText[]; lineText: string } | undefined {
    const p = this.pending;
    if (p === undefined || p === 'full' || !this.result || this.ruleLines) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === p.key);
    const before = this.texts.get(p.key);
    if (!doc || before === undefined || this.versions.get(p.key) !== p.fromVersion || doc.version !== p.toVersion || p.line >= doc.lineCount) return undefined;
    const lineText = doc.lineAt(p.line).text;
    const after = this.pipeline.textWithLine(p.key, before, p.line, lineText, doc.lineCount);
    if (after === undefined) return undefined;
    const texts: SourceText[] = [];
    for (const uri of this.sources) {
      const key = uri.toString();
      const text = key === p.key ? after : this.texts.get(key);
      const kind = this.kinds.get(key);
      if (text === undefined || !kind) return undefined;
      texts.push({ key, kind, text, fileName: uri.path.split('/').pop() });
    }
    this.versions.set(p.key, doc.version);
    return { texts, lineText };
  }

  /** After a whole conversion, when idle: what the first one-line edit needs, made ahead of it. */
  prepareForEdits(): void {
    const result = this.result;
    if (!result || this.ruleLines || this.lastKind !== 'full') return;
    const ipsets = [...this.inputs, ...this.extra];
    for (const uri of this.sources) if (this.kinds.get(uri.toString()) === 'iptables') this.pipeline.prepareEdits(uri.toString(), result, ipsets);
  }

  /** The attached ipset dumps as last read (an edit of one of them is a change of its own: 'full'). */
  private extra: SourceText[] = [];

  /** The kind each source was read as. */
  private kinds = new Map<string, SourceKind>();

  /** Converts the current text of every input (open documents, or the file as stored). */
  async convert(options: ViewOptions, full = false): Promise<ViewResult> {
    const pending = this.pending;
    // A change that arrives while the inputs are read is converted next time.
    const edited = full ? undefined : this.editedTexts();
    this.lastRead = edited ? 'line' : 'documents';
    let texts = edited?.texts;
    this.pending = undefined;
    let extra: SourceText[] = this.extra;
    if (!texts) {
      const read = await readInputs(this.sources, this.ipsets, this.ruleLines);
      texts = read.texts;
      extra = read.extra;
      for (const [key, version] of read.versions) this.versions.set(key, version);
      for (const t of texts) this.kinds.set(t.key, t.kind);
      this.extra = extra;
    }
    benchTrace('conversion view: inputs read');
    const started = performance.now();
    let result: ViewResult | undefined;
    if (!full && pending && pending !== 'full' && this.result && !this.ruleLines) {
      const before = this.texts.get(pending.key);
      const after = texts.find((t) => t.key === pending.key)?.text;
      if (before !== undefined && after !== undefined) result = this.pipeline.update(this.result, texts, options, extra, { key: pending.key, before, after, line: pending.line, lineText: edited?.lineText });
    }
    this.lastKind = result ? 'rule' : 'full';
    if (!result) {
      const converted = await this.converter.convert(texts, options, extra);
      this.pipeline.adopt(texts, converted.dumps);
      this.lastWhere = converted.where;
      result = converted.result;
    }
    this.inputs = texts;
    this.texts = new Map(texts.map((t) => [t.key, t.text]));
    this.extra = extra;
    // A rule splice changes one rule: its index is copied from the last one with that rule replaced.
    this.index = this.lastKind === 'rule' && this.index ? this.index.derive(result) : new ConversionIndex(result);
    this.lastCost = performance.now() - started;
    if (this.lastKind === 'full') this.lastFullCost = this.lastCost;
    benchTrace(`conversion view: converted (${this.lastKind}) in ${this.lastCost.toFixed(0)} ms`);
    this.result = result;
    this.generation++;
    return result;
  }
}
