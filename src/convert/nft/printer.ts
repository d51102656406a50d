/**
 * Prints the nft AST (src/convert/ast/nft.ts) as text, in the two shapes nft users know:
 * - `ruleset`: nested blocks, tab-indented, as `nft list ruleset` prints them;
 * - `script`: one command per line (`add table`, `add chain ... { ... }`, `add rule ...`),
 *   as `iptables-restore-translate` prints them.
 * While printing it records where every rule, chain and table ended up, so callers can map
 * output lines back to their origin without re-parsing.
 */
import type { Range } from '../ast/common';
import { canonicalRule } from './canonical';
import type {
  Arg,
  BaseChainSpec,
  Chain,
  CommandStmt,
  CommentLine,
  Define,
  Expr,
  Family,
  Flowtable,
  Include,
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
  /** Print rules the way nft lists them back where that needs no kernel (see canonical.ts). */
  canonical?: boolean;
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

/** A table/chain/set/object name: bare when it is one nft word, quoted otherwise (`"my chain"`). */
export function printName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_\-./]*$|^\d+$/.test(name) ? name : quote(name);
}

export function printExpr(e: Expr): string {
  const text = printExprBare(e);
  return e.parens ? `(${text})` : text;
}

function printExprBare(e: Expr): string {
  switch (e.kind) {
    case 'selector':
      return e.path.join(' ');
    case 'literal':
      return e.quoted ? quote(e.text) : e.text;
    case 'prefix':
      return `${printExpr(e.base)}/${e.length}`;
    case 'range':
      // nft reads `$a-$b` as one variable name `a-`
      return e.low.kind === 'variable' ? `${printExpr(e.low)} - ${printExpr(e.high)}` : `${printExpr(e.low)}-${printExpr(e.high)}`;
    case 'concat':
      return e.parts.map(printExpr).join(' . ');
    case 'list':
      return e.items.map(printExpr).join(',');
    case 'binop':
      return `${printExpr(e.left)} ${e.spelling ?? e.op} ${printExpr(e.right)}`;
    case 'elem':
      return [printExpr(e.value), ...e.options.map(printArg)].join(' ');
    case 'set':
      if (hasComments(e.elements)) return `{\n${commentedElements(e.elements, '\t').join('\n')}\n}`;
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

/**
 * `dnat to 1.2.3.4:$p`: a `:port` argument right after an address. Not after a variable,
 * where nft's scanner could read `$a:80` as one name.
 */
function gluedToPrevious(a: Arg, prev: Arg | undefined): boolean {
  return a.key === ':' && a.keyGlued === true && prev?.value !== undefined && (!endsWithVariable(prev.value) || a.value?.kind === 'variable');
}

function endsWithVariable(e: Expr): boolean {
  if (e.parens) return false;
  switch (e.kind) {
    case 'variable':
      return true;
    case 'range':
      return endsWithVariable(e.high);
    case 'concat':
      return endsWithVariable(e.parts[e.parts.length - 1]!);
    case 'list':
      return endsWithVariable(e.items[e.items.length - 1]!);
    case 'binop':
      return endsWithVariable(e.right);
    case 'map':
      return endsWithVariable(e.map);
    default:
      return false;
  }
}

export function printStmt(s: Stmt): string {
  switch (s.kind) {
    case 'relational': {
      const op = s.spelling ?? s.op;
      return op ? `${printExpr(s.left)} ${op} ${printExpr(s.right)}` : `${printExpr(s.left)} ${printExpr(s.right)}`;
    }
    case 'verdict':
      if (s.block) return `${s.verdict} ${printAnonChain(s.block)}`;
      return s.chain ? `${s.verdict} ${printExpr(s.chain)}` : s.verdict;
    case 'assign':
      return `${printExpr(s.left)} set ${printExpr(s.value)}`;
    case 'keyword':
      return s.args.reduce((text, a, k) => text + (gluedToPrevious(a, s.args[k - 1]) ? '' : ' ') + printArg(a), s.keyword);
    case 'expr':
      return printExpr(s.expr);
  }
}

/** `{` rules `}` of an anonymous chain; inner lines are indented one tab relative to the rule. */
function printAnonChain(rules: (Rule | CommentLine)[]): string {
  const lines = rules.map((r) => (r.kind === 'comment-line' ? printCommentLine(r) : printRuleLine(r)).replace(/\n/g, '\n\t'));
  return `{\n${lines.map((l) => `\t${l}`).join('\n')}\n}`;
}

/** `# text` as nft users write it; `#!` shebangs and empty comments stay as they are. */
export function printCommentLine(c: { text: string }): string {
  if (c.text === '' || c.text.startsWith('!')) return `#${c.text}`;
  return `# ${c.text}`;
}

/** A rule as one chain line (more lines for anonymous chains), with its trailing `# comment`. */
function printRuleLine(r: Rule): string {
  if (r.disabled !== undefined) return `# ${r.disabled}`;
  const body = printRuleBody(r, { canonical: canonicalOutput });
  return r.trailingComment !== undefined ? `${body} ${printCommentLine({ text: r.trailingComment })}` : body;
}

/** The rule's statements and comment on one line, as after `add rule FAMILY TABLE CHAIN `. */
export function printRuleBody(r: Rule, opts: { canonical?: boolean } = {}): string {
  const rule = opts.canonical ? canonicalRule(r) : r;
  const body = rule.stmts.map(printStmt).join(' ');
  if (r.comment === undefined) return body;
  return body ? `${body} comment ${quote(r.comment)}` : `comment ${quote(r.comment)}`;
}

export function printBaseChainSpec(b: BaseChainSpec): string {
  const dev = b.devices ? (b.devices.kind === 'set' ? ` devices = ${printExpr(b.devices)}` : ` device ${printExpr(b.devices)}`) : '';
  const hook = b.hook ? ` hook ${b.hook}` : '';
  const prio = b.priority.kind === 'literal' && b.priority.text === '' && !b.priority.quoted ? '' : ` priority ${printExpr(b.priority)}`;
  return `type ${b.type}${hook}${dev}${prio};`;
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
    // a block printed as one string (wrapped set elements) still counts line by line for spans
    if (text.includes('\n')) for (const l of text.split('\n')) this.lines.push(l);
    else this.lines.push(text);
  }

  /** Adds ` # comment` to the last line (a comment written after a block's `}` or a command). */
  trailing(comment: string | undefined): void {
    if (comment === undefined || !this.lines.length) return;
    this.lines[this.lines.length - 1] += ` ${printCommentLine({ text: comment })}`;
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

/** Data type names nft lays out several per line in `elements = { ... }`, and how many. */
const ELEMENTS_PER_LINE: Record<string, number> = {
  nf_proto: 5, integer: 5, arp_op: 5, inet_proto: 5, inet_service: 5, tcp_flag: 5, dccp_pkttype: 5, mark: 5,
  iface_index: 5, classid: 5, uid: 5, gid: 5, ct_dir: 5,
  ipv4_addr: 2, ct_state: 2, ct_status: 2, pkttype: 2,
};

/** The data type of a `typeof` selector, as far as the element layout needs it. */
function selectorType(e: Expr): string {
  if (e.kind !== 'selector') return e.kind === 'func' ? 'integer' : 'other';
  const p = e.path.join(' ');
  const last = e.path[e.path.length - 1] ?? '';
  if (/^(ip|ct (original|reply) ip) (saddr|daddr)$/.test(p) || p === 'arp saddr ip' || p === 'arp daddr ip') return 'ipv4_addr';
  if (/(^|\s)ip6 (saddr|daddr)$/.test(p)) return 'ipv6_addr';
  if (/^(tcp|udp|udplite|sctp|dccp|th) (sport|dport)$/.test(p)) return 'inet_service';
  if (p === 'meta mark' || p === 'mark' || p === 'ct mark') return 'mark';
  if (p === 'meta l4proto' || p === 'ip protocol' || p === 'ip6 nexthdr' || p === 'meta protocol') return p === 'meta protocol' ? 'ether_type' : 'inet_proto';
  if (p === 'meta nfproto') return 'nf_proto';
  if (/^(meta )?(iif|oif)$/.test(p)) return 'iface_index';
  if (/(ifname|iifname|oifname|name|helper|ibrname|obrname)$/.test(last)) return 'string';
  if (p === 'tcp flags') return 'tcp_flag';
  if (p === 'ct state') return 'ct_state';
  if (p === 'ct status') return 'ct_status';
  if (/^(meta )?pkttype$/.test(p)) return 'pkttype';
  if (p === 'ct direction') return 'ct_dir';
  if (/^(meta )?skuid$/.test(p)) return 'uid';
  if (/^(meta )?skgid$/.test(p)) return 'gid';
  if (p === 'meta priority') return 'classid';
  if (p === 'arp operation') return 'arp_op';
  if (p === 'dccp type') return 'dccp_pkttype';
  if (/(saddr|daddr)$/.test(last) && (e.path[0] === 'ether' || e.path.includes('ether'))) return 'ether_addr';
  if (/^(saddr|daddr|nexthop)$/.test(last)) return 'other';
  return 'integer';
}

function elementsPerLine(s: SetDecl): number {
  if (s.kind === 'map') return 1;
  if (s.elements?.some((e) => e.kind === 'elem' && e.options.some((o) => o.stmt !== undefined))) return 1;
  let type: string | undefined;
  if (s.type) type = s.type.length === 1 ? s.type[0] : undefined;
  else if (s.typeofExpr) type = s.typeofExpr.kind === 'concat' ? undefined : selectorType(s.typeofExpr);
  return (type && ELEMENTS_PER_LINE[type]) || 1;
}

/** `elements = { a, b,\n\t\t\t     c }` laid out like nft: a fixed count per line by data type. */
function hasComments(elements: Expr[]): boolean {
  return elements.some((e) => e.trailingComment !== undefined || e.leadingComments?.length);
}

/** Elements one per line with their comments (`10.0.0.1, # office`), for sets that carry comments. */
function commentedElements(elements: Expr[], indent: string): string[] {
  const lines: string[] = [];
  elements.forEach((e, i) => {
    for (const c of e.leadingComments ?? []) lines.push(`${indent}${printCommentLine({ text: c })}`);
    const comma = i < elements.length - 1 ? ',' : '';
    const trailing = e.trailingComment !== undefined ? ` ${printCommentLine({ text: e.trailingComment })}` : '';
    lines.push(`${indent}${printExpr(e)}${comma}${trailing}`);
  });
  return lines;
}

function printElements(s: SetDecl, indent: string): string {
  if (hasComments(s.elements ?? [])) return `${indent}elements = {\n${commentedElements(s.elements ?? [], `${indent}\t`).join('\n')}\n${indent}}`;
  const items = (s.elements ?? []).map(printExpr);
  const per = elementsPerLine(s);
  const rows: string[] = [];
  for (let i = 0; i < items.length; i += per) rows.push(items.slice(i, i + per).join(', '));
  const cont = `,\n${indent}\t     `;
  return `${indent}elements = { ${rows.join(cont)} }`;
}

function printSetBlock(s: SetDecl, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  const before = (attr: string): void => {
    for (const c of s.commentsBefore?.[attr] ?? []) out.push(`${i2}${printCommentLine({ text: c })}`);
  };
  const line = (attr: string, text: string): void => {
    before(attr);
    const c = s.attributeComments?.[attr];
    out.push(c !== undefined ? `${i2}${text}\t${printCommentLine({ text: c })}` : `${i2}${text}`);
  };
  out.push(`${indent}${s.kind} ${printName(s.name)} {`);
  const typeof_ = s.typeofExpr ? `typeof ${printExpr(s.typeofExpr)}` : s.type ? `type ${s.type.join(' . ')}` : undefined;
  let data = '';
  if (s.kind === 'map') {
    const interval = s.dataInterval ? 'interval ' : '';
    if (s.dataTypeofExpr) data = ` : ${interval}${printExpr(s.dataTypeofExpr)}`;
    else if (s.dataType) data = ` : ${interval}${s.dataType.join(' . ')}`;
  }
  if (typeof_) line(s.typeofExpr ? 'typeof' : 'type', `${typeof_}${data}`);
  if (s.policy) line('policy', `policy ${s.policy}`);
  if (s.size !== undefined) line('size', `size ${s.size}`);
  if (s.flags?.length) line('flags', `flags ${s.flags.join(',')}`);
  const stmts = (s.stmts ?? []).map(printStmt);
  if (s.counter && !stmts.includes('counter')) stmts.unshift('counter');
  if (stmts.length) line(s.stmts?.[0]?.kind === 'keyword' ? s.stmts[0].keyword : 'counter', stmts.join(' '));
  if (s.timeout) line('timeout', `timeout ${s.timeout}`);
  if (s.gcInterval) line('gc-interval', `gc-interval ${s.gcInterval}`);
  if (s.autoMerge) line('auto-merge', 'auto-merge');
  if (s.comment !== undefined) line('comment', `comment ${quote(s.comment)}`);
  if (s.elements?.length) {
    before('elements');
    const text = printElements(s, i2);
    const c = s.attributeComments?.['elements'];
    out.push(c !== undefined ? `${text}\t${printCommentLine({ text: c })}` : text);
  }
  before('}');
  out.push(`${indent}}`);
  out.span(s, start);
}

function printChainBlock(c: Chain, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  out.push(`${indent}chain ${printName(c.name)} {`);
  if (c.comment !== undefined) out.push(`${i2}comment ${quote(c.comment)}`);
  if (c.base || c.policy !== undefined) {
    const spec = c.base ? printBaseChainSpec(c.base) : '';
    const pol = c.policy !== undefined ? `policy ${printPolicy(c.policy)};` : '';
    out.push(`${i2}${[spec, pol].filter(Boolean).join(' ')}`);
  }
  if (c.flags?.length) out.push(`${i2}flags ${c.flags.join(',')}`);
  c.rules.forEach((r, i) => {
    // a blank line the author left between two rules stays (one); nft's own listings have none
    const prev = c.rules[i - 1];
    if (prev?.range && r.range && r.range.start.line - prev.range.end.line > 1) out.push('');
    const rs = out.line;
    const text = r.kind === 'comment-line' ? printCommentLine(r) : printRuleLine(r);
    for (const l of text.split('\n')) out.push(`${i2}${l}`);
    out.span(r, rs);
  });
  out.push(`${indent}}`);
  out.span(c, start);
}

function printFlowtableBlock(f: Flowtable, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  const before = (key: string): void => {
    for (const c of f.commentsBefore?.[key] ?? []) out.push(`${i2}${printCommentLine({ text: c })}`);
  };
  out.push(`${indent}flowtable ${printName(f.name)} {`);
  if (f.hook) {
    before('hook');
    out.push(`${i2}hook ${f.hook}${f.priority ? ` priority ${printExpr(f.priority)}` : ''}`);
  }
  if (f.devices) {
    before('devices');
    out.push(`${i2}devices = ${printExpr(f.devices)}`);
  }
  if (f.flags?.length) {
    before('flags');
    out.push(`${i2}flags ${f.flags.join(',')}`);
  }
  if (f.counter) {
    before('counter');
    out.push(`${i2}counter`);
  }
  before('}');
  out.push(`${indent}}`);
  out.span(f, start);
}

function printObjectBlock(o: ObjectDecl, out: Out, indent: string): void {
  const start = out.line;
  const i2 = indent + '\t';
  const before = (key: string): void => {
    for (const c of o.commentsBefore?.[key] ?? []) out.push(`${i2}${printCommentLine({ text: c })}`);
  };
  out.push(`${indent}${o.objType} ${printName(o.name)} {`);
  if (o.comment !== undefined) {
    before('comment');
    out.push(`${i2}comment ${quote(o.comment)}`);
  }
  o.body.forEach((line, i) => {
    before(String(i));
    out.push(`${i2}${line.map(printArg).join(' ')}`);
  });
  before('}');
  out.push(`${indent}}`);
  out.span(o, start);
}

function printTableItem(item: TableItem, out: Out, indent: string): void {
  printTableItemBlock(item, out, indent);
  if (item.kind !== 'comment-line') out.trailing(item.trailingComment);
}

function printTableItemBlock(item: TableItem, out: Out, indent: string): void {
  switch (item.kind) {
    case 'define':
    case 'redefine':
    case 'undefine':
    case 'include': {
      out.push(`${indent}${printDefineOrInclude(item)}`);
      return;
    }
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
      out.push(`${indent}${printCommentLine(item)}`);
      return out.span(item, s);
    }
  }
}

function printTableBlock(t: Table, out: Out): void {
  const start = out.line;
  out.push(`table ${t.implicitFamily ? '' : `${t.family} `}${printName(t.name)} {`);
  if (t.comment !== undefined) out.push(`\tcomment ${quote(t.comment)}`);
  if (t.flags?.length) out.push(`\tflags ${t.flags.join(',')}`);
  const header = t.comment !== undefined || !!t.flags?.length;
  const line = (k: TableItem['kind']) => k === 'comment-line' || k === 'define' || k === 'redefine' || k === 'undefine' || k === 'include';
  t.items.forEach((item, i) => {
    // nft separates blocks inside a table by a blank line; comment lines stick to what follows, defines stay together.
    const prev = t.items[i - 1];
    if (prev ? prev.kind !== 'comment-line' && !(line(prev.kind) && line(item.kind)) : header) out.push('');
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
  const head = `${t.family} ${printName(t.name)}`;
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
        out.push(`add chain ${head} ${printName(item.name)}${spec ? ` ${spec}` : ''}`);
        break;
      }
      case 'set':
      case 'map': {
        const inner = new Out();
        printSetBlock({ ...item, elements: undefined, attributeComments: undefined, commentsBefore: undefined }, inner, '');
        const body = inner
          .text()
          .split('\n')
          .slice(1, -2)
          .map((l) => l.trim())
          .filter(Boolean)
          .join('; ');
        out.push(`add ${item.kind} ${head} ${printName(item.name)} { ${body}; }`);
        if (item.elements?.length) out.push(`add element ${head} ${printName(item.name)} { ${item.elements.map(printExpr).join(', ')} }`);
        break;
      }
      case 'flowtable': {
        const parts: string[] = [];
        if (item.hook) parts.push(`hook ${item.hook}${item.priority ? ` priority ${printExpr(item.priority)}` : ''};`);
        if (item.devices) parts.push(`devices = ${printExpr(item.devices)};`);
        if (item.flags?.length) parts.push(`flags ${item.flags.join(',')};`);
        if (item.counter) parts.push('counter;');
        out.push(`add flowtable ${head} ${printName(item.name)} { ${parts.join(' ')} }`);
        break;
      }
      case 'object': {
        const body = item.body.map((l) => `${l.map(printArg).join(' ')};`);
        if (item.comment !== undefined) body.push(`comment ${quote(item.comment)};`);
        out.push(`add ${item.objType} ${head} ${printName(item.name)} { ${body.join(' ')} }`);
        break;
      }
      case 'comment-line':
        out.push(printCommentLine(item));
        break;
      case 'define':
      case 'redefine':
      case 'undefine':
      case 'include':
        out.push(printDefineOrInclude(item));
        continue;
    }
    out.span(item, s);
  }
  for (const item of t.items) {
    if (item.kind !== 'chain') continue;
    for (const r of item.rules) {
      const s = out.line;
      if (r.kind === 'comment-line') out.push(`# ${r.text}`);
      else if (r.disabled !== undefined) out.push(`# ${r.disabled}`);
      else out.push(`add rule ${head} ${printName(item.name)} ${printRuleBody(r, { canonical: canonicalOutput })}`);
      out.span(r, s);
    }
  }
  out.span(t, start);
}

export function printCommand(c: CommandStmt): string {
  const parts: string[] = c.implicit ? [c.object] : [c.verb, c.object];
  if (c.object === 'ruleset' || c.extra || (c.table === undefined && c.position === undefined)) {
    if (c.family) parts.push(c.family);
    if (c.extra) parts.push(...c.extra);
    return parts.join(' ');
  }
  if (c.table !== undefined) parts.push(`${fam(c.family)}${printName(c.table)}`);
  else if (c.family) parts.push(c.family);
  if (c.name !== undefined) parts.push(printName(c.name));
  if (c.newName !== undefined) parts.push(printName(c.newName));
  if (c.position) parts.push(`${c.position.key} ${c.position.value}`);
  if (c.rule) parts.push(printRuleBody(c.rule, { canonical: canonicalOutput }));
  if (c.elements) parts.push(printExpr({ kind: 'set', elements: c.elements }));
  if (c.decl) {
    const d = c.decl;
    if (d.kind === 'chain' && !d.rules.length) {
      const spec = chainSpecInline(d);
      if (spec) parts.push(spec);
    } else if (
      ((d.kind === 'set' || d.kind === 'map') && (d.commentsBefore || d.attributeComments || hasComments(d.elements ?? []))) ||
      ((d.kind === 'flowtable' || d.kind === 'object') && d.commentsBefore)
    ) {
      // comments inside: the block on its own lines, so they stay where they were
      const inner = new Out();
      printTableItemBlock({ ...d, name: '' }, inner, '');
      const lines = inner.text().replace(/\n$/, '').split('\n');
      lines[0] = '{';
      parts.push(lines.join('\n'));
    } else if (d.kind === 'set' || d.kind === 'map' || d.kind === 'flowtable' || d.kind === 'object') {
      const inner = new Out();
      const decl = d.kind === 'set' || d.kind === 'map' ? { ...d, elements: undefined, attributeComments: undefined } : d;
      printTableItem(decl, inner, '');
      const body = inner
        .text()
        .split('\n')
        .slice(1, -2)
        .map((l) => l.trim())
        .filter(Boolean);
      if ((d.kind === 'set' || d.kind === 'map') && d.elements?.length) body.push(`elements = ${printExpr({ kind: 'set', elements: d.elements })}`);
      parts.push(body.length ? `{ ${body.join('; ')}; }` : '{ }');
    } else if (d.kind === 'table' && !d.items.length) {
      const opts: string[] = [];
      if (d.flags?.length) opts.push(`flags ${d.flags.join(',')};`);
      if (d.comment !== undefined) opts.push(`comment ${quote(d.comment)};`);
      if (opts.length) parts.push(`{ ${opts.join(' ')} }`);
    } else {
      // a declaration with contents (`add table ip t { chain c { ... } }`): the nested block after the command words
      const inner = new Out();
      if (d.kind === 'table') printTableBlock({ ...d, implicitFamily: true, name: '' }, inner);
      else if (d.kind === 'chain') printChainBlock({ ...d, name: '' }, inner, '');
      const lines = inner.text().replace(/\n$/, '').split('\n');
      lines[0] = '{';
      parts.push(lines.join('\n'));
    }
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------- files

function printTopLevel(item: TopLevel, out: Out, style: 'ruleset' | 'script'): void {
  printTopLevelItem(item, out, style);
  if (item.kind !== 'comment-line') out.trailing(item.trailingComment);
}

function printTopLevelItem(item: TopLevel, out: Out, style: 'ruleset' | 'script'): void {
  switch (item.kind) {
    case 'table':
      return style === 'script' ? printTableScript(item, out) : printTableBlock(item, out);
    case 'define':
    case 'redefine':
    case 'undefine':
    case 'include':
      out.push(printDefineOrInclude(item));
      return;
    case 'command':
      out.push(printCommand(item));
      return;
    case 'comment-line':
      out.push(printCommentLine(item));
      return;
  }
}

/** Set for the duration of one printNftFile call (printing is synchronous). */
let canonicalOutput = false;

function printDefineOrInclude(item: Define | Include): string {
  if (item.kind === 'include') return `include ${quote(item.path)}`;
  if (item.kind === 'undefine') return `undefine ${item.name}`;
  return `${item.kind} ${item.name} = ${item.value ? printExpr(item.value) : ''}`;
}

export function printNftFile(file: NftFile, opts: PrintOptions = {}): Printed {
  const previous = canonicalOutput;
  canonicalOutput = opts.canonical ?? false;
  try {
    return printFile(file, opts);
  } finally {
    canonicalOutput = previous;
  }
}

function printFile(file: NftFile, opts: PrintOptions): Printed {
  const out = new Out();
  const style = opts.style ?? 'ruleset';
  for (const h of opts.header ?? []) out.push(h.startsWith('#') ? h : `# ${h}`);
  if (opts.flushRuleset && style === 'ruleset') out.push('flush ruleset');
  for (const item of file.items) printTopLevel(item, out, style);
  return { text: out.text(), spans: out.spans };
}
