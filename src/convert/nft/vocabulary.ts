/**
 * The nft words the parser needs to know: where statements start, which words begin a
 * selector (payload_expr, meta_expr, ct_expr... in parser_bison.y) and which arguments
 * each keyword statement takes. nft keywords are context-sensitive, so these tables are
 * consulted by position, never by the lexer.
 */

export const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

export const VERBS = new Set(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'reset', 'list', 'rename', 'get']);

/** Commands with free-form arguments (`describe tcp dport`, `monitor trace`, `export json`). */
export const FREE_VERBS = new Set(['describe', 'monitor', 'export', 'import']);

/** Verdicts of verdict_stmt (`queue` is a statement with arguments here). */
export const VERDICTS = new Set(['accept', 'drop', 'continue', 'return', 'jump', 'goto']);

/** payload_expr protocol headers and exthdr_expr headers: `ip saddr`, `tcp dport`, `hbh nexthdr`. */
export const PAYLOAD_PROTOCOLS = new Set([
  'ether', 'vlan', 'arp', 'ip', 'ip6', 'icmp', 'icmpv6', 'igmp', 'ah', 'esp', 'comp', 'udp', 'udplite', 'tcp', 'dccp',
  'sctp', 'th', 'hbh', 'rt0', 'rt2', 'srh', 'frag', 'dst', 'mh', 'gre', 'gretap', 'vxlan', 'geneve', 'exthdr', 'icmpx',
  'll', 'nh',
]);

/** Headers that wrap an inner header: `vxlan ip saddr`, `gre ip protocol`. */
export const TUNNEL_PROTOCOLS = new Set(['vxlan', 'geneve', 'gre', 'gretap']);

/** meta_key_unqualified: meta keys usable without `meta`. */
export const META_UNQUALIFIED = new Set([
  'mark', 'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid',
  'ibriport', 'obriport', 'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'time', 'day', 'hour',
]);

/** Other expression heads: meta_expr, ct_expr, rt_expr, ipsec_expr, socket_expr, osf_expr, fib_expr, numgen_expr, hash_expr. */
export const EXPR_HEADS = new Set(['meta', 'ct', 'rt', 'ipsec', 'socket', 'osf', 'fib', 'numgen', 'jhash', 'symhash', 'tunnel', 'inner']);

/** Keyword statements (stmt alternatives other than verdicts and expression statements). */
export const STMT_KEYWORDS = new Set([
  'counter', 'log', 'limit', 'quota', 'reject', 'snat', 'dnat', 'masquerade', 'redirect', 'tproxy', 'notrack', 'dup',
  'fwd', 'queue', 'meter', 'synproxy', 'flow', 'last', 'xt', 'comment',
]);

/** Relational operator words: `eq`, `ne`... */
export const RELOP_WORDS: Record<string, '==' | '!=' | '<' | '>' | '<=' | '>='> = {
  eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=',
};

export const BINOP_WORDS: Record<string, '&' | '|' | '^' | '<<' | '>>'> = {
  and: '&', or: '|', xor: '^', lshift: '<<', rshift: '>>',
};

/** Units that follow a number in limit/quota: `10 mbytes`, `1 kbytes/second`. */
export const UNIT_WORD = /^(?:[kmg]?bytes|packets)(?:\/(?:second|minute|hour|day|week))?$/;

export interface KeywordStmtSpec {
  /** key followed by one value (`prefix "x"`, `burst 5`). */
  value?: readonly string[];
  /** key followed by an expression that may contain selectors and maps (`to ip saddr map {...}`, `name ip saddr map {...}`). */
  expr?: readonly string[];
  /** value keys whose value is a comma list (`flags bypass,fanout`). */
  list?: readonly string[];
  /** bare words (`fully-random`, `over`). */
  flag?: readonly string[];
  /** a value without a key is allowed (`quota 25 mbytes`, `limit rate 10/second`). */
  positional?: boolean;
}

export const KEYWORD_STMTS: Record<string, KeywordStmtSpec> = {
  counter: { value: ['packets', 'bytes'], expr: ['name'] },
  log: { value: ['prefix', 'level', 'group', 'snaplen', 'queue-threshold'] },
  limit: { value: ['burst'], expr: ['name'], flag: ['rate', 'over', 'until'], positional: true },
  quota: { value: ['used'], expr: ['name'], flag: ['over', 'until'], positional: true },
  reject: {},
  snat: { expr: ['to'], flag: ['ip', 'ip6', 'prefix', 'addr', 'port', 'persistent', 'random', 'fully-random', 'netmap'] },
  dnat: { expr: ['to'], flag: ['ip', 'ip6', 'prefix', 'addr', 'port', 'persistent', 'random', 'fully-random', 'netmap'] },
  masquerade: { expr: ['to'], flag: ['persistent', 'random', 'fully-random'] },
  redirect: { expr: ['to'], flag: ['persistent', 'random', 'fully-random'] },
  tproxy: { expr: ['to'], flag: ['ip', 'ip6'] },
  notrack: {},
  dup: { expr: ['to', 'device'], flag: ['ip', 'ip6'] },
  fwd: { expr: ['to', 'device'], flag: ['ip', 'ip6', 'netdev'] },
  queue: { value: ['num', 'flags'], list: ['flags'], expr: ['to'], flag: ['bypass', 'fanout'] },
  synproxy: { value: ['mss', 'wscale'], expr: ['name'], flag: ['timestamp', 'sack-perm'] },
  last: { value: ['used'] },
  xt: { flag: ['match', 'target', 'watcher'], positional: true },
};
