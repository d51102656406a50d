/**
 * Outline, folding ranges and the name index of an nft file, from the parser's AST plus
 * the token stream: the AST says what is declared where, the tokens give the exact
 * position of every name (the AST keeps names as strings).
 */
import type { Range } from '../convert/ast/common';
import type { Chain, CommandStmt, Define, Flowtable, NftFile, ObjectDecl, Rule, SetDecl, Table, TableItem } from '../convert/ast/nft';
import { scanNft, type Token } from './nft-scan';
import type { FoldRange, NameKind, NameOccurrence, OutlineKind, OutlineSymbol } from './model';
import { comparePositions, LineIndex, shorten } from './text';

const FAMILIES = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
const NAME_TYPES = new Set(['word', 'string']);
const OBJECT_STMTS = new Set(['counter', 'quota', 'limit', 'synproxy', 'secmark', 'tunnel']);
const CT_OBJECTS = new Set(['helper', 'timeout', 'expectation']);

function unquote(image: string): string {
  return image.length >= 2 && image.startsWith('"') && image.endsWith('"') ? image.slice(1, -1) : image;
}

/** Range of a name token without its quotes. */
function nameRange(lines: LineIndex, t: Token): Range {
  const quoted = t.kind === 'string';
  const start = t.start + (quoted ? 1 : 0);
  const end = t.start + t.image.length - (quoted ? 1 : 0);
  return lines.range(start, end);
}

export function scopeOf(family: string | undefined, table: string): string {
  return `${family ?? 'ip'} ${table}`;
}

/** Tokens of the file (comments, newlines and punctuation included) with a lookup by offset. */
export class NftTokens {
  readonly tokens: Token[];

  constructor(readonly lines: LineIndex) {
    this.tokens = scanNft(lines.text);
  }

  /** Index of the first token starting at or after `offset`. */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Tokens from `start` up to the first `{`, newline, `;` or `}`: the header of a declaration or command. */
  header(start: Range['start']): Token[] {
    const out: Token[] = [];
    for (let i = this.indexAt(this.lines.offset(start)); i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind === 'lcurly' || t.kind === 'newline' || t.kind === 'semicolon' || t.kind === 'rcurly' || t.kind === 'comment') break;
      out.push(t);
    }
    return out;
  }
}

/** The last header token spelling `name`: for `chain input {`, `add chain inet t input {`, `ct helper ftp {`. */
function declNameToken(tokens: NftTokens, range: Range | undefined, name: string): Token | undefined {
  if (!range) return undefined;
  const header = tokens.header(range.start);
  for (let i = header.length - 1; i >= 0; i--) {
    const t = header[i]!;
    if (NAME_TYPES.has(t.kind) && unquote(t.image) === name) return t;
  }
  return undefined;
}

/** Family, table and object name tokens of a command header (`add rule inet t c ...`, `flush chain ip t c`). */
function commandTokens(tokens: NftTokens, cmd: CommandStmt): { table?: Token; name?: Token } {
  if (!cmd.range) return {};
  const header = tokens.header(cmd.range.start);
  let i = cmd.implicit ? 0 : 1; // the verb
  i += cmd.object.startsWith('ct ') ? 2 : 1;
  if (header[i] && cmd.family && header[i]!.image === cmd.family) i++;
  const table = header[i];
  const name = header[i + 1];
  const out: { table?: Token; name?: Token } = {};
  if (table && cmd.table !== undefined && unquote(table.image) === cmd.table) out.table = table;
  if (name && cmd.name !== undefined && unquote(name.image) === cmd.name) out.name = name;
  return out;
}

function ruleText(tokens: NftTokens, rule: Rule): string {
  if (!rule.range) return 'rule';
  const r = rule.range;
  return tokens.lines.text.slice(tokens.lines.offset(r.start), tokens.lines.offset(r.end));
}

