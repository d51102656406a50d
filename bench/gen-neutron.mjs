#!/usr/bin/env node
// Generates a Neutron-like compute-node iptables-save dump (OVS hybrid security groups) of any
// size, with the shape of corpus/neutron/compute-ovs-hybrid-sg.iptables-save: per-port conntrack
// zones (raw), physdev jumps, i/o/s chains, state rules, security-group rules, fallbacks.
//
// Usage: node bench/gen-neutron.mjs [--rules 50000] [--ports 2000] [--groups 50] [--family 4|6]
//                                   [--no-set] [--out FILE] [--ipset-out FILE] [--seed N]
// --no-set replaces `-m set --match-set` rules with `-s CIDR` rules, so tools that need the
// ipsets in the kernel (iptables-restore-translate) can run on the dump.
import { writeFileSync } from 'node:fs';

/** Small deterministic PRNG (mulberry32) so runs are reproducible. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rand, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

function uuid(rand) {
  return `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-${hex(rand, 4)}-${hex(rand, 12)}`;
}

const PREFIX = 'neutron-openvswi';
const STATE_OK = '-m state --state RELATED,ESTABLISHED -m comment --comment "Direct packets associated with a known session to the RETURN chain." -j RETURN';
const STATE_INVALID = '-m state --state INVALID -m comment --comment "Drop packets that appear related to an existing connection (e.g. TCP ACK/FIN) but do not have an entry in conntrack." -j DROP';
const FALLBACK = `-m comment --comment "Send unmatched traffic to the fallback chain." -j ${PREFIX}-sg-fallback`;

/**
 * @param {{rules?: number, ports?: number, groups?: number, family?: 4|6, useSets?: boolean, seed?: number}} opts
 * @returns {{ iptables: string, ipset: string, ruleCount: number }}
 */
