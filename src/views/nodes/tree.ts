// The Nodes tree: maps the model (hosts, namespaces, rulesets, tables, chains) to TreeItems.
import * as vscode from 'vscode';
import { RULESET_SOURCES, type NamespaceInfo, type NamespaceName, type NeutronNamespaceKind, type RulesetSource } from '../../remote';
import type { NodesModel } from './model';
import { outlineRuleset, type ChainOutline, type TableOutline } from '../../remote/outline';
import { REMOTE_SCHEME, remotePath } from './remote-uri';

export type NodeItem =
  | { readonly type: 'host'; readonly hostId: string }
  | { readonly type: 'group'; readonly hostId: string; readonly kind: NeutronNamespaceKind; readonly namespaces: readonly NamespaceInfo[] }
  | { readonly type: 'namespace'; readonly hostId: string; readonly ns: NamespaceInfo }
  | { readonly type: 'refused'; readonly hostId: string; readonly names: readonly { name: string; reason: string }[] }
  | { readonly type: 'ruleset'; readonly hostId: string; readonly namespace: NamespaceName; readonly source: RulesetSource; readonly description?: string }
  | { readonly type: 'table'; readonly hostId: string; readonly namespace: NamespaceName; readonly source: RulesetSource; readonly table: TableOutline }
  | { readonly type: 'chain'; readonly hostId: string; readonly namespace: NamespaceName; readonly source: RulesetSource; readonly chain: ChainOutline }
  | { readonly type: 'message'; readonly text: string; readonly tooltip?: string; readonly icon: 'error' | 'warning' | 'info' };

const GROUPS: readonly { kind: NeutronNamespaceKind; label: string }[] = [
  { kind: 'router', label: 'Routers (qrouter-)' },
  { kind: 'snat', label: 'SNAT (snat-)' },
  { kind: 'floating-ip', label: 'Floating IP (fip-)' },
  { kind: 'dhcp', label: 'DHCP (qdhcp-)' },
  { kind: 'metadata', label: 'OVN metadata (ovnmeta-)' },
  { kind: 'other', label: 'Other namespaces' },
];

export function remoteUri(hostId: string, namespace: NamespaceName, source: RulesetSource): vscode.Uri {
  return vscode.Uri.from({ scheme: REMOTE_SCHEME, path: remotePath({ hostId, namespace, source }) });
}

