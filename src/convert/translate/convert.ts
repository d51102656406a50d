/**
 * Whole-file conversion: iptables-family dumps (+ ipset dumps) → one nft ruleset, with a
 * recorded outcome per input rule and the output range each rule landed in. Printing
 * happens once, at the end, with the printer's spans giving the output ranges.
 */
import type { Diagnostic, Range } from '../ast/common';
import type { Command, Dialect, IptablesFile, TableBlock } from '../ast/iptables';
import { IPTABLES_CODES } from '../iptables/codes';
import { isBuiltinChain } from '../iptables/dialects';
import type { OpenTable } from '../iptables/parser';
import type { Chain, Family, NftFile, ObjectDecl, Rule as NftRule, SetDecl, Stmt, Table, TableItem } from '../ast/nft';
import { isNftIdentifier, NFT_RESERVED_WORDS, nftIdentifierFor } from '../nft/identifiers';
import { printNftFile, printRuleBody } from '../nft/printer';
import { dialectFamily, RuleContext, type ConvertOptions, type Outcome, type TableServices } from './context';
import { kw, lit, raw, verdict } from './nft-build';
import { translateRuleIn } from './rule';
import { InputFacts } from './prescan';
import { catalogOf, EMPTY_CATALOG, type IpsetCatalog, type IpsetInfo } from './sets';
import { mergeInet } from './merge';

export interface ConvertInput {
  readonly file: IptablesFile;
  /** Shown in diagnostics and RuleOutcome.file (a path, or a label such as `<stdin>`). */
  readonly name?: string;
}

export interface ConvertFileOptions extends ConvertOptions {
  /** `ruleset` (nested, default) or `script` (`add ...` commands, as iptables-restore-translate). */
  style?: 'ruleset' | 'script';
  /** Ruleset style: start with `flush ruleset`. */
  flushRuleset?: boolean;
  /** `inet`: iptables + ip6tables tables of the same name become one inet table. */
  merge?: 'inet';
  /** Sets from `ipset save` dumps. */
  ipsets?: readonly IpsetInfo[];
  /** Lines before everything (e.g. `# Translated by ...`). */
  header?: string[];
  /** Lines after everything. */
  footer?: string[];
  /** Priority as numbers (iptables-restore-translate) instead of names (nft list ruleset). */
  numericPriority?: boolean;
}

/** A diagnostic together with the input it belongs to. */
export interface FileDiagnostic extends Diagnostic {
  readonly file?: string;
}

export interface RuleOutcome {
  readonly file?: string;
  /** The command's range in its input. */
  readonly source: Range;
  readonly outcome: Outcome;
  /** Where the rule (or its comment, when unsupported) landed in the output; covers all its nft rules. */
  readonly output?: Range;
  readonly table: string;
  readonly chain: string;
}

export interface SourceMapEntry {
  readonly file?: string;
  readonly source: Range;
  readonly output: Range;
}

export interface ConversionResult {
  readonly output: string;
  readonly diagnostics: FileDiagnostic[];
  readonly rules: RuleOutcome[];
  readonly sourceMap: SourceMapEntry[];
  /** The nft AST that was printed. */
  readonly nft: NftFile;
}

// ---------------------------------------------------------------- hooks and priorities

const HOOKS: Record<string, string> = { PREROUTING: 'prerouting', INPUT: 'input', FORWARD: 'forward', OUTPUT: 'output', POSTROUTING: 'postrouting', BROUTING: 'prerouting' };

function ipPriority(table: string, chain: string): number {
  if (table === 'nat') return chain === 'PREROUTING' || chain === 'OUTPUT' ? -100 : 100;
  if (table === 'mangle') return -150;
  if (table === 'raw') return -300;
  if (table === 'security') return 50;
  return 0;
}

const IP_PRIO_NAMES: Record<number, string> = { [-300]: 'raw', [-150]: 'mangle', [-100]: 'dstnat', 0: 'filter', 50: 'security', 100: 'srcnat' };
const BRIDGE_PRIO_NAMES: Record<number, string> = { [-300]: 'dstnat', [-200]: 'filter', 100: 'out', 300: 'srcnat' };

