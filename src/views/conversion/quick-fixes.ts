/**
 * Quick fixes for conversion problems on the source: attach an ipset dump, emit the
 * bridge-family rewrite for physdev rules, replace CHECKSUM rules by a comment, and convert
 * the whole file from a selection conversion.
 */
import * as vscode from 'vscode';
import type { ConversionController } from './controller';
import { DIAGNOSTIC_SOURCE } from './controller';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('netfilterLens');

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** The comment a CHECKSUM rule becomes: says why, keeps the rule. */
export function checksumComment(ruleLine: string): string {
  return `# netfilter-lens: CHECKSUM --checksum-fill removed (nft cannot fill checksums; offload or fixed DHCP clients make it unnecessary): ${ruleLine.trim()}`;
}

const CHECKSUM_RULE = /^\s*-[AI]\s.*\s-j\s+CHECKSUM\b/;

/** Edits that turn every CHECKSUM rule of `doc` (or only those on `lines`) into comments. */
export function checksumEdit(doc: vscode.TextDocument, lines?: readonly number[]): vscode.WorkspaceEdit | undefined {
  const edit = new vscode.WorkspaceEdit();
  let n = 0;
  const targets = lines ?? Array.from({ length: doc.lineCount }, (_, i) => i);
  for (const line of targets) {
    if (line >= doc.lineCount) continue;
    const text = doc.lineAt(line).text;
    if (!CHECKSUM_RULE.test(text)) continue;
    edit.replace(doc.uri, doc.lineAt(line).range, checksumComment(text));
    n++;
  }
  return n ? edit : undefined;
}

export class ConversionQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly controller: ConversionController) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const session = this.controller.sessionFor(doc.uri);
    if (!session) return [];
    const actions: vscode.CodeAction[] = [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    const wantsFixAll = context.only && FIX_ALL_KIND.contains(context.only);
    if (wantsFixAll || context.only?.value === vscode.CodeActionKind.SourceFixAll.value) {
      const edit = checksumEdit(doc);
      if (edit) {
        const a = new vscode.CodeAction('Replace every CHECKSUM rule by a comment', FIX_ALL_KIND);
        a.edit = edit;
        actions.push(a);
      }
      return actions;
    }
    const seen = new Set<string>();
    for (const d of ours) {
      const code = codeOf(d);
      if (code === 'ipset-not-found' && !seen.has(code)) {
        seen.add(code);
        for (const uri of await this.controller.ipsetDumpsBeside(session)) {
          const name = uri.path.split('/').pop();
          const a = new vscode.CodeAction(`Attach ipset dump ${name} (found beside this file)`, vscode.CodeActionKind.QuickFix);
          a.diagnostics = ours.filter((x) => codeOf(x) === code);
          a.command = { command: 'netfilterLens.convert.attachIpset', title: a.title, arguments: [session.id, uri] };
          a.isPreferred = true;
          actions.push(a);
        }
        const pick = new vscode.CodeAction('Attach ipset dump…', vscode.CodeActionKind.QuickFix);
        pick.diagnostics = ours.filter((x) => codeOf(x) === code);
        pick.command = { command: 'netfilterLens.convert.attachIpset', title: pick.title, arguments: [session.id] };
        actions.push(pick);
      } else if (code === 'physdev-unsupported' && !seen.has(code) && this.controller.options.physdev !== 'bridge') {
        seen.add(code);
        const a = new vscode.CodeAction('Emit physdev rules into a bridge-family table (--physdev bridge)', vscode.CodeActionKind.QuickFix);
        a.diagnostics = ours.filter((x) => codeOf(x) === code);
        a.command = { command: 'netfilterLens.convert.setPhysdev', title: a.title, arguments: ['bridge'] };
        actions.push(a);
      } else if (code === 'checksum-fill-unsupported') {
        const one = checksumEdit(doc, [d.range.start.line]);
        if (one) {
          const a = new vscode.CodeAction('Replace this CHECKSUM rule by a comment', vscode.CodeActionKind.QuickFix);
          a.diagnostics = [d];
          a.edit = one;
          a.isPreferred = true;
          actions.push(a);
        }
        if (!seen.has(code)) {
          seen.add(code);
          const all = checksumEdit(doc);
          if (all) {
            const a = new vscode.CodeAction('Replace every CHECKSUM rule in the file by a comment', vscode.CodeActionKind.QuickFix);
            a.diagnostics = ours.filter((x) => codeOf(x) === code);
            a.edit = all;
            actions.push(a);
          }
        }
      }
    }
    if (session.ruleLines && ours.length) {
      const a = new vscode.CodeAction('Convert the whole file to nftables', vscode.CodeActionKind.QuickFix);
      a.command = { command: 'netfilterLens.convert', title: a.title, arguments: [doc.uri] };
      actions.push(a);
    }
    return actions;
  }
}
