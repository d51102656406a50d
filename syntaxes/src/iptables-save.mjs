// TextMate grammar for iptables-save / ip6tables-save / iptables-restore input, and the
// ebtables-save / arptables-save dumps, which share the *table / :chain / -A / COMMIT shape.
import { words } from './regex.mjs';

// An argument boundary: iptables splits on blanks only, so '\b' is wrong for `qr-+` or `-m tcp`.
const S = '(?<!\\S)';
const T = '(?!\\S)';

export const commands = {
  short: ['-A', '-C', '-D', '-I', '-R', '-N', '-X', '-F', '-Z', '-L', '-S'],
  long: ['--append', '--check', '--delete', '--insert', '--replace', '--new-chain', '--new', '--delete-chain', '--flush', '--zero', '--list', '--list-rules'],
};

export const verdicts = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'CONTINUE'];

// Targets of iptables, ip6tables, ebtables (lower case) and arptables (extensions/lib*t_*.c).
export const targets = [
  'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DNPT', 'DSCP', 'ECN', 'HL',
  'HMARK', 'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'MIRROR', 'NETMAP', 'NFLOG', 'NFQUEUE', 'NOTRACK',
  'RATEEST', 'REDIRECT', 'REJECT', 'SAME', 'SECMARK', 'SET', 'SNAT', 'SNPT', 'SYNPROXY', 'TCPMSS', 'TCPOPTSTRIP',
  'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG', 'mangle',
];
// ebtables targets are lower case; they only count as targets when options follow.
export const ebtablesTargets = ['dnat', 'snat', 'redirect', 'mark', 'arpreply', 'log', 'nflog', 'ulog', 'classify'];

