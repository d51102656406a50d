/**
 * What each command-line dialect knows without loading a module: commands, core options,
 * tables and their built-in chains, chain name limits.
 */
import type { CommandKind, Dialect } from '../ast/iptables';

export interface CoreOptionSpec {
  /** Canonical name, e.g. `source`. */
  readonly name: string;
  readonly args: number;
  readonly negatable: boolean;
  readonly description: string;
  /** Rule-structure role; `option` is an ordinary rule condition. */
  readonly role?: 'match' | 'jump' | 'goto' | 'counters' | 'table';
}

export interface CommandSpec {
  readonly kind: CommandKind;
  readonly description: string;
}

const COMMANDS: Record<string, CommandSpec> = {};
for (const [flags, kind, description] of [
  ['-A --append', 'append', 'Append a rule to the end of the chain.'],
  ['-I --insert', 'insert', 'Insert a rule at a position (default 1) in the chain.'],
  ['-D --delete', 'delete', 'Delete a rule, given by number or by its specification.'],
  ['-R --replace', 'replace', 'Replace the rule at a position.'],
  ['-C --check', 'check', 'Check whether a matching rule exists.'],
  ['-N --new-chain', 'new-chain', 'Create a user-defined chain.'],
  ['-X --delete-chain', 'delete-chain', 'Delete a user-defined chain (all of them when no name is given).'],
  ['-F --flush', 'flush', 'Delete every rule of the chain (of the table when no chain is given).'],
  ['-Z --zero', 'zero', 'Reset packet and byte counters.'],
  ['-P --policy', 'policy', 'Set the policy of a built-in chain.'],
  ['-E --rename-chain', 'rename-chain', 'Rename a user-defined chain.'],
] as const) {
  for (const f of flags.split(' ')) COMMANDS[f] = { kind, description };
}

export function commandSpec(flag: string): CommandSpec | undefined {
  return Object.prototype.hasOwnProperty.call(COMMANDS, flag) ? COMMANDS[flag] : undefined;
}

type CoreTable = Record<string, CoreOptionSpec>;

function core(entries: readonly (readonly [string, string, number, boolean, string, CoreOptionSpec['role']?])[]): CoreTable {
  const table: CoreTable = Object.create(null);
  for (const [flags, name, args, negatable, description, role] of entries) {
    const spec: CoreOptionSpec = role ? { name, args, negatable, description, role } : { name, args, negatable, description };
    for (const f of flags.split(' ')) table[f] = spec;
  }
  return table;
}

const COMMON = [
  ['-j --jump', 'jump', 1, false, 'Target of the rule: a verdict, a target extension or a user chain.', 'jump'],
  ['-c --set-counters', 'set-counters', 2, false, 'Initial packet and byte counters of the rule.', 'counters'],
  ['-t --table', 'table', 1, false, 'Table to operate on (command line only).', 'table'],
  ['-i --in-interface', 'in-interface', 1, true, 'Input interface; a trailing `+` matches every name with that prefix.'],
  ['-o --out-interface', 'out-interface', 1, true, 'Output interface; a trailing `+` matches every name with that prefix.'],
] as const;

const IPTABLES = core([
  ...COMMON,
  ['-s --source --src', 'source', 1, true, 'Source address, optionally with /prefix or /mask.'],
  ['-d --destination --dst', 'destination', 1, true, 'Destination address, optionally with /prefix or /mask.'],
  ['-p --protocol', 'protocol', 1, true, 'Layer-4 protocol by name or number; also loads that protocol\'s match for its options.'],
  ['-f --fragment', 'fragment', 0, true, 'Second and later fragments only (IPv4).'],
  ['-m --match', 'match', 1, false, 'Load a match extension; the options after it belong to it.', 'match'],
  ['-g --goto', 'goto', 1, false, 'Continue in a user chain without returning here.', 'goto'],
  ['-4 --ipv4', 'ipv4', 0, false, 'Apply this line only in iptables (ignored by ip6tables-restore).'],
  ['-6 --ipv6', 'ipv6', 0, false, 'Apply this line only in ip6tables.'],
  ['-w --wait', 'wait', 1, false, 'Wait for the xtables lock (command line only).'],
]);

const EBTABLES = core([
  ...COMMON,
  ['-p --protocol --proto', 'protocol', 1, true, 'Ethernet protocol (EtherType) by name (IPv4, ARP, 802_1Q, Length...) or hex number.'],
  ['-s --source --src', 'source', 1, true, 'Source MAC address, optionally with /mask.'],
  ['-d --destination --dst', 'destination', 1, true, 'Destination MAC address, optionally with /mask.'],
  ['--in-if --in-interface', 'in-interface', 1, true, 'Bridge port the frame came in on.'],
  ['--out-if --out-interface', 'out-interface', 1, true, 'Bridge port the frame goes out on.'],
  ['--logical-in', 'logical-in', 1, true, 'Bridge the frame came in on.'],
  ['--logical-out', 'logical-out', 1, true, 'Bridge the frame goes out on.'],
  ['-m --match', 'match', 1, false, 'Load a match extension explicitly (ebtables-nft).', 'match'],
]);