/** nft accepts dstnat only on prerouting, srcnat only on postrouting, out only on output. */
function prioName(name: string | undefined, hook: string): string | undefined {
  if (name === 'dstnat' && hook !== 'prerouting') return undefined;
  if (name === 'srcnat' && hook !== 'postrouting') return undefined;
  if (name === 'out' && hook !== 'output') return undefined;
  return name;
}

function bridgePriority(table: string, chain: string): number {
  if (table === 'nat') return chain === 'PREROUTING' ? -300 : chain === 'POSTROUTING' ? 300 : 100;
  // physdev rules of the raw table (conntrack zones) must run before bridge conntrack
  if (table === 'raw') return -300;
  return -200;
}

function baseChain(family: Family, table: string, chain: string, numeric: boolean): Chain['base'] | undefined {
  const hook = HOOKS[chain];
  if (!hook) return undefined;
  if (family === 'arp') {
    if (chain !== 'INPUT' && chain !== 'OUTPUT') return undefined;
    return { type: 'filter', hook, priority: lit(0) };
  }
  if (family === 'bridge') {
    const p = bridgePriority(table, chain);
    return { type: 'filter', hook, priority: lit(numeric ? p : prioName(BRIDGE_PRIO_NAMES[p], hook) ?? p) };
  }
  const type = table === 'nat' ? 'nat' : table === 'mangle' && chain === 'OUTPUT' ? 'route' : 'filter';
  const p = ipPriority(table, chain);
  return { type, hook, priority: lit(numeric ? p : prioName(IP_PRIO_NAMES[p], hook) ?? p) };
}

/**
 * The bridge table that receives the physdev rules of an ip (`filter`) or ip6 (`filter-ip6`)
 * table; `filter-ip` when an ebtables dump of the same conversion has a `filter` table.
 */
export function bridgeTableName(table: string, dialect: Dialect, ebtablesTables: ReadonlySet<string> = new Set()): string {
  if (dialect === 'ip6tables') return `${table}-ip6`;
  return ebtablesTables.has(table) ? `${table}-ip` : table;
}

// ---------------------------------------------------------------- one output table

export class TableBuilder implements TableServices {
  readonly table: Table;
  private readonly chainMap = new Map<string, Chain>();
  private readonly declared = new Map<string, SetDecl | ObjectDecl>();
  private readonly used = new Set<string>();
  readonly chains = new Set<string>();
  readonly chainsKnown = true;

  constructor(
    readonly family: Family,
    readonly tableName: string,
    readonly ipsets: IpsetCatalog,
    readonly facts: InputFacts = new InputFacts(),
  ) {
    this.table = { kind: 'table', family, name: tableName, items: [] };
  }

  chain(name: string): Chain {
    let c = this.chainMap.get(name);
    if (!c) {
      c = { kind: 'chain', name: this.chainName(name), rules: [] };
      this.chainMap.set(name, c);
      this.chainOrder.push(c);
      this.chains.add(name);
    }
    return c;
  }

  hasChain(name: string): boolean {
    return this.chainMap.has(name);
  }

  /** nft names by iptables chain name, and the nft names given (see chainName). */
  private readonly nftNames = new Map<string, string>();
  private readonly nftNamesTaken = new Set<string>();

  /**
   * The nft name of iptables chain `name`: itself when nft reads it as an identifier, else a
   * name nft reads (nftIdentifierFor), unique in the table. The same for the chain and every
   * jump to it.
   */
  chainName(name: string): string {
    let n = this.nftNames.get(name);
    if (n === undefined) {
      n = nftIdentifierFor(name);
      while (this.nftNamesTaken.has(n)) n += '_';
      this.nftNames.set(name, n);
      this.nftNamesTaken.add(n);
    }
    return n;
  }

  declare(item: SetDecl | ObjectDecl): string {
    const key = `${item.kind === 'object' ? item.objType : 'set'} ${item.name}`;
    if (!this.declared.has(key)) {
      this.declared.set(key, item);
      this.declList.push(item);
    }
    this.used.add(item.name);
    return item.name;
  }

