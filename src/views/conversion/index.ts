/** Netfilter Lens: the side-by-side conversion view (commands, providers, summary panel). */
import * as vscode from 'vscode';
import { ConversionController } from './controller';
import { sourceKindOf } from './model';
import { ConversionQuickFixes } from './quick-fixes';
import { OUTPUT_SCHEME, type ConversionSession } from './session';
import { SUMMARY_VIEW_TYPE, SummaryPanel } from './summary-panel';
import { REPORT_SCHEME, VerifyReports, verifyCommandOptions } from './verify';

export { OUTPUT_SCHEME } from './session';

function asUri(v: unknown): vscode.Uri | undefined {
  return v instanceof vscode.Uri ? v : undefined;
}

/** What a document holds, told from its language or its first lines (a dump may be megabytes). */
function kindOf(doc: vscode.TextDocument) {
  return sourceKindOf(doc.languageId, doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 100), 0)));
}

async function isConvertible(uri: vscode.Uri): Promise<boolean> {
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    return kindOf(doc) !== undefined;
  } catch {
    return false;
  }
}

export function registerConversionView(context: vscode.ExtensionContext, log?: vscode.LogOutputChannel): ConversionController {
  const controller = new ConversionController(context, log);
  const summary = new SummaryPanel(context, controller);
  const verifyReports = new VerifyReports(vscode.Uri.joinPath(context.extensionUri, 'dist', 'verify-worker.js').fsPath, log);
  const sourceSelector: vscode.DocumentSelector = [{ language: 'iptables-save' }];

  /** The session a command is about: an id, a URI (source or output), or the active editor's. */
  const sessionOf = (arg?: unknown): ConversionSession | undefined => {
    if (typeof arg === 'string') return controller.sessionById(arg);
    const uri = asUri(arg) ?? vscode.window.activeTextEditor?.document.uri;
    const s = uri ? controller.sessionFor(uri) : undefined;
    return s ?? summary.current ?? controller.allSessions().at(-1);
  };

  const requireSession = (arg?: unknown): ConversionSession | undefined => {
    const s = sessionOf(arg);
    if (!s) void vscode.window.showInformationMessage('No conversion is open: run "Netfilter Lens: Convert to nftables" on an iptables-save dump first.');
    return s;
  };

  const convert = async (clicked?: unknown, selected?: unknown): Promise<vscode.Uri | undefined> => {
    let uris = Array.isArray(selected) ? selected.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : [];
    if (!uris.length) {
      const one = asUri(clicked) ?? vscode.window.activeTextEditor?.document.uri;
      if (one) uris = [one];
    }
    uris = uris.filter((u) => u.scheme !== OUTPUT_SCHEME);
    const usable: vscode.Uri[] = [];
    for (const u of uris) if (await isConvertible(u)) usable.push(u);
    if (!usable.length) {
      void vscode.window.showWarningMessage('Netfilter Lens: choose an iptables-save, ip6tables-save, ebtables-save or arptables-save dump (with ipset dumps) to convert.');
      return undefined;
    }
    const docs = await Promise.all(usable.map((u) => vscode.workspace.openTextDocument(u)));
    if (!docs.some((d) => kindOf(d) === 'iptables')) {
      void vscode.window.showWarningMessage('Netfilter Lens: an ipset dump alone has nothing to convert; select it together with the iptables-save dump.');
      return undefined;
    }
    // Dumps first, so the output is named after the first dump.
    const ordered = usable.map((uri, i) => ({ uri, rank: kindOf(docs[i]!) === 'iptables' ? 0 : 1 }))
      .sort((a, b) => a.rank - b.rank)
      .map((x) => x.uri);
    const session = await controller.open(ordered);
    return session.outputUri;
  };

  const convertSelection = async (): Promise<vscode.Uri | undefined> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme === OUTPUT_SCHEME) return undefined;
    const lines = new Set<number>();
    for (const s of editor.selections) {
      const end = s.end.character === 0 && s.end.line > s.start.line ? s.end.line - 1 : s.end.line;
      for (let l = s.start.line; l <= end; l++) lines.add(l);
    }
    if (!lines.size) return convert(editor.document.uri);
    const session = await controller.open([editor.document.uri], lines);
    return session.outputUri;
  };

  /** Saves the output as a file: `target` given (scripts, tests) or picked; an existing file is replaced only after confirmation. */
  const saveAs = async (arg?: unknown, given?: unknown): Promise<vscode.Uri | undefined> => {
    const s = requireSession(arg);
    if (!s) return undefined;
    const src = s.sources[0];
    const stem = (src?.path.split('/').pop() ?? 'ruleset').replace(/\.[^.]*$/, '');
    const folder = src && src.scheme === 'file' ? vscode.Uri.joinPath(src, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = asUri(given) ?? await vscode.window.showSaveDialog({
      title: 'Save the nft ruleset',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${stem}.nft`) : undefined,
      filters: { nftables: ['nft'] },
      saveLabel: 'Save',
    });
    if (!target) return undefined;
    let exists = false;
    try {
      await vscode.workspace.fs.stat(target);
      exists = true;
    } catch {
      // a new file
    }
    if (exists) {
      const ok = await vscode.window.showWarningMessage(`${target.path.split('/').pop()} already exists. Replace it?`, { modal: true }, 'Replace');
      if (ok !== 'Replace') return undefined;
    }
    await vscode.workspace.fs.writeFile(target, Buffer.from(s.output, 'utf8'));
    void vscode.window.showInformationMessage(`Saved ${target.path.split('/').pop()}`);
    return target;
  };

  const attachIpset = async (id?: unknown, file?: unknown): Promise<void> => {
    const s = requireSession(id);
    if (!s) return;
    let uri = asUri(file);
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Attach an ipset dump (ipset save)',
        canSelectMany: false,
        defaultUri: s.sources[0] && s.sources[0].scheme === 'file' ? vscode.Uri.joinPath(s.sources[0], '..') : undefined,
        filters: { 'ipset dumps': ['ipset', 'ipset-save', 'txt'], 'All files': ['*'] },
        openLabel: 'Attach',
      });
      uri = picked?.[0];
    }
    if (uri) await controller.attachIpset(s, uri);
  };

  const testState = (arg?: unknown) => {
    const s = sessionOf(arg);
    if (!s) return undefined;
    return {
      sessionId: s.id,
      outputUri: s.outputUri.toString(),
      sources: s.sources.map((u) => u.toString()),
      ipsets: s.ipsets.map((u) => u.toString()),
      options: controller.options,
      selection: s.ruleLines ? [...s.ruleLines] : undefined,
      generation: s.generation,
      lastCostMs: s.lastCost,
      lastKind: s.lastKind,
      shownAt: s.shownAt,
      servedAt: s.servedAt,
      lastRead: s.lastRead,
      lastWhere: s.lastWhere,
      summary: s.index?.summary,
      outputProblemLines: controller.outputProblemLines(s),
    };
  };

  const c = vscode.commands;
  context.subscriptions.push(
    controller,
    summary,
    vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, controller),
    vscode.languages.registerCodeLensProvider(sourceSelector, controller),
    vscode.languages.registerCodeActionsProvider(sourceSelector, new ConversionQuickFixes(controller), ConversionQuickFixes.metadata),
    vscode.window.registerWebviewPanelSerializer(SUMMARY_VIEW_TYPE, summary),
    c.registerCommand('netfilterLens.convert', convert),
    c.registerCommand('netfilterLens.convertSelection', convertSelection),
    c.registerCommand('netfilterLens.convert.saveAs', saveAs),
    c.registerCommand('netfilterLens.convert.copy', async (arg?: unknown) => {
      const s = requireSession(arg);
      if (!s) return;
      await vscode.env.clipboard.writeText(s.output);
      vscode.window.setStatusBarMessage('nft output copied', 3000);
    }),
    c.registerCommand('netfilterLens.convert.openUntitled', async (arg?: unknown) => {
      const s = requireSession(arg);
      if (!s) return undefined;
      const doc = await vscode.workspace.openTextDocument({ language: 'nft', content: s.output });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
      return doc.uri;
    }),
    c.registerCommand('netfilterLens.convert.switchStyle', async (style?: unknown) => {
      const next = style === 'ruleset' || style === 'script' ? style : controller.options.style === 'ruleset' ? 'script' : 'ruleset';
      await controller.setOptions({ style: next });
    }),
    c.registerCommand('netfilterLens.convert.toggleMergeInet', async (on?: unknown) => {
      await controller.setOptions({ mergeInet: typeof on === 'boolean' ? on : !controller.options.mergeInet });
    }),
    c.registerCommand('netfilterLens.convert.toggleCounters', async (on?: unknown) => {
      await controller.setOptions({ counters: typeof on === 'boolean' ? on : !controller.options.counters });
    }),
    c.registerCommand('netfilterLens.convert.setPhysdev', async (mode?: unknown) => {
      const next = mode === 'bridge' || mode === 'comment' ? mode : controller.options.physdev === 'bridge' ? 'comment' : 'bridge';
      await controller.setOptions({ physdev: next });
    }),
    c.registerCommand('netfilterLens.convert.attachIpset', attachIpset),
    verifyReports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, verifyReports),
    // Returns the outcome (tests assert on it); `options` may bound the probes and carry a cancellation token.
    c.registerCommand('netfilterLens.convert.verify', async (arg?: unknown, options?: unknown) => {
      const s = requireSession(arg);
      return s ? verifyReports.run(s, controller.options, verifyCommandOptions(options)) : undefined;
    }),
    c.registerCommand('netfilterLens.convert.detachIpsets', async (arg?: unknown) => {
      const s = requireSession(arg);
      if (s) await controller.detachIpsets(s);
    }),
    c.registerCommand('netfilterLens.convert.showSummary', (arg?: unknown) => {
      const s = requireSession(arg);
      if (s) summary.show(s);
    }),
    c.registerCommand('netfilterLens.convert.revealOutput', (id: string, file: string, line: number) => {
      const s = controller.sessionById(id);
      if (s) controller.revealOutputOf(s, vscode.Uri.parse(file), line);
    }),
    // For tests: the state of a conversion and what the summary webview shows.
    c.registerCommand('netfilterLens.convert.testState', testState),
    c.registerCommand('netfilterLens.convert.summaryCounts', () => summary.renderedCounts()),
    c.registerCommand('netfilterLens.convert.testPrepared', (uri: unknown) => (asUri(uri) ? controller.preparedState(asUri(uri)!) : undefined)),
    // For tests: what VS Code does after a window reload — a new panel handed to the serializer
    // with the state the webview saved.
    c.registerCommand('netfilterLens.convert.testRestoreSummary', async (state: unknown) => {
      const panel = vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, 'Conversion Summary', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      await summary.deserializeWebviewPanel(panel, state);
    }),
  );
  return controller;
}
