// SshRunner failure paths that need no sshd: silent, closing and refusing TCP peers on loopback.
import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import { RemoteError } from '../../src/remote/errors';
import { SshRunner } from '../../src/remote/ssh-runner';
import type { SshEndpoint } from '../../src/remote/ssh-config';

function endpoint(port: number, connectTimeoutMs?: number): SshEndpoint {
  return {
    alias: 'test',
    hostName: '127.0.0.1',
    port,
    user: 'nobody',
    identityFiles: [],
    identityFilesConfigured: false,
    identitiesOnly: true,
    identityAgent: undefined,
    proxyJump: [],
    connectTimeoutMs,
    userKnownHostsFiles: [],
    serverAliveIntervalMs: undefined,
    serverAliveCountMax: undefined,
    passwordAuthentication: false,
    kbdInteractiveAuthentication: false,
  };
}

async function listen(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

async function failure(runner: SshRunner): Promise<RemoteError> {
  try {
    await runner.run(['true']);
  } catch (err) {
    assert.ok(err instanceof RemoteError, String(err));
    return err;
  } finally {
    await runner.dispose();
  }
  assert.fail('expected a failure');
}

const interaction = { trustHostKey: async () => false };

describe('ssh runner failures without a server', function () {
  this.timeout(10_000); // bounded-time guard: every case must fail well before this

  it('times out on a peer that accepts and never speaks, using ConnectTimeout', async () => {
    const peer = await listen(() => {});
    try {
      const started = Date.now();
      const err = await failure(new SshRunner({ endpoint: endpoint(peer.port, 500), interaction }));
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /no SSH connection within 1 s/);
      assert.ok(Date.now() - started < 5000);
    } finally {
      for (const s of peer.sockets) s.destroy();
      peer.server.close();
    }
  });

  it('reports a peer that hangs up during the handshake', async () => {
    const peer = await listen((s) => s.end('SSH-2.0-broken\r\n'));
    try {
      const err = await failure(new SshRunner({ endpoint: endpoint(peer.port, 3000), interaction }));
      assert.ok(err.kind === 'connection-lost', err.message);
    } finally {
      peer.server.close();
    }
  });

  it('reports a refused port', async () => {
    const peer = await listen(() => {});
    const port = peer.port;
    await new Promise((r) => peer.server.close(r));
    const err = await failure(new SshRunner({ endpoint: endpoint(port, 3000), interaction }));
    assert.equal(err.kind, 'refused');
    assert.match(err.message, new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`));
  });

  it('is cancelled by an aborted signal before connecting', async () => {
    const runner = new SshRunner({ endpoint: endpoint(1, 1000), interaction });
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(runner.run(['true'], { signal: abort.signal }), { kind: 'cancelled' });
  });
});
