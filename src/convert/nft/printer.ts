/**
 * Prints the nft AST (src/convert/ast/nft.ts) as text, in the two shapes nft users know:
 * - `ruleset`: nested blocks, tab-indented, as `nft list ruleset` prints them;
 * - `script`: one command per line (`add table`, `add chain ... { ... }`, `add rule ...`),
 *   as `iptables-restore-translate` prints them.
 * While printing it records where every rule, chain and table ended up, so callers can map
 * output lines back to their origin without re-parsing.
 */
import type { Range } from '../ast/common';
import type {
  Arg,
  BaseChainSpec,
  Chain,
  CommandStmt,
  CommentLine,
  Expr,
  Family,
  Flowtable,
  NftFile,
  ObjectDecl,
  Rule,
  SetDecl,
  Stmt,
  Table,
  TableItem,
  TopLevel,
} from '../ast/nft';

export interface PrintOptions {
  /** Nested ruleset (default) or `add ...` commands. */
  style?: 'ruleset' | 'script';
  /** Ruleset style: start with `flush ruleset`. */
  flushRuleset?: boolean;
  /** Lines printed before everything (each gets `# ` unless it already starts with `#`). */
  header?: string[];
}

/** Where a printed node landed in the output (zero-based, end exclusive on the last line). */
export interface PrintedSpan {
  node: Rule | Chain | Table | SetDecl | ObjectDecl | Flowtable | CommentLine;
  output: Range;
}

export interface Printed {
  text: string;
  spans: PrintedSpan[];
}

// ---------------------------------------------------------------- expressions and statements

/** nft strings have no escapes: a `"` cannot appear inside one (callers must replace it first). */
export function quote(text: string): string {
  return `"${text}"`;
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'selector':
      return e.path.join(' ');
    case 'literal':
      return e.quoted ? quote(e.text) : e.text;
    case 'prefix':
      return `${printExpr(e.base)}/${e.length}`;
    case 'range':
      return `${printExpr(e.low)}-${printExpr(e.high)}`;
    case 'concat':
      return e.parts.map(printExpr).join(' . ');
    case 'list':
      return e.items.map(printExpr).join(',');
    case 'binop':
      return `${printExpr(e.left)} ${e.spelling ?? e.op} ${printExpr(e.right)}`;
    case 'elem':
      return [printExpr(e.value), ...e.options.map(printArg)].join(' ');
    case 'set':
      return e.elements.length ? `{ ${e.elements.map(printExpr).join(', ')} }` : '{ }';
    case 'mapping':
      return `${printExpr(e.key)} : ${printExpr(e.value)}`;
    case 'map':
      return `${printExpr(e.key)} ${e.vmap ? 'vmap' : 'map'} ${printExpr(e.map)}`;
    case 'setref':
      return `@${e.name}`;
    case 'variable':
      return `$${e.name}`;
    case 'func':
      return [e.name, ...e.args.map(printArg)].join(' ');
    case 'verdict':
      return e.chain ? `${e.verdict} ${printExpr(e.chain)}` : e.verdict;
  }
}

export function printArg(a: Arg): string {
  if (a.keyGlued && a.key !== undefined && a.value !== undefined) return `${a.key}${printExpr(a.value)}`;
  const parts: string[] = [];
  if (a.key !== undefined) parts.push(a.key);
  if (a.value !== undefined) parts.push(printExpr(a.value));
  if (a.stmt !== undefined) parts.push(printStmt(a.stmt));
  return parts.join(' ');
}

export function printStmt(s: Stmt): string {
  switch (s.kind) {
    case 'relational': {
      const op = s.spelling ?? s.op;
      return op ? `${printExpr(s.left)} ${op} ${printExpr(s.right)}` : `${printExpr(s.left)} ${printExpr(s.right)}`;
    }
    case 'verdict':
      return s.chain ? `${s.verdict} ${printExpr(s.chain)}` : s.verdict;
    case 'assign':
      return `${printExpr(s.left)} set ${printExpr(s.value)}`;
    case 'keyword':
      return [s.keyword, ...s.args.map(printArg)].join(' ');
    case 'expr':
      return printExpr(s.expr);
  }
}

