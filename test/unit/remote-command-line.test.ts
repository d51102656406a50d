import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { quoteArg, toShellLine, withSudo } from '../../src/remote/command-line';

describe('argv quoting for the remote shell', () => {
  it('leaves plain words alone and quotes the rest once', () => {
    assert.equal(toShellLine(['ip', 'netns', 'exec', 'qrouter-0391ee86', 'iptables-save']), 'ip netns exec qrouter-0391ee86 iptables-save');
    assert.equal(quoteArg(''), "''");
    assert.equal(quoteArg('a b'), "'a b'");
    assert.equal(quoteArg("it's"), `'it'\\''s'`);
    assert.equal(quoteArg('$(id)'), "'$(id)'");
    assert.equal(quoteArg('x;rm -rf /'), "'x;rm -rf /'");
    assert.equal(quoteArg('*'), "'*'");
  });

  it('refuses NUL bytes and empty commands', () => {
    assert.throws(() => quoteArg('a\0b'));
    assert.throws(() => toShellLine([]));
  });

  it('wraps with sudo -n --', () => {
    assert.deepEqual(withSudo(['nft', 'list', 'ruleset']), ['sudo', '-n', '--', 'nft', 'list', 'ruleset']);
  });

  it('round-trips any argument through /bin/sh', function () {
    this.timeout(30_000); // one sh process per case: slow on a loaded machine, never hung
    const arg = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (args) => {
        const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${toShellLine(args)}`]);
        assert.deepEqual(out.toString('utf8').split('\0').slice(0, -1), args);
      }),
      { numRuns: 80 },
    );
  });
});