/** Filter text: a glob when it has * or ?, else a case-insensitive substring. */
export function namespaceFilter(text: string | undefined): (name: string) => boolean {
  const t = text?.trim();
  if (!t) return () => true;
  if (/[*?]/.test(t)) {
    const re = new RegExp(`^${t.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    return (n) => re.test(n);
  }
  const lower = t.toLowerCase();
  return (n) => n.toLowerCase().includes(lower);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class NodesTreeProvider implements vscode.TreeDataProvider<NodeItem> {
  private readonly changed = new vscode.EventEmitter<NodeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  filter: string | undefined;

  constructor(
    private readonly model: NodesModel,
    private readonly viewId: string,
  ) {
    model.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: NodeItem): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.type) {
      case 'host': {
        const entry = this.model.host(node.hostId);
        const item = new vscode.TreeItem(entry?.name ?? node.hostId, C.Collapsed);
        item.id = `host:${node.hostId}`;
        item.iconPath = new vscode.ThemeIcon(entry?.kind === 'local' ? 'vm' : 'remote');
        const where = entry ? this.model.describeHost(entry) : undefined;
        item.description = entry?.kind === 'local' ? 'local' : where;
        item.tooltip = entry?.kind === 'local' ? 'This machine (commands run here, with sudo -n when not root)' : `${where ?? ''}\nfrom ${entry?.origin === 'settings' ? 'netfilterLens.hosts' : '~/.ssh/config'}${entry?.sudo ? '\ncommands run with sudo -n' : ''}`;
        item.contextValue = `nflens.host.${entry?.origin ?? 'unknown'}`;
        return item;
      }
      case 'group': {
        const label = GROUPS.find((g) => g.kind === node.kind)?.label ?? node.kind;
        const item = new vscode.TreeItem(label, C.Collapsed);
        item.id = `group:${node.hostId}:${node.kind}`;
        item.description = String(node.namespaces.length);
        item.iconPath = new vscode.ThemeIcon('folder');
        item.contextValue = 'nflens.group';
        return item;
      }
      case 'namespace': {
        const item = new vscode.TreeItem(node.ns.class.shortLabel, C.Collapsed);
        item.id = `ns:${node.hostId}:${node.ns.name ?? ''}`;
        item.tooltip = node.ns.name === null ? 'The root network namespace' : `${node.ns.name}\n${node.ns.class.kindLabel}${node.ns.class.id ? ` ${node.ns.class.id}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.ns.name === null ? 'home' : 'symbol-namespace');
        item.contextValue = 'nflens.namespace';
        return item;
      }
      case 'refused': {
        const item = new vscode.TreeItem('Refused namespace names', C.Collapsed);
        item.id = `refused:${node.hostId}`;
        item.description = String(node.names.length);
        item.tooltip = 'Names that could be used to inject shell commands or are otherwise unusual; they are never used in a command.';
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        return item;
      }
      case 'ruleset': {
        const info = RULESET_SOURCES[node.source];
        const item = new vscode.TreeItem(info.label, C.Collapsed);
        item.id = `rs:${node.hostId}:${node.namespace ?? ''}:${node.source}`;
        item.iconPath = new vscode.ThemeIcon(node.source === 'ipset' ? 'list-unordered' : 'shield');
        item.resourceUri = remoteUri(node.hostId, node.namespace, node.source);
        item.command = { command: 'netfilterLens.nodes.open', title: 'Open', arguments: [node] };
        item.contextValue = `nflens.ruleset.${node.source}`;
        if (node.description) item.description = node.description;
        item.tooltip = `${info.argv.join(' ')}${node.namespace ? ` in ${node.namespace}` : ''}`;
        return item;
      }
      case 'table': {
        const isSet = node.source === 'ipset';
        const item = new vscode.TreeItem(node.table.name, isSet || node.table.chains.length === 0 ? C.None : C.Collapsed);
        item.id = `tbl:${node.hostId}:${node.namespace ?? ''}:${node.source}:${node.table.name}`;
        item.iconPath = new vscode.ThemeIcon(isSet ? 'symbol-array' : 'table');
        const rules = node.table.chains.reduce((n, c) => n + c.rules, 0);
        item.description = isSet
          ? `${node.table.sets ?? 0} elements`
          : `${node.table.chains.length} chains · ${rules} rules${node.table.sets ? ` · ${node.table.sets} sets` : ''}`;
        item.command = this.reveal(node, node.table.line);
        return item;
      }
      case 'chain': {
        const item = new vscode.TreeItem(node.chain.name, C.None);
        item.id = `ch:${node.hostId}:${node.namespace ?? ''}:${node.source}:${node.chain.name}:${node.chain.line ?? ''}`;
        item.iconPath = new vscode.ThemeIcon('symbol-method');
        item.description = `${node.chain.policy ? `policy ${node.chain.policy} · ` : ''}${node.chain.rules} rule${node.chain.rules === 1 ? '' : 's'}`;
        if (node.chain.hook) item.tooltip = node.chain.hook;
        item.command = this.reveal(node, node.chain.line);
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, C.None);
        item.tooltip = node.tooltip ?? node.text;
        const color = node.icon === 'error' ? 'problemsErrorIcon.foreground' : node.icon === 'warning' ? 'problemsWarningIcon.foreground' : undefined;
        item.iconPath = new vscode.ThemeIcon(node.icon, color ? new vscode.ThemeColor(color) : undefined);
        item.contextValue = 'nflens.message';
        return item;
      }
    }
  }

  private reveal(node: { hostId: string; namespace: NamespaceName; source: RulesetSource }, line: number | undefined): vscode.Command {
    return {
      command: 'netfilterLens.nodes.open',
      title: 'Open',
      arguments: [{ type: 'ruleset', hostId: node.hostId, namespace: node.namespace, source: node.source }, line],
    };
  }

  async getChildren(node?: NodeItem): Promise<NodeItem[]> {
    if (!node) {
      const hosts: NodeItem[] = this.model.hosts.map((h) => ({ type: 'host', hostId: h.id }));
      const problems: NodeItem[] = this.model.problems.map((p) => ({ type: 'message', text: p, icon: 'warning' }));
      return [...hosts, ...problems];
    }
    try {
      switch (node.type) {
        case 'host':
          return await this.withProgress(() => this.hostChildren(node.hostId));
        case 'group':
          return node.namespaces.map((ns) => ({ type: 'namespace', hostId: node.hostId, ns }));
        case 'refused':
          return node.names.map((r) => ({ type: 'message', text: r.name, tooltip: r.reason, icon: 'warning' }));
        case 'namespace':
          return await this.withProgress(() => this.namespaceChildren(node.hostId, node.ns.name));
        case 'ruleset': {
          const r = await this.model.ruleset(node.hostId, node.namespace, node.source);
          const outline = outlineRuleset(node.source, r.text);
          const items: NodeItem[] = outline.tables.map((table) => ({ type: 'table', hostId: node.hostId, namespace: node.namespace, source: node.source, table }));
          if (outline.errors) items.push({ type: 'message', text: `${outline.errors} parse error${outline.errors === 1 ? '' : 's'} (open the document to see them)`, icon: 'warning' });
          return items;
        }
        case 'table':
          return node.table.chains.map((chain) => ({ type: 'chain', hostId: node.hostId, namespace: node.namespace, source: node.source, chain }));
        default:
          return [];
      }
    } catch (err) {
      return [{ type: 'message', text: errorText(err), icon: 'error' }];
    }
  }

  /** A progress bar on the view while a node's children are fetched. */
  private withProgress<T>(task: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: this.viewId } }, task));
  }

  private async hostChildren(hostId: string): Promise<NodeItem[]> {
    const listing = await this.model.namespaces(hostId);
    const keep = namespaceFilter(this.filter);
    const [root, ...named] = listing.namespaces;
    const items: NodeItem[] = [];
    if (root && keep('root')) items.push({ type: 'namespace', hostId, ns: root });
    for (const g of GROUPS) {
      const members = named.filter((n) => n.class.kind === g.kind && keep(n.name ?? ''));
      if (members.length) items.push({ type: 'group', hostId, kind: g.kind, namespaces: members });
    }
    const refused = listing.rejected.filter((r) => keep(r.name));
    if (refused.length) items.push({ type: 'refused', hostId, names: refused });
    if (this.filter && items.length === 0) items.push({ type: 'message', text: `no namespace matches "${this.filter}"`, icon: 'info' });
    return items;
  }

  private async namespaceChildren(hostId: string, ns: NamespaceName): Promise<NodeItem[]> {
    const result = await this.model.rulesets(hostId, ns);
    const items: NodeItem[] = [];
    for (const [source, r] of result.rulesets) {
      if (r.text.trim() === '') continue;
      const o = outlineRuleset(source, r.text);
      const counts =
        source === 'ipset'
          ? `${o.tables.length} set${o.tables.length === 1 ? '' : 's'} · ${o.rules} elements`
          : `${o.tables.length} table${o.tables.length === 1 ? '' : 's'} · ${o.rules} rule${o.rules === 1 ? '' : 's'}`;
      const backend = (source === 'iptables' || source === 'ip6tables') && result.backend.backend !== 'unknown' ? `${result.backend.backend} · ` : '';
      items.push({ type: 'ruleset', hostId, namespace: ns, source, description: backend + counts });
    }
    if (result.backend.warning) items.push({ type: 'message', text: 'Both iptables backends hold rules', tooltip: result.backend.warning, icon: 'warning' });
    for (const [source, err] of result.errors) items.push({ type: 'message', text: `${RULESET_SOURCES[source].label}: ${err.message}`, icon: 'error' });
    if (items.length === 0) items.push({ type: 'message', text: 'no rules in this namespace', icon: 'info' });
    return items;
  }
}

