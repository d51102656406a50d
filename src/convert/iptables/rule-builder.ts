/**
 * Turns the words of one command (already tokenised) into a Command node: finds the command
 * flag and its positional arguments, then groups the rest into core options, match modules
 * and the target, using the module registry for argument counts and option owners.
 */
import type { Diagnostic, Range } from '../ast/common';
import type { CommandKind, Dialect } from '../ast/iptables';
import type { IptablesCode } from './codes';
import { commandSpec, coreOption, implicitProtocolModule } from './dialects';
import { findMatch, findModuleOption, findTarget, implicitModuleForOption, type ModuleSpec } from './modules';
import { Bang, located, ParsedCommand, ParsedCounters, ParsedMatch, ParsedOption, ParsedRule, ParsedTarget, ParsedWord, type Located } from './nodes';

/** A token of a command line: a word after unquoting (used as the AST's Word as is) or `!`. */
export type Tok = ParsedWord | Bang;

// tsx runs each module as CommonJS, where every use of an imported name is a getter call V8
// does not inline; the per-word and per-rule code below goes through these module-level copies.
const node = { ParsedCommand, ParsedCounters, ParsedMatch, ParsedOption, ParsedRule, ParsedTarget, ParsedWord };
const registry = { commandSpec, coreOption, findMatch, findModuleOption, implicitModuleForOption };

