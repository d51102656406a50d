/**
 * The conversion summary: a webview (vscode-elements) with counts per table and chain, the
 * unsupported features, and the options. Follows the active source editor; restored after a
 * reload by its serializer.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ConversionController } from './controller';
import { cliFlags, type Summary, type ViewOptions } from './model';
import { OUTPUT_SCHEME, type ConversionSession } from './session';

export const SUMMARY_VIEW_TYPE = 'netfilterLens.conversionSummary';

/** Where the vscode-elements bundle is looked for: a copy made at build time, then node_modules (development). */
const ELEMENTS_PATHS = [['dist', 'vscode-elements.js'], ['node_modules', '@vscode-elements', 'elements', 'dist', 'bundled.js']];

export interface SummaryModel {
  readonly sessionId: string;
  readonly title: string;
  readonly sources: { readonly uri: string; readonly label: string }[];
  readonly ipsets: string[];
  readonly options: ViewOptions;
  readonly cli: string;
  readonly summary: Summary;
}

/** What the webview reports it shows (the test command returns this). */
export interface RenderedCounts {
  readonly sessionId: string;
  readonly rules: number;
  readonly translated: number;
  readonly approximated: number;
  readonly unsupported: number;
  readonly chains: { table: string; chain: string; rules: number; translated: number; approximated: number; unsupported: number }[];
  readonly features: { code: string; count: number }[];
  /** What the webview saved with setState (VS Code hands it back after a reload). */
  readonly state?: unknown;
}

function labelOf(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

export class SummaryPanel implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private session?: ConversionSession;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly waiting = new Map<string, (c: RenderedCounts) => void>();
  private requests = 0;

  constructor(private readonly context: vscode.ExtensionContext, private readonly controller: ConversionController) {
    this.disposables.push(
      controller.onDidConvert((s) => {
        if (s === this.session || (!this.session && this.panel)) this.show(s, false);
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (!e || !this.panel) return;
        const s = this.controller.sessionFor(e.document.uri);
        if (s && s !== this.session) this.show(s, false);
      }),
    );
  }

  /** Opens the panel (or brings it forward) on `session`. */
  show(session: ConversionSession, reveal = true): void {
    this.session = session;
    if (!this.panel) {
      this.attach(vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, 'Conversion Summary', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.webviewOptions()));
    } else if (reveal) this.panel.reveal(undefined, true);
    this.panel!.title = `Summary: ${labelOf(session.sources[0] ?? session.outputUri)}`;
    void this.panel!.webview.postMessage({ type: 'model', model: this.model(session) });
  }

  get current(): ConversionSession | undefined {
    return this.panel ? this.session : undefined;
  }

  /** Asks the webview what it shows. */
  async renderedCounts(timeoutMs = 2000): Promise<RenderedCounts | undefined> {
    if (!this.panel) return undefined;
    const id = String(++this.requests);
    const answer = new Promise<RenderedCounts | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.waiting.set(id, (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    await this.panel.webview.postMessage({ type: 'report', id });
    return answer;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
    const sources = (state as { sources?: unknown } | undefined)?.sources;
    // Opening the conversion shows its output; a summary that was in front stays in front.
    const wasVisible = panel.visible;
    let session: ConversionSession | undefined;
    if (Array.isArray(sources) && sources.length && sources.every((x) => typeof x === 'string')) {
      try {
        // The conversion of exactly these inputs: the open one, or a new one.
        session = await this.controller.open(sources.map((x: string) => vscode.Uri.parse(x)));
      } catch {
        // the files are gone: the panel waits for the next conversion
      }
    }
    if (session) this.show(session, false);
    if (wasVisible && this.panel === panel) panel.reveal(panel.viewColumn, true);
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    const ext = this.context.extensionUri;
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(ext, 'media'), vscode.Uri.joinPath(ext, 'dist'), vscode.Uri.joinPath(ext, 'node_modules', '@vscode-elements', 'elements', 'dist')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'conversion', 'summary.svg');
    panel.webview.html = this.html(panel.webview);
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    panel.webview.onDidReceiveMessage((m) => this.received(m));
  }

  private async received(m: { type?: string; [k: string]: unknown }): Promise<void> {
    const session = this.session;
    switch (m.type) {
      case 'ready':
        if (session) void this.panel?.webview.postMessage({ type: 'model', model: this.model(session) });
        return;
      case 'reveal':
        if (typeof m.file === 'string' && typeof m.line === 'number') {
          await this.controller.revealSource(vscode.Uri.parse(m.file), { start: { line: m.line, character: 0 }, end: { line: m.line, character: 0 } });
        }
        return;
      case 'option':
        if (m.name === 'style' && (m.value === 'ruleset' || m.value === 'script')) await this.controller.setOptions({ style: m.value });
        else if (m.name === 'mergeInet' || m.name === 'counters') await this.controller.setOptions({ [m.name]: m.value === true });
        else if (m.name === 'physdev') await this.controller.setOptions({ physdev: m.value === true ? 'bridge' : 'comment' });
        return;
      case 'attachIpset':
        if (session) await vscode.commands.executeCommand('netfilterLens.convert.attachIpset', session.id);
        return;
      case 'openOutput':
        if (session) await vscode.window.showTextDocument(session.outputUri, { preview: false, viewColumn: vscode.ViewColumn.Beside });
        return;
      case 'report': {
        const done = typeof m.id === 'string' ? this.waiting.get(m.id) : undefined;
        if (done) {
          this.waiting.delete(m.id as string);
          done(m.counts as RenderedCounts);
        }
        return;
      }
    }
  }

  private model(session: ConversionSession): SummaryModel {
    const summary = session.index?.summary ?? { rules: 0, translated: 0, approximated: 0, unsupported: 0, chains: [], unsupportedFeatures: [], approximations: [] };
    const options = this.controller.options;
    const ipsets = session.ipsets.map(labelOf);
    const sources = session.sources.filter((u) => u.scheme !== OUTPUT_SCHEME);
    return {
      sessionId: session.id,
      title: sources.map(labelOf).join(' + ') + (session.ruleLines ? ` (${session.ruleLines.size} selected lines)` : ''),
      sources: sources.map((u) => ({ uri: u.toString(), label: labelOf(u) })),
      ipsets,
      options,
      cli: ['nflens convert', ...sources.map(labelOf), ...cliFlags(options, ipsets)].join(' '),
      summary,
    };
  }

  private elementsScript(webview: vscode.Webview): vscode.Uri | undefined {
    for (const parts of ELEMENTS_PATHS) {
      const uri = vscode.Uri.joinPath(this.context.extensionUri, ...parts);
      if (uri.scheme === 'file' && existsSync(uri.fsPath)) return webview.asWebviewUri(uri);
    }
    return undefined;
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'conversion');
    const css = webview.asWebviewUri(vscode.Uri.joinPath(media, 'summary.css'));
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'summary.js'));
    const elements = this.elementsScript(webview);
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
${elements ? `<script type="module" nonce="${nonce}" src="${elements}"></script>` : ''}
<title>Conversion Summary</title>
</head>
<body data-elements="${elements ? '1' : '0'}">
<main id="root"><p class="empty">Run <strong>Netfilter Lens: Convert to nftables</strong> on an iptables-save dump.</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
