/**
 * Full refresh of a host with 100 Neutron namespaces (list + iptables, ip6tables, nft, ipset
 * for every namespace): one ssh2 connection with parallel channels, against one OpenSSH
 * `ssh host cmd` process per fetch, sequential and 4 at a time. Needs root and sshd.
 *
 *   node --import tsx bench/ssh-refresh.bench.ts [--namespaces 100] [--runs 5] [--ssh-runs 3]
 */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { CORE_SOURCES, fetchNamespaceRulesets, inNamespace, listNamespaces, loadSshConfig, LocalRunner, resolveSshEndpoint, RULESET_SOURCES, SshRunner, toShellLine, type CommandRunner } from '../src/remote';
import { cleanupEverything } from '../test/e2e/fixtures/cleanup';
import { addNamespace, corpusFile, loadIntoNamespace, removeNamespace } from '../test/e2e/fixtures/netns';
import { SSH_ALIAS, SshdFixture } from '../test/e2e/fixtures/sshd';
import { randomUUID } from 'node:crypto';

const { values } = parseArgs({
  options: { namespaces: { type: 'string', default: '100' }, runs: { type: 'string', default: '5' }, 'ssh-runs': { type: 'string', default: '3' } },
});
const NAMESPACES = Number(values.namespaces);
const RUNS = Number(values.runs);
const SSH_RUNS = Number(values['ssh-runs']);

const DUMPS = [
  { prefix: 'qrouter', iptables: 'qrouter-0391ee86.iptables-save', ip6tables: 'qrouter-0391ee86.ip6tables-save' },
  { prefix: 'qdhcp', iptables: 'qdhcp-3e8f1a2b.iptables-save', ip6tables: 'qdhcp-3e8f1a2b.ip6tables-save' },
  { prefix: 'snat', iptables: 'compute-ovs-hybrid-sg.iptables-save', ip6tables: 'compute-ovs-hybrid-sg.ip6tables-save', ipset: 'compute-ovs-hybrid-sg.ipset-save' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function ssh(config: string, argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ssh', ['-F', config, SSH_ALIAS, toShellLine(argv)], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ssh ${argv.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function time(fn: () => Promise<number>): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const bytes = await fn();
  return { ms: performance.now() - t, bytes };
}

async function main(): Promise<void> {
  const sshd = await SshdFixture.start();
  const names: string[] = [];
  try {
    const t0 = performance.now();
    for (let i = 0; i < NAMESPACES; i++) {
      const d = DUMPS[i % DUMPS.length]!;
      const name = await addNamespace(`${d.prefix}-${randomUUID()}`);
      names.push(name);
      await loadIntoNamespace(name, {
        iptables: corpusFile(d.iptables),
        ip6tables: corpusFile(d.ip6tables),
        ...(d.ipset ? { ipset: corpusFile(d.ipset) } : {}),
      });
    }
    console.log(`set up ${NAMESPACES} namespaces in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const home = sshd.makeClientHome('correct');
    const openSshConfig = sshd.writeOpenSshClientConfig(home);
    const endpoint = resolveSshEndpoint(loadSshConfig({ home: home.home }), SSH_ALIAS);
    const interaction = { trustHostKey: async () => false };

    /** The tree's refresh: list, then every source of every namespace, on one connection. */
    const refresh = async (runner: CommandRunner): Promise<number> => {
      const listing = await listNamespaces(runner);
      // Only ours: other test runs on the machine create and delete namespaces meanwhile.
      const mine = new Set(names);
      let bytes = 0;
      await Promise.all(
        listing.namespaces.filter((ns) => ns.name === null || mine.has(ns.name)).map(async (ns) => {
          for (const o of await fetchNamespaceRulesets(runner, ns.name, CORE_SOURCES)) {
            if (!o.ok) throw o.error;
            bytes += o.ruleset.text.length;
          }
        }),
      );
      return bytes;
    };

    const perProcess = async (width: number): Promise<number> => {
      const listed = (await ssh(openSshConfig, ['ip', '-j', 'netns', 'list'])).length;
      const all: string[][] = [null, ...names].flatMap((ns) => CORE_SOURCES.map((s) => inNamespace(ns, RULESET_SOURCES[s].argv)));
      let bytes = 0;
      await pool(all, width, async (argv) => {
        bytes += (await ssh(openSshConfig, argv)).length;
      });
      return bytes + listed * 0;
    };

    const results: Record<string, number[]> = { local: [], cold: [], warm: [], seq: [], par4: [] };
    let bytesSeen = 0;
    const warmRunner = new SshRunner({ endpoint, interaction });
    await warmRunner.connect();
    for (let r = 0; r < RUNS; r++) {
      const cold = new SshRunner({ endpoint, interaction });
      const c = await time(() => refresh(cold));
      await cold.dispose();
      results.cold!.push(c.ms);
      const w = await time(() => refresh(warmRunner));
      results.warm!.push(w.ms);
      bytesSeen = w.bytes;
      results.local!.push((await time(() => refresh(new LocalRunner({ maxParallel: 8 })))).ms);
    }
    await warmRunner.dispose();
    console.log(`ssh2 runs done (warm median ${(median(results.warm!) / 1000).toFixed(2)} s); OpenSSH runs take minutes...`);
    for (let r = 0; r < SSH_RUNS; r++) {
      results.par4!.push((await time(() => perProcess(4))).ms);
      results.seq!.push((await time(() => perProcess(1))).ms);
    }
    const fetches = (NAMESPACES + 1) * CORE_SOURCES.length;
    const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<string, number>;
    console.log(`\n${NAMESPACES + 1} namespaces (incl. root) x ${CORE_SOURCES.length} sources = ${fetches} fetches + 1 list; ${(bytesSeen / 1024).toFixed(0)} KiB per refresh`);
    console.log(`median of ${RUNS} (ssh2) / ${SSH_RUNS} (OpenSSH) runs:`);
    const row = (label: string, key: string) =>
      console.log(`  ${label.padEnd(56)} ${(m[key]! / 1000).toFixed(2).padStart(7)} s   x${(m[key]! / m.warm!).toFixed(1)} vs warm   [${results[key]!.map((x) => (x / 1000).toFixed(2)).join(', ')}]`);
    row('one ssh2 connection, 8 channels, reused (warm)', 'warm');
    row('one ssh2 connection, 8 channels, incl. handshake (cold)', 'cold');
    row('`ssh host cmd` per fetch, 4 in parallel', 'par4');
    row('`ssh host cmd` per fetch, sequential', 'seq');
    row('same commands locally via child_process (8 at once)', 'local');
  } finally {
    for (const n of names) await removeNamespace(n);
    await sshd.dispose();
    cleanupEverything();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
