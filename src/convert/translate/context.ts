/**
 * What a translator sees and reports for one rule: the rule, its table and family, the
 * options of the conversion, and the services of the output table (sets, objects).
 */
import type { IptablesCode } from '../iptables/codes';
import type { InputFacts } from './prescan';
import type { Diagnostic, Range, Severity } from '../ast/common';
import type { Dialect, MatchNode, OptionNode, Rule as IptRule, TargetNode } from '../ast/iptables';
import type { Family, ObjectDecl, SetDecl, Stmt } from '../ast/nft';
import type { TranslateCode } from './codes';
import type { IpsetCatalog } from './sets';

export type Outcome = 'translated' | 'approximated' | 'unsupported';

export interface ConvertOptions {
  /** Keep `counter` on every rule (default true, as the reference does). */
  counters?: boolean;
  /** Carry `[pkts:bytes]` / `-c` into `counter packets N bytes M`. */
  keepCounters?: boolean;
  /** `-m physdev`: keep the rule as a comment (default) or rewrite it into a bridge-family table. */
  physdev?: 'comment' | 'bridge';
}

/** Services of the table the rule ends up in (shared by all rules of the table). */
export interface TableServices {
  readonly family: Family;
  readonly tableName: string;
  /** Declares a set/map/object once (same name = same declaration); returns the name. */
  declare(item: SetDecl | ObjectDecl): string;
  /** The nft name of an iptables chain (the same for the chain and every jump to it): see TableBuilder.chainName. */
  chainName(name: string): string;
  /** A fresh name with the given prefix, unique in the table (`connlimit0`, `connlimit1`...). */
  freshName(prefix: string): string;
  /** ipsets known from `ipset save` dumps. */
  readonly ipsets: IpsetCatalog;
  /** What the whole input says that one rule's translation depends on (see prescan.ts). */
  readonly facts: InputFacts;
  /** Chains of the table (targets that are not extensions jump to them). */
  readonly chains: ReadonlySet<string>;
  /** False for single commands: any unknown target name is then taken as a chain, as the reference does. */
  readonly chainsKnown: boolean;
}

export interface ProtocolInfo {
  /** Lower-case as written (`tcp`, `6`, `ipv6-icmp`). */
  readonly written: string;
  readonly number?: number;
  readonly negated: boolean;
  readonly range: Range;
}

export class RuleContext {
  readonly diagnostics: Diagnostic[] = [];
  outcome: Outcome = 'translated';
  comment?: { text: string; origin: Range };
  /** Set by -p (after core options are read). */
  protocol?: ProtocolInfo;
  /** The rule must go to a bridge-family table instead (physdev rewrite). */
  bridgeRewrite = false;

  /** The layer 3 of the rule's dialect: the family its address and protocol tests belong to. */
  readonly l3: 'ip' | 'ip6';

  constructor(
    readonly dialect: Dialect,
    readonly family: Family,
    readonly table: string,
    readonly chain: string,
    readonly rule: IptRule,
    readonly options: ConvertOptions,
    readonly services: TableServices,
  ) {
    this.l3 = dialect === 'ip6tables' ? 'ip6' : 'ip';
  }

  private alts: Map<Stmt, Stmt[][]> | undefined;

  /** Whether some test registered alternatives (then `expand` is needed). */
  get hasAlternatives(): boolean {
    return this.alts !== undefined;
  }

  /**
   * A test the kernel ORs that nft can only write as alternatives: the rule becomes one nft
   * rule per alternative. Returns a placeholder to put where the test belongs.
   */
  alternatives(origin: Range, alternatives: Stmt[][]): Stmt {
    const placeholder: Stmt = { kind: 'keyword', keyword: '', args: [], origin };
    (this.alts ??= new Map()).set(placeholder, alternatives);
    return placeholder;
  }

  /** Expands placeholders into every combination of alternatives. */
  expand(stmts: Stmt[]): Stmt[][] {
    let out: Stmt[][] = [[]];
    for (const s of stmts) {
      const alts = this.alts?.get(s);
      if (!alts) {
        for (const o of out) o.push(s);
        continue;
      }
      const next: Stmt[][] = [];
      for (const o of out) for (const a of alts) next.push([...o, ...a]);
      out = next;
    }
    return out;
  }

  hasMatch(name: string): boolean {
    for (const m of this.rule.matches) if (m.name.text === name) return true;
    return false;
  }

  private report(severity: Severity, range: Range, code: TranslateCode, message: string, data?: Record<string, unknown>): void {
    const d: Diagnostic = data ? { range, severity, code, message, data } : { range, severity, code, message };
    this.diagnostics.push(d);
  }

