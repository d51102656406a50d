/**
 * Known match and target extensions of iptables, ip6tables, ebtables and arptables: their
 * options, argument counts and one-line descriptions (in our own words). The parser uses the
 * argument counts to group words; analysis, hover and completion use the rest.
 */
import type { Dialect } from '../ast/iptables';

export interface ModuleOption {
  /** Canonical long name without dashes. */
  readonly name: string;
  /** Other spellings (without dashes). */
  readonly aliases: readonly string[];
  /** Minimum and maximum number of arguments. */
  readonly args: readonly [number, number];
  readonly negatable: boolean;
  /** Shape of the argument(s), e.g. `port[:port]`. */
  readonly argHint: string;
  readonly description: string;
}

export type ModuleKind = 'match' | 'target';

export interface ModuleSpec {
  readonly name: string;
  readonly kind: ModuleKind;
  readonly dialects: readonly Dialect[];
  readonly description: string;
  /** The nftables way to say the same thing, when there is one. */
  readonly nft?: string;
  readonly options: readonly ModuleOption[];
  /** Target ends the chain traversal for the packet. */
  readonly terminal?: boolean;
  /** Target only valid in these tables. */
  readonly tables?: readonly string[];
  /** ebtables: loaded by using one of its options, without `-m`. */
  readonly implicit?: boolean;
}

type OptionRow = readonly [names: string, args: string, argHint: string, description: string];

function options(rows: readonly OptionRow[]): ModuleOption[] {
  return rows.map(([names, args, argHint, description]) => {
    const [name, ...aliases] = names.split(' ');
    const negatable = args.endsWith('!');
    const counts = (negatable ? args.slice(0, -1) : args).split('-').map(Number);
    const min = counts[0] ?? 0;
    const max = counts.length > 1 ? (counts[1] ?? min) : min;
    return { name: name ?? names, aliases, args: [min, max], negatable, argHint, description };
  });
}

const IP: readonly Dialect[] = ['iptables', 'ip6tables'];
const IP4: readonly Dialect[] = ['iptables'];
const IP6: readonly Dialect[] = ['ip6tables'];
const EB: readonly Dialect[] = ['ebtables'];
const ARP: readonly Dialect[] = ['arptables'];

interface ModuleDef {
  readonly kind: ModuleKind;
  readonly names: string;
  readonly dialects: readonly Dialect[];
  readonly description: string;
  readonly nft?: string;
  readonly options?: readonly OptionRow[];
  readonly terminal?: boolean;
  readonly tables?: readonly string[];
  readonly implicit?: boolean;
}

const PORT_OPTS: readonly OptionRow[] = [
  ['sport source-port', '1!', 'port[:port]', 'Source port or inclusive range `a:b`.'],
  ['dport destination-port', '1!', 'port[:port]', 'Destination port or inclusive range `a:b`.'],
];