  freshName(prefix: string): string {
    for (let i = 0; ; i++) {
      const n = `${prefix}${i}`;
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }

  private readonly declList: (SetDecl | ObjectDecl)[] = [];
  private readonly chainOrder: Chain[] = [];

  /** Declared sets and objects, in declaration order (a live list: it only grows). */
  declarations(): readonly (SetDecl | ObjectDecl)[] {
    return this.declList;
  }

  /** Chains in order of first mention (a live list: it only grows). */
  chainList(): readonly Chain[] {
    return this.chainOrder;
  }

  /** Sets and objects first (nft needs them before the rules that use them), then chains in order. */
  finish(): Table {
    const items: TableItem[] = [...this.declared.values(), ...this.chainMap.values()];
    this.table.items = items;
    return this.table;
  }
}

// ---------------------------------------------------------------- conversion

interface PendingOutcome {
  file?: string;
  source: Range;
  outcome: Outcome;
  table: string;
  chain: string;
  nodes: (NftRule | Chain)[];
  /** The rule's own diagnostics (as reported). */
  diagnostics?: FileDiagnostic[];
}

/** A table block being converted. */
interface TableRun {
  readonly tb: TableBuilder;
  readonly tableName: string;
  /** Where the block's outcomes start. */
  readonly firstOutcome: number;
}

/** Feeds a file's commands to the converter while it is parsed (Converter.feed). */
export interface FileFeed {
  command(cmd: Command, table: OpenTable): void;
  tableEnd(block: TableBlock, table: OpenTable): void;
  /** After the parse: its diagnostics and the commands outside any table. */
  done(file: IptablesFile): void;
}

/** An ip/ip6 raw table: helpersAfterConntrack reads its rules and outcomes when its block ends. */
function isRawIp(tb: TableBuilder): boolean {
  return tb.tableName === 'raw' && (tb.family === 'ip' || tb.family === 'ip6');
}

/** Outcomes of a streaming conversion do not keep their nodes (onPlaced has printed them). */
const NO_NODES: NftRule[] = [];

interface FileState {
  readonly dialect: Dialect;
  readonly family: Family;
  readonly name?: string;
}

/**
 * Whether a diagnostic says the input is not what iptables-restore accepts: an error of the
 * dump checks' own (a syntax error, a rule in an undeclared chain), not a translation finding.
 * The CLI exits 2 on one, whatever else converted.
 */
export function isInputError(d: { readonly severity: string; readonly code: string }): boolean {
  return d.severity === 'error' && Object.prototype.hasOwnProperty.call(IPTABLES_CODES, d.code);
}

/** nft chain names: anything the iptables name was, quoted by the printer when needed. */
export class Converter {
  readonly diagnostics: FileDiagnostic[] = [];
  readonly outcomes: PendingOutcome[] = [];
  readonly tables = new Map<string, TableBuilder>();
  private currentTable?: TableBuilder;
  /** Table names of the ebtables inputs (physdev rewrites avoid them). */
  ebtablesTables: ReadonlySet<string> = new Set();
  private readonly ipsets: IpsetCatalog;

  constructor(readonly opts: ConvertFileOptions) {
    this.ipsets = opts.ipsets?.length ? catalogOf(opts.ipsets) : EMPTY_CATALOG;
  }

  tableFor(family: Family, name: string): TableBuilder {
    const key = `${family} ${name}`;
    let t = this.tables.get(key);
    if (!t) {
      t = new TableBuilder(family, name, this.ipsets, this.facts);
      this.tables.set(key, t);
    }
    return t;
  }

  private report(file: string | undefined, d: Diagnostic): void {
    this.diagnostics.push(file === undefined ? d : { ...d, file });
  }

  /** What the whole input says (prescan.ts): noted before any rule is converted, by whoever has the whole input. */
  readonly facts = new InputFacts();

  /** Notes the facts of a parsed file (addFile does too, but a file added later would come too late for the rules of earlier ones). */
  noteFile(f: IptablesFile): void {
    const family = dialectFamily(f.dialect);
    for (const t of f.tables) this.facts.noteCommands(family, t.name.text, t.commands);
  }

  addFile(input: ConvertInput): void {
    const f = input.file;
    this.noteFile(f);
    const st: FileState = { dialect: f.dialect, family: dialectFamily(f.dialect), name: input.name };
    for (const d of f.diagnostics) this.report(input.name, d);
    for (const t of f.tables) this.addTable(t, st);
    this.addStray(f, input.name);
  }