export function generateNeutronDump(opts = {}) {
  const ports = opts.ports ?? 2000;
  const target = opts.rules ?? 50000;
  const groups = Math.max(1, opts.groups ?? 50);
  const v6 = (opts.family ?? 4) === 6;
  const useSets = opts.useSets ?? true;
  const rand = rng(opts.seed ?? 42);
  const setPrefix = v6 ? 'NIPv6' : 'NIPv4';
  const sgs = Array.from({ length: groups }, () => uuid(rand));
  const setName = (sg) => `${setPrefix}${sg}`.slice(0, 29);
  const members = new Map(sgs.map((sg) => [sg, []]));

  const portList = [];
  for (let p = 0; p < ports; p++) {
    const id = uuid(rand);
    const dev = id.slice(0, 11);
    const ip = v6 ? `fd00:${(p >> 8).toString(16)}::${(p & 0xff).toString(16)}:5` : `10.${Math.floor(p / 254 / 256) & 0xff}.${Math.floor(p / 254) & 0xff}.${(p % 254) + 1}` // hosts .1-.254 only;
    const mac = `fa:16:3e:${hex(rand, 2)}:${hex(rand, 2)}:${hex(rand, 2)}`;
    const sg = sgs[p % groups];
    members.get(sg).push(ip);
    portList.push({ id, dev, ip, mac, sg, zone: 4097 + p });
  }

  const fixedPerPort = 3 + 5 + 3 + 7 + 2; // raw zones, physdev jumps, i-chain frame, o-chain frame, s-chain
  const extra = Math.max(0, target - ports * fixedPerPort - 10);
  const sgRulesPerPort = Math.floor(extra / ports);
  let remainder = extra - sgRulesPerPort * ports;

  const raw = [];
  const filterChains = [];
  const fwd = [];
  const input = [];
  const sgChain = [];
  const perPort = [];
  const cidr = () => (v6 ? `2001:db8:${hex(rand, 4)}::/64` : `198.51.${Math.floor(rand() * 256)}.0/24`);
  const sgRule = (port, ingress) => {
    const kind = Math.floor(rand() * 7);
    const proto = v6 ? 'ipv6-icmp' : 'icmp';
    switch (kind) {
      case 0: return `-p tcp -m tcp --dport ${1 + Math.floor(rand() * 65000)} -j RETURN`;
      case 1: return `-s ${cidr()} -p tcp -m tcp -m multiport --dports ${8000 + Math.floor(rand() * 100)}:${8100 + Math.floor(rand() * 100)} -j RETURN`;
      case 2: return v6 ? `-s ${cidr()} -p ${proto} -m icmp6 --icmpv6-type 128 -j RETURN` : `-s ${cidr()} -p icmp -m icmp --icmp-type 8/0 -j RETURN`;
      case 3: return `-p udp -m udp --dport ${1 + Math.floor(rand() * 65000)} -j RETURN`;
      case 4:
      case 5:
        return useSets ? `-m set --match-set ${setName(port.sg)} ${ingress ? 'src' : 'dst'} -j RETURN` : `-${ingress ? 's' : 'd'} ${cidr()} -j RETURN`;
      default: return `-d ${v6 ? 'ff02::12/128' : '224.0.0.18/32'} -p vrrp -j RETURN`;
    }
  };

  for (const port of portList) {
    const i = `${PREFIX}-i${port.dev}`.slice(0, 28);
    const o = `${PREFIX}-o${port.dev}`.slice(0, 28);
    const s = `${PREFIX}-s${port.dev}`.slice(0, 28);
    const tap = `tap${port.dev.slice(0, 11)}`;
    const qvb = `qvb${port.dev.slice(0, 11)}`;
    const zone = `-m comment --comment "Set zone for ${port.id}" -j CT --zone ${port.zone}`;
    raw.push(`-A ${PREFIX}-PREROUTING -m physdev --physdev-in ${qvb} ${zone}`);
    raw.push(`-A ${PREFIX}-PREROUTING -i ${qvb} ${zone}`);
    raw.push(`-A ${PREFIX}-PREROUTING -m physdev --physdev-in ${tap} ${zone}`);
    filterChains.push(i, o, s);
    const direct = '-m comment --comment "Direct traffic from the VM interface to the security group chain."';
    fwd.push(`-A ${PREFIX}-FORWARD -m physdev --physdev-out ${tap} --physdev-is-bridged ${direct} -j ${PREFIX}-sg-chain`);
    fwd.push(`-A ${PREFIX}-FORWARD -m physdev --physdev-in ${tap} --physdev-is-bridged ${direct} -j ${PREFIX}-sg-chain`);
    input.push(`-A ${PREFIX}-INPUT -m physdev --physdev-in ${tap} --physdev-is-bridged -m comment --comment "Direct incoming traffic from VM to the security group chain." -j ${o}`);
    sgChain.push(`-A ${PREFIX}-sg-chain -m physdev --physdev-out ${tap} --physdev-is-bridged -m comment --comment "Jump to the VM specific chain." -j ${i}`);
    sgChain.push(`-A ${PREFIX}-sg-chain -m physdev --physdev-in ${tap} --physdev-is-bridged -m comment --comment "Jump to the VM specific chain." -j ${o}`);
    let n = sgRulesPerPort + (remainder > 0 ? 1 : 0);
    if (remainder > 0) remainder--;
    const ingressN = Math.ceil(n / 2);
    perPort.push(`-A ${i} ${STATE_OK}`);
    for (let k = 0; k < ingressN; k++) perPort.push(`-A ${i} ${sgRule(port, true)}`);
    perPort.push(`-A ${i} ${STATE_INVALID}`, `-A ${i} ${FALLBACK}`);
    const dhcp = v6 ? ['-s ::/128 -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type 131', '-p udp -m udp --sport 546 --dport 547', '-p udp -m udp --sport 547 --dport 546'] : ['-s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67', '-p udp -m udp --sport 68 --dport 67', '-p udp -m udp --sport 67 --dport 68'];
    perPort.push(`-A ${o} ${dhcp[0]} -m comment --comment "Allow DHCP client traffic." -j RETURN`);
    perPort.push(`-A ${o} -j ${s}`);
    perPort.push(`-A ${o} ${dhcp[1]} -m comment --comment "Allow DHCP client traffic." -j RETURN`);
    perPort.push(`-A ${o} ${dhcp[2]} -m comment --comment "Prevent DHCP Spoofing by VM." -j DROP`);
    perPort.push(`-A ${o} ${STATE_OK}`);
    for (let k = ingressN; k < n; k++) perPort.push(`-A ${o} ${sgRule(port, false)}`);
    perPort.push(`-A ${o} ${STATE_INVALID}`, `-A ${o} ${FALLBACK}`);
    perPort.push(`-A ${s} -s ${port.ip}/${v6 ? 128 : 32} -m mac --mac-source ${port.mac} -m comment --comment "Allow traffic from defined IP/MAC pairs." -j RETURN`);
    perPort.push(`-A ${s} -m comment --comment "Drop traffic without an IP/MAC allow rule." -j DROP`);
  }

  const stamp = 'Fri Nov 27 00:00:00 2026';
  const tool = v6 ? 'ip6tables-save' : 'iptables-save';
  const out = [];
  const table = (name, builtins, chains, rules) => {
    out.push(`# Generated by ${tool} v1.8.9 (nf_tables) on ${stamp}`, `*${name}`);
    for (const b of builtins) out.push(`:${b} ACCEPT [0:0]`);
    for (const c of [...chains].sort()) out.push(`:${c} - [0:0]`);
    out.push(...rules, 'COMMIT', `# Completed on ${stamp}`);
  };
  table('raw', ['PREROUTING', 'OUTPUT'], [`${PREFIX}-OUTPUT`, `${PREFIX}-PREROUTING`], [
    `-A PREROUTING -j ${PREFIX}-PREROUTING`,
    `-A OUTPUT -j ${PREFIX}-OUTPUT`,
    ...raw,
  ]);
  table('filter', ['INPUT', 'FORWARD', 'OUTPUT'], ['neutron-filter-top', `${PREFIX}-FORWARD`, `${PREFIX}-INPUT`, `${PREFIX}-OUTPUT`, `${PREFIX}-local`, `${PREFIX}-sg-chain`, `${PREFIX}-sg-fallback`, ...filterChains], [
    `-A INPUT -j ${PREFIX}-INPUT`,
    '-A FORWARD -j neutron-filter-top',
    `-A FORWARD -j ${PREFIX}-FORWARD`,
    '-A OUTPUT -j neutron-filter-top',
    `-A OUTPUT -j ${PREFIX}-OUTPUT`,
    `-A neutron-filter-top -j ${PREFIX}-local`,
    ...fwd,
    ...input,
    ...sgChain,
    `-A ${PREFIX}-sg-chain -j ACCEPT`,
    ...perPort,
    `-A ${PREFIX}-sg-fallback -m comment --comment "Default drop rule for unmatched traffic." -j DROP`,
  ]);
  const iptables = out.join('\n') + '\n';
  const ruleCount = out.filter((l) => l.startsWith('-A ')).length;

  const ipsetLines = [];
  if (useSets) {
    for (const sg of sgs) {
      const name = setName(sg);
      ipsetLines.push(`create ${name} hash:net family ${v6 ? 'inet6' : 'inet'} hashsize 1024 maxelem 65536 bucketsize 12 initval 0x${hex(rand, 8)}`);
      for (const ip of members.get(sg)) ipsetLines.push(`add ${name} ${ip}`);
    }
  }
  return { iptables, ipset: ipsetLines.length ? ipsetLines.join('\n') + '\n' : '', ruleCount };
}

function main(argv) {
  const opts = { useSets: true };
  let out;
  let ipsetOut;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`);
      return v;
    };
    if (a === '--rules') opts.rules = num();
    else if (a === '--ports') opts.ports = num();
    else if (a === '--groups') opts.groups = num();
    else if (a === '--seed') opts.seed = num();
    else if (a === '--family') opts.family = num() === 6 ? 6 : 4;
    else if (a === '--no-set') opts.useSets = false;
    else if (a === '--out') out = argv[++i];
    else if (a === '--ipset-out') ipsetOut = argv[++i];
    else {
      process.stderr.write(`unknown option ${a}\n`);
      process.exit(2);
    }
  }
  const r = generateNeutronDump(opts);
  if (out) writeFileSync(out, r.iptables);
  else process.stdout.write(r.iptables);
  if (ipsetOut) writeFileSync(ipsetOut, r.ipset);
  process.stderr.write(`${r.ruleCount} rules\n`);
}

// Run as a script only when this file itself is the entry point (not when imported or bundled).
if (import.meta.url === `file://${process.argv[1]}` && /gen-neutron\.mjs$/.test(process.argv[1] ?? '')) main(process.argv.slice(2));