/** `!` rather than a word. (Not `instanceof`: tsx's keepNames makes class constructors slow dictionary objects.) */
export function isBang(t: Tok | undefined): t is Bang {
  return t !== undefined && (t as Bang).bang === true;
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * An exact-size copy of items[from, to): arrays grown by push keep 17+ slots, which adds up
 * over 50k rules. Short ones are array literals, which V8 can allocate straight into the old
 * generation once it sees they live long (a parse would otherwise copy them twice).
 */
function compact<T>(items: readonly T[], from = 0, to = items.length): readonly T[] {
  switch (to - from) {
    case 0:
      return EMPTY;
    case 1:
      return [items[from]!];
    case 2:
      return [items[from]!, items[from + 1]!];
    case 3:
      return [items[from]!, items[from + 1]!, items[from + 2]!];
    default:
      return items.slice(from, to);
  }
}

const optionNames = new Map<string, string>();
/** `--dport` → `dport`, shared strings so 50k rules do not hold 50k copies. */
function optionName(flag: string): string {
  let n = optionNames.get(flag);
  if (n === undefined) {
    // A fresh copy: a word of the text may be a slice that would keep the whole document alive in this cache.
    const own = flag.split('').join('');
    n = own.replace(/^--?/, '');
    if (optionNames.size < 10000) optionNames.set(own, n);
  }
  return n;
}

export function diag(range: Range, code: IptablesCode, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { range, severity, code, message };
}

/** The range from the start of `a` to the end of `b`. */
export function between(a: Located, b: Located): Range {
  return { start: { line: a.startLine, character: a.startChar }, end: { line: b.endLine, character: b.endChar } };
}

/** An unquoted word that starts with `-` (and is not a negative number or a lone dash). */
export function isFlag(t: Tok | undefined): t is ParsedWord {
  if (t === undefined || isBang(t) || t.quoted) return false;
  const s = t.text;
  return s.length >= 2 && s.charCodeAt(0) === 45 && !(s.charCodeAt(1) >= 48 && s.charCodeAt(1) <= 57);
}

function isArg(t: Tok | undefined): t is ParsedWord {
  return t !== undefined && !isBang(t) && !isFlag(t);
}

const DECIMAL = /^\d+$/;
/** How many earlier modules of a rule may claim an option the current module does not have. */
const MAX_OWNER_SEARCH = 16;

function isDecimal(t: Tok | undefined): boolean {
  return isArg(t) && DECIMAL.test(t.text);
}

function isTableFlag(t: Tok | undefined): t is ParsedWord {
  return isFlag(t) && (t.text === '-t' || t.text === '--table');
}

/** A match or target while its options are being collected. */
class ModuleBuild {
  static get name(): string {
    return 'ModuleBuild'; // see nodes.ts: keeps the constructor fast under tsx
  }
  readonly explicit: boolean;
  /** `-m`/`-j`/`-g`, or what loaded an implicit match. */
  readonly start: Located;
  readonly name: ParsedWord;
  readonly spec: ModuleSpec | undefined;
  readonly targetKind: 'jump' | 'goto';
  /** options[0, count): a list lent by the rule builder for this rule only (toMatch/toTarget copy it). */
  private readonly options: ParsedOption[];
  private count = 0;
  end: Located;
  constructor(explicit: boolean, start: Located, name: ParsedWord, spec: ModuleSpec | undefined, targetKind: 'jump' | 'goto', options: ParsedOption[]) {
    this.explicit = explicit;
    this.start = start;
    this.name = name;
    this.spec = spec;
    this.targetKind = targetKind;
    this.options = options;
    this.end = name;
  }

  addOption(opt: ParsedOption): void {
    this.options[this.count++] = opt;
  }

  toMatch(): ParsedMatch {
    const opts = this.options;
    const n = this.count;
    const start = this.explicit ? this.start : n ? opts[0]! : this.start;
    const end = n ? opts[n - 1]! : this.explicit ? this.name : this.end;
    return new node.ParsedMatch(this.name, this.explicit, compact(opts, 0, n), start, end);
  }

  toTarget(): ParsedTarget {
    const opts = this.options;
    const n = this.count;
    const end = n ? opts[n - 1]! : this.name;
    return new node.ParsedTarget(this.targetKind, this.name, compact(opts, 0, n), this.start, end);
  }
}

export interface CommandBuildContext {
  readonly dialect: Dialect;
  readonly mode: 'file' | 'args';
  readonly diagnostics: Diagnostic[];
}

/** Builds commands one line at a time; one instance serves a whole file (no closures per rule). */
export class CommandBuilder {
  private readonly ctx: CommandBuildContext;
  private readonly rule: RuleBuilder;
  /** The `-t TABLE` of the last command built (argument form). */
  table: ParsedWord | undefined;
  constructor(ctx: CommandBuildContext) {
    this.ctx = ctx;
    this.rule = new RuleBuilder(ctx);
  }

  /**
   * Builds the command of one line. `lineText` is the source line (for Command.text),
   * `leading` the `[pkts:bytes]` prefix when present. `toks` is only read during the call.
   */
  build(toks: readonly Tok[], lineText: string, leading: ParsedCounters | undefined): ParsedCommand | undefined {
    const { diagnostics } = this.ctx;
    // Pull out `-t TABLE` wherever it is (argument form) and find the command flag.
    let table: ParsedWord | undefined;
    let cmdAt = -1;
    let hasTable = false;
    for (let i = 0; i < toks.length; i++) if (isTableFlag(toks[i])) hasTable = true;
    // Fast path: a command first and no -t (every line of a dump) needs no copy.
    let rest: readonly Tok[] = toks;
    if (!hasTable) {
      if (isFlag(toks[0]) && registry.commandSpec(toks[0].text)) cmdAt = 0;
      else for (let i = 0; i < toks.length && cmdAt < 0; i++) if (isFlag(toks[i]) && registry.commandSpec((toks[i] as ParsedWord).text)) cmdAt = i;
    } else {
      const kept: Tok[] = [];
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i]!;
        if (isTableFlag(t)) {
          const next = toks[i + 1];
          if (this.ctx.mode === 'file') diagnostics.push(diag(t.range, 'table-option-in-file', '-t cannot be used inside an iptables-restore file; use a *table header'));
          if (isArg(next)) {
            table = next;
            i++;
          } else diagnostics.push(diag(t.range, 'missing-argument', `${t.text} needs a table name`));
          continue;
        }
        if (cmdAt < 0 && isFlag(t) && registry.commandSpec(t.text)) cmdAt = kept.length;
        kept.push(t);
      }
      rest = kept;
    }
    if (cmdAt < 0) {
      const first = rest[0];
      if (first) diagnostics.push(diag(between(first, rest[rest.length - 1]!), 'missing-command', 'expected a command such as -A, -I, -N or -P'));
      this.table = table;
      return undefined;
    }
    const flag = rest[cmdAt] as ParsedWord;
    const kind: CommandKind = registry.commandSpec(flag.text)!.kind;
    let i = cmdAt + 1;
    let index: ParsedWord | undefined;
    let newName: ParsedWord | undefined;
    let policy: ParsedWord | undefined;
    const needsChain = kind !== 'delete-chain' && kind !== 'flush' && kind !== 'zero';
    let chain: ParsedWord | undefined;
    if (isArg(rest[i])) chain = rest[i++] as ParsedWord;
    else if (needsChain) diagnostics.push(diag(flag.range, 'missing-chain', `${flag.text} needs a chain name`));
    let hasRule = false;
    switch (kind) {
      case 'append':
      case 'check':
        hasRule = true;
        break;
      case 'insert':
        if (isDecimal(rest[i])) index = rest[i++] as ParsedWord;
        hasRule = true;
        break;
      case 'replace':
        if (isArg(rest[i])) index = rest[i++] as ParsedWord;
        if (!index || !DECIMAL.test(index.text)) diagnostics.push(diag((index ?? flag).range, 'missing-argument', `${flag.text} needs a rule number`));
        hasRule = true;
        break;
      case 'delete':
        if (isDecimal(rest[i]) && i + 1 === rest.length && cmdAt === 0) index = rest[i++] as ParsedWord;
        else hasRule = true;
        break;
      case 'zero':
        if (chain && isDecimal(rest[i])) index = rest[i++] as ParsedWord;
        break;
      case 'policy':
        if (isArg(rest[i])) policy = rest[i++] as ParsedWord;
        if (chain && !policy) diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs a policy (ACCEPT or DROP)`));
        break;
      case 'rename-chain':
        if (isArg(rest[i])) newName = rest[i++] as ParsedWord;
        if (chain && !newName) diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs the new chain name`));
        break;
      case 'new-chain': {
        // ebtables: `-N NAME -P POLICY` creates a user chain with a policy.
        const pflag = rest[i];
        if (isFlag(pflag) && (pflag.text === '-P' || pflag.text === '--policy')) {
          i++;
          if (isArg(rest[i])) policy = rest[i++] as ParsedWord;
          if (!policy) diagnostics.push(diag(pflag.range, 'missing-argument', `${pflag.text} needs a policy`));
        }
        break;
      }
      default:
        break;
    }
    // The rule is what follows the positional words, plus anything written before the command flag.
    const ruleToks = cmdAt === 0 ? rest : [...rest.slice(0, cmdAt), ...rest.slice(i)];
    const ruleFrom = cmdAt === 0 ? i : 0;
    let rule: ParsedRule | undefined;
    if (hasRule) rule = this.rule.build(ruleToks, ruleFrom, leading, flag);
    else {
      for (let k = ruleFrom; k < ruleToks.length; k++) {
        const t = ruleToks[k]!;
        if (isFlag(t) && registry.commandSpec(t.text)) diagnostics.push(diag(t.range, 'multiple-commands', `only one command per line (found ${t.text} after ${flag.text})`));
        else diagnostics.push(diag(t.range, 'unexpected-argument', `unexpected '${isBang(t) ? '!' : t.text}' after ${flag.text}`));
      }
    }
    const parts = index || newName || policy ? { index, newName, policy } : undefined;
    this.table = table;
    return new node.ParsedCommand(kind, flag, chain, rule, lineText, parts, leading ?? toks[0]!, toks[toks.length - 1]!);
  }
}

