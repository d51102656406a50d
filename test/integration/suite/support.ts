/**
 * Helpers for tests that run inside VS Code (the extension host), under either harness:
 * test/integration/run.mjs (VS Code Server + Chromium) or run-electron.mjs (desktop VS Code).
 *
 *   import { openFixture, openSample, showAndSettle, screenshot } from './support';
 *   const editor = await showAndSettle(await openSample('router.nft'));
 *   await screenshot('nft-highlighting');   // -> docs/screenshots/nft-highlighting.png
 *   const painted = await renderedEditor();      // what the browser painted, with colours
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'netfilter-lens.netfilter-lens';

/** Markers the server harness reads from the extension host's console output. */
export const MARKER = { result: '@@nflens-result', request: '@@nflens-request' } as const;

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
 * Shows the document in the first editor group with `topLine` (zero-based) at the top, closes
 * other editors and gives the workbench time to tokenize and paint (tokenization runs in a worker).
 */
export async function showAndSettle(doc: vscode.TextDocument, { topLine = 0, settleMs = 1500 } = {}): Promise<vscode.TextEditor> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  editor.selection = new vscode.Selection(topLine, 0, topLine, 0);
  await sleep(300); // a reveal sent before the new editor's first layout lands a few lines off
  await vscode.commands.executeCommand('revealLine', { lineNumber: topLine, at: 'top' });
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

let requestCount = 0;

/** True under the server harness (run.mjs), which can look at the workbench page. */
export function harnessHasPage(): boolean {
  return Boolean(process.env.NFLENS_HARNESS_DIR);
}

/**
 * Asks the server harness to do something with the browser page and waits for its JSON answer.
 * Protocol: a console line `@@nflens-request {"kind","token",...}@@`; the harness writes the
 * answer to $NFLENS_HARNESS_DIR/<token> (written elsewhere, then renamed into place).
 */
async function askHarness<T>(kind: string, args: Record<string, unknown>, timeoutMs: number): Promise<T | undefined> {
  const dir = process.env.NFLENS_HARNESS_DIR;
  if (!dir) return undefined;
  const token = `${process.pid}-${++requestCount}-${kind}`;
  console.log(`${MARKER.request} ${JSON.stringify({ kind, token, ...args })}@@`);
  const answer = join(dir, token);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(answer)) {
    if (Date.now() > deadline) throw new Error(`the harness did not answer "${kind}" within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
  const reply = JSON.parse(readFileSync(answer, 'utf8')) as { ok: boolean; error?: string; value?: T };
  if (!reply.ok) throw new Error(`the harness failed "${kind}": ${reply.error}`);
  return reply.value;
}

/**
 * Saves a PNG of the whole workbench as docs/screenshots/<name>.png (1440x900) and waits until
 * it is written. Returns false, doing nothing, under a harness without a page (test-electron).
 */
export async function screenshot(name: string): Promise<boolean> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`screenshot name "${name}": use lowercase letters, digits and dashes`);
  const path = await askHarness<string>('screenshot', { name }, 30_000);
  return path !== undefined;
}

/**
 * Clicks (with the browser's mouse) the first element matching a CSS selector inside a
 * webview. Returns false, doing nothing, under a harness without a page (test-electron).
 */
export async function clickInWebview(selector: string): Promise<boolean> {
  const clicked = await askHarness<boolean>('webviewClick', { selector }, 30_000);
  return clicked === true;
}

/**
 * Types `text` with the browser's keyboard into the focused editor and returns the
 * milliseconds until a line containing `expect` is painted in an editor of a document whose
 * URI starts with `editorUri` (undefined without a page). For benchmarks.
 */
export async function typeAndWait(text: string, expect: string, editorUri: string, timeoutMs = 30_000): Promise<number | undefined> {
  return askHarness<number>('typeAndWait', { text, expect, editorUri, timeoutMs }, timeoutMs + 10_000);
}

/** Starts / stops (writing `path`) a CPU profile of the workbench page: for benchmarks only. */
export async function pageProfile(action: 'start' | 'stop', path?: string): Promise<void> {
  await askHarness(action === 'start' ? 'profileStart' : 'profileStop', path ? { path } : {}, 60_000);
}

/** One rendered run of text in an editor line and the colour the theme gave it. */
export interface RenderedToken {
  readonly text: string;
  readonly color: string;
}

/** What the browser painted in the active text editor: its plain text colour and the visible lines. */
export interface RenderedEditor {
  readonly foreground: string;
  readonly lines: RenderedToken[][];
}

/** The active text editor as rendered, with computed colours (undefined without a page, see harnessHasPage()). */
export async function renderedEditor(): Promise<RenderedEditor | undefined> {
  return askHarness<RenderedEditor>('editorLines', {}, 30_000);
}

/** The extension under test, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}
