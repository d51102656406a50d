// `nflens snapshot` as a user runs it: a child process, HOME pointing at a client home.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prereqs, requirePrereqs } from '../support/prereq';
import { addNamespace, createNeutronNamespaces, localOutput, removeNamespace, withoutDateLines, type NeutronNamespaces } from './fixtures/netns';
import { SSH_ALIAS, SshdFixture } from './fixtures/sshd';

const repo = resolve(__dirname, '..', '..');

function nflens(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repo, 'src', 'cli.ts'), ...args],
      { cwd: repo, env: { ...process.env, HOME: home, SSH_AUTH_SOCK: '' }, timeout: 60_000 },
      (err, stdout, stderr) => res({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr }),
    );
  });
}

describe('nflens snapshot (e2e)', function () {
  let sshd: SshdFixture;
  let ns: NeutronNamespaces;
  let out: string;
  // Unique per run: other runs of the suite may share the machine's namespaces.
  const hostile = `qrouter-x$(id)-${randomUUID().slice(0, 8)}`;

  before(async function () {
    requirePrereqs(this, prereqs.root(), prereqs.corpus(), prereqs.command('sshd'), prereqs.command('ssh-keygen'), prereqs.command('nft'), prereqs.command('ipset'));
    sshd = await SshdFixture.start();
    ns = await createNeutronNamespaces();
    await addNamespace(hostile);
    out = mkdtempSync(join(tmpdir(), 'nflens-snapshot-out-'));
  });

  after(async function () {
    if (out) rmSync(out, { recursive: true, force: true });
    await removeNamespace(hostile);
    await ns?.remove();
    await sshd?.dispose();
  });

  it('writes every namespace\'s rulesets over SSH, prints a table, and reports the refused name', async function () {
    const home = sshd.makeClientHome('correct');
    const r = await nflens(['snapshot', SSH_ALIAS, '--out', out], home.home);
    assert.equal(r.code, 1, r.stderr); // 1: the hostile namespace was refused
    assert.ok(r.stderr.includes(`refused namespace name ${JSON.stringify(hostile)}: contains characters outside`), r.stderr);
    const base = join(out, SSH_ALIAS);
    for (const name of ns.all) {
      assert.deepEqual(readdirSync(join(base, name)).sort(), ['ebtables-save', 'ip6tables-save', 'ipset', 'iptables-save', 'nft'], `${name}: ${r.stderr}`);
      assert.equal(withoutDateLines(readFileSync(join(base, name, 'iptables-save'), 'utf8')), withoutDateLines(await localOutput(name, 'iptables-save')));
      assert.equal(readFileSync(join(base, name, 'ipset'), 'utf8'), await localOutput(name, 'ipset', 'save'));
      assert.equal(readFileSync(join(base, name, 'nft'), 'utf8'), await localOutput(name, 'nft', 'list', 'ruleset'));
      assert.match(r.stdout, new RegExp(`^${name.replace(/[.$()]/g, '\\$&')}\\s`, 'm'));
    }
    assert.ok(existsSync(join(base, '_root', 'iptables-save')));
    assert.ok(!readdirSync(base).some((d) => d.includes('$')), 'no directory for the refused name');
    const manifest = JSON.parse(readFileSync(join(base, 'snapshot.json'), 'utf8'));
    assert.ok(manifest.refusedNamespaces.some((n: { name: string }) => n.name === hostile));
    assert.match(r.stdout, /^NAMESPACE\s+KIND\s+IPTABLES\s+IP6TABLES\s+NFTABLES\s+IPSET\s+EBTABLES\s+NOTES$/m);
  });

  it('selects namespaces with --namespace and sources with --source', async function () {
    const home = sshd.makeClientHome('correct');
    const dir = join(out, 'selected');
    const r = await nflens(['snapshot', `ssh://${SSH_ALIAS}`, '--out', dir, '--namespace', `${ns.router.slice(0, 16)}*`, '--namespace', `snat-${ns.snat.slice(5, 13)}?*`, '--source', 'iptables,ipset'], home.home);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, SSH_ALIAS)).sort(), [ns.router, ns.snat, 'snapshot.json'].sort());
    assert.deepEqual(readdirSync(join(dir, SSH_ALIAS, ns.snat)).sort(), ['ipset', 'iptables-save']);
    assert.match(readFileSync(join(dir, SSH_ALIAS, ns.snat, 'ipset'), 'utf8'), /^create NIPv4/m);
  });

  it('reads this machine with `local`', async function () {
    const dir = join(out, 'local-run');
    const r = await nflens(['snapshot', 'local', '--out', dir, '--namespace', ns.fip], sshd.makeClientHome('none').home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(dir, 'local', ns.fip, 'nft'), 'utf8'), /table inet nflens_fip/);
  });

  it('refuses an unknown host key unless --accept-new-host-key is given', async function () {
    const home = sshd.makeClientHome('none');
    const refused = await nflens(['snapshot', SSH_ALIAS, '--out', join(out, 'unknown'), '--namespace', '_root'], home.home);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /unknown host key ssh-ed25519 SHA256:\S+ was not trusted/);
    assert.match(refused.stderr, /--accept-new-host-key/);
    assert.equal(existsSync(join(out, 'unknown')), false);
    const accepted = await nflens(['snapshot', SSH_ALIAS, '--out', join(out, 'unknown'), '--namespace', '_root', '--accept-new-host-key'], home.home);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.match(accepted.stderr, /accepting the unknown host key of 127\.0\.0\.1:\d+ for this run: ssh-ed25519 SHA256:/);
  });

  it('never accepts a changed host key, even with --accept-new-host-key', async function () {
    const home = sshd.makeClientHome('wrong');
    const r = await nflens(['snapshot', SSH_ALIAS, '--out', join(out, 'wrong'), '--accept-new-host-key'], home.home);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /HOST KEY MISMATCH/);
  });

  it('fails fast with a message for a closed port, and rejects bad arguments', async function () {
    const home = sshd.makeClientHome('correct');
    const closed = await nflens(['snapshot', 'nflens-e2e-closed', '--out', join(out, 'closed')], home.home);
    assert.equal(closed.code, 2);
    assert.match(closed.stderr, /connection refused by 127\.0\.0\.1:1/);
    const bad = await nflens(['snapshot', 'a;b'], home.home);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad host name/);
    const noHost = await nflens(['snapshot'], home.home);
    assert.equal(noHost.code, 2);
    const badSource = await nflens(['snapshot', 'local', '--source', 'pf'], home.home);
    assert.match(badSource.stderr, /unknown source 'pf'/);
    // Node's recursive mkdir never returns below /proc; the snapshot must still end with a message.
    const proc = await nflens(['snapshot', 'local', '--namespace', '_root', '--out', '/proc/nflens-no-such-dir'], home.home);
    assert.equal(proc.code, 2);
    assert.match(proc.stderr, /cannot create \/proc\/nflens-no-such-dir/);
    const file = join(out, 'a-file');
    writeFileSync(file, '');
    const notDir = await nflens(['snapshot', 'local', '--out', join(file, 'x')], home.home);
    assert.equal(notDir.code, 2);
    assert.match(notDir.stderr, /a-file is not a directory/);
  });
});
