/**
 * Checks on a parsed nft file that need no kernel: references (jump/goto targets, @sets,
 * $variables), base chain specifications, declarations nft would reject as duplicates, and
 * set/map elements that do not fit the declared type. Diagnostics are plain data with the
 * stable codes of codes.ts.
 *
 * Tables are identified by family and name and merged the way nft merges them: nested
 * blocks and `add` commands for the same table add to one model. Command-style lines on a
 * table this file never declares refer to the running ruleset, so their references are not
 * checked (the kernel may well have those chains and sets).
 */
import type { Diagnostic, Range } from '../ast/common';
import type { Arg, Chain, CommandStmt, Define, Expr, Family, Flowtable, NftFile, ObjectDecl, Rule, SetDecl, Stmt, TableItem } from '../ast/nft';
import type { IncludedFile } from './index';
import type { NftCode } from './codes';
import { EXPR_HEADS, FAMILIES, META_UNQUALIFIED, PAYLOAD_PROTOCOLS, STMT_KEYWORDS, VERDICTS } from './vocabulary';

export interface AnalyzeNftOptions {
  /** Files pulled in by `include` (from parseNft): their defines and declarations count. */
  includes?: IncludedFile[];
}

interface TableModel {
  family: Family;
  name: string;
  /** Declared in this file (nested block or add/create table), so its contents are known. */
  declared: boolean;
  chains: Map<string, Chain[]>;
  sets: Map<string, SetDecl[]>;
  flowtables: Map<string, Flowtable[]>;
  objects: Map<string, ObjectDecl[]>;
  /** Sets created by `meter NAME` statements. */
  meters: Set<string>;
  rules: Rule[];
  /** Rules of included files: not checked here, but their jumps and meters count. */
  includedRules: Rule[];
  /** Element lists added by `add element` commands, with the set they go to. */
  elementCommands: { set: string; elements: Expr[]; range?: Range }[];
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function analyzeNft(file: NftFile, opts: AnalyzeNftOptions = {}): Diagnostic[] {
  return new Analyzer(file, opts).run();
}

class Analyzer {
  private readonly diags: Diagnostic[] = [];
  private readonly tables = new Map<string, TableModel>();
  private readonly defines = new Map<string, Range>();
  /** Declarations of the analysed file itself (not of included files): only these get hints. */
  private readonly own = new WeakSet<object>();

  constructor(private readonly file: NftFile, private readonly opts: AnalyzeNftOptions) {}

  private report(code: NftCode, severity: Diagnostic['severity'], range: Range | undefined, message: string, related?: { message: string; range: Range }[]): void {
    const d: Diagnostic = related?.length ? { range: range ?? ZERO, severity, code, message, related } : { range: range ?? ZERO, severity, code, message };
    this.diags.push(d);
  }

  private table(family: Family, name: string): TableModel {
    const key = `${family} ${name}`;
    let t = this.tables.get(key);
    if (!t) {
      t = { family, name, declared: false, chains: new Map(), sets: new Map(), flowtables: new Map(), objects: new Map(), meters: new Set(), rules: [], includedRules: [], elementCommands: [] };
      this.tables.set(key, t);
    }
    return t;
  }

  run(): Diagnostic[] {
    // Included files first: their defines and tables are visible to this file.
    for (const inc of this.opts.includes ?? []) this.collect(inc.file, false);
    this.collect(this.file, true);
    for (const t of this.tables.values()) this.checkTable(t);
    return this.diags;
  }

  // ---------------------------------------------------------------- collecting declarations

  private collect(file: NftFile, report: boolean): void {
    for (const item of file.items) {
      switch (item.kind) {
        case 'define':
        case 'redefine':
        case 'undefine':
          this.collectDefine(item, report);
          break;
        case 'table': {
          if (report) this.checkName('table', item.name, item.range);
          const t = this.table(item.family, item.name);
          t.declared = true;
          for (const ti of item.items) this.addItem(t, ti, report, false);
          break;
        }
        case 'command':
          this.collectCommand(item, report);
          break;
      }
    }
  }

