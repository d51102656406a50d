/**
 * One conversion shown beside its source: the input documents, the options, the last result
 * and its output document (`nflens-convert:` URI). Re-converts when an input changes.
 */
import * as vscode from 'vscode';
import type { ConversionResult } from '../../convert/translate/convert';
import { ConversionIndex, ConversionPipeline, sourceKindOf, type SourceText, type ViewOptions } from './model';

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

export class ConversionSession {
  readonly id = String(nextId++);
  readonly outputUri: vscode.Uri;
  result?: ConversionResult;
  index?: ConversionIndex;
  /** Milliseconds the last conversion took (parse + translate + print). */
  lastCost = 0;
  /** Bumped on every conversion; the output provider serves the latest. */
  generation = 0;

  constructor(
    /** The dumps converted together (iptables family and ipset). */
    readonly sources: vscode.Uri[],
    /** ipset dumps attached by the user or found beside the source. */
    readonly ipsets: vscode.Uri[],
    readonly ruleLines: RuleLines | undefined,
    private readonly pipeline: ConversionPipeline,
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

  /** Converts the current text of every input (open documents, or the file as stored). */
  async convert(options: ViewOptions): Promise<ConversionResult> {
    const texts: SourceText[] = [];
    for (const uri of this.sources) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const text = doc.getText();
      const kind = sourceKindOf(doc.languageId, text) ?? 'iptables';
      texts.push(this.ruleLines && kind === 'iptables' ? { key: uri.toString(), kind, text, lines: this.ruleLines } : { key: uri.toString(), kind, text });
    }
    const extra: SourceText[] = [];
    for (const uri of this.ipsets) {
      if (this.isSource(uri)) continue;
      try {
        const doc = await vscode.workspace.openTextDocument(uri);
        extra.push({ key: uri.toString(), kind: 'ipset', text: doc.getText() });
      } catch {
        // an attached dump that disappeared converts as if it was never attached
      }
    }
    const started = performance.now();
    const result = this.pipeline.convert(texts, options, extra);
    this.index = new ConversionIndex(result);
    this.lastCost = performance.now() - started;
    this.result = result;
    this.generation++;
    return result;
  }
}
