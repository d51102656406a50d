/**
 * AST of iptables-save / ip6tables-save / iptables-restore input, and of the
 * ebtables-save and arptables-save dialects. Every node keeps its source range.
 *
 * The parser builds these as compact class instances (../iptables/nodes.ts): `range` and
 * `negation` are getters computed from stored numbers, so they are not own properties —
 * `{ ...node }` drops them (copy with `{ ...node, range: node.range }`); JSON keeps them.
 */
import type { Diagnostic, Node, Range } from './common';

export type Dialect = 'iptables' | 'ip6tables' | 'ebtables' | 'arptables';

/** A token's value after unquoting, with where it was written. */
export interface Word extends Node {
  readonly text: string;
  readonly quoted: boolean;
}

export interface Counters extends Node {
  /** Kept as decimal strings: 64-bit counters do not fit a JS number. */
  readonly packets: string;
  readonly bytes: string;
}

/** `# ...` lines, kept so tools can show or carry them. */
export interface Comment extends Node {
  readonly text: string;
}

/**
 * One option as written: `-s 10.0.0.0/8`, `! --dport 22`, `--dport ! 22` (old form),
 * `--physdev-is-bridged` (no argument), `--tcp-flags SYN,ACK SYN` (two arguments).
 */
export interface OptionNode extends Node {
  /** The flag as written, e.g. `-s`, `--dport`. */
  readonly flag: Word;
  /**
   * Canonical name without leading dashes: core short flags are expanded to their long
   * names (`-s` → `source`, `-i` → `in-interface`); module options keep their own spelling
   * (`dport`, `destination-port`); translators resolve a module's aliases.
   */
  readonly name: string;
  readonly negated: boolean;
  /** Where the `!` was written, when negated. */
  readonly negation?: Range;
  readonly args: readonly Word[];
}

/** `-m NAME options...`, or a match implied by `-p tcp` when options follow without `-m`. */
export interface MatchNode extends Node {
  readonly name: Word;
  /** False when implied by `-p` (iptables loads the protocol's match for `-p tcp --dport 22`). */
  readonly explicit: boolean;
  readonly options: readonly OptionNode[];
}

/** `-j NAME options...` or `-g NAME`. */
export interface TargetNode extends Node {
  readonly kind: 'jump' | 'goto';
  readonly name: Word;
  readonly options: readonly OptionNode[];
}

/** The part of a command after the chain (and index): what a packet is matched with and what happens to it. */
export interface Rule extends Node {
  /** Core options in the order written (`-s`, `-d`, `-i`, `-o`, `-p`, `-f`, ...; ebtables `-p`, `--logical-in`...). */
  readonly options: readonly OptionNode[];
  readonly matches: readonly MatchNode[];
  readonly target?: TargetNode;
  /** `-c PKTS BYTES` or a leading `[pkts:bytes]`. */
  readonly counters?: Counters;
}

export type CommandKind =
  | 'append' // -A
  | 'insert' // -I
  | 'delete' // -D
  | 'replace' // -R
  | 'check' // -C
  | 'new-chain' // -N
  | 'delete-chain' // -X
  | 'flush' // -F
  | 'zero' // -Z
  | 'policy' // -P
  | 'rename-chain'; // -E

export interface Command extends Node {
  readonly kind: CommandKind;
  /** The command flag as written (`-A`, `--append`, ...). */
  readonly flag: Word;
  readonly chain?: Word;
  /** Rule number for -I/-D/-R, new name for -E. */
  readonly index?: Word;
  readonly newName?: Word;
  /** Policy for -P. */
  readonly policy?: Word;
  readonly rule?: Rule;
  /** The source line without its trailing newline, for comments in translated output. */
  readonly text: string;
}

/** `:NAME POLICY [pkts:bytes]` (policy `-` for user chains). */
export interface ChainDecl extends Node {
  readonly name: Word;
  readonly policy: Word;
  readonly counters?: Counters;
}

/** `*filter` ... `COMMIT`. */
export interface TableBlock extends Node {
  readonly name: Word;
  readonly chains: readonly ChainDecl[];
  readonly commands: readonly Command[];
  /** Range of the COMMIT line; absent when the table was not committed. */
  readonly commit?: Range;
}

export interface IptablesFile extends Node {
  readonly kind: 'iptables-file';
  readonly dialect: Dialect;
  readonly tables: readonly TableBlock[];
  /** Commands found outside any table (an error in a dump; kept so nothing is lost). */
  readonly stray: readonly Command[];
  readonly comments: readonly Comment[];
  /** Syntax errors found while parsing; analysis adds its own separately. */
  readonly diagnostics: readonly Diagnostic[];
}
