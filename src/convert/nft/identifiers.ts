/**
 * Names nft can parse where it expects an identifier (chain, set, table names): `identifier`
 * in nftables' parser_bison.y is a STRING token of the scanner, and no other (quoted strings are
 * not identifiers). So a name is usable if it scans as a STRING: a letter, `_` or `.` first, then
 * letters, digits, `/`, `-`, `_`, `.`; and it is not one of the words the scanner turns into a
 * keyword token in every state.
 */

/**
 * The words nftables' scanner (scanner.l) returns as keyword tokens in every start state, in
 * releases 1.0.6 to 1.1.6: each fails as a chain name (checked against nft 1.0.6, which also
 * accepts every state-dependent keyword there). `last` is an identifier again from 1.1.x on.
 */
export const NFT_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'accept', 'add', 'ah', 'all', 'and', 'arp', 'auto-merge', 'bridge', 'cgroup', 'chain', 'comment', 'comp',
  'constant', 'continue', 'counter', 'cpu', 'create', 'ct', 'day', 'dccp', 'define', 'delete', 'describe', 'destroy',
  'device', 'devices', 'dnat', 'drop', 'dst', 'dup', 'dynamic', 'ecn', 'element', 'elements', 'eq', 'esp', 'ether',
  'exists', 'expires', 'export', 'exthdr', 'fib', 'flags', 'flow', 'flowtable', 'flush', 'frag', 'fwd',
  'gc-interval', 'ge', 'geneve', 'get', 'goto', 'gre', 'gretap', 'gt', 'handle', 'hbh', 'hook', 'hour', 'ibriport',
  'ibrname', 'icmp', 'icmpv6', 'igmp', 'iif', 'iifgroup', 'iifname', 'iiftype', 'import', 'include', 'index', 'inet',
  'insert', 'interval', 'ip', 'ip6', 'ipsec', 'jhash', 'jump', 'last', 'le', 'limit', 'list', 'log', 'lshift', 'lt',
  'map', 'mark', 'masquerade', 'meta', 'meter', 'mh', 'missing', 'monitor', 'ne', 'netdev', 'nftrace', 'not',
  'notrack', 'numgen', 'obriport', 'obrname', 'offload', 'oif', 'oifgroup', 'oifname', 'oiftype', 'or', 'osf',
  'pkttype', 'policy', 'position', 'priority', 'queue', 'quota', 'random', 'redefine', 'redirect', 'reject',
  'rename', 'replace', 'reset', 'return', 'rshift', 'rt', 'rt0', 'rt2', 'rtclassid', 'rule', 'ruleset', 'sctp',
  'secmark', 'set', 'size', 'skgid', 'skuid', 'snat', 'socket', 'srh', 'symhash', 'synproxy', 'table', 'tcp', 'th',
  'time', 'timeout', 'tproxy', 'tunnel', 'type', 'typeof', 'udp', 'udplite', 'undefine', 'update', 'vlan', 'vmap',
  'vni', 'vxlan', 'xor', 'xt',
]);

const STRING_TOKEN = /^[A-Za-z_.][A-Za-z0-9/\-_.]*$/;

/** Whether nft reads `name` as an identifier. */
export function isNftIdentifier(name: string): boolean {
  return STRING_TOKEN.test(name) && !NFT_RESERVED_WORDS.has(name);
}

/**
 * An identifier for `name`: the name itself when nft reads it as one; otherwise the characters
 * a STRING cannot hold become `_`, a `_` goes in front when it starts with a digit or a sign,
 * and one after a reserved word (`dynamic` → `dynamic_`). Callers make it unique.
 */
export function nftIdentifierFor(name: string): string {
  if (isNftIdentifier(name)) return name;
  let s = name.replace(/[^A-Za-z0-9/\-_.]/g, '_');
  if (!/^[A-Za-z_.]/.test(s)) s = `_${s}`;
  if (NFT_RESERVED_WORDS.has(s)) s = `${s}_`;
  return s;
}
