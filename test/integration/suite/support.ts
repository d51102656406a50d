/**
 * Helpers for tests that run inside VS Code (the extension host), under either harness:
 * test/integration/run.mjs (VS Code Server + Chromium) or run-electron.mjs (desktop VS Code).
 *
 *   import { openFixture, openSample, showAndSettle, screenshot } from './support';
 *   const editor = await showAndSettle(await openSample('router.nft'));
 *   await screenshot('nft-highlighting');   // -> docs/screenshots/nft-highlighting.png
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'netfilter-lens.netfilter-lens';

/** Markers the server harness reads from the extension host's console output. */
export const MARKER = { result: '@@nflens-result', screenshot: '@@nflens-screenshot' } as const;

/** The folder the workbench opened: a throw-away copy of samples/ (never samples/ itself). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration harness opens a workspace folder; none is open');
  return folder.uri.fsPath;
}

/** Opens samples/<relativePath> from the workspace copy. */
export async function openSample(relativePath: string): Promise<vscode.TextDocument> {
  const path = join(workspaceDir(), relativePath);
  if (!existsSync(path)) throw new Error(`sample ${relativePath} is missing from ${workspaceDir()}`);
  return vscode.workspace.openTextDocument(vscode.Uri.file(path));
}

let fixtureRoot: string | undefined;

/** Writes `content` to a fresh temporary file named `fileName` (outside the workspace) and opens it. */
export async function openFixture(fileName: string, content: string): Promise<vscode.TextDocument> {
  fixtureRoot ??= mkdtempSync(join(tmpdir(), 'nflens-fixtures-'));
  const dir = mkdtempSync(join(fixtureRoot, 'f-'));
  const path = join(dir, fileName);
  writeFileSync(path, content);
  return vscode.workspace.openTextDocument(vscode.Uri.file(path));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Shows the document in the first editor group, closes other editors and gives the
 * workbench time to tokenize and paint (tokenization runs in a web worker).
 */
export async function showAndSettle(doc: vscode.TextDocument, settleMs = 1500): Promise<vscode.TextEditor> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  editor.selection = new vscode.Selection(0, 0, 0, 0);
  editor.revealRange(new vscode.Range(0, 0, 0, 0), vscode.TextEditorRevealType.AtTop);
  await sleep(settleMs);
  return editor;
}

/** Hides what would clutter a screenshot: notifications, the secondary side bar, the panel. */
export async function tidyWorkbench(): Promise<void> {
  for (const command of ['notifications.clearAll', 'workbench.action.closeAuxiliaryBar', 'workbench.action.closePanel']) {
    try {
      await vscode.commands.executeCommand(command);
    } catch {
      // a command missing in this VS Code build changes nothing worth failing for
    }
  }
}

let screenshotCount = 0;

/**
 * Asks the server harness to save a PNG of the whole workbench as docs/screenshots/<name>.png
 * and waits until it is written. Returns false (and does nothing) under a harness without
 * a browser page, e.g. @vscode/test-electron.
 */
export async function screenshot(name: string, timeoutMs = 30_000): Promise<boolean> {
  const ackDir = process.env.NFLENS_SCREENSHOT_ACK_DIR;
  if (!ackDir) return false;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name "${name}": use lowercase letters, digits and dashes`);
  const token = `${process.pid}-${++screenshotCount}-${name}`;
  console.log(`${MARKER.screenshot} ${JSON.stringify({ name, token })}@@`);
  const ack = join(ackDir, token);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(ack)) {
    if (Date.now() > deadline) throw new Error(`screenshot "${name}" was not taken within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  return true;
}

/** The extension under test, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}