  private collectDefine(item: Define, report: boolean): void {
    if (item.kind === 'undefine') {
      this.defines.delete(item.name);
      return;
    }
    if (item.value) this.checkVariables(item.value, report);
    if (item.kind === 'define' && this.defines.has(item.name) && report) {
      this.report('nft-duplicate-define', 'error', item.range, `'${item.name}' is already defined; use redefine to change it`, [{ message: 'first definition', range: this.defines.get(item.name)! }]);
    }
    this.defines.set(item.name, item.range ?? ZERO);
  }

  private addItem(t: TableModel, item: TableItem, report: boolean, create: boolean): void {
    if (item.kind === 'define' || item.kind === 'redefine' || item.kind === 'undefine' || item.kind === 'include') {
      if (item.kind !== 'include') this.collectDefine(item, report);
      return;
    }
    if (report && item.kind !== 'comment-line') this.checkName(item.kind === 'object' ? item.objType : item.kind, item.name, item.range);
    if (report) this.own.add(item);
    switch (item.kind) {
      case 'chain':
        this.declare(t.chains, item, report, create, 'nft-duplicate-chain', 'chain', sameChain);
        for (const r of item.rules) if (r.kind === 'rule') this.addRule(t, r, report);
        if (report && item.base) this.checkBaseChain(item);
        break;
      case 'set':
      case 'map':
        this.declare(t.sets, item, report, create, 'nft-duplicate-set', item.kind, sameSet);
        break;
      case 'flowtable':
        this.declare(t.flowtables, item, report, create, 'nft-duplicate-object', 'flowtable', (a, b) => JSON.stringify(strip(a)) === JSON.stringify(strip(b)));
        break;
      case 'object':
        this.declareObject(t, item, report, create);
        break;
    }
  }

  private declare<T extends Chain | SetDecl | Flowtable>(
    map: Map<string, T[]>,
    decl: T,
    report: boolean,
    create: boolean,
    code: NftCode,
    what: string,
    compatible: (a: T, b: T) => boolean,
  ): void {
    const list = map.get(decl.name);
    if (list?.length && report) {
      const first = list[0]!;
      if (create) this.report(code, 'error', decl.range, `${what} '${decl.name}' already exists: create fails on an existing ${what}`, [{ message: 'declared here', range: first.range ?? ZERO }]);
      else if (!compatible(first, decl)) this.report(code, 'error', decl.range, `${what} '${decl.name}' is declared twice with different definitions`, [{ message: 'first declaration', range: first.range ?? ZERO }]);
    }
    if (list) list.push(decl);
    else map.set(decl.name, [decl]);
  }

  private declareObject(t: TableModel, o: ObjectDecl, report: boolean, create: boolean): void {
    const key = `${o.objType} ${o.name}`;
    const list = t.objects.get(key);
    if (list?.length && report) {
      const first = list[0]!;
      const same = JSON.stringify(strip(first.body)) === JSON.stringify(strip(o.body));
      if (create || (!same && o.body.length && first.body.length)) {
        this.report('nft-duplicate-object', 'error', o.range, `${o.objType} '${o.name}' is declared twice${create ? ': create fails on an existing object' : ' with different definitions'}`, [{ message: 'first declaration', range: first.range ?? ZERO }]);
      }
    }
    if (list) list.push(o);
    else t.objects.set(key, [o]);
  }

