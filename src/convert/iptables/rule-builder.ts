/**
 * Turns the words of one command (already tokenised) into a Command node: finds the command
 * flag and its positional arguments, then groups the rest into core options, match modules
 * and the target, using the module registry for argument counts and option owners.
 */
import type { Diagnostic, Range } from '../ast/common';
import type { Command, CommandKind, Counters, Dialect, MatchNode, OptionNode, Rule, TargetNode, Word } from '../ast/iptables';
import type { IptablesCode } from './codes';
import { commandSpec, coreOption, implicitProtocolModule } from './dialects';
import { findMatch, findModuleOption, findTarget, implicitModuleForOption, type ModuleSpec } from './modules';

/** A `!` on a command line. */
export interface BangTok {
  readonly bang: true;
  readonly range: Range;
}

/** A token of a command line: a word after unquoting (used as the AST's Word as is) or `!`. */
export type Tok = Word | BangTok;

export function isBang(t: Tok | undefined): t is BangTok {
  return !!t && (t as BangTok).bang === true;
}

const EMPTY: readonly never[] = Object.freeze([]);

/** An exact-size copy: arrays grown by push keep 17+ slots, which adds up over 50k rules. */
function compact<T>(items: T[]): readonly T[] {
  return items.length === 0 ? EMPTY : items.slice();
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const optionNames = new Map<string, string>();
/** `--dport` → `dport`, shared strings so 50k rules do not hold 50k copies. */
function optionName(flag: string): string {
  let n = optionNames.get(flag);
  if (n === undefined) {
    n = flag.replace(/^--?/, '');
    if (optionNames.size < 10000) optionNames.set(flag, n);
  }
  return n;
}

export function diag(range: Range, code: IptablesCode, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { range, severity, code, message };
}

function span(a: Range, b: Range): Range {
  return a === b ? a : { start: a.start, end: b.end };
}

function word(t: Tok): Word {
  return t as Word;
}

/** An unquoted word that starts with `-` (and is not a negative number or a lone dash). */
export function isFlag(t: Tok | undefined): t is Word {
  if (!t || isBang(t) || t.quoted) return false;
  const s = t.text;
  return s.length >= 2 && s.charCodeAt(0) === 45 && !(s.charCodeAt(1) >= 48 && s.charCodeAt(1) <= 57);
}

function isArg(t: Tok | undefined): t is Word {
  return !!t && !isBang(t) && !isFlag(t);
}

const DECIMAL = /^\d+$/;
/** How many earlier modules of a rule may claim an option the current module does not have. */
const MAX_OWNER_SEARCH = 16;

function isDecimal(t: Tok | undefined): boolean {
  return isArg(t) && DECIMAL.test(t.text);
}

interface ModuleBuild {
  readonly kind: 'match' | 'target';
  readonly explicit: boolean;
  readonly start: Range;
  readonly name: Word;
  readonly spec: ModuleSpec | undefined;
  readonly options: OptionNode[];
  readonly targetKind?: 'jump' | 'goto';
  end: Range;
}

export interface CommandBuildContext {
  readonly dialect: Dialect;
  readonly mode: 'file' | 'args';
  readonly diagnostics: Diagnostic[];
}

export interface BuiltCommand {
  readonly command?: Command;
  readonly table?: Word;
}

/**
 * Builds the command of one line. `lineText` is the source line (for Command.text), `leading`
 * the `[pkts:bytes]` prefix when present.
 */
export function buildCommand(toks: readonly Tok[], lineText: string, leading: Counters | undefined, ctx: CommandBuildContext): BuiltCommand {
  const { diagnostics } = ctx;
  // Pull out `-t TABLE` wherever it is (argument form) and find the command flag.
  let table: Word | undefined;
  let cmdAt = -1;
  // Fast path: a command first and no -t (every line of a dump) needs no copy.
  let hasTable = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (isFlag(t) && (t.text === '-t' || t.text === '--table')) hasTable = true;
  }
  const rest: Tok[] = hasTable ? [] : (toks as Tok[]);
  if (!hasTable) {
    if (isFlag(toks[0]) && commandSpec(toks[0].text)) cmdAt = 0;
    else for (let i = 0; i < toks.length && cmdAt < 0; i++) if (isFlag(toks[i]) && commandSpec((toks[i] as Word).text)) cmdAt = i;
  }
  for (let i = 0; hasTable && i < toks.length; i++) {
    const t = toks[i]!;
    if (isFlag(t) && (t.text === '-t' || t.text === '--table')) {
      const next = toks[i + 1];
      if (ctx.mode === 'file') diagnostics.push(diag(t.range, 'table-option-in-file', '-t cannot be used inside an iptables-restore file; use a *table header'));
      if (isArg(next)) {
        table = word(next!);
        i++;
      } else diagnostics.push(diag(t.range, 'missing-argument', `${t.text} needs a table name`));
      continue;
    }
    if (cmdAt < 0 && isFlag(t) && commandSpec(t.text)) cmdAt = rest.length;
    rest.push(t);
  }
  if (cmdAt < 0) {
    const first = rest[0];
    if (first) {
      const last = rest[rest.length - 1]!;
      diagnostics.push(diag(span(first.range, last.range), 'missing-command', 'expected a command such as -A, -I, -N or -P'));
    }
    return table ? { table } : {};
  }
  const flagTok = rest[cmdAt] as Word;
  const spec = commandSpec(flagTok.text)!;
  const kind: CommandKind = spec.kind;
  let i = cmdAt + 1;
  let chain: Word | undefined;
  let index: Word | undefined;
  let newName: Word | undefined;
  let policy: Word | undefined;
  const takeWord = (): Word | undefined => {
    const t = rest[i];
    if (isArg(t)) {
      i++;
      return word(t!);
    }
    return undefined;
  };
  const needsChain = kind !== 'delete-chain' && kind !== 'flush' && kind !== 'zero';
  chain = takeWord();
  if (!chain && needsChain) diagnostics.push(diag(flagTok.range, 'missing-chain', `${flagTok.text} needs a chain name`));
  let ruleStart = i;
  let hasRule = false;
  switch (kind) {
    case 'append':
    case 'check':
      hasRule = true;
      break;
    case 'insert':
      if (isDecimal(rest[i])) index = takeWord();
      hasRule = true;
      break;
    case 'replace':
      index = takeWord();
      if (!index || !DECIMAL.test(index.text)) diagnostics.push(diag(index?.range ?? flagTok.range, 'missing-argument', `${flagTok.text} needs a rule number`));
      hasRule = true;
      break;
    case 'delete': {
      const t = rest[i];
      if (isDecimal(t) && i + 1 === rest.length && cmdAt === 0) index = takeWord();
      else hasRule = true;
      break;
    }
    case 'zero':
      if (chain && isDecimal(rest[i])) index = takeWord();
      break;
    case 'policy':
      policy = takeWord();
      if (chain && !policy) diagnostics.push(diag(flagTok.range, 'missing-argument', `${flagTok.text} needs a policy (ACCEPT or DROP)`));
      break;
    case 'rename-chain':
      newName = takeWord();
      if (chain && !newName) diagnostics.push(diag(flagTok.range, 'missing-argument', `${flagTok.text} needs the new chain name`));
      break;
    case 'new-chain':
      // ebtables: `-N NAME -P POLICY` creates a user chain with a policy.
      const pflag = rest[i];
      if (isFlag(pflag) && (pflag.text === '-P' || pflag.text === '--policy')) {
        i++;
        policy = takeWord();
        if (!policy) diagnostics.push(diag(pflag.range, 'missing-argument', `${pflag.text} needs a policy`));
      }
      break;
    default:
      break;
  }
  ruleStart = i;
  let rule: Rule | undefined;
  const ruleToks = cmdAt === 0 ? rest.slice(ruleStart) : [...rest.slice(0, cmdAt), ...rest.slice(ruleStart)];
  if (hasRule) {
    rule = buildRule(ruleToks, leading, ctx, flagTok);
  } else {
    for (const t of ruleToks) {
      if (isFlag(t) && commandSpec(t.text)) diagnostics.push(diag(t.range, 'multiple-commands', `only one command per line (found ${t.text} after ${flagTok.text})`));
      else diagnostics.push(diag(t.range, 'unexpected-argument', `unexpected '${isBang(t) ? '!' : t.text}' after ${flagTok.text}`));
    }
  }
  const first = toks[0]!;
  const lastTok = toks[toks.length - 1]!;
  const start = leading ? leading.range : first.range;
  // The usual shapes are built as one literal: properties added later cost V8 a separate backing store.
  const flag = word(flagTok);
  const range = span(start, lastTok.range);
  const command: Mutable<Command> =
    chain && rule && !index ? { kind, flag, chain, rule, text: lineText, range } : chain ? { kind, flag, chain, text: lineText, range } : { kind, flag, text: lineText, range };
  if (index) command.index = index;
  if (newName) command.newName = newName;
  if (policy) command.policy = policy;
  if (rule && !command.rule) command.rule = rule;
  return table ? { command, table } : { command };
}

