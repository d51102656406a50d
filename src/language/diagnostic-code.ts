/**
 * The `code` of a published diagnostic: the code with the page that explains it. Made once per
 * code and shared: a big dump has thousands of diagnostics and a handful of codes, and making
 * the link URI for each was most of the time it took to publish them.
 */
import * as vscode from 'vscode';
import { diagnosticDocPath } from './diagnostic-links';

export interface DiagnosticCode {
  readonly value: string;
  readonly target: vscode.Uri;
}

const made = new Map<string, DiagnosticCode>();

export function diagnosticCode(extensionUri: vscode.Uri, code: string): DiagnosticCode {
  const key = `${extensionUri.toString()}\u0000${code}`;
  let known = made.get(key);
  if (!known) {
    const [path, anchor] = diagnosticDocPath(code).split('#');
    made.set(key, (known = { value: code, target: vscode.Uri.joinPath(extensionUri, path!).with({ fragment: anchor ?? '' }) }));
  }
  return known;
}