  private collectCommand(c: CommandStmt, report: boolean): void {
    if (c.table === undefined || c.object === 'ruleset') return;
    const family = c.family ?? 'ip';
    if (c.object === 'table') {
      const t = this.table(family, c.table);
      if (c.verb === 'add' || c.verb === 'create') {
        if (c.verb === 'create' && t.declared && report) this.report('nft-duplicate-object', 'error', c.range, `table ${family} ${c.table} already exists: create fails on an existing table`);
        t.declared = true;
        if (c.decl?.kind === 'table') for (const ti of c.decl.items) this.addItem(t, ti, report, false);
      }
      return;
    }
    const t = this.table(family, c.table);
    const create = c.verb === 'create';
    if (c.verb !== 'add' && c.verb !== 'create' && c.verb !== 'insert' && c.verb !== 'replace') return;
    switch (c.object) {
      case 'chain':
        if (c.name !== undefined) this.addItem(t, c.decl?.kind === 'chain' ? c.decl : { kind: 'chain', name: c.name, rules: [], range: c.range }, report, create);
        return;
      case 'set':
      case 'map':
        if (c.name !== undefined) this.addItem(t, c.decl?.kind === 'set' || c.decl?.kind === 'map' ? c.decl : { kind: c.object, name: c.name, range: c.range }, report, create);
        return;
      case 'flowtable':
        if (c.name !== undefined) this.addItem(t, c.decl?.kind === 'flowtable' ? c.decl : { kind: 'flowtable', name: c.name, range: c.range }, report, create);
        return;
      case 'rule':
        if (c.rule) {
          if (c.name !== undefined && t.declared && !t.chains.has(c.name) && report) {
            this.report('nft-undefined-chain', 'error', c.range, `rule added to chain '${c.name}', which is not declared in table ${family} ${c.table}`);
          }
          this.addRule(t, c.rule, report);
        }
        return;
      case 'element':
        if (c.name !== undefined && c.elements) t.elementCommands.push({ set: c.name, elements: c.elements, range: c.range });
        return;
    }
    if (c.decl?.kind === 'object') this.addItem(t, c.decl, report, create);
    else if (c.name !== undefined) this.addItem(t, { kind: 'object', objType: c.object, name: c.name, body: [], range: c.range }, report, create);
  }

  private addRule(t: TableModel, r: Rule, report: boolean): void {
    (report ? t.rules : t.includedRules).push(r);
    for (const s of r.stmts) {
      if (report) this.forStmt(s, (e) => this.checkVariables(e, true));
      if (s.kind === 'keyword' && s.keyword === 'meter') {
        const name = s.args[0]?.value;
        if (name?.kind === 'literal') t.meters.add(name.text);
      }
    }
  }

  // ---------------------------------------------------------------- checks

  /** nft's scanner reads keywords as keywords everywhere: `chain counter` is a syntax error there. */
  private checkName(what: string, name: string, range: Range | undefined): void {
    if (KEYWORD_NAMES.has(name)) this.report('nft-keyword-name', 'warning', range, `'${name}' is an nft keyword: nft rejects it as a ${what} name`);
  }

  private checkVariables(e: Expr, report: boolean): void {
    walkExpr(e, (x) => {
      if (x.kind === 'variable' && !this.defines.has(x.name) && report) {
        this.report('nft-undefined-variable', 'error', x.range, `undefined variable '$${x.name}'`);
      }
    });
  }

  private checkBaseChain(c: Chain): void {
    const b = c.base!;
    const missing: string[] = [];
    if (!b.hook) missing.push('hook');
    if (b.priority.kind === 'literal' && b.priority.text === '' && !b.priority.quoted) missing.push('priority');
    if (missing.length) this.report('nft-base-chain-incomplete', 'error', b.range ?? c.range, `base chain '${c.name}' (type ${b.type}) has no ${missing.join(' and no ')}`);
  }

