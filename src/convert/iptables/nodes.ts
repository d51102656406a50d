/**
 * The classes the parser builds the iptables AST from. A 50k-rule dump has over half a
 * million words: storing each range as three objects (Range and two Positions) made the
 * AST several times larger and garbage collection dominate the parse. Here a node keeps
 * its coordinates as numbers (under symbol keys) and builds `range` on demand.
 *
 * What consumers see is still the data of `../ast/iptables.ts`: `range` (and `negation`)
 * are prototype getters that return fresh plain objects each time; `Object.keys`,
 * `Object.entries`, `for...in` and JSON see only the node's data, and `JSON.stringify`
 * includes the ranges (toJSON). Spreading a node drops its range: copy with
 * `{ ...node, range: node.range }`.
 */
import type { Range } from '../ast/common';
import type { Command, CommandKind, Counters, MatchNode, OptionNode, Rule, TargetNode, Word } from '../ast/iptables';

function makeRange(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/** Anything with a start and an end (words, `!`, nodes): what spans are computed from. */
export interface Located {
  readonly startLine: number;
  readonly startChar: number;
  readonly endLine: number;
  readonly endChar: number;
}

// Each class has a static `name` getter: tsx (esbuild keepNames) otherwise redefines `name`,
// which turns the constructor into a slow dictionary object (for `new` and `instanceof`).

// Coordinates live under symbols: invisible to Object.keys/entries, JSON and `assert.deepEqual`,
// and (unlike #private fields) set without a per-instance initializer call.
const LINE: unique symbol = Symbol('line');
const START: unique symbol = Symbol('start');
const END: unique symbol = Symbol('end');
const START_LINE: unique symbol = Symbol('startLine');
const END_LINE: unique symbol = Symbol('endLine');
const BANG: unique symbol = Symbol('bang');

/** A word of one line (tokens never span lines). */
export class ParsedWord implements Word, Located {
  static get name(): string {
    return 'ParsedWord';
  }
  declare readonly text: string;
  declare readonly quoted: boolean;
  declare readonly [LINE]: number;
  declare readonly [START]: number;
  declare readonly [END]: number;
  constructor(text: string, quoted: boolean, line: number, start: number, end: number) {
    this.text = text;
    this.quoted = quoted;
    this[LINE] = line;
    this[START] = start;
    this[END] = end;
  }
  get range(): Range {
    return makeRange(this[LINE], this[START], this[LINE], this[END]);
  }
  get startLine(): number {
    return this[LINE];
  }
  get endLine(): number {
    return this[LINE];
  }
  get startChar(): number {
    return this[START];
  }
  get endChar(): number {
    return this[END];
  }
  toJSON(): Word {
    return { text: this.text, quoted: this.quoted, range: this.range };
  }
}

/** A `!` on a command line: one character wide. */
export class Bang implements Located {
  static get name(): string {
    return 'Bang';
  }
  declare readonly bang: true;
  declare readonly [LINE]: number;
  declare readonly [START]: number;
  constructor(line: number, char: number) {
    this.bang = true;
    this[LINE] = line;
    this[START] = char;
  }
  get range(): Range {
    return makeRange(this[LINE], this[START], this[LINE], this[START] + 1);
  }
  get startLine(): number {
    return this[LINE];
  }
  get endLine(): number {
    return this[LINE];
  }
  get startChar(): number {
    return this[START];
  }
  get endChar(): number {
    return this[START] + 1;
  }
}

/** A node whose range is stored as four numbers. */
export abstract class Spanned implements Located {
  static get name(): string {
    return 'Spanned';
  }
  declare readonly [START_LINE]: number;
  declare readonly [START]: number;
  declare readonly [END_LINE]: number;
  declare readonly [END]: number;
  /** From the start of `from` to the end of `to`. */
  constructor(from: Located, to: Located) {
    this[START_LINE] = from.startLine;
    this[START] = from.startChar;
    this[END_LINE] = to.endLine;
    this[END] = to.endChar;
  }
  get range(): Range {
    return makeRange(this[START_LINE], this[START], this[END_LINE], this[END]);
  }
  get startLine(): number {
    return this[START_LINE];
  }
  get startChar(): number {
    return this[START];
  }
  get endLine(): number {
    return this[END_LINE];
  }
  get endChar(): number {
    return this[END];
  }
  toJSON(): unknown {
    return { ...this, range: this.range };
  }
}

/** Where `-m`/`-j` or a protocol started a module, or any other bare position. */
export function located(startLine: number, startChar: number, endLine: number, endChar: number): Located {
  return { startLine, startChar, endLine, endChar };
}

/**
 * An option; its range runs from the `!` written before it (or the flag) to its last
 * argument, so it is derived rather than stored.
 */
export class ParsedOption implements OptionNode, Located {
  static get name(): string {
    return 'ParsedOption';
  }
  declare readonly flag: ParsedWord;
  declare readonly name: string;
  declare readonly negated: boolean;
  declare readonly args: readonly ParsedWord[];
  declare readonly [BANG]: Bang | undefined;
  constructor(flag: ParsedWord, name: string, negated: boolean, bang: Bang | undefined, args: readonly ParsedWord[]) {
    this.flag = flag;
    this.name = name;
    this.negated = negated;
    this.args = args;
    this[BANG] = bang;
  }
  get negation(): Range | undefined {
    return this[BANG]?.range;
  }
  /** The first thing written: the `!` when it stands before the flag on the same line. */
  get first(): Located {
    const b = this[BANG];
    const f = this.flag;
    return b && b.startLine === f.startLine && b.startChar < f.startChar ? b : f;
  }
  get last(): ParsedWord {
    const a = this.args;
    return a.length ? a[a.length - 1]! : this.flag;
  }
  get startLine(): number {
    return this.first.startLine;
  }
  get startChar(): number {
    return this.first.startChar;
  }
  get endLine(): number {
    return this.last.endLine;
  }
  get endChar(): number {
    return this.last.endChar;
  }
  get range(): Range {
    const first = this.first;
    const last = this.last;
    return makeRange(first.startLine, first.startChar, last.endLine, last.endChar);
  }
  toJSON(): OptionNode {
    const out = { flag: this.flag, name: this.name, negated: this.negated, args: this.args, range: this.range };
    const bang = this[BANG];
    return bang ? { ...out, negation: bang.range } : out;
  }
}

export class ParsedCounters extends Spanned implements Counters {
  static override get name(): string {
    return 'ParsedCounters';
  }
  declare readonly packets: string;
  declare readonly bytes: string;
  constructor(packets: string, bytes: string, from: Located, to: Located) {
    super(from, to);
    this.packets = packets;
    this.bytes = bytes;
  }
}

export class ParsedMatch extends Spanned implements MatchNode {
  static override get name(): string {
    return 'ParsedMatch';
  }
  declare readonly name: ParsedWord;
  declare readonly explicit: boolean;
  declare readonly options: readonly ParsedOption[];
  constructor(name: ParsedWord, explicit: boolean, options: readonly ParsedOption[], from: Located, to: Located) {
    super(from, to);
    this.name = name;
    this.explicit = explicit;
    this.options = options;
  }
}

export class ParsedTarget extends Spanned implements TargetNode {
  static override get name(): string {
    return 'ParsedTarget';
  }
  declare readonly kind: 'jump' | 'goto';
  declare readonly name: ParsedWord;
  declare readonly options: readonly ParsedOption[];
  constructor(kind: 'jump' | 'goto', name: ParsedWord, options: readonly ParsedOption[], from: Located, to: Located) {
    super(from, to);
    this.kind = kind;
    this.name = name;
    this.options = options;
  }
}

export class ParsedRule extends Spanned implements Rule {
  static override get name(): string {
    return 'ParsedRule';
  }
  declare readonly options: readonly ParsedOption[];
  declare readonly matches: readonly ParsedMatch[];
  declare readonly target?: ParsedTarget;
  declare readonly counters?: ParsedCounters;
  constructor(options: readonly ParsedOption[], matches: readonly ParsedMatch[], target: ParsedTarget | undefined, counters: ParsedCounters | undefined, from: Located, to: Located) {
    super(from, to);
    this.options = options;
    this.matches = matches;
    // Optional properties exist only when set, as in the plain-object AST.
    if (target) this.target = target;
    if (counters) this.counters = counters;
  }
}

/** The optional positional words of a command (-I N, -P POLICY, -E NEW). */
export interface CommandParts {
  readonly index?: ParsedWord | undefined;
  readonly newName?: ParsedWord | undefined;
  readonly policy?: ParsedWord | undefined;
}

export class ParsedCommand extends Spanned implements Command {
  static override get name(): string {
    return 'ParsedCommand';
  }
  declare readonly kind: CommandKind;
  declare readonly flag: ParsedWord;
  declare readonly chain?: ParsedWord;
  declare readonly rule?: ParsedRule;
  declare readonly text: string;
  declare readonly index?: ParsedWord;
  declare readonly newName?: ParsedWord;
  declare readonly policy?: ParsedWord;
  constructor(kind: CommandKind, flag: ParsedWord, chain: ParsedWord | undefined, rule: ParsedRule | undefined, text: string, parts: CommandParts | undefined, from: Located, to: Located) {
    super(from, to);
    this.kind = kind;
    this.flag = flag;
    if (chain) this.chain = chain;
    if (rule) this.rule = rule;
    this.text = text;
    if (parts) {
      if (parts.index) this.index = parts.index;
      if (parts.newName) this.newName = parts.newName;
      if (parts.policy) this.policy = parts.policy;
    }
  }
}
