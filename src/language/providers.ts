/** Thin vscode providers over the pure functions of this folder. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { ipsetCompletions, iptablesCompletions, nftCompletions, type CompletionEntry } from './completion';
import type { LanguageDocuments } from './documents';
import { toRange } from './documents';
import { formatNftText, minimalEdit } from './formatting';
import { iptablesHoverOnLine, type HoverResult } from './iptables-hover';
import type { DocumentFacts, NameOccurrence, OutlineKind, OutlineSymbol } from './model';
import { declarationsOf, nameAt, prepareRename, referencesOf, renameEdits, sameName } from './navigation';
import { nftHover } from './nft-hover';

const SYMBOL_KIND: Record<OutlineKind, vscode.SymbolKind> = {
  table: vscode.SymbolKind.Namespace,
  chain: vscode.SymbolKind.Function,
  rule: vscode.SymbolKind.Event,
  set: vscode.SymbolKind.Array,
  map: vscode.SymbolKind.Object,
  flowtable: vscode.SymbolKind.Interface,
  object: vscode.SymbolKind.Struct,
  variable: vscode.SymbolKind.Constant,
  include: vscode.SymbolKind.File,
  command: vscode.SymbolKind.Event,
  element: vscode.SymbolKind.EnumMember,
};

const COMPLETION_KIND: Record<CompletionEntry['kind'], vscode.CompletionItemKind> = {
  keyword: vscode.CompletionItemKind.Keyword,
  module: vscode.CompletionItemKind.Module,
  option: vscode.CompletionItemKind.Property,
  target: vscode.CompletionItemKind.Function,
  chain: vscode.CompletionItemKind.Function,
  set: vscode.CompletionItemKind.Variable,
  variable: vscode.CompletionItemKind.Variable,
  value: vscode.CompletionItemKind.EnumMember,
  object: vscode.CompletionItemKind.Struct,
  table: vscode.CompletionItemKind.Module,
};

function toSymbol(s: OutlineSymbol): vscode.DocumentSymbol {
  const sym = new vscode.DocumentSymbol(s.name || '(unnamed)', s.detail, SYMBOL_KIND[s.kind], toRange(s.range), toRange(s.selectionRange));
  sym.children = s.children.map(toSymbol);
  return sym;
}

const pos = (p: vscode.Position) => ({ line: p.line, character: p.character });

export class LanguageProviders implements
  vscode.DocumentSymbolProvider, vscode.FoldingRangeProvider, vscode.DefinitionProvider, vscode.ReferenceProvider,
  vscode.RenameProvider, vscode.HoverProvider, vscode.CompletionItemProvider, vscode.DocumentFormattingEditProvider {
  constructor(private readonly docs: LanguageDocuments) {}

  /** Outline and folding made from each analysis (VS Code asks again after every change; a big document keeps its analysis while edited inside lines). */
  private readonly symbols = new WeakMap<DocumentFacts, vscode.DocumentSymbol[]>();
  private readonly folds = new WeakMap<DocumentFacts, vscode.FoldingRange[]>();

  async provideDocumentSymbols(doc: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const facts = await this.docs.get(doc, { lines: true });
    if (!facts) return [];
    let made = this.symbols.get(facts);
    if (!made) this.symbols.set(facts, (made = facts.outline.map(toSymbol)));
    return made;
  }

  async provideFoldingRanges(doc: vscode.TextDocument): Promise<vscode.FoldingRange[]> {
    const facts = await this.docs.get(doc, { lines: true });
    if (!facts) return [];
    let made = this.folds.get(facts);
    if (!made) {
      this.folds.set(facts, (made = facts.folds.map((f) => new vscode.FoldingRange(f.startLine, f.endLine,
        f.kind === 'comment' ? vscode.FoldingRangeKind.Comment : f.kind === 'region' ? vscode.FoldingRangeKind.Region : undefined))));
    }
    return made;
  }

  /** Declarations in this document, or for ipset names, in the open/workspace ipset files. */
  async provideDefinition(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[]> {
    const analysis = await this.docs.get(doc);
    if (!analysis) return [];
    const occ = nameAt(analysis.names, pos(position));
    if (!occ) return this.includedFile(doc, analysis, position);
    const here = declarationsOf(analysis.names, occ).map((n) => new vscode.Location(doc.uri, toRange(n.range)));
    if (here.length || occ.kind !== 'ipset') return here;
    await this.openWorkspaceIpsetFiles();
    return this.elsewhere(doc, occ, true);
  }

  /** `include "file"`: the file, resolved against the including document. */
  private includedFile(doc: vscode.TextDocument, analysis: DocumentFacts, position: vscode.Position): vscode.Location[] {
    if (analysis.language !== 'nft' || doc.uri.scheme !== 'file') return [];
    const include = analysis.outline.find((s) => s.kind === 'include' && toRange(s.range).contains(position));
    if (!include || /[*?[]/.test(include.name)) return [];
    const path = isAbsolute(include.name) ? include.name : join(dirname(doc.uri.fsPath), include.name);
    return existsSync(path) ? [new vscode.Location(vscode.Uri.file(path), new vscode.Position(0, 0))] : [];
  }

  async provideReferences(doc: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): Promise<vscode.Location[]> {
    const analysis = await this.docs.get(doc);
    const occ = analysis && nameAt(analysis.names, pos(position));
    if (!analysis || !occ) return [];
    const out = referencesOf(analysis.names, occ, context.includeDeclaration).map((n) => new vscode.Location(doc.uri, toRange(n.range)));
    if (occ.kind === 'ipset') out.push(...this.elsewhere(doc, occ, false).filter((l) => context.includeDeclaration || !this.isDeclaration(l, occ)));
    return out;
  }

  private isDeclaration(loc: vscode.Location, occ: NameOccurrence): boolean {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === loc.uri.toString());
    const a = doc && this.docs.latest(doc);
    const n = a && nameAt(a.names, pos(loc.range.start));
    return !!n && n.declaration && sameName(n, occ);
  }

  /** Occurrences of an ipset name in the other open iptables-save and ipset documents. */
  private elsewhere(doc: vscode.TextDocument, occ: NameOccurrence, declarationsOnly: boolean): vscode.Location[] {
    const out: vscode.Location[] = [];
    for (const { doc: other, facts: analysis } of this.docs.open()) {
      if (other.uri.toString() === doc.uri.toString() || other.languageId === 'nft') continue;
      for (const n of analysis.names) {
        if (sameName(n, occ) && (!declarationsOnly || n.declaration)) out.push(new vscode.Location(other.uri, toRange(n.range)));
      }
    }
    return out;
  }

  private async openWorkspaceIpsetFiles(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.{ipset,ipset-save}', '**/node_modules/**', 50);
    for (const f of files) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.toString()) ?? await vscode.workspace.openTextDocument(f);
      await this.docs.get(doc);
    }
  }

  async prepareRename(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Range | { range: vscode.Range; placeholder: string }> {
    const analysis = await this.docs.get(doc);
    if (!analysis) throw new Error('Not a firewall ruleset.');
    const plan = prepareRename(analysis.names, pos(position));
    if (!plan.ok) throw new Error(plan.error);
    return { range: toRange(plan.value.range), placeholder: plan.value.placeholder };
  }

  async provideRenameEdits(doc: vscode.TextDocument, position: vscode.Position, newName: string): Promise<vscode.WorkspaceEdit> {
    const analysis = await this.docs.get(doc);
    if (!analysis) throw new Error('Not a firewall ruleset.');
    const result = renameEdits(analysis.language, analysis.names, pos(position), newName, analysis.dialect);
    if (!result.ok) throw new Error(result.error);
    const edit = new vscode.WorkspaceEdit();
    for (const r of result.value) edit.replace(doc.uri, toRange(r), newName);
    return edit;
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const analysis = await this.docs.get(doc);
    if (!analysis) return undefined;
    const h = this.hoverOf(doc, analysis, pos(position));
    if (!h) return undefined;
    const md = new vscode.MarkdownString(h.markdown);
    return new vscode.Hover(md, toRange(h.range));
  }

  async provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const analysis = await this.docs.get(doc);
    if (!analysis) return [];
    let entries: CompletionEntry[] = [];
    if (analysis.language === 'iptables-save') {
      const lines: string[] = [];
      // Only the lines up to the cursor matter (the table header above it and the line itself).
      for (let l = 0; l <= position.line; l++) lines.push(doc.lineAt(l).text);
      const ipsets = [...this.docs.open()].flatMap(({ facts }) => facts.names.filter((n) => n.kind === 'ipset').map((n) => n.name));
      entries = iptablesCompletions(analysis.dialect ?? 'iptables', lines, pos(position), analysis.names, ipsets);
    } else if (analysis.language === 'nft') {
      entries = nftCompletions(this.docs.nftTokens(doc), pos(position), analysis.names);
    } else if (analysis.language === 'ipset') {
      entries = ipsetCompletions(doc.lineAt(position.line).text, position.character, analysis.names);
    }
    return entries.map((e) => {
      const item = new vscode.CompletionItem(e.label, COMPLETION_KIND[e.kind]);
      if (e.detail) item.detail = e.detail;
      if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
      if (e.insertText) item.insertText = e.insertText;
      item.range = new vscode.Range(position.line, position.character - e.replaceLength, position.line, position.character);
      return item;
    });
  }

  provideDocumentFormattingEdits(doc: vscode.TextDocument): vscode.TextEdit[] {
    if (doc.languageId !== 'nft') return [];
    const before = doc.getText();
    const result = formatNftText(before);
    if (!result.ok) {
      void vscode.window.setStatusBarMessage(`Netfilter Lens: not formatting ${vscode.workspace.asRelativePath(doc.uri)}: ${result.reason}`, 5000);
      return [];
    }
    const edit = minimalEdit(before, result.text);
    if (!edit) return [];
    return [vscode.TextEdit.replace(new vscode.Range(doc.positionAt(edit.start), doc.positionAt(edit.end)), edit.text)];
  }

  private hoverOf(doc: vscode.TextDocument, analysis: DocumentFacts, p: { line: number; character: number }): HoverResult | undefined {
    if (analysis.language === 'iptables-save') {
      const table = analysis.outline.find((t) => t.kind === 'table' && t.range.start.line <= p.line && p.line <= t.range.end.line)?.name;
      return iptablesHoverOnLine(analysis.dialect ?? 'iptables', table, doc.lineAt(p.line).text, p.line, analysis.names, p);
    }
    if (analysis.language === 'nft') return nftHover(this.docs.nftTokens(doc), analysis.names, p);
    const occ = nameAt(analysis.names, p);
    if (!occ) return undefined;
    const decl = declarationsOf(analysis.names, occ)[0];
    const uses = referencesOf(analysis.names, occ, false).length;
    return { markdown: `**ipset ${occ.name}**${decl?.detail ? ` — ${decl.detail.replace(/^ipset /, '')}` : ''}\n\n${uses} line${uses === 1 ? '' : 's'} use it. nft: a named set in the table, used as ${'`@' + occ.name + '`'}.`, range: occ.range };
  }
}
