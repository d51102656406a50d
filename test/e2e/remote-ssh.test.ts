// The remote layer against a real OpenSSH server and real Neutron-like network namespaces.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  analyzeIptablesBackend,
  fetchRuleset,
  fetchNamespaceRulesets,
  InvalidNamespaceNameError,
  listNamespaces,
  listSshConfigHosts,
  loadSshConfig,
  LocalRunner,
  RemoteError,
  resolveSshEndpoint,
  RULESET_SOURCES,
  SshRunner,
  type HostKeyPrompt,
  type RulesetSource,
  type SshInteraction,
} from '../../src/remote';
import { prereqs, requirePrereqs } from '../support/prereq';
import { addNamespace, createNeutronNamespaces, localOutput, removeNamespace, withoutDateLines, type NeutronNamespaces } from './fixtures/netns';
import { KEY_PASSPHRASE, SSH_AGENT_ALIAS, SSH_ALIAS, SSH_DEFAULT_KEYS_ALIAS, SSH_ENCRYPTED_KEY_ALIAS, SSH_JUMP_ALIAS, SshdFixture, startAgent, type ClientHome, type KnownHostsMode } from './fixtures/sshd';

const noPrompt: SshInteraction = {
  trustHostKey: async (p) => {
    throw new Error(`unexpected host key prompt for ${p.host}:${p.port}`);
  },
};

function e2ePrereqs(ctx: Mocha.Context): void {
  requirePrereqs(
    ctx,
    prereqs.root(),
    prereqs.corpus(),
    ...prereqs.sshNamespaceTools(),
  );
}

async function rejects(p: Promise<unknown>): Promise<RemoteError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RemoteError) return err;
    throw err;
  }
  assert.fail('expected a RemoteError');
}

