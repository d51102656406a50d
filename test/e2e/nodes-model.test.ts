// The Nodes view's model (what the tree shows) against the real sshd and namespaces.
import { strict as assert } from 'node:assert';
import { prereqs, requirePrereqs } from '../support/prereq';
import { NodesModel } from '../../src/views/nodes/model';
import { outlineRuleset } from '../../src/remote/outline';
import { corpusFile, createNeutronNamespaces, localOutput, withoutDateLines, type NeutronNamespaces } from './fixtures/netns';
import { SSH_ALIAS, SshdFixture } from './fixtures/sshd';

describe('Nodes model over a real sshd (e2e)', function () {
  let sshd: SshdFixture;
  let ns: NeutronNamespaces;
  let model: NodesModel;
  let savedHome: string | undefined;
  const prompts: string[] = [];

  before(async function () {
    requirePrereqs(this, prereqs.root(), prereqs.corpus(), prereqs.command('sshd'), prereqs.command('ssh-keygen'), prereqs.command('nft'), prereqs.command('ipset'));
    sshd = await SshdFixture.start();
    ns = await createNeutronNamespaces();
    // The model reads ~/.ssh/config from HOME, like the extension does.
    savedHome = process.env.HOME;
    process.env.HOME = sshd.makeClientHome('correct').home;
    model = new NodesModel({ interaction: { trustHostKey: async (p) => (prompts.push(p.fingerprint), false) } });
    model.setHosts([{ name: 'fixture', host: SSH_ALIAS }, 'root@127.0.0.1:1', { host: 'bad host' }], true);
  });

  after(async function () {
    if (savedHome !== undefined) process.env.HOME = savedHome;
    await model?.dispose();
    await ns?.remove();
    await sshd?.dispose();
  });

  it('offers this machine, the settings hosts and the ~/.ssh/config hosts, and reports bad entries', function () {
    assert.deepEqual(
      model.hosts.map((h) => h.id),
      ['local', 'ssh:fixture', 'ssh:127.0.0.1', `ssh:${SSH_ALIAS}`, 'ssh:nflens-e2e-via-jump', 'ssh:nflens-e2e-encrypted-key', 'ssh:nflens-e2e-default-keys', 'ssh:nflens-e2e-agent', 'ssh:nflens-e2e-closed'],
    );
    assert.equal(model.problems.length, 1);
    assert.match(model.problems[0]!, /netfilterLens\.hosts\[2\]: bad host/);
    assert.equal(model.describeHost(model.host('ssh:fixture')!), `root@127.0.0.1:${sshd.port}`);
  });

  it('lists namespaces and fetches their rulesets once, from cache afterwards', async function () {
    const listing = await model.namespaces('ssh:fixture');
    assert.ok(listing.namespaces.some((n) => n.name === ns.router));
    const first = await model.rulesets('ssh:fixture', ns.router);
    assert.deepEqual([...first.rulesets.keys()].sort(), ['ebtables', 'ip6tables', 'ipset', 'iptables', 'nft']);
    assert.equal(first.errors.size, 0);
    assert.equal(first.backend.backend, 'nf_tables');
    assert.equal(first.backend.bothBackends, false);
    const doc = await model.ruleset('ssh:fixture', ns.router, 'iptables');
    assert.equal(doc, first.rulesets.get('iptables'), 'served from the namespace fetch');
    assert.equal(withoutDateLines(doc.text), withoutDateLines(await localOutput(ns.router, 'iptables-save')));
    model.invalidate('ssh:fixture', ns.router);
    assert.notEqual(await model.ruleset('ssh:fixture', ns.router, 'iptables'), doc);
  });

  it('outlines the fetched router dump with the chain rule counts of the corpus file', async function () {
    const doc = await model.ruleset('ssh:fixture', ns.router, 'iptables');
    const outline = outlineRuleset('iptables', doc.text);
    const corpus = corpusFile('qrouter-0391ee86.iptables-save');
    assert.equal(outline.rules, corpus.split('\n').filter((l) => l.startsWith('-A ')).length);
    const nat = outline.tables.find((t) => t.name === 'nat')!;
    const snat = nat.chains.find((c) => c.name === 'neutron-l3-agent-snat')!;
    const expected = corpus.split('*nat')[1]!.split('COMMIT')[0]!.split('\n').filter((l) => l.startsWith('-A neutron-l3-agent-snat ')).length;
    assert.equal(snat.rules, expected);
    assert.ok(expected > 0);
  });

  it('shows a clear error for a host that cannot be reached, and retries on the next look', async function () {
    await assert.rejects(model.namespaces('ssh:127.0.0.1'), /connection refused by 127\.0\.0\.1:1/);
    await assert.rejects(model.namespaces('ssh:127.0.0.1'), /connection refused/);
  });

  it('reads the local machine the same way', async function () {
    const local = await model.rulesets('local', ns.fip);
    assert.match(local.rulesets.get('nft')!.text, /table inet nflens_fip/);
  });
});
