// TextMate grammar for nftables (`nft list ruleset` output, `nft -f` scripts and
// `add rule ...` command files). Rule names follow nftables' parser_bison.y where
// one exists (table_block, chain_block, set_block, payload_expr, ct_expr, ...).
import { words, without } from './regex.mjs';

// Word boundaries: nft identifiers may contain '-' (echo-request, seen-reply), so
// '\b' would split them; a trailing '.' followed by a word char continues a name.
const B = '(?<![\\w$@-])';
const E = '(?![\\w-]|\\.\\w)';
const w = (list) => `${B}${words(list)}${E}`;
const cap = (list) => `${B}(${words(list)})${E}`;

// An identifier as nft's scanner reads it ({string}), a "quoted string" or a $variable.
const IDENT = '[A-Za-z_][\\w./-]*(?<![./])';
const NAME = `(?:"[^"]*"|\\$[A-Za-z_][\\w-]*|${IDENT})`;

export const families = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];
const FAMILY = words(families);

// Command verbs and the objects they act on (parser_bison.y: base_cmd and its *_cmd rules).
const verbs = ['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'list', 'flush', 'reset', 'rename', 'get'];
const tableObjects = ['table'];
const chainObjects = ['chain', 'rule', 'rules'];
const listObjects = [
  'ruleset', 'tables', 'chains', 'sets', 'maps', 'counters', 'quotas', 'limits', 'flowtables', 'meters',
  'secmarks', 'synproxys', 'tunnels', 'hooks',
];

// payload_expr and friends: header selector -> its fields.
export const payloadFields = {
  ether: ['saddr', 'daddr', 'type'],
  vlan: ['id', 'cfi', 'dei', 'pcp', 'type'],
  arp: ['htype', 'ptype', 'hlen', 'plen', 'operation', 'saddr', 'daddr'],
  ip: ['version', 'hdrlength', 'dscp', 'ecn', 'length', 'id', 'frag-off', 'ttl', 'protocol', 'checksum', 'saddr', 'daddr'],
  icmp: ['type', 'code', 'checksum', 'id', 'sequence', 'gateway', 'mtu'],
  icmpx: ['type', 'code'],
  igmp: ['type', 'mrt', 'checksum', 'group'],
  ip6: ['version', 'dscp', 'ecn', 'flowlabel', 'length', 'nexthdr', 'hoplimit', 'saddr', 'daddr'],
  icmpv6: ['type', 'code', 'checksum', 'id', 'sequence', 'mtu', 'max-delay', 'taddr', 'daddr', 'param-problem'],
  ah: ['nexthdr', 'hdrlength', 'reserved', 'spi', 'sequence'],
  esp: ['spi', 'sequence'],
  comp: ['nexthdr', 'flags', 'cpi'],
  udp: ['sport', 'dport', 'length', 'checksum'],
  udplite: ['sport', 'dport', 'csumcov', 'checksum'],
  tcp: ['sport', 'dport', 'sequence', 'ackseq', 'doff', 'reserved', 'flags', 'window', 'checksum', 'urgptr'],
  dccp: ['sport', 'dport', 'type'],
  sctp: ['sport', 'dport', 'vtag', 'checksum'],
  th: ['sport', 'dport'],
  gre: ['version', 'flags', 'protocol'],
  gretap: ['version', 'flags', 'protocol'],
  vxlan: ['vni', 'flags'],
  geneve: ['vni', 'flags'],
  // IPv6 extension headers (exthdr_expr)
  hbh: ['nexthdr', 'hdrlength'],
  dst: ['nexthdr', 'hdrlength'],
  frag: ['nexthdr', 'reserved', 'frag-off', 'reserved2', 'more-fragments', 'id'],
  mh: ['nexthdr', 'hdrlength', 'type', 'reserved', 'checksum'],
  tunnel: ['id', 'path', 'type'],
  rt0: ['addr'],
  rt2: ['addr'],
  srh: ['last-entry', 'flags', 'tag', 'sid'],
};
const tunnelHeaders = ['vxlan', 'geneve', 'gre', 'gretap'];
const innerSelectors = ['ether', 'vlan', 'arp', 'ip', 'ip6', 'icmp', 'icmpv6', 'igmp', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'ah', 'esp', 'comp'];

export const metaKeys = [
  'length', 'protocol', 'priority', 'random', 'secmark', 'nfproto', 'l4proto', 'mark', 'iif', 'iifname', 'iiftype',
  'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid', 'ibriport', 'obriport', 'ibrname', 'obrname',
  'ibridgename', 'obridgename', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'ipsec', 'iifkind', 'oifkind',
  'time', 'day', 'hour', 'sdif', 'sdifname', 'broute', 'ibrpvid', 'ibrvproto', 'secpath', 'ibrhwaddr',
];
// Meta keys that may be written without 'meta' (meta_key_unqualified).
export const unqualifiedMetaKeys = [
  'time', 'mark', 'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid',
  'ibriport', 'obriport', 'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup',
];
export const ctKeys = [
  'state', 'direction', 'status', 'mark', 'expiration', 'helper', 'l3proto', 'protocol', 'saddr', 'daddr',
  'proto-src', 'proto-dst', 'bytes', 'packets', 'avgpkt', 'zone', 'event', 'label', 'secmark', 'id', 'count',
  'timeout', 'expectation',
];
const rtKeys = ['classid', 'nexthop', 'mtu', 'ipsec', 'nexthdr', 'hdrlength', 'type', 'seg-left'];
const fibKeys = ['saddr', 'daddr', 'mark', 'iif', 'oif'];
const fibResults = ['oif', 'oifname', 'type'];
const socketKeys = ['transparent', 'mark', 'wildcard', 'cgroupv2'];
const tcpOptionNames = [
  'eol', 'nop', 'noop', 'maxseg', 'mss', 'window', 'sack-perm', 'sack-permitted', 'sack', 'sack0', 'sack1', 'sack2',
  'sack3', 'timestamp', 'fastopen', 'mptcp', 'md5sig', 'echo',
];
const tcpOptionFields = ['kind', 'length', 'size', 'count', 'left', 'right', 'tsval', 'tsecr', 'subtype', 'value'];
const ipOptionNames = ['lsrr', 'rr', 'ssrr', 'ra'];
const ipOptionFields = ['type', 'length', 'value', 'ptr', 'addr'];
const sctpChunkNames = [
  'data', 'init', 'init-ack', 'sack', 'heartbeat', 'heartbeat-ack', 'abort', 'shutdown', 'shutdown-ack', 'error',
  'cookie-echo', 'cookie-ack', 'ecne', 'cwr', 'shutdown-complete', 'asconf-ack', 'forward-tsn', 'asconf', 'i-data',
  're-config', 'pad', 'i-forward-tsn', 'auth',
];
const sctpChunkFields = [
  'type', 'flags', 'length', 'tsn', 'stream', 'ssn', 'ppid', 'init-tag', 'a-rwnd', 'num-outbound-streams',
  'num-inbound-streams', 'initial-tsn', 'cum-tsn-ack', 'num-gap-ack-blocks', 'num-dup-tsns', 'lowest-tsn', 'seqno',
  'new-cum-tsn',
];
const exthdrNames = ['hbh', 'rt', 'rt0', 'rt2', 'srh', 'frag', 'dst', 'mh'];

// Statements (parser_bison.y: stmt) and the words that introduce their arguments.
const statements = [
  'counter', 'log', 'limit', 'quota', 'reject', 'snat', 'dnat', 'masquerade', 'redirect', 'tproxy', 'notrack',
  'queue', 'dup', 'fwd', 'synproxy', 'meter', 'xt', 'last', 'connlimit',
];
const statementParameters = [
  'packets', 'name', 'prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'rate', 'burst', 'over', 'until',
  'used', 'to', 'with', 'fully-random', 'random', 'persistent', 'port', 'num', 'bypass', 'fanout', 'mod', 'seed', 'offset',
  'wscale', 'mss', 'maxseg', 'timestamp', 'sack-perm', 'sack-permitted', 'netmap', 'addr', 'inc', 'check',
  'match', 'target', 'loose', 'skip', 'in', 'out', 'spnum', 'reqid', 'spi', 'ttl', 'version', 'tos', 'path',
  // tunnel object blocks: vxlan { gbp 200 }, geneve { class 0x1 opt-type 0x1 data "..." }, erspan { ... }
  'gbp', 'class', 'opt-type', 'index', 'dir', 'hwid',
];
const keywords = [
  'type', 'typeof', 'hook', 'priority', 'policy', 'device', 'devices', 'flags', 'comment', 'size', 'timeout',
  'gc-interval', 'elements', 'auto-merge', 'handle', 'position', 'index', 'expires', 'l3proto', 'id',
];
const chainTypes = ['filter', 'nat', 'route'];
const hooks = ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress'];
const priorityNames = ['raw', 'mangle', 'dstnat', 'filter', 'security', 'srcnat', 'out', 'conntrack'];
const verdicts = ['accept', 'drop', 'continue', 'return'];
const flagValues = [
  'interval', 'constant', 'dynamic', 'timeout', 'offload', 'dormant', 'owner', 'persist', 'eval', 'bypass', 'fanout',
  'random', 'fully-random', 'persistent', 'all', 'skuid', 'ether',
];
export const datatypes = [
  'ipv4_addr', 'ipv6_addr', 'ether_addr', 'inet_proto', 'inet_service', 'inet_type', 'mark', 'ifname', 'iface_index',
  'iface_type', 'verdict', 'integer', 'string', 'bitmask', 'boolean', 'ether_type', 'arp_op', 'icmp_type', 'icmp_code',
  'icmpv6_type', 'icmpv6_code', 'icmpx_code', 'icmp_addr_mask', 'ct_state', 'ct_status', 'ct_dir', 'ct_event',
  'ct_label', 'nf_proto', 'pkt_type', 'tcp_flag', 'dccp_pkttype', 'sctp_chunk_type', 'mh_type', 'time', 'day', 'hour',
  'devgroup', 'dscp', 'ecn', 'realm', 'classid', 'uid', 'gid', 'cgroupsv2', 'fib_addrtype', 'igmp_type', 'ipsec_dir',
  'osf_name', 'tproxy', 'lladdr', 'ip_option', 'tcp_option', 'exthdr_type', 'ipv4_addr_range', 'ipv6_addr_range',
  'boolean_type', 'queue', 'quota', 'counter', 'limit', 'ct_helper', 'ct_timeout', 'ct_expectation', 'synproxy',
  'secmark', 'vlan_id', 'vlan_pcp', 'ipv6_exthdr', 'u8', 'u16', 'u32', 'u64', 'hash', 'fib_result',
];

// Symbolic constants the parser knows (datatype symbol tables: ct_state, icmp_type, ...).
export const symbolicConstants = [
  // ct_state, ct_status, ct_dir, ct_event
  'new', 'established', 'related', 'invalid', 'untracked', 'expected', 'seen-reply', 'assured', 'confirmed', 'snat',
  'dnat', 'dying', 'original', 'reply', 'destroy', 'protoinfo', 'helper', 'mark', 'secmark', 'label',
  // pkt_type
  'host', 'unicast', 'broadcast', 'multicast', 'other',
  // log levels and flags
  'emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit', 'all', 'options', 'skuid', 'ether',
  // icmp / icmpv6 / icmpx types and codes
  'echo-reply', 'destination-unreachable', 'source-quench', 'redirect', 'echo-request', 'router-advertisement',
  'router-solicitation', 'time-exceeded', 'parameter-problem', 'timestamp-request', 'timestamp-reply',
  'info-request', 'info-reply', 'address-mask-request', 'address-mask-reply', 'net-unreachable', 'host-unreachable',
  'prot-unreachable', 'port-unreachable', 'net-prohibited', 'host-prohibited', 'admin-prohibited', 'frag-needed',
  'no-route', 'addr-unreachable', 'reject-route', 'policy-fail', 'packet-too-big', 'param-problem',
  'mld-listener-query', 'mld-listener-report', 'mld-listener-done', 'mld-listener-reduction', 'nd-router-solicit',
  'nd-router-advert', 'nd-neighbor-solicit', 'nd-neighbor-advert', 'nd-redirect', 'router-renumbering',
  'ind-neighbor-solicit', 'ind-neighbor-advert', 'mld2-listener-report', 'net-redirect', 'host-redirect',
  'net-tos-redirect', 'host-tos-redirect', 'ttl-exceeded', 'reassembly-timeout', 'mtu-exceeded',
  // igmp types
  'membership-query', 'membership-report-v1', 'membership-report-v2', 'membership-report-v3', 'leave-group',
  // tcp flags, tcp reset
  'fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ecn', 'cwr', 'reset',
  // fib address types
  'unspec', 'local', 'anycast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve',
  // booleans, misc
  'exists', 'missing', 'true', 'false', 'never', 'none', 'random',
  // arp operations
  'request', 'rrequest', 'rreply', 'inrequest', 'inreply', 'nak',
  // dscp, ecn
  'cs0', 'cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6', 'cs7', 'df', 'be', 'lephb', 'af11', 'af12', 'af13', 'af21', 'af22',
  'af23', 'af31', 'af32', 'af33', 'af41', 'af42', 'af43', 'ef', 'va', 'not-ect', 'ect1', 'ect0', 'ce',
  // days
  'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday',
  // sctp/dccp packet types
  'request', 'response', 'data', 'ack', 'dataack', 'closereq', 'close', 'sync', 'syncack',
  // ct timeout policy states
  'syn_sent', 'syn_recv', 'fin_wait', 'close_wait', 'last_ack', 'time_wait', 'syn_sent2', 'retrans', 'unack',
  'replied', 'unreplied', 'stream',
  // osf
  'unknown',
  // iface_type
  'ppp', 'ipip', 'ipip6', 'loopback', 'sit', 'ipgre', 'infiniband', 'can', 'tunnel', 'tunnel6', 'ip6gre', 'gre6',
  'ieee802154', 'wireguard', 'none-type',
  // tcp option mptcp subtypes
  'mp-capable', 'mp-join', 'dss', 'add-addr', 'remove-addr', 'mp-prio', 'mp-fail', 'mp-fastclose', 'mp-tcprst',
  // mobility header types
  'binding-refresh-request', 'home-test-init', 'careof-test-init', 'home-test', 'careof-test', 'binding-update',
  'binding-acknowledgement', 'binding-error', 'fast-binding-update', 'fast-binding-acknowledgement',
  'fast-binding-advertisement', 'experimental-mobility-header', 'home-agent-switch-message',
  // meta priority (tc handles)
  'root',
  // export / monitor formats
  'json', 'xml', 'vm',
];
// Protocol and ether-type names used as values (meta l4proto tcp, ether type vlan).
export const protocolNames = [
  'ip', 'ip6', 'arp', 'vlan', 'ether', 'icmp', 'icmpv6', 'ipv6-icmp', 'icmpx', 'igmp', 'tcp', 'udp', 'udplite', 'sctp',
  'dccp', 'ah', 'esp', 'comp', 'gre', 'gretap', 'vxlan', 'geneve', 'ipip', 'ipv4', 'ipv6', 'ipencap', 'egp', 'pup',
  'idp', 'tp', 'rsvp', 'pim', 'ipcomp', 'vrrp', 'l2tp', 'ospf', 'mpls-in-ip', 'hbh', 'frag', 'dst', 'mh', 'rt', 'srh',
  'th', 'ipv6-route', 'ipv6-frag', 'ipv6-nonxt', 'ipv6-opts', 'xtp', 'ddp', 'mobility-header', 'fc', 'manet', 'hip',
  'shim6', 'wesp', 'rohc', 'ethernet', 'ax.25', 'ipx', 'encap', 'isis', 'erspan',
];
const units = ['second', 'minute', 'hour', 'day', 'week'];
const byteUnits = ['bytes', 'kbytes', 'mbytes', 'gbytes'];

const HEX4 = '[0-9A-Fa-f]{1,4}';
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
// An IPv6 address: eight groups, or any form with '::' (optionally ending in a dotted quad).
const IPV6 = `(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}(?::${HEX4}){0,6})?::(?:(?:${HEX4}:){0,5}(?:${IPV4}|${HEX4}))?)`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'nftables',
  scopeName: 'source.nft',
  fileTypes: ['nft', 'nftables'],
  firstLineMatch: '^(#!.*\\bnft\\b|table\\s|flush\\s+ruleset)',
  patterns: [{ include: '#shebang' }, { include: '#main' }],
  repository: {
    shebang: {
      match: '\\A(#!).*$',
      name: 'comment.line.number-sign.shebang.nft',
      captures: { 1: { name: 'punctuation.definition.comment.nft' } },
    },
    main: {
      patterns: [
        { include: '#comment' },
        { include: '#string' },
        { include: '#include' },
        { include: '#define' },
        { include: '#command' },
        { include: '#declaration' },
        { include: '#chain-spec' },
        { include: '#set-type' },
        { include: '#variable' },
        { include: '#verdict' },
        { include: '#expression' },
        { include: '#statement' },
        { include: '#number' },
        { include: '#word' },
        { include: '#operator' },
        { include: '#punctuation' },
        { include: '#identifier' },
      ],
    },
    comment: {
      match: '(#).*$',
      name: 'comment.line.number-sign.nft',
      captures: { 1: { name: 'punctuation.definition.comment.nft' } },
    },
    string: {
      name: 'string.quoted.double.nft',
      begin: '"',
      end: '(")|$',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.nft' } },
      endCaptures: { 1: { name: 'punctuation.definition.string.end.nft' } },
      patterns: [
        { match: '\\\\.', name: 'constant.character.escape.nft' },
        { match: '\\*(?=")', name: 'constant.character.wildcard.nft' },
      ],
    },
    include: {
      match: `${B}(include)${E}`,
      captures: { 1: { name: 'keyword.control.import.nft' } },
    },
    define: {
      patterns: [
        {
          match: `${B}(define|redefine)\\s+(${IDENT})`,
          captures: {
            1: { name: 'storage.type.define.nft' },
            2: { name: 'variable.other.definition.nft' },
          },
        },
        {
          match: `${B}(undefine)\\s+(${IDENT})`,
          captures: {
            1: { name: 'storage.type.define.nft' },
            2: { name: 'variable.other.nft' },
          },
        },
      ],
    },
    // base_cmd: add/create/insert/... followed by an object and its [family] table [name].
    command: {
      patterns: [
        {
          match: `${cap(verbs)}\\s+(${words(tableObjects)})${E}(?:\\s+(${FAMILY})${E})?(?:\\s+(?!handle${E})(${NAME}))?`,
          captures: {
            1: { name: 'keyword.control.command.nft' },
            2: { name: 'storage.type.table.nft' },
            3: { name: 'support.type.family.nft' },
            4: { name: 'entity.name.type.table.nft' },
          },
        },
        {
          match: `${cap(verbs)}\\s+(${words(chainObjects)})${E}(?:\\s+(${FAMILY})${E})?(?:\\s+(${NAME}))?(?:\\s+(?!handle${E})(${NAME}))?`,
          captures: {
            1: { name: 'keyword.control.command.nft' },
            2: { name: 'storage.type.chain.nft' },
            3: { name: 'support.type.family.nft' },
            4: { name: 'entity.name.type.table.nft' },
            5: { name: 'entity.name.function.chain.nft' },
          },
        },
        {
          match: `${cap(verbs)}\\s+(${words(['set', 'map', 'element', 'elements', 'meter'])})${E}(?:\\s+(${FAMILY})${E})?(?:\\s+(${NAME}))?(?:\\s+(?!handle${E})(${NAME}))?`,
          captures: {
            1: { name: 'keyword.control.command.nft' },
            2: { name: 'storage.type.object.nft' },
            3: { name: 'support.type.family.nft' },
            4: { name: 'entity.name.type.table.nft' },
            5: { name: 'entity.name.variable.set.nft' },
          },
        },
        {
          match: `${cap(verbs)}\\s+(${words(['flowtable'])})${E}(?:\\s+(${FAMILY})${E})?(?:\\s+(${NAME}))?(?:\\s+(?!handle${E})(${NAME}))?`,
          captures: {
            1: { name: 'keyword.control.command.nft' },
            2: { name: 'storage.type.object.nft' },
            3: { name: 'support.type.family.nft' },
            4: { name: 'entity.name.type.table.nft' },
            5: { name: 'entity.name.variable.flowtable.nft' },
          },
        },
        {
          match: `${cap(verbs)}\\s+(ct\\s+(?:helper|timeout|expectation)|${words(['counter', 'quota', 'limit', 'secmark', 'synproxy', 'tunnel'])})${E}(?:\\s+(${FAMILY})${E})?(?:\\s+(${NAME}))?(?:\\s+(?!handle${E})(${NAME}))?`,
          captures: {
            1: { name: 'keyword.control.command.nft' },
            2: { name: 'storage.type.object.nft' },
            3: { name: 'support.type.family.nft' },
            4: { name: 'entity.name.type.table.nft' },
            5: { name: 'entity.name.variable.object.nft' },
          },
        },
        {
          match: `${cap(verbs)}\\s+(ct\\s+(?:helpers|timeouts|expectations)|${words(listObjects)})${E}(?:\\s+(${FAMILY})${E})?`,
          captures: {
            1: { name: 'keyword.control.command.nft' },
            2: { name: 'storage.type.object.nft' },
            3: { name: 'support.type.family.nft' },
          },
        },
        {
          match: `${B}(describe|monitor|export|import)${E}`,
          captures: { 1: { name: 'keyword.control.command.nft' } },
        },
      ],
    },
    // table_block, chain_block, set_block, map_block, flowtable_block and the object blocks.
    declaration: {
      patterns: [
        {
          match: `${B}(table)\\s+(?:(${FAMILY})\\s+)?(${NAME})`,
          captures: {
            1: { name: 'storage.type.table.nft' },
            2: { name: 'support.type.family.nft' },
            3: { name: 'entity.name.type.table.nft' },
          },
        },
        {
          match: `${B}(chain)\\s+(${NAME})`,
          captures: {
            1: { name: 'storage.type.chain.nft' },
            2: { name: 'entity.name.function.chain.nft' },
          },
        },
        {
          match: `${B}(set|map)\\s+(${NAME})(?=\\s*\\{)`,
          captures: {
            1: { name: 'storage.type.set.nft' },
            2: { name: 'entity.name.variable.set.nft' },
          },
        },
        {
          match: `${B}(flowtable)\\s+(${NAME})`,
          captures: {
            1: { name: 'storage.type.flowtable.nft' },
            2: { name: 'entity.name.variable.flowtable.nft' },
          },
        },
        {
          match: `${B}(counter|quota|limit|secmark|synproxy|tunnel)\\s+(${NAME})(?=\\s*\\{)`,
          captures: {
            1: { name: 'storage.type.object.nft' },
            2: { name: 'entity.name.variable.object.nft' },
          },
        },
        {
          match: `${B}(ct)\\s+(helper|timeout|expectation)\\s+(${NAME})(?=\\s*\\{)`,
          captures: {
            1: { name: 'storage.type.object.nft' },
            2: { name: 'storage.type.object.nft' },
            3: { name: 'entity.name.variable.object.nft' },
          },
        },
        {
          match: `${B}(meter)\\s+(${NAME})(?=\\s+(?:size\\s+\\d+\\s*)?\\{)`,
          captures: {
            1: { name: 'support.function.statement.nft' },
            2: { name: 'entity.name.variable.meter.nft' },
          },
        },
      ],
    },
    // set_block / map_block: type ipv4_addr . inet_service : verdict
    'set-type': {
      begin: `${B}(type)(?=\\s+(?:${words(datatypes)}|\\$[\\w-]+)${E})`,
      beginCaptures: { 1: { name: 'keyword.other.nft' } },
      end: '(?=[;}#])|$',
      patterns: [
        { match: `${B}ct\\s+(?:helper|timeout|expectation)${E}`, name: 'support.type.datatype.nft' },
        { match: w(datatypes), name: 'support.type.datatype.nft' },
        { include: '#variable' },
        { match: '\\.', name: 'keyword.operator.concatenation.nft' },
        { match: ':', name: 'punctuation.separator.key-value.nft' },
        { include: '#main' },
      ],
    },
    // chain hook spec: type filter hook input device "lo" priority filter + 10; policy drop;
    'chain-spec': {
      patterns: [
        {
          match: `${B}(type)\\s+(${words(chainTypes)})(?=\\s+hook${E})`,
          captures: {
            1: { name: 'keyword.other.nft' },
            2: { name: 'support.type.chain-type.nft' },
          },
        },
        {
          match: `${B}(hook)\\s+(${words(hooks)})${E}`,
          captures: {
            1: { name: 'keyword.other.nft' },
            2: { name: 'constant.language.hook.nft' },
          },
        },
        {
          match: `${B}(priority)\\s+(${words(priorityNames)})${E}`,
          captures: {
            1: { name: 'keyword.other.nft' },
            2: { name: 'constant.language.priority.nft' },
          },
        },
        {
          // flags dynamic, timeout / flags dormant / queue flags bypass,fanout
          match: `${B}(flags)\\s+(${words(flagValues)}${E}(?:\\s*,\\s*${words(flagValues)}${E})*)`,
          captures: {
            1: { name: 'keyword.other.nft' },
            2: {
              patterns: [
                { match: ',', name: 'punctuation.separator.comma.nft' },
                { match: '[\\w-]+', name: 'constant.language.flag.nft' },
              ],
            },
          },
        },
        {
          match: `${B}(policy)\\s+(${words(['performance', 'memory'])})${E}`,
          captures: {
            1: { name: 'keyword.other.nft' },
            2: { name: 'constant.language.policy.nft' },
          },
        },
      ],
    },
    variable: {
      patterns: [
        {
          match: '(\\$)([A-Za-z_][\\w-]*)',
          captures: {
            0: { name: 'variable.other.nft' },
            1: { name: 'punctuation.definition.variable.nft' },
          },
        },
        {
          // raw payload: @nh,16,8 / @th,... (payload_raw_expr)
          match: '(@)(ll|nh|th|ih)(?=\\s*,)',
          captures: {
            1: { name: 'punctuation.definition.payload.nft' },
            2: { name: 'support.type.payload-base.nft' },
          },
        },
        {
          match: '(@)(\\d+)(?=\\s*,)',
          captures: {
            1: { name: 'punctuation.definition.payload.nft' },
            2: { name: 'constant.numeric.integer.nft' },
          },
        },
        {
          match: `(@)(${IDENT}|"[^"]*")`,
          captures: {
            0: { name: 'variable.other.set.nft' },
            1: { name: 'punctuation.definition.variable.nft' },
          },
        },
      ],
    },
    verdict: {
      patterns: [
        {
          match: `${B}(jump|goto)(?:\\s+(${NAME}))?`,
          captures: {
            1: { name: 'keyword.control.verdict.nft' },
            2: { name: 'entity.name.function.chain.nft' },
          },
        },
        { match: w(verdicts), name: 'keyword.control.verdict.nft' },
      ],
    },
    expression: {
      patterns: [
        {
          // ct [original|reply] [ip|ip6] key
          match: `${B}(ct)(?:\\s+(original|reply)${E})?(?:\\s+(ip6?)${E})?(?:\\s+(${words(ctKeys)})${E})?`,
          captures: {
            1: { name: 'support.type.ct.nft' },
            2: { name: 'support.variable.field.nft' },
            3: { name: 'support.type.family.nft' },
            4: { name: 'support.variable.field.nft' },
          },
        },
        {
          match: `${B}(meta)(?:\\s+(${words(metaKeys)})${E})?`,
          captures: {
            1: { name: 'support.type.meta.nft' },
            2: { name: 'support.variable.field.nft' },
          },
        },
        {
          // fib saddr . iif oif
          match: `${B}(fib)(?:\\s+(${words(fibKeys)}(?:\\s*\\.\\s*${words(fibKeys)}){0,4})(?:\\s+(${words(fibResults)}))?${E})?`,
          captures: {
            1: { name: 'support.type.fib.nft' },
            2: { patterns: [{ match: '\\.', name: 'keyword.operator.concatenation.nft' }, { match: '[\\w-]+', name: 'support.variable.field.nft' }] },
            3: { name: 'support.variable.field.nft' },
          },
        },
        {
          match: `${B}(rt)(?:\\s+(ip6?)${E})?\\s+(${words(rtKeys)})${E}`,
          captures: {
            1: { name: 'support.type.rt.nft' },
            2: { name: 'support.type.family.nft' },
            3: { name: 'support.variable.field.nft' },
          },
        },
        {
          match: `${B}(socket)(?:\\s+(${words(socketKeys)})${E})?`,
          captures: {
            1: { name: 'support.type.socket.nft' },
            2: { name: 'support.variable.field.nft' },
          },
        },
        {
          match: `${B}(osf)(?:\\s+(ttl)\\s+(loose|skip|global)${E})?(?:\\s+(name|version)${E})?`,
          captures: {
            1: { name: 'support.type.osf.nft' },
            2: { name: 'variable.parameter.nft' },
            3: { name: 'constant.language.nft' },
            4: { name: 'support.variable.field.nft' },
          },
        },
        {
          // ipsec in [spnum N] [ip|ip6] reqid|spi|saddr|daddr
          match: `${B}(ipsec)(?:\\s+(in|out)${E})?`,
          captures: {
            1: { name: 'support.type.ipsec.nft' },
            2: { name: 'constant.language.direction.nft' },
          },
        },
        {
          match: `${B}(exthdr)(?:\\s+(${words(exthdrNames)})${E})?`,
          captures: {
            1: { name: 'support.type.exthdr.nft' },
            2: { name: 'support.type.exthdr.nft' },
          },
        },
        {
          // tcp option maxseg size / ip option rr ptr / tcp option @42,16,8
          match: `${B}(tcp|ip|dccp)\\s+(option)${E}(?:\\s+(${words([...tcpOptionNames, ...ipOptionNames])})${E}(?:\\s+(${words([...tcpOptionFields, ...ipOptionFields])})${E})?)?`,
          captures: {
            1: { name: 'support.type.protocol.nft' },
            2: { name: 'support.variable.field.nft' },
            3: { name: 'support.variable.field.nft' },
            4: { name: 'support.variable.field.nft' },
          },
        },
        {
          match: `${B}(sctp)\\s+(chunk)(?:\\s+(${words(sctpChunkNames)})${E}(?:\\s+(${words(sctpChunkFields)})${E})?)?`,
          captures: {
            1: { name: 'support.type.protocol.nft' },
            2: { name: 'support.variable.field.nft' },
            3: { name: 'support.variable.field.nft' },
            4: { name: 'support.variable.field.nft' },
          },
        },
        {
          // arp saddr ip / arp daddr ether
          match: `${B}(arp)\\s+(saddr|daddr)(?:\\s+(ip|ether)${E})?${E}`,
          captures: {
            1: { name: 'support.type.protocol.nft' },
            2: { name: 'support.variable.field.nft' },
            3: { name: 'support.type.protocol.nft' },
          },
        },
        ...Object.entries(payloadFields).map(([selector, fields]) => ({
          match: `${B}(${selector})\\s+(${words(fields)})${E}`,
          captures: {
            1: { name: 'support.type.protocol.nft' },
            2: { name: 'support.variable.field.nft' },
          },
        })),
        {
          // inner headers of tunnels: vxlan ip saddr, gre ip6 daddr
          match: `${B}(${words(tunnelHeaders)})(?=\\s+${words(innerSelectors)}${E})`,
          captures: { 1: { name: 'support.type.protocol.nft' } },
        },
        {
          match: `${B}(numgen)(?:\\s+(inc|random)${E})?`,
          captures: {
            1: { name: 'support.function.expression.nft' },
            2: { name: 'constant.language.nft' },
          },
        },
        { match: w(['jhash', 'symhash']), name: 'support.function.expression.nft' },
        { match: w(unqualifiedMetaKeys), name: 'support.variable.field.meta.nft' },
      ],
    },
    statement: {
      patterns: [
        {
          // ct status dnat / ct status { snat, dnat }: the status bits, not the statements
          match: `(?<=status\\s|,|,\\s|\\{|\\{\\s|!=\\s)(snat|dnat)${E}`,
          name: 'constant.language.nft',
        },
        {
          // snat ip to ..., dnat ip6 to ..., tproxy ip to ...
          match: `${B}(snat|dnat|masquerade|redirect|tproxy|fwd|dup)(?:\\s+(ip6?|inet)(?=\\s+(?:to|prefix|addr)${E}))?${E}`,
          captures: {
            1: { name: 'support.function.statement.nft' },
            2: { name: 'support.type.family.nft' },
          },
        },
        {
          // set statement: add @s { ... }, update @s { ... }, delete @s { ... }
          match: `${B}(add|update|delete)(?=\\s+@)`,
          captures: { 1: { name: 'support.function.statement.nft' } },
        },
        {
          match: `${B}(flow)\\s+(add|offload)${E}`,
          captures: {
            1: { name: 'support.function.statement.nft' },
            2: { name: 'support.function.statement.nft' },
          },
        },
        { match: w(statements), name: 'support.function.statement.nft' },
        {
          // 'set' between an expression and its new value: meta mark set 1
          match: `${B}set${E}`,
          name: 'keyword.operator.wordlike.assignment.nft',
        },
      ],
    },
    number: {
      patterns: [
        {
          // rate units: 1 mbytes/second, 10/minute
          match: `${B}(${words(byteUnits)})(/)(${words(units)})${E}`,
          captures: {
            1: { name: 'keyword.other.unit.nft' },
            2: { name: 'keyword.operator.nft' },
            3: { name: 'keyword.other.unit.nft' },
          },
        },
        {
          match: `(?<![\\w:.])(${IPV6})(?:(/)(\\d{1,3}))?(?![\\w:]|\\.\\d)`,
          captures: {
            1: { name: 'constant.numeric.ipv6.nft' },
            2: { name: 'punctuation.separator.prefix.nft' },
            3: { name: 'constant.numeric.integer.nft' },
          },
        },
        {
          match: '(?<![\\w:.])[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}(?![\\w:])',
          name: 'constant.numeric.mac.nft',
        },
        {
          match: `(?<![\\w.])(${IPV4})(?:(/)(\\d{1,2}))?(?![\\w]|\\.\\d)`,
          captures: {
            1: { name: 'constant.numeric.ipv4.nft' },
            2: { name: 'punctuation.separator.prefix.nft' },
            3: { name: 'constant.numeric.integer.nft' },
          },
        },
        {
          // tc class id major:minor
          match: '(?<![\\w:.])[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}(?![\\w:])',
          name: 'constant.numeric.classid.nft',
        },
        {
          match: '(?<![\\w.])(?:\\d+(?:ms|d|h|m|s))+(?!\\w)',
          name: 'constant.numeric.time.nft',
        },
        {
          match: '(?<![\\w.])0[xX][0-9A-Fa-f]+(?!\\w)',
          name: 'constant.numeric.hex.nft',
        },
        {
          match: '(?:(?<![^\\s(,{=])-)?(?<![\\w.])\\d+(?![\\w])',
          name: 'constant.numeric.integer.nft',
        },
        {
          // 8021q, 8021ad
          match: '(?<![\\w.])\\d+[A-Za-z_][\\w-]*',
          name: 'constant.language.nft',
        },
      ],
    },
    word: {
      patterns: [
        { match: `${B}bytes(?=\\s+\\d)`, name: 'variable.parameter.nft' },
        {
          match: `(?<=\\d\\s)(${words(byteUnits)})${E}`,
          captures: { 1: { name: 'keyword.other.unit.nft' } },
        },
        { match: w(keywords), name: 'keyword.other.nft' },
        { match: w(statementParameters), name: 'variable.parameter.nft' },
        { match: w([...units, ...byteUnits]), name: 'keyword.other.unit.nft' },
        { match: w(hooks), name: 'constant.language.hook.nft' },
        { match: w(chainTypes), name: 'support.type.chain-type.nft' },
        { match: w(without(datatypes, ['time', 'day', 'hour', 'counter', 'quota', 'limit', 'synproxy', 'secmark', 'queue', 'tproxy', 'hash', 'mark', 'realm', 'dscp', 'ecn'])), name: 'support.type.datatype.nft' },
        { match: w(['sport', 'dport', 'saddr', 'daddr', 'protocol', 'l4proto', 'nfproto']), name: 'support.variable.field.nft' },
        { match: w(without([...symbolicConstants, ...flagValues, 'performance', 'memory', ...priorityNames], families)), name: 'constant.language.nft' },
        { match: w([...protocolNames, ...families]), name: 'constant.language.protocol.nft' },
        { match: w(['and', 'or', 'xor', 'not', 'lshift', 'rshift', 'eq', 'ne', 'lt', 'gt', 'le', 'ge']), name: 'keyword.operator.wordlike.nft' },
        { match: w(['map', 'vmap']), name: 'keyword.operator.wordlike.map.nft' },
        { match: w(['table', 'chain', 'rule', 'element', 'flowtable', 'ruleset']), name: 'storage.type.nft' },
      ],
    },
    operator: {
      patterns: [
        { match: '==|!=|<=|>=|<<|>>|<|>|&|\\||\\^|!', name: 'keyword.operator.nft' },
        { match: '(?<=[\\w"\\]:])-(?=[\\w"\\[$:])|(?<=\\s)-(?=\\s)', name: 'keyword.operator.range.nft' },
        { match: '\\.(?!\\w)|(?<=\\s)\\.', name: 'keyword.operator.concatenation.nft' },
        { match: '=', name: 'keyword.operator.assignment.nft' },
        { match: '\\+|-', name: 'keyword.operator.arithmetic.nft' },
        { match: '/', name: 'keyword.operator.nft' },
        { match: '\\*', name: 'constant.language.wildcard.nft' },
      ],
    },
    punctuation: {
      patterns: [
        { match: '\\{', name: 'punctuation.section.block.begin.nft' },
        { match: '\\}', name: 'punctuation.section.block.end.nft' },
        { match: '\\[', name: 'punctuation.section.brackets.begin.nft' },
        { match: '\\]', name: 'punctuation.section.brackets.end.nft' },
        { match: '\\(', name: 'punctuation.section.parens.begin.nft' },
        { match: '\\)', name: 'punctuation.section.parens.end.nft' },
        { match: ',', name: 'punctuation.separator.comma.nft' },
        { match: ';', name: 'punctuation.terminator.statement.nft' },
        { match: ':', name: 'punctuation.separator.key-value.nft' },
        { match: '\\\\$', name: 'constant.character.escape.line-continuation.nft' },
      ],
    },
    identifier: {
      // anything else nft's scanner reads as a {string} (iif lo == iif "lo"): interface names, symbolic values
      match: `${IDENT}\\*?`,
      name: 'string.unquoted.nft',
    },
  },
};

export default grammar;
