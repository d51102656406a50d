/**
 * AST of the nft language, shared by the nft parser (src/convert/nft), the converter
 * (src/convert/translate) and the printer. Names follow nftables' parser_bison.y where it
 * has one (table_block, chain_block, set_block, relational_expr, verdict_stmt...).
 *
 * Statements that are plain keyword/argument sequences (log, limit, snat, reject...) use
 * the generic `KeywordStmt`: a keyword followed by arguments, each a word or an
 * expression. It keeps the printer, the parser and the converter simple and round-trips
 * every statement nft prints; analysis that needs more looks at the keyword.
 *
 * Every node may carry `range` (where it was parsed) and `origin` (the source range of
 * the iptables option it was translated from), so the output can be mapped back.
 */
import type { Range } from './common';

export type Family = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

interface NftNode {
  range?: Range;
  /** For translated nodes: the iptables source range they came from. */
  origin?: Range;
  /** Expressions: written in parentheses, `(meta mark | 0x10) << 8`. */
  parens?: boolean;
  /** Line items (rules, defines, commands) and set elements: a `# text` comment after the node on the same line. */
  trailingComment?: string;
  /** Set elements: `# text` comment lines right before the element inside `{ }`. */
  leadingComments?: string[];
}

// ---------------------------------------------------------------- expressions

/**
 * A selector: a fixed sequence of keywords naming a packet, metadata or conntrack field:
 * `ip saddr`, `meta l4proto`, `ct original ip saddr`, `tcp option maxseg size`,
 * `@th,16,16` (raw payload, one word), `fib saddr . iif oif` is a FuncExpr instead.
 */
export interface SelectorExpr extends NftNode {
  kind: 'selector';
  path: string[];
}

/**
 * A literal as written: number, symbolic constant, address, prefix written as one token,
 * interface name, time (`1h2m`), rate. `quoted` marks a string that prints in quotes.
 */
export interface LiteralExpr extends NftNode {
  kind: 'literal';
  text: string;
  quoted?: boolean;
}

export interface PrefixExpr extends NftNode {
  kind: 'prefix';
  base: Expr;
  length: number;
}

export interface RangeExpr extends NftNode {
  kind: 'range';
  low: Expr;
  high: Expr;
}

/** `a . b . c` */
export interface ConcatExpr extends NftNode {
  kind: 'concat';
  parts: Expr[];
}

/** Comma list without braces, as in flag values: `ct state established,related`, `tcp flags syn,ack`. */
export interface ListExpr extends NftNode {
  kind: 'list';
  items: Expr[];
}

export type BinaryOp = '&' | '|' | '^' | '<<' | '>>';

/** `meta mark & 0xff`; `spelling` keeps `and`/`or`/`xor`/`lshift`/`rshift` when written so. */
export interface BinopExpr extends NftNode {
  kind: 'binop';
  op: BinaryOp;
  spelling?: string;
  left: Expr;
  right: Expr;
}

/** One element of a set literal with its per-element options (`timeout 1h`, `comment "x"`, `counter`...). */
export interface SetElemExpr extends NftNode {
  kind: 'elem';
  value: Expr;
  options: Arg[];
}

/** `{ a, b, c }` anonymous set; also `elements = { ... }`. */
export interface SetExpr extends NftNode {
  kind: 'set';
  elements: Expr[];
}

/** `key : value` inside a map literal. */
export interface MappingExpr extends NftNode {
  kind: 'mapping';
  key: Expr;
  value: Expr;
}

/** `expr map { ... }` / `expr map @name`, and `expr vmap { ... }`. */
export interface MapExpr extends NftNode {
  kind: 'map';
  vmap: boolean;
  key: Expr;
  map: Expr;
}

/** `@name` */
export interface SetRefExpr extends NftNode {
  kind: 'setref';
  name: string;
}

/** `$name` */
export interface VariableExpr extends NftNode {
  kind: 'variable';
  name: string;
}

/**
 * A keyword expression with arguments that is not a plain selector:
 * `numgen inc mod 2 offset 100`, `jhash ip saddr . tcp dport mod 4 seed 0x1`,
 * `fib saddr . iif oif`, `symhash mod 2`, `osf ttl loose name`, `socket cgroupv2 level 1`.
 */
export interface FuncExpr extends NftNode {
  kind: 'func';
  name: string;
  args: Arg[];
}

/** A verdict used as a value, in vmaps: `accept`, `jump chain`. */
export interface VerdictExpr extends NftNode {
  kind: 'verdict';
  verdict: VerdictName;
  chain?: Expr;
}

