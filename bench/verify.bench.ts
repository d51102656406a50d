// Benchmark: time to verify each Neutron dump against its conversion, with the number of probes.
// Target: under 60 s for the compute-node dump. Printed, not asserted.
// Run: node --import tsx bench/verify.ts [--probes N] [--seed S]   (root, nft, iptables, python3-scapy)
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkPrerequisites, prepare, runVerify } from '../src/verify/index';

const corpus = resolve(process.env.NFLENS_CORPUS ?? join(__dirname, '..', '..', 'shared', 'corpus'), 'neutron');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const maxProbes = arg('--probes', 2000);
const seed = arg('--seed', 1);

const cases: { label: string; files: string[] }[] = [
  { label: 'compute-ovs-hybrid-sg (iptables)', files: ['compute-ovs-hybrid-sg.iptables-save'] },
  { label: 'compute-ovs-hybrid-sg (ip6tables)', files: ['compute-ovs-hybrid-sg.ip6tables-save'] },
  { label: 'compute-ovs-hybrid-sg (both)', files: ['compute-ovs-hybrid-sg.iptables-save', 'compute-ovs-hybrid-sg.ip6tables-save'] },
  { label: 'qrouter-0391ee86 (iptables)', files: ['qrouter-0391ee86.iptables-save'] },
  { label: 'qrouter-0391ee86 (ip6tables)', files: ['qrouter-0391ee86.ip6tables-save'] },
  { label: 'qdhcp-3e8f1a2b (iptables)', files: ['qdhcp-3e8f1a2b.iptables-save'] },
  { label: 'qdhcp-3e8f1a2b (ip6tables)', files: ['qdhcp-3e8f1a2b.ip6tables-save'] },
];

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.log(`verify bench: skipped (no corpus at ${corpus})`);
    return;
  }
  console.log(`verify bench: --probes ${maxProbes} --seed ${seed}`);
  console.log(`${'dump'.padEnd(36)} ${'rules'.padStart(6)} ${'probes'.padStart(7)} ${'packets'.padStart(8)} ${'exercised'.padStart(10)} ${'diffs'.padStart(6)} ${'seconds'.padStart(8)}`);
  for (const c of cases) {
    const dumps = c.files.map((f) => ({ file: join(corpus, f), text: readFileSync(join(corpus, f), 'utf8'), dialect: f.includes('ip6tables') ? ('ip6tables' as const) : ('iptables' as const) }));
    const ipsetFile = join(corpus, c.files[0]!.replace(/\.ip6?tables-save$/, '.ipset-save'));
    const ipsets = existsSync(ipsetFile) ? [{ file: ipsetFile, text: readFileSync(ipsetFile, 'utf8') }] : [];
    const p = prepare({ dumps, ipsets });
    try {
      await checkPrerequisites(p.original);
    } catch (e) {
      console.log(`verify bench: skipped (${(e as Error).message})`);
      return;
    }
    const started = process.hrtime.bigint();
    const r = await runVerify(p, seed, maxProbes);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `${c.label.padEnd(36)} ${String(r.rules.length).padStart(6)} ${String(r.probes).padStart(7)} ${String(r.packets).padStart(8)} ${`${r.exercised.size}/${r.rules.length}`.padStart(10)} ${String(r.unexplained.length).padStart(6)} ${seconds.toFixed(1).padStart(8)}`,
    );
  }
}

main().catch((e) => {
  console.error(`verify bench: ${(e as Error).message}`);
  process.exitCode = 1;
});