  private addStray(f: IptablesFile, name: string | undefined): void {
    for (const c of f.stray) {
      this.report(name, { range: c.range, severity: 'error', code: 'rule-not-parsed', message: 'command outside any *table block: not converted' });
      this.outcomes.push({ file: name, source: c.range, outcome: 'unsupported', table: '', chain: c.chain?.text ?? '', nodes: [] });
    }
  }

  private addTable(block: TableBlock, st: FileState): void {
    const run = this.openTable(block, st);
    if (!run) return;
    for (const cmd of block.commands) this.addCommand(cmd, run.tb, run.tableName, st);
    this.closeTable(run, st);
  }

  /** A table block's chains (and what must be known before its rules); undefined when its rules are not converted. */
  private openTable(block: Pick<TableBlock, 'name' | 'chains' | 'commands'>, st: FileState): TableRun | undefined {
    const tableName = block.name.text;
    if (st.dialect === 'ebtables' && tableName === 'broute') {
      this.report(st.name, { range: block.name.range, severity: 'error', code: 'table-not-translatable', message: 'the ebtables broute table has no nft table equivalent: use `meta broute set 1` in a bridge prerouting chain (priority -400)' });
      for (const c of block.commands) if (c.rule) this.outcomes.push({ file: st.name, source: c.range, outcome: 'unsupported', table: tableName, chain: c.chain?.text ?? '', nodes: [] });
      return undefined;
    }
    const tb = this.tableFor(st.family, tableName);
    this.currentTable = tb;
    const numeric = !!this.opts.numericPriority;
    for (const decl of block.chains) {
      const name = decl.name.text;
      const c = this.namedChain(tb, name, decl.name.range, st);
      const base = baseChain(st.family, tableName, name, numeric);
      const policy = decl.policy.text.toUpperCase();
      if (base) {
        c.base = base;
        if (policy === 'ACCEPT' || policy === 'DROP') c.policy = policy.toLowerCase();
      } else if (policy === 'DROP' || policy === 'RETURN' || policy === 'ACCEPT') {
        // ebtables user chains have a policy: it becomes the chain's last rule
        (c as Chain & { endPolicy?: string }).endPolicy = policy;
        this.endPolicies = true;
      }
      c.origin = decl.range;
    }
    // Rules may jump to chains created later by -N; collect them first.
    for (const cmd of block.commands) if (cmd.kind === 'new-chain' && cmd.chain) tb.chain(cmd.chain.text);
    this.planBridge(block, st);
    return { tb, tableName, firstOutcome: this.outcomes.length };
  }

  /** What follows a table block's rules. */
  private closeTable(run: TableRun, st: FileState): void {
    if (run.tableName === 'raw' && (st.family === 'ip' || st.family === 'ip6')) this.helpersAfterConntrack(run.tb, this.outcomes.slice(run.firstOutcome), st);
    this.finishPolicies(run.tb, st);
  }

  /**
   * addFile for a file parsed with onCommand/onTableEnd (parseIptablesSave): each command is
   * converted as soon as it is parsed, so its tree can go before the next line is read. Same
   * result and diagnostics (in the same order) as addFile, provided the file's tables declare
   * their chains before their first command and it has no -N command (addFile reads both
   * before any rule); iptables and ip6tables only, and not with --physdev bridge (which looks
   * at a whole table first).
   */
  feed(dialect: Dialect, name?: string): FileFeed {
    if ((dialect !== 'iptables' && dialect !== 'ip6tables') || this.opts.physdev === 'bridge') throw new Error(`Converter.feed: not for ${dialect}${this.opts.physdev === 'bridge' ? ' with --physdev bridge' : ''}`);
    const st: FileState = { dialect, family: dialectFamily(dialect), name };
    const parseDiagnosticsAt = this.diagnostics.length;
    let current: { table: OpenTable; run: TableRun } | undefined;
    return {
      command: (cmd, table) => {
        if (current?.table !== table) {
          const run = this.openTable({ name: table.name, chains: table.chains, commands: [] }, st)!;
          current = { table, run };
        }
        this.addCommand(cmd, current.run.tb, current.run.tableName, st);
      },
      tableEnd: (block, table) => {
        if (current?.table === table) {
          this.closeTable(current.run, st);
          current = undefined;
        } else this.addTable(block, st);
      },
      done: (file) => {
        // addFile reports the syntax diagnostics before the tables' own.
        this.diagnostics.splice(parseDiagnosticsAt, 0, ...file.diagnostics.map((d) => (name === undefined ? d : { ...d, file: name })));
        this.addStray(file, name);
      },
    };
  }

