/** VS Code language features for iptables-save, nft and ipset documents. */
import * as vscode from 'vscode';
import { validateNft } from '../convert/nft/validate';
import { LanguageDocuments } from './documents';
import { registerNftValidation } from './nft-validation';
import { LanguageProviders } from './providers';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'iptables-save' },
  { language: 'nft' },
  { language: 'ipset' },
];

export function registerLanguageFeatures(context: vscode.ExtensionContext, log?: vscode.LogOutputChannel): LanguageDocuments {
  const docs = new LanguageDocuments(context.extensionUri, log);
  const providers = new LanguageProviders(docs);
  const L = vscode.languages;
  context.subscriptions.push(
    docs,
    L.registerDocumentSymbolProvider(SELECTOR, providers, { label: 'Netfilter Lens' }),
    L.registerFoldingRangeProvider(SELECTOR, providers),
    L.registerDefinitionProvider(SELECTOR, providers),
    L.registerReferenceProvider(SELECTOR, providers),
    L.registerRenameProvider(SELECTOR, providers),
    L.registerHoverProvider(SELECTOR, providers),
    L.registerCompletionItemProvider({ language: 'iptables-save' }, providers, ' ', '-'),
    L.registerCompletionItemProvider({ language: 'nft' }, providers, ' ', '@', '$'),
    L.registerCompletionItemProvider({ language: 'ipset' }, providers, ' '),
    L.registerDocumentFormattingEditProvider({ language: 'nft' }, providers),
    registerNftValidation(docs, log, async (text, fileName) => (await validateNft(text, fileName ? { fileName } : {})).diagnostics),
  );
  return docs;
}