function chainDetail(chain: Chain): string {
  const parts: string[] = [];
  if (chain.base) {
    const prio = chain.base.priority.kind === 'literal' ? chain.base.priority.text : '…';
    parts.push(`${chain.base.type} ${chain.base.hook} ${prio}`.trim());
  }
  if (typeof chain.policy === 'string') parts.push(`policy ${chain.policy}`);
  const n = chain.rules.filter((r) => r.kind === 'rule').length;
  parts.push(`${n} rule${n === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

function setDetail(set: SetDecl): string {
  const type = set.type?.join(' . ') ?? (set.typeofExpr ? 'typeof …' : '');
  const data = set.dataType ? ` : ${set.dataType.join(' . ')}` : '';
  const n = set.elements?.length;
  return `${type}${data}${n !== undefined ? ` · ${n} element${n === 1 ? '' : 's'}` : ''}`.trim();
}

export interface NftIndex {
  outline: OutlineSymbol[];
  folds: FoldRange[];
  names: NameOccurrence[];
  ruleCount: number;
}

export function indexNft(file: NftFile, lines: LineIndex, tokens = new NftTokens(lines)): NftIndex {
  const names: NameOccurrence[] = [];
  const outline: OutlineSymbol[] = [];
  let ruleCount = 0;
  /** Top-level items with their scope, for the token scan below. */
  const scopes: { start: number; end: number; scope: string }[] = [];

  const declare = (kind: NameKind, name: string, scope: string, tok: Token | undefined, declRange: Range | undefined, detail: string) => {
    if (!tok) return;
    names.push({ kind, name, scope, range: nameRange(lines, tok), declaration: true, ...(declRange ? { declarationRange: declRange } : {}), detail });
  };
  const refer = (kind: NameKind, name: string, scope: string, tok: Token | undefined) => {
    if (tok) names.push({ kind, name, scope, range: nameRange(lines, tok), declaration: false });
  };

  const symbolFor = (kind: OutlineKind, name: string, detail: string, range: Range | undefined, tok: Token | undefined, children: OutlineSymbol[] = []): OutlineSymbol | undefined => {
    if (!range) return undefined;
    const selectionRange = tok ? nameRange(lines, tok) : { start: range.start, end: range.start };
    return { name, detail, kind, range, selectionRange, children };
  };

  const rulesOutline = (rules: Chain['rules']): OutlineSymbol[] => {
    const out: OutlineSymbol[] = [];
    for (const r of rules) {
      if (r.kind !== 'rule' || !r.range) continue;
      ruleCount++;
      const range = r.range;
      out.push({ name: shorten(ruleText(tokens, r), 90), detail: '', kind: 'rule', range, selectionRange: range, children: [] });
    }
    return out;
  };

  const tableItem = (item: TableItem, scope: string): OutlineSymbol | undefined => {
    switch (item.kind) {
      case 'chain': {
        const tok = declNameToken(tokens, item.range, item.name);
        declare('chain', item.name, scope, tok, item.range, item.base ? 'base chain' : 'chain');
        return symbolFor('chain', item.name, chainDetail(item), item.range, tok, rulesOutline(item.rules));
      }
      case 'set':
      case 'map': {
        const tok = declNameToken(tokens, item.range, item.name);
        declare('set', item.name, scope, tok, item.range, item.kind);
        return symbolFor(item.kind, item.name, setDetail(item), item.range, tok);
      }
      case 'flowtable': {
        const tok = declNameToken(tokens, item.range, item.name);
        declare('set', item.name, scope, tok, item.range, 'flowtable');
        return symbolFor('flowtable', item.name, item.hook ? `hook ${item.hook}` : '', item.range, tok);
      }
      case 'object': {
        const tok = declNameToken(tokens, item.range, item.name);
        declare('object', item.name, scope, tok, item.range, item.objType);
        return symbolFor('object', item.name, item.objType, item.range, tok);
      }
      default:
        return undefined;
    }
  };

  const table = (t: Table, tok: Token | undefined, range: Range | undefined): OutlineSymbol | undefined => {
    const scope = scopeOf(t.family, t.name);
    declare('table', t.name, t.family, tok, range, `table ${t.family}`);
    const children: OutlineSymbol[] = [];
    for (const item of t.items) {
      const s = tableItem(item, scope);
      if (s) children.push(s);
    }
    return symbolFor('table', t.name, t.family, range, tok, children);
  };

  /** Command-style items grouped by table, then by chain, so the Outline reads like a nested ruleset. */
  const commandTables = new Map<string, { table: OutlineSymbol; chains: Map<string, OutlineSymbol> }>();
  const commandTable = (cmd: CommandStmt, tok: Token | undefined, range: Range) => {
    const scope = scopeOf(cmd.family, cmd.table ?? '');
    let entry = commandTables.get(scope);
    if (!entry) {
      const sel = tok ? nameRange(lines, tok) : { start: range.start, end: range.start };
      entry = { table: { name: cmd.table ?? '', detail: cmd.family ?? 'ip', kind: 'table', range, selectionRange: sel, children: [] }, chains: new Map() };
      commandTables.set(scope, entry);
      outline.push(entry.table);
    }
    entry.table.range = cover(entry.table.range, range);
    return entry;
  };

  for (const item of file.items) {
    switch (item.kind) {
      case 'table': {
        if (item.range) scopes.push({ start: lines.offset(item.range.start), end: lines.offset(item.range.end), scope: scopeOf(item.family, item.name) });
        const header = tokens.header(item.range!.start);
        const tok = header.find((t, i) => i > 0 && !FAMILIES.has(t.image) && unquote(t.image) === item.name) ?? declNameToken(tokens, item.range, item.name);
        const s = table(item, tok, item.range);
        if (s) outline.push(s);
        break;
      }
      case 'define':
      case 'redefine':
      case 'undefine': {
        const d = item as Define;
        const header = d.range ? tokens.header(d.range.start) : [];
        const tok = header[1];
        if (d.kind === 'undefine') {
          refer('variable', d.name, '', tok);
          break;
        }
        declare('variable', d.name, '', tok, d.range, d.kind);
        const value = d.range ? lines.text.slice(lines.offset(d.range.start), lines.offset(d.range.end)).replace(/^\s*\S+\s+\S+\s*=\s*/, '') : '';
        const s = symbolFor('variable', `$${d.name}`, shorten(value, 60), d.range, tok);
        if (s) outline.push(s);
        break;
      }
      case 'include': {
        const s = symbolFor('include', item.path, 'include', item.range, undefined);
        if (s) outline.push(s);
        break;
      }
      case 'command': {
        const cmd = item;
        if (!cmd.range) break;
        const { table: tableTok, name: nameTok } = commandTokens(tokens, cmd);
        if (cmd.table === undefined) break;
        const scope = scopeOf(cmd.family, cmd.table);
        scopes.push({ start: lines.offset(cmd.range.start), end: lines.offset(cmd.range.end), scope });
        if (cmd.object === 'table') {
          if (cmd.decl?.kind === 'table') {
            const s = table(cmd.decl, tableTok, cmd.range);
            if (s) outline.push(s);
          } else if (cmd.verb === 'add' || cmd.verb === 'create') {
            declare('table', cmd.table, cmd.family ?? 'ip', tableTok, cmd.range, `table ${cmd.family ?? 'ip'}`);
            commandTable(cmd, tableTok, cmd.range);
          } else refer('table', cmd.table, cmd.family ?? 'ip', tableTok);
          break;
        }
        refer('table', cmd.table, cmd.family ?? 'ip', tableTok);
        const entry = commandTable(cmd, tableTok, cmd.range);
        const declaring = cmd.verb === 'add' || cmd.verb === 'create';
        if (cmd.decl && cmd.decl.kind !== 'table') {
          // `add chain/set/map/flowtable/counter … { … }`: declared here, name token from the command header.
          const decl = cmd.decl as Chain | SetDecl | Flowtable | ObjectDecl;
          const kind: NameKind = decl.kind === 'chain' ? 'chain' : decl.kind === 'object' ? 'object' : 'set';
          declare(kind, decl.name, scope, nameTok, cmd.range, decl.kind === 'object' ? decl.objType : decl.kind);
          const sym = tableItemSymbol(decl, nameTok, cmd.range);
          if (sym) {
            entry.table.children.push(sym);
            if (decl.kind === 'chain') entry.chains.set(decl.name, sym);
          }
          break;
        }
        if (cmd.name === undefined) break;
        const kind: NameKind | undefined = cmd.object === 'chain' ? 'chain' : cmd.object === 'rule' ? 'chain'
          : cmd.object === 'set' || cmd.object === 'map' || cmd.object === 'element' || cmd.object === 'flowtable' ? 'set'
          : OBJECT_STMTS.has(cmd.object) || cmd.object.startsWith('ct ') ? 'object' : undefined;
        if (!kind) break;
        if (declaring && cmd.object !== 'rule' && cmd.object !== 'element') {
          declare(kind, cmd.name, scope, nameTok, cmd.range, cmd.object);
          if (cmd.object === 'chain') {
            const sym: OutlineSymbol = { name: cmd.name, detail: 'chain', kind: 'chain', range: cmd.range, selectionRange: nameTok ? nameRange(lines, nameTok) : cmd.range, children: [] };
            entry.table.children.push(sym);
            entry.chains.set(cmd.name, sym);
          }
        } else refer(kind, cmd.name, scope, nameTok);
        if (cmd.object === 'rule' && cmd.rule && (cmd.verb === 'add' || cmd.verb === 'insert' || cmd.verb === 'replace' || cmd.verb === 'create')) {
          ruleCount++;
          let chainSym = entry.chains.get(cmd.name);
          if (!chainSym) {
            chainSym = { name: cmd.name, detail: 'chain', kind: 'chain', range: cmd.range, selectionRange: nameTok ? nameRange(lines, nameTok) : cmd.range, children: [] };
            entry.table.children.push(chainSym);
            entry.chains.set(cmd.name, chainSym);
          }
          chainSym.range = cover(chainSym.range, cmd.range);
          chainSym.children.push({ name: shorten(ruleText(tokens, cmd.rule), 90), detail: '', kind: 'rule', range: cmd.range, selectionRange: cmd.range, children: [] });
        }
        break;
      }
    }
  }

  function tableItemSymbol(decl: Chain | SetDecl | Flowtable | ObjectDecl, tok: Token | undefined, range: Range): OutlineSymbol | undefined {
    switch (decl.kind) {
      case 'chain': return symbolFor('chain', decl.name, chainDetail(decl), range, tok, rulesOutline(decl.rules));
      case 'set':
      case 'map': return symbolFor(decl.kind, decl.name, setDetail(decl), range, tok);
      case 'flowtable': return symbolFor('flowtable', decl.name, decl.hook ? `hook ${decl.hook}` : '', range, tok);
      case 'object': return symbolFor('object', decl.name, decl.objType, range, tok);
    }
  }

  scanReferences(tokens, scopes, names, lines);
  names.sort((a, b) => comparePositions(a.range.start, b.range.start));
  return { outline, folds: nftFolds(tokens), names, ruleCount };
}

function cover(a: Range, b: Range): Range {
  return {
    start: comparePositions(a.start, b.start) <= 0 ? a.start : b.start,
    end: comparePositions(a.end, b.end) >= 0 ? a.end : b.end,
  };
}

/** `jump X`, `goto X`, `@set`, `$var`, `counter name X`, `ct helper set X` anywhere in rules and maps. */
function scanReferences(tokens: NftTokens, scopes: { start: number; end: number; scope: string }[], names: NameOccurrence[], lines: LineIndex): void {
  const toks = tokens.tokens;
  const objectDecls = new Set(names.filter((n) => n.kind === 'object' && n.declaration).map((n) => n.name));
  let s = 0;
  const scopeAt = (offset: number): string | undefined => {
    while (s < scopes.length && scopes[s]!.end < offset) s++;
    const cur = scopes[s];
    return cur && cur.start <= offset && offset <= cur.end ? cur.scope : undefined;
  };
  const push = (kind: NameKind, name: string, scope: string, range: Range) => names.push({ kind, name, scope, range, declaration: false });
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'variable') {
      push('variable', t.image.slice(1), '', lines.range(t.start + 1, t.start + t.image.length));
      continue;
    }
    if (t.kind === 'setref') {
      const scope = scopeAt(t.start);
      if (scope !== undefined) push('set', t.image.slice(1), scope, lines.range(t.start + 1, t.start + t.image.length));
      continue;
    }
    if (t.kind !== 'word') continue;
    const next = toks[i + 1];
    if ((t.image === 'jump' || t.image === 'goto') && next && (next.kind === 'word' || next.kind === 'string')) {
      const scope = scopeAt(t.start);
      if (scope !== undefined) push('chain', unquote(next.image), scope, nameRange(lines, next));
      i++;
      continue;
    }
    if (t.image === 'name' && next && NAME_TYPES.has(next.kind) && OBJECT_STMTS.has(toks[i - 1]?.image ?? '')) {
      const name = unquote(next.image);
      const scope = scopeAt(t.start);
      if (scope !== undefined && (next.kind === 'string' || objectDecls.has(name))) push('object', name, scope, nameRange(lines, next));
      continue;
    }
    if (t.image === 'ct' && CT_OBJECTS.has(next?.image ?? '') && toks[i + 2]?.image === 'set') {
      const value = toks[i + 3];
      const scope = scopeAt(t.start);
      // `ct helper set ip saddr map @h` sets from a map: only a quoted or declared name is an object.
      if (value && NAME_TYPES.has(value.kind) && scope !== undefined && (value.kind === 'string' || objectDecls.has(value.image))) push('object', unquote(value.image), scope, nameRange(lines, value));
      i += 2; // the value is looked at again: it may be a $variable
    }
  }
}

/** Multi-line `{ … }` blocks (the closing brace stays visible) and runs of comment lines. */
export function nftFolds(tokens: NftTokens): FoldRange[] {
  const folds: FoldRange[] = [];
  const open: number[] = [];
  let commentStart = -1;
  let commentEnd = -2;
  const lines = tokens.lines;
  for (const t of tokens.tokens) {
    if (t.kind === 'lcurly') open.push(lines.position(t.start).line);
    else if (t.kind === 'rcurly') {
      const start = open.pop();
      const end = lines.position(t.start).line - 1;
      if (start !== undefined && end > start) folds.push({ startLine: start, endLine: end });
    } else if (t.kind === 'comment') {
      const p = lines.position(t.start);
      if (lines.lineText(p.line).slice(0, p.character).trim() !== '') continue; // trailing comment
      if (p.line === commentEnd + 1) commentEnd = p.line;
      else {
        if (commentEnd > commentStart && commentStart >= 0) folds.push({ startLine: commentStart, endLine: commentEnd, kind: 'comment' });
        commentStart = commentEnd = p.line;
      }
    }
  }
  if (commentEnd > commentStart && commentStart >= 0) folds.push({ startLine: commentStart, endLine: commentEnd, kind: 'comment' });
  return folds.sort((a, b) => a.startLine - b.startLine);
}