  /**
   * CT --helper in raw: nft assigns helpers only after conntrack (priority above -200), but
   * raw runs at -300. When nothing else in the table needs to run before conntrack (no
   * notrack, no zone, no ct match), the whole table can run just after conntrack instead:
   * its other rules then see the same packets and verdicts, and the helper takes effect.
   */
  private helpersAfterConntrack(tb: TableBuilder, outcomes: PendingOutcome[], st: FileState): void {
    const isHelper = (d: Diagnostic) => d.data?.['helperInRaw'] === true;
    if (!outcomes.some((o) => o.diagnostics?.some(isHelper))) return;
    for (const c of tb.chainList()) {
      for (const r of c.rules) {
        if (r.kind !== 'rule' || r.disabled !== undefined) continue;
        for (const s of r.stmts) {
          const text = s.kind === 'keyword' ? s.keyword : s.kind === 'relational' && s.left.kind === 'selector' ? s.left.path.join(' ') : s.kind === 'assign' && s.left.kind === 'selector' ? s.left.path.join(' ') : '';
          if (/^notrack\b/.test(text) || (/^ct\b/.test(text) && !/^ct helper set\b/.test(text))) return;
        }
      }
    }
    for (const c of tb.chainList()) if (c.base) c.base = { ...c.base, priority: lit(-199) };
    const drop = new Set<Diagnostic>();
    for (const o of outcomes) {
      const ds = o.diagnostics ?? [];
      const helper = ds.filter(isHelper);
      if (!helper.length) continue;
      for (const d of helper) drop.add(d);
      if (o.outcome === 'approximated' && !ds.some((d) => !isHelper(d) && (d.severity === 'warning' || d.severity === 'error'))) o.outcome = 'translated';
    }
    const kept = this.diagnostics.filter((d) => !drop.has(d));
    this.diagnostics.length = 0;
    this.diagnostics.push(...kept);
    const first = [...drop][0]!;
    this.report(st.name, {
      range: first.range,
      severity: 'information',
      code: 'raw-after-conntrack',
      message: `table ${st.family} raw runs at priority -199 (just after conntrack) instead of -300: CT --helper needs the connection to exist, and nothing else in this table has to run before conntrack`,
    });
  }

  /** Whether some chain got an ebtables policy that finishPolicies has not turned into a rule yet. */
  private endPolicies = false;

  private finishPolicies(tb: TableBuilder, st: FileState): void {
    // Skips the walk over every chain for each chunk of a large dump (iptables chains have no end policy).
    if (!this.endPolicies) return;
    this.endPolicies = false;
    for (const name of tb.chains) {
      const c = tb.chain(name) as Chain & { endPolicy?: string };
      if (!c.endPolicy) continue;
      const p = c.endPolicy;
      delete c.endPolicy;
      if (p === 'RETURN') continue;
      const stmts: Stmt[] = [];
      if (this.opts.counters !== false) stmts.push(kw('counter'));
      stmts.push(verdict(p === 'DROP' ? 'drop' : 'accept'));
      c.rules.push({ kind: 'rule', stmts, comment: `policy ${p} of ebtables chain ${name}` });
      if (c.origin) this.report(st.name, { range: c.origin, severity: 'information', code: 'policy-on-user-chain', message: `nft user chains have no policy: policy ${p} became the chain's last rule` });
    }
  }

  /** The chain `name` of the table, created if new; a name nft cannot read is replaced, and said so where it is first written. */
  private namedChain(tb: TableBuilder, name: string, range: Range, st: FileState): Chain {
    const known = tb.hasChain(name);
    const c = tb.chain(name);
    if (!known && c.name !== name) {
      const why = NFT_RESERVED_WORDS.has(name)
        ? `${name} is an nft keyword, which nft does not read as a chain name`
        : isNftIdentifier(name)
          ? `${name} is the nft name of another chain of the table`
          : 'nft chain names are a letter, _ or . followed by letters, digits, /, -, _ and .';
      this.report(st.name, { range, severity: 'information', code: 'chain-renamed', message: `chain ${name} is named ${c.name} in nft: ${why}`, data: { chain: name, nftName: c.name } });
    }
    return c;
  }