/** Options of the core and of each match / target module, long and short forms. */
export const moduleOptions = {
  core: [
    '-p', '--protocol', '-s', '--source', '--src', '-d', '--destination', '--dst', '-i', '--in-interface', '-o',
    '--out-interface', '-f', '--fragment', '-j', '--jump', '-g', '--goto', '-m', '--match', '-t', '--table', '-c',
    '--set-counters', '-4', '--ipv4', '-6', '--ipv6', '-w', '--wait', '-n', '--numeric', '-v', '--verbose', '-x',
    '--exact', '--line-numbers', '--modprobe', '-b',
  ],
  // matches
  addrtype: ['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out'],
  ah: ['--ahspi', '--ahlen', '--ahres'],
  bpf: ['--bytecode', '--object-pinned'],
  cgroup: ['--cgroup', '--path'],
  cluster: ['--cluster-total-nodes', '--cluster-local-node', '--cluster-local-nodemask', '--cluster-hash-seed'],
  comment: ['--comment'],
  connbytes: ['--connbytes', '--connbytes-dir', '--connbytes-mode'],
  connlabel: ['--label', '--set'],
  connlimit: ['--connlimit-upto', '--connlimit-above', '--connlimit-mask', '--connlimit-saddr', '--connlimit-daddr'],
  connmark: ['--mark'],
  conntrack: [
    '--ctstate', '--ctproto', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport',
    '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport', '--ctstatus', '--ctexpire', '--ctdir',
  ],
  cpu: ['--cpu'],
  dccp: ['--source-port', '--sport', '--destination-port', '--dport', '--dccp-types', '--dccp-option'],
  devgroup: ['--src-group', '--dst-group'],
  dscp: ['--dscp', '--dscp-class'],
  dst: ['--dst-len', '--dst-opts'],
  ecn: ['--ecn-tcp-cwr', '--ecn-tcp-ece', '--ecn-ip-ect'],
  esp: ['--espspi'],
  eui64: [],
  frag: ['--fragid', '--fraglen', '--fragres', '--fragfirst', '--fragmore', '--fraglast'],
  hashlimit: [
    '--hashlimit-upto', '--hashlimit-above', '--hashlimit-burst', '--hashlimit-mode', '--hashlimit-srcmask',
    '--hashlimit-dstmask', '--hashlimit-name', '--hashlimit-htable-size', '--hashlimit-htable-max',
    '--hashlimit-htable-expire', '--hashlimit-htable-gcinterval', '--hashlimit-rate-match', '--hashlimit-rate-interval',
    '--hashlimit',
  ],
  hbh: ['--hbh-len', '--hbh-opts'],
  helper: ['--helper'],
  hl: ['--hl-eq', '--hl-lt', '--hl-gt'],
  icmp: ['--icmp-type'],
  icmp6: ['--icmpv6-type'],
  iprange: ['--src-range', '--dst-range'],
  ipcomp: ['--ipcompspi', '--compres'],
  ipv6header: ['--header', '--soft'],
  ipvs: ['--ipvs', '--vproto', '--vaddr', '--vport', '--vdir', '--vmethod', '--vportctl'],
  length: ['--length'],
  limit: ['--limit', '--limit-burst'],
  mac: ['--mac-source'],
  mark: ['--mark'],
  mh: ['--mh-type'],
  multiport: ['--source-ports', '--sports', '--destination-ports', '--dports', '--ports'],
  nfacct: ['--nfacct-name'],
  osf: ['--genre', '--ttl', '--log'],
  owner: ['--uid-owner', '--gid-owner', '--socket-exists', '--suppl-groups'],
  physdev: ['--physdev-in', '--physdev-out', '--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged'],
  pkttype: ['--pkt-type'],
  policy: ['--dir', '--pol', '--strict', '--reqid', '--spi', '--proto', '--mode', '--tunnel-src', '--tunnel-dst', '--next'],
  quota: ['--quota'],
  rateest: [
    '--rateest', '--rateest1', '--rateest2', '--rateest-delta', '--rateest-lt', '--rateest-gt', '--rateest-eq',
    '--rateest-bps', '--rateest-pps', '--rateest-bps1', '--rateest-bps2', '--rateest-pps1', '--rateest-pps2',
  ],
  realm: ['--realm'],
  recent: ['--name', '--set', '--rsource', '--rdest', '--mask', '--rcheck', '--update', '--remove', '--seconds', '--reap', '--hitcount', '--rttl'],
  rpfilter: ['--loose', '--validmark', '--accept-local', '--invert'],
  rt: ['--rt-type', '--rt-segsleft', '--rt-len', '--rt-0-res', '--rt-0-addrs', '--rt-0-not-strict'],
  sctp: ['--source-port', '--sport', '--destination-port', '--dport', '--chunk-types'],
  set: [
    '--match-set', '--return-nomatch', '--update-counters', '--update-subcounters', '--packets-eq', '--packets-lt',
    '--packets-gt', '--bytes-eq', '--bytes-lt', '--bytes-gt',
  ],
  socket: ['--transparent', '--nowildcard', '--restore-skmark'],
  state: ['--state'],
  statistic: ['--mode', '--probability', '--every', '--packet'],
  string: ['--algo', '--from', '--to', '--string', '--hex-string', '--icase'],
  tcp: ['--source-port', '--sport', '--destination-port', '--dport', '--tcp-flags', '--syn', '--tcp-option'],
  tcpmss: ['--mss'],
  time: ['--datestart', '--datestop', '--timestart', '--timestop', '--monthdays', '--weekdays', '--contiguous', '--kerneltz', '--utc', '--localtz'],
  tos: ['--tos'],
  ttl: ['--ttl-eq', '--ttl-lt', '--ttl-gt'],
  u32: ['--u32'],
  udp: ['--source-port', '--sport', '--destination-port', '--dport'],
  // targets
  AUDIT: ['--type'],
  CHECKSUM: ['--checksum-fill'],
  CLASSIFY: ['--set-class'],
  CONNMARK: ['--set-xmark', '--set-mark', '--save-mark', '--restore-mark', '--and-mark', '--or-mark', '--xor-mark', '--nfmask', '--ctmask', '--mask', '--left-shift-mark', '--right-shift-mark'],
  CONNSECMARK: ['--save', '--restore'],
  CT: ['--notrack', '--helper', '--ctevents', '--expevents', '--zone', '--zone-orig', '--zone-reply', '--timeout'],
  DNAT: ['--to-destination', '--random', '--random-fully', '--persistent'],
  DSCP: ['--set-dscp', '--set-dscp-class'],
  HMARK: ['--hmark-tuple', '--hmark-mod', '--hmark-offset', '--hmark-rnd'],
  IDLETIMER: ['--timeout', '--label', '--alarm'],
  LOG: ['--log-level', '--log-prefix', '--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid', '--log-macdecode'],
  MARK: ['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark'],
  MASQUERADE: ['--to-ports', '--random', '--random-fully'],
  NETMAP: ['--to'],
  NFLOG: ['--nflog-group', '--nflog-prefix', '--nflog-range', '--nflog-size', '--nflog-threshold'],
  NFQUEUE: ['--queue-num', '--queue-balance', '--queue-bypass', '--queue-cpu-fanout', '--fail-open'],
  REDIRECT: ['--to-ports', '--random'],
  REJECT: ['--reject-with'],
  SECMARK: ['--selctx'],
  SET: ['--add-set', '--del-set', '--map-set', '--timeout', '--exist', '--map-mark', '--map-prio', '--map-queue'],
  SNAT: ['--to-source', '--random', '--random-fully', '--persistent'],
  SYNPROXY: ['--mss', '--wscale', '--sack-perm', '--timestamp', '--ecn'],
  TCPMSS: ['--set-mss', '--clamp-mss-to-pmtu'],
  TCPOPTSTRIP: ['--strip-options'],
  TEE: ['--gateway', '--oif'],
  TOS: ['--set-tos', '--and-tos', '--or-tos', '--xor-tos'],
  TPROXY: ['--on-port', '--on-ip', '--tproxy-mark'],
  TTL: ['--ttl-set', '--ttl-dec', '--ttl-inc'],
  HL: ['--hl-set', '--hl-dec', '--hl-inc'],
  // ebtables (libebt_*.c)
  ebtables: [
    '--logical-in', '--logical-out', '--among-src', '--among-dst', '--among-src-file', '--among-dst-file',
    '--arp-opcode', '--arp-op', '--arp-htype', '--arp-ptype', '--arp-ip-src', '--arp-ip-dst', '--arp-mac-src',
    '--arp-mac-dst', '--arp-gratuitous', '--ip-source', '--ip-src', '--ip-destination', '--ip-dst', '--ip-tos',
    '--ip-protocol', '--ip-proto', '--ip-source-port', '--ip-sport', '--ip-destination-port', '--ip-dport',
    '--ip-icmp-type', '--ip6-source', '--ip6-src', '--ip6-destination', '--ip6-dst', '--ip6-tclass',
    '--ip6-protocol', '--ip6-proto', '--ip6-source-port', '--ip6-sport', '--ip6-destination-port', '--ip6-dport',
    '--ip6-icmp-type', '--limit', '--limit-burst', '--log', '--log-level', '--log-prefix', '--log-ip', '--log-arp',
    '--log-ip6', '--mark', '--mark-set', '--mark-or', '--mark-and', '--mark-xor', '--mark-target', '--nflog',
    '--nflog-group', '--nflog-prefix', '--nflog-range', '--nflog-threshold', '--pkttype-type', '--to-destination',
    '--to-dst', '--dnat-target', '--to-source', '--to-src', '--snat-target', '--snat-arp', '--redirect-target',
    '--arpreply-mac', '--arpreply-target', '--vlan-id', '--vlan-prio', '--vlan-encap', '--stp-type', '--stp-flags',
    '--stp-root-prio', '--stp-root-addr', '--stp-root-cost', '--stp-sender-prio', '--stp-sender-addr', '--stp-port',
    '--stp-msg-age', '--stp-max-age', '--stp-hello-time', '--stp-forward-delay', '--802_3-sap', '--802_3-type',
    '--ulog-prefix', '--ulog-nlgroup', '--ulog-cprange', '--ulog-qthreshold', '--ulog',
  ],
  // arptables (extensions/libarpt_*.c and the core)
  arptables: [
    '--source-ip', '--destination-ip', '--source-mac', '--destination-mac', '--src-ip', '--dst-ip', '--src-mac', '--dst-mac', '-h', '--h-length', '--opcode',
    '--h-type', '--proto-type', '--mangle-ip-s', '--mangle-ip-d', '--mangle-mac-s', '--mangle-mac-d',
    '--mangle-target',
  ],
};

