// Registers the Nodes view: tree, `nflens-remote:` documents, commands, host key and secret prompts.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { parseHostSetting, RemoteError, RULESET_SOURCES, type NamespaceName, type RulesetSource, type SshInteraction } from '../../remote';
import { NodesModel } from './model';
import { parseRemotePath, REMOTE_SCHEME } from './remote-uri';
import { NodesTreeProvider, remoteUri, type NodeItem } from './tree';

const VIEW_ID = 'netfilterLens.nodes';
const SETTING = 'netfilterLens';

type RulesetNode = Extract<NodeItem, { type: 'ruleset' }>;

const SECRET_INDEX = 'netfilterLens.nodes.secretKeys';

/** SecretStorage cannot list its keys, so the ones stored are indexed (names only) in globalState. */
class Secrets {
  constructor(private readonly context: vscode.ExtensionContext) {}
  get(key: string): Thenable<string | undefined> {
    return this.context.secrets.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    await this.context.secrets.store(key, value);
    const keys = new Set(this.context.globalState.get<string[]>(SECRET_INDEX) ?? []);
    keys.add(key);
    await this.context.globalState.update(SECRET_INDEX, [...keys]);
  }
  async delete(key: string): Promise<void> {
    await this.context.secrets.delete(key);
    const keys = (this.context.globalState.get<string[]>(SECRET_INDEX) ?? []).filter((k) => k !== key);
    await this.context.globalState.update(SECRET_INDEX, keys);
  }
  async clear(): Promise<number> {
    const keys = this.context.globalState.get<string[]>(SECRET_INDEX) ?? [];
    for (const k of keys) await this.context.secrets.delete(k);
    await this.context.globalState.update(SECRET_INDEX, []);
    return keys.length;
  }
}

function hostInteraction(secrets: Secrets, trustedKeysFile: string, log: vscode.LogOutputChannel): SshInteraction {
  return {
    async trustHostKey(p) {
      const other = p.otherKeyTypes.length ? `\n\nknown_hosts already holds ${p.otherKeyTypes.join(', ')} key(s) for this host, but the server offered ${p.keyType}.` : '';
      const answer = await vscode.window.showWarningMessage(
        `Unknown host key for ${p.alias} (${p.host}:${p.port})`,
        {
          modal: true,
          detail: `${p.keyType} ${p.fingerprint}${other}\n\nCompare this fingerprint with the node's (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on it) before trusting it. Netfilter Lens remembers trusted keys in its own store, not in ~/.ssh/known_hosts.`,
        },
        'Trust and Connect',
      );
      if (answer !== 'Trust and Connect') return false;
      mkdirSync(dirname(trustedKeysFile), { recursive: true });
      appendFileSync(trustedKeysFile, `${p.knownHostsLine}\n`, { mode: 0o600 });
      log.info(`trusted host key of ${p.host}:${p.port}: ${p.keyType} ${p.fingerprint}`);
      return true;
    },
    async passphrase(file, attempt) {
      const key = `passphrase:${file}`;
      if (attempt === 1) {
        const saved = await secrets.get(key);
        if (saved !== undefined) return saved;
      } else await secrets.delete(key); // the saved or typed one was wrong
      const value = await vscode.window.showInputBox({
        title: 'Netfilter Lens: SSH key passphrase',
        prompt: `${attempt > 1 ? 'Wrong passphrase. ' : ''}Passphrase for ${file} (kept in VS Code's secret storage)`,
        password: true,
        ignoreFocusOut: true,
      });
      if (value !== undefined) await secrets.store(key, value);
      return value;
    },
    async password(label) {
      const key = `password:${label}`;
      const saved = await secrets.get(key);
      if (saved !== undefined) return saved; // deleted again when the login fails (see onAuthFailed)
      const value = await vscode.window.showInputBox({ title: 'Netfilter Lens: SSH password', prompt: `Password for ${label} (kept in VS Code's secret storage)`, password: true, ignoreFocusOut: true });
      if (value !== undefined) await secrets.store(key, value);
      return value;
    },
    async keyboardInteractive(label, instructions, prompts) {
      const answers: string[] = [];
      for (const p of prompts) {
        const value = await vscode.window.showInputBox({ title: `Netfilter Lens: ${label}`, prompt: `${instructions ? `${instructions} ` : ''}${p.prompt}`, password: !p.echo, ignoreFocusOut: true });
        if (value === undefined) return undefined;
        answers.push(value);
      }
      return answers;
    },
    log: (m) => log.info(m),
  };
}