  /**
   * The chain a command works on. iptables has its built-in chains without a `:CHAIN` line
   * (iptables-restore takes `-A INPUT` in a table that does not list INPUT): such a chain is
   * its base chain, with nft's default policy accept, the kernel's for a built-in chain. Any
   * other chain must be declared: iptables-restore rejects the table; the output declares the
   * chain all the same, and says so.
   */
  private chainOf(cmd: Command, tb: TableBuilder, tableName: string, st: FileState): Chain {
    const name = cmd.chain?.text ?? '';
    if (!cmd.chain || tb.hasChain(name)) return tb.chain(name);
    const c = this.namedChain(tb, name, cmd.chain.range, st);
    if (isBuiltinChain(st.dialect, tableName, name)) {
      const base = baseChain(st.family, tableName, name, !!this.opts.numericPriority);
      if (base) c.base = base;
    } else {
      this.report(st.name, {
        range: cmd.chain.range,
        severity: 'error',
        code: 'undefined-chain',
        message: `chain ${name} is not declared in table ${tableName} (no :${name} line, no -N ${name}): iptables-restore rejects the table; the output declares the chain`,
        data: { chain: name },
      });
    }
    return c;
  }

  private addCommand(cmd: Command, tb: TableBuilder, tableName: string, st: FileState): void {
    const chainName = cmd.chain?.text ?? '';
    switch (cmd.kind) {
      case 'new-chain':
        if (cmd.chain) this.namedChain(tb, chainName, cmd.chain.range, st);
        return;
      case 'policy': {
        const c = this.chainOf(cmd, tb, tableName, st);
        const p = cmd.policy?.text.toUpperCase();
        if (c.base && (p === 'ACCEPT' || p === 'DROP')) c.policy = p.toLowerCase();
        return;
      }
      case 'flush': {
        if (cmd.chain) this.chainOf(cmd, tb, tableName, st).rules.length = 0;
        return;
      }
      case 'append':
      case 'insert':
        break;
      default:
        this.report(st.name, { range: cmd.flag.range, severity: 'information', code: 'rule-not-parsed', message: `${cmd.flag.text} is not applied by the converter (only -A, -I, -N, -P and -F change the converted ruleset)` });
        return;
    }
    if (!cmd.rule) return;
    const c = this.chainOf(cmd, tb, tableName, st);
    const moved = this.moved.get(cmd);
    if (moved) {
      for (const d of moved.diagnostics) this.report(st.name, d);
      const nodes: NftRule[] = [{ kind: 'rule', stmts: [], disabled: `${cmd.text}  (moved to table bridge ${bridgeTableName(tableName, st.dialect, this.ebtablesTables)}: -m physdev)`, origin: cmd.range }];
      this.outcomes.push({ file: st.name, source: cmd.range, outcome: moved.outcome, table: tableName, chain: chainName, nodes: [...moved.nodes, ...nodes] });
      this.place(c, cmd, nodes);
      return;
    }
    const ctx = new RuleContext(st.dialect, st.family, tableName, chainName, cmd.rule, this.opts, tb);
    const tr = translateRuleIn(ctx);
    const first = this.diagnostics.length;
    for (const d of ctx.diagnostics) this.report(st.name, d);
    const nodes: NftRule[] = ctx.outcome === 'unsupported' ? [{ kind: 'rule', stmts: [], disabled: cmd.text, origin: cmd.range }] : tr.rules;
    if (this.onPlaced && !isRawIp(tb)) {
      // Streaming: nothing reads this rule's outcome later; only the count is kept.
      if (ctx.outcome !== 'translated') this.unlistedNotTranslated++;
    } else {
      const o: PendingOutcome = { file: st.name, source: cmd.range, outcome: ctx.outcome, table: tableName, chain: chainName, nodes: this.onPlaced ? NO_NODES : nodes };
      if (ctx.diagnostics.length) o.diagnostics = this.diagnostics.slice(first);
      this.outcomes.push(o);
    }
    this.place(c, cmd, nodes);
  }

