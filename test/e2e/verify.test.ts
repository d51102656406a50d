/**
 * `nflens verify` with real packets in throw-away network namespaces: every Neutron dump
 * verifies without unexplained differences; deliberately wrong nft rulesets (a flipped port,
 * a dropped negation, a missing rule) are caught and reported under the right rule; the
 * reference tool's output for the compute node differs; nothing is left behind.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NS_PREFIX, prepare, runVerify, type Prepared, type VerifyResult } from '../../src/verify/index';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

const repo = resolve(__dirname, '..', '..');
const neutron = join(corpusDir, 'neutron');
/** Enough probes for every rule's matching probe and most near misses, few enough to keep CI fast. */
const PROBES = 160;

function dump(name: string): { file: string; text: string; dialect: 'iptables' | 'ip6tables' } {
  const file = join(neutron, name);
  return { file, text: readFileSync(file, 'utf8'), dialect: name.includes('ip6tables') ? 'ip6tables' : 'iptables' };
}

function ipsetsFor(name: string): { file: string; text: string }[] {
  const file = join(neutron, name.replace(/\.ip6?tables-save$/, '.ipset-save'));
  return existsSync(file) ? [{ file, text: readFileSync(file, 'utf8') }] : [];
}

function nflens(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli.ts'), ...args], { cwd: repo, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      res({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stdout, stderr }),
    );
  });
}

function leftovers(pid: number): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((n) => n.startsWith(`${NS_PREFIX}${pid}-`));
}

function describeUnexplained(r: VerifyResult): string {
  return r.unexplained
    .slice(0, 5)
    .map((d) => `${d.rule}: ${d.packet}\n  original:  ${d.original.lines.join('; ')}\n  converted: ${d.converted.lines.join('; ')}`)
    .join('\n');
}