const DEFS: readonly ModuleDef[] = [
  // ---- iptables / ip6tables matches ----
  { kind: 'match', names: 'addrtype', dialects: IP, description: 'Matches the routing type of the source or destination address (LOCAL, UNICAST, BROADCAST...).', nft: 'fib saddr type / fib daddr type',
    options: [['src-type', '1!', 'TYPE[,TYPE...]', 'Source address type.'], ['dst-type', '1!', 'TYPE[,TYPE...]', 'Destination address type.'], ['limit-iface-in', '0', '', 'Only consider the input interface.'], ['limit-iface-out', '0', '', 'Only consider the output interface.']] },
  { kind: 'match', names: 'ah', dialects: IP, description: 'Matches fields of the IPsec Authentication Header.', nft: 'ah spi / ah hdrlength',
    options: [['ahspi', '1!', 'spi[:spi]', 'Security Parameters Index or range.'], ['ahlen', '1!', 'length', 'Header length (IPv6).'], ['ahres', '0', '', 'Reserved field is non-zero (IPv6).']] },
  { kind: 'match', names: 'bpf', dialects: IP, description: 'Runs a classic BPF program or a pinned eBPF object against the packet.', options: [['bytecode', '1', 'code', 'BPF bytecode as printed by nfbpf_compile.'], ['object-pinned', '1', 'path', 'Pinned eBPF program.']] },
  { kind: 'match', names: 'cgroup', dialects: IP, description: 'Matches the control group of the socket owner.', nft: 'meta cgroup / socket cgroupv2',
    options: [['cgroup', '1!', 'classid', 'net_cls class id.'], ['path', '1!', 'path', 'cgroup v2 path.']] },
  { kind: 'match', names: 'cluster', dialects: IP, description: 'Spreads connections over cluster nodes by hashing the source address.', nft: 'jhash ip saddr mod N seed S',
    options: [['cluster-total-nodes', '1', 'n', 'Number of nodes.'], ['cluster-local-node', '1!', 'id', 'This node\'s id.'], ['cluster-local-nodemask', '1!', 'mask', 'This node\'s ids as a bit mask.'], ['cluster-hash-seed', '1', 'seed', 'Hash seed.']] },
  { kind: 'match', names: 'comment', dialects: [...IP, 'ebtables'], description: 'Attaches a comment to the rule; matches every packet.', nft: 'comment "..."',
    options: [['comment', '1', 'text', 'Free text, up to 255 characters.']] },
  { kind: 'match', names: 'connbytes', dialects: IP, description: 'Matches by bytes or packets transferred so far on the connection.', nft: 'ct original|reply|both bytes|packets|avgpkt',
    options: [['connbytes', '1!', 'from[:to]', 'Range of the counter.'], ['connbytes-dir', '1', 'original|reply|both', 'Direction to count.'], ['connbytes-mode', '1', 'packets|bytes|avgpkt', 'What to count.']] },
  { kind: 'match', names: 'connlabel', dialects: IP, description: 'Matches (and optionally sets) a conntrack label bit.', nft: 'ct label',
    options: [['label', '1!', 'name|bit', 'Label name or bit number.'], ['set', '0', '', 'Set the label if not set yet.']] },
  { kind: 'match', names: 'connlimit', dialects: IP, description: 'Limits the number of parallel connections per address or prefix.', nft: 'meter/ct count over N',
    options: [['connlimit-upto', '1', 'n', 'Match while the count is at most n.'], ['connlimit-above', '1', 'n', 'Match when the count is above n.'], ['connlimit-mask', '1', 'prefix', 'Group addresses by this prefix length.'], ['connlimit-saddr', '0', '', 'Count per source address (default).'], ['connlimit-daddr', '0', '', 'Count per destination address.']] },
  { kind: 'match', names: 'connmark', dialects: IP, description: 'Matches the connection mark.', nft: 'ct mark and MASK == VALUE',
    options: [['mark', '1!', 'value[/mask]', 'Mark value, optionally under a mask.']] },
  { kind: 'match', names: 'conntrack', dialects: IP, description: 'Matches connection tracking state and tuple fields.', nft: 'ct state / ct status / ct original saddr ...',
    options: [
      ['ctstate', '1!', 'STATE[,STATE...]', 'INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT.'],
      ['ctproto', '1!', 'proto', 'Layer-4 protocol of the connection.'],
      ['ctorigsrc', '1!', 'address[/mask]', 'Original source address.'],
      ['ctorigdst', '1!', 'address[/mask]', 'Original destination address.'],
      ['ctreplsrc', '1!', 'address[/mask]', 'Reply source address.'],
      ['ctrepldst', '1!', 'address[/mask]', 'Reply destination address.'],
      ['ctorigsrcport', '1!', 'port[:port]', 'Original source port.'],
      ['ctorigdstport', '1!', 'port[:port]', 'Original destination port.'],
      ['ctreplsrcport', '1!', 'port[:port]', 'Reply source port.'],
      ['ctrepldstport', '1!', 'port[:port]', 'Reply destination port.'],
      ['ctstatus', '1!', 'STATUS[,STATUS...]', 'NONE, EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED.'],
      ['ctexpire', '1!', 'secs[:secs]', 'Remaining lifetime in seconds.'],
      ['ctdir', '1', 'ORIGINAL|REPLY', 'Direction of the packet.'],
    ] },
  { kind: 'match', names: 'cpu', dialects: IP, description: 'Matches the CPU handling the packet.', nft: 'meta cpu', options: [['cpu', '1!', 'n', 'CPU number.']] },
  { kind: 'match', names: 'dccp', dialects: IP, description: 'Matches DCCP header fields.', nft: 'dccp sport / dccp dport / dccp type',
    options: [...PORT_OPTS, ['dccp-types', '1!', 'TYPE[,TYPE...]', 'Packet types.'], ['dccp-option', '1!', 'n', 'DCCP option present.']] },
  { kind: 'match', names: 'devgroup', dialects: IP, description: 'Matches the device group of the interfaces.', nft: 'meta iifgroup / oifgroup',
    options: [['src-group', '1!', 'group[/mask]', 'Input device group.'], ['dst-group', '1!', 'group[/mask]', 'Output device group.']] },
  { kind: 'match', names: 'dscp', dialects: IP, description: 'Matches the DSCP field.', nft: 'ip dscp / ip6 dscp',
    options: [['dscp', '1!', 'value', 'DSCP value (0-63).'], ['dscp-class', '1!', 'class', 'DiffServ class name (EF, AF11...).']] },
  { kind: 'match', names: 'dst', dialects: IP6, description: 'Matches the IPv6 destination options header.', nft: 'exthdr dst',
    options: [['dst-len', '1!', 'length', 'Header length.'], ['dst-opts', '1', 'type[:len],...', 'Options present.']] },
  { kind: 'match', names: 'ecn', dialects: IP, description: 'Matches ECN bits of the IP and TCP headers.', nft: 'ip ecn / tcp flags',
    options: [['ecn-tcp-cwr', '0!', '', 'TCP CWR bit set.'], ['ecn-tcp-ece', '0!', '', 'TCP ECE bit set.'], ['ecn-ip-ect', '1!', '0-3', 'IP ECT codepoint.']] },
  { kind: 'match', names: 'esp', dialects: IP, description: 'Matches the SPI of IPsec ESP packets.', nft: 'esp spi', options: [['espspi', '1!', 'spi[:spi]', 'Security Parameters Index or range.']] },
  { kind: 'match', names: 'eui64', dialects: IP6, description: 'Checks that the IPv6 source address was derived from the source MAC (EUI-64).' },
  { kind: 'match', names: 'frag', dialects: IP6, description: 'Matches the IPv6 fragment header.', nft: 'frag id / frag more-fragments',
    options: [['fragid', '1!', 'id[:id]', 'Identification.'], ['fraglen', '1!', 'length', 'Header length.'], ['fragres', '0', '', 'Reserved fields non-zero.'], ['fragfirst', '0', '', 'First fragment.'], ['fragmore', '0', '', 'More fragments follow.'], ['fraglast', '0', '', 'Last fragment.']] },
  { kind: 'match', names: 'hashlimit', dialects: IP, description: 'Rate limit per group of addresses/ports, kept in a hash table.', nft: 'meter NAME { ... limit rate ... }',
    options: [
      ['hashlimit-upto', '1', 'rate', 'Match while below this rate.'], ['hashlimit-above', '1', 'rate', 'Match when above this rate.'],
      ['hashlimit-burst', '1', 'n', 'Burst size.'], ['hashlimit-mode', '1', 'srcip,srcport,dstip,dstport', 'What makes a group.'],
      ['hashlimit-srcmask', '1', 'prefix', 'Source prefix grouping.'], ['hashlimit-dstmask', '1', 'prefix', 'Destination prefix grouping.'],
      ['hashlimit-name', '1', 'name', 'Name of the table in /proc/net/ipt_hashlimit.'], ['hashlimit-htable-size', '1', 'n', 'Hash buckets.'],
      ['hashlimit-htable-max', '1', 'n', 'Maximum entries.'], ['hashlimit-htable-expire', '1', 'ms', 'Entry lifetime.'],
      ['hashlimit-htable-gcinterval', '1', 'ms', 'Garbage collection interval.'], ['hashlimit-rate-match', '0', '', 'Classify by rate.'],
      ['hashlimit-rate-interval', '1', 's', 'Rate sampling interval.'], ['hashlimit', '1', 'rate', 'Old spelling of --hashlimit-upto.'],
    ] },
  { kind: 'match', names: 'hbh', dialects: IP6, description: 'Matches the IPv6 hop-by-hop options header.', nft: 'exthdr hbh',
    options: [['hbh-len', '1!', 'length', 'Header length.'], ['hbh-opts', '1', 'type[:len],...', 'Options present.']] },
  { kind: 'match', names: 'helper', dialects: IP, description: 'Matches connections handled by a conntrack helper.', nft: 'ct helper "name"', options: [['helper', '1!', 'name[-port]', 'Helper name.']] },
  { kind: 'match', names: 'hl', dialects: IP6, description: 'Matches the IPv6 hop limit.', nft: 'ip6 hoplimit',
    options: [['hl-eq', '1!', 'n', 'Equal to.'], ['hl-lt', '1', 'n', 'Less than.'], ['hl-gt', '1', 'n', 'Greater than.']] },
  { kind: 'match', names: 'icmp', dialects: IP4, description: 'Matches ICMP type and code.', nft: 'icmp type X icmp code Y',
    options: [['icmp-type', '1!', 'type[/code]|name', 'ICMP type, optional code, or a type name.']] },
  { kind: 'match', names: 'icmp6', dialects: IP6, description: 'Matches ICMPv6 type and code.', nft: 'icmpv6 type X icmpv6 code Y',
    options: [['icmpv6-type', '1!', 'type[/code]|name', 'ICMPv6 type, optional code, or a type name.']] },
  { kind: 'match', names: 'iprange', dialects: IP, description: 'Matches an arbitrary range of addresses.', nft: 'ip saddr A-B',
    options: [['src-range', '1!', 'from-to', 'Source address range.'], ['dst-range', '1!', 'from-to', 'Destination address range.']] },
  { kind: 'match', names: 'ipv6header', dialects: IP6, description: 'Matches the set of IPv6 extension headers present.', nft: 'exthdr ... exists',
    options: [['header', '1!', 'hdr[,hdr...]', 'Headers.'], ['soft', '0', '', 'Match if any of them is present.']] },
  { kind: 'match', names: 'ipvs', dialects: IP, description: 'Matches IPVS connection properties.',
    options: [['ipvs', '0!', '', 'Packet belongs to an IPVS connection.'], ['vproto', '1!', 'proto', 'Virtual protocol.'], ['vaddr', '1!', 'addr[/mask]', 'Virtual address.'], ['vport', '1!', 'port', 'Virtual port.'], ['vdir', '1', 'ORIGINAL|REPLY', 'Direction.'], ['vmethod', '1!', 'GATE|IPIP|MASQ', 'Forwarding method.'], ['vportctl', '1!', 'port', 'Control connection port.']] },
  { kind: 'match', names: 'length', dialects: IP, description: 'Matches the layer-3 packet length.', nft: 'meta length', options: [['length', '1!', 'len[:len]', 'Length or range.']] },
  { kind: 'match', names: 'limit', dialects: IP, description: 'Token-bucket rate limit shared by every packet of the rule.', nft: 'limit rate N/second burst M packets',
    options: [['limit', '1', 'rate[/second|/minute|/hour|/day]', 'Average rate.'], ['limit-burst', '1', 'n', 'Burst size.']] },
  { kind: 'match', names: 'mac', dialects: IP, description: 'Matches the source MAC address.', nft: 'ether saddr', options: [['mac-source', '1!', 'xx:xx:xx:xx:xx:xx', 'Source MAC.']] },
  { kind: 'match', names: 'mark', dialects: [...IP, 'arptables'], description: 'Matches the packet mark (nfmark).', nft: 'meta mark and MASK == VALUE', options: [['mark', '1!', 'value[/mask]', 'Mark value, optionally under a mask.']] },
  { kind: 'match', names: 'mh', dialects: IP6, description: 'Matches the Mobility Header type.', nft: 'mh type', options: [['mh-type', '1!', 'type[:type]', 'MH type or range.']] },
  { kind: 'match', names: 'multiport', dialects: IP, description: 'Matches up to 15 ports or port ranges.', nft: 'tcp dport { a, b-c }',
    options: [['source-ports sports', '1!', 'port[,port:port...]', 'Source ports.'], ['destination-ports dports', '1!', 'port[,port:port...]', 'Destination ports.'], ['ports', '1!', 'port[,port:port...]', 'Source or destination port.']] },
  { kind: 'match', names: 'nfacct', dialects: IP, description: 'Counts into an extended accounting object.', options: [['nfacct-name', '1', 'name', 'Accounting object.']] },
  { kind: 'match', names: 'osf', dialects: IP, description: 'Passive OS fingerprinting of TCP SYN packets.', nft: 'osf name',
    options: [['genre', '1!', 'name', 'OS genre.'], ['ttl', '1', '0-2', 'TTL check mode.'], ['log', '1', '0-2', 'Log mode.']] },
  { kind: 'match', names: 'owner', dialects: IP, description: 'Matches the socket owner of locally generated packets.', nft: 'meta skuid / skgid',
    options: [['uid-owner', '1!', 'user[-user]', 'User id or name.'], ['gid-owner', '1!', 'group[-group]', 'Group id or name.'], ['suppl-groups', '0', '', 'Also check supplementary groups.'], ['socket-exists', '0!', '', 'Packet has a socket.']] },
  { kind: 'match', names: 'physdev', dialects: IP, description: 'Matches the bridge ports of bridged traffic (br_netfilter).', nft: 'no ip-family equivalent; a bridge-family table with iifname/oifname',
    options: [['physdev-in', '1!', 'port', 'Bridge port the packet came in on.'], ['physdev-out', '1!', 'port', 'Bridge port the packet goes out on.'], ['physdev-is-in', '0!', '', 'Packet entered through a bridge port.'], ['physdev-is-out', '0!', '', 'Packet leaves through a bridge port.'], ['physdev-is-bridged', '0!', '', 'Packet is being bridged, not routed.']] },
  { kind: 'match', names: 'pkttype', dialects: IP, description: 'Matches the link-layer packet type.', nft: 'meta pkttype', options: [['pkt-type', '1!', 'unicast|broadcast|multicast', 'Packet type.']] },
  { kind: 'match', names: 'policy', dialects: IP, description: 'Matches the IPsec policy used for the packet.', nft: 'ipsec in|out ...',
    options: [['dir', '1', 'in|out', 'Policy direction.'], ['pol', '1', 'none|ipsec', 'Policy kind.'], ['strict', '0', '', 'Match the exact list of elements.'], ['reqid', '1!', 'id', 'Request id.'], ['spi', '1!', 'spi', 'SPI.'], ['proto', '1!', 'ah|esp|ipcomp', 'Protocol.'], ['mode', '1!', 'tunnel|transport', 'Mode.'], ['tunnel-src', '1!', 'addr[/mask]', 'Tunnel source.'], ['tunnel-dst', '1!', 'addr[/mask]', 'Tunnel destination.'], ['next', '0', '', 'Start the next policy element.']] },
  { kind: 'match', names: 'quota', dialects: IP, description: 'Matches until a byte quota is used up.', nft: 'quota until N bytes', options: [['quota', '1!', 'bytes', 'Quota in bytes.']] },
  { kind: 'match', names: 'rateest', dialects: IP, description: 'Compares rates measured by RATEEST targets.',
    options: [['rateest', '1', 'name', 'Estimator.'], ['rateest1', '1', 'name', 'First estimator.'], ['rateest2', '1', 'name', 'Second estimator.'], ['rateest-delta', '0', '', 'Compare the difference.'], ['rateest-lt', '0!', '', 'Less than.'], ['rateest-gt', '0!', '', 'Greater than.'], ['rateest-eq', '0!', '', 'Equal.'], ['rateest-bps', '0-1', 'rate', 'Compare bytes per second.'], ['rateest-pps', '0-1', 'rate', 'Compare packets per second.'], ['rateest-bps1', '0-1', 'rate', 'Bytes/s of the first.'], ['rateest-pps1', '0-1', 'rate', 'Packets/s of the first.'], ['rateest-bps2', '0-1', 'rate', 'Bytes/s of the second.'], ['rateest-pps2', '0-1', 'rate', 'Packets/s of the second.']] },
  { kind: 'match', names: 'realm', dialects: IP4, description: 'Matches the routing realm.', nft: 'meta rtclassid', options: [['realm', '1!', 'value[/mask]', 'Realm id or name.']] },
  { kind: 'match', names: 'recent', dialects: IP, description: 'Keeps a list of recently seen addresses and matches against it.', nft: 'dynamic sets: update @recent_NAME_60s { ip saddr } to record, ip saddr @recent_NAME_60s to test',
    options: [['name', '1', 'name', 'List name.'], ['set', '0!', '', 'Add the address.'], ['rcheck', '0!', '', 'Check whether the address is listed.'], ['update', '0!', '', 'Check and refresh.'], ['remove', '0!', '', 'Check and remove.'], ['rsource', '0', '', 'Use the source address.'], ['rdest', '0', '', 'Use the destination address.'], ['seconds', '1', 'secs', 'Seen within this time.'], ['reap', '0', '', 'Purge older entries.'], ['hitcount', '1', 'n', 'Seen at least n times.'], ['rttl', '0', '', 'TTL must match too.'], ['mask', '1', 'netmask', 'Address mask.']] },
  { kind: 'match', names: 'rpfilter', dialects: IP, description: 'Reverse-path filter: is the source reachable through the input interface?', nft: 'fib saddr . iif oif missing',
    options: [['loose', '0', '', 'Any interface will do.'], ['validmark', '0', '', 'Use the packet mark for the lookup.'], ['accept-local', '0', '', 'Accept local source addresses.'], ['invert', '0', '', 'Match failing packets.']] },
  { kind: 'match', names: 'rt', dialects: IP6, description: 'Matches the IPv6 routing header.', nft: 'rt type / rt seg-left',
    options: [['rt-type', '1!', 'type', 'Routing type.'], ['rt-segsleft', '1!', 'n[:n]', 'Segments left.'], ['rt-len', '1!', 'length', 'Header length.'], ['rt-0-res', '0', '', 'Reserved field (type 0).'], ['rt-0-addrs', '1', 'addr,...', 'Addresses (type 0).'], ['rt-0-not-strict', '0', '', 'Non-strict address list.']] },
  { kind: 'match', names: 'sctp', dialects: IP, description: 'Matches SCTP header fields and chunk types.', nft: 'sctp sport / sctp dport / sctp chunk',
    options: [...PORT_OPTS, ['chunk-types', '2!', 'all|any|only TYPE[:FLAGS],...', 'Chunk types present.']] },
  { kind: 'match', names: 'set', dialects: IP, description: 'Matches against an ipset.', nft: 'ip saddr @set',
    options: [['match-set', '2!', 'setname src|dst[,src|dst...]', 'Set and the packet fields to look up.'], ['return-nomatch', '0', '', 'Match nomatch elements.'], ['update-counters', '0!', '', 'Update element counters.'], ['update-subcounters', '0!', '', 'Update counters of list:set members.'], ['packets-eq', '1!', 'n', 'Element packet counter equals.'], ['packets-lt', '1', 'n', 'Packet counter below.'], ['packets-gt', '1', 'n', 'Packet counter above.'], ['bytes-eq', '1!', 'n', 'Element byte counter equals.'], ['bytes-lt', '1', 'n', 'Byte counter below.'], ['bytes-gt', '1', 'n', 'Byte counter above.']] },
  { kind: 'match', names: 'socket', dialects: IP, description: 'Matches packets with an open local socket.', nft: 'socket transparent 1',
    options: [['transparent', '0', '', 'Socket has IP_TRANSPARENT.'], ['nowildcard', '0', '', 'Ignore sockets bound to 0.0.0.0.'], ['restore-skmark', '0', '', 'Copy the socket mark to the packet.']] },
  { kind: 'match', names: 'state', dialects: IP, description: 'Matches conntrack state (older subset of -m conntrack).', nft: 'ct state', options: [['state', '1!', 'STATE[,STATE...]', 'INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED.']] },
  { kind: 'match', names: 'statistic', dialects: IP, description: 'Matches a random or every n-th packet.', nft: 'numgen random / numgen inc',
    options: [['mode', '1', 'random|nth', 'Mode.'], ['probability', '1!', 'p', 'Probability (random mode).'], ['every', '1!', 'n', 'Every n-th packet (nth mode).'], ['packet', '1', 'p', 'Initial counter (nth mode).']] },
  { kind: 'match', names: 'string', dialects: IP, description: 'Matches a string anywhere in the packet.',
    options: [['algo', '1', 'bm|kmp', 'Search algorithm.'], ['from', '1', 'offset', 'Start offset.'], ['to', '1', 'offset', 'End offset.'], ['string', '1!', 'text', 'Text to find.'], ['hex-string', '1!', '|hex|', 'Bytes to find.'], ['icase', '0', '', 'Ignore case.']] },
  { kind: 'match', names: 'tcp', dialects: IP, description: 'Matches TCP header fields (loaded by -p tcp).', nft: 'tcp sport / tcp dport / tcp flags',
    options: [...PORT_OPTS, ['tcp-flags', '2!', 'MASK COMP', 'Flags to examine and which of them must be set.'], ['syn', '0!', '', 'SYN set, ACK/RST/FIN clear.'], ['tcp-option', '1!', 'n', 'TCP option present.']] },
  { kind: 'match', names: 'tcpmss', dialects: IP, description: 'Matches the TCP MSS option of SYN packets.', nft: 'tcp option maxseg size', options: [['mss', '1!', 'value[:value]', 'MSS or range.']] },
  { kind: 'match', names: 'time', dialects: IP, description: 'Matches the time of arrival.', nft: 'meta hour / meta day / meta time',
    options: [['datestart', '1', 'YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', 'From this date.'], ['datestop', '1', 'YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', 'Until this date.'], ['timestart', '1', 'hh:mm[:ss]', 'Daily from.'], ['timestop', '1', 'hh:mm[:ss]', 'Daily until.'], ['monthdays', '1!', 'day[,day...]', 'Days of the month.'], ['weekdays', '1!', 'day[,day...]', 'Days of the week.'], ['contiguous', '0', '', 'timestop past midnight belongs to the previous day.'], ['kerneltz', '0', '', 'Use the kernel time zone.'], ['localtz', '0', '', 'Use local time (default).'], ['utc', '0', '', 'Use UTC.']] },
  { kind: 'match', names: 'tos', dialects: IP, description: 'Matches the Type of Service field.', nft: '@nh,8,8 & MASK == VALUE (the TOS byte)', options: [['tos', '1!', 'value[/mask]|name', 'TOS value or name.']] },
  { kind: 'match', names: 'ttl', dialects: IP4, description: 'Matches the IPv4 time to live.', nft: 'ip ttl',
    options: [['ttl-eq', '1!', 'n', 'Equal to.'], ['ttl-lt', '1', 'n', 'Less than.'], ['ttl-gt', '1', 'n', 'Greater than.']] },
  { kind: 'match', names: 'u32', dialects: IP, description: 'Tests 32-bit words at computed offsets of the packet.', nft: '@nh,OFFSET,LENGTH raw payload', options: [['u32', '1!', 'tests', 'Test expression.']] },
  { kind: 'match', names: 'udp', dialects: IP, description: 'Matches UDP ports (loaded by -p udp).', nft: 'udp sport / udp dport', options: PORT_OPTS },
  { kind: 'match', names: 'udplite', dialects: IP, description: 'Matches UDP-Lite ports.', nft: 'udplite sport / dport', options: PORT_OPTS },
  { kind: 'match', names: 'ipcomp', dialects: IP, description: 'Matches the CPI of IPComp packets.', nft: 'comp cpi', options: [['ipcompspi', '1!', 'spi[:spi]', 'Compression Parameter Index.'], ['ipcompres', '0', '', 'Reserved field non-zero.']] },
  { kind: 'match', names: 'srh', dialects: IP6, description: 'Matches the IPv6 Segment Routing header.', nft: 'srh',
    options: [['srh-next-hdr', '1!', 'n', 'Next header.'], ['srh-hdr-len-eq', '1!', 'n', 'Length equals.'], ['srh-hdr-len-gt', '1!', 'n', 'Length greater.'], ['srh-hdr-len-lt', '1!', 'n', 'Length less.'], ['srh-segs-left-eq', '1!', 'n', 'Segments left equals.'], ['srh-segs-left-gt', '1!', 'n', 'Segments left greater.'], ['srh-segs-left-lt', '1!', 'n', 'Segments left less.'], ['srh-last-entry-eq', '1!', 'n', 'Last entry equals.'], ['srh-last-entry-gt', '1!', 'n', 'Last entry greater.'], ['srh-last-entry-lt', '1!', 'n', 'Last entry less.'], ['srh-tag', '1!', 'n', 'Tag.'], ['srh-psid', '1!', 'addr/mask', 'Previous SID.'], ['srh-nsid', '1!', 'addr/mask', 'Next SID.'], ['srh-lsid', '1!', 'addr/mask', 'Last SID.']] },

  // ---- iptables / ip6tables targets ----
  { kind: 'target', names: 'AUDIT', dialects: IP, description: 'Writes an audit record.', nft: 'log level audit', options: [['type', '1', 'accept|drop|reject', 'Record type.']] },
  { kind: 'target', names: 'CHECKSUM', dialects: IP, tables: ['mangle'], description: 'Fills in the checksum of packets whose checksum was left to offload (old DHCP clients).', nft: 'no equivalent',
    options: [['checksum-fill', '0', '', 'Compute the checksum now.']] },
  { kind: 'target', names: 'CLASSIFY', dialects: [...IP, 'arptables'], description: 'Sets the traffic-control class.', nft: 'meta priority set', options: [['set-class', '1', 'major:minor', 'Class id.']] },
  { kind: 'target', names: 'CLUSTERIP', dialects: IP4, description: 'Shared-IP load balancing (deprecated).', options: [['new', '0', '', 'Create the cluster IP.'], ['hashmode', '1', 'mode', 'Hash mode.'], ['clustermac', '1', 'mac', 'Cluster MAC.'], ['total-nodes', '1', 'n', 'Nodes.'], ['local-node', '1', 'n', 'This node.'], ['hash-init', '1', 'n', 'Seed.']] },
  { kind: 'target', names: 'CONNMARK', dialects: IP, description: 'Sets, saves or restores the connection mark.', nft: 'ct mark set ... / meta mark set ct mark',
    options: [['set-xmark', '1', 'value[/mask]', 'ctmark = (ctmark AND NOT mask) XOR value.'], ['set-mark', '1', 'value[/mask]', 'Set bits of the mask to value.'], ['and-mark', '1', 'bits', 'AND the ctmark.'], ['or-mark', '1', 'bits', 'OR the ctmark.'], ['xor-mark', '1', 'bits', 'XOR the ctmark.'], ['save-mark', '0', '', 'Copy nfmark to ctmark (under the masks).'], ['restore-mark', '0', '', 'Copy ctmark to nfmark (under the masks).'], ['nfmask', '1', 'mask', 'Mask applied to nfmark.'], ['ctmask', '1', 'mask', 'Mask applied to ctmark.'], ['mask', '1', 'mask', 'Both masks.'], ['left-shift-mark', '1', 'n', 'Shift left when copying.'], ['right-shift-mark', '1', 'n', 'Shift right when copying.']] },
  { kind: 'target', names: 'CONNSECMARK', dialects: IP, tables: ['mangle', 'security'], description: 'Copies the security mark between packet and connection.', options: [['save', '0', '', 'Packet to connection.'], ['restore', '0', '', 'Connection to packet.']] },
  { kind: 'target', names: 'CT', dialects: IP, tables: ['raw'], description: 'Sets conntrack parameters for the connection: zone, helper, timeout, or no tracking.', nft: 'ct zone set / ct helper set / notrack',
    options: [['notrack', '0', '', 'Do not track this packet.'], ['helper', '1', 'name', 'Attach a conntrack helper.'], ['ctevents', '1', 'event[,...]', 'Events to report.'], ['expevents', '1', 'event[,...]', 'Expectation events.'], ['zone', '1', 'id|mark', 'Conntrack zone.'], ['zone-orig', '1', 'id|mark', 'Zone for the original direction.'], ['zone-reply', '1', 'id|mark', 'Zone for the reply direction.'], ['timeout', '1', 'name', 'Timeout policy.']] },
  { kind: 'target', names: 'DNAT', dialects: IP, tables: ['nat'], terminal: true, description: 'Rewrites the destination address (and port) of new connections.', nft: 'dnat to ADDR[:PORT]',
    options: [['to-destination to', '1', 'addr[-addr][:port[-port]]', 'New destination.'], ['random', '0', '', 'Randomise the port mapping.'], ['persistent', '0', '', 'Same mapping for a client.']] },
  { kind: 'target', names: 'DNPT', dialects: IP6, tables: ['mangle'], description: 'Stateless IPv6 prefix translation of the destination.', nft: 'no direct equivalent', options: [['src-pfx', '1', 'prefix', 'Internal prefix.'], ['dst-pfx', '1', 'prefix', 'External prefix.']] },
  { kind: 'target', names: 'DSCP', dialects: IP, tables: ['mangle'], description: 'Sets the DSCP field.', nft: 'ip dscp set', options: [['set-dscp', '1', 'value', 'DSCP value.'], ['set-dscp-class', '1', 'class', 'DiffServ class.']] },
  { kind: 'target', names: 'ECN', dialects: IP4, tables: ['mangle'], description: 'Clears ECN bits.', options: [['ecn-tcp-remove', '0', '', 'Remove ECN from TCP.']] },
  { kind: 'target', names: 'HL', dialects: IP6, tables: ['mangle'], description: 'Changes the IPv6 hop limit.', nft: 'ip6 hoplimit set', options: [['hl-set', '1', 'n', 'Set.'], ['hl-dec', '1', 'n', 'Decrement.'], ['hl-inc', '1', 'n', 'Increment.']] },
  { kind: 'target', names: 'HMARK', dialects: IP, description: 'Sets the mark from a hash of packet fields.', nft: 'meta mark set jhash ...',
    options: [['hmark-tuple', '1', 'fields', 'Fields to hash.'], ['hmark-mod', '1', 'n', 'Modulus.'], ['hmark-offset', '1', 'n', 'Offset.'], ['hmark-src-prefix', '1', 'n', 'Source prefix.'], ['hmark-dst-prefix', '1', 'n', 'Destination prefix.'], ['hmark-sport-mask', '1', 'n', 'Source port mask.'], ['hmark-dport-mask', '1', 'n', 'Destination port mask.'], ['hmark-spi-mask', '1', 'n', 'SPI mask.'], ['hmark-proto-mask', '1', 'n', 'Protocol mask.'], ['hmark-rnd', '1', 'n', 'Seed.'], ['hmark-ct', '0', '', 'Use the conntrack tuple.']] },
  { kind: 'target', names: 'IDLETIMER', dialects: IP, description: 'Starts a timer that fires after inactivity.', options: [['timeout', '1', 'secs', 'Timeout.'], ['label', '1', 'name', 'Timer label.'], ['alarm', '0', '', 'Use an alarm timer.']] },
  { kind: 'target', names: 'LED', dialects: IP, description: 'Blinks an LED on matching packets.', options: [['led-trigger-id', '1', 'name', 'Trigger name.'], ['led-delay', '1', 'ms|inf', 'On time.'], ['led-always-blink', '0', '', 'Blink even when on.']] },
  { kind: 'target', names: 'LOG', dialects: IP, description: 'Logs the packet to the kernel log and continues.', nft: 'log prefix "..." level L',
    options: [['log-level', '1', 'level', 'Syslog level.'], ['log-prefix', '1', 'text', 'Prefix (up to 29 characters).'], ['log-tcp-sequence', '0', '', 'Log TCP sequence numbers.'], ['log-tcp-options', '0', '', 'Log TCP options.'], ['log-ip-options', '0', '', 'Log IP options.'], ['log-uid', '0', '', 'Log the socket owner.'], ['log-macdecode', '0', '', 'Decode the MAC header.']] },
  { kind: 'target', names: 'MARK', dialects: [...IP, 'arptables'], description: 'Sets the packet mark (nfmark).', nft: 'meta mark set ...',
    options: [['set-xmark', '1', 'value[/mask]', 'mark = (mark AND NOT mask) XOR value.'], ['set-mark', '1', 'value[/mask]', 'Set the bits of mask to value.'], ['and-mark', '1', 'bits', 'AND the mark.'], ['or-mark', '1', 'bits', 'OR the mark.'], ['xor-mark', '1', 'bits', 'XOR the mark.']] },
  { kind: 'target', names: 'MASQUERADE', dialects: IP, tables: ['nat'], terminal: true, description: 'Source NAT to the address of the outgoing interface.', nft: 'masquerade',
    options: [['to-ports', '1', 'port[-port]', 'Source port range.'], ['random', '0', '', 'Randomise ports.'], ['random-fully', '0', '', 'Fully randomise ports.']] },
  { kind: 'target', names: 'NETMAP', dialects: IP, tables: ['nat'], terminal: true, description: 'Maps a whole network to another, host bits kept.', nft: 'snat/dnat ip prefix to ...', options: [['to', '1', 'addr/prefix', 'Target network.']] },
  { kind: 'target', names: 'NFLOG', dialects: IP, description: 'Sends the packet to a netlink log group (ulogd) and continues.', nft: 'log group N',
    options: [['nflog-group', '1', 'n', 'Netlink group.'], ['nflog-prefix', '1', 'text', 'Prefix.'], ['nflog-range', '1', 'bytes', 'Bytes to copy (deprecated).'], ['nflog-size', '1', 'bytes', 'Bytes to copy.'], ['nflog-threshold', '1', 'n', 'Packets to queue before sending.']] },
  { kind: 'target', names: 'NFQUEUE', dialects: IP, terminal: true, description: 'Hands the packet to a userspace program via a netlink queue.', nft: 'queue num N',
    options: [['queue-num', '1', 'n', 'Queue number.'], ['queue-balance', '1', 'n:m', 'Spread over queues.'], ['queue-bypass', '0', '', 'Accept when no program listens.'], ['queue-cpu-fanout', '0', '', 'Pick the queue by CPU.']] },
  { kind: 'target', names: 'NOTRACK', dialects: IP, tables: ['raw'], description: 'Disables connection tracking for the packet.', nft: 'notrack' },
  { kind: 'target', names: 'RATEEST', dialects: IP, description: 'Feeds a rate estimator.', options: [['rateest-name', '1', 'name', 'Estimator.'], ['rateest-interval', '1', 'time', 'Interval.'], ['rateest-ewmalog', '1', 'time', 'Averaging constant.']] },
  { kind: 'target', names: 'REDIRECT', dialects: IP, tables: ['nat'], terminal: true, description: 'Redirects the packet to the local machine, optionally to other ports.', nft: 'redirect to :PORT',
    options: [['to-ports', '1', 'port[-port]', 'Local port(s).'], ['random', '0', '', 'Randomise ports.']] },
  { kind: 'target', names: 'REJECT', dialects: IP, tables: ['filter', 'mangle', 'raw', 'security'], terminal: true, description: 'Drops the packet and answers with an error.', nft: 'reject with ...',
    options: [['reject-with', '1', 'type', 'ICMP error or tcp-reset.']] },
  { kind: 'target', names: 'SECMARK', dialects: IP, tables: ['mangle', 'security'], description: 'Sets the security mark.', options: [['selctx', '1', 'context', 'SELinux context.']] },
  { kind: 'target', names: 'SET', dialects: IP, description: 'Adds to or deletes from an ipset.', nft: 'add @set { ip saddr } (update with --exist, delete for --del-set)',
    options: [['add-set', '2', 'setname flags', 'Add to the set.'], ['del-set', '2', 'setname flags', 'Delete from the set.'], ['map-set', '2', 'setname flags', 'Map packet fields from the set.'], ['timeout', '1', 'secs', 'Element timeout.'], ['exist', '0', '', 'Update existing entries.'], ['map-mark', '0', '', 'Map the mark.'], ['map-prio', '0', '', 'Map the priority.'], ['map-queue', '0', '', 'Map the queue.']] },
  { kind: 'target', names: 'SNAT', dialects: IP, tables: ['nat'], terminal: true, description: 'Rewrites the source address (and port) of new connections.', nft: 'snat to ADDR[:PORT]',
    options: [['to-source to', '1', 'addr[-addr][:port[-port]]', 'New source.'], ['random', '0', '', 'Randomise ports.'], ['random-fully', '0', '', 'Fully randomise ports.'], ['persistent', '0', '', 'Same mapping for a client.']] },
  { kind: 'target', names: 'SNPT', dialects: IP6, tables: ['mangle'], description: 'Stateless IPv6 prefix translation of the source.', options: [['src-pfx', '1', 'prefix', 'Internal prefix.'], ['dst-pfx', '1', 'prefix', 'External prefix.']] },
  { kind: 'target', names: 'SYNPROXY', dialects: IP, terminal: true, description: 'Answers TCP handshakes on behalf of the server (SYN flood protection).', nft: 'tcp flags & (fin | syn | rst | ack) == { syn, ack } synproxy mss ... wscale ...',
    options: [['mss', '1', 'n', 'MSS.'], ['wscale', '1', 'n', 'Window scale.'], ['sack-perm', '0', '', 'SACK permitted.'], ['timestamp', '0', '', 'Timestamps.'], ['ecn', '0', '', 'ECN.']] },
  { kind: 'target', names: 'TCPMSS', dialects: IP, description: 'Changes the TCP MSS option of SYN packets.', nft: 'tcp option maxseg size set',
    options: [['set-mss', '1', 'n', 'Set to n.'], ['clamp-mss-to-pmtu', '0', '', 'Set to path MTU minus headers.']] },
  { kind: 'target', names: 'TCPOPTSTRIP', dialects: IP, tables: ['mangle'], description: 'Removes TCP options.', nft: 'reset tcp option sack-perm', options: [['strip-options', '1', 'opt[,opt...]', 'Options to remove.']] },
  { kind: 'target', names: 'TEE', dialects: IP, tables: ['mangle'], description: 'Sends a copy of the packet to a gateway.', nft: 'dup to ADDR device DEV', options: [['gateway', '1', 'addr', 'Gateway.'], ['oif', '1', 'dev', 'Device.']] },
  { kind: 'target', names: 'TOS', dialects: IP, tables: ['mangle'], description: 'Changes the Type of Service field.', nft: 'ip dscp set',
    options: [['set-tos', '1', 'value[/mask]|name', 'Set.'], ['and-tos', '1', 'bits', 'AND.'], ['or-tos', '1', 'bits', 'OR.'], ['xor-tos', '1', 'bits', 'XOR.']] },
  { kind: 'target', names: 'TPROXY', dialects: IP, tables: ['mangle'], terminal: true, description: 'Transparent proxying to a local socket without rewriting the packet.', nft: 'tproxy to ADDR:PORT accept, then a drop rule (no socket: the kernel target drops)',
    options: [['on-port', '1', 'port', 'Local port.'], ['on-ip', '1', 'addr', 'Local address.'], ['tproxy-mark', '1', 'value[/mask]', 'Mark to set.']] },
  { kind: 'target', names: 'TRACE', dialects: IP, tables: ['raw'], description: 'Traces the packet through the rules (nft monitor trace).', nft: 'meta nftrace set 1' },
  { kind: 'target', names: 'TTL', dialects: IP4, tables: ['mangle'], description: 'Changes the IPv4 TTL.', nft: 'ip ttl set', options: [['ttl-set', '1', 'n', 'Set.'], ['ttl-dec', '1', 'n', 'Decrement.'], ['ttl-inc', '1', 'n', 'Increment.']] },
  { kind: 'target', names: 'ULOG', dialects: IP4, description: 'Legacy userspace logging (removed from modern kernels).', options: [['ulog-nlgroup', '1', 'n', 'Group.'], ['ulog-prefix', '1', 'text', 'Prefix.'], ['ulog-cprange', '1', 'n', 'Bytes to copy.'], ['ulog-qthreshold', '1', 'n', 'Queue threshold.']] },

  // ---- ebtables (extensions loaded by their options) ----
  { kind: 'match', names: '802_3', dialects: EB, implicit: true, description: 'Matches 802.3 (length) frame DSAP/SSAP and SNAP type.', options: [['802_3-sap', '1!', 'sap', 'DSAP and SSAP.'], ['802_3-type', '1!', 'type', 'SNAP type.']] },
  { kind: 'match', names: 'among', dialects: EB, implicit: true, description: 'Matches MAC (and MAC=IP) addresses against a list.', nft: 'ether saddr { ... }',
    options: [['among-dst', '1!', 'mac[=ip],...', 'Destination list.'], ['among-src', '1!', 'mac[=ip],...', 'Source list.'], ['among-dst-file', '1!', 'file', 'Destination list from a file.'], ['among-src-file', '1!', 'file', 'Source list from a file.']] },
  { kind: 'match', names: 'arp', dialects: EB, implicit: true, description: 'Matches ARP header fields (needs -p ARP or RARP).', nft: 'arp operation / arp saddr ip ...',
    options: [['arp-opcode arp-op', '1!', 'opcode', 'Operation (ebtables-save prints --arp-op).'], ['arp-htype', '1!', 'type', 'Hardware type.'], ['arp-ptype', '1!', 'type', 'Protocol type.'], ['arp-ip-src', '1!', 'addr[/mask]', 'Sender IP.'], ['arp-ip-dst', '1!', 'addr[/mask]', 'Target IP.'], ['arp-mac-src', '1!', 'mac[/mask]', 'Sender MAC.'], ['arp-mac-dst', '1!', 'mac[/mask]', 'Target MAC.'], ['arp-gratuitous', '0!', '', 'Gratuitous ARP.']] },
  { kind: 'match', names: 'ip', dialects: EB, implicit: true, description: 'Matches IPv4 header fields (needs -p IPv4).', nft: 'ip saddr / ip daddr / ...',
    options: [['ip-source ip-src', '1!', 'addr[/mask]', 'Source address.'], ['ip-destination ip-dst', '1!', 'addr[/mask]', 'Destination address.'], ['ip-tos', '1!', 'tos', 'TOS.'], ['ip-protocol ip-proto', '1!', 'proto', 'Protocol.'], ['ip-source-port ip-sport', '1!', 'port[:port]', 'Source port.'], ['ip-destination-port ip-dport', '1!', 'port[:port]', 'Destination port.'], ['ip-icmp-type', '1!', 'type[/code]', 'ICMP type.'], ['ip-igmp-type', '1!', 'type', 'IGMP type.']] },
  { kind: 'match', names: 'ip6', dialects: EB, implicit: true, description: 'Matches IPv6 header fields (needs -p IPv6).', nft: 'ip6 saddr / ip6 daddr / ...',
    options: [['ip6-source ip6-src', '1!', 'addr[/mask]', 'Source address.'], ['ip6-destination ip6-dst', '1!', 'addr[/mask]', 'Destination address.'], ['ip6-tclass', '1!', 'class', 'Traffic class.'], ['ip6-protocol ip6-proto', '1!', 'proto', 'Next header.'], ['ip6-source-port ip6-sport', '1!', 'port[:port]', 'Source port.'], ['ip6-destination-port ip6-dport', '1!', 'port[:port]', 'Destination port.'], ['ip6-icmp-type', '1!', 'type[:type][/code]', 'ICMPv6 type.']] },
  { kind: 'match', names: 'limit', dialects: EB, implicit: true, description: 'Token-bucket rate limit.', nft: 'limit rate', options: [['limit', '1', 'rate', 'Average rate.'], ['limit-burst', '1', 'n', 'Burst size.']] },
  { kind: 'match', names: 'mark_m', dialects: EB, implicit: true, description: 'Matches the frame mark.', nft: 'meta mark', options: [['mark', '1!', '[value][/mask]', 'Mark and optional mask.']] },
  { kind: 'match', names: 'pkttype', dialects: EB, implicit: true, description: 'Matches the link-layer packet type.', nft: 'meta pkttype', options: [['pkttype-type', '1!', 'type', 'host, broadcast, multicast, otherhost, outgoing...']] },
  { kind: 'match', names: 'stp', dialects: EB, implicit: true, description: 'Matches Spanning Tree BPDU fields.',
    options: [['stp-type', '1!', 'type', 'BPDU type.'], ['stp-flags', '1!', 'flag', 'Flags.'], ['stp-root-prio', '1!', 'prio', 'Root priority.'], ['stp-root-addr', '1!', 'mac', 'Root MAC.'], ['stp-root-cost', '1!', 'cost', 'Root cost.'], ['stp-sender-prio', '1!', 'prio', 'Sender priority.'], ['stp-sender-addr', '1!', 'mac', 'Sender MAC.'], ['stp-port', '1!', 'port', 'Port.'], ['stp-msg-age', '1!', 'age', 'Message age.'], ['stp-max-age', '1!', 'age', 'Max age.'], ['stp-hello-time', '1!', 'time', 'Hello time.'], ['stp-forward-delay', '1!', 'delay', 'Forward delay.']] },
  { kind: 'match', names: 'vlan', dialects: EB, implicit: true, description: 'Matches 802.1Q VLAN tag fields (needs -p 802_1Q).', nft: 'vlan id / vlan pcp / vlan type',
    options: [['vlan-id', '1!', 'id', 'VLAN id.'], ['vlan-prio', '1!', 'prio', 'Priority (PCP).'], ['vlan-encap', '1!', 'type', 'Encapsulated EtherType.']] },
  { kind: 'match', names: 'log', dialects: EB, implicit: true, description: 'Log watcher: logs the frame and continues.', nft: 'log',
    options: [['log', '0', '', 'Log with defaults.'], ['log-level', '1', 'level', 'Syslog level.'], ['log-prefix', '1', 'text', 'Prefix.'], ['log-ip', '0', '', 'Log IPv4 headers.'], ['log-ip6', '0', '', 'Log IPv6 headers.'], ['log-arp', '0', '', 'Log ARP headers.']] },
  { kind: 'match', names: 'nflog', dialects: EB, implicit: true, description: 'NFLOG watcher: sends the frame to a netlink log group and continues.', nft: 'log group N',
    options: [['nflog', '0', '', 'Log with defaults.'], ['nflog-group', '1', 'n', 'Group.'], ['nflog-prefix', '1', 'text', 'Prefix.'], ['nflog-range', '1', 'bytes', 'Bytes to copy.'], ['nflog-threshold', '1', 'n', 'Queue threshold.']] },
  { kind: 'target', names: 'arpreply', dialects: EB, tables: ['nat'], description: 'Answers ARP requests with a given MAC.', options: [['arpreply-mac', '1', 'mac', 'MAC to answer with.'], ['arpreply-target', '1', 'target', 'Verdict afterwards (default DROP).']] },
  { kind: 'target', names: 'dnat', dialects: EB, tables: ['nat', 'broute'], description: 'Rewrites the destination MAC.', nft: 'ether daddr set',
    options: [['to-destination to-dst', '1', 'mac', 'New destination MAC.'], ['dnat-target', '1', 'target', 'Verdict afterwards (default ACCEPT).']] },
  { kind: 'target', names: 'snat', dialects: EB, tables: ['nat'], description: 'Rewrites the source MAC.', nft: 'ether saddr set',
    options: [['to-source to-src', '1', 'mac', 'New source MAC.'], ['snat-target', '1', 'target', 'Verdict afterwards (default ACCEPT).'], ['snat-arp', '0', '', 'Also rewrite the ARP sender MAC.']] },
  { kind: 'target', names: 'redirect', dialects: EB, tables: ['nat', 'broute'], description: 'Redirects the frame to the bridge device\'s MAC.', nft: 'meta pkttype set host',
    options: [['redirect-target', '1', 'target', 'Verdict afterwards (default ACCEPT).']] },
  { kind: 'target', names: 'mark', dialects: EB, description: 'Sets the frame mark.', nft: 'meta mark set',
    options: [['set-mark mark-set', '1', 'value', 'Set the mark.'], ['mark-or', '1', 'value', 'OR the mark.'], ['mark-and', '1', 'value', 'AND the mark.'], ['mark-xor', '1', 'value', 'XOR the mark.'], ['mark-target', '1', 'target', 'Verdict afterwards (default ACCEPT).']] },

  // ---- arptables targets ----
  { kind: 'target', names: 'mangle', dialects: ARP, description: 'Rewrites ARP header addresses.', nft: 'arp saddr ip set ...',
    options: [['mangle-ip-s', '1', 'addr', 'Sender IP.'], ['mangle-ip-d', '1', 'addr', 'Target IP.'], ['mangle-mac-s', '1', 'mac', 'Sender MAC.'], ['mangle-mac-d', '1', 'mac', 'Target MAC.'], ['mangle-target', '1', 'target', 'Verdict afterwards (default ACCEPT).']] },
];

