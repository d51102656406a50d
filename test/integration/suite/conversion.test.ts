import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import * as vscode from 'vscode';
import { convertCommand } from '../../../src/cli/convert';
import { parseIptablesSave } from '../../../src/convert/iptables';
import { parseIpset } from '../../../src/convert/ipset';
import { convertFiles, type ConversionResult } from '../../../src/convert/translate/convert';
import { ipsetsFromFile } from '../../../src/convert/translate/sets';
import { ConversionIndex, convertFileOptions, DEFAULT_VIEW_OPTIONS, describeCounts, dialectOf, isConversionDiagnostic, keepRulesOnLines, type ViewOptions } from '../../../src/views/conversion/model';
import { requirePrereqs } from '../../support/prereq';
import { activeExtension, clickInWebview, harnessHasPage, openFixture, openSample, screenshot, sleep, tidyWorkbench } from './support';

/** The shared corpus: NFLENS_CORPUS, or ../shared/corpus beside the checkout the harness runs from. */
const corpusCandidates = [process.env.NFLENS_CORPUS, join(process.cwd(), '..', 'shared', 'corpus'), process.env.PWD && join(process.env.PWD, '..', 'shared', 'corpus')]
  .filter((p): p is string => !!p).map((p) => resolve(p));
const corpus = corpusCandidates.find((p) => existsSync(join(p, 'neutron')));
const neutronPath = (name: string) => join(corpus ?? '', 'neutron', name);

interface TestState {
  sessionId: string;
  outputUri: string;
  sources: string[];
  ipsets: string[];
  options: ViewOptions;
  generation: number;
  summary: ConversionIndex['summary'];
  outputProblemLines: number[];
  lastKind: 'full' | 'rule';
  lastRead: 'line' | 'documents';
  lastWhere?: 'prepared' | 'worker' | 'thread';
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function outputDoc(uri: vscode.Uri): vscode.TextDocument {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  assert.ok(doc, `the output document ${uri} is open`);
  return doc;
}

function outputEditor(uri: vscode.Uri): vscode.TextEditor | undefined {
  return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
}

async function state(arg?: unknown): Promise<TestState> {
  const s = await vscode.commands.executeCommand<TestState | undefined>('netfilterLens.convert.testState', arg);
  assert.ok(s, 'a conversion session exists');
  return s;
}

/** What the converter computes for these texts and options, called directly. */
function expected(dumps: { text: string; name: string }[], opts: ViewOptions, ipsetTexts: string[] = []): ConversionResult {
  const ipsets = ipsetTexts.flatMap((t) => ipsetsFromFile(parseIpset(t)));
  return convertFiles(dumps.map((d) => ({ file: parseIptablesSave(d.text, { dialect: dialectOf(d.text, d.name.split('/').pop()) }), name: d.name })), convertFileOptions(opts, ipsets));
}

/** The standard output of `nflens convert ARGS...`. */
async function nflensConvert(...args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  await convertCommand.run(args, { stdout, stderr: new PassThrough(), stdin: new PassThrough() });
  return Buffer.concat(chunks).toString('utf8');
}

async function convert(doc: vscode.TextDocument): Promise<vscode.Uri> {
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  const out = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert', doc.uri);
  assert.ok(out, 'the command returns the output document');
  return out;
}

function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  // The language features add the parser's diagnostics (same source); the view adds the conversion's.
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'netfilter-lens' && typeof d.code === 'object' && isConversionDiagnostic({ code: String(d.code.value) }));
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint };

/** The view's diagnostics are the converter's, at the same ranges with the same severities. */
function assertSameDiagnostics(uri: vscode.Uri, result: ConversionResult): void {
  const shown = ourDiagnostics(uri).map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${codeOf(d)}`).sort();
  const want = result.diagnostics.filter((d) => d.file === uri.toString() && isConversionDiagnostic(d))
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${SEVERITY[d.severity]} ${d.code}`).sort();
  assert.deepEqual(shown, want);
}

async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
}