export const knownOptions = [...new Set(Object.values(moduleOptions).flat())];
const interfaceOptions = ['-i', '--in-interface', '-o', '--out-interface', '--physdev-in', '--physdev-out', '--logical-in', '--logical-out', '--oif'];
const textOptions = ['--comment', '--log-prefix', '--nflog-prefix', '--ulog-prefix', '--string', '--selctx', '--hashlimit-name', '--name', '--label', '--nfacct-name'];
const setOptions = ['--match-set', '--add-set', '--del-set', '--map-set'];
// Lower-case constants with a fixed meaning in option arguments.
const lowerConstants = [
  'src', 'dst', 'original', 'reply', 'both', 'host', 'broadcast', 'multicast', 'unicast', 'otherhost', 'outgoing',
  'loopback', 'fastroute', 'in', 'out', 'ipsec', 'none', 'nth', 'random', 'packets', 'bytes', 'avgpkt', 'srcip',
  'dstip', 'srcport', 'dstport', 'accept', 'drop', 'reject', 'bm', 'kmp', 'debug', 'info', 'notice', 'warning',
  'warn', 'err', 'error', 'crit', 'alert', 'emerg', 'any', 'ftp', 'tftp', 'sip', 'irc', 'amanda', 'h323',
  'netbios-ns', 'pptp', 'snmp', 'sane',
];
export const protocols = [
  'tcp', 'udp', 'udplite', 'icmp', 'icmpv6', 'ipv6-icmp', 'esp', 'ah', 'sctp', 'mh', 'all', 'gre', 'vrrp', 'igmp',
  'dccp', 'ipip', 'ipencap', 'ospf', 'pim', 'l2tp', 'ipv6', 'ipv6-frag', 'ipv6-route', 'ipv6-opts', 'ipv6-nonxt',
  'ipcomp', 'ARP', 'RARP', 'IPv4', 'IPv6', 'LENGTH', '802_1Q', 'ip', 'ip6', 'arp',
];

