/**
 * One throw-away topology: a firewall namespace holding the interfaces the ruleset names
 * (veths), and a world namespace holding their peers, where probes are sent from and
 * captured. Addresses, MACs and routes are the same in every topology of a run, so the
 * only thing that differs between the two is the ruleset.
 */
import { randomBytes } from 'node:crypto';
import { inNs, Ledger, NS_PREFIX, run } from './system';
import type { Family } from './ruleset';

export interface TopologyIface {
  /** Name inside the firewall namespace (as the ruleset names it). */
  readonly name: string;
  /** Peer name inside the world namespace. */
  readonly world: string;
  readonly index: number;
  readonly fwMac: string;
  readonly worldMac: string;
  /** The firewall's own address on this interface, per family. */
  readonly fwAddr: Record<Family, string>;
  /** The world peer's address (the gateway for everything routed out of this interface). */
  readonly gateway: Record<Family, string>;
}

export interface Topology {
  readonly label: string;
  readonly fw: string;
  readonly world: string;
  readonly ifaces: readonly TopologyIface[];
}

export function runId(): string {
  return `${process.pid}-${randomBytes(3).toString('hex')}`;
}

function mac(i: number, end: number): string {
  return `02:6e:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}:00:${end.toString(16).padStart(2, '0')}`;
}

/** Interface plan shared by both topologies of a run. */
export function planInterfaces(names: readonly string[]): TopologyIface[] {
  if (names.length > 250) throw new Error(`too many interfaces for one topology (${names.length}; at most 250)`);
  return names.map((name, i) => ({
    name,
    world: `w${i}`,
    index: i,
    fwMac: mac(i, 1),
    worldMac: mac(i, 2),
    fwAddr: { 4: `100.64.${i}.1`, 6: i === 0 ? 'fd6e:6c76::1' : `fd6e:6c76:0:${i.toString(16)}::1` },
    gateway: { 4: `100.64.${i}.2`, 6: i === 0 ? 'fd6e:6c76::2' : `fd6e:6c76:0:${i.toString(16)}::2` },
  }));
}

