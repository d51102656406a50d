/** Small constructors for nft AST nodes, so translators read like the nft they produce. */
import type { Range } from '../ast/common';
import type { Arg, AssignStmt, Expr, KeywordStmt, LiteralExpr, RelOp, RelationalStmt, SelectorExpr, Stmt, VerdictName, VerdictStmt } from '../ast/nft';

const selectors = new Map<string, SelectorExpr>();

/** A selector; shared between rules (selectors are never mutated). */
export function sel(path: string): SelectorExpr {
  let s = selectors.get(path);
  if (!s) selectors.set(path, (s = Object.freeze({ kind: 'selector', path: Object.freeze(path.split(' ')) as string[] }) as SelectorExpr));
  return s;
}

export function lit(text: string | number, quoted = false): LiteralExpr {
  return quoted ? { kind: 'literal', text: String(text), quoted: true } : { kind: 'literal', text: String(text) };
}

export function str(text: string): LiteralExpr {
  return { kind: 'literal', text, quoted: true };
}

type ExprLike = Expr | string | number;

export function expr(e: ExprLike): Expr {
  return typeof e === 'object' ? e : typeof e === 'number' ? lit(e) : lit(e);
}

function left(l: ExprLike): Expr {
  return typeof l === 'string' ? sel(l) : expr(l);
}

/** `left [op] right`; `left` as a string is a selector path (`tcp dport`). */
export function rel(l: ExprLike, right: ExprLike, op?: RelOp | string, origin?: Range): RelationalStmt {
  const s: RelationalStmt = { kind: 'relational', left: left(l), right: expr(right) };
  if (op) {
    if (op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=' || op === '!') s.op = op;
    else {
      s.op = '==';
      s.spelling = op;
    }
  }
  if (origin) s.origin = origin;
  return s;
}

/** `left == right` or `left != right`, implicit equality when not negated. */
export function eq(l: ExprLike, right: ExprLike, negated: boolean, origin?: Range): RelationalStmt {
  return rel(l, right, negated ? '!=' : undefined, origin);
}

export function assign(l: ExprLike, value: ExprLike, origin?: Range): AssignStmt {
  const s: AssignStmt = { kind: 'assign', left: left(l), value: expr(value) };
  if (origin) s.origin = origin;
  return s;
}

/** A keyword statement; `args` are printed in order (`['to', '1.2.3.4']` → `to 1.2.3.4`). */
export function kw(keyword: string, args: (Arg | string)[] = [], origin?: Range): KeywordStmt {
  const s: KeywordStmt = { kind: 'keyword', keyword, args: args.length === 0 ? [] : args.map((a) => (typeof a === 'string' ? { key: a } : a)) };
  if (origin) s.origin = origin;
  return s;
}

/** Raw nft text for forms without a dedicated node (printed verbatim). */
export function raw(text: string, origin?: Range): KeywordStmt {
  return origin ? { kind: 'keyword', keyword: text, args: [], origin } : { kind: 'keyword', keyword: text, args: [] };
}

export function verdict(v: VerdictName, chain?: string, origin?: Range): VerdictStmt {
  const s: VerdictStmt = chain !== undefined ? { kind: 'verdict', verdict: v, chain: lit(chain) } : { kind: 'verdict', verdict: v };
  if (origin) s.origin = origin;
  return s;
}

export function binop(op: '&' | '|' | '^' | '<<' | '>>', l: ExprLike, r: ExprLike, spelling?: string): Expr {
  const e: Expr = { kind: 'binop', op, left: left(l), right: expr(r) };
  if (spelling) e.spelling = spelling;
  return e;
}

export function set(items: ExprLike[]): Expr {
  return { kind: 'set', elements: items.map(expr) };
}

export function withOrigin<T extends Stmt>(s: T, origin: Range | undefined): T {
  if (origin && !s.origin) s.origin = origin;
  return s;
}

export function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}