/** The rule's statements and comment on one line, as after `add rule FAMILY TABLE CHAIN `. */
export function printRuleBody(r: Rule): string {
  const body = r.stmts.map(printStmt).join(' ');
  if (r.comment === undefined) return body;
  return body ? `${body} comment ${quote(r.comment)}` : `comment ${quote(r.comment)}`;
}

export function printBaseChainSpec(b: BaseChainSpec): string {
  const dev = b.devices ? (b.devices.kind === 'set' ? ` devices = ${printExpr(b.devices)}` : ` device ${printExpr(b.devices)}`) : '';
  return `type ${b.type} hook ${b.hook}${dev} priority ${printExpr(b.priority)};`;
}

function printPolicy(p: string | Expr): string {
  return typeof p === 'string' ? p : printExpr(p);
}

/** The `{ ... }` of `add chain` in script style: `{ type filter hook input priority 0; policy accept; }`. */
function chainSpecInline(c: Chain): string | undefined {
  const parts: string[] = [];
  if (c.base) parts.push(printBaseChainSpec(c.base));
  if (c.policy !== undefined) parts.push(`policy ${printPolicy(c.policy)};`);
  if (c.flags?.length) parts.push(`flags ${c.flags.join(',')};`);
  if (c.comment !== undefined) parts.push(`comment ${quote(c.comment)};`);
  return parts.length ? `{ ${parts.join(' ')} }` : undefined;
}

// ---------------------------------------------------------------- output with positions

class Out {
  private lines: string[] = [];
  readonly spans: PrintedSpan[] = [];

  get line(): number {
    return this.lines.length;
  }

  push(text: string): void {
    this.lines.push(text);
  }

  /** Records that `node` printed as lines [start, current). */
  span(node: PrintedSpan['node'], startLine: number): void {
    const endLine = Math.max(startLine, this.lines.length - 1);
    this.spans.push({ node, output: { start: { line: startLine, character: 0 }, end: { line: endLine, character: this.lines[endLine]?.length ?? 0 } } });
  }

  text(): string {
    return this.lines.length ? this.lines.join('\n') + '\n' : '';
  }
}

// ---------------------------------------------------------------- ruleset (nested) style

function printSetBlock(s: SetDecl, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  out.push(`${indent}${s.kind} ${s.name} {`);
  const typeof_ = s.typeofExpr ? `typeof ${printExpr(s.typeofExpr)}` : s.type ? `type ${s.type.join(' . ')}` : undefined;
  let data = '';
  if (s.kind === 'map') {
    const interval = s.dataInterval ? 'interval ' : '';
    if (s.dataTypeofExpr) data = ` : ${interval}${printExpr(s.dataTypeofExpr)}`;
    else if (s.dataType) data = ` : ${interval}${s.dataType.join(' . ')}`;
  }
  if (typeof_) out.push(`${i2}${typeof_}${data}`);
  if (s.policy) out.push(`${i2}policy ${s.policy}`);
  if (s.flags?.length) out.push(`${i2}flags ${s.flags.join(',')}`);
  if (s.timeout) out.push(`${i2}timeout ${s.timeout}`);
  if (s.gcInterval) out.push(`${i2}gc-interval ${s.gcInterval}`);
  if (s.size !== undefined) out.push(`${i2}size ${s.size}`);
  if (s.autoMerge) out.push(`${i2}auto-merge`);
  if (s.counter) out.push(`${i2}counter`);
  for (const st of s.stmts ?? []) out.push(`${i2}${printStmt(st)}`);
  if (s.comment !== undefined) out.push(`${i2}comment ${quote(s.comment)}`);
  if (s.elements?.length) out.push(`${i2}elements = { ${s.elements.map(printExpr).join(', ')} }`);
  out.push(`${indent}}`);
  out.span(s, start);
}

