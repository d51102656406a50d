import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activeExtension, openFixture, sleep } from './support';

// Runs first (files load in name order), while nothing has activated the extension yet.
describe('extension', () => {
  it('activates when an nft document opens (onLanguage)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded from the development path`);
    await openFixture('activation-probe.nft', 'flush ruleset\n');
    for (let i = 0; i < 100 && !ext.isActive; i++) await sleep(100);
    assert.equal(ext.isActive, true, 'still inactive 10 s after an nft document opened');
  });

  it('is the development copy and activates cleanly', async () => {
    const ext = await activeExtension();
    assert.equal(ext.packageJSON.name, 'netfilter-lens');
    assert.equal(ext.packageJSON.publisher, 'netfilter-lens');
  });

  it('contributes the iptables-save, nft and ipset languages', async () => {
    const languages = await vscode.languages.getLanguages();
    for (const id of ['iptables-save', 'nft', 'ipset']) assert.ok(languages.includes(id), `language ${id} missing`);
  });
});
