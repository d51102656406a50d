import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activeExtension } from './support';

describe('extension', () => {
  it('is loaded from the development path and activates', async () => {
    const ext = await activeExtension();
    assert.equal(ext.id, EXTENSION_ID);
    assert.equal(ext.isActive, true);
    assert.equal(ext.packageJSON.name, 'netfilter-lens');
  });

  it('contributes the iptables-save, nft and ipset languages', async () => {
    const languages = await vscode.languages.getLanguages();
    for (const id of ['iptables-save', 'nft', 'ipset']) assert.ok(languages.includes(id), `language ${id} missing`);
  });
});