describe('conversion view', function () {
  this.timeout(120_000);

  before(async function () {
    requirePrereqs(this, { what: `the shared corpus (looked in ${corpusCandidates.join(', ')})`, ok: corpus !== undefined });
    await activeExtension();
    await tidyWorkbench();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('netfilterLens.convert.switchStyle', 'ruleset');
    await vscode.commands.executeCommand('netfilterLens.convert.setPhysdev', 'comment');
    await vscode.commands.executeCommand('netfilterLens.convert.toggleCounters', true);
    await vscode.commands.executeCommand('netfilterLens.convert.toggleMergeInet', false);
  });

  // First, so the Problems panel shows only this dump's problems.
  it('screenshot: the side-by-side view with the Problems panel', async function () {
    requirePrereqs(this, { what: 'the harness browser page, for the screenshot (absent under npm run test:electron)', ok: harnessHasPage() });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const sample = await openSample('compute-node/compute-07.iptables-save');
    const editor = await vscode.window.showTextDocument(sample, { viewColumn: vscode.ViewColumn.One, preview: false });
    const out = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert', sample.uri);
    const physdevLine = sample.getText().split('\n').findIndex((l) => l.includes('-m physdev'));
    editor.selection = new vscode.Selection(physdevLine, 0, physdevLine, 0);
    editor.revealRange(new vscode.Range(physdevLine, 0, physdevLine, 0), vscode.TextEditorRevealType.InCenter);
    await waitFor('the output selection', () => outputEditor(out)?.selection.isEmpty === false);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.window.showTextDocument(sample, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    await sleep(2500);
    assert.ok(await screenshot('conversion-view'));
  });

  it('opens the qrouter conversion beside the dump, equal to the converter output, as a read-only nft document', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('qrouter-0391ee86.iptables-save')));
    const out = await convert(doc);
    const shown = outputDoc(out);
    assert.equal(shown.languageId, 'nft');
    assert.equal(out.scheme, 'nflens-convert');
    assert.equal(shown.getText(), await nflensConvert(doc.uri.fsPath));
    assert.equal(shown.getText(), expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS).output);
    const editor = outputEditor(out);
    assert.ok(editor, 'the output is visible');
    assert.equal(editor.viewColumn, vscode.ViewColumn.Two, 'the output opens beside the source');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString(), 'the source keeps the focus');
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Two, preserveFocus: false });
    await vscode.commands.executeCommand('type', { text: 'typed' });
    assert.equal(shown.getText(), expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS).output, 'typing does not change the output');
    assert.equal(shown.isDirty, false);
  });

  it('shows the counts of each chain in a CodeLens; copies and opens the output as an untitled nft document', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('qrouter-0391ee86.iptables-save')));
    const out = await convert(doc);
    const want = new ConversionIndex(expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS));
    const lenses = await waitFor('the chain CodeLenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
      return l?.some((x) => x.command?.title.includes('→')) ? l : undefined;
    });
    const titles = new Map(lenses.filter((l) => l.command?.title.includes('→')).map((l) => [l.range.start.line, l.command!.title]));
    const chains = want.summary.chains;
    assert.ok(chains.length > 3);
    const decls = new Map<string, number>();
    let table = '';
    for (const [i, l] of doc.getText().split('\n').entries()) {
      if (l.startsWith('*')) table = l.slice(1).trim();
      else if (l.startsWith(':')) decls.set(`${table} ${l.slice(1).split(' ')[0]}`, i);
    }
    for (const c of chains) {
      const declLine = decls.get(`${c.table} ${c.chain}`);
      assert.ok(declLine !== undefined, `declaration of ${c.table} ${c.chain}`);
      assert.equal(titles.get(declLine), describeCounts(c), `CodeLens of ${c.table} ${c.chain}`);
    }
    await vscode.commands.executeCommand('netfilterLens.convert.copy', out);
    assert.equal(await vscode.env.clipboard.readText(), outputDoc(out).getText());
    const untitled = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert.openUntitled', out);
    const copy = vscode.workspace.textDocuments.find((d) => d.uri.toString() === untitled.toString());
    assert.equal(copy?.languageId, 'nft');
    assert.equal(copy?.isUntitled, true);
    assert.equal(copy?.getText(), outputDoc(out).getText());
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const target = vscode.Uri.file(join(mkdtempSync(join(tmpdir(), 'nflens-save-')), 'qrouter.nft'));
    const saved = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert.saveAs', out, target);
    assert.equal(saved?.toString(), target.toString());
    assert.equal(readFileSync(target.fsPath, 'utf8'), outputDoc(out).getText());
  });

  it('counts per table in the CodeLenses of a dump with thousands of chains', async () => {
    // 500 ports of a compute node: about 1,500 chains, more than a lens per chain is worth.
    const { generateNeutronDump } = await import('../../../bench/gen-neutron.mjs');
    const gen = generateNeutronDump({ rules: 6000, ports: 500, useSets: false, seed: 4 });
    const doc = await openFixture('compute-many-chains.iptables-save', gen.iptables);
    await convert(doc);
    const want = new ConversionIndex(expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS));
    assert.ok(want.summary.chains.length > 1000, `${want.summary.chains.length} chains`);
    const lenses = await waitFor('the table CodeLenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
      return l?.some((x) => x.command?.title.includes('→')) ? l : undefined;
    });
    const ours = lenses.filter((l) => l.command?.title.includes('→'));
    const lines = doc.getText().split('\n');
    const tables = [...new Set(want.summary.chains.map((c) => c.table))];
    assert.deepEqual(ours.map((l) => lines[l.range.start.line]), tables.map((t) => `*${t}`));
    for (const [i, table] of tables.entries()) {
      const chains = want.summary.chains.filter((c) => c.table === table);
      const total = { rules: 0, translated: 0, approximated: 0, unsupported: 0 };
      for (const c of chains) for (const k of ['rules', 'translated', 'approximated', 'unsupported'] as const) total[k] += c[k];
      assert.ok(ours[i]!.command!.title.startsWith(`${chains.length} chains, ${describeCounts(total)}`), ours[i]!.command!.title);
    }
  });

  it('the summary follows the active source editor', async () => {
    const a = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('qrouter-0391ee86.iptables-save')));
    const b = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('qdhcp-3e8f1a2b.iptables-save')));
    const outA = await convert(a);
    const outB = await convert(b);
    await vscode.commands.executeCommand('netfilterLens.convert.showSummary', outA);
    const [stA, stB] = [await state(outA), await state(outB)];
    const shown = async () => (await vscode.commands.executeCommand<{ sessionId: string; rules: number } | undefined>('netfilterLens.convert.summaryCounts'));
    await vscode.window.showTextDocument(a, { viewColumn: vscode.ViewColumn.One });
    await waitFor('the summary of the first dump', async () => (await shown())?.sessionId === stA.sessionId, 30_000);
    await vscode.window.showTextDocument(b, { viewColumn: vscode.ViewColumn.One });
    const counts = await waitFor('the summary of the second dump', async () => {
      const c = await shown();
      return c?.sessionId === stB.sessionId ? c : undefined;
    }, 30_000);
    assert.equal(counts.rules, stB.summary.rules);
  });

  it('converts the compute-node dump with its ipset dump found beside it; physdev diagnostics as the converter reports them', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('compute-ovs-hybrid-sg.iptables-save')));
    const out = await convert(doc);
    const st = await state(out);
    assert.deepEqual(st.ipsets.map((u) => u.split('/').pop()), ['compute-ovs-hybrid-sg.ipset-save']);
    const want = expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS, [readFileSync(neutronPath('compute-ovs-hybrid-sg.ipset-save'), 'utf8')]);
    assert.equal(outputDoc(out).getText(), want.output);
    assert.equal(outputDoc(out).getText(), await nflensConvert(doc.uri.fsPath), 'nflens convert takes the ipset dump beside the file too');
    assertSameDiagnostics(doc.uri, want);
    const physdev = ourDiagnostics(doc.uri).filter((d) => codeOf(d) === 'physdev-unsupported');
    assert.ok(physdev.length > 0);
    for (const d of physdev) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.match(doc.getText(d.range), /^-m physdev /, 'the range covers the physdev match');
      const target = (d.code as { target: vscode.Uri }).target;
      assert.equal(target.fragment, 'physdev-unsupported');
      const related = d.relatedInformation?.[0];
      assert.ok(related, 'related information points at the output');
      assert.equal(related.location.uri.toString(), out.toString());
      assert.match(outputDoc(out).lineAt(related.location.range.start.line).text, /physdev/);
    }
    assert.ok(st.outputProblemLines.length > 0, 'the output shows the problems as decorations');
  });

  it('converts a dump shown for a moment from the conversion prepared in the background, and never a stale one', async () => {
    // A copy of its own (with its ipset dump beside it): no conversion of it is open yet.
    const dir = mkdtempSync(join(tmpdir(), 'nflens-prepared-'));
    const dumpPath = join(dir, 'compute-copy.iptables-save');
    writeFileSync(dumpPath, readFileSync(neutronPath('compute-ovs-hybrid-sg.iptables-save')));
    writeFileSync(join(dir, 'compute-copy.ipset-save'), readFileSync(neutronPath('compute-ovs-hybrid-sg.ipset-save')));
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(dumpPath));
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    // Prepared once the dump has been shown, unchanged, for a second.
    const prepared = (uri: vscode.Uri) => vscode.commands.executeCommand<string>('netfilterLens.convert.testPrepared', uri);
    assert.notEqual(await prepared(doc.uri), 'none', 'scheduled as soon as it is the active editor');
    await waitFor('the prepared conversion', async () => (await prepared(doc.uri)) === 'ready');
    const out = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert', doc.uri);
    const st = await state(out);
    assert.equal(st.lastWhere, 'prepared');
    assert.equal(outputDoc(out).getText(), await nflensConvert(dumpPath), 'the prepared conversion is what nflens convert prints, ipset dump included');
    assertSameDiagnostics(doc.uri, expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS, [readFileSync(join(dir, 'compute-copy.ipset-save'), 'utf8')]));
    assert.ok(editor.document === doc);
    // Later whole conversions (here: another style) are made in the worker.
    await vscode.commands.executeCommand('netfilterLens.convert.switchStyle', 'script');
    const ipsetText = readFileSync(join(dir, 'compute-copy.ipset-save'), 'utf8');
    const script = expected([{ text: doc.getText(), name: doc.uri.toString() }], { ...DEFAULT_VIEW_OPTIONS, style: 'script' }, [ipsetText]).output;
    await waitFor('the script style', () => outputDoc(out).getText() === script);
    assert.equal((await state(out)).lastWhere, 'worker');

    await vscode.commands.executeCommand('netfilterLens.convert.switchStyle', 'ruleset');

    // A second copy, edited right after its conversion was prepared: converted again, from the edited text.
    const otherPath = join(dir, 'other.iptables-save');
    writeFileSync(otherPath, readFileSync(neutronPath('qrouter-0391ee86.iptables-save')));
    const other = await vscode.workspace.openTextDocument(vscode.Uri.file(otherPath));
    const otherEditor = await vscode.window.showTextDocument(other, { viewColumn: vscode.ViewColumn.One, preview: false });
    await waitFor('the prepared conversion', async () => (await prepared(other.uri)) === 'ready');
    const line = other.getText().split('\n').findIndex((l) => /^-A .* -j ACCEPT/.test(l));
    assert.ok(line > 0);
    await otherEditor.edit((e) => e.insert(new vscode.Position(line, other.lineAt(line).text.length), ' -m comment --comment edited'));
    // An edit drops what was prepared and prepares again later.
    await waitFor('the edited dump to be scheduled again', async () => (await prepared(other.uri)) === 'scheduled');
    const out2 = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert', other.uri);
    assert.equal((await state(out2)).lastWhere, 'worker');
    assert.match(outputDoc(out2).getText(), /comment "edited"/);
    assert.equal(outputDoc(out2).getText(), expected([{ text: other.getText(), name: other.uri.toString() }], DEFAULT_VIEW_OPTIONS).output);
    await vscode.commands.executeCommand('workbench.action.files.revert');

    // Turned off: nothing is converted ahead.
    const cfg = vscode.workspace.getConfiguration('netfilterLens.convert');
    await cfg.update('prepare', false, vscode.ConfigurationTarget.Global);
    try {
      const thirdPath = join(dir, 'third.iptables-save');
      writeFileSync(thirdPath, readFileSync(neutronPath('qdhcp-3e8f1a2b.iptables-save')));
      const third = await vscode.workspace.openTextDocument(vscode.Uri.file(thirdPath));
      await vscode.window.showTextDocument(third, { viewColumn: vscode.ViewColumn.One, preview: false });
      await sleep(1500);
      assert.equal(await prepared(third.uri), 'none');
    } finally {
      await cfg.update('prepare', undefined, vscode.ConfigurationTarget.Global);
    }

    // A dump VS Code treats as a large file (over 300,000 lines) is not converted unasked.
    const hugePath = join(dir, 'huge.iptables-save');
    writeFileSync(hugePath, `*filter\n:INPUT ACCEPT [0:0]\n${'# padding\n'.repeat(300_000)}COMMIT\n`);
    const huge = await vscode.workspace.openTextDocument(vscode.Uri.file(hugePath));
    await vscode.window.showTextDocument(huge, { viewColumn: vscode.ViewColumn.One, preview: false });
    assert.equal(huge.languageId, 'iptables-save');
    await sleep(1500);
    assert.equal(await prepared(huge.uri), 'none');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('reports CHECKSUM as unsupported; the quick fix comments the rule out and the output follows', async () => {
    const sample = await openSample('network-node/qdhcp-8f2b7c14.iptables-save');
    const doc = await openFixture('qdhcp-8f2b7c14.iptables-save', sample.getText());
    const out = await convert(doc);
    const want = expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS);
    assertSameDiagnostics(doc.uri, want);
    const checksum = ourDiagnostics(doc.uri).find((d) => codeOf(d) === 'checksum-fill-unsupported');
    assert.ok(checksum, 'a checksum-fill-unsupported diagnostic');
    assert.equal(checksum.severity, vscode.DiagnosticSeverity.Error);
    assert.match(doc.lineAt(checksum.range.start.line).text, /-j CHECKSUM --checksum-fill/);
    assert.match(doc.getText(checksum.range), /CHECKSUM/);
    const before = (await state(out)).generation;
    const fix = (await codeActions(doc.uri, checksum.range)).find((a) => a.title === 'Replace this CHECKSUM rule by a comment');
    assert.ok(fix?.edit, 'the CHECKSUM quick fix');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(checksum.range.start.line).text, /^# netfilter-lens: CHECKSUM --checksum-fill removed/);
    const fixed = expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS).output;
    await waitFor('the output to follow the edit', () => outputDoc(out).getText() === fixed);
    assert.ok((await state(out)).generation > before);
    assert.ok(!ourDiagnostics(doc.uri).some((d) => codeOf(d) === 'checksum-fill-unsupported' && d.range.start.line === checksum.range.start.line));
  });

  it('fixes every CHECKSUM rule at once (source.fixAll), and a selection conversion offers the whole file', async () => {
    const text = readFileSync(neutronPath('qdhcp-3e8f1a2b.iptables-save'), 'utf8');
    const doc = await openFixture('qdhcp-all.iptables-save', text);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const line = text.split('\n').findIndex((l) => /-j CHECKSUM/.test(l));
    editor.selection = new vscode.Selection(line, 0, line, 5);
    const out = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convertSelection');
    assert.equal((await state(out)).summary.rules, 1);
    const checksum = await waitFor('the CHECKSUM diagnostic', () => ourDiagnostics(doc.uri).find((d) => codeOf(d) === 'checksum-fill-unsupported'));
    const actions = await codeActions(doc.uri, checksum.range);
    const whole = actions.find((a) => a.title === 'Convert the whole file to nftables');
    assert.ok(whole?.command, 'a selection conversion offers the whole file');
    const fixAll = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.netfilterLens')) ?? [];
    const fix = fixAll.find((a) => a.title === 'Replace every CHECKSUM rule by a comment');
    assert.ok(fix?.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.doesNotMatch(doc.getText(), /^-A .*-j CHECKSUM/m);
    const wholeOut = await vscode.commands.executeCommand<vscode.Uri>(whole.command.command, ...(whole.command.arguments ?? []));
    const want = expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS);
    await waitFor('the whole file converted', () => outputDoc(wholeOut).getText() === want.output);
    assert.ok(!want.diagnostics.some((d) => d.code === 'checksum-fill-unsupported'));
  });

  it('updates the output as the source is edited', async () => {
    const original = readFileSync(neutronPath('qrouter-0391ee86.iptables-save'), 'utf8');
    const doc = await openFixture('qrouter-edit.iptables-save', original);
    const out = await convert(doc);
    const line = original.split('\n').findIndex((l) => /^-A \S+ .*-p tcp .*--dport \d+/.test(l));
    assert.ok(line > 0, 'a tcp rule with a port');
    const text = doc.lineAt(line).text;
    const port = /--dport (\d+)/.exec(text)![1]!;
    const at = text.indexOf(`--dport ${port}`) + '--dport '.length;
    const output = outputEditor(out)!;
    output.revealRange(new vscode.Range(100, 0, 100, 0), vscode.TextEditorRevealType.AtTop);
    const top = await waitFor('the output scrolled', () => ((output.visibleRanges[0]?.start.line ?? 0) > 50 ? output.visibleRanges[0]!.start.line : undefined));
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const outputChanges: vscode.TextDocumentContentChangeEvent[] = [];
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === out.toString()) outputChanges.push(...e.contentChanges);
    });
    await editor.edit((e) => e.replace(new vscode.Range(line, at, line, at + port.length), '4242'));
    await waitFor('the output to show the new port', () => outputDoc(out).getText().includes('dport 4242'));
    sub.dispose();
    assert.equal(outputDoc(out).getText(), expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS).output);
    // The output got the changed line, not the whole text again; it stays a clean read-only view.
    assert.ok(outputChanges.length > 0);
    for (const c of outputChanges) {
      assert.equal(c.range.start.line, c.range.end.line - 1, `one line replaced: ${JSON.stringify(c.range)}`);
      assert.ok(c.text.includes('dport 4242') && c.text.split('\n').length === 2, `the new line only: ${JSON.stringify(c.text)}`);
    }
    assert.equal(outputDoc(out).isDirty, false);
    assertSameDiagnostics(doc.uri, expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS));
    // A second edit makes the rule unsupported: its problem appears, pointing at its output line.
    const edited = doc.lineAt(line).text;
    const target = edited.indexOf(' -j ');
    await editor.edit((e) => e.replace(new vscode.Range(line, target, line, edited.length), ' -j CHECKSUM --checksum-fill'));
    const want = expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS);
    await waitFor('the output to show the new rule', () => outputDoc(out).getText() === want.output);
    await waitFor('the problem of the edited rule', () => ourDiagnostics(doc.uri).some((d) => d.range.start.line === line));
    assertSameDiagnostics(doc.uri, want);
    const rule = want.rules.find((r) => r.source.start.line === line)!;
    assert.equal(rule.outcome, 'unsupported');
    for (const d of ourDiagnostics(doc.uri).filter((x) => x.range.start.line === line)) {
      assert.equal(d.relatedInformation?.[0]?.location.range.start.line, rule.output!.start.line);
    }
    assert.equal((await state(out)).lastKind, 'rule', 'both edits re-translated only their rule');
    await sleep(300);
    assert.equal(outputEditor(out)?.visibleRanges[0]?.start.line, top, 'the output keeps its scroll position');
  });

  it('keeps up with edits in quick succession on several lines, and with a CRLF dump', async () => {
    const original = readFileSync(neutronPath('qrouter-0391ee86.iptables-save'), 'utf8').replace(/\n/g, '\r\n');
    const doc = await openFixture('qrouter-crlf.iptables-save', original);
    assert.equal(doc.eol, vscode.EndOfLine.CRLF);
    const out = await convert(doc);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const ports = original.split('\r\n').map((l, i) => (/^-A \S+ .*--dport \d+/.test(l) ? i : -1)).filter((i) => i >= 0);
    assert.ok(ports.length >= 2, 'two rules with a port');
    // One line edited alone (converted from that line), then edits that follow each other without waiting.
    const setPort = (line: number, port: string) => editor.edit((e) => {
      const m = /--dport (\d+)/.exec(doc.lineAt(line).text)!;
      const at = m.index + '--dport '.length;
      e.replace(new vscode.Range(line, at, line, at + m[1]!.length), port);
    });
    await setPort(ports[0]!, '5151');
    await waitFor('the first edit in the output', () => outputDoc(out).getText().includes('dport 5151'));
    assert.equal(outputDoc(out).getText(), expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS).output);
    const first = await state(out);
    assert.equal(first.lastKind, 'rule');
    assert.equal(first.lastRead, 'line', 'converted from the edited line, the document not read again');
    // Each edit is applied before the next (an editor takes one at a time), none waits for the output.
    for (const [line, port] of [[ports[0]!, '5252'], [ports[1]!, '5353'], [ports[0]!, '5454']] as const) assert.ok(await setPort(line, port), `edit to ${port} applied`);
    const want = () => expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS);
    await waitFor('the output of the last text', () => outputDoc(out).getText() === want().output);
    assert.ok(outputDoc(out).getText().includes('dport 5454') && outputDoc(out).getText().includes('dport 5353'));
    assertSameDiagnostics(doc.uri, want());
  });

  it('selects the output lines of the rule under the cursor, and the source rule of an output line', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('qrouter-0391ee86.iptables-save')));
    const out = await convert(doc);
    const want = expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS);
    const rule = want.rules.filter((r) => r.outcome === 'translated' && r.output)[10]!;
    const source = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    source.selection = new vscode.Selection(rule.source.start.line, 5, rule.source.start.line, 5);
    const output = await waitFor('the output editor selection', () => {
      const ed = outputEditor(out);
      return ed && ed.selection.start.line === rule.output!.start.line && ed.selection.end.line === rule.output!.end.line ? ed : undefined;
    });
    await waitFor('the output lines revealed', () => output.visibleRanges.some((r) => r.contains(new vscode.Position(rule.output!.start.line, 0))));
    // And back: an output line selects its source rule.
    const other = want.rules.filter((r) => r.output && r.source.start.line !== rule.source.start.line)[3]!;
    output.selection = new vscode.Selection(other.output!.start.line, 2, other.output!.start.line, 2);
    await waitFor('the source selection', () => source.selection.start.line === other.source.start.line && source.selection.end.line === other.source.end.line);
  });

  it('attaches an ipset dump found beside the file through the quick fix, which fills the sets', async () => {
    const dump = readFileSync(neutronPath('compute-ovs-hybrid-sg.iptables-save'), 'utf8');
    const sets = readFileSync(neutronPath('compute-ovs-hybrid-sg.ipset-save'), 'utf8');
    const doc = await openFixture('compute-alone.iptables-save', dump);
    const out = await convert(doc);
    const without = expected([{ text: dump, name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS);
    assert.equal(outputDoc(out).getText(), without.output);
    const missing = ourDiagnostics(doc.uri).filter((d) => codeOf(d) === 'ipset-not-found');
    assert.ok(missing.length > 0, 'sets without an ipset dump are reported');
    for (const d of missing) assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assertSameDiagnostics(doc.uri, without);
    // A dump appears beside the file (another name than the sibling convention).
    writeFileSync(join(dirname(doc.uri.fsPath), 'node-sets.ipset-save'), sets);
    const fix = (await codeActions(doc.uri, missing[0]!.range)).find((a) => a.title.startsWith('Attach ipset dump node-sets.ipset-save'));
    assert.ok(fix?.command, 'the attach quick fix names the dump beside the file');
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    const withSets = expected([{ text: dump, name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS, [sets]);
    assert.notEqual(withSets.output, without.output);
    await waitFor('the output with the sets', () => outputDoc(out).getText() === withSets.output);
    assert.equal(ourDiagnostics(doc.uri).filter((d) => codeOf(d) === 'ipset-not-found').length, withSets.diagnostics.filter((d) => d.code === 'ipset-not-found').length);
  });

  it('the physdev quick fix emits the bridge-family rewrite; style and counters switch the output', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('compute-ovs-hybrid-sg.iptables-save')));
    const out = await convert(doc);
    const sets = [readFileSync(neutronPath('compute-ovs-hybrid-sg.ipset-save'), 'utf8')];
    const physdev = ourDiagnostics(doc.uri).find((d) => codeOf(d) === 'physdev-unsupported')!;
    const fix = (await codeActions(doc.uri, physdev.range)).find((a) => a.title.includes('--physdev bridge'));
    assert.ok(fix?.command);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    let opts: ViewOptions = { ...DEFAULT_VIEW_OPTIONS, physdev: 'bridge' };
    const bridged = expected([{ text: doc.getText(), name: doc.uri.toString() }], opts, sets).output;
    await waitFor('the bridge-family output', () => outputDoc(out).getText() === bridged);
    assert.match(outputDoc(out).getText(), /table bridge filter/);
    await vscode.commands.executeCommand('netfilterLens.convert.switchStyle');
    await vscode.commands.executeCommand('netfilterLens.convert.toggleCounters');
    opts = { ...opts, style: 'script', counters: false };
    assert.deepEqual((await state(out)).options, opts, 'the choices are kept');
    const script = expected([{ text: doc.getText(), name: doc.uri.toString() }], opts, sets).output;
    await waitFor('the script-style output', () => outputDoc(out).getText() === script);
    assert.equal(script, await nflensConvert(doc.uri.fsPath, '--physdev', 'bridge', '--style', 'script', '--no-counters'));
    assert.match(outputDoc(out).getText(), /^add rule /m);
  });

  it('converts iptables + ip6tables + ipset of one namespace together, merged into inet tables', async () => {
    const names = ['compute-ovs-hybrid-sg.iptables-save', 'compute-ovs-hybrid-sg.ip6tables-save', 'compute-ovs-hybrid-sg.ipset-save'];
    const uris = names.map((n) => vscode.Uri.file(neutronPath(n)));
    await vscode.commands.executeCommand('netfilterLens.convert.toggleMergeInet', true);
    const out = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convert', uris[0], uris);
    const docs = await Promise.all(uris.map((u) => vscode.workspace.openTextDocument(u)));
    const want = expected(docs.slice(0, 2).map((d) => ({ text: d.getText(), name: d.uri.toString() })), { ...DEFAULT_VIEW_OPTIONS, mergeInet: true }, [docs[2]!.getText()]);
    await waitFor('the merged output', () => outputDoc(out).getText() === want.output);
    assert.equal(want.output, await nflensConvert(...uris.map((u) => u.fsPath), '--merge', 'inet'));
    assert.match(want.output, /table inet filter/);
    assertSameDiagnostics(uris[1]!, want);
  });

  it('converts just the selected rules, with their table and chains', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('qrouter-0391ee86.iptables-save')));
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const lines = doc.getText().split('\n');
    const first = lines.findIndex((l) => l.startsWith('-A neutron-l3-agent-'));
    editor.selection = new vscode.Selection(first, 0, first + 2, 3);
    const out = await vscode.commands.executeCommand<vscode.Uri>('netfilterLens.convertSelection');
    const want = convertFiles([{ file: parseIptablesSave(keepRulesOnLines(doc.getText(), new Set([first, first + 1, first + 2]))), name: doc.uri.toString() }], convertFileOptions(DEFAULT_VIEW_OPTIONS, []));
    assert.equal(want.rules.length, 3);
    assert.equal(outputDoc(out).getText(), want.output);
  });

  it('works on an untitled editor', async () => {
    const text = readFileSync(neutronPath('qdhcp-3e8f1a2b.iptables-save'), 'utf8');
    const doc = await vscode.workspace.openTextDocument({ language: 'iptables-save', content: text });
    const out = await convert(doc);
    const want = expected([{ text, name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS);
    assert.equal(outputDoc(out).getText(), want.output);
    assertSameDiagnostics(doc.uri, want);
  });

  it('the summary webview shows the same counts as the converter', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('compute-ovs-hybrid-sg.iptables-save')));
    const out = await convert(doc);
    await vscode.commands.executeCommand('netfilterLens.convert.showSummary', out);
    const st = await state(out);
    const counts = await waitFor('the webview counts', async () => {
      const c = await vscode.commands.executeCommand<{ sessionId: string; rules: number } | undefined>('netfilterLens.convert.summaryCounts');
      return c && c.sessionId === st.sessionId ? c : undefined;
    }, 30_000) as unknown as {
      rules: number; translated: number; approximated: number; unsupported: number;
      chains: { table: string; chain: string; rules: number; translated: number; approximated: number; unsupported: number }[];
      features: { code: string; count: number }[];
    };
    const want = new ConversionIndex(expected([{ text: doc.getText(), name: doc.uri.toString() }], DEFAULT_VIEW_OPTIONS, [readFileSync(neutronPath('compute-ovs-hybrid-sg.ipset-save'), 'utf8')])).summary;
    assert.deepEqual(
      { rules: counts.rules, translated: counts.translated, approximated: counts.approximated, unsupported: counts.unsupported },
      { rules: want.rules, translated: want.translated, approximated: want.approximated, unsupported: want.unsupported },
    );
    assert.deepEqual(counts.chains, want.chains.map((c) => ({ table: c.table, chain: c.chain, rules: c.rules, translated: c.translated, approximated: c.approximated, unsupported: c.unsupported })));
    assert.deepEqual(counts.features, want.unsupportedFeatures.map((f) => ({ code: f.code, count: f.count })));
    assert.ok(counts.unsupported > 0);
  });

  /** Opens the compute-node conversion with its summary and waits for the webview to show it. */
  async function computeSummary(): Promise<{ doc: vscode.TextDocument; st: TestState; counts: { sessionId: string; rules: number; chains: unknown[]; features: unknown[]; state?: unknown } }> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(neutronPath('compute-ovs-hybrid-sg.iptables-save')));
    const out = await convert(doc);
    await vscode.commands.executeCommand('netfilterLens.convert.showSummary', out);
    const st = await state(out);
    const counts = await waitFor('the webview counts', async () => {
      const c = await vscode.commands.executeCommand<{ sessionId: string; rules: number; chains: unknown[]; features: unknown[]; state?: unknown } | undefined>('netfilterLens.convert.summaryCounts');
      return c && c.sessionId === st.sessionId ? c : undefined;
    }, 30_000);
    return { doc, st, counts };
  }

  it('clicking a chain or feature row of the summary reveals its rule in the source', async function () {
    requirePrereqs(this, { what: 'the harness browser page, for real clicks (absent under npm run test:electron)', ok: harnessHasPage() });
    const { doc, st } = await computeSummary();
    const summary = st.summary!;
    const source = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    source.selection = new vscode.Selection(0, 0, 0, 0);
    const chain = summary.chains.filter((c) => c.rules > 0).at(-1)!;
    assert.ok(chain.firstLine > 0);
    assert.ok(await clickInWebview(`tr.chain-row[data-table="${chain.table}"][data-chain="${chain.chain}"]`));
    await waitFor(`the source selection on ${chain.chain}'s first rule (line ${chain.firstLine})`, () => {
      const ed = vscode.window.activeTextEditor;
      return ed?.document.uri.toString() === doc.uri.toString() && ed.selection.start.line === chain.firstLine;
    });
    const feature = summary.unsupportedFeatures[0]!;
    assert.ok(feature.first.range.start.line !== chain.firstLine);
    assert.ok(await clickInWebview(`#unsupported tr.feature-row[data-code="${feature.code}"]`));
    await waitFor(`the source selection on the first ${feature.code} rule (line ${feature.first.range.start.line})`, () => {
      const ed = vscode.window.activeTextEditor;
      return ed?.document.uri.toString() === doc.uri.toString() && ed.selection.start.line === feature.first.range.start.line;
    });
  });

  it('the summary comes back from the state it saved, as VS Code restores it after a reload', async () => {
    const { doc, counts } = await computeSummary();
    assert.deepEqual(counts.state, { sources: [doc.uri.toString()] });
    // A reload leaves no panel behind.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the summary panel to close', async () => (await vscode.commands.executeCommand('netfilterLens.convert.summaryCounts')) === undefined);
    await vscode.commands.executeCommand('netfilterLens.convert.testRestoreSummary', counts.state);
    const restored = await waitFor('the restored webview counts', async () => vscode.commands.executeCommand<typeof counts | undefined>('netfilterLens.convert.summaryCounts'), 30_000);
    assert.deepEqual({ ...restored, sessionId: '' }, { ...counts, sessionId: '' });
    assert.deepEqual((await state(restored.sessionId)).sources, [doc.uri.toString()]);
  });

});
