import { strict as assert } from 'node:assert';
import { parseNftErrors, validateNft } from '../../src/convert/nft/validate';
import { prereqs, requirePrereqs } from '../support/prereq';

describe('nft validation with the real nft -c (unshare -n)', function () {
  before(function () {
    requirePrereqs(this, prereqs.command('nft'), prereqs.command('unshare'), prereqs.root());
  });

  it('accepts a valid ruleset', async () => {
    const r = await validateNft('table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tip saddr @s tcp dport 22 counter accept\n\t}\n}\n');
    assert.equal(r.ran, true);
    assert.deepEqual(r.diagnostics, []);
  });

  it('turns caret errors into diagnostics at the same range', async () => {
    const text = 'table ip t {\n\tchain c {\n\t\tip saddr @nope drop\n\t}\n}\n';
    const r = await validateNft(text);
    assert.equal(r.ran, true);
    assert.equal(r.diagnostics.length, 1, r.output);
    const d = r.diagnostics[0]!;
    assert.equal(d.code, 'nft-validate-error');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, { start: { line: 2, character: 11 }, end: { line: 2, character: 16 } });
    assert.equal(text.split('\n')[2]!.slice(d.range.start.character, d.range.end.character), '@nope');
  });

  it('reports syntax errors nft finds', async () => {
    const r = await validateNft('table ip t {\n\tchain c {\n\t\ttcp dport 22 bogus\n\t}\n}\n');
    assert.equal(r.ran, true);
    assert.ok(r.diagnostics.some((d) => d.range.start.line === 2 && /syntax error/.test(d.message)), r.output);
  });

  it('says so when nft cannot run', async () => {
    const r = await validateNft('flush ruleset\n', { nft: '/nonexistent/nft' });
    assert.equal(r.ran, false);
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['nft-validate-unavailable']);
  });
});

describe('parseNftErrors', () => {
  it('reads single-line and multi-line locations and included files', () => {
    const text = 'a\nbb bb\nccc\n';
    const out = 'Error: oops\n/dev/stdin:2:4-5: Error: bad thing\nbb bb\n   ^^\n/dev/stdin:1:1-3:2: Warning: spans\n/etc/x.nft:7:1-3: Error: in include\n';
    assert.deepEqual(
      parseNftErrors(out, text).map((d) => [d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]),
      [
        ['error', 1, 3, 1, 5, 'nft: bad thing'],
        ['warning', 0, 0, 2, 2, 'nft: spans'],
        ['error', 0, 0, 0, 1, 'nft: /etc/x.nft:7:1: in include'],
      ],
    );
  });
});