  private checkTable(t: TableModel): void {
    if (!t.declared) return; // commands on a table of the running ruleset: nothing to compare with
    const where = `table ${t.family} ${t.name}`;
    const chainExists = (name: string) => t.chains.has(name);
    const setExists = (name: string) => t.sets.has(name) || t.meters.has(name) || t.flowtables.has(name);
    const visitRule = (r: Rule) => {
      for (const s of r.stmts) {
        this.forStmt(s, (e) => this.checkRefs(e, t, where, chainExists, setExists), (v) => {
          if (v.chain?.kind === 'literal' && !chainExists(v.chain.text)) this.report('nft-undefined-chain', 'error', v.chain.range ?? v.range, `${v.verdict} to undefined chain '${v.chain.text}' in ${where}`);
        });
        this.checkStatementTypes(s, t);
      }
    };
    for (const r of t.rules) {
      visitRule(r);
      this.checkNatContext(r, t);
    }
    this.checkReachability(t);
    this.checkUnusedChains(t);
    for (const list of t.sets.values()) {
      for (const s of list) {
        for (const el of s.elements ?? []) this.checkRefs(el, t, where, chainExists, setExists);
        this.checkElements(s, s.elements ?? []);
      }
    }
    for (const cmd of t.elementCommands) {
      const decl = t.sets.get(cmd.set)?.[0];
      if (!decl) {
        if (!t.meters.has(cmd.set)) this.report('nft-undefined-set', 'error', cmd.range, `elements added to undefined set '${cmd.set}' in ${where}`);
        continue;
      }
      for (const el of cmd.elements) this.checkRefs(el, t, where, chainExists, setExists);
      this.checkElements(decl, cmd.elements);
    }
  }

