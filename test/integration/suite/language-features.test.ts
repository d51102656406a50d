import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { prereqs, requirePrereqs } from '../../support/prereq';
import { activeExtension, openFixture, openSample, screenshot, showAndSettle, sleep, tidyWorkbench } from './support';

/** Position of the first `needle` in the document, `offset` characters into it. */
function positionOf(doc: vscode.TextDocument, needle: string, offset = 1): vscode.Position {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `"${needle}" is in ${doc.uri.fsPath}`);
  return doc.positionAt(i + offset);
}

function symbols(result: unknown): vscode.DocumentSymbol[] {
  const list = (result ?? []) as vscode.DocumentSymbol[];
  assert.ok(Array.isArray(list) && list.length > 0, 'the Outline is not empty');
  assert.ok('children' in list[0]!, 'document symbols are hierarchical');
  return list;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

/** Waits until the document's netfilter-lens diagnostics satisfy `ok`. */
async function diagnosticsOf(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'netfilter-lens');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = ours();
    if (ok(now)) return now;
    await sleep(100);
  }
  const last = ours();
  assert.fail(`diagnostics of ${uri.fsPath} did not arrive in time; have: ${last.map((d) => `${codeOf(d)}@${d.range.start.line}`).join(', ') || 'none'}`);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

const NFT = `define lan = 10.0.0.0/8

table inet fw {
\tset blocked {
\t\ttype ipv4_addr
\t\tflags interval
\t}

\tchain input {
\t\ttype filter hook input priority filter; policy drop;
\t\tip saddr @blocked drop
\t\tip saddr $lan jump tenant
\t}

\tchain tenant {
\t\tip daddr @blocked counter drop
\t\ttcp dport 22 accept
\t}
}
`;