/** Groups the words of one rule into core options, matches and the target. */
class RuleBuilder {
  private readonly dialect: Dialect;
  private readonly diagnostics: Diagnostic[];
  // State of the rule being built, reset by build().
  private toks: readonly Tok[] = EMPTY;
  private i = 0;
  // options[0, optionCount) and modules[0, moduleCount): reused lists whose length is never cut
  // (V8 frees an array's storage when its length is set to 0, and the next push grows it again).
  private readonly options: ParsedOption[] = [];
  private optionCount = 0;
  private readonly modules: ModuleBuild[] = [];
  private moduleCount = 0;
  private target: ModuleBuild | undefined;
  private current: ModuleBuild | undefined;
  private pendingBang: Bang | undefined;
  private protocolModule: string | undefined;
  private protocolWord: ParsedWord | undefined;
  private readonly implicit = new Map<string, ModuleBuild>();
  /** Option lists lent to this rule's modules, reused from rule to rule (a fresh list per module was a third of the parser's garbage). */
  private readonly optionLists: ParsedOption[][] = [];
  private optionListsLent = 0;
  /** Targets looked up so far in this file: most are user chains, which findTarget upper-cases to miss. */
  private readonly targets = new Map<string, ModuleSpec | null>();

  constructor(ctx: CommandBuildContext) {
    this.dialect = ctx.dialect;
    this.diagnostics = ctx.diagnostics;
  }