describe('remote layer over a real sshd (e2e)', function () {
  let sshd: SshdFixture;
  let ns: NeutronNamespaces;
  let client: ClientHome;
  const runners: SshRunner[] = [];

  function runnerFor(alias: string, options: { mode?: KnownHostsMode; interaction?: SshInteraction; home?: ClientHome; maxParallel?: number; sudo?: boolean } = {}): SshRunner {
    const home = options.home ?? (options.mode ? sshd.makeClientHome(options.mode) : client);
    const endpoint = resolveSshEndpoint(loadSshConfig({ home: home.home }), alias);
    const r = new SshRunner({
      endpoint,
      interaction: options.interaction ?? noPrompt,
      ...(options.maxParallel ? { maxParallel: options.maxParallel } : {}),
      ...(options.sudo ? { sudo: true } : {}),
    });
    runners.push(r);
    return r;
  }

  before(async function () {
    e2ePrereqs(this);
    sshd = await SshdFixture.start();
    ns = await createNeutronNamespaces();
    client = sshd.makeClientHome('correct');
  });

  /** Closes every runner of earlier tests, so connection counts are this test's own. */
  async function closeRunners(): Promise<void> {
    for (const r of runners.splice(0)) await r.dispose();
    const deadline = Date.now() + 5000;
    while (sshd.connectionPids().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  beforeEach(async function () {
    if (sshd) await closeRunners();
  });

  after(async function () {
    if (sshd) await closeRunners();
    await ns?.remove();
    await sshd?.dispose();
  });

  it('reads hosts from ~/.ssh/config under HOME, with Include, without wildcard-only Host lines', function () {
    const hosts = listSshConfigHosts(loadSshConfig({ home: client.home }));
    assert.deepEqual(hosts, [SSH_ALIAS, SSH_JUMP_ALIAS, SSH_ENCRYPTED_KEY_ALIAS, SSH_DEFAULT_KEYS_ALIAS, SSH_AGENT_ALIAS, 'nflens-e2e-closed']);
  });

  it('lists the namespaces over SSH, root first, classified like Neutron names them', async function () {
    const listing = await listNamespaces(runnerFor(SSH_ALIAS));
    assert.equal(listing.namespaces[0]!.name, null);
    const byName = new Map(listing.namespaces.map((n) => [n.name, n.class]));
    assert.equal(byName.get(ns.router)?.kind, 'router');
    assert.equal(byName.get(ns.dhcp)?.kind, 'dhcp');
    assert.equal(byName.get(ns.snat)?.kind, 'snat');
    assert.equal(byName.get(ns.fip)?.kind, 'floating-ip');
    assert.equal(byName.get(ns.router)?.shortLabel, ns.router.slice(0, 'qrouter-'.length + 8));
  });

  it('fetches every source of every namespace over one connection, equal to local output', async function () {
    const runner = runnerFor(SSH_ALIAS);
    const commands: Record<RulesetSource, string[]> = {
      iptables: ['iptables-save'],
      ip6tables: ['ip6tables-save'],
      nft: ['nft', 'list', 'ruleset'],
      ipset: ['ipset', 'save'],
      ebtables: ['ebtables-save'],
    };
    let compared = 0;
    for (const name of ns.all) {
      const outcomes = await fetchNamespaceRulesets(runner, name);
      for (const o of outcomes) {
        assert.ok(o.ok, o.ok ? '' : o.error.message);
        const local = await localOutput(name, ...commands[o.ruleset.source]);
        assert.equal(withoutDateLines(o.ruleset.text), withoutDateLines(local), `${name} ${o.ruleset.source}`);
        compared++;
      }
    }
    assert.equal(compared, ns.all.length * 5);
    assert.equal(sshd.connectionPids().length, 1, 'one SSH connection for all fetches');
  });

  it('fetches the corpus content itself (not just an empty table)', async function () {
    const runner = runnerFor(SSH_ALIAS);
    const router = await fetchRuleset(runner, ns.router, 'iptables');
    assert.match(router.text, /-A neutron-l3-agent-snat -o qg-1234abcd-12 -j SNAT --to-source 172\.24\.4\.3 --random-fully/);
    assert.match(router.text, /^# Generated by iptables-save v[\d.]+ \((nf_tables|legacy)\)/m);
    const sets = await fetchRuleset(runner, ns.snat, 'ipset');
    assert.match(sets.text, /^create NIPv4fc83d7d6-3e24-4a6f-a7a4- hash:net family inet /m);
    const fip = await fetchRuleset(runner, ns.fip, 'nft');
    assert.match(fip.text, /table inet nflens_fip/);
    assert.equal((await fetchRuleset(runner, ns.dhcp, 'ipset')).text, '', 'ipsets are per network namespace');
  });

  it('accepts a hashed known_hosts entry (|1|salt|hash)', async function () {
    const runner = runnerFor(SSH_ALIAS, { mode: 'hashed' });
    const r = await runner.run(['true']);
    assert.equal(r.code, 0);
  });

  it('refuses a host whose key differs from known_hosts, without asking', async function () {
    let asked = false;
    const runner = runnerFor(SSH_ALIAS, { mode: 'wrong', interaction: { trustHostKey: async () => (asked = true) } });
    const err = await rejects(runner.run(['true']));
    assert.equal(err.kind, 'host-key-mismatch');
    assert.match(err.message, /HOST KEY MISMATCH/);
    assert.match(err.message, /known_hosts:1/);
    assert.equal(asked, false);
  });

  it('refuses a key marked @revoked', async function () {
    const err = await rejects(runnerFor(SSH_ALIAS, { mode: 'revoked' }).run(['true']));
    assert.equal(err.kind, 'host-key-revoked');
  });

  it('asks about an unknown host key with its SHA256 fingerprint, and refuses when the answer is no', async function () {
    const prompts: HostKeyPrompt[] = [];
    const runner = runnerFor(SSH_ALIAS, { mode: 'none', interaction: { trustHostKey: async (p) => (prompts.push(p), false) } });
    const err = await rejects(runner.run(['true']));
    assert.equal(err.kind, 'host-key-untrusted');
    assert.equal(prompts.length, 1);
    const expected = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(' ')[1];
    assert.equal(prompts[0]!.fingerprint, expected);
    assert.equal(prompts[0]!.keyType, 'ssh-ed25519');
    assert.equal(prompts[0]!.knownHostsLine, `${sshd.knownHostsName} ${sshd.hostPublicKey}`);
  });

  it('connects after the user trusts an unknown host key', async function () {
    const runner = runnerFor(SSH_ALIAS, { mode: 'none', interaction: { trustHostKey: async () => true } });
    assert.equal((await runner.run(['echo', 'trusted'])).stdout, 'trusted\n');
  });

  it('fails fast with a clear message when nothing listens on the port', async function () {
    this.timeout(10_000); // bounded-time guard: a refused port must not wait for the connect timeout
    const err = await rejects(runnerFor('nflens-e2e-closed').run(['true']));
    assert.equal(err.kind, 'refused');
    assert.match(err.message, /connection refused by 127\.0\.0\.1:1/);
  });

  it('re-establishes a dropped connection', async function () {
    const runner = runnerFor(SSH_ALIAS);
    assert.equal((await runner.run(['echo', 'one'])).stdout, 'one\n');
    const before = sshd.connectionPids();
    assert.equal(before.length, 1);
    assert.equal(sshd.killConnections(), 1);
    assert.equal((await runner.run(['echo', 'two'])).stdout, 'two\n');
    const after = sshd.connectionPids();
    assert.equal(after.length, 1);
    assert.notDeepEqual(after, before);
  });

  it('reconnects after sshd restarts', async function () {
    const runner = runnerFor(SSH_ALIAS);
    assert.equal((await runner.run(['echo', 'before'])).code, 0);
    await sshd.restart();
    assert.equal((await runner.run(['echo', 'after'])).stdout, 'after\n');
  });

  it('runs many commands as parallel channels within the limit', async function () {
    const runner = runnerFor(SSH_ALIAS, { maxParallel: 8 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => runner.run(['echo', `n${i}`])));
    assert.deepEqual(
      results.map((r) => r.stdout),
      Array.from({ length: 40 }, (_, i) => `n${i}\n`),
    );
    assert.equal(sshd.connectionPids().length, 1);
  });

  it('rides out channel refusals at the server\'s MaxSessions (10) limit', async function () {
    const runner = runnerFor(SSH_ALIAS, { maxParallel: 10 });
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => runner.run(['echo', `r${round}-${i}`])));
      assert.deepEqual(
        results.map((r) => r.stdout),
        Array.from({ length: 60 }, (_, i) => `r${round}-${i}\n`),
      );
    }
  });

  it('passes arguments through the remote shell unchanged (quoted once)', async function () {
    const runner = runnerFor(SSH_ALIAS);
    const tricky = [`it's`, '$(id)', '`id`', 'a b', ';', '"q"', '', '*', '\\n', 'ünï'];
    const r = await runner.run(['printf', '%s\\n', ...tricky]);
    assert.equal(r.stdout, tricky.map((t) => `${t}\n`).join(''));
  });

  it('goes through a ProxyJump host', async function () {
    const runner = runnerFor(SSH_JUMP_ALIAS);
    const listing = await listNamespaces(runner);
    assert.ok(listing.namespaces.some((n) => n.name === ns.router));
    assert.equal(sshd.connectionPids().length >= 2, true, 'jump connection plus forwarded connection');
  });

  it('asks for the passphrase of an encrypted identity file, again after a wrong one', async function () {
    const asked: number[] = [];
    const runner = runnerFor(SSH_ENCRYPTED_KEY_ALIAS, {
      interaction: { ...noPrompt, passphrase: async (file, attempt) => (asked.push(attempt), assert.match(file, /id_ed25519_encrypted$/), attempt === 1 ? 'wrong' : KEY_PASSPHRASE) },
    });
    assert.equal((await runner.run(['echo', 'ok'])).stdout, 'ok\n');
    assert.deepEqual(asked, [1, 2]);
  });

  it('reports failed authentication clearly when the passphrase is not given', async function () {
    const runner = runnerFor(SSH_ENCRYPTED_KEY_ALIAS, { interaction: { ...noPrompt, passphrase: async () => undefined } });
    const err = await rejects(runner.run(['true']));
    assert.equal(err.kind, 'auth-failed');
    assert.match(err.message, /authentication failed/);
  });

  it("logs in with OpenSSH's default identity file when none is configured", async function () {
    const runner = runnerFor(SSH_DEFAULT_KEYS_ALIAS);
    assert.equal((await runner.run(['echo', 'default-key'])).stdout, 'default-key\n');
  });

  it('logs in through a real ssh-agent (SSH_AUTH_SOCK)', async function () {
    const agent = await startAgent(sshd.dir, join(client.home, '.ssh', 'id_ed25519'));
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      process.env.SSH_AUTH_SOCK = agent.socket; // read when the host is resolved, as ssh does
      const endpoint = resolveSshEndpoint(loadSshConfig({ home: client.home }), SSH_AGENT_ALIAS);
      assert.equal(endpoint.identityAgent, agent.socket);
      const r = new SshRunner({ endpoint, interaction: noPrompt });
      runners.push(r);
      assert.equal((await r.run(['echo', 'via-agent'])).stdout, 'via-agent\n');
      process.env.SSH_AUTH_SOCK = '';
      const noAgent = new SshRunner({ endpoint: resolveSshEndpoint(loadSshConfig({ home: client.home }), SSH_AGENT_ALIAS), interaction: noPrompt });
      runners.push(noAgent);
      const err = await rejects(noAgent.run(['true']));
      assert.equal(err.kind, 'auth-failed');
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.stop();
    }
  });

  it('says which command is missing on the node', async function () {
    const runner = runnerFor(SSH_ALIAS);
    const err = await rejects(fetchRuleset(runner, ns.router, 'iptables', { command: ['nflens-no-such-tool'] }));
    assert.equal(err.kind, 'command-missing');
    assert.match(err.message, /nflens-no-such-tool is not installed/);
    const optional = await fetchRuleset(runner, ns.router, 'ebtables', { command: ['nflens-no-such-ebtables-save'] });
    assert.equal(optional.present, false);
  });

  it('runs through `sudo -n` where it works, and says why where it does not', async function () {
    const runner = runnerFor(SSH_ALIAS, { sudo: true });
    const r = await runner.run(['iptables-save']);
    if (r.code === 0) {
      // sudo is installed and lets root through: the fetch must work through it.
      const fetched = await fetchRuleset(runner, null, 'iptables');
      assert.equal(fetched.present, true);
      return;
    }
    const err = await rejects(fetchRuleset(runner, null, 'iptables'));
    assert.ok(err.kind === 'command-missing' || err.kind === 'sudo-password', err.message);
  });

  describe('a namespace where both iptables backends hold rules', function () {
    const name = `nflens-backends-${randomUUID().slice(0, 8)}`;
    before(async function () {
      requirePrereqs(this, prereqs.command('iptables-legacy'), prereqs.command('iptables-nft'));
      await addNamespace(name);
      execFileSync('ip', ['netns', 'exec', name, 'iptables-legacy', '-A', 'INPUT', '-j', 'ACCEPT']);
      execFileSync('ip', ['netns', 'exec', name, 'iptables-nft', '-A', 'INPUT', '-j', 'DROP']);
    });
    after(async function () {
      await removeNamespace(name);
    });

    it('is reported, from the fetched documents alone', async function () {
      const runner = runnerFor(SSH_ALIAS);
      const iptables = await fetchRuleset(runner, name, 'iptables', { command: ['iptables-nft-save'] });
      const nft = await fetchRuleset(runner, name, 'nft');
      const report = analyzeIptablesBackend(iptables, nft);
      assert.equal(report.backend, 'nf_tables');
      assert.equal(report.bothBackends, true);
      assert.match(report.warning!, /legacy \(x_tables\) rules exist as well/);
      const legacy = await fetchRuleset(runner, name, 'iptables', { command: ['iptables-legacy-save'] });
      const fromLegacy = analyzeIptablesBackend(legacy, nft);
      assert.equal(fromLegacy.backend, 'legacy');
      assert.equal(fromLegacy.bothBackends, true);
    });
  });

  describe('a namespace named to inject shell', function () {
    // `ip netns add` refuses '/', so the payloads write into the remote shell's working directory.
    const markerName = `nflens-pwned-${randomUUID()}`;
    const hostile = [`x;id>${markerName}`, `qrouter-x$(id>${markerName})`, `qdhcp-\`id>${markerName}\``, `qrouter-a b-${markerName.slice(-8)}`];
    before(async function () {
      for (const name of hostile) await addNamespace(name);
    });
    after(async function () {
      for (const name of hostile) await removeNamespace(name);
    });

    it('is listed as rejected, with a reason, and never used in a command', async function () {
      const runner = runnerFor(SSH_ALIAS);
      const listing = await listNamespaces(runner);
      // Other runs on the machine may add their own odd names: check ours.
      const mine = listing.rejected.filter((r) => hostile.includes(r.name));
      assert.deepEqual(mine.map((r) => r.name).sort(), [...hostile].sort());
      for (const r of mine) assert.match(r.reason, /contains characters outside \[A-Za-z0-9_.-\]/);
      assert.ok(!listing.namespaces.some((n) => n.name !== null && hostile.includes(n.name)));
      for (const name of hostile) {
        await assert.rejects(fetchRuleset(runner, name, 'iptables'), InvalidNamespaceNameError);
      }
      for (const dir of [userInfo().homedir, process.cwd(), '/']) assert.equal(existsSync(join(dir, markerName)), false);
    });
  });
});

describe('local runner on this machine (e2e)', function () {
  let ns: NeutronNamespaces;
  before(async function () {
    e2ePrereqs(this);
    ns = await createNeutronNamespaces();
  });
  after(async function () {
    await ns?.remove();
  });

  it('lists and fetches like the SSH runner does', async function () {
    const runner = new LocalRunner();
    const listing = await listNamespaces(runner);
    for (const name of ns.all) assert.ok(listing.namespaces.some((n) => n.name === name), name);
    for (const source of ['iptables', 'ip6tables', 'nft', 'ipset'] as const) {
      const fetched = await fetchRuleset(runner, ns.snat, source);
      const local = await localOutput(ns.snat, ...RULESET_SOURCES[source].argv);
      assert.equal(withoutDateLines(fetched.text), withoutDateLines(local));
    }
  });
});