/** Registers everything; returns the model and tree so a test (or an extension API) can reach them. */
export function registerNodesView(context: vscode.ExtensionContext): { model: NodesModel; tree: NodesTreeProvider } {
  const log = vscode.window.createOutputChannel('Netfilter Lens: Nodes', { log: true });
  const trustedKeysFile = join(context.globalStorageUri.fsPath, 'known_hosts');
  const config = () => vscode.workspace.getConfiguration(SETTING);
  const secrets = new Secrets(context);
  const model = new NodesModel({
    interaction: hostInteraction(secrets, trustedKeysFile, log),
    onAuthFailed: (label) => void secrets.delete(`password:${label}`),
    trustedKeysFile,
    maxParallel: config().get<number>('nodes.maxParallel') ?? 8,
  });
  const loadHosts = () => model.setHosts(config().get<unknown[]>('hosts') ?? [], config().get<boolean>('nodes.readSshConfig') ?? true);
  loadHosts();
  for (const p of model.problems) log.warn(p);

  const tree = new NodesTreeProvider(model, VIEW_ID);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });

  const documentChanged = new vscode.EventEmitter<vscode.Uri>();
  const documents: vscode.TextDocumentContentProvider = {
    onDidChange: documentChanged.event,
    async provideTextDocumentContent(uri, token) {
      const ref = parseRemotePath(uri.path);
      if (!ref) throw new Error(`not a Netfilter Lens document: ${uri.toString()}`);
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const r = await model.ruleset(ref.hostId, ref.namespace, ref.source, abort.signal);
      return r.text;
    },
  };

  const openDocs = () => vscode.workspace.textDocuments.filter((d) => d.uri.scheme === REMOTE_SCHEME);
  const refreshDocs = (hostId?: string, ns?: NamespaceName) => {
    for (const d of openDocs()) {
      const ref = parseRemotePath(d.uri.path);
      if (ref && (hostId === undefined || ref.hostId === hostId) && (ns === undefined || ref.namespace === ns)) documentChanged.fire(d.uri);
    }
  };

  const reportError = (err: unknown, what: string) => {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`${what}: ${message}`);
    if (err instanceof RemoteError && err.kind === 'cancelled') return;
    void vscode.window.showErrorMessage(`Netfilter Lens: ${what}: ${message}`);
  };

  const openRuleset = async (node: RulesetNode, line?: number) => {
    const uri = remoteUri(node.hostId, node.namespace, node.source);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const language = RULESET_SOURCES[node.source].language;
      const shown = doc.languageId === language ? doc : await vscode.languages.setTextDocumentLanguage(doc, language);
      const at = line !== undefined ? new vscode.Range(line, 0, line, 0) : undefined;
      await vscode.window.showTextDocument(shown, { preview: true, ...(at ? { selection: at } : {}) });
    } catch (err) {
      reportError(err, `cannot open ${RULESET_SOURCES[node.source].label}`);
    }
  };

  const hostOf = (node: NodeItem | undefined): string | undefined => (node && 'hostId' in node ? node.hostId : undefined);

  const refresh = async (node?: NodeItem) => {
    const hostId = hostOf(node);
    if (node?.type === 'namespace') model.invalidate(node.hostId, node.ns.name);
    else if (node?.type === 'ruleset') model.invalidate(node.hostId, node.namespace);
    else if (hostId && node?.type === 'host') {
      model.forget(hostId); // a fresh connection too: the user may have fixed keys or config
      model.invalidate(hostId);
    } else if (hostId) model.invalidate(hostId);
    else {
      loadHosts();
      model.invalidate();
    }
    refreshDocs(hostId, node?.type === 'namespace' ? node.ns.name : node?.type === 'ruleset' ? node.namespace : undefined);
  };

  /** Every namespace (or one) of a host, fetched with progress and cancellation, written under a folder. */
  const saveSnapshot = async (node?: NodeItem) => {
    const hostId = hostOf(node);
    if (!hostId) return;
    const entry = model.host(hostId);
    let base = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!base) {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Save snapshot here' });
      if (!picked?.[0]) return;
      base = picked[0];
    }
    const hostDir = (entry?.kind === 'local' ? 'local' : (entry?.name ?? hostId)).replace(/[^A-Za-z0-9_.@:-]/g, '_');
    const target = vscode.Uri.joinPath(base, 'snapshots', hostDir);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Snapshot of ${entry?.name ?? hostId}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        try {
          const namespaces = node?.type === 'namespace' ? [node.ns.name] : (await model.namespaces(hostId, abort.signal)).namespaces.map((n) => n.name);
          let done = 0;
          let files = 0;
          await Promise.all(
            namespaces.map(async (ns) => {
              const result = await model.rulesets(hostId, ns, abort.signal);
              for (const r of result.rulesets.values()) {
                await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(target, ns ?? '_root', RULESET_SOURCES[r.source].fileName), Buffer.from(r.text, 'utf8'));
                files++;
              }
              progress.report({ message: `${++done}/${namespaces.length} namespaces`, increment: 100 / namespaces.length });
            }),
          );
          void vscode.window.showInformationMessage(`Netfilter Lens: saved ${files} files of ${namespaces.length} namespace(s) to ${vscode.workspace.asRelativePath(target)}`);
        } catch (err) {
          reportError(err, 'snapshot');
        }
      },
    );
  };

  /** Another namespace, another host's same namespace, or a file: through vscode.diff. */
  const compare = async (node?: NodeItem) => {
    if (node?.type !== 'ruleset') return;
    const left = remoteUri(node.hostId, node.namespace, node.source);
    type Pick = vscode.QuickPickItem & { uri?: vscode.Uri; file?: boolean };
    const picks: Pick[] = [];
    for (const h of model.hosts) {
      let listing;
      try {
        listing = h.id === node.hostId ? await model.namespaces(h.id) : undefined;
      } catch {
        listing = undefined;
      }
      if (h.id === node.hostId && listing) {
        for (const ns of listing.namespaces) {
          if (ns.name === node.namespace) continue;
          picks.push({ label: ns.class.shortLabel, description: `${h.name} · ${ns.class.kindLabel}`, detail: ns.name ?? undefined, uri: remoteUri(h.id, ns.name, node.source) });
        }
      } else if (h.id !== node.hostId) {
        picks.push({ label: `${h.name}: ${node.namespace ?? 'root namespace'}`, description: 'same namespace on another host', uri: remoteUri(h.id, node.namespace, node.source) });
      }
    }
    for (const s of Object.keys(RULESET_SOURCES) as RulesetSource[]) {
      if (s !== node.source && RULESET_SOURCES[s].language === RULESET_SOURCES[node.source].language) {
        picks.push({ label: `${RULESET_SOURCES[s].label} of this namespace`, uri: remoteUri(node.hostId, node.namespace, s) });
      }
    }
    picks.push({ label: '$(file) A file…', file: true });
    const choice = await vscode.window.showQuickPick(picks, { title: `Compare ${RULESET_SOURCES[node.source].label} of ${node.namespace ?? 'the root namespace'} with…`, matchOnDescription: true, matchOnDetail: true });
    if (!choice) return;
    let right = choice.uri;
    if (choice.file) right = (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare' }))?.[0];
    if (!right) return;
    const name = (u: vscode.Uri) => (u.scheme === REMOTE_SCHEME ? u.path.split('/').slice(1, 3).map(decodeURIComponent).join(' ') : vscode.workspace.asRelativePath(u));
    await vscode.commands.executeCommand('vscode.diff', left, right, `${name(left)} ↔ ${name(right)} (${RULESET_SOURCES[node.source].label})`);
  };

  /** The converter's side-by-side view, with the namespace's other family and its ipsets attached; returns the output's URI. */
  const convertNode = async (node?: NodeItem): Promise<vscode.Uri | undefined> => {
    if (node?.type !== 'ruleset') return undefined;
    try {
      const all = await model.rulesets(node.hostId, node.namespace);
      const has = (s: RulesetSource) => (all.rulesets.get(s)?.text.trim() ?? '') !== '';
      const sources: RulesetSource[] = [node.source, ...(['iptables', 'ip6tables', 'ipset'] as const).filter((s) => s !== node.source && has(s))];
      const uris = sources.map((s) => remoteUri(node.hostId, node.namespace, s));
      if (!(await vscode.commands.getCommands(true)).includes('netfilterLens.convert')) throw new Error('the converter is not available');
      return await vscode.commands.executeCommand<vscode.Uri | undefined>('netfilterLens.convert', uris[0], uris);
    } catch (err) {
      reportError(err, 'convert');
      return undefined;
    }
  };

  const hostsSetting = () => [...(config().get<unknown[]>('hosts') ?? [])];
  const updateHosts = (hosts: unknown[]) => config().update('hosts', hosts, vscode.ConfigurationTarget.Global);

  const addHost = async () => {
    const value = await vscode.window.showInputBox({
      title: 'Netfilter Lens: add an SSH host',
      prompt: '[user@]host[:port] or an alias from ~/.ssh/config (saved in the setting netfilterLens.hosts)',
      validateInput: (v) => {
        const parsed = parseHostSetting(v.trim());
        return typeof parsed === 'string' ? parsed : undefined;
      },
    });
    if (!value) return;
    const sudo = await vscode.window.showQuickPick(['No', 'Yes'], { title: 'Run commands with sudo -n on this host?' });
    if (sudo === undefined) return;
    const parsed = parseHostSetting(value.trim());
    if (typeof parsed === 'string') return;
    await updateHosts([...hostsSetting(), { ...parsed, ...(sudo === 'Yes' ? { sudo: true } : {}) }]);
  };

  const removeHost = async (node?: NodeItem) => {
    if (node?.type !== 'host') return;
    const entry = model.host(node.hostId);
    if (entry?.origin !== 'settings') return;
    const hosts = hostsSetting().filter((raw) => {
      const p = parseHostSetting(raw);
      return typeof p === 'string' || (p.name ?? p.host) !== entry.name;
    });
    await updateHosts(hosts);
  };

  const setFilter = async () => {
    const value = await vscode.window.showInputBox({ title: 'Filter namespaces', prompt: 'Part of a name, or a glob like qrouter-5a*', value: tree.filter ?? '' });
    if (value === undefined) return;
    tree.filter = value.trim() || undefined;
    view.description = tree.filter ? `filter: ${tree.filter}` : undefined;
    await vscode.commands.executeCommand('setContext', 'netfilterLens.nodes.filtered', tree.filter !== undefined);
    tree.refresh();
  };

  const clearFilter = async () => {
    tree.filter = undefined;
    view.description = undefined;
    await vscode.commands.executeCommand('setContext', 'netfilterLens.nodes.filtered', false);
    tree.refresh();
  };

  context.subscriptions.push(
    log,
    view,
    documentChanged,
    vscode.workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, documents),
    vscode.commands.registerCommand('netfilterLens.nodes.open', (node?: NodeItem, line?: number) => (node?.type === 'ruleset' ? openRuleset(node, line) : undefined)),
    vscode.commands.registerCommand('netfilterLens.nodes.refresh', (node?: NodeItem) => refresh(node)),
    vscode.commands.registerCommand('netfilterLens.nodes.refreshAll', () => vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => refresh())),
    vscode.commands.registerCommand('netfilterLens.nodes.copy', async (node?: NodeItem) => {
      if (node?.type !== 'ruleset') return;
      try {
        await vscode.env.clipboard.writeText((await model.ruleset(node.hostId, node.namespace, node.source)).text);
      } catch (err) {
        reportError(err, 'copy');
      }
    }),
    vscode.commands.registerCommand('netfilterLens.nodes.saveSnapshot', saveSnapshot),
    vscode.commands.registerCommand('netfilterLens.nodes.compare', compare),
    vscode.commands.registerCommand('netfilterLens.nodes.convert', convertNode),
    vscode.commands.registerCommand('netfilterLens.nodes.addHost', addHost),
    vscode.commands.registerCommand('netfilterLens.nodes.removeHost', removeHost),
    vscode.commands.registerCommand('netfilterLens.nodes.filter', setFilter),
    vscode.commands.registerCommand('netfilterLens.nodes.clearFilter', clearFilter),
    vscode.commands.registerCommand('netfilterLens.nodes.forgetSecrets', async () => {
      const n = await secrets.clear();
      void vscode.window.showInformationMessage(`Netfilter Lens: forgot ${n} saved SSH secret${n === 1 ? '' : 's'}.`);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTING}.hosts`) || e.affectsConfiguration(`${SETTING}.nodes`)) {
        loadHosts();
        tree.refresh();
      }
    }),
    { dispose: () => void model.dispose() },
  );
  return { model, tree };
}