  /**
   * What nft's evaluator demands around NAT and tproxy: a port mapping needs a transport
   * protocol match earlier in the rule; an address in an inet table needs `ip` or `ip6`.
   */
  private checkNatContext(r: Rule, t: TableModel): void {
    let transport = false;
    let network = false;
    for (const s of r.stmts) {
      if (s.kind === 'relational' || s.kind === 'expr') {
        const left = s.kind === 'relational' ? s.left : s.expr.kind === 'map' ? s.expr.key : s.expr;
        const parts = left.kind === 'concat' ? left.parts : [left];
        for (const p of parts) {
          if (p.kind !== 'selector') continue;
          const path = p.path.join(' ');
          if (TRANSPORT_HEADS.has(p.path[0]!) || path === 'meta l4proto' || path === 'ip protocol' || path === 'ip6 nexthdr') transport = true;
          // nft takes the NAT family from an earlier network header match
          if (p.path[0] === 'ip' || p.path[0] === 'ip6' || p.path[0] === 'icmp' || p.path[0] === 'icmpv6' || path === 'meta nfproto') network = true;
        }
        continue;
      }
      if (s.kind !== 'keyword' || !NAT_STMTS.has(s.keyword)) continue;
      const to = s.args.find((a) => a.key === 'to');
      const glued = s.args.find((a) => a.key === ':' && a.keyGlued);
      const target = to?.value;
      const text = target?.kind === 'literal' && !target.quoted ? target.text : undefined;
      const hasPort = glued !== undefined || (text !== undefined && (/^\[.*\]:/.test(text) || /^:/.test(text) || /^[^:\[\]]*:\d/.test(text)));
      // `redirect to :tcp dport map { ... }`: the mapping's key is itself the transport match
      let implied = false;
      for (const a of s.args) if (a.value) walkExpr(a.value, (x) => (implied ||= x.kind === 'selector' && TRANSPORT_HEADS.has(x.path[0]!)));
      if ((hasPort || s.keyword === 'tproxy') && !transport && !implied) {
        this.report('nft-nat-needs-protocol', 'error', s.range, s.keyword === 'tproxy' ? 'tproxy needs a transport protocol match before it (tcp dport ..., meta l4proto tcp)' : `${s.keyword} maps a port: it needs a transport protocol match before it (tcp dport ..., meta l4proto tcp)`);
      }
      const family = s.args.some((a) => a.key === 'ip' || a.key === 'ip6');
      const address = text !== undefined && !/^:/.test(text) && (/^\d/.test(text) || /^\[/.test(text) || text.includes(':')) || (target?.kind === 'range' || target?.kind === 'prefix');
      if (t.family === 'inet' && (s.keyword === 'snat' || s.keyword === 'dnat' || s.keyword === 'tproxy') && address && !family && !network) {
        this.report('nft-nat-needs-family', 'error', s.range, `${s.keyword} to an address in an inet table needs 'ip' or 'ip6' (${s.keyword} ip to ...)`);
      }
    }
  }

  /** A rule after one that always ends the chain (`counter drop`, `accept`, `goto x`) is never evaluated. */
  private checkReachability(t: TableModel): void {
    for (const list of t.chains.values()) {
      for (const chain of list) {
        if (!this.own.has(chain)) continue;
        const rules = chain.rules.filter((r): r is Rule => r.kind === 'rule' && r.disabled === undefined);
        const stop = rules.findIndex(isUnconditionalEnd);
        const next = stop >= 0 ? rules[stop + 1] : undefined;
        if (next) {
          this.report('nft-unreachable-rule', 'warning', next.range, `never reached: the rule before always ends chain '${chain.name}'`, rules[stop]!.range ? [{ message: 'this rule ends the chain', range: rules[stop]!.range! }] : undefined);
        }
      }
    }
  }

  /** A regular chain nothing jumps to (hint): with `jump $var` anywhere in the table, nothing can be said. */
  private checkUnusedChains(t: TableModel): void {
    const used = new Set<string>();
    let dynamic = false;
    const onExpr = (e: Expr) =>
      walkExpr(e, (x) => {
        if (x.kind === 'verdict' && x.chain?.kind === 'literal') used.add(x.chain.text);
        if (x.kind === 'verdict' && x.chain?.kind === 'variable') dynamic = true;
      });
    const onVerdict = (v: Extract<Stmt, { kind: 'verdict' }>) => {
      if (v.chain?.kind === 'literal') used.add(v.chain.text);
      else if (v.chain) dynamic = true;
    };
    for (const r of [...t.rules, ...t.includedRules]) for (const st of r.stmts) this.forStmt(st, onExpr, onVerdict);
    for (const list of t.sets.values()) for (const decl of list) for (const el of decl.elements ?? []) onExpr(el);
    for (const cmd of t.elementCommands) for (const el of cmd.elements) onExpr(el);
    if (dynamic) return;
    for (const [name, list] of t.chains) {
      if (used.has(name) || list.some((c) => c.base) || !list.some((c) => this.own.has(c))) continue;
      const first = list.find((c) => this.own.has(c))!;
      this.report('nft-unused-chain', 'hint', first.range, `chain '${name}' is never the target of a jump, goto or verdict map`);
    }
  }

  /** jump/goto inside vmap literals, @set references, map kinds. */
  private checkRefs(e: Expr, t: TableModel, where: string, chainExists: (n: string) => boolean, setExists: (n: string) => boolean): void {
    walkExpr(e, (x) => {
      if (x.kind === 'verdict' && x.chain?.kind === 'literal' && !chainExists(x.chain.text)) {
        this.report('nft-undefined-chain', 'error', x.chain.range ?? x.range, `${x.verdict} to undefined chain '${x.chain.text}' in ${where}`);
      }
      if (x.kind === 'setref' && !setExists(x.name)) {
        this.report('nft-undefined-set', 'error', x.range, `undefined set or map '@${x.name}' in ${where}`);
      }
      if (x.kind === 'map' && x.map.kind === 'setref') {
        const decl = t.sets.get(x.map.name)?.[0];
        if (decl && decl.kind === 'set') this.report('nft-map-not-set', 'error', x.map.range, `'@${x.map.name}' is a set, but ${x.vmap ? 'vmap' : 'map'} needs a map`);
        if (decl && decl.kind === 'map' && x.vmap && decl.dataType && decl.dataType.join(' . ') !== 'verdict') {
          this.report('nft-map-not-set', 'error', x.map.range, `'@${x.map.name}' maps to ${decl.dataType.join(' . ')}, but vmap needs a verdict map`);
        }
      }
    });
  }

  /** `ip saddr ::1`, `tcp dport 1.2.3.4`: a constant that cannot be of the selector's type. */
  private checkStatementTypes(s: Stmt, t: TableModel): void {
    if (s.kind === 'expr' && s.expr.kind === 'map' && s.expr.map.kind === 'set') {
      // an anonymous verdict map maps to verdicts, a data map to values
      for (const m of s.expr.map.elements) {
        if (m.kind !== 'mapping') continue;
        const v = m.value.kind === 'elem' ? m.value.value : m.value;
        if (s.expr.vmap && v.kind !== 'verdict' && v.kind !== 'variable') this.report('nft-type-mismatch', 'error', v.range ?? m.range, `vmap values are verdicts (accept, drop, jump chain...), not ${v.kind === 'literal' ? v.text : 'this value'}`);
      }
    }
    if (s.kind !== 'relational' || s.left.kind !== 'selector') return;
    const type = selectorDataType(s.left);
    if (!type) return;
    const values = s.right.kind === 'set' ? s.right.elements : [s.right];
    for (const v of values) {
      const problem = valueProblem(type, v);
      if (problem) this.report('nft-type-mismatch', 'error', v.range ?? s.range, `${problem} does not fit ${s.left.path.join(' ')} (${type})`);
    }
    void t;
  }

  private checkElements(decl: SetDecl, elements: Expr[]): void {
    const keyTypes = decl.type ?? (decl.typeofExpr ? typeofTypes(decl.typeofExpr) : undefined);
    const dataTypes = decl.kind === 'map' ? (decl.dataType ?? (decl.dataTypeofExpr ? typeofTypes(decl.dataTypeofExpr) : undefined)) : undefined;
    for (const el of elements) {
      let key = el;
      let value: Expr | undefined;
      if (el.kind === 'mapping') {
        key = el.key;
        value = el.value;
      }
      if (key.kind === 'elem') key = key.value;
      if (value?.kind === 'elem') value = value.value;
      if (keyTypes) this.checkValue(decl, 'element', keyTypes, key);
      if (dataTypes && value) {
        if (dataTypes.join(' . ') === 'verdict') {
          if (value.kind !== 'verdict' && value.kind !== 'variable') this.report('nft-set-type-mismatch', 'error', value.range ?? el.range, `verdict map '${decl.name}' maps to verdicts (accept, drop, jump chain...), not to ${value.kind === 'literal' ? value.text : 'this value'}`);
        } else if (value.kind === 'verdict' && !dataTypes.includes('unknown')) {
          this.report('nft-set-type-mismatch', 'error', value.range ?? el.range, `map '${decl.name}' maps to ${dataTypes.join(' . ')}, not to verdicts: declare it with ': verdict'`);
        } else this.checkValue(decl, 'value', dataTypes, value);
      }
      if (decl.kind === 'map' && el.kind !== 'mapping' && !(el.kind === 'literal' && el.text === '*')) {
        this.report('nft-set-type-mismatch', 'error', el.range, `map '${decl.name}' needs 'key : value' elements`);
      }
    }
  }

  private checkValue(decl: SetDecl, what: string, types: string[], v: Expr): void {
    if (v.kind === 'literal' && v.text === '*') return;
    const parts = v.kind === 'concat' ? v.parts : [v];
    if (types.length > 1 && parts.length !== types.length && !parts.some((p) => p.kind === 'variable')) {
      this.report('nft-set-type-mismatch', 'error', v.range, `${decl.kind} '${decl.name}' has type ${types.join(' . ')}: this ${what} has ${parts.length} part(s), not ${types.length}`);
      return;
    }
    if (types.length === 1 && parts.length > 1) {
      this.report('nft-set-type-mismatch', 'error', v.range, `${decl.kind} '${decl.name}' has type ${types[0]}: this ${what} is a concatenation`);
      return;
    }
    parts.forEach((p, i) => {
      const type = types[i];
      if (!type) return;
      const problem = valueProblem(type, p);
      if (problem) this.report('nft-set-type-mismatch', 'error', p.range ?? v.range, `${problem} does not fit ${decl.kind} '${decl.name}' (${what} type ${type})`);
    });
  }

  // ---------------------------------------------------------------- walking

  /** Calls `onExpr` for every top-level expression of a statement and `onVerdict` for verdicts (also inside anonymous chains). */
  private forStmt(s: Stmt, onExpr: (e: Expr) => void, onVerdict?: (v: Extract<Stmt, { kind: 'verdict' }>) => void): void {
    switch (s.kind) {
      case 'relational':
        onExpr(s.left);
        onExpr(s.right);
        return;
      case 'assign':
        onExpr(s.left);
        onExpr(s.value);
        return;
      case 'expr':
        onExpr(s.expr);
        return;
      case 'verdict':
        if (s.chain) onExpr(s.chain);
        onVerdict?.(s);
        for (const r of s.block ?? []) if (r.kind === 'rule') for (const x of r.stmts) this.forStmt(x, onExpr, onVerdict);
        return;
      case 'keyword':
        for (const a of s.args) this.forArg(a, onExpr, onVerdict);
        return;
    }
  }

  private forArg(a: Arg, onExpr: (e: Expr) => void, onVerdict?: (v: Extract<Stmt, { kind: 'verdict' }>) => void): void {
    if (a.value) onExpr(a.value);
    if (a.stmt) this.forStmt(a.stmt, onExpr, onVerdict);
  }
}

const NAT_STMTS = new Set(['snat', 'dnat', 'masquerade', 'redirect', 'tproxy']);
const TRANSPORT_HEADS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th']);

/** Statements that neither test nor end anything: what may come before the verdict of an unconditional rule. */
const PASSIVE_STMTS = new Set(['counter', 'log', 'notrack', 'last']);

function isUnconditionalEnd(r: Rule): boolean {
  if (!r.stmts.length) return false;
  const last = r.stmts[r.stmts.length - 1]!;
  const ends = (last.kind === 'verdict' && (last.verdict === 'accept' || last.verdict === 'drop' || last.verdict === 'return' || last.verdict === 'goto')) || (last.kind === 'keyword' && last.keyword === 'reject');
  if (!ends) return false;
  return r.stmts.slice(0, -1).every((s) => (s.kind === 'keyword' && PASSIVE_STMTS.has(s.keyword) && !s.args.some((a) => a.key === 'name')) || s.kind === 'assign');
}

/** Every expression node below `e` (element options and nested statements included). */
export function walkExpr(e: Expr, fn: (x: Expr) => void): void {
  fn(e);
  switch (e.kind) {
    case 'prefix':
      return walkExpr(e.base, fn);
    case 'range':
      walkExpr(e.low, fn);
      return walkExpr(e.high, fn);
    case 'concat':
      return e.parts.forEach((p) => walkExpr(p, fn));
    case 'list':
      return e.items.forEach((p) => walkExpr(p, fn));
    case 'binop':
      walkExpr(e.left, fn);
      return walkExpr(e.right, fn);
    case 'elem':
      walkExpr(e.value, fn);
      for (const o of e.options) if (o.value) walkExpr(o.value, fn);
      return;
    case 'set':
      return e.elements.forEach((p) => walkExpr(p, fn));
    case 'mapping':
      walkExpr(e.key, fn);
      return walkExpr(e.value, fn);
    case 'map':
      walkExpr(e.key, fn);
      return walkExpr(e.map, fn);
    case 'func':
      for (const a of e.args) if (a.value) walkExpr(a.value, fn);
      return;
    case 'verdict':
      if (e.chain) walkExpr(e.chain, fn);
      return;
  }
}

/** Words nft's scanner always returns as keywords (checked against nft 1.0.6 for the common ones). */
const KEYWORD_NAMES = new Set([
  ...VERDICTS, ...STMT_KEYWORDS, ...FAMILIES, ...META_UNQUALIFIED,
  ...[...PAYLOAD_PROTOCOLS].filter((w) => w !== 'll' && w !== 'nh'),
  ...[...EXPR_HEADS].filter((w) => w !== 'tunnel' && w !== 'inner'),
  'table', 'chain', 'set', 'map', 'flowtable', 'rule', 'element', 'type', 'typeof', 'hook', 'priority', 'policy', 'flags',
  'timeout', 'size', 'elements', 'devices', 'device', 'define', 'include', 'handle', 'position', 'index', 'ruleset',
]);

// ---------------------------------------------------------------- data types

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;

function isIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

function isIpv6(text: string): boolean {
  return /^[0-9a-f:.]+$/i.test(text) && text.includes(':') && !MAC.test(text);
}

/** The basic types of a `typeof` expression, one per concatenation part, when they are clear. */
function typeofTypes(e: Expr): string[] {
  const parts = e.kind === 'concat' ? e.parts : [e];
  return parts.map((p) => (p.kind === 'selector' ? (p.path.join(' ') === 'verdict' ? 'verdict' : selectorDataType(p) ?? 'unknown') : 'unknown'));
}

/** The data type of selectors whose values are easy to tell apart. */
export function selectorDataType(e: Expr): string | undefined {
  if (e.kind !== 'selector') return undefined;
  const p = e.path.join(' ');
  if (/^(ip|ct (original|reply) ip) (saddr|daddr)$/.test(p) || /^arp (saddr|daddr) ip$/.test(p)) return 'ipv4_addr';
  if (/^(ip6|ct (original|reply) ip6) (saddr|daddr)$/.test(p)) return 'ipv6_addr';
  if (/^(tcp|udp|udplite|sctp|dccp|th) (sport|dport)$/.test(p)) return 'inet_service';
  if (/^ether (saddr|daddr)$/.test(p) || /^arp (saddr|daddr) ether$/.test(p)) return 'ether_addr';
  if (p === 'meta mark' || p === 'mark' || p === 'ct mark') return 'mark';
  return undefined;
}

/** Why `v` cannot be a value of `type`, or undefined when it can (or cannot be told). */
function valueProblem(type: string, v: Expr): string | undefined {
  switch (v.kind) {
    case 'prefix':
      return valueProblem(type, v.base);
    case 'range':
      return valueProblem(type, v.low) ?? valueProblem(type, v.high);
    case 'literal':
      break;
    default:
      return undefined;
  }
  if (v.quoted) return type === 'ipv4_addr' || type === 'ipv6_addr' || type === 'inet_service' || type === 'ether_addr' ? undefined : undefined;
  const text = v.text;
  const num = /^(0x[0-9a-f]+|\d+)$/i.test(text);
  switch (type) {
    case 'ipv4_addr':
      if (isIpv6(text)) return `IPv6 address ${text}`;
      if (MAC.test(text)) return `MAC address ${text}`;
      if (num) return `number ${text} (a port?)`;
      if (/^\d+(\.\d+)*$/.test(text) && !isIpv4(text)) return `invalid IPv4 address ${text}`;
      return undefined;
    case 'ipv6_addr':
      if (isIpv4(text)) return `IPv4 address ${text}`;
      if (MAC.test(text)) return `MAC address ${text}`;
      if (num) return `number ${text}`;
      return undefined;
    case 'inet_service':
      if (isIpv4(text)) return `IPv4 address ${text}`;
      if (isIpv6(text)) return `IPv6 address ${text}`;
      if (num && Number(text) > 65535) return `port ${text} (over 65535)`;
      return undefined;
    case 'ether_addr':
      if (isIpv4(text)) return `IPv4 address ${text}`;
      if (isIpv6(text)) return `IPv6 address ${text}`;
      return undefined;
    case 'mark':
      if (isIpv4(text) || isIpv6(text)) return `address ${text}`;
      if (num && Number(text) > 0xffffffff) return `value ${text} (over 32 bits)`;
      return undefined;
  }
  return undefined;
}

function sameChain(a: Chain, b: Chain): boolean {
  if (!a.base || !b.base) return true; // a redeclaration without a spec only adds rules
  return JSON.stringify(strip(a.base)) === JSON.stringify(strip(b.base));
}

function sameSet(a: SetDecl, b: SetDecl): boolean {
  if (a.kind !== b.kind) return false;
  const sig = (s: SetDecl) => JSON.stringify(strip({ type: s.type, typeofExpr: s.typeofExpr, dataType: s.dataType, dataTypeofExpr: s.dataTypeofExpr, flags: s.flags }));
  if (!(a.type || a.typeofExpr) || !(b.type || b.typeofExpr)) return true;
  return sig(a) === sig(b);
}

function strip<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'range' || k === 'origin' || k === 'elements' ? undefined : v))) as T;
}