  /** Loads and behaves like the original except for what `message` states. */
  approximate(range: Range, code: TranslateCode, message: string, data?: Record<string, unknown>): void {
    if (this.outcome === 'translated') this.outcome = 'approximated';
    this.report('warning', range, code, message, data);
  }

  /** No nft equivalent: the rule is kept as a comment. */
  unsupported(range: Range, code: TranslateCode, message: string, data?: Record<string, unknown>): void {
    this.outcome = 'unsupported';
    this.report('error', range, code, message, data);
  }

  /**
   * A rule iptables itself refuses, for the reason the dump checks give (`code` is theirs): kept
   * as a comment, with an error that makes the CLI exit 2 (isInputError).
   */
  invalidInput(range: Range, code: IptablesCode, message: string): void {
    this.outcome = 'unsupported';
    this.diagnostics.push({ range, severity: 'error', code, message });
  }

  /** Faithful, but worth knowing (does not change the outcome). */
  note(range: Range, code: TranslateCode, message: string, data?: Record<string, unknown>): void {
    this.report('information', range, code, message, data);
  }
}

/** The family whose translators apply to a dialect (ebtables → bridge, arptables → arp). */
export function dialectFamily(d: Dialect): Family {
  return d === 'ebtables' ? 'bridge' : d === 'arptables' ? 'arp' : d === 'ip6tables' ? 'ip6' : 'ip';
}

export interface MatchTranslator {
  /** Module name(s) as written after -m. */
  readonly names: readonly string[];
  /** Families the translator handles (default: all). */
  readonly families?: readonly Family[];
  translate(match: MatchNode, ctx: RuleContext): Stmt[];
}

export interface TargetTranslator {
  readonly names: readonly string[];
  readonly families?: readonly Family[];
  /** Statements after `counter`, including the verdict when the target implies one. */
  translate(target: TargetNode, ctx: RuleContext): Stmt[];
}

/** Reads a module's options by name; whatever nobody took is reported as unsupported. */
export class ModuleOptions {
  private readonly options: readonly OptionNode[];
  /** Options taken so far: bit i for options[i] (modules have far fewer than 31 options; the rest go to `takenBeyond`). */
  private taken = 0;
  private takenBeyond: Set<number> | undefined;

  constructor(
    readonly module: string,
    options: readonly OptionNode[],
    private readonly ctx: RuleContext,
    private readonly kind: 'match' | 'target' = 'match',
  ) {
    // Read in place, not copied: a module's options are built once per rule and never change.
    this.options = options;
  }

  private isTaken(i: number): boolean {
    return i < 31 ? (this.taken & (1 << i)) !== 0 : !!this.takenBeyond?.has(i);
  }

  private markTaken(i: number): void {
    if (i < 31) this.taken |= 1 << i;
    else (this.takenBeyond ??= new Set()).add(i);
  }

  /** The last occurrence of any of `names` (iptables lets the last one win); removes all of them. */
  take(...names: string[]): OptionNode | undefined {
    let found: OptionNode | undefined;
    const options = this.options;
    for (let i = 0; i < options.length; i++) {
      const o = options[i]!;
      if (!this.isTaken(i) && (names.length === 1 ? o.name === names[0] : names.includes(o.name))) {
        found = o;
        this.markTaken(i);
      }
    }
    return found;
  }

  /** Every occurrence, in order. */
  takeAll(...names: string[]): OptionNode[] {
    const out: OptionNode[] = [];
    const options = this.options;
    for (let i = 0; i < options.length; i++) {
      const o = options[i]!;
      if (!this.isTaken(i) && names.includes(o.name)) {
        out.push(o);
        this.markTaken(i);
      }
    }
    return out;
  }

  has(...names: string[]): boolean {
    const options = this.options;
    for (let i = 0; i < options.length; i++) if (!this.isTaken(i) && names.includes(options[i]!.name)) return true;
    return false;
  }

  /** Reports options nobody understood. */
  done(): void {
    const options = this.options;
    for (let i = 0; i < options.length; i++) {
      if (this.isTaken(i)) continue;
      const o = options[i]!;
      this.ctx.unsupported(
        o.range,
        'unsupported-option',
        `${o.flag.text} of ${this.kind} ${this.module} has no nft translation`,
        { module: this.module, option: o.name },
      );
      this.markTaken(i);
    }
  }
}

/** First argument's text, or '' (the parser reports missing arguments). */
export function arg(o: OptionNode, i = 0): string {
  return o.args[i]?.text ?? '';
}

/** Source range of an option including its `!`. */
export function optRange(o: OptionNode): Range {
  if (o.negation && (o.negation.start.line < o.range.start.line || (o.negation.start.line === o.range.start.line && o.negation.start.character < o.range.start.character))) {
    return { start: o.negation.start, end: o.range.end };
  }
  return o.range;
}