const ARPTABLES = core([
  ...COMMON,
  ['-s --source-ip --src-ip', 'source', 1, true, 'Sender IP address, optionally with /prefix or /mask.'],
  ['-d --destination-ip --dst-ip', 'destination', 1, true, 'Target IP address, optionally with /prefix or /mask.'],
  ['--source-mac --src-mac', 'source-mac', 1, true, 'Sender hardware address.'],
  ['--destination-mac --dst-mac', 'destination-mac', 1, true, 'Target hardware address.'],
  ['-l --h-length', 'h-length', 1, true, 'Hardware address length.'],
  ['--opcode', 'opcode', 1, true, 'ARP operation (1 request, 2 reply, ...).'],
  ['--h-type', 'h-type', 1, true, 'Hardware type (1 Ethernet).'],
  ['--proto-type', 'proto-type', 1, true, 'Protocol type (0x800 / ipv4).'],
  ['-m --match', 'match', 1, false, 'Load a match extension.', 'match'],
]);

export function coreOptions(dialect: Dialect): CoreTable {
  return dialect === 'ebtables' ? EBTABLES : dialect === 'arptables' ? ARPTABLES : IPTABLES;
}

export function coreOption(dialect: Dialect, flag: string): CoreOptionSpec | undefined {
  return coreOptions(dialect)[flag];
}

/** Every canonical core option name of a dialect. */
const coreNames = new Map<Dialect, ReadonlySet<string>>();
export function coreOptionNames(dialect: Dialect): ReadonlySet<string> {
  let names = coreNames.get(dialect);
  if (!names) {
    names = new Set(Object.values(coreOptions(dialect)).map((s) => s.name));
    coreNames.set(dialect, names);
  }
  return names;
}

/** Built-in chains per table. */
export const TABLES: Record<Dialect, Record<string, readonly string[]>> = {
  iptables: {
    filter: ['INPUT', 'FORWARD', 'OUTPUT'],
    nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    raw: ['PREROUTING', 'OUTPUT'],
    security: ['INPUT', 'FORWARD', 'OUTPUT'],
  },
  ip6tables: {
    filter: ['INPUT', 'FORWARD', 'OUTPUT'],
    nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
    raw: ['PREROUTING', 'OUTPUT'],
    security: ['INPUT', 'FORWARD', 'OUTPUT'],
  },
  ebtables: {
    filter: ['INPUT', 'FORWARD', 'OUTPUT'],
    nat: ['PREROUTING', 'OUTPUT', 'POSTROUTING'],
    broute: ['BROUTING'],
  },
  arptables: {
    filter: ['INPUT', 'OUTPUT', 'FORWARD'],
  },
};

export function isBuiltinChain(dialect: Dialect, table: string, chain: string): boolean {
  const t = TABLES[dialect][table];
  return t ? t.includes(chain) : false;
}

/** Longest chain name the kernel accepts (XT_EXTENSION_MAXNAMELEN - 1; EBT_CHAIN_MAXNAMELEN - 1). */
export function maxChainNameLength(dialect: Dialect): number {
  return dialect === 'ebtables' ? 31 : 28;
}

/** Verdicts every dialect knows without an extension. */
export const STANDARD_VERDICTS: Record<Dialect, readonly string[]> = {
  iptables: ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'],
  ip6tables: ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'],
  ebtables: ['ACCEPT', 'DROP', 'RETURN', 'CONTINUE'],
  arptables: ['ACCEPT', 'DROP', 'RETURN', 'CONTINUE'],
};

/** Whether `-t nat` style tables are the family's iptables dialect (COMMIT expected). */
export function expectsCommit(dialect: Dialect): boolean {
  return dialect === 'iptables' || dialect === 'ip6tables';
}

/** Protocol (as written after -p) → match module iptables loads implicitly for its options. */
export function implicitProtocolModule(dialect: Dialect, protocol: string): string | undefined {
  const p = protocol.toLowerCase();
  switch (p) {
    case 'tcp': case '6': return 'tcp';
    case 'udp': case '17': return 'udp';
    case 'udplite': case '136': return 'udplite';
    case 'sctp': case '132': return 'sctp';
    case 'dccp': case '33': return 'dccp';
    case 'esp': case '50': return 'esp';
    case 'ah': case '51': return 'ah';
    case 'icmp': case '1': return dialect === 'ip6tables' ? undefined : 'icmp';
    case 'icmpv6': case 'ipv6-icmp': case 'icmp6': case '58': return dialect === 'ip6tables' ? 'icmp6' : undefined;
    case 'mh': case 'ipv6-mh': case '135': return dialect === 'ip6tables' ? 'mh' : undefined;
    default: return undefined;
  }
}