function buildRule(toks: readonly Tok[], leading: Counters | undefined, ctx: CommandBuildContext, cmdFlag: Word): Rule {
  const { dialect, diagnostics } = ctx;
  const options: OptionNode[] = [];
  const modules: ModuleBuild[] = [];
  let target: ModuleBuild | undefined;
  let current: ModuleBuild | undefined;
  let counters: Counters | undefined = leading;
  let pendingBang: Range | undefined;
  let protocolModule: string | undefined;
  let implicit: Map<string, ModuleBuild> | undefined;
  let i = 0;

  const misplacedBang = (what: string) => {
    if (pendingBang) diagnostics.push(diag(pendingBang, 'misplaced-negation', `'!' cannot negate ${what}`));
    pendingBang = undefined;
  };

  /** Reads an option's arguments (flag already consumed at toks[i-1]). */
  const readOption = (flag: Word, name: string, min: number, max: number, negatable: boolean, inlineArg?: Tok): OptionNode => {
    let negated = false;
    let negation: Range | undefined;
    if (pendingBang) {
      negated = true;
      negation = pendingBang;
      pendingBang = undefined;
    }
    const args: Word[] = [];
    if (inlineArg) {
      if (max === 0) diagnostics.push(diag(inlineArg.range, 'unexpected-argument', `${flag.text} takes no argument`));
      else args.push(word(inlineArg));
    }
    // Old form: `--dport ! 22`, `-s ! 10.0.0.0/8`.
    if (max > 0 && args.length === 0 && isBang(toks[i]) && isArg(toks[i + 1])) {
      if (negated) diagnostics.push(diag(toks[i]!.range, 'misplaced-negation', `${flag.text} is negated twice`));
      negated = true;
      negation = toks[i]!.range;
      i++;
    }
    while (args.length < max && isArg(toks[i])) args.push(word(toks[i++]!));
    if (args.length < min) {
      diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs ${min === 1 ? 'an argument' : `${min} arguments`}`));
    }
    if (negated && !negatable && max !== Infinity) {
      diagnostics.push(diag(negation!, 'misplaced-negation', `${flag.text} cannot be negated`, 'warning'));
    }
    const end = args.length ? args[args.length - 1]!.range : flag.range;
    const start = negation && negation.start.character < flag.range.start.character && negation.start.line === flag.range.start.line ? negation : flag.range;
    const range = span(start, end);
    return negation ? { flag: word(flag), name, negated, negation, args: compact(args), range } : { flag: word(flag), name, negated, args: compact(args), range };
  };

  const startModule = (kindOf: 'match' | 'target', flag: Word, targetKind?: 'jump' | 'goto'): ModuleBuild | undefined => {
    const nameTok = toks[i];
    if (!isArg(nameTok)) {
      diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs a ${kindOf === 'match' ? 'match module' : 'target'} name`));
      return undefined;
    }
    i++;
    const name = word(nameTok!);
    const spec = kindOf === 'match' ? findMatch(dialect, name.text) : findTarget(dialect, name.text);
    const m: ModuleBuild = { kind: kindOf, explicit: true, start: flag.range, name, spec, options: [], end: name.range };
    if (targetKind) (m as Mutable<ModuleBuild>).targetKind = targetKind;
    return m;
  };

  /** The module an option belongs to (see README.md for the order), or undefined: a core-position option. */
  const ownerOf = (name: string, flag: Word): ModuleBuild | undefined => {
    if (current?.spec && findModuleOption(current.spec, name)) return current;
    if (target && target !== current && target.spec && findModuleOption(target.spec, name)) return target;
    // Only the latest modules: real rules have a handful, and a bound keeps absurd lines linear.
    for (let k = modules.length - 1; k >= 0 && k >= modules.length - MAX_OWNER_SEARCH; k--) {
      const m = modules[k]!;
      if (m !== current && m.spec && findModuleOption(m.spec, name)) return m;
    }
    if (protocolModule) {
      const spec = findMatch(dialect, protocolModule);
      if (spec && findModuleOption(spec, name)) return implicitMatch(spec, protocolRange ?? flag.range);
    }
    const eb = implicitModuleForOption(dialect, name);
    if (eb) return implicitMatch(eb, flag.range);
    return current;
  };

  /** The match a protocol (`-p tcp`) or an ebtables option loads; `at` is what loaded it. */
  const implicitMatch = (spec: ModuleSpec, at: Range): ModuleBuild => {
    implicit ??= new Map();
    let m = implicit.get(spec.name);
    if (!m) {
      m = { kind: 'match', explicit: false, start: at, name: { text: spec.name, quoted: false, range: at }, spec, options: [], end: at };
      implicit.set(spec.name, m);
      modules.push(m);
    }
    return m;
  };
  let protocolRange: Range | undefined;

  while (i < toks.length) {
    const t = toks[i]!;
    if (isBang(t)) {
      if (pendingBang) diagnostics.push(diag(t.range, 'misplaced-negation', "'!' given twice"));
      pendingBang = t.range;
      i++;
      continue;
    }
    if (!isFlag(t)) {
      const w = t as unknown as Word;
      diagnostics.push(diag(w.range, 'unexpected-argument', `'${w.text}' is not the argument of any option`));
      misplacedBang(`'${w.text}'`);
      i++;
      continue;
    }
    i++;
    let flagText = t.text;
    let inline: Tok | undefined;
    const eq = flagText.startsWith('--') ? flagText.indexOf('=') : -1;
    if (eq > 2) {
      // getopt_long accepts `--opt=value`.
      inline = { text: flagText.slice(eq + 1), quoted: t.quoted, range: { start: { line: t.range.start.line, character: t.range.start.character + eq + 1 }, end: t.range.end } };
      flagText = flagText.slice(0, eq);
    }
    const flag: Word = inline ? { text: flagText, quoted: false, range: { start: t.range.start, end: { line: t.range.start.line, character: t.range.start.character + eq } } } : t;
    const core = coreOption(dialect, flagText);
    if (core) {
      switch (core.role) {
        case 'match': {
          misplacedBang('a match module');
          const m = startModule('match', flag);
          if (m) {
            modules.push(m);
            current = m;
          }
          continue;
        }
        case 'jump':
        case 'goto': {
          misplacedBang('a target');
          if (target) diagnostics.push(diag(flag.range, 'multiple-targets', 'a rule can have only one -j or -g'));
          const m = startModule('target', flag, core.role);
          if (m) {
            if (!target) target = m;
            current = m;
          }
          continue;
        }
        case 'counters': {
          misplacedBang('counters');
          const a = toks[i];
          const b = toks[i + 1];
          if (isArg(a) && isArg(b)) {
            i += 2;
            if (!DECIMAL.test(a!.text) || !DECIMAL.test(b!.text)) diagnostics.push(diag(span(a!.range, b!.range), 'invalid-counters', 'counters must be two decimal numbers'));
            if (counters && counters !== leading) diagnostics.push(diag(flag.range, 'duplicate-option', 'counters given twice'));
            counters = { packets: a!.text, bytes: b!.text, range: span(flag.range, b!.range) };
          } else diagnostics.push(diag(flag.range, 'missing-argument', `${flag.text} needs packet and byte counts`));
          continue;
        }
        case 'table':
          continue;
        default: {
          const opt = readOption(flag, core.name, core.args, core.args, true, inline);
          options.push(opt);
          if (core.name === 'protocol' && opt.args[0] && !opt.negated && (dialect === 'iptables' || dialect === 'ip6tables')) {
            protocolModule = implicitProtocolModule(dialect, opt.args[0].text);
            protocolRange = opt.args[0].range;
          }
          continue;
        }
      }
    }
    if (commandSpec(flagText)) {
      diagnostics.push(diag(flag.range, 'multiple-commands', `only one command per line (found ${flagText} after ${cmdFlag.text})`));
      misplacedBang('a command');
      continue;
    }
    const name = optionName(flagText);
    const owner = ownerOf(name, flag);
    const ospec = owner?.spec ? findModuleOption(owner.spec, name) : undefined;
    const [min, max] = ospec ? ospec.args : [0, Infinity];
    const opt = readOption(flag, name, min, max, ospec ? ospec.negatable : true, inline);
    if (owner) {
      owner.options.push(opt);
      owner.end = opt.range;
    } else options.push(opt);
  }
  misplacedBang('the end of the rule');

  const finish = (m: ModuleBuild): MatchNode => {
    const first = m.options[0];
    const start = m.explicit ? m.start : first ? first.range : m.start;
    const end = m.options.length ? m.options[m.options.length - 1]!.range : m.explicit ? m.name.range : m.end;
    return { name: m.name, explicit: m.explicit, options: compact(m.options), range: span(start, end) };
  };
  const matches = compact(modules.map(finish));
  let targetNode: TargetNode | undefined;
  if (target) {
    const end = target.options.length ? target.options[target.options.length - 1]!.range : target.name.range;
    targetNode = { kind: target.targetKind ?? 'jump', name: target.name, options: compact(target.options), range: span(target.start, end) };
  }
  const first = toks[0];
  const last = toks[toks.length - 1];
  const range = first && last ? span(first.range, last.range) : { start: cmdFlag.range.end, end: cmdFlag.range.end };
  const rule: Mutable<Rule> = targetNode ? { options: compact(options), matches, target: targetNode, range } : { options: compact(options), matches, range };
  if (counters) rule.counters = counters;
  return rule;
}