const FW_SYSCTLS = [
  'net.ipv4.ip_forward=1',
  'net.ipv6.conf.all.forwarding=1',
  'net.ipv4.conf.all.rp_filter=0',
  'net.ipv4.conf.default.rp_filter=0',
  'net.ipv4.conf.all.accept_local=1',
  'net.ipv6.conf.default.addr_gen_mode=1',
  'net.ipv6.conf.default.accept_dad=0',
  'net.ipv6.conf.all.accept_dad=0',
  'net.ipv6.conf.default.accept_ra=0',
  'net.ipv6.conf.all.accept_ra=0',
  // ICMP errors are rate-limited per destination: unlimited, so both sides answer alike
  'net.ipv4.icmp_ratelimit=0',
  'net.ipv6.icmp.ratelimit=0',
  'net.ipv4.icmp_msgs_per_sec=1000000',
  'net.ipv4.icmp_msgs_burst=1000000',
];
const WORLD_SYSCTLS = ['net.ipv6.conf.default.addr_gen_mode=1', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.default.accept_ra=0', 'net.ipv4.ip_forward=0'];

/** Routing table the per-batch routes go to. */
export const PROBE_TABLE = 100;

export async function createTopology(ledger: Ledger, id: string, label: string, ifaces: readonly TopologyIface[]): Promise<Topology> {
  const fw = ledger.namespace(`${NS_PREFIX}${id}-${label}-fw`);
  const world = ledger.namespace(`${NS_PREFIX}${id}-${label}-world`);
  await run(['ip', 'netns', 'add', fw]);
  await run(['ip', 'netns', 'add', world]);
  await run(inNs(fw, ['sysctl', '-q', '-w', ...FW_SYSCTLS]));
  await run(inNs(world, ['sysctl', '-q', '-w', ...WORLD_SYSCTLS]));
  const links = ifaces.map((i) => `link add ${i.name} address ${i.fwMac} netns ${fw} type veth peer name ${i.world} address ${i.worldMac} netns ${world}`);
  if (links.length) await run(['ip', '-batch', '-'], links.join('\n') + '\n');
  const fwCmds = ['link set lo up'];
  for (const i of ifaces) {
    fwCmds.push(
      `link set ${i.name} addrgenmode none`,
      `link set ${i.name} up`,
      `addr add ${i.fwAddr[4]}/32 dev ${i.name}`,
      `addr add ${i.fwAddr[6]}/128 dev ${i.name} nodad`,
      `route add ${i.gateway[4]}/32 dev ${i.name}`,
      `route add ${i.gateway[6]}/128 dev ${i.name}`,
      `neigh replace ${i.gateway[4]} lladdr ${i.worldMac} dev ${i.name} nud permanent`,
      `neigh replace ${i.gateway[6]} lladdr ${i.worldMac} dev ${i.name} nud permanent`,
    );
  }
  if (ifaces[0]) fwCmds.push(`route add default via ${ifaces[0].gateway[4]} dev ${ifaces[0].name}`, `route add default via ${ifaces[0].gateway[6]} dev ${ifaces[0].name}`);
  fwCmds.push(`rule add pref 100 lookup ${PROBE_TABLE}`);
  await run(['ip', '-n', fw, '-batch', '-'], fwCmds.join('\n') + '\n');
  await run(['ip', '-6', '-n', fw, 'rule', 'add', 'pref', '100', 'lookup', String(PROBE_TABLE)]);
  const worldCmds = ['link set lo up', ...ifaces.flatMap((i) => [`link set ${i.world} addrgenmode none`, `link set ${i.world} up`])];
  await run(['ip', '-n', world, '-batch', '-'], worldCmds.join('\n') + '\n');
  return { label, fw, world, ifaces };
}

/** Where each address of a batch is: out of an interface (via its world peer), or local to the firewall. */
export type Placement = { readonly iface: TopologyIface } | { readonly local: true };

/** `ip -batch` input per family (batch lines cannot say -6). */
export function routeCommands(addrs: ReadonlyMap<string, Placement>): { 4: string; 6: string } {
  const cmds: { 4: string[]; 6: string[] } = { 4: [`route flush table ${PROBE_TABLE}`], 6: [`route flush table ${PROBE_TABLE}`] };
  for (const [addr, p] of addrs) {
    const v6 = addr.includes(':');
    const pre = '';
    const len = v6 ? 128 : 32;
    const list = cmds[v6 ? 6 : 4];
    if ('local' in p) list.push(`${pre}route replace local ${addr}/${len} dev lo table ${PROBE_TABLE}`);
    else list.push(`${pre}route replace ${addr}/${len} via ${p.iface.gateway[v6 ? 6 : 4]} dev ${p.iface.name} table ${PROBE_TABLE}`);
  }
  return { 4: cmds[4].join('\n') + '\n', 6: cmds[6].join('\n') + '\n' };
}

/** The observation table: trace every packet, and note zones where packets are delivered or leave. */
export function observationRuleset(zones: readonly number[]): string {
  const zoneRules = zones.map((z) => `\t\tct zone ${z} counter`).join('\n');
  return `table inet nflens_verify {
	chain trace_pre {
		type filter hook prerouting priority -1000; policy accept;
		meta nftrace set 1
	}
	chain trace_out {
		type filter hook output priority -1000; policy accept;
		meta nftrace set 1
	}
	chain seen_fwd {
		type filter hook forward priority -1; policy accept;
	}
	chain seen_in {
		type filter hook input priority 2147483647; policy accept;
${zoneRules}
		counter
	}
	chain seen_out {
		type filter hook postrouting priority 2147483647; policy accept;
${zoneRules}
		counter
	}
}
`;
}