export type Expr =
  | SelectorExpr
  | LiteralExpr
  | PrefixExpr
  | RangeExpr
  | ConcatExpr
  | ListExpr
  | BinopExpr
  | SetElemExpr
  | SetExpr
  | MappingExpr
  | MapExpr
  | SetRefExpr
  | VariableExpr
  | FuncExpr
  | VerdictExpr;

/**
 * An argument of a keyword statement, func expression or set element:
 * a bare keyword (`fully-random`), a keyword with a value (`prefix "x"`, `to 1.2.3.4`),
 * or a value alone (`snat ip to ...` has `ip` as a word, then `to` with a value).
 */
export interface Arg {
  key?: string;
  value?: Expr;
  /** A nested statement as an argument (`add @s { ip saddr ct count over 2 }` elements, `meter ... { ... limit ... }`). */
  stmt?: Stmt;
  /** Print the value right after the key, without a space (`to :tcp dport map { ... }`). */
  keyGlued?: boolean;
  range?: Range;
  origin?: Range;
}

// ---------------------------------------------------------------- statements

export type RelOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | '!';

/**
 * `left op right`. `op` absent means implicit equality (`tcp dport 22`) or, for flag
 * types, a bitmask test (`ct state established`). `spelling` keeps `eq`/`ne`/`lt`... when written so.
 */
export interface RelationalStmt extends NftNode {
  kind: 'relational';
  left: Expr;
  op?: RelOp;
  spelling?: string;
  right: Expr;
}

export type VerdictName = 'accept' | 'drop' | 'continue' | 'return' | 'jump' | 'goto' | 'queue';

export interface VerdictStmt extends NftNode {
  kind: 'verdict';
  verdict: VerdictName;
  /** jump/goto target: a chain name literal or a variable. */
  chain?: Expr;
  /** jump/goto to an anonymous chain (chain binding): `jump { ... }`. */
  block?: (Rule | CommentLine)[];
}

/** `meta mark set expr`, `ct zone set 4097`, `ip dscp set cs1`, `tcp option maxseg size set rt mtu`. */
export interface AssignStmt extends NftNode {
  kind: 'assign';
  left: Expr;
  value: Expr;
}

/**
 * Every other statement: `counter packets 1 bytes 2`, `log prefix "x" level info`,
 * `limit rate over 10/second burst 5 packets`, `snat ip to 1.2.3.4:80 fully-random`,
 * `reject with icmp type port-unreachable`, `notrack`, `ct helper set "ftp"` (AssignStmt),
 * `queue num 1 bypass`, `add @set { ip saddr }`, `update @s { ... }`, `synproxy mss 1460`.
 */
export interface KeywordStmt extends NftNode {
  kind: 'keyword';
  keyword: string;
  args: Arg[];
}

/** `comment "text"` at the end of a rule is `Rule.comment`; this is a standalone `# note` line inside a chain. */
export interface CommentLine extends NftNode {
  kind: 'comment-line';
  text: string;
}

/** An expression used as a statement: the verdict map `iifname vmap { "lo" : accept }`. */
export interface ExprStmt extends NftNode {
  kind: 'expr';
  expr: Expr;
}

export type Stmt = RelationalStmt | VerdictStmt | AssignStmt | KeywordStmt | ExprStmt;

export interface Rule extends NftNode {
  kind: 'rule';
  stmts: Stmt[];
  comment?: string;
  handle?: number;
  /** For output: a rule that could not be translated; printed as `# text` in its place. */
  disabled?: string;
}

// ---------------------------------------------------------------- objects

export interface BaseChainSpec extends NftNode {
  type: string; // filter | nat | route
  hook: string; // prerouting | input | forward | output | postrouting | ingress | egress
  /** `device "eth0"` or `devices = { ... }` (netdev / inet ingress). */
  devices?: Expr;
  /** As written: `0`, `-150`, `filter`, `dstnat - 10`, `$prio`. */
  priority: Expr;
}

export interface Chain extends NftNode {
  kind: 'chain';
  name: string;
  base?: BaseChainSpec;
  policy?: string | Expr;
  comment?: string;
  flags?: string[];
  /** Rules and standalone comment lines, in order. */
  rules: (Rule | CommentLine)[];
  handle?: number;
}