describe('nflens verify (e2e)', function () {
  this.timeout(300_000);
  before(function () {
    requirePrereqs(this, prereqs.root(), prereqs.corpus(), prereqs.command('nft'), prereqs.command('iptables-restore'), prereqs.command('ip6tables-restore'), prereqs.command('ipset'), prereqs.command('conntrack'), prereqs.command('setpriv'), {
      what: 'python3 with scapy (Debian package python3-scapy)',
      ok: existsSync('/usr/lib/python3/dist-packages/scapy'),
    });
  });

  afterEach(function () {
    assert.deepEqual(leftovers(process.pid), [], 'every namespace of the run is removed');
  });

  describe('every Neutron dump verifies with zero unexplained differences', function () {
    const dumps = ['compute-ovs-hybrid-sg.iptables-save', 'compute-ovs-hybrid-sg.ip6tables-save', 'qrouter-0391ee86.iptables-save', 'qrouter-0391ee86.ip6tables-save', 'qdhcp-3e8f1a2b.iptables-save', 'qdhcp-3e8f1a2b.ip6tables-save'];
    for (const name of dumps) {
      it(name, async function () {
        const p = prepare({ dumps: [dump(name)], ipsets: ipsetsFor(name) });
        const r = await runVerify(p, 1, PROBES);
        assert.equal(r.unexplained.length, 0, describeUnexplained(r));
        assert.ok(r.probes >= Math.min(PROBES, p.original.rules.length), `${r.probes} probes for ${p.original.rules.length} rules`);
        // Most rules are really matched by a probe in the original (trace), not just aimed at.
        assert.ok(r.exercised.size >= p.original.rules.length * 0.6, `${r.exercised.size} of ${p.original.rules.length} rules exercised`);
        // Whatever differs follows from a diagnosed rule, and is listed with it.
        for (const d of r.explained) assert.ok(d.explainedBy.every((id) => p.input.diagnosed.has(id)));
      });
    }

    it('the per-port security-group chains are exercised behind the routed substitution of physdev', async function () {
      const name = 'compute-ovs-hybrid-sg.iptables-save';
      const p = prepare({ dumps: [dump(name)], ipsets: ipsetsFor(name) });
      assert.ok(p.original.substitutions.some((s) => s.replacement?.includes('-o tap7a3c1b0e-4f') && s.replacement.includes('-j neutron-openvswi-sg-chain')));
      const r = await runVerify(p, 2, PROBES);
      assert.equal(r.unexplained.length, 0, describeUnexplained(r));
      for (const id of [
        'ip filter neutron-openvswi-i7a3c1b0e-4 #3', // tcp dport 22 towards the VM
        'ip filter neutron-openvswi-i7a3c1b0e-4 #2', // ipset remote group
        'ip filter neutron-openvswi-s7a3c1b0e-4 #1', // anti-spoofing IP/MAC pair
        'ip filter neutron-openvswi-sg-fallback #1', // default drop
        'ip raw neutron-openvswi-PREROUTING #1', // conntrack zone of the port
      ])
        assert.ok(r.exercised.has(id), `${id} is matched by a probe`);
    });

    it('the report shows what a diagnosed rule changes: the CONNMARK mask approximation loses mark bits on restore', async function () {
      const name = 'qrouter-0391ee86.iptables-save';
      const p = prepare({ dumps: [dump(name)] });
      assert.equal(p.input.diagnosed.get('ip mangle neutron-l3-agent-PREROUTING #3')?.outcome, 'approximated');
      const r = await runVerify(p, 1, PROBES);
      assert.equal(r.unexplained.length, 0, describeUnexplained(r));
      const d = r.explained.find((x) => x.explainedBy.includes('ip mangle neutron-l3-agent-PREROUTING #3'));
      assert.ok(d, 'a probe on an established connection shows the difference');
      assert.ok(d.original.lines.some((l) => /mark 0x04000002/.test(l)) && d.converted.lines.some((l) => /mark 0x04000000/.test(l)), `${d.original.lines.join('; ')} / ${d.converted.lines.join('; ')}`);
    });

    it('iptables + ip6tables dumps of one router together, converted with --merge inet', async function () {
      const p = prepare({ dumps: [dump('qrouter-0391ee86.iptables-save'), dump('qrouter-0391ee86.ip6tables-save')], convert: { merge: 'inet' } });
      assert.match(p.input.nftText, /table inet /);
      const r = await runVerify(p, 3, PROBES);
      assert.equal(r.unexplained.length, 0, describeUnexplained(r));
      assert.ok(r.rules.some((x) => x.family === 6) && r.rules.some((x) => x.family === 4));
    });
  });

  describe('deliberately wrong rulesets given with --against are caught under the right rule', function () {
    function against(name: string, mutate: (nft: string) => string): Prepared {
      const base = prepare({ dumps: [dump(name)], ipsets: ipsetsFor(name) });
      const wrong = mutate(base.conversion.output);
      assert.notEqual(wrong, base.conversion.output, 'the mutation changed the ruleset');
      return prepare({ dumps: [dump(name)], ipsets: ipsetsFor(name), against: { file: 'wrong.nft', text: wrong } });
    }
    function reported(r: VerifyResult, rule: string): void {
      assert.ok(r.unexplained.length > 0, 'the wrong ruleset differs');
      const rules = new Set(r.unexplained.map((d) => d.rule));
      assert.ok(rules.has(rule), `reported under ${rule}; got ${[...rules].join(', ')}`);
      // Probes that got to the rule they were made for are reported under it; others where the two traces part.
      for (const d of r.unexplained) if (d.probe.origin && (d.original.rules.includes(d.probe.origin) || d.converted.rules.includes(d.probe.origin))) assert.equal(d.rule, d.probe.origin);
      assert.ok(r.unexplained.some((d) => d.rule === rule && d.original.rules.includes(rule)), 'a probe that matched the rule in the original');
    }

    it('a flipped port (tcp dport 22 → 23 in the VM ingress chain)', async function () {
      const p = against('compute-ovs-hybrid-sg.iptables-save', (t) => t.replace(/tcp dport 22 counter return/, 'tcp dport 23 counter return'));
      const r = await runVerify(p, 1, PROBES);
      reported(r, 'ip filter neutron-openvswi-i7a3c1b0e-4 #3');
    });

    it('a dropped negation (! --ctstate DNAT → ct status dnat, the reference tool bug)', async function () {
      const p = against('qrouter-0391ee86.iptables-save', (t) => t.replace('ct status ! dnat', 'ct status dnat'));
      const r = await runVerify(p, 1, PROBES);
      reported(r, 'ip nat neutron-l3-agent-POSTROUTING #1');
    });

    it('a missing rule (the port-forwarding DNAT)', async function () {
      const p = against('qrouter-0391ee86.iptables-save', (t) => t.replace(/^.*tcp dport 2222 counter dnat to 192\.168\.50\.9:22\n/m, ''));
      const r = await runVerify(p, 1, PROBES);
      reported(r, 'ip nat neutron-l3-agent-pf-a1b2c3d4 #1');
      const d = r.unexplained.find((x) => x.rule === 'ip nat neutron-l3-agent-pf-a1b2c3d4 #1' && x.probe.variant.startsWith('match'));
      assert.ok(d, 'the probe aimed at the missing rule differs');
      assert.ok(d.packet.includes('172.24.4.30') && d.packet.includes(':2222'));
    });
  });

  it('a changed chain policy is caught by the random probes (a dump without rules)', async function () {
    const text = '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
    const wrong = 'table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n';
    const right = prepare({ dumps: [{ file: 'policy.iptables-save', text, dialect: 'iptables' }] });
    const r0 = await runVerify(right, 1, 40);
    assert.equal(r0.unexplained.length, 0, describeUnexplained(r0));
    assert.ok(r0.probes > 0);
    const p = prepare({ dumps: [{ file: 'policy.iptables-save', text, dialect: 'iptables' }], against: { file: 'policy.nft', text: wrong } });
    const r = await runVerify(p, 1, 40);
    assert.ok(r.unexplained.length > 0);
    assert.ok(r.unexplained.every((d) => d.original.lines.join(' ').includes('dropped') || d.original.lines.some((l) => l.startsWith('opener: dropped'))), describeUnexplained(r));
  });

  it('a host firewall: -i lo, OUTPUT drops of the firewall\'s own packets, a random rule, and conntrack on packets without an entry', async function () {
    // Once internal errors (a veth named lo; sendto's EPERM on an OUTPUT drop) and false
    // differences (each side drawing its own random numbers); the localnet rule once lost
    // invalid packets in translation (ct status fails on them).
    const text = [
      '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      '-A INPUT -p udp -m udp --dport 53 -m statistic --mode random --probability 0.5 -j DROP',
      '-A OUTPUT -p tcp -m tcp --dport 25 -j DROP',
      '-A OUTPUT -p udp -j DROP',
      'COMMIT', '',
    ].join('\n');
    const p = prepare({ dumps: [{ file: 'host.iptables-save', text, dialect: 'iptables' }] });
    const r = await runVerify(p, 1, 80);
    assert.equal(r.unexplained.length, 0, describeUnexplained(r));
    assert.ok(r.probes > 0);
    assert.ok([...p.input.diagnosed.values()].some((d) => d.outcome === 'random'), 'the random rule is known to differ');
  });

  it('TPROXY drops what no socket takes, SYNPROXY lets odd TCP flags go on, as the kernel targets do (the reference translations differ)', async function () {
    const dumps = [
      '*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n-A PREROUTING -p tcp -j TPROXY --on-port 12345 --on-ip 10.0.0.1 --tproxy-mark 0x23/0xff\nCOMMIT\n',
      '*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 80 -m state --state INVALID,UNTRACKED -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460\nCOMMIT\n',
    ];
    for (const text of dumps) {
      const r = await runVerify(prepare({ dumps: [{ file: 'proxy.iptables-save', text, dialect: 'iptables' }] }), 1, 40);
      assert.equal(r.unexplained.length, 0, describeUnexplained(r));
      assert.ok(r.exercised.size > 0, 'probes went through the rule');
    }
  });

  it('NETMAP: the mapped addresses come out as iptables maps them (dnat prefix to, snat prefix to)', async function () {
    const text = '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -d 198.51.100.0/24 -j NETMAP --to 10.7.0.0/24\n-A POSTROUTING -s 10.7.0.0/24 -o eth9 -j NETMAP --to 203.0.113.0/24\nCOMMIT\n';
    const p = prepare({ dumps: [{ file: 'netmap.iptables-save', text, dialect: 'iptables' }] });
    assert.deepEqual(p.conversion.rules.map((o) => o.outcome), ['translated', 'translated']);
    const r = await runVerify(p, 1, 40);
    assert.equal(r.unexplained.length, 0, describeUnexplained(r));
    assert.equal(r.exercised.size, 2, 'probes went through both rules');
  });

  describe('the CLI', function () {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'nflens-verify-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('the reference output for the compute node (physdev rules commented out) differs: exit 1, per-port rules named', async function () {
      const r = await nflens(['verify', join(neutron, 'compute-ovs-hybrid-sg.iptables-save'), '--against', join(neutron, 'compute-ovs-hybrid-sg.iptables.nft.expected'), '--probes', String(PROBES), '--json']);
      assert.equal(r.code, 1, r.stderr);
      const rep = JSON.parse(r.stdout);
      assert.ok(rep.unexplained.length > 10);
      assert.ok(rep.unexplained.some((d: { rule: string }) => /neutron-openvswi-(i|o|s)[0-9a-f]/.test(d.rule)), 'differences inside the per-port chains');
      assert.ok(rep.substitutions.length > 0);
    });

    it('our own conversion of the DHCP namespace: exit 0, text report lists the diagnosed CHECKSUM rule', async function () {
      const r = await nflens(['verify', join(neutron, 'qdhcp-3e8f1a2b.iptables-save'), '--probes', '80']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /No unexplained differences/);
      assert.match(r.stdout, /unsupported: .*CHECKSUM --checksum-fill/);
    });

    it('a ruleset that does not load is a finding (exit 1) with nft\'s error', async function () {
      const bad = join(dir, 'bad.nft');
      writeFileSync(bad, 'table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 99999 accept\n\t}\n}\n');
      const r = await nflens(['verify', join(neutron, 'qdhcp-3e8f1a2b.iptables-save'), '--against', bad, '--probes', '10']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /does not load/);
    });

    it('bad input exits 2 without a stack trace', async function () {
      const notDump = join(dir, 'x.txt');
      writeFileSync(notDump, 'hello\n');
      for (const args of [['verify'], ['verify', join(dir, 'missing')], ['verify', notDump], ['verify', join(neutron, 'qdhcp-3e8f1a2b.iptables-save'), '--probes', 'many']]) {
        const r = await nflens(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      }
    });

    it('without root it says what is missing and exits 2', async function () {
      const r = await new Promise<{ code: number; stderr: string }>((res) =>
        execFile('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', join(repo, 'src', 'cli.ts'), 'verify', join(neutron, 'qdhcp-3e8f1a2b.iptables-save')], { cwd: repo, timeout: 60_000 }, (err, _o, stderr) =>
          res({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, stderr }),
        ),
      );
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /root privileges/);
    });

    it('Ctrl-C in the middle of a run removes everything it made', async function () {
      const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli.ts'), 'verify', join(neutron, 'compute-ovs-hybrid-sg.iptables-save'), '--probes', '2000'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const deadline = Date.now() + 60_000;
      while (leftovers(child.pid!).length < 4 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      assert.ok(leftovers(child.pid!).length >= 4, `the run made its namespaces: ${stderr}`);
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      assert.equal(code, 130);
      assert.deepEqual(leftovers(child.pid!), []);
    });

    it('two runs in parallel do not disturb each other', async function () {
      const a = prepare({ dumps: [dump('qdhcp-3e8f1a2b.iptables-save')] });
      const b = prepare({ dumps: [dump('qrouter-0391ee86.iptables-save')] });
      const [ra, rb] = await Promise.all([runVerify(a, 5, 60), runVerify(b, 5, 60)]);
      assert.equal(ra.unexplained.length, 0, describeUnexplained(ra));
      assert.equal(rb.unexplained.length, 0, describeUnexplained(rb));
    });
  });
});