function printChainBlock(c: Chain, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  out.push(`${indent}chain ${c.name} {`);
  if (c.comment !== undefined) out.push(`${i2}comment ${quote(c.comment)}`);
  if (c.base || c.policy !== undefined) {
    const spec = c.base ? printBaseChainSpec(c.base) : '';
    const pol = c.policy !== undefined ? `policy ${printPolicy(c.policy)};` : '';
    out.push(`${i2}${[spec, pol].filter(Boolean).join(' ')}`);
  }
  if (c.flags?.length) out.push(`${i2}flags ${c.flags.join(',')}`);
  for (const r of c.rules) {
    const rs = out.line;
    out.push(r.kind === 'comment-line' ? `${i2}# ${r.text}` : r.disabled !== undefined ? `${i2}# ${r.disabled}` : `${i2}${printRuleBody(r)}`);
    out.span(r, rs);
  }
  out.push(`${indent}}`);
  out.span(c, start);
}

function printFlowtableBlock(f: Flowtable, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  out.push(`${indent}flowtable ${f.name} {`);
  if (f.hook) out.push(`${i2}hook ${f.hook}${f.priority ? ` priority ${printExpr(f.priority)}` : ''}`);
  if (f.devices) out.push(`${i2}devices = ${printExpr(f.devices)}`);
  if (f.flags?.length) out.push(`${i2}flags ${f.flags.join(',')}`);
  if (f.counter) out.push(`${i2}counter`);
  out.push(`${indent}}`);
  out.span(f, start);
}

function printObjectBlock(o: ObjectDecl, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  out.push(`${indent}${o.objType} ${o.name} {`);
  for (const line of o.body) out.push(`${i2}${line.map(printArg).join(' ')}`);
  if (o.comment !== undefined) out.push(`${i2}comment ${quote(o.comment)}`);
  out.push(`${indent}}`);
  out.span(o, start);
}

function printTableItem(item: TableItem, out: Out, indent: string): void {
  switch (item.kind) {
    case 'chain':
      return printChainBlock(item, out, indent);
    case 'set':
    case 'map':
      return printSetBlock(item, out, indent);
    case 'flowtable':
      return printFlowtableBlock(item, out, indent);
    case 'object':
      return printObjectBlock(item, out, indent);
    case 'comment-line': {
      const s = out.line;
      out.push(`${indent}# ${item.text}`);
      return out.span(item, s);
    }
  }
}

function printTableBlock(t: Table, out: Out): void {
  const start = out.line;
  out.push(`table ${t.family} ${t.name} {`);
  if (t.comment !== undefined) out.push(`\tcomment ${quote(t.comment)}`);
  if (t.flags?.length) out.push(`\tflags ${t.flags.join(',')}`);
  t.items.forEach((item, i) => {
    // nft separates blocks inside a table by a blank line; comment lines stick to what follows.
    if (i > 0 && t.items[i - 1]!.kind !== 'comment-line') out.push('');
    printTableItem(item, out, '\t');
  });
  out.push('}');
  out.span(t, start);
}

// ---------------------------------------------------------------- script (command) style

function fam(f: Family | undefined): string {
  return f ? `${f} ` : '';
}