const HEX4 = '[0-9A-Fa-f]{1,4}';
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
const IPV6 = `(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}(?::${HEX4}){0,6})?::(?:(?:${HEX4}:){0,5}(?:${IPV4}|${HEX4}))?)`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'iptables-save',
  scopeName: 'source.iptables-save',
  fileTypes: ['iptables', 'ip6tables', 'iptables-save', 'ip6tables-save', 'ebtables', 'arptables'],
  patterns: [
    { include: '#comment' },
    { include: '#table' },
    { include: '#chain' },
    { include: '#commit' },
    { include: '#rule' },
  ],
  repository: {
    comment: {
      match: '^\\s*(#).*$',
      name: 'comment.line.number-sign.iptables-save',
      captures: { 1: { name: 'punctuation.definition.comment.iptables-save' } },
    },
    table: {
      match: '^\\s*(\\*)(\\S+)',
      captures: {
        1: { name: 'punctuation.definition.table.iptables-save' },
        2: { name: 'entity.name.type.table.iptables-save' },
      },
    },
    chain: {
      // :CHAIN POLICY [packets:bytes]
      match: `^\\s*(:)(\\S+)(?:\\s+(?:(${words(verdicts)})|(-)|([^\\s\\[]\\S*))${T})?(?:\\s+(\\[)(\\d+)(:)(\\d+)(\\]))?`,
      captures: {
        1: { name: 'punctuation.definition.chain.iptables-save' },
        2: { name: 'entity.name.function.chain.iptables-save' },
        3: { name: 'keyword.control.verdict.iptables-save' },
        4: { name: 'constant.language.policy.none.iptables-save' },
        5: { name: 'constant.language.policy.iptables-save' },
        6: { name: 'punctuation.definition.counter.begin.iptables-save' },
        7: { name: 'constant.numeric.integer.packets.iptables-save' },
        8: { name: 'punctuation.separator.counter.iptables-save' },
        9: { name: 'constant.numeric.integer.bytes.iptables-save' },
        10: { name: 'punctuation.definition.counter.end.iptables-save' },
      },
    },
    commit: {
      match: '^\\s*(COMMIT)\\b',
      captures: { 1: { name: 'keyword.control.commit.iptables-save' } },
    },
    rule: {
      patterns: [
        { include: '#counters' },
        { include: '#command' },
        { include: '#table-option' },
        { include: '#jump' },
        { include: '#match' },
        { include: '#protocol' },
        { include: '#interface' },
        { include: '#set' },
        { include: '#text-argument' },
        { include: '#verdict-option' },
        { include: '#option' },
        { include: '#negation' },
        { include: '#string' },
        { include: '#value' },
      ],
    },
    counters: {
      match: '(\\[)(\\d+)(:)(\\d+)(\\])',
      captures: {
        1: { name: 'punctuation.definition.counter.begin.iptables-save' },
        2: { name: 'constant.numeric.integer.packets.iptables-save' },
        3: { name: 'punctuation.separator.counter.iptables-save' },
        4: { name: 'constant.numeric.integer.bytes.iptables-save' },
        5: { name: 'punctuation.definition.counter.end.iptables-save' },
      },
    },
    command: {
      patterns: [
        {
          // -P CHAIN POLICY
          match: `${S}(-P|--policy)(?:\\s+(\\S+))?(?:\\s+(?:(${words(verdicts)})|(\\S+)))?${T}`,
          captures: {
            1: { name: 'keyword.control.command.iptables-save' },
            2: { name: 'entity.name.function.chain.iptables-save' },
            3: { name: 'keyword.control.verdict.iptables-save' },
            4: { name: 'constant.language.policy.iptables-save' },
          },
        },
        {
          // -E OLD NEW
          match: `${S}(-E|--rename-chain)(?:\\s+(\\S+))?(?:\\s+([^\\s-]\\S*))?${T}`,
          captures: {
            1: { name: 'keyword.control.command.iptables-save' },
            2: { name: 'entity.name.function.chain.iptables-save' },
            3: { name: 'entity.name.function.chain.iptables-save' },
          },
        },
        {
          // -A CHAIN, -I CHAIN [N], -D CHAIN [N], -N CHAIN ...
          match: `${S}(${words([...commands.short, ...commands.long])})(?:\\s+([^\\s!-]\\S*))?(?:\\s+(\\d+))?${T}`,
          captures: {
            1: { name: 'keyword.control.command.iptables-save' },
            2: { name: 'entity.name.function.chain.iptables-save' },
            3: { name: 'constant.numeric.integer.rule-number.iptables-save' },
          },
        },
      ],
    },
    'table-option': {
      match: `${S}(-t|--table)(?:\\s+(\\S+))?${T}`,
      captures: {
        1: { name: 'variable.parameter.option.iptables-save' },
        2: { name: 'entity.name.type.table.iptables-save' },
      },
    },
    jump: {
      match: `${S}(-j|--jump|-g|--goto)(?:\\s+(?:(${words(verdicts)})|(${words(targets)})|(${words(ebtablesTargets)})(?=\\s+--|\\s*$)|(\\S+)))?${T}`,
      captures: {
        1: { name: 'keyword.control.jump.iptables-save' },
        2: { name: 'keyword.control.verdict.iptables-save' },
        3: { name: 'support.function.target.iptables-save' },
        4: { name: 'support.function.target.iptables-save' },
        5: { name: 'entity.name.function.chain.iptables-save' },
      },
    },
    match: {
      match: `${S}(-m|--match)(?:\\s+(\\S+))?${T}`,
      captures: {
        1: { name: 'keyword.other.match.iptables-save' },
        2: { name: 'support.type.match.iptables-save' },
      },
    },
    protocol: {
      match: `${S}(-p|--protocol|--ip-proto|--ip-protocol|--ip6-proto|--ip6-protocol|--ctproto|--proto)(?:\\s+(!)${T})?(?:\\s+(?:(${words(protocols)})|([^\\s!-]\\S*)))?${T}`,
      captures: {
        1: { name: 'variable.parameter.option.iptables-save' },
        2: { name: 'keyword.operator.negation.iptables-save' },
        3: { name: 'constant.language.protocol.iptables-save' },
        4: { patterns: [{ include: '#value' }] },
      },
    },
    interface: {
      // -i qr-+ : '+' at the end matches every interface with that prefix; unquoted string
      // like the quoted "qr-*" nft prints for it
      match: `${S}(${words(interfaceOptions)})(?:\\s+(!)${T})?(?:\\s+([^\\s!-][^\\s+]*)(\\+)?)?${T}`,
      captures: {
        1: { name: 'variable.parameter.option.iptables-save' },
        2: { name: 'keyword.operator.negation.iptables-save' },
        3: { name: 'string.unquoted.interface.iptables-save' },
        4: { name: 'keyword.operator.wildcard.iptables-save' },
      },
    },
    set: {
      match: `${S}(${words(setOptions)})(?:\\s+(!)${T})?(?:\\s+([^\\s!-]\\S*))?(?:\\s+((?:src|dst)(?:,(?:src|dst))*))?${T}`,
      captures: {
        1: { name: 'variable.parameter.option.iptables-save' },
        2: { name: 'keyword.operator.negation.iptables-save' },
        3: { name: 'variable.other.set.iptables-save' },
        4: { patterns: [{ match: ',', name: 'punctuation.separator.comma.iptables-save' }, { match: '\\w+', name: 'constant.language.direction.iptables-save' }] },
      },
    },
    'text-argument': {
      // --comment foo / --log-prefix foo: an unquoted single-word text
      match: `${S}(${words(textOptions)})(?:\\s+(!)${T})?(?:\\s+([^\\s"'!-]\\S*))?${T}`,
      captures: {
        1: { name: 'variable.parameter.option.iptables-save' },
        2: { name: 'keyword.operator.negation.iptables-save' },
        3: { name: 'string.unquoted.iptables-save' },
      },
    },
    'verdict-option': {
      // ebtables: --mark-target ACCEPT, --dnat-target CONTINUE
      match: `${S}(--[\\w-]*-target)\\s+(${words(verdicts)})${T}`,
      captures: {
        1: { name: 'variable.parameter.option.iptables-save' },
        2: { name: 'keyword.control.verdict.iptables-save' },
      },
    },
    option: {
      patterns: [
        {
          match: `${S}${words(moduleOptions.core)}${T}`,
          name: 'variable.parameter.option.iptables-save',
        },
        {
          match: `${S}${words(knownOptions)}${T}`,
          name: 'variable.parameter.option.iptables-save',
        },
        {
          // an option this grammar does not list (a newer extension): still an option, never an error
          match: `${S}(?:--?[A-Za-z][\\w-]*|-[0-9])${T}`,
          name: 'variable.parameter.option.other.iptables-save',
        },
      ],
    },
    negation: {
      match: `${S}!${T}`,
      name: 'keyword.operator.negation.iptables-save',
    },
    string: {
      patterns: [
        {
          name: 'string.quoted.double.iptables-save',
          begin: '"',
          end: '(")|$',
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.iptables-save' } },
          endCaptures: { 1: { name: 'punctuation.definition.string.end.iptables-save' } },
          patterns: [{ match: '\\\\.', name: 'constant.character.escape.iptables-save' }],
        },
        {
          name: 'string.quoted.single.iptables-save',
          begin: "'",
          end: "(')|$",
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.iptables-save' } },
          endCaptures: { 1: { name: 'punctuation.definition.string.end.iptables-save' } },
        },
      ],
    },
    value: {
      patterns: [
        {
          // IPv6 address or network, with a prefix length or a netmask
          match: `(?<![\\w:.])(${IPV6})(?:(/)(\\d{1,3}(?![\\w:])|${IPV6}))?(?![\\w:]|\\.\\d)`,
          captures: {
            1: { name: 'constant.numeric.ipv6.iptables-save' },
            2: { name: 'punctuation.separator.prefix.iptables-save' },
            3: { name: 'constant.numeric.prefix.iptables-save' },
          },
        },
        {
          match: '(?<![\\w:.])[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}(?:/[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5})?(?![\\w:])',
          name: 'constant.numeric.mac.iptables-save',
        },
        {
          match: `(?<![\\w.])(${IPV4})(?:(/)(${IPV4}|\\d{1,2}))?(?![\\w]|\\.\\d)`,
          captures: {
            1: { name: 'constant.numeric.ipv4.iptables-save' },
            2: { name: 'punctuation.separator.prefix.iptables-save' },
            3: { name: 'constant.numeric.prefix.iptables-save' },
          },
        },
        {
          match: '(?<![\\w.])\\d{4}-\\d{2}-\\d{2}(?:T\\d{2}:\\d{2}(?::\\d{2})?)?(?![\\w:])',
          name: 'constant.numeric.date.iptables-save',
        },
        { match: '(?<![\\w.])0[xX][0-9A-Fa-f]+(?!\\w)', name: 'constant.numeric.hex.iptables-save' },
        { match: '(?<![\\w.])\\d+\\.\\d+(?![\\w.])', name: 'constant.numeric.float.iptables-save' },
        { match: '(?<![\\w.])\\d+(?![\\w])', name: 'constant.numeric.integer.iptables-save' },
        { match: `(?<![\\w-])(?:${words(verdicts)})(?![\\w-])`, name: 'keyword.control.verdict.iptables-save' },
        { match: '(?<![\\w-])[A-Z][A-Z0-9_]*(?![\\w-])', name: 'constant.language.iptables-save' },
        { match: `(?<![\\w-])${words(protocols)}(?![\\w-])`, name: 'constant.language.protocol.iptables-save' },
        { match: `(?<![\\w-])${words(lowerConstants)}(?![\\w-])`, name: 'constant.language.iptables-save' },
        { match: '(?<![\\w-])\\d*[A-Za-z_][\\w.@-]*', name: 'constant.language.symbol.iptables-save' },
        { match: ',', name: 'punctuation.separator.comma.iptables-save' },
        { match: '[:\\-]', name: 'keyword.operator.range.iptables-save' },
        { match: '/', name: 'punctuation.separator.slash.iptables-save' },
        { match: '\\+', name: 'keyword.operator.wildcard.iptables-save' },
        { match: '[\\[\\]]', name: 'punctuation.section.brackets.iptables-save' },
        { match: '=', name: 'keyword.operator.assignment.iptables-save' },
        { match: '!', name: 'keyword.operator.negation.iptables-save' },
      ],
    },
  },
};

export default grammar;
