// The local runner: argv straight to child_process (no shell), exit codes, missing programs, limits.
import { strict as assert } from 'node:assert';
import { LocalRunner } from '../../src/remote/local-runner';
import { commandFailure } from '../../src/remote/errors';

describe('local runner', function () {
  this.timeout(10_000);
  const runner = new LocalRunner({ sudo: false, maxParallel: 2 });

  it('passes arguments without a shell', async () => {
    const r = await runner.run(['printf', '%s|', '$(id)', 'a b', "it's"]);
    assert.deepEqual(r, { code: 0, stdout: '$(id)|a b|it\'s|', stderr: '' });
  });

  it('returns the exit status and stderr of a failing command', async () => {
    const r = await runner.run(['sh', '-c', 'echo oops >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, 'oops\n');
  });

  it('reports a missing program as exit 127, which reads as command-missing', async () => {
    const r = await runner.run(['nflens-no-such-program']);
    assert.equal(r.code, 127);
    assert.equal(commandFailure('local', ['nflens-no-such-program'], r).kind, 'command-missing');
  });

  it('kills a command that runs too long', async () => {
    await assert.rejects(runner.run(['sleep', '5'], { timeoutMs: 200 }), { kind: 'timeout' });
  });

  it('stops on cancellation', async () => {
    const abort = new AbortController();
    const p = runner.run(['sleep', '5'], { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await assert.rejects(p, { kind: 'cancelled' });
  });

  it('runs at most maxParallel commands at once', async () => {
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map(() => runner.run(['sleep', '0.2'])));
    assert.ok(Date.now() - started >= 380, 'four 0.2 s commands, two at a time, take at least 0.4 s');
  });

  it('prefixes sudo -n -- when asked', async () => {
    const r = await new LocalRunner({ sudo: true }).run(['true']);
    // Either sudo ran `true`, or sudo is missing / wants a password: all say sudo was used.
    assert.ok(r.code === 0 || /sudo/.test(commandFailure('local', ['sudo', '-n', '--', 'true'], r).message), r.stderr);
  });
});
