// SshRunner against an in-process ssh2 server: password and keyboard-interactive logins, the
// exact command line the server receives, exit codes, timeouts, and a drop mid-command.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import { toShellLine } from '../../src/remote/command-line';
import { RemoteError } from '../../src/remote/errors';
import type { SshEndpoint } from '../../src/remote/ssh-config';
import { SshRunner, type SshInteraction } from '../../src/remote/ssh-runner';

interface Fake {
  port: number;
  knownHosts: string;
  /** Command lines received, in order. */
  commands: string[];
  connections: number;
  close(): Promise<void>;
}

async function fakeServer(methods: 'password' | 'keyboard-interactive', onExec: (command: string, channel: ServerChannel, conn: Connection) => void): Promise<Fake> {
  // ssh2's generator now and then writes an ed25519 key its own parser rejects; draw again.
  let hostKey = utils.generateKeyPairSync('ed25519');
  for (let i = 0; i < 20 && utils.parseKey(hostKey.private) instanceof Error; i++) hostKey = utils.generateKeyPairSync('ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'nflens-fake-ssh-'));
  const state = { commands: [] as string[], connections: 0 };
  const clients = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, (conn) => {
    state.connections++;
    clients.add(conn);
    conn.on('close', () => clients.delete(conn));
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => {
      if (methods === 'password' && ctx.method === 'password') return ctx.password === 'pw' ? ctx.accept() : ctx.reject(['password']);
      if (methods === 'keyboard-interactive' && ctx.method === 'keyboard-interactive') {
        return ctx.prompt(
          [
            { prompt: 'Password: ', echo: false },
            { prompt: 'Token: ', echo: true },
          ],
          'Login',
          'Two factors',
          (answers) => (answers[0] === 'pw' && answers[1] === '123456' ? ctx.accept() : ctx.reject(['keyboard-interactive'])),
        );
      }
      ctx.reject([methods]);
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        accept().on('exec', (acceptExec, _reject, info) => {
          state.commands.push(info.command);
          onExec(info.command, acceptExec(), conn);
        });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey.public.split(' ').slice(0, 2).join(' ')}\n`);
  return {
    port,
    knownHosts,
    get commands() {
      return state.commands;
    },
    get connections() {
      return state.connections;
    },
    close: async () => {
      for (const c of clients) c.end();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function endpoint(fake: Fake): SshEndpoint {
  return {
    alias: 'fake',
    hostName: '127.0.0.1',
    port: fake.port,
    user: 'operator',
    identityFiles: [],
    identityFilesConfigured: false,
    identitiesOnly: true,
    identityAgent: undefined,
    proxyJump: [],
    connectTimeoutMs: 5000,
    userKnownHostsFiles: [fake.knownHosts],
    serverAliveIntervalMs: undefined,
    serverAliveCountMax: undefined,
    passwordAuthentication: true,
    kbdInteractiveAuthentication: true,
  };
}

const echoCommand = (command: string, ch: ServerChannel) => {
  ch.write(command);
  ch.exit(0);
  ch.end();
};

const noHostPrompt = { trustHostKey: async () => assert.fail('host key should be known') };

describe('ssh runner against an in-process ssh2 server', function () {
  this.timeout(20_000);
  const runners: SshRunner[] = [];
  const fakes: Fake[] = [];
  const runner = (fake: Fake, interaction: SshInteraction, sudo = false) => {
    const r = new SshRunner({ endpoint: endpoint(fake), interaction, sudo, commandTimeoutMs: 5000 });
    runners.push(r);
    return r;
  };
  const serve = async (...args: Parameters<typeof fakeServer>) => {
    const f = await fakeServer(...args);
    fakes.push(f);
    return f;
  };
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.dispose();
    for (const f of fakes.splice(0)) await f.close();
  });

  it('logs in with a password from the callback and sends the argv quoted once', async () => {
    const fake = await serve('password', echoCommand);
    const asked: string[] = [];
    const r = runner(fake, { ...noHostPrompt, password: async (label) => (asked.push(label), 'pw') });
    const argv = ['ip', 'netns', 'exec', 'qrouter-1', 'iptables-save', "it's", '$(id)'];
    const result = await r.run(argv);
    assert.equal(result.stdout, toShellLine(argv));
    assert.deepEqual(asked, [`operator@127.0.0.1:${fake.port}`]);
    assert.equal((await r.run(['true'])).code, 0);
    assert.equal(fake.connections, 1, 'the connection is reused');
  });

  it('prefixes sudo -n -- when asked to', async () => {
    const fake = await serve('password', echoCommand);
    const r = runner(fake, { ...noHostPrompt, password: async () => 'pw' }, true);
    assert.equal((await r.run(['nft', 'list', 'ruleset'])).stdout, 'sudo -n -- nft list ruleset');
  });

  it('reports a wrong password as failed authentication', async () => {
    const fake = await serve('password', echoCommand);
    const r = runner(fake, { ...noHostPrompt, password: async () => 'nope' });
    await assert.rejects(r.run(['true']), (err: unknown) => err instanceof RemoteError && err.kind === 'auth-failed' && /tried: password/.test(err.message));
  });

  it('answers keyboard-interactive prompts through the callback', async () => {
    const fake = await serve('keyboard-interactive', echoCommand);
    let seen: readonly { prompt: string; echo: boolean }[] = [];
    const r = runner(fake, {
      ...noHostPrompt,
      keyboardInteractive: async (_label, instructions, prompts) => {
        seen = prompts;
        assert.equal(instructions, 'Two factors');
        return ['pw', '123456'];
      },
    });
    assert.equal((await r.run(['echo', 'ok'])).stdout, 'echo ok');
    assert.deepEqual(seen, [
      { prompt: 'Password: ', echo: false },
      { prompt: 'Token: ', echo: true },
    ]);
  });

  it('returns exit status and stderr of a failing command', async () => {
    const fake = await serve('password', (_c, ch) => {
      ch.stderr.write('iptables-save: permission denied\n');
      ch.exit(4);
      ch.end();
    });
    const result = await runner(fake, { ...noHostPrompt, password: async () => 'pw' }).run(['iptables-save']);
    assert.equal(result.code, 4);
    assert.equal(result.stderr, 'iptables-save: permission denied\n');
  });

  it('gives up on a command that does not finish in time', async () => {
    const fake = await serve('password', () => {});
    const r = runner(fake, { ...noHostPrompt, password: async () => 'pw' });
    await assert.rejects(r.run(['sleep', 'forever'], { timeoutMs: 300 }), (err: unknown) => err instanceof RemoteError && err.kind === 'timeout');
  });

  it('runs a command again on a new connection when the connection drops while it runs', async () => {
    let first = true;
    const fake = await serve('password', (command, ch, conn) => {
      if (first) {
        first = false;
        conn.end(); // drop without an exit status
        return;
      }
      echoCommand(command, ch);
    });
    const r = runner(fake, { ...noHostPrompt, password: async () => 'pw' });
    assert.equal((await r.run(['iptables-save'])).stdout, 'iptables-save');
    assert.equal(fake.connections, 2);
    assert.deepEqual(fake.commands, ['iptables-save', 'iptables-save']);
  });
});