export const MODULES: readonly ModuleSpec[] = DEFS.map((d) => ({
  name: d.names,
  kind: d.kind,
  dialects: d.dialects,
  description: d.description,
  ...(d.nft ? { nft: d.nft } : {}),
  options: options(d.options ?? []),
  ...(d.terminal ? { terminal: true } : {}),
  ...(d.tables ? { tables: d.tables } : {}),
  ...(d.implicit ? { implicit: true } : {}),
}));

interface DialectIndex {
  readonly matches: Map<string, ModuleSpec>;
  readonly targets: Map<string, ModuleSpec>;
  readonly targetsUpper: Map<string, ModuleSpec>;
  /** ebtables: option name → implicit module. */
  readonly implicitByOption: Map<string, ModuleSpec>;
  /** Option name → every module of the dialect that has it. */
  readonly byOption: Map<string, ModuleSpec[]>;
}

const indexes = new Map<Dialect, DialectIndex>();

let lastDialect: Dialect | undefined;
let lastIndex: DialectIndex | undefined;

function indexFor(dialect: Dialect): DialectIndex {
  // The parser asks several times per rule, nearly always for the same dialect.
  if (dialect === lastDialect) return lastIndex!;
  let idx = indexes.get(dialect);
  if (!idx) {
    idx = buildIndex(dialect);
    indexes.set(dialect, idx);
  }
  lastDialect = dialect;
  lastIndex = idx;
  return idx;
}