  /**
   * Streaming output: called with every rule as it is placed, in source order. With it, rules
   * appended to a chain are not also kept there, and converted rules leave no outcome (only
   * unlistedNotTranslated counts them), so all of it can go once printed; except in ip/ip6 raw
   * tables, whose rules and outcomes helpersAfterConntrack reads at the block's end.
   */
  onPlaced?: (table: TableBuilder, chain: Chain, nodes: NftRule[]) => void;
  /** With onPlaced: rules approximated or unsupported whose outcome was not recorded. */
  unlistedNotTranslated = 0;

  private place(c: Chain, cmd: Command, nodes: NftRule[]): void {
    const tb = this.currentTable;
    if (this.onPlaced && tb) {
      this.onPlaced(tb, c, nodes);
      if (cmd.kind !== 'insert' && !isRawIp(tb)) return;
    }
    if (cmd.kind === 'insert') {
      const pos = cmd.index ? Math.max(0, (parseInt(cmd.index.text, 10) || 1) - 1) : 0;
      c.rules.splice(Math.min(pos, c.rules.length), 0, ...nodes);
    } else c.rules.push(...nodes);
  }

  // ------------------------------------------------------------ --physdev bridge

  /** Commands moved to the bridge table, with the bridge rules they became. */
  private readonly moved = new Map<Command, { outcome: Outcome; nodes: NftRule[]; diagnostics: Diagnostic[] }>();

  private static hasPhysdev(cmd: Command): boolean {
    return !!cmd.rule?.matches.some((m) => m.name.text === 'physdev');
  }

