// Entry point of the extension: wires the pieces together, nothing else.
import * as vscode from 'vscode';
import { registerLanguageFeatures } from './language';
import { registerConversionView } from './views/conversion';
import { registerNodesView } from './views/nodes';

/** What activate() returns: the Nodes model and tree, so tests can walk the tree. */
export interface NetfilterLensApi {
  readonly nodes: ReturnType<typeof registerNodesView>;
}

export function activate(context: vscode.ExtensionContext): NetfilterLensApi {
  const output = vscode.window.createOutputChannel('Netfilter Lens', { log: true });
  context.subscriptions.push(output);
  const nodes = registerNodesView(context);
  registerLanguageFeatures(context, output);
  registerConversionView(context, output);
  output.info('Netfilter Lens activated');
  return { nodes };
}

export function deactivate(): void {}
