// Entry point of the extension: wires the pieces together, nothing else.
import * as vscode from 'vscode';
import { registerLanguageFeatures } from './language';
import { registerConversionView } from './views/conversion';
import { registerNodesView } from './views/nodes';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Netfilter Lens', { log: true });
  context.subscriptions.push(output);
  registerNodesView(context);
  registerLanguageFeatures(context, output);
  registerConversionView(context, output);
  output.info('Netfilter Lens activated');
}

export function deactivate(): void {}