function buildIndex(dialect: Dialect): DialectIndex {
  const idx: DialectIndex = { matches: new Map(), targets: new Map(), targetsUpper: new Map(), implicitByOption: new Map(), byOption: new Map() };
  for (const m of MODULES) {
    if (!m.dialects.includes(dialect)) continue;
    if (m.kind === 'match') idx.matches.set(m.name, m);
    else {
      idx.targets.set(m.name, m);
      idx.targetsUpper.set(m.name.toUpperCase(), m);
    }
    for (const o of m.options) {
      for (const n of [o.name, ...o.aliases]) {
        const list = idx.byOption.get(n) ?? [];
        list.push(m);
        idx.byOption.set(n, list);
        if (m.implicit && !idx.implicitByOption.has(n)) idx.implicitByOption.set(n, m);
      }
    }
  }
  return idx;
}

/** A match module by name (case-sensitive as iptables loads `-m NAME`, except ebtables aliases). */
export function findMatch(dialect: Dialect, name: string): ModuleSpec | undefined {
  return indexFor(dialect).matches.get(name);
}

/** A target by name; iptables target names are upper case but lookups tolerate any case. */
export function findTarget(dialect: Dialect, name: string): ModuleSpec | undefined {
  const idx = indexFor(dialect);
  return idx.targets.get(name) ?? idx.targetsUpper.get(name.toUpperCase());
}

const optionIndexes = new WeakMap<ModuleSpec, Map<string, ModuleOption>>();
export function findModuleOption(spec: ModuleSpec, name: string): ModuleOption | undefined {
  // The rule builder asks this several times per option word: an index per module.
  let index = optionIndexes.get(spec);
  if (!index) {
    index = new Map();
    for (const o of spec.options) for (const n of [o.name, ...o.aliases]) if (!index.has(n)) index.set(n, o);
    optionIndexes.set(spec, index);
  }
  return index.get(name);
}

/** ebtables: the extension an option loads implicitly. */
export function implicitModuleForOption(dialect: Dialect, name: string): ModuleSpec | undefined {
  return indexFor(dialect).implicitByOption.get(name);
}

/** Every module of the dialect that has this option name. */
export function modulesWithOption(dialect: Dialect, name: string): readonly ModuleSpec[] {
  return indexFor(dialect).byOption.get(name) ?? [];
}

export function allModules(dialect: Dialect, kind?: ModuleKind): readonly ModuleSpec[] {
  return MODULES.filter((m) => m.dialects.includes(dialect) && (!kind || m.kind === kind));
}
