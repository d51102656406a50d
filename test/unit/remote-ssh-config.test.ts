import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectHosts, endpointForHost, parseHostSetting } from '../../src/remote/hosts';
import { DEFAULT_IDENTITY_FILES, homeDirectory, listSshConfigHosts, loadSshConfig, parseSshDestination, resolveSshEndpoint } from '../../src/remote/ssh-config';

describe('ssh config', () => {
  let home: string;
  const write = (rel: string, text: string) => {
    mkdirSync(join(home, rel, '..'), { recursive: true });
    writeFileSync(join(home, rel), text);
  };

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'nflens-sshcfg-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('lists concrete Host names, skipping wildcard-only and negated patterns, following Include', () => {
    write(
      '.ssh/config',
      [
        'Host compute-1 compute-2 *.lab',
        '  User stack',
        'Host *',
        '  ServerAliveInterval 30',
        'Host !bastion net-?',
        'Include conf.d/*.conf "other dir/extra"',
        'Host controller',
        '  HostName 10.0.0.10',
      ].join('\n'),
    );
    write('.ssh/conf.d/b.conf', 'Host network-2\n');
    write('.ssh/conf.d/a.conf', 'Host network-1\n  Port 2201\nInclude ~/.ssh/nested\n');
    write('.ssh/conf.d/ignored.txt', 'Host not-included\n');
    write('.ssh/other dir/extra', 'Host quoted-include\n');
    write('.ssh/nested', 'Host nested-host\n');
    const loaded = loadSshConfig({ home });
    assert.deepEqual(listSshConfigHosts(loaded), ['compute-1', 'compute-2', 'network-1', 'nested-host', 'network-2', 'quoted-include', 'controller']);
    assert.deepEqual(loaded.problems, []);
    assert.equal(resolveSshEndpoint(loaded, 'network-1').port, 2201);
  });

  it('resolves HostName, Port, User, IdentityFile (~ is HOME), ProxyJump, ConnectTimeout, first match wins', () => {
    write(
      '.ssh/config',
      [
        'Host compute-1',
        '  HostName 192.0.2.11',
        '  IdentityFile ~/.ssh/neutron_%r',
        '  ProxyJump bastion',
        '  ConnectTimeout 7',
        'Host bastion',
        '  HostName 198.51.100.1',
        '  User jump',
        '  Port 2222',
        'Host *',
        '  User stack',
        '  Port 22',
        '  ServerAliveInterval 20',
      ].join('\n'),
    );
    const e = resolveSshEndpoint(loadSshConfig({ home }), 'compute-1');
    assert.equal(e.hostName, '192.0.2.11');
    assert.equal(e.user, 'stack');
    assert.equal(e.port, 22);
    assert.deepEqual(e.identityFiles, [join(home, '.ssh/neutron_stack')]);
    assert.equal(e.identityFilesConfigured, true);
    assert.equal(e.connectTimeoutMs, 7000);
    assert.equal(e.serverAliveIntervalMs, 20000);
    assert.deepEqual(
      e.proxyJump.map((j) => [j.user, j.hostName, j.port]),
      [['jump', '198.51.100.1', 2222]],
    );
    assert.deepEqual(e.userKnownHostsFiles, [join(home, '.ssh/known_hosts'), join(home, '.ssh/known_hosts2')]);
  });

  it("falls back to OpenSSH's default identity files and the process HOME", () => {
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      assert.equal(homeDirectory(), home);
      const e = resolveSshEndpoint(loadSshConfig(), 'plain-host', { user: 'u' });
      assert.equal(e.identityFilesConfigured, false);
      assert.deepEqual(e.identityFiles, DEFAULT_IDENTITY_FILES.map((f) => join(home, f.slice(2))));
      assert.equal(e.hostName, 'plain-host');
      assert.equal(e.user, 'u');
    } finally {
      process.env.HOME = saved;
    }
  });

  it('chains ProxyJump lists with user@host:port hops and stops loops', () => {
    write('.ssh/config', ['Host target', '  ProxyJump a@hop1:2201,hop2', 'Host loop1', '  ProxyJump loop2', 'Host loop2', '  ProxyJump loop1'].join('\n'));
    const loaded = loadSshConfig({ home });
    const e = resolveSshEndpoint(loaded, 'target');
    assert.deepEqual(
      e.proxyJump.map((j) => `${j.user}@${j.hostName}:${j.port}`),
      [`a@hop1:2201`, `${e.user}@hop2:22`],
    );
    assert.throws(() => resolveSshEndpoint(loaded, 'loop1'), /ProxyJump loop/);
    assert.equal(resolveSshEndpoint(loaded, 'target', { proxyJump: 'none' }).proxyJump.length, 0);
  });

  it('treats a missing config as empty and a broken Include as a problem, not a crash', () => {
    assert.deepEqual(listSshConfigHosts(loadSshConfig({ home })), []);
    write('.ssh/config', 'Include /nonexistent/dir/*\nInclude missing-file\nHost h\n');
    const loaded = loadSshConfig({ home });
    assert.deepEqual(listSshConfigHosts(loaded), ['h']);
  });

  it('parses [ssh://][user@]host[:port] destinations', () => {
    assert.deepEqual(parseSshDestination('compute-1'), { host: 'compute-1' });
    assert.deepEqual(parseSshDestination('ssh://root@10.0.0.5:2222'), { user: 'root', host: '10.0.0.5', port: 2222 });
    assert.deepEqual(parseSshDestination('stack@[fd00::5]:22'), { user: 'stack', host: 'fd00::5', port: 22 });
    assert.deepEqual(parseSshDestination('fd00::5'), { host: 'fd00::5' });
    for (const bad of ['', 'h:99999', 'h:x', '@h', 'a;b', 'h $(id)']) assert.throws(() => parseSshDestination(bad), bad);
  });
});

describe('host list', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'nflens-hosts-'));
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh/config'), 'Host compute-1\n  HostName 192.0.2.11\n  User stack\nHost network-1\n');
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('puts this machine first, then settings, then ~/.ssh/config hosts not in settings', () => {
    const loaded = loadSshConfig({ home });
    const { hosts, problems } = collectHosts(
      [{ host: 'compute-1', user: 'root', sudo: true }, { name: 'lab', host: '10.1.1.1', port: 2200 }, 'admin@10.2.2.2', { port: 3 }, { host: 'lab' , name: 'lab'}],
      loaded,
    );
    assert.deepEqual(
      hosts.map((h) => [h.id, h.origin]),
      [
        ['local', 'local'],
        ['ssh:compute-1', 'settings'],
        ['ssh:lab', 'settings'],
        ['ssh:10.2.2.2', 'settings'],
        ['ssh:network-1', 'ssh-config'],
      ],
    );
    assert.equal(problems.length, 2);
    const compute = endpointForHost(hosts[1]!, loaded);
    assert.deepEqual([compute.user, compute.hostName], ['root', '192.0.2.11'], 'settings override the config entry they name');
    assert.equal(hosts[1]!.sudo, true);
  });

  it('validates settings entries', () => {
    assert.equal(typeof parseHostSetting({ host: 'x', commands: { nft: ['nft', '-a', 'list', 'ruleset'] } }), 'object');
    assert.match(parseHostSetting({ host: 'x', commands: { bogus: ['a'] } }) as string, /unknown source/);
    assert.match(parseHostSetting({ host: 'x', commands: { nft: 'nft list ruleset' } }) as string, /array of strings/);
    assert.match(parseHostSetting({ host: 'x; rm' }) as string, /bad host/);
    assert.match(parseHostSetting(null) as string, /expected an object/);
  });
});