function printTableScript(t: Table, out: Out): void {
  const start = out.line;
  const head = `${t.family} ${t.name}`;
  const opts: string[] = [];
  if (t.flags?.length) opts.push(`flags ${t.flags.join(',')};`);
  if (t.comment !== undefined) opts.push(`comment ${quote(t.comment)};`);
  out.push(`add table ${head}${opts.length ? ` { ${opts.join(' ')} }` : ''}`);
  // Declarations first (chains must exist before rules jump to them), then rules in order.
  for (const item of t.items) {
    const s = out.line;
    switch (item.kind) {
      case 'chain': {
        const spec = chainSpecInline(item);
        out.push(`add chain ${head} ${item.name}${spec ? ` ${spec}` : ''}`);
        break;
      }
      case 'set':
      case 'map': {
        const inner = new Out();
        printSetBlock({ ...item, elements: undefined }, inner, '');
        const body = inner
          .text()
          .split('\n')
          .slice(1, -2)
          .map((l) => l.trim())
          .filter(Boolean)
          .join('; ');
        out.push(`add ${item.kind} ${head} ${item.name} { ${body}; }`);
        if (item.elements?.length) out.push(`add element ${head} ${item.name} { ${item.elements.map(printExpr).join(', ')} }`);
        break;
      }
      case 'flowtable': {
        const parts: string[] = [];
        if (item.hook) parts.push(`hook ${item.hook}${item.priority ? ` priority ${printExpr(item.priority)}` : ''};`);
        if (item.devices) parts.push(`devices = ${printExpr(item.devices)};`);
        if (item.flags?.length) parts.push(`flags ${item.flags.join(',')};`);
        if (item.counter) parts.push('counter;');
        out.push(`add flowtable ${head} ${item.name} { ${parts.join(' ')} }`);
        break;
      }
      case 'object': {
        const body = item.body.map((l) => `${l.map(printArg).join(' ')};`);
        if (item.comment !== undefined) body.push(`comment ${quote(item.comment)};`);
        out.push(`add ${item.objType} ${head} ${item.name} { ${body.join(' ')} }`);
        break;
      }
      case 'comment-line':
        out.push(`# ${item.text}`);
        break;
    }
    out.span(item, s);
  }
  for (const item of t.items) {
    if (item.kind !== 'chain') continue;
    for (const r of item.rules) {
      const s = out.line;
      if (r.kind === 'comment-line') out.push(`# ${r.text}`);
      else if (r.disabled !== undefined) out.push(`# ${r.disabled}`);
      else out.push(`add rule ${head} ${item.name} ${printRuleBody(r)}`);
      out.span(r, s);
    }
  }
  out.span(t, start);
}

export function printCommand(c: CommandStmt): string {
  const parts: string[] = [c.verb, c.object];
  if (c.object === 'ruleset') {
    if (c.family) parts.push(c.family);
    return parts.join(' ');
  }
  if (c.table !== undefined) parts.push(`${fam(c.family)}${c.table}`);
  if (c.name !== undefined) parts.push(c.name);
  if (c.newName !== undefined) parts.push(c.newName);
  if (c.position) parts.push(`${c.position.key} ${c.position.value}`);
  if (c.rule) parts.push(printRuleBody(c.rule));
  if (c.elements) parts.push(`{ ${c.elements.map(printExpr).join(', ')} }`);
  if (c.decl) {
    const d = c.decl;
    if (d.kind === 'chain') {
      const spec = chainSpecInline(d);
      if (spec) parts.push(spec);
    } else if (d.kind === 'set' || d.kind === 'map' || d.kind === 'flowtable' || d.kind === 'object') {
      const inner = new Out();
      printTableItem(d, inner, '');
      const body = inner
        .text()
        .split('\n')
        .slice(1, -2)
        .map((l) => l.trim())
        .filter(Boolean)
        .join('; ');
      parts.push(`{ ${body}; }`);
    } else if (d.kind === 'table') {
      const opts: string[] = [];
      if (d.flags?.length) opts.push(`flags ${d.flags.join(',')};`);
      if (d.comment !== undefined) opts.push(`comment ${quote(d.comment)};`);
      if (opts.length) parts.push(`{ ${opts.join(' ')} }`);
    }
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------- files

function printTopLevel(item: TopLevel, out: Out, style: 'ruleset' | 'script'): void {
  switch (item.kind) {
    case 'table':
      return style === 'script' ? printTableScript(item, out) : printTableBlock(item, out);
    case 'define':
    case 'redefine':
      out.push(`${item.kind} ${item.name} = ${item.value ? printExpr(item.value) : ''}`);
      return;
    case 'undefine':
      out.push(`undefine ${item.name}`);
      return;
    case 'include':
      out.push(`include ${quote(item.path)}`);
      return;
    case 'command':
      out.push(printCommand(item));
      return;
    case 'comment-line':
      out.push(`# ${item.text}`);
      return;
  }
}

export function printNftFile(file: NftFile, opts: PrintOptions = {}): Printed {
  const out = new Out();
  const style = opts.style ?? 'ruleset';
  for (const h of opts.header ?? []) out.push(h.startsWith('#') ? h : `# ${h}`);
  if (opts.flushRuleset && style === 'ruleset') out.push('flush ruleset');
  for (const item of file.items) printTopLevel(item, out, style);
  return { text: out.text(), spans: out.spans };
}