describe('language features in the editor', () => {
  before(async () => {
    await activeExtension();
    await tidyWorkbench();
  });

  it('outlines a Neutron router dump: tables → chains → rules', async () => {
    const doc = await openSample('network-node/qrouter-5d1e2c3a.iptables-save');
    const outline = symbols(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri));
    assert.deepEqual(outline.map((t) => t.name), ['raw', 'mangle', 'nat', 'filter']);
    const nat = outline.find((t) => t.name === 'nat')!;
    assert.ok(nat.children.some((c) => c.name === 'neutron-l3-agent-snat'), nat.children.map((c) => c.name).join(', '));
    const rules = outline.flatMap((t) => t.children).reduce((n, c) => n + c.children.length, 0);
    const appendLines = doc.getText().split('\n').filter((l) => l.startsWith('-A ')).length;
    assert.equal(rules, appendLines);
    const rule = nat.children.flatMap((c) => c.children).find((r) => r.name.includes('SNAT'));
    assert.ok(rule, 'a SNAT rule is labelled with its text');
    assert.equal(rule!.kind, vscode.SymbolKind.Event);
  });

  it('outlines an nft ruleset: table → sets/maps/objects/chains → rules', async () => {
    const doc = await openSample('nftables/qrouter-5d1e2c3a.nft');
    const outline = symbols(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri));
    const table = outline.find((s) => s.kind === vscode.SymbolKind.Namespace)!;
    assert.equal(table.name, 'neutron-router');
    const kinds = new Set(table.children.map((c) => c.kind));
    for (const k of [vscode.SymbolKind.Function, vscode.SymbolKind.Array, vscode.SymbolKind.Object, vscode.SymbolKind.Struct]) assert.ok(kinds.has(k), `kind ${k}`);
    const input = table.children.find((c) => c.name === 'input')!;
    assert.ok(input.children.some((r) => r.name.startsWith('ct state invalid drop')), input.children.map((r) => r.name).join(' | '));
    assert.ok(outline.some((s) => s.name === '$ext_if'));
    const editor = await showAndSettle(doc, { topLine: 85, settleMs: 500 });
    editor.selection = new vscode.Selection(positionOf(doc, 'ct state invalid drop', 3), positionOf(doc, 'ct state invalid drop', 3));
    await sleep(1000);
    await screenshot('breadcrumbs-nft');
  });

  it('goes to the chain a -j names in an iptables dump', async () => {
    const doc = await openSample('network-node/qrouter-5d1e2c3a.iptables-save');
    const at = positionOf(doc, '-j neutron-l3-agent-PREROUTING', 5);
    const locations = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', doc.uri, at);
    assert.equal(locations.length, 1);
    const target = locations[0]!;
    assert.equal(doc.lineAt(target.range.start.line).text.startsWith(':neutron-l3-agent-PREROUTING '), true, doc.lineAt(target.range.start.line).text);
    assert.equal(doc.getText(target.range), 'neutron-l3-agent-PREROUTING');
  });

  it('goes to the chain a jump names in nft, finds the references of a set, renames a chain', async () => {
    const doc = await openFixture('fw.nft', NFT);
    assert.equal(doc.languageId, 'nft');
    const defs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'jump tenant', 6));
    assert.equal(defs.length, 1);
    assert.equal(defs[0]!.range.start.line, 14);
    assert.equal(doc.getText(defs[0]!.range), 'tenant');

    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, '@blocked', 2));
    assert.deepEqual(refs.map((r) => r.range.start.line).sort((a, b) => a - b), [3, 10, 15]);
    assert.ok(refs.every((r) => doc.getText(r.range) === 'blocked'));

    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, positionOf(doc, 'chain tenant', 7), 'tenant_in');
    const changes = edit.get(doc.uri);
    assert.equal(changes.length, 2);
    assert.ok(changes.every((c) => c.newText === 'tenant_in'));
  });

  it('explains --ctstate on hover, with the nft equivalent', async () => {
    const doc = await openSample('network-node/qrouter-5d1e2c3a.iptables-save');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, '--ctstate', 4));
    const text = hoverText(hovers);
    assert.match(text, /--ctstate/);
    assert.match(text, /ct state/);
    const editor = await showAndSettle(doc, { topLine: positionOf(doc, '--ctstate').line - 3, settleMs: 800 });
    editor.selection = new vscode.Selection(positionOf(doc, '--ctstate', 4), positionOf(doc, '--ctstate', 4));
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(800);
    await screenshot('hover-ctstate');
  });

  it('reports the problems of a broken dump with codes, ranges and documentation links', async () => {
    const text = ['*filter', ':INPUT ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp --dport 22 -j tenant-missing', '-A INPUT -m nosuchmatch -j ACCEPT', ''].join('\n');
    const doc = await openFixture('broken.iptables-save', text);
    const diags = await diagnosticsOf(doc.uri, (d) => d.some((x) => codeOf(x) === 'undefined-chain'));
    const byCode = new Map(diags.map((d) => [codeOf(d), d]));
    for (const code of ['missing-commit', 'duplicate-chain', 'undefined-chain']) assert.ok(byCode.has(code), `${code} in ${[...byCode.keys()].join(', ')}`);
    const undefinedChain = byCode.get('undefined-chain')!;
    assert.equal(doc.getText(undefinedChain.range), 'tenant-missing');
    assert.equal(undefinedChain.severity, vscode.DiagnosticSeverity.Error);
    const dup = byCode.get('duplicate-chain')!;
    assert.equal(dup.range.start.line, 2);
    const code = undefinedChain.code as { value: string; target: vscode.Uri };
    assert.match(code.target.toString(), /docs\/diagnostics\.md#undefined-chain$/);
  });

  it('updates diagnostics as the user types (debounced)', async () => {
    const doc = await openFixture('typing.nft', NFT);
    await diagnosticsOf(doc.uri, (d) => d.every((x) => x.severity !== vscode.DiagnosticSeverity.Error));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(11, 0), '\t\tip saddr @nosuchset goto nowhere\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diags = await diagnosticsOf(doc.uri, (d) => d.some((x) => codeOf(x) === 'nft-undefined-chain'));
    const chain = diags.find((d) => codeOf(d) === 'nft-undefined-chain')!;
    assert.equal(chain.range.start.line, 11);
    assert.ok(diags.some((d) => codeOf(d) === 'nft-undefined-set'), diags.map(codeOf).join(', '));
  });

  it('formats an nft file (and leaves a file with syntax errors alone)', async () => {
    const messy = 'table inet fw {\n  chain input {\n      type filter hook input priority 0; policy drop;\n  tcp dport 22   accept\n}\n}\n';
    const doc = await openFixture('messy.nft', messy);
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', doc.uri, { tabSize: 4, insertSpaces: false });
    assert.ok(edits && edits.length > 0, 'formatting edits');
    const we = new vscode.WorkspaceEdit();
    we.set(doc.uri, edits);
    assert.ok(await vscode.workspace.applyEdit(we));
    assert.equal(doc.getText(), 'table inet fw {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\ttcp dport 22 accept\n\t}\n}\n');
    const again = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', doc.uri, { tabSize: 4, insertSpaces: false });
    assert.equal(again?.length ?? 0, 0, 'formatting is idempotent');

    const broken = await openFixture('broken.nft', 'table inet fw {\n  chain input {\n  tcp dport == \n}\n}\n');
    const none = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', broken.uri, { tabSize: 4, insertSpaces: false });
    assert.equal(none?.length ?? 0, 0);
  });

  it('completes chain names after -j and set names after @', async () => {
    const doc = await openFixture('complete.iptables-save', '*filter\n:INPUT ACCEPT [0:0]\n:tenant-in - [0:0]\n-A INPUT -j \nCOMMIT\n');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, 12));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const l of ['tenant-in', 'ACCEPT', 'DROP', 'REJECT']) assert.ok(labels.includes(l), `${l} in ${labels.slice(0, 20).join(', ')}`);
    const nft = await openFixture('complete.nft', NFT.replace('ip saddr @blocked drop', 'ip saddr @'));
    const at = positionOf(nft, 'ip saddr @', 10);
    const sets = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', nft.uri, at, '@');
    assert.ok(sets.items.some((i) => i.label === 'blocked'));
  });

  it('goes from --match-set to the ipset dump beside the iptables dump', async () => {
    const doc = await openSample('compute-node/compute-07.iptables-save');
    const at = positionOf(doc, '--match-set NIPv4', 14);
    const locations = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', doc.uri, at);
    assert.equal(locations.length, 1, JSON.stringify(locations));
    assert.match(locations[0]!.uri.fsPath, /compute-07\.ipset-save$/);
    const ipset = await vscode.workspace.openTextDocument(locations[0]!.uri);
    assert.equal(ipset.getText(locations[0]!.range), 'NIPv44a7c2e91-5b3d-4f6e-8a0c-');
    assert.ok(ipset.lineAt(locations[0]!.range.start.line).text.startsWith('create '));
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, at);
    assert.ok(refs.some((r) => r.uri.fsPath.endsWith('.ipset-save')) && refs.some((r) => r.uri.fsPath.endsWith('.iptables-save')));
  });

  it('opens an included file from its include line; names defined there are known', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nflens-include-'));
    writeFileSync(join(dir, 'defs.nft'), 'define mgmt = 192.0.2.0/24\n');
    writeFileSync(join(dir, 'main.nft'), 'include "defs.nft"\ntable inet t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n\t\tip saddr $mgmt accept\n\t\tip saddr $unknown jump nowhere\n\t}\n}\n');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(dir, 'main.nft')));
    const locations = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(0, 12));
    assert.equal(locations.length, 1);
    assert.equal(locations[0]!.uri.fsPath, join(dir, 'defs.nft'));
    // $mgmt comes from the included file; $unknown and the chain are really undefined.
    const diags = await diagnosticsOf(doc.uri, (d) => d.some((x) => codeOf(x) === 'nft-undefined-chain'));
    assert.deepEqual(diags.filter((d) => codeOf(d) === 'nft-undefined-variable').map((d) => doc.getText(d.range)), ['$unknown']);
  });

  it('folds tables and chains', async () => {
    const doc = await openSample('network-node/qrouter-5d1e2c3a.iptables-save');
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri);
    const header = doc.getText().split('\n').findIndex((l) => l === '*nat');
    assert.ok(folds.some((f) => f.start === header && doc.lineAt(f.end).text === 'COMMIT'), 'the nat table folds up to COMMIT');
  });
});

