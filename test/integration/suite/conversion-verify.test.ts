import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { prereqs, requirePrereqs } from '../../support/prereq';
import { activeExtension, sleep, tidyWorkbench } from './support';

/** The shared corpus: NFLENS_CORPUS, or ../shared/corpus beside the checkout the harness runs from. */
const corpusCandidates = [process.env.NFLENS_CORPUS, join(process.cwd(), '..', 'shared', 'corpus'), process.env.PWD && join(process.env.PWD, '..', 'shared', 'corpus')]
  .filter((p): p is string => !!p).map((p) => resolve(p));
const corpus = corpusCandidates.find((p) => existsSync(join(p, 'neutron')));
const neutronPath = (name: string) => join(corpus ?? '', 'neutron', name);

/** What `netfilterLens.convert.verify` returns (src/views/conversion/verify.ts). */
interface Outcome {
  outcome: string;
  message?: string;
  reportUri?: string;
  probes?: number;
  unexplained?: number;
  explained?: number;
  rulesExercised?: number;
  convert?: { merge?: string; physdev?: string; counters?: boolean };
  maxProbes?: number;
}

/** Namespaces verify runs leave behind (`nflv-…`). */
function verifyNamespaces(): string[] {
  return existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith('nflv-')) : [];
}

async function convertCorpusDump(name: string): Promise<vscode.Uri> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath(name)));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  const out = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert', doc.uri);
  assert.ok(out, 'the conversion opened');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(out), { preview: false });
  return out;
}

describe('conversion view: Verify Conversion', function () {
  this.timeout(120_000);
  before(async function () {
    requirePrereqs(
      this,
      { what: `the shared corpus (looked in ${corpusCandidates.join(', ')})`, ok: corpus !== undefined },
      prereqs.root(), prereqs.command('nft'), prereqs.command('iptables-restore'), prereqs.command('conntrack'), prereqs.command('setpriv'),
      { what: 'python3 with scapy (Debian package python3-scapy)', ok: existsSync('/usr/lib/python3/dist-packages/scapy') },
    );
    await activeExtension();
    await tidyWorkbench();
  });
  after(() => tidyWorkbench());

  it('verifies the qrouter conversion with real packets: no unexplained difference, report opened beside', async () => {
    const before = new Set(verifyNamespaces());
    const output = await convertCorpusDump('qrouter-0391ee86.iptables-save');
    const r = await vscode.commands.executeCommand<Outcome>('netfilterLens.convert.verify', output, { maxProbes: 60 });
    assert.ok(r, 'the command returns its outcome');
    assert.equal(r.outcome, 'verified', `outcome: ${JSON.stringify(r)}`);
    assert.equal(r.unexplained, 0);
    assert.ok(r.probes! > 0 && r.probes! <= 60, `probes within the bound: ${r.probes}`);
    assert.ok(r.rulesExercised! > 0, 'probes matched rules of the original');
    assert.equal(r.maxProbes, 60);
    const view = await vscode.commands.executeCommand<{ options: { mergeInet: boolean; counters: boolean; physdev: string } }>('netfilterLens.convert.testState', output);
    assert.deepEqual(r.convert, { counters: view.options.counters, physdev: view.options.physdev, ...(view.options.mergeInet ? { merge: 'inet' } : {}) }, 'the view\'s options, as nflens verify flags');
    assert.ok(r.reportUri, 'a report URI');
    const report = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.reportUri);
    assert.ok(report, 'the report document is open');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === r.reportUri), 'the report is shown');
    const text = report.getText();
    assert.match(text, /qrouter-0391ee86\.iptables-save against the conversion/);
    assert.match(text, new RegExp(`^${r.probes} probes `, 'm'));
    assert.match(text, /No unexplained differences\./);
    // Read-only: the report lives under its own scheme, not on disk.
    assert.equal(report.uri.scheme, 'nflens-verify');
    const verifyWarnings = vscode.languages.getDiagnostics(vscode.Uri.file(neutronPath('qrouter-0391ee86.iptables-save'))).filter((d) => d.source === 'netfilter-lens verify');
    assert.deepEqual(verifyWarnings, [], 'no rule is marked with a difference');
    assert.deepEqual(verifyNamespaces().filter((n) => !before.has(n)), [], 'every namespace of the run is removed');
  });

  it('honours the view options (merge inet) and the DHCP dump verifies too', async () => {
    await vscode.commands.executeCommand('netfilterLens.convert.toggleMergeInet', true);
    try {
      const output = await convertCorpusDump('qdhcp-3e8f1a2b.iptables-save');
      const r = await vscode.commands.executeCommand<Outcome>('netfilterLens.convert.verify', output, { maxProbes: 60 });
      assert.equal(r?.outcome, 'verified', `outcome: ${JSON.stringify(r)}`);
      assert.equal(r.unexplained, 0);
      assert.ok(r.probes! > 0);
      assert.equal(r.convert?.merge, 'inet', 'the run converted with the view\'s merge option');
      const report = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.reportUri);
      // The CHECKSUM rule is unsupported: the report lists it among the diagnosed rules.
      assert.match(report?.getText() ?? '', /Diagnosed rules \(1; expected to differ\)[\s\S]*CHECKSUM/);
    } finally {
      await vscode.commands.executeCommand('netfilterLens.convert.toggleMergeInet', false);
    }
  });

  it('without root the worker says what is missing (the engine\'s own prerequisite check) and creates nothing', async () => {
    const before = new Set(verifyNamespaces());
    const worker = join((await activeExtension()).extensionPath, 'dist', 'verify-worker.js');
    const messages: { kind: string; message?: string }[] = [];
    const exit = await new Promise<number | null>((resolveExit, reject) => {
      const child = fork(worker, [], { uid: 65534, gid: 65534, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      child.on('message', (m: { kind: string; message?: string }) => messages.push(m));
      child.on('error', reject);
      child.on('exit', (code) => resolveExit(code));
      child.send({ dumps: [{ file: neutronPath('qdhcp-3e8f1a2b.iptables-save'), text: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n', dialect: 'iptables' }], ipsets: [], convert: {}, seed: 1, maxProbes: 10 });
    });
    assert.equal(exit, 1);
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.equal(messages[0]!.kind, 'cannot-run');
    assert.match(messages[0]!.message ?? '', /missing root privileges/);
    assert.deepEqual(verifyNamespaces().filter((n) => !before.has(n)), []);
  });

  it('cancelling ends the run and removes its namespaces', async () => {
    const before = new Set(verifyNamespaces());
    const output = await convertCorpusDump('qrouter-0391ee86.iptables-save');
    const cancel = new vscode.CancellationTokenSource();
    const running = vscode.commands.executeCommand<Outcome>('netfilterLens.convert.verify', output, { maxProbes: 2000, cancellation: cancel.token });
    // Cancel once the run has built its topology (its namespaces exist), or after 10 s at most.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && verifyNamespaces().every((n) => before.has(n))) await sleep(50);
    assert.ok(verifyNamespaces().some((n) => !before.has(n)), 'the run created its namespaces before it was cancelled');
    cancel.cancel();
    const r = await running;
    assert.equal(r?.outcome, 'cancelled', `outcome: ${JSON.stringify(r)}`);
    assert.deepEqual(verifyNamespaces().filter((n) => !before.has(n)), [], 'the cancelled run removed its namespaces');
    cancel.dispose();
  });
});
