// The Nodes view in a real VS Code against a real sshd and real Neutron-like network namespaces.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NetfilterLensApi } from '../../../src/extension';
import type { NodeItem } from '../../../src/views/nodes/tree';
import { createNeutronNamespaces, localOutput, withoutDateLines, type NeutronNamespaces } from '../../e2e/fixtures/netns';
import { SSH_ALIAS, SshdFixture } from '../../e2e/fixtures/sshd';
import { prereqs, requirePrereqs } from '../../support/prereq';
import { EXTENSION_ID, activeExtension, harnessHasPage, screenshot, sleep, tidyWorkbench } from './support';

const HOST_NAME = 'network-node-1';
const HOST_ID = `ssh:${HOST_NAME}`;

/** The bundle's __dirname is a temp folder, so the corpus is looked up from the checkout (the extension) instead. */
function findCorpus(): { dir: string | undefined; looked: string[] } {
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath;
  const looked = [process.env.NFLENS_CORPUS, extensionPath && join(extensionPath, '..', 'shared', 'corpus'), join(process.cwd(), '..', 'shared', 'corpus')].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return { dir: looked.find((p) => existsSync(join(p, 'neutron'))), looked };
}

async function waitFor<T>(what: string, get: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** `-A CHAIN` lines per chain of one table of an iptables-save dump (counted here, not by the code under test). */
function rulesPerChain(dump: string, table: string): Map<string, number> {
  const counts = new Map<string, number>();
  let current: string | undefined;
  for (const line of dump.split('\n')) {
    if (line.startsWith('*')) current = line.slice(1).trim();
    else if (current === table && line.startsWith(':')) counts.set(line.slice(1).split(' ')[0]!, 0);
    else if (current === table && line.startsWith('-A ')) {
      const chain = line.split(' ')[1]!;
      counts.set(chain, (counts.get(chain) ?? 0) + 1);
    }
  }
  return counts;
}

describe('Nodes view against a real sshd and Neutron namespaces', function () {
  this.timeout(120_000);
  let api: NetfilterLensApi;
  let sshd: SshdFixture | undefined;
  let ns: NeutronNamespaces | undefined;
  let savedHome: string | undefined;
  let savedHosts: unknown;
  let savedReadSshConfig: unknown;
  let settingsChanged = false;

  const tree = () => api.nodes.tree;
  const label = (node: NodeItem) => {
    const l = tree().getTreeItem(node).label;
    return typeof l === 'string' ? l : (l?.label ?? '');
  };
  const description = (node: NodeItem) => String(tree().getTreeItem(node).description ?? '');
  const hostNode = async () => {
    const roots = await tree().getChildren();
    const host = roots.find((n) => n.type === 'host' && n.hostId === HOST_ID);
    assert.ok(host, `the tree has the host ${HOST_NAME}; roots: ${roots.map(label).join(', ')}`);
    return host;
  };
  const namespaceNode = async (name: string) => {
    for (const group of await tree().getChildren(await hostNode())) {
      if (group.type !== 'group') continue;
      const found = (await tree().getChildren(group)).find((n) => n.type === 'namespace' && n.ns.name === name);
      if (found) return found;
    }
    throw new Error(`namespace ${name} is not in the tree`);
  };
  const rulesetNode = async (nsName: string, source: string) => {
    const found = (await tree().getChildren(await namespaceNode(nsName))).find((n) => n.type === 'ruleset' && n.source === source);
    assert.ok(found, `${nsName} shows a ${source} ruleset`);
    return found;
  };

  before(async function () {
    const corpus = findCorpus();
    requirePrereqs(
      this,
      prereqs.root(),
      { what: `the shared corpus (looked in ${corpus.looked.join(', ')})`, ok: corpus.dir !== undefined },
      ...prereqs.sshNamespaceTools(),
    );
    api = (await activeExtension()).exports as NetfilterLensApi;
    assert.ok(api?.nodes?.tree, 'activate() returns the Nodes model and tree');
    sshd = await SshdFixture.start();
    ns = await createNeutronNamespaces(corpus.dir);
    // ~ is the extension host's HOME: a client home whose ~/.ssh/config names the sshd and whose known_hosts holds its key.
    savedHome = process.env.HOME;
    process.env.HOME = sshd.makeClientHome('correct').home;
    const config = vscode.workspace.getConfiguration('netfilterLens');
    savedHosts = config.inspect('hosts')?.globalValue;
    savedReadSshConfig = config.inspect('nodes.readSshConfig')?.globalValue;
    settingsChanged = true;
    await config.update('nodes.readSshConfig', false, vscode.ConfigurationTarget.Global);
    await config.update('hosts', [{ name: HOST_NAME, host: SSH_ALIAS }], vscode.ConfigurationTarget.Global);
    await waitFor('the host from the setting', () => api.nodes.model.host(HOST_ID));
    await tidyWorkbench();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async function () {
    if (settingsChanged) {
      const config = vscode.workspace.getConfiguration('netfilterLens');
      await config.update('hosts', savedHosts, vscode.ConfigurationTarget.Global);
      await config.update('nodes.readSshConfig', savedReadSshConfig, vscode.ConfigurationTarget.Global);
    }
    if (savedHome !== undefined) process.env.HOME = savedHome;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await ns?.remove();
    await sshd?.dispose();
  });

  it('shows this machine and the SSH host from netfilterLens.hosts, resolved through ~/.ssh/config', async function () {
    const roots = await tree().getChildren();
    assert.deepEqual(
      roots.filter((n) => n.type === 'host').map((n) => (n.type === 'host' ? n.hostId : '')),
      ['local', HOST_ID],
    );
    const host = await hostNode();
    assert.equal(label(host), HOST_NAME);
    assert.equal(description(host), `root@127.0.0.1:${sshd!.port}`);
  });

  it('lists the namespaces of the host grouped by Neutron kind, uuids shortened', async function () {
    const children = await tree().getChildren(await hostNode());
    const errors = children.filter((n) => n.type === 'message').map(label);
    assert.deepEqual(errors, [], 'no error instead of namespaces');
    assert.equal(children[0]?.type === 'namespace' && children[0].ns.name, null, 'the root namespace comes first');
    const groups = new Map<string, NodeItem[]>();
    for (const g of children) if (g.type === 'group') groups.set(label(g), await tree().getChildren(g));
    const expectGroup = (groupLabel: string, nsName: string) => {
      const members = groups.get(groupLabel);
      assert.ok(members, `group "${groupLabel}" exists; groups: ${[...groups.keys()].join(', ')}`);
      const node = members.find((n) => n.type === 'namespace' && n.ns.name === nsName);
      assert.ok(node, `${nsName} is in "${groupLabel}"`);
      const [prefix, uuid] = [nsName.slice(0, nsName.indexOf('-') + 1), nsName.slice(nsName.indexOf('-') + 1)];
      assert.equal(label(node), `${prefix}${uuid.slice(0, 8)}`);
      assert.match(String(tree().getTreeItem(node).tooltip), new RegExp(`^${nsName}\\n`), 'the full name in the tooltip');
    };
    expectGroup('Routers (qrouter-)', ns!.router);
    expectGroup('SNAT (snat-)', ns!.snat);
    expectGroup('Floating IP (fip-)', ns!.fip);
    expectGroup('DHCP (qdhcp-)', ns!.dhcp);
  });

  it('shows the rulesets each namespace holds, down to chains with their policies and rule counts', async function () {
    const kinds = async (name: string) =>
      (await tree().getChildren(await namespaceNode(name))).flatMap((n) => (n.type === 'ruleset' ? [n.source] : n.type === 'message' ? [`message: ${label(n)}`] : []));
    // iptables-nft keeps its rules in nft tables, so `nft list ruleset` shows them too.
    const viaNft = (await localOutput(null, 'iptables', '-V')).includes('nf_tables') ? ['nft'] : [];
    assert.deepEqual(await kinds(ns!.router), ['iptables', 'ip6tables', ...viaNft]);
    assert.deepEqual(await kinds(ns!.snat), ['iptables', 'ip6tables', ...viaNft, 'ipset']);
    assert.deepEqual(await kinds(ns!.fip), ['nft']);

    const local = await localOutput(ns!.router, 'iptables-save');
    const iptables = await rulesetNode(ns!.router, 'iptables');
    const total = local.split('\n').filter((l) => l.startsWith('-A ')).length;
    assert.match(description(iptables), new RegExp(`^nf_tables · 4 tables · ${total} rules$`));
    const tables = await tree().getChildren(iptables);
    assert.deepEqual(tables.map(label).sort(), ['filter', 'mangle', 'nat', 'raw']);
    const nat = tables.find((t) => label(t) === 'nat')!;
    const expected = rulesPerChain(local, 'nat');
    const natRules = [...expected.values()].reduce((a, b) => a + b, 0);
    assert.equal(description(nat), `${expected.size} chains · ${natRules} rules`);
    const chains = await tree().getChildren(nat);
    const shown = new Map(chains.map((c) => [label(c), description(c)]));
    for (const [chain, rules] of expected) {
      const policy = /^(PREROUTING|INPUT|OUTPUT|POSTROUTING)$/.test(chain) ? 'policy ACCEPT · ' : '';
      assert.equal(shown.get(chain), `${policy}${rules} rule${rules === 1 ? '' : 's'}`, `chain ${chain}`);
    }
    assert.ok((expected.get('neutron-l3-agent-snat') ?? 0) > 0, 'the router dump has SNAT rules');
  });

  it('opens an iptables ruleset as an iptables-save document equal to `ip netns exec NS iptables-save`', async function () {
    const node = await rulesetNode(ns!.router, 'iptables');
    await vscode.commands.executeCommand('netfilterLens.nodes.open', node);
    const editor = await waitFor('the ruleset editor', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.scheme === 'nflens-remote' ? e : undefined;
    });
    const doc = editor.document;
    assert.equal(doc.uri.path, `/${encodeURIComponent(HOST_ID)}/${ns!.router}/iptables/iptables-save`);
    assert.equal(doc.languageId, 'iptables-save');
    assert.equal(withoutDateLines(doc.getText()), withoutDateLines(await localOutput(ns!.router, 'iptables-save')));
    const dhcp = await localOutput(ns!.dhcp, 'ip6tables-save');
    const dhcpDoc = await vscode.workspace.openTextDocument(tree().getTreeItem(await rulesetNode(ns!.dhcp, 'ip6tables')).resourceUri!);
    assert.equal(withoutDateLines(dhcpDoc.getText()), withoutDateLines(dhcp), 'the qdhcp ip6tables document too');
  });

  it('converts the router ruleset to nftables, with its ip6tables dump attached', async function () {
    const node = await rulesetNode(ns!.router, 'iptables');
    const out = await vscode.commands.executeCommand<vscode.Uri | undefined>('netfilterLens.nodes.convert', node);
    assert.ok(out, 'the command returns the nft document');
    const doc = await waitFor('the nft document', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === out.toString()));
    assert.equal(doc.languageId, 'nft');
    const text = doc.getText();
    assert.match(text, /^table (ip|inet) nat \{/m);
    assert.match(text, /chain neutron-l3-agent-snat \{/);
    assert.match(text, /^table (ip6|inet) filter \{/m, 'the ip6tables dump of the namespace is converted alongside');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === out.toString()), 'the output is shown');
  });

  it('shows the expanded tree (screenshot nodes-view)', async function () {
    requirePrereqs(this, { what: 'the VS Code Server harness (test/integration/run.mjs) to take screenshots', ok: harnessHasPage() });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('netfilterLens.nodes.open', await rulesetNode(ns!.router, 'iptables'));
    await tidyWorkbench();
    await vscode.commands.executeCommand('netfilterLens.nodes.focus');
    await sleep(800);
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth'); // with the tree focused this widens the side bar: room for the chain descriptions
    // Keyboard navigation in the focused tree: host -> Routers -> the qrouter namespace -> iptables -> nat.
    const keys = async (...commands: string[]) => {
      for (const c of commands) {
        await vscode.commands.executeCommand(c);
        await sleep(c === 'list.expand' ? 1200 : 150);
      }
    };
    await keys('list.focusFirst', 'list.focusDown', 'list.expand'); // the SSH host
    const hostChildren = await tree().getChildren(await hostNode());
    const routers = hostChildren.findIndex((n) => n.type === 'group' && n.kind === 'router');
    await keys(...Array<string>(routers + 1).fill('list.focusDown'), 'list.expand');
    const routerGroup = hostChildren[routers]!;
    const ours = (await tree().getChildren(routerGroup)).findIndex((n) => n.type === 'namespace' && n.ns.name === ns!.router);
    await keys(...Array<string>(ours + 1).fill('list.focusDown'), 'list.expand', 'list.focusDown', 'list.expand');
    const tables = await tree().getChildren(await rulesetNode(ns!.router, 'iptables'));
    const nat = tables.findIndex((t) => label(t) === 'nat');
    await keys(...Array<string>(nat + 1).fill('list.focusDown'), 'list.expand');
    await sleep(1000);
    assert.ok(await screenshot('nodes-view'));
  });
});