describe('validation with the real nft on save', () => {
  before(async function () {
    requirePrereqs(this, prereqs.command('nft'), prereqs.command('unshare'), prereqs.root());
    await activeExtension();
    await vscode.workspace.getConfiguration('netfilterLens').update('validateWithNft', true, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('netfilterLens').update('validateWithNft', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows nft -c errors at their range after saving', async () => {
    const doc = await openFixture('validate.nft', 'table inet t {\n\tchain c {\n\t\ttcp dport 70000 accept\n\t}\n}\n');
    await showAndSettle(doc, { settleMs: 200 });
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(5, 0), '\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    const diags = await diagnosticsOf(doc.uri, (d) => d.some((x) => codeOf(x) === 'nft-validate-error'));
    const nft = diags.find((d) => codeOf(d) === 'nft-validate-error')!;
    assert.equal(nft.range.start.line, 2);
    assert.equal(doc.getText(nft.range), '70000');
    assert.match(nft.message, /out of range/i);
  });
});

/** A Neutron-like compute-node filter table with `ports` ports of 24 rules each. */
function largeDump(ports: number): string {
  const chains: string[] = [':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':neutron-openvswi-FORWARD - [0:0]', ':neutron-openvswi-sg-chain - [0:0]', ':neutron-openvswi-sg-fallback - [0:0]', ':neutron-openvswi-unused - [0:0]'];
  const rules: string[] = ['-A FORWARD -j neutron-openvswi-FORWARD', '-A neutron-openvswi-sg-fallback -j DROP'];
  for (let p = 0; p < ports; p++) {
    const id = p.toString(16).padStart(10, '0');
    chains.push(`:neutron-openvswi-i${id} - [0:0]`);
    rules.push(`-A neutron-openvswi-FORWARD -m physdev --physdev-out tap${id} --physdev-is-bridged -m comment --comment "Direct traffic from the VM interface to the security group chain." -j neutron-openvswi-sg-chain`);
    rules.push(`-A neutron-openvswi-sg-chain -m physdev --physdev-out tap${id} --physdev-is-bridged -j neutron-openvswi-i${id}`);
    rules.push(`-A neutron-openvswi-i${id} -m state --state RELATED,ESTABLISHED -m comment --comment "Direct packets associated with a known session to the RETURN chain." -j RETURN`);
    for (let r = 0; r < 20; r++) rules.push(`-A neutron-openvswi-i${id} -s 10.${p & 255}.${r}.0/24 -p tcp -m tcp --dport ${1000 + r} -j RETURN`);
    rules.push(`-A neutron-openvswi-i${id} -j neutron-openvswi-sg-fallback`);
  }
  return ['# Generated by iptables-save v1.8.9 (nf_tables)', '*filter', ...chains, ...rules, 'COMMIT', ''].join('\n');
}

describe('a 50k-rule dump in the editor', () => {
  before(async () => {
    await activeExtension();
  });

  it('publishes diagnostics, the Outline and re-analysis after an edit (times printed, not asserted)', async function () {
    this.timeout(180_000);
    const text = largeDump(2100);
    const doc = await openFixture('compute-big.iptables-save', text);
    let started = Date.now();
    await diagnosticsOf(doc.uri, (d) => d.some((x) => codeOf(x) === 'unused-chain'), 120_000);
    const firstMs = Date.now() - started;
    started = Date.now();
    const outline = symbols(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri));
    const outlineMs = Date.now() - started;
    const rules = text.split('\n').filter((l) => l.startsWith('-A ')).length;
    assert.ok(rules >= 50_000, `${rules} rules`);
    // Above 10k rules the Outline lists tables and chains only.
    assert.equal(outline[0]!.children.length, 2100 + 7);
    assert.ok(outline[0]!.children.every((c) => c.children.length === 0));
    assert.match(outline[0]!.children.find((c) => c.name === 'FORWARD')!.detail, new RegExp(`rules not listed \\(${rules} in the file\\)`));

    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(doc.lineCount - 2, 0), '-A INPUT -j no-such-chain\n');
    started = Date.now();
    assert.ok(await vscode.workspace.applyEdit(edit));
    const editMs = Date.now() - started;
    const diags = await diagnosticsOf(doc.uri, (d) => d.some((x) => codeOf(x) === 'undefined-chain'), 120_000);
    const reanalysisMs = Date.now() - started;
    assert.equal(diags.find((d) => codeOf(d) === 'undefined-chain')!.range.start.line, doc.lineCount - 3);
    started = Date.now();
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionOf(doc, '--state', 3));
    const hoverMs = Date.now() - started;
    assert.match(hoverText(hovers), /ct state/);
    console.log(`      ${rules} rules: first diagnostics ${firstMs} ms after open, Outline ${outlineMs} ms, edit applied in ${editMs} ms, ` +
      `its diagnostic visible after ${reanalysisMs} ms (debounce included), hover ${hoverMs} ms`);

    // Typing inside a rule line keeps every line where it was: the Outline (and folding) of a big
    // dump come from the last analysis until typing pauses.
    const before = symbols(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri));
    const ruleLine = doc.getText().split('\n').findIndex((l) => l.includes('--dport 1007 '));
    const at = doc.lineAt(ruleLine).text.indexOf('1007');
    const inLine = new vscode.WorkspaceEdit();
    inLine.replace(doc.uri, new vscode.Range(ruleLine, at, ruleLine, at + 4), '2007');
    assert.ok(await vscode.workspace.applyEdit(inLine));
    const during = symbols(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri));
    assert.deepEqual(during.map((t) => t.children.map((c) => [c.name, c.range.start.line])), before.map((t) => t.children.map((c) => [c.name, c.range.start.line])));
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri);
    assert.ok(folds.some((f) => f.start === before[0]!.range.start.line), 'the table still folds');
    // A new line moves the lines after it: that needs a new analysis, and gets one.
    const newChain = new vscode.WorkspaceEdit();
    newChain.insert(doc.uri, new vscode.Position(2, 0), ':added-while-typing - [0:0]\n');
    assert.ok(await vscode.workspace.applyEdit(newChain));
    const after = symbols(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri));
    const added = after[0]!.children.find((c) => c.name === 'added-while-typing');
    assert.equal(added?.range.start.line, 2);
    assert.equal(after[0]!.children.find((c) => c.name === 'FORWARD')!.range.start.line, before[0]!.children.find((c) => c.name === 'FORWARD')!.range.start.line + 1);
  });
});