  /**
   * `--physdev bridge`: the rules that test bridge ports go to `table bridge TABLE`, together
   * with the path that reaches them (the built-in chains and the jumps leading to their chain)
   * and everything they jump to. The ip table keeps a comment where each moved rule was.
   */
  private planBridge(block: Pick<TableBlock, 'name' | 'chains' | 'commands'>, st: FileState): void {
    if (this.opts.physdev !== 'bridge' || st.dialect === 'ebtables' || st.dialect === 'arptables') return;
    const tableName = block.name.text;
    const byChain = new Map<string, Command[]>();
    for (const d of block.chains) byChain.set(d.name.text, []);
    for (const c of block.commands) {
      if (!c.chain || (c.kind !== 'append' && c.kind !== 'insert')) continue;
      if (!byChain.has(c.chain.text)) byChain.set(c.chain.text, []);
      byChain.get(c.chain.text)!.push(c);
    }
    const physdevChains = new Set<string>();
    for (const [chain, cmds] of byChain) if (cmds.some(Converter.hasPhysdev)) physdevChains.add(chain);
    if (physdevChains.size === 0) return;
    // Ancestors: chains from which a physdev rule can be reached.
    const ancestors = new Set(physdevChains);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [chain, cmds] of byChain) {
        if (ancestors.has(chain)) continue;
        if (cmds.some((c) => c.rule?.target && ancestors.has(c.rule.target.name.text))) {
          ancestors.add(chain);
          grew = true;
        }
      }
    }
    // iptables and ip6tables rules go to separate bridge tables: their chains share names.
    const btb = this.tableFor('bridge', bridgeTableName(tableName, st.dialect, this.ebtablesTables));
    const l3 = st.dialect === 'ip6tables' ? 'ip6' : 'ip';
    const numeric = !!this.opts.numericPriority;
    const copied = new Set<string>();
    const translate = (cmd: Command, chain: string) => {
      if (!cmd.rule) return undefined;
      const target = cmd.rule.target?.name.text;
      if (target && byChain.has(target)) btb.chain(target);
      const ctx = new RuleContext(st.dialect, 'bridge', tableName, chain, cmd.rule, { ...this.opts, physdev: 'bridge' }, btb);
      const tr = translateRuleIn(ctx);
      if (ctx.outcome === 'unsupported') return undefined;
      if (target && byChain.has(target) && !ancestors.has(target)) copyAll(target);
      return { outcome: ctx.outcome, nodes: tr.rules, diagnostics: ctx.diagnostics };
    };
    const copyAll = (chain: string) => {
      if (copied.has(chain)) return;
      copied.add(chain);
      const c = btb.chain(chain);
      for (const cmd of byChain.get(chain) ?? []) {
        const r = translate(cmd, chain);
        c.rules.push(...(r ? r.nodes : [{ kind: 'rule' as const, stmts: [], disabled: cmd.text, origin: cmd.range }]));
      }
    };
    for (const chain of byChain.keys()) {
      if (!ancestors.has(chain)) continue;
      const c = btb.chain(chain);
      const base = baseChain('bridge', tableName === 'nat' || tableName === 'raw' ? tableName : 'filter', chain, numeric);
      if (base) {
        c.base = base;
        c.policy = 'accept';
      }
      for (const cmd of byChain.get(chain)!) {
        const target = cmd.rule?.target?.name.text;
        const onPath = target !== undefined && ancestors.has(target);
        if (!Converter.hasPhysdev(cmd) && !onPath) continue;
        const r = translate(cmd, chain);
        if (!r) continue;
        // A bridge table sees every frame (ARP, the other IP family...); br_netfilter showed
        // the ip(6)tables chains only this family's packets, so the entry rules say so.
        if (base) for (const n of r.nodes) n.stmts.unshift(raw(`meta protocol ${l3}`, n.origin));
        c.rules.push(...r.nodes);
        if (Converter.hasPhysdev(cmd)) this.moved.set(cmd, r);
      }
    }
  }

  // ------------------------------------------------------------ output

  /** Forgets the per-rule outcomes recorded so far (large dumps that only need the text). */
  dropOutcomes(): void {
    this.outcomes.length = 0;
  }

  result(): ConversionResult {
    let tables = [...this.tables.values()].map((t) => t.finish());
    const alias = new Map<object, object>();
    if (this.opts.merge === 'inet') tables = mergeInet(tables, this.opts, alias);
    const nft: NftFile = { kind: 'nft-file', items: tables };
    const printed = printNftFile(nft, { style: this.opts.style ?? 'ruleset', flushRuleset: this.opts.flushRuleset, header: this.opts.header });
    let output = printed.text;
    if (this.opts.footer?.length) output += this.opts.footer.map((l) => (l.startsWith('#') ? l : `# ${l}`)).join('\n') + '\n';
    const where = new Map<object, Range>();
    for (const s of printed.spans) where.set(s.node, s.output);
    const rules: RuleOutcome[] = [];
    const sourceMap: SourceMapEntry[] = [];
    const hasAlias = alias.size > 0;
    for (const o of this.outcomes) {
      let out: Range | undefined;
      const many = o.nodes.length > 1;
      for (const n of o.nodes) {
        const r = where.get(hasAlias ? alias.get(n) ?? n : n);
        if (!r) continue;
        out = out ? { start: out.start.line <= r.start.line ? out.start : r.start, end: out.end.line >= r.end.line ? out.end : r.end } : r;
        if (many) sourceMap.push(o.file === undefined ? { source: o.source, output: r } : { file: o.file, source: o.source, output: r });
      }
      const entry: { -readonly [K in keyof RuleOutcome]: RuleOutcome[K] } = { source: o.source, outcome: o.outcome, table: o.table, chain: o.chain };
      if (o.file !== undefined) entry.file = o.file;
      if (out) entry.output = out;
      rules.push(entry);
      if (out && !many) sourceMap.push(o.file === undefined ? { source: o.source, output: out } : { file: o.file, source: o.source, output: out });
    }
    return { output, diagnostics: this.diagnostics, rules, sourceMap, nft };
  }
}

/** Converts dumps (and ipset dumps) into one nft ruleset. */
export function convertFiles(inputs: readonly ConvertInput[], opts: ConvertFileOptions = {}): ConversionResult {
  const conv = new Converter(opts);
  conv.ebtablesTables = new Set(inputs.filter((i) => i.file.dialect === 'ebtables').flatMap((i) => i.file.tables.map((t) => t.name.text)));
  // Every file's SET targets first: a set one file updates is dynamic where another matches it.
  for (const i of inputs) conv.noteFile(i.file);
  for (const i of inputs) conv.addFile(i);
  return conv.result();
}

export { printRuleBody };
