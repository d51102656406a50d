/**
 * AST of `ipset save` output and `ipset restore` input. Every node keeps its source range
 * (zero-based, like the rest of the project's ASTs).
 */
import type { Diagnostic, Node } from '../ast/common';
import type { Comment, Word } from '../ast/iptables';

export type { Comment, Word };

/** One component of a set type: `hash:net,port` has dimensions `net` and `port`. */
export type IpsetDimension = 'ip' | 'net' | 'port' | 'mac' | 'iface' | 'mark' | 'set';

export type IpsetMethod = 'hash' | 'bitmap' | 'list';

/** `family inet`, `hashsize 1024`, `counters`, `comment "x"`, `nomatch`... */
export interface IpsetOption extends Node {
  readonly name: Word;
  /** Absent for flags (`counters`, `forceadd`, `nomatch`...). */
  readonly value?: Word;
}

/** One comma-separated component of an element, interpreted by the set type's dimension. */
export interface ElementPart extends Node {
  /** Undefined when the set's type is not known (set not created in this file). */
  readonly dimension?: IpsetDimension;
  readonly text: string;
  /** Address family of an `ip`/`net` part (also of ranges), when it is an address. */
  readonly family?: 4 | 6;
  /** `port` parts: the protocol prefix (`tcp:80` → `tcp`), absent for a bare port. */
  readonly protocol?: string;
  /** `iface` parts: `physdev:eth0` → true. */
  readonly physdev?: boolean;
}

export interface IpsetElement extends Node {
  /** The element as written (after unquoting). */
  readonly text: string;
  readonly parts: readonly ElementPart[];
}

interface CommandBase extends Node {
  /** The command word as written (`create`, `add`, `-A`...). */
  readonly keyword: Word;
  /** `-exist` / `-!` given on the line. */
  readonly exist: boolean;
  /** The source line, without its newline. */
  readonly text: string;
}

export interface IpsetCreate extends CommandBase {
  readonly kind: 'create';
  readonly name: Word;
  /** `hash:net`, `list:set`... */
  readonly type: Word;
  readonly method?: IpsetMethod;
  /** From the type name; empty when the type is unknown. */
  readonly dimensions: readonly IpsetDimension[];
  readonly options: readonly IpsetOption[];
  /** `family` option value, `inet` by default for ip/net types. */
  readonly family?: 'inet' | 'inet6';
}

export interface IpsetEntryCommand extends CommandBase {
  readonly kind: 'add' | 'del' | 'test';
  readonly name: Word;
  readonly element?: IpsetElement;
  readonly options: readonly IpsetOption[];
}

/** `flush [NAME]`, `destroy [NAME]`, `swap A B`, `rename A B`, `list`/`save` [NAME]. */
export interface IpsetSetCommand extends CommandBase {
  readonly kind: 'flush' | 'destroy' | 'swap' | 'rename' | 'list' | 'save';
  readonly name?: Word;
  /** Second set of `swap`/`rename`. */
  readonly other?: Word;
}

export type IpsetCommand = IpsetCreate | IpsetEntryCommand | IpsetSetCommand;

export interface IpsetFile extends Node {
  readonly kind: 'ipset-file';
  readonly commands: readonly IpsetCommand[];
  readonly comments: readonly Comment[];
  /** Syntax errors; analysis adds its own separately. */
  readonly diagnostics: readonly Diagnostic[];
}