  /** The rule made of toks[from..]. */
  build(toks: readonly Tok[], from: number, leading: ParsedCounters | undefined, cmdFlag: ParsedWord): ParsedRule {
    const { dialect, diagnostics } = this;
    this.toks = toks;
    this.i = from;
    // Reused from rule to rule: the rule gets exact-size copies (compact, toMatch).
    this.optionCount = 0;
    this.moduleCount = 0;
    this.target = undefined;
    this.current = undefined;
    this.pendingBang = undefined;
    this.protocolModule = undefined;
    this.protocolWord = undefined;
    if (this.implicit.size) this.implicit.clear();
    this.optionListsLent = 0;
    let counters = leading;

    while (this.i < toks.length) {
      const t = toks[this.i]!;
      if (isBang(t)) {
        if (this.pendingBang) diagnostics.push(diag(t.range, 'misplaced-negation', "'!' given twice"));
        this.pendingBang = t;
        this.i++;
        continue;
      }
      if (!isFlag(t)) {
        const w = t as ParsedWord;
        diagnostics.push(diag(w.range, 'unexpected-argument', `'${w.text}' is not the argument of any option`));
        this.misplacedBang(`'${w.text}'`);
        this.i++;
        continue;
      }
      this.i++;
      let flagText = t.text;
      let inline: ParsedWord | undefined;
      let flag = t;
      const eq = flagText.charCodeAt(1) === 45 ? flagText.indexOf('=') : -1;
      if (eq > 2) {
        // getopt_long accepts `--opt=value`.
        inline = new node.ParsedWord(flagText.slice(eq + 1), t.quoted, t.startLine, t.startChar + eq + 1, t.endChar);
        flagText = flagText.slice(0, eq);
        flag = new node.ParsedWord(flagText, false, t.startLine, t.startChar, t.startChar + eq);
      }
      const core = registry.coreOption(dialect, flagText);
      if (core) {
        switch (core.role) {
          case 'match': {
            this.misplacedBang('a match module');
            const m = this.startModule('match', flag, 'jump');
            if (m) {
              this.modules[this.moduleCount++] = m;
              this.current = m;
            }
            continue;
          }
          case 'jump':
          case 'goto': {
            this.misplacedBang('a target');
            if (this.target) diagnostics.push(diag(flag.range, 'multiple-targets', 'a rule can have only one -j or -g'));
            const m = this.startModule('target', flag, core.role);
            if (m) {
              if (!this.target) this.target = m;
              this.current = m;
            }
            continue;
          }
          case 'counters': {
            this.misplacedBang('counters');
            const a = toks[this.i];
            const b = toks[this.i + 1];
            if (isArg(a) && isArg(b)) {
              this.i += 2;
              if (!DECIMAL.test(a.text) || !DECIMAL.test(b.text)) diagnostics.push(diag(between(a, b), 'invalid-counters', 'counters must be two decimal numbers'));
              if (counters && counters !== leading) diagnostics.push(diag(flag.range, 'duplicate-option', 'counters given twice'));
              counters = new node.ParsedCounters(a.text, b.text, flag, b);
            } else diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs packet and byte counts`));
            continue;
          }
          case 'table':
            continue;
          default: {
            const opt = this.readOption(flag, core.name, core.args, core.args, true, inline);
            this.options[this.optionCount++] = opt;
            if (core.name === 'protocol' && opt.args[0] && !opt.negated && (dialect === 'iptables' || dialect === 'ip6tables')) {
              this.protocolModule = implicitProtocolModule(dialect, opt.args[0].text);
              this.protocolWord = opt.args[0];
            }
            continue;
          }
        }
      }
      if (registry.commandSpec(flagText)) {
        diagnostics.push(diag(flag.range, 'multiple-commands', `only one command per line (found ${flagText} after ${cmdFlag.text})`));
        this.misplacedBang('a command');
        continue;
      }
      const name = optionName(flagText);
      const owner = this.ownerOf(name, flag);
      const ospec = owner?.spec ? registry.findModuleOption(owner.spec, name) : undefined;
      const opt = ospec ? this.readOption(flag, name, ospec.args[0], ospec.args[1], ospec.negatable, inline) : this.readOption(flag, name, 0, Infinity, true, inline);
      if (owner) {
        owner.addOption(opt);
        owner.end = opt;
      } else this.options[this.optionCount++] = opt;
    }
    this.misplacedBang('the end of the rule');

    const modules = this.modules;
    const moduleCount = this.moduleCount;
    let matches: readonly ParsedMatch[];
    switch (moduleCount) {
      case 0:
        matches = EMPTY;
        break;
      case 1:
        matches = [modules[0]!.toMatch()];
        break;
      case 2:
        matches = [modules[0]!.toMatch(), modules[1]!.toMatch()];
        break;
      default:
        matches = [];
        for (let k = 0; k < moduleCount; k++) (matches as ParsedMatch[]).push(modules[k]!.toMatch());
    }
    const target = this.target?.toTarget();
    const first = toks[from];
    let rule: ParsedRule;
    if (first) rule = new node.ParsedRule(compact(this.options, 0, this.optionCount), matches, target, counters, first, toks[toks.length - 1]!);
    else {
      const end = located(cmdFlag.endLine, cmdFlag.endChar, cmdFlag.endLine, cmdFlag.endChar);
      rule = new node.ParsedRule(EMPTY, matches, target, counters, end, end);
    }
    this.toks = EMPTY;
    return rule;
  }

  private misplacedBang(what: string): void {
    if (this.pendingBang) this.diagnostics.push(diag(this.pendingBang.range, 'misplaced-negation', `'!' cannot negate ${what}`));
    this.pendingBang = undefined;
  }

  /** Reads an option's arguments (the flag is already consumed). */
  private readOption(flag: ParsedWord, name: string, min: number, max: number, negatable: boolean, inlineArg: ParsedWord | undefined): ParsedOption {
    const { toks, diagnostics } = this;
    let negated = false;
    let bang: Bang | undefined = this.pendingBang;
    if (bang) {
      negated = true;
      this.pendingBang = undefined;
    }
    let inline = inlineArg;
    if (inline && max === 0) {
      diagnostics.push(diag(inline.range, 'unexpected-argument', `${flag.text} takes no argument`));
      inline = undefined;
    }
    // Old form: `--dport ! 22`, `-s ! 10.0.0.0/8`.
    const after = toks[this.i];
    if (max > 0 && !inline && isBang(after) && isArg(toks[this.i + 1])) {
      if (negated) diagnostics.push(diag(after.range, 'misplaced-negation', `${flag.text} is negated twice`));
      negated = true;
      bang = after;
      this.i++;
    }
    const room = inline ? max - 1 : max;
    let n = 0;
    while (n < room && isArg(toks[this.i + n])) n++;
    let args: readonly ParsedWord[];
    if (inline) args = n ? [inline, ...(toks.slice(this.i, this.i + n) as ParsedWord[])] : [inline];
    else args = compact(toks as readonly ParsedWord[], this.i, this.i + n);
    this.i += n;
    if (args.length < min) {
      diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs ${min === 1 ? 'an argument' : `${min} arguments`}`));
    }
    if (negated && !negatable && max !== Infinity) {
      diagnostics.push(diag(bang!.range, 'misplaced-negation', `${flag.text} cannot be negated`, 'warning'));
    }
    return new node.ParsedOption(flag, name, negated, bang, args);
  }

  private startModule(kindOf: 'match' | 'target', flag: ParsedWord, targetKind: 'jump' | 'goto'): ModuleBuild | undefined {
    const nameTok = this.toks[this.i];
    if (!isArg(nameTok)) {
      this.diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs a ${kindOf === 'match' ? 'match module' : 'target'} name`));
      return undefined;
    }
    this.i++;
    const spec = kindOf === 'match' ? registry.findMatch(this.dialect, nameTok.text) : this.findTarget(nameTok.text);
    return new ModuleBuild(true, flag, nameTok, spec, targetKind, this.emptyOptionList());
  }

  private emptyOptionList(): ParsedOption[] {
    const n = this.optionListsLent++;
    if (n === this.optionLists.length) this.optionLists.push([]);
    return this.optionLists[n]!;
  }

  private findTarget(name: string): ModuleSpec | undefined {
    let spec = this.targets.get(name);
    if (spec === undefined) {
      spec = findTarget(this.dialect, name) ?? null;
      this.targets.set(name, spec);
    }
    return spec ?? undefined;
  }

  /** The module an option belongs to (see README.md for the order), or undefined: a core-position option. */
  private ownerOf(name: string, flag: ParsedWord): ModuleBuild | undefined {
    const { current, target, modules, moduleCount } = this;
    if (current?.spec && registry.findModuleOption(current.spec, name)) return current;
    if (target && target !== current && target.spec && registry.findModuleOption(target.spec, name)) return target;
    // Only the latest modules: real rules have a handful, and a bound keeps absurd lines linear.
    for (let k = moduleCount - 1; k >= 0 && k >= moduleCount - MAX_OWNER_SEARCH; k--) {
      const m = modules[k]!;
      if (m !== current && m.spec && registry.findModuleOption(m.spec, name)) return m;
    }
    if (this.protocolModule) {
      const spec = registry.findMatch(this.dialect, this.protocolModule);
      if (spec && registry.findModuleOption(spec, name)) return this.implicitMatch(spec, this.protocolWord ?? flag);
    }
    const eb = registry.implicitModuleForOption(this.dialect, name);
    if (eb) return this.implicitMatch(eb, flag);
    return current;
  }

  /** The match a protocol (`-p tcp`) or an ebtables option loads; `at` is what loaded it. */
  private implicitMatch(spec: ModuleSpec, at: ParsedWord): ModuleBuild {
    let m = this.implicit.get(spec.name);
    if (!m) {
      m = new ModuleBuild(false, at, new node.ParsedWord(spec.name, false, at.startLine, at.startChar, at.endChar), spec, 'jump', this.emptyOptionList());
      m.end = at;
      this.implicit.set(spec.name, m);
      this.modules[this.moduleCount++] = m;
    }
    return m;
  }
}