/** Set and map declarations (set_block / map_block). */
export interface SetDecl extends NftNode {
  kind: 'set' | 'map';
  name: string;
  /** `type ipv4_addr . inet_service` as written parts; `typeof ip saddr` uses `typeofExpr`. */
  type?: string[];
  typeofExpr?: Expr;
  /** map data: `: verdict`, `: ipv4_addr . inet_service`, `typeof ... : ...`. */
  dataType?: string[];
  dataTypeofExpr?: Expr;
  /** `interval` on map data (`: interval ipv4_addr`). */
  dataInterval?: boolean;
  flags?: string[];
  timeout?: string;
  gcInterval?: string;
  size?: number;
  policy?: string;
  autoMerge?: boolean;
  counter?: boolean;
  /** Set-level stateful statements (`counter`, `quota 10 mbytes`, `ct count 2`). */
  stmts?: Stmt[];
  comment?: string;
  elements?: Expr[];
  handle?: number;
  /** `# text` after an attribute line, by attribute keyword (nft prints `size 2\t# count 1`). */
  attributeComments?: Record<string, string>;
  /** `# text` lines before an attribute line, by attribute keyword (`}` for those before the closing brace). */
  commentsBefore?: Record<string, string[]>;
}

export interface Flowtable extends NftNode {
  kind: 'flowtable';
  name: string;
  hook?: string;
  priority?: Expr;
  devices?: Expr;
  flags?: string[];
  counter?: boolean;
  handle?: number;
  /** `# text` lines before an attribute line, by attribute keyword (`}` for those before the closing brace). */
  commentsBefore?: Record<string, string[]>;
}

/**
 * Stateful objects: counter, quota, limit, ct helper, ct timeout, ct expectation, secmark,
 * synproxy, tunnel. The body is kept as ordered `key value` lines, printed one per line
 * (e.g. ct helper: `type "ftp" protocol tcp`, `l3proto ip`).
 */
export interface ObjectDecl extends NftNode {
  kind: 'object';
  objType: string; // counter | quota | limit | ct helper | ct timeout | ct expectation | secmark | synproxy | tunnel
  name: string;
  body: Arg[][];
  comment?: string;
  handle?: number;
  /** `# text` lines before a body line, by its index (`comment`, `}` for the comment line and the closing brace). */
  commentsBefore?: Record<string, string[]>;
}

/** Define and Include appear in tables too (nft's common_block): `table inet t { include "sets.nft" ... }`. */
export type TableItem = Chain | SetDecl | Flowtable | ObjectDecl | CommentLine | Define | Include;

export interface Table extends NftNode {
  kind: 'table';
  family: Family;
  /** Written without a family (`table t { ... }`): nft takes `ip`. */
  implicitFamily?: boolean;
  name: string;
  flags?: string[];
  comment?: string;
  items: TableItem[];
  handle?: number;
}

// ---------------------------------------------------------------- top level

export interface Define extends NftNode {
  kind: 'define' | 'redefine' | 'undefine';
  name: string;
  value?: Expr;
}

export interface Include extends NftNode {
  kind: 'include';
  path: string;
}

/**
 * Command style: `add table ip t`, `add chain ip t c { ... }`, `add rule ip t c ...`,
 * `insert rule ... position 4 ...`, `delete rule ... handle 3`, `flush ruleset`,
 * `flush table ip t`, `add element ip t s { ... }`, `list ...`.
 */
export interface CommandStmt extends NftNode {
  kind: 'command';
  verb: 'add' | 'create' | 'insert' | 'replace' | 'delete' | 'destroy' | 'flush' | 'reset' | 'list' | 'rename' | 'get' | 'describe' | 'monitor' | 'export' | 'import';
  /** ruleset | table | chain | rule | set | map | element | flowtable | counter | quota | ct helper ... */
  object: string;
  family?: Family;
  table?: string;
  /** chain, set, map, flowtable or object name. */
  name?: string;
  /** `position N`, `handle N`, `index N` */
  position?: { key: 'position' | 'handle' | 'index'; value: number };
  /** For rule commands. */
  rule?: Rule;
  /** For add table/chain/set/... with a `{ ... }` body: the declared object. */
  decl?: Table | Chain | SetDecl | Flowtable | ObjectDecl;
  /** For element commands. */
  elements?: Expr[];
  /** New name for rename. */
  newName?: string;
  /** Written without the verb (`table ip t`, `chain ip t c`): nft reads it as `add`. */
  implicit?: boolean;
  /** Words after the object that have no field above (`list ruleset` options, `list chains ip`...). */
  extra?: string[];
}

export type TopLevel = Table | Define | Include | CommandStmt | CommentLine;

export interface NftFile extends NftNode {
  kind: 'nft-file';
  items: TopLevel[];
}
