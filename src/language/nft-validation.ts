/**
 * Optional check of nft documents with the real `nft -c -f` on save, when the setting
 * netfilterLens.validateWithNft is on. Its errors join the document's diagnostics until
 * the text changes.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../convert/ast/common';
import type { LanguageDocuments } from './documents';

/** Runs the real nft over a document's text; the result's diagnostics carry ranges in that text. */
export type NftValidator = (text: string, fileName: string | undefined) => Promise<Diagnostic[]>;

export function registerNftValidation(docs: LanguageDocuments, log: vscode.LogOutputChannel | undefined, validator: NftValidator | undefined): vscode.Disposable {
  const running = new Map<string, number>();
  return vscode.workspace.onDidSaveTextDocument(async (doc) => {
    if (doc.languageId !== 'nft') return;
    if (!vscode.workspace.getConfiguration('netfilterLens', doc.uri).get<boolean>('validateWithNft', false)) return;
    const key = doc.uri.toString();
    const version = doc.version;
    running.set(key, version);
    if (!validator) {
      docs.setExternal(doc, [{
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'information', code: 'nft-validate-unavailable',
        message: 'nft validation is not available in this build of Netfilter Lens',
      }]);
      return;
    }
    const started = performance.now();
    try {
      const diagnostics = await validator(doc.getText(), doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined);
      log?.info(`nft -c -f ${vscode.workspace.asRelativePath(doc.uri)}: ${diagnostics.length} problem(s) in ${(performance.now() - started).toFixed(0)} ms`);
      // A newer save (or an edit) superseded this run.
      if (running.get(key) !== version || doc.version !== version || doc.isClosed) return;
      docs.setExternal(doc, diagnostics);
    } catch (e) {
      log?.warn(`nft validation of ${doc.uri.fsPath} failed: ${(e as Error).message}`);
    }
  });
}
