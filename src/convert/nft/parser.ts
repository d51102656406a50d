/**
 * Parser for the nft language over the Chevrotain token stream (lexer.ts). Rule names
 * follow nftables' parser_bison.y: table_block, chain_block, set_block, map_block,
 * flowtable_block, rule, stmt, verdict_stmt, relational_expr, payload_expr...
 *
 * It is a recursive-descent parser driven by the word tables in vocabulary.ts rather than
 * a Chevrotain grammar: nft has hundreds of context-sensitive keywords that are also valid
 * names and values (`meta l4proto tcp tcp dport 22`, a chain called `input`), which an
 * LL(k) token-type grammar cannot tell apart without gates on every alternative.
 *
 * Fault tolerant: every error is a diagnostic with a range and a stable code (codes.ts),
 * and parsing resumes at the next statement, line or block. It never throws on any input.
 */
import type { IToken, TokenType } from 'chevrotain';
import type { Diagnostic, Range } from '../ast/common';
import type {
  Arg,
  BaseChainSpec,
  BinaryOp,
  Chain,
  CommandStmt,
  Define,
  Expr,
  Family,
  Flowtable,
  Include,
  LiteralExpr,
  NftFile,
  ObjectDecl,
  RelOp,
  Rule,
  SetDecl,
  Stmt,
  Table,
  TopLevel,
  VerdictName,
} from '../ast/nft';
import type { NftCode } from './codes';
import { printExpr } from './printer';
import * as lexerModule from './lexer';
import * as vocabularyModule from './vocabulary';
import type {
  KeywordStmtSpec,
} from './vocabulary';

// Plain copies of the imported tables: module namespace objects compiled to CommonJS read
// every export through a getter, which is measurable in this hot loop.
const T = { ...lexerModule } as typeof lexerModule;
const { BINOP_WORDS, EXPR_HEADS, FAMILIES, FREE_VERBS, KEYWORD_STMTS, META_UNQUALIFIED, PAYLOAD_PROTOCOLS, RELOP_WORDS, STMT_KEYWORDS, TUNNEL_PROTOCOLS, UNIT_WORD, VERBS, VERDICTS } = { ...vocabularyModule };

/** A token that passed a type check (branded so a failed check does not narrow a token to `never`). */
type Tok = IToken & { readonly __checked: unique symbol };

/** Thrown inside the parser to abandon the current statement; caught by the line loops. */
class SyntaxAbort extends Error {}

const OBJECT_TYPES = new Set(['counter', 'quota', 'limit', 'secmark', 'synproxy', 'tunnel']);
const CT_OBJECT_TYPES = new Set(['helper', 'timeout', 'expectation']);
const NAME_TOKENS = new Set<TokenType>([T.Word, T.NumberWord, T.QuotedString, T.ColonAddress]);
const VALUE_GLUE = new Set<TokenType>([T.QuotedString, T.Word, T.NumberWord, T.ColonAddress, T.Colon, T.Slash, T.Minus, T.LBracket, T.RBracket, T.Star]);

export interface ParserOutput {
  file: NftFile;
  diagnostics: Diagnostic[];
  /** Comment tokens that no node keeps (inside set literals...): the formatter refuses such files. */
  droppedComments: number;
}

export class NftParser {
  private readonly toks: IToken[];
  private i = 0;
  private readonly lineStarts: number[];
  readonly diagnostics: Diagnostic[] = [];
  droppedComments = 0;
  /** Line of the last position lookup. */
  private lastLine = 0;
  /** A glued value stops before this token index (the `:` before a NAT port, see natTarget). */
  private valueEnd = Infinity;
  /** Off while reading priorities, where `filter - 10` is arithmetic. */
  private spacedRanges = true;
  /** Guard against runaway recursion on hostile input (`((((((...`). */
  private depth = 0;

  constructor(private readonly text: string) {
    this.lineStarts = [0];
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
    const { tokens, invalid } = T.tokenizeNft(text);
    for (const bad of invalid) {
      const r: Range = { start: this.position(bad.offset), end: this.position(bad.offset + bad.length) };
      this.error('nft-invalid-character', `unexpected character${bad.length > 1 ? 's' : ''} '${text.slice(bad.offset, bad.offset + bad.length)}'`, r);
    }
    this.toks = tokens;
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      t.endOffset = t.startOffset + t.image.length - 1; // the lexer tracks start offsets only
      if (t.tokenType === T.UnterminatedString) {
        this.error('nft-unterminated-string', 'unterminated string: a `"` is missing before the end of the line', this.tokRange(t));
        // read it as a closed string so the rest of the line still parses
        tokens[k] = { ...t, tokenType: T.QuotedString, image: t.image + '"' };
      }
    }
  }

  // ---------------------------------------------------------------- positions and diagnostics

  private position(offset: number): { line: number; character: number } {
    // most lookups fall on the line of the previous one
    const cached = this.lastLine;
    const starts = this.lineStarts;
    if (starts[cached]! <= offset && (cached + 1 >= starts.length || offset < starts[cached + 1]!)) return { line: cached, character: offset - starts[cached]! };
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return { line: lo, character: offset - this.lineStarts[lo]! };
  }

  private tokRange(t: IToken): Range {
    return { start: this.position(t.startOffset), end: this.position((t.endOffset ?? t.startOffset) + 1) };
  }

  private span(from: IToken, to: IToken | undefined): Range {
    const end = to ?? from;
    return { start: this.position(from.startOffset), end: this.position((end.endOffset ?? end.startOffset) + 1) };
  }

  private rangeFrom(start: IToken): Range {
    return this.span(start, this.toks[this.i - 1] ?? start);
  }

  private error(code: NftCode, message: string, range: Range): void {
    this.diagnostics.push({ range, severity: 'error', code, message });
  }

  private errorAt(t: IToken | undefined, code: NftCode, message: string): never {
    const range = t ? this.tokRange(t) : this.endRange();
    this.error(code, message, range);
    throw new SyntaxAbort(message);
  }

  private endRange(): Range {
    const p = this.position(this.text.length);
    return { start: p, end: p };
  }

  // ---------------------------------------------------------------- token helpers

  private peek(k = 0): IToken | undefined {
    return this.toks[this.i + k];
  }

  private next(): IToken {
    const t = this.toks[this.i];
    if (!t) this.errorAt(undefined, 'nft-syntax-error', 'unexpected end of file');
    this.i++;
    return t;
  }

  private is(t: IToken | undefined, type: TokenType): t is Tok {
    return t !== undefined && t.tokenType === type;
  }

  private isWord(t: IToken | undefined, image?: string): t is Tok {
    return t !== undefined && t.tokenType === T.Word && (image === undefined || t.image === image);
  }

  private isWordIn(t: IToken | undefined, set: ReadonlySet<string>): t is Tok {
    return t !== undefined && t.tokenType === T.Word && set.has(t.image);
  }

  private glued(a: IToken | undefined, b: IToken | undefined): boolean {
    return a !== undefined && b !== undefined && (a.endOffset ?? a.startOffset) + 1 === b.startOffset;
  }

  private expect(type: TokenType, what: string): IToken {
    const t = this.peek();
    if (!this.is(t, type)) this.errorAt(t, 'nft-syntax-error', `expected ${what}${found(t)}`);
    this.i++;
    return t;
  }

  /** End of a statement line: newline, `;`, `}`, a comment or the end of the file. */
  private atLineEnd(): boolean {
    const t = this.peek();
    return t === undefined || t.tokenType === T.Newline || t.tokenType === T.Semicolon || t.tokenType === T.RCurly || t.tokenType === T.Comment;
  }

  private skipBlank(): void {
    while (this.is(this.peek(), T.Newline) || this.is(this.peek(), T.Semicolon)) this.i++;
  }

  /** Inside `{ }` and `( )` newlines do not end anything; comments there have no node to live in. */
  private skipInsideBraces(): void {
    for (;;) {
      const t = this.peek();
      if (this.is(t, T.Newline)) this.i++;
      else if (this.is(t, T.Comment)) {
        this.droppedComments++;
        this.i++;
      } else return;
    }
  }

  /** After an error: skip to the end of the line/statement, jumping over nested blocks, never past the `}` of the enclosing block. */
  private recover(): void {
    let depth = 0;
    while (this.i < this.toks.length) {
      const t = this.toks[this.i]!;
      if (t.tokenType === T.LCurly || t.tokenType === T.LParen) depth++;
      else if (t.tokenType === T.RCurly || t.tokenType === T.RParen) {
        if (depth === 0) {
          if (t.tokenType === T.RCurly) return;
          this.i++;
          continue;
        }
        depth--;
      } else if (depth === 0 && (t.tokenType === T.Newline || t.tokenType === T.Semicolon)) return;
      this.i++;
    }
  }

  /** A trailing `# comment` on the current line, if any. */
  private trailingComment(): string | undefined {
    const t = this.peek();
    if (this.is(t, T.Comment)) {
      this.i++;
      return commentText(t.image);
    }
    return undefined;
  }

  /** A line must end here: newline, `;`, `}` or end of file. */
  private endLine(): void {
    const t = this.peek();
    if (t === undefined || t.tokenType === T.Newline || t.tokenType === T.Semicolon || t.tokenType === T.RCurly) return;
    if (t.tokenType === T.Comment) return;
    this.errorAt(t, 'nft-syntax-error', `unexpected '${t.image}'`);
  }

  private name(what: string): { text: string; tok: IToken; quoted: boolean } {
    const t = this.peek();
    if (!t || !NAME_TOKENS.has(t.tokenType)) this.errorAt(t, 'nft-expected-name', `expected ${what} name${found(t)}`);
    this.i++;
    if (t.tokenType === T.QuotedString) return { text: t.image.slice(1, -1), tok: t, quoted: true };
    return { text: t.image, tok: t, quoted: false };
  }

  private isNameTok(t: IToken | undefined): boolean {
    return t !== undefined && NAME_TOKENS.has(t.tokenType);
  }

  // ---------------------------------------------------------------- file (input / line in parser_bison.y)

  parseFile(): ParserOutput {
    const items: TopLevel[] = [];
    const start = this.peek();
    while (this.i < this.toks.length) {
      this.skipBlank();
      const t = this.peek();
      if (!t) break;
      if (t.tokenType === T.Comment) {
        this.i++;
        items.push({ kind: 'comment-line', text: commentText(t.image), range: this.tokRange(t) });
        continue;
      }
      if (t.tokenType === T.RCurly) {
        this.error('nft-unexpected-brace', "unexpected '}': no block is open", this.tokRange(t));
        this.i++;
        continue;
      }
      const at = this.i;
      try {
        const item = this.parseLine();
        if (item) {
          const c = this.trailingComment();
          if (c !== undefined) item.trailingComment = c;
          items.push(item);
        }
        this.endLine();
      } catch (e) {
        if (!(e instanceof SyntaxAbort)) throw e;
        this.recover();
        if (this.is(this.peek(), T.RCurly)) {
          this.error('nft-unexpected-brace', "unexpected '}': no block is open", this.tokRange(this.peek()!));
          this.i++;
        }
      }
      if (this.i === at) this.i++; // always make progress
    }
    const last = this.toks[this.toks.length - 1];
    const file: NftFile = { kind: 'nft-file', items };
    file.range = start && last ? this.span(start, last) : { start: { line: 0, character: 0 }, end: this.position(this.text.length) };
    return { file, diagnostics: this.diagnostics, droppedComments: this.droppedComments };
  }

  private parseLine(): TopLevel | undefined {
    const t = this.peek()!;
    if (t.tokenType !== T.Word) this.errorAt(t, 'nft-unknown-command', `unexpected '${t.image}' at the start of a command`);
    switch (t.image) {
      case 'table':
        return this.parseTableOrCommand();
      case 'include':
        return this.parseInclude();
      case 'define':
      case 'redefine':
      case 'undefine':
        return this.parseDefine();
    }
    if (VERBS.has(t.image)) return this.parseCommand();
    if (FREE_VERBS.has(t.image)) {
      // `describe tcp dport`, `monitor trace`, `export json`: words kept as written
      this.i++;
      const extra: string[] = [];
      while (!this.atLineEnd()) extra.push(this.next().image);
      const cmd: CommandStmt = { kind: 'command', verb: t.image as CommandStmt['verb'], object: extra.shift() ?? '', range: this.rangeFrom(t) };
      if (extra.length) cmd.extra = extra;
      return cmd;
    }
    if (isCommandObject(t.image, this.peek(1))) return this.parseCommandBody(t, 'add', true);
    this.errorAt(t, 'nft-unknown-command', `unknown command '${t.image}'`);
  }

  private parseInclude(): Include {
    const kw = this.next();
    const p = this.peek();
    if (!this.is(p, T.QuotedString)) this.errorAt(p, 'nft-syntax-error', 'include needs a quoted file name');
    this.i++;
    return { kind: 'include', path: p.image.slice(1, -1), range: this.rangeFrom(kw) };
  }

  private parseDefine(): Define {
    const kw = this.next();
    const kind = kw.image as Define['kind'];
    const n = this.peek();
    if (!this.is(n, T.Word) && !this.is(n, T.NumberWord)) this.errorAt(n, 'nft-expected-name', `expected a variable name after ${kind}`);
    this.i++;
    if (kind === 'undefine') return { kind, name: n.image, range: this.rangeFrom(kw) };
    this.expect(T.Equals, "'='");
    const value = this.parseRhsExpr();
    return { kind, name: n.image, value, range: this.rangeFrom(kw) };
  }

  // ---------------------------------------------------------------- tables (table_block)

  /**
   * `table foo t {`: one name more than the command takes, and the first is no family.
   * Reported, skipped, and parsing goes on as if the family were left out.
   */
  private skipUnknownFamily(names: number): void {
    let n = 0;
    while (this.isNameTok(this.peek(n)) && this.peek(n)!.tokenType !== T.QuotedString) n++;
    const t = this.peek();
    if (n === names + 1 && t && !FAMILIES.has(t.image)) {
      this.error('nft-unknown-family', `unknown family '${t.image}': expected ip, ip6, inet, arp, bridge or netdev`, this.tokRange(t));
      this.i++;
    }
  }

  private parseFamily(): Family | undefined {
    const t = this.peek();
    if (this.isWordIn(t, FAMILIES) && this.isNameTok(this.peek(1))) {
      this.i++;
      return t.image as Family;
    }
    return undefined;
  }

  private parseTableOrCommand(): TopLevel {
    const kw = this.next();
    this.skipUnknownFamily(1);
    const family = this.parseFamily();
    const name = this.name('table');
    if (!this.is(this.peek(), T.LCurly)) {
      const cmd: CommandStmt = { kind: 'command', verb: 'add', object: 'table', table: name.text, implicit: true, range: this.rangeFrom(kw) };
      if (family) cmd.family = family;
      return cmd;
    }
    const table = this.parseTableBlock(kw, family ?? 'ip', name.text);
    if (!family) table.implicitFamily = true;
    return table;
  }

  private parseTableBlock(kw: IToken, family: Family, name: string): Table {
    const table: Table = { kind: 'table', family, name, items: [] };
    this.expect(T.LCurly, "'{'");
    this.blockLines(
      () => {
        const t = this.peek()!;
        if (t.tokenType === T.Comment) {
          this.i++;
          table.items.push({ kind: 'comment-line', text: commentText(t.image), range: this.tokRange(t) });
          return;
        }
        if (!this.is(t, T.Word)) this.errorAt(t, 'nft-syntax-error', `unexpected '${t.image}' in table block`);
        switch (t.image) {
          case 'include':
            table.items.push(this.parseInclude());
            return;
          case 'define':
          case 'redefine':
          case 'undefine':
            table.items.push(this.parseDefine());
            return;
          case 'flags':
            this.i++;
            table.flags = this.wordList();
            return;
          case 'comment':
            this.i++;
            table.comment = this.quotedString();
            return;
          case 'chain':
            table.items.push(this.parseChainDecl());
            return;
          case 'set':
          case 'map':
            table.items.push(this.parseSetDecl());
            return;
          case 'flowtable':
            table.items.push(this.parseFlowtableDecl());
            return;
        }
        if (OBJECT_TYPES.has(t.image) || (t.image === 'ct' && this.isWordIn(this.peek(1), CT_OBJECT_TYPES))) {
          table.items.push(this.parseObjectDecl());
          return;
        }
        this.errorAt(t, 'nft-syntax-error', `unexpected '${t.image}' in table block`);
      },
      () => {
        const c = this.trailingComment();
        const last = table.items[table.items.length - 1];
        if (c !== undefined && last) last.trailingComment = c;
        else if (c !== undefined) this.droppedComments++;
      },
    );
    table.range = this.rangeFrom(kw);
    return table;
  }

  /**
   * Runs `line` for every line of a `{ ... }` block until its `}` (consumed), recovering
   * from errors line by line. `after` runs after each good line (trailing comments).
   */
  private blockLines(line: () => void, after: () => void): void {
    const open = this.toks[this.i - 1];
    for (;;) {
      this.skipBlank();
      const t = this.peek();
      if (!t) {
        this.error('nft-unclosed-block', "missing '}' for this block", open ? this.tokRange(open) : this.endRange());
        return;
      }
      if (t.tokenType === T.RCurly) {
        this.i++;
        return;
      }
      const at = this.i;
      try {
        line();
        after();
        this.endLine();
      } catch (e) {
        if (!(e instanceof SyntaxAbort)) throw e;
        this.recover();
      }
      if (this.i === at) this.i++;
    }
  }

  private wordList(): string[] {
    const out: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!this.is(t, T.Word) && !this.is(t, T.NumberWord) && !this.is(t, T.Variable)) this.errorAt(t, 'nft-expected-value', 'expected a flag name');
      this.i++;
      out.push(t.image);
      if (!this.is(this.peek(), T.Comma)) return out;
      this.i++;
    }
  }

  private quotedString(): string {
    const t = this.peek();
    if (!this.is(t, T.QuotedString)) this.errorAt(t, 'nft-expected-value', 'expected a quoted string');
    this.i++;
    return t.image.slice(1, -1);
  }

  // ---------------------------------------------------------------- chains (chain_block)

  /** `chain NAME { chain_block }` inside a table. */
  private parseChainDecl(): Chain {
    const kw = this.next();
    const name = this.name('chain');
    const chain: Chain = { kind: 'chain', name: name.text, rules: [] };
    this.expect(T.LCurly, "'{'");
    this.parseChainBlock(chain);
    chain.range = this.rangeFrom(kw);
    return chain;
  }

  /** chain_block: base chain spec, policy, flags, comment, rules and comment lines up to `}`. */
  private parseChainBlock(chain: Chain): void {
    this.blockLines(
      () => {
        const t = this.peek()!;
        if (t.tokenType === T.Comment) {
          this.i++;
          chain.rules.push({ kind: 'comment-line', text: commentText(t.image), range: this.tokRange(t) });
          return;
        }
        if (this.isWord(t, 'type') && !this.is(this.peek(1), T.Equals)) return this.parseBaseChainSpec(chain);
        if (this.isWord(t, 'policy') && !this.isStmtStartAt(0)) {
          this.i++;
          chain.policy = this.parsePolicyValue();
          return;
        }
        if (this.isWord(t, 'flags') && this.is(this.peek(1), T.Word)) {
          this.i++;
          chain.flags = this.wordList();
          return;
        }
        if (this.isWord(t, 'comment') && this.is(this.peek(1), T.QuotedString) && this.lineEndsAfter(2)) {
          this.i++;
          chain.comment = this.quotedString();
          return;
        }
        if (this.isWord(t, 'devices') && this.is(this.peek(1), T.Equals) && chain.base) {
          this.i += 2;
          chain.base.devices = this.parsePrimary(false);
          return;
        }
        chain.rules.push(this.parseRule());
      },
      () => {
        const c = this.trailingComment();
        const last = chain.rules[chain.rules.length - 1];
        if (c !== undefined && last && last.kind === 'rule') last.trailingComment = c;
        else if (c !== undefined) chain.rules.push({ kind: 'comment-line', text: c, range: this.tokRange(this.toks[this.i - 1]!) });
      },
    );
  }

  private lineEndsAfter(k: number): boolean {
    const t = this.peek(k);
    return t === undefined || t.tokenType === T.Newline || t.tokenType === T.Semicolon || t.tokenType === T.RCurly || t.tokenType === T.Comment;
  }

  private parsePolicyValue(): string | Expr {
    const t = this.peek();
    if (this.is(t, T.Word)) {
      this.i++;
      return t.image;
    }
    return this.parsePrimary(false);
  }

  /** `type filter hook input [device "x" | devices = { ... }] priority filter + 10 ;` */
  private parseBaseChainSpec(chain: Chain): void {
    const kw = this.next();
    const type = this.name('chain type').text;
    let hook = '';
    let devices: Expr | undefined;
    let priority: Expr | undefined;
    while (!this.atLineEnd()) {
      const t = this.peek()!;
      if (this.isWord(t, 'hook')) {
        this.i++;
        hook = this.name('hook').text;
      } else if (this.isWord(t, 'device')) {
        this.i++;
        devices = this.parsePrimary(false);
      } else if (this.isWord(t, 'devices')) {
        this.i++;
        this.expect(T.Equals, "'='");
        devices = this.parsePrimary(false);
      } else if (this.isWord(t, 'priority')) {
        this.i++;
        priority = this.parsePriority();
      } else this.errorAt(t, 'nft-syntax-error', `unexpected '${t.image}' in chain type specification`);
    }
    // A missing hook or priority is kept as '' (printed as absent) so analysis can report it.
    const base: BaseChainSpec = { type, hook, priority: priority ?? { kind: 'literal', text: '' }, range: this.rangeFrom(kw) };
    if (devices) base.devices = devices;
    chain.base = base;
  }

  /** prio_spec: `0`, `-150`, `filter`, `filter + 10`, `dstnat - 10`, `$prio`. Kept as written in one literal when it is arithmetic. */
  private parsePriority(): Expr {
    const first = this.peek();
    this.spacedRanges = false;
    let base: Expr;
    try {
      base = this.parsePrimary(false);
    } finally {
      this.spacedRanges = true;
    }
    const op = this.peek();
    if ((this.is(op, T.Plus) || this.is(op, T.Minus)) && !this.atLineEndAt(1)) {
      this.i++;
      this.spacedRanges = false;
      let off: Expr;
      try {
        off = this.parsePrimary(false);
      } finally {
        this.spacedRanges = true;
      }
      const lit: LiteralExpr = { kind: 'literal', text: `${printLit(base)} ${op.image} ${printLit(off)}` };
      if (first) lit.range = this.rangeFrom(first);
      return lit;
    }
    return base;
  }

  private atLineEndAt(k: number): boolean {
    return this.lineEndsAfter(k);
  }

  // ---------------------------------------------------------------- sets and maps (set_block / map_block)

  /** `set NAME { set_block }` / `map NAME { map_block }`. */
  private parseSetDecl(): SetDecl {
    const kw = this.next();
    const name = this.name(kw.image);
    const decl: SetDecl = { kind: kw.image as 'set' | 'map', name: name.text };
    this.expect(T.LCurly, "'{'");
    this.parseSetBlock(decl);
    decl.range = this.rangeFrom(kw);
    return decl;
  }

  /** set_block / map_block: type or typeof, flags, timeout, size, policy, stateful statements, elements. */
  private parseSetBlock(decl: SetDecl): void {
    let attribute = '';
    let pending: string[] = [];
    this.blockLines(
      () => {
        const t = this.peek()!;
        attribute = t.image;
        if (t.tokenType === T.Comment) {
          this.i++;
          pending.push(commentText(t.image));
          return;
        }
        if (pending.length) {
          (decl.commentsBefore ??= {})[attribute] = [...(decl.commentsBefore?.[attribute] ?? []), ...pending];
          pending = [];
        }
        if (!this.is(t, T.Word)) this.errorAt(t, 'nft-syntax-error', `unexpected '${t.image}' in ${decl.kind} block`);
        this.i++;
        switch (t.image) {
          case 'type': {
            decl.type = this.typeParts();
            if (this.is(this.peek(), T.Colon)) {
              this.i++;
              if (this.isWord(this.peek(), 'interval')) {
                this.i++;
                decl.dataInterval = true;
              }
              decl.dataType = this.typeParts();
            }
            return;
          }
          case 'typeof': {
            decl.typeofExpr = this.parseConcat(true);
            if (this.is(this.peek(), T.Colon)) {
              this.i++;
              if (this.isWord(this.peek(), 'interval')) {
                this.i++;
                decl.dataInterval = true;
              }
              decl.dataTypeofExpr = this.parseConcat(true);
            }
            return;
          }
          case 'flags':
            decl.flags = this.wordList();
            return;
          case 'timeout':
            decl.timeout = this.valueText();
            return;
          case 'gc-interval':
            decl.gcInterval = this.valueText();
            return;
          case 'size': {
            const v = this.expect(T.NumberWord, 'a size');
            decl.size = Number(v.image);
            return;
          }
          case 'policy':
            decl.policy = this.name('policy').text;
            return;
          case 'auto-merge':
            decl.autoMerge = true;
            return;
          case 'comment':
            decl.comment = this.quotedString();
            return;
          case 'elements': {
            this.expect(T.Equals, "'='");
            const set = this.parseSetExpr(false);
            decl.elements = set.kind === 'set' ? set.elements : [set];
            return;
          }
          case 'counter':
            if (this.atLineEnd()) {
              decl.counter = true;
              return;
            }
            break;
        }
        if (t.image === 'counter' || t.image === 'quota' || t.image === 'limit' || t.image === 'last' || (t.image === 'ct' && this.isWord(this.peek(), 'count'))) {
          this.i--;
          while (!this.atLineEnd()) (decl.stmts ??= []).push(this.parseStmt());
          return;
        }
        this.i--;
        this.errorAt(t, 'nft-syntax-error', `unexpected '${t.image}' in ${decl.kind} block`);
      },
      () => {
        const c = this.trailingComment();
        if (c !== undefined) (decl.attributeComments ??= {})[attribute] = c;
      },
    );
    if (pending.length) (decl.commentsBefore ??= {})['}'] = pending;
  }

  /** `ipv4_addr . inet_service`, `ct helper`, `"sip"` as written parts. */
  private typeParts(): string[] {
    const parts: string[] = [];
    for (;;) {
      const words: string[] = [];
      while (this.is(this.peek(), T.Word) || this.is(this.peek(), T.QuotedString) || this.is(this.peek(), T.NumberWord)) words.push(this.next().image);
      if (!words.length) this.errorAt(this.peek(), 'nft-expected-value', 'expected a data type');
      parts.push(words.join(' '));
      if (!this.is(this.peek(), T.Dot)) return parts;
      this.i++;
    }
  }

  private valueText(): string {
    const e = this.parsePrimary(false);
    return printLit(e);
  }

  // ---------------------------------------------------------------- flowtables (flowtable_block)

  private parseFlowtableDecl(): Flowtable {
    const kw = this.next();
    const name = this.name('flowtable');
    const ft: Flowtable = { kind: 'flowtable', name: name.text };
    this.expect(T.LCurly, "'{'");
    this.parseFlowtableBlock(ft);
    ft.range = this.rangeFrom(kw);
    return ft;
  }

  /** flowtable_block: hook and priority, devices, flags, counter. */
  private parseFlowtableBlock(ft: Flowtable): void {
    let pending: string[] = [];
    this.blockLines(
      () => {
        const t = this.peek()!;
        if (t.tokenType === T.Comment) {
          this.i++;
          pending.push(commentText(t.image));
          return;
        }
        if (pending.length) {
          (ft.commentsBefore ??= {})[t.image] = pending;
          pending = [];
        }
        if (this.isWord(t, 'hook')) {
          this.i++;
          ft.hook = this.name('hook').text;
          if (this.isWord(this.peek(), 'priority')) {
            this.i++;
            ft.priority = this.parsePriority();
          }
          return;
        }
        if (this.isWord(t, 'priority')) {
          this.i++;
          ft.priority = this.parsePriority();
          return;
        }
        if (this.isWord(t, 'devices')) {
          this.i++;
          this.expect(T.Equals, "'='");
          ft.devices = this.parsePrimary(false);
          return;
        }
        if (this.isWord(t, 'flags')) {
          this.i++;
          ft.flags = this.wordList();
          return;
        }
        if (this.isWord(t, 'counter')) {
          this.i++;
          ft.counter = true;
          return;
        }
        this.errorAt(t, 'nft-syntax-error', `unexpected '${t.image}' in flowtable block`);
      },
      () => {
        if (this.trailingComment() !== undefined) this.droppedComments++;
      },
    );
    if (pending.length) (ft.commentsBefore ??= {})['}'] = pending;
  }

  // ---------------------------------------------------------------- stateful objects

  private parseObjectDecl(): ObjectDecl {
    const kw = this.next();
    let objType = kw.image;
    if (kw.image === 'ct') objType = `ct ${this.next().image}`;
    const name = this.name(objType);
    const obj: ObjectDecl = { kind: 'object', objType, name: name.text, body: [] };
    this.expect(T.LCurly, "'{'");
    this.parseObjectBlock(obj);
    obj.range = this.rangeFrom(kw);
    return obj;
  }

  /** counter_block, quota_block, limit_block, ct_helper_block, ct_timeout_block, ct_expect_block, secmark_block, synproxy_block, tunnel_block: `key value` lines. */
  private parseObjectBlock(obj: ObjectDecl): void {
    let pending: string[] = [];
    this.blockLines(
      () => {
        const t = this.peek()!;
        if (t.tokenType === T.Comment) {
          this.i++;
          pending.push(commentText(t.image));
          return;
        }
        const isComment = this.isWord(t, 'comment') && this.is(this.peek(1), T.QuotedString) && this.lineEndsAfter(2);
        if (pending.length) {
          // keyed by what they precede: the `comment` line or the index of the body line
          (obj.commentsBefore ??= {})[isComment ? 'comment' : String(obj.body.length)] = pending;
          pending = [];
        }
        if (isComment) {
          this.i++;
          obj.comment = this.quotedString();
          return;
        }
        obj.body.push(this.objectLine());
      },
      () => {
        if (this.trailingComment() !== undefined) this.droppedComments++;
      },
    );
    if (pending.length) (obj.commentsBefore ??= {})['}'] = pending;
  }

  /** One line of an object body as args: `type "ftp" protocol tcp` → type "ftp", protocol tcp. */
  private objectLine(): Arg[] {
    const args: Arg[] = [];
    while (!this.atLineEnd()) {
      const t = this.peek()!;
      const start = t;
      if (this.is(t, T.Word) && !UNIT_WORD.test(t.image)) {
        this.i++;
        const arg: Arg = { key: t.image };
        if (this.is(this.peek(), T.Equals)) {
          this.i++;
          arg.key = `${t.image} =`;
          arg.value = this.parsePrimary(false);
        } else if (!this.atLineEnd() && !this.is(this.peek(), T.Word)) arg.value = this.parseValueNoSelectors();
        arg.range = this.rangeFrom(start);
        args.push(arg);
      } else if (this.is(t, T.Word)) {
        this.i++;
        args.push({ key: t.image, range: this.tokRange(t) });
      } else {
        const value = this.parseValueNoSelectors();
        args.push({ value, range: this.rangeFrom(start) });
      }
    }
    if (!args.length) this.errorAt(this.peek(), 'nft-expected-value', 'empty object line');
    return args;
  }

  private parseValueNoSelectors(): Expr {
    return this.parseList(false);
  }

  // ---------------------------------------------------------------- commands (base_cmd)

  /** base_cmd: add_cmd, create_cmd, insert_cmd, replace_cmd, delete_cmd, destroy_cmd, flush_cmd, reset_cmd, list_cmd, rename_cmd. */
  private parseCommand(): CommandStmt {
    const verb = this.next();
    const obj = this.peek();
    if (!this.is(obj, T.Word)) this.errorAt(obj, 'nft-syntax-error', `expected what to ${verb.image} (table, chain, rule, set, element...)`);
    return this.parseCommandBody(verb, verb.image as CommandStmt['verb'], false);
  }

  /** What follows the verb: the object word, its table/chain/set spec, then a rule, a block or elements. */
  private parseCommandBody(start: IToken, verb: CommandStmt['verb'], implicit: boolean): CommandStmt {
    const objTok = this.next();
    let object = objTok.image;
    if (object === 'ct' && this.is(this.peek(), T.Word)) object = `ct ${this.next().image}`;
    const cmd: CommandStmt = { kind: 'command', verb, object };
    if (implicit) cmd.implicit = true;
    const finish = (): CommandStmt => {
      cmd.range = this.rangeFrom(start);
      return cmd;
    };
    if (object === 'ruleset') {
      const fam = this.peek();
      if (this.isWordIn(fam, FAMILIES)) {
        this.i++;
        cmd.family = fam.image as Family;
      }
      return finish();
    }
    // Plural listings and other forms without a fixed shape: keep the words.
    if (object.endsWith('s')) {
      const extra: string[] = [];
      while (!this.atLineEnd()) {
        const t = this.next();
        if (this.isWordIn(t, FAMILIES) && cmd.family === undefined && extra.length === 0) cmd.family = t.image as Family;
        else extra.push(t.image);
      }
      if (extra.length) cmd.extra = extra;
      return finish();
    }
    if (object !== 'rule') this.skipUnknownFamily(object === 'table' ? 1 : 2);
    const family = this.parseFamily();
    if (family) cmd.family = family;
    if (object === 'table') {
      if (this.isWord(this.peek(), 'handle')) {
        this.i++;
        cmd.position = { key: 'handle', value: Number(this.expect(T.NumberWord, 'a handle').image) };
        return finish();
      }
      const name = this.name('table');
      cmd.table = name.text;
      if (this.is(this.peek(), T.LCurly)) {
        const t = this.parseTableBlock(objTok, family ?? 'ip', name.text);
        cmd.decl = t;
      }
      return finish();
    }
    cmd.table = this.name('table').text;
    if (this.isWord(this.peek(), 'handle') && object !== 'rule') {
      this.i++;
      cmd.position = { key: 'handle', value: Number(this.expect(T.NumberWord, 'a handle').image) };
      return finish();
    }
    if (this.atLineEnd()) return finish();
    cmd.name = this.name(object).text;
    switch (object) {
      case 'rule': {
        const p = this.peek();
        if (this.isWordIn(p, POSITION_KEYS) && this.is(this.peek(1), T.NumberWord)) {
          this.i += 2;
          cmd.position = { key: p.image as 'position' | 'handle' | 'index', value: Number(this.toks[this.i - 1]!.image) };
        }
        if (!this.atLineEnd()) cmd.rule = this.parseRule();
        return finish();
      }
      case 'chain':
        if (verb === 'rename') {
          cmd.newName = this.name('chain').text;
          return finish();
        }
        if (this.is(this.peek(), T.LCurly)) {
          this.i++;
          const chain: Chain = { kind: 'chain', name: cmd.name, rules: [] };
          this.parseChainBlock(chain);
          chain.range = this.rangeFrom(objTok);
          cmd.decl = chain;
        }
        return finish();
      case 'set':
      case 'map':
        if (this.is(this.peek(), T.LCurly)) {
          this.i++;
          const decl: SetDecl = { kind: object, name: cmd.name };
          this.parseSetBlock(decl);
          decl.range = this.rangeFrom(objTok);
          cmd.decl = decl;
        }
        return finish();
      case 'element': {
        const set = this.parseSetExpr(false);
        cmd.elements = set.kind === 'set' ? set.elements : [set];
        return finish();
      }
      case 'flowtable':
        if (this.is(this.peek(), T.LCurly)) {
          this.i++;
          const ft: Flowtable = { kind: 'flowtable', name: cmd.name };
          this.parseFlowtableBlock(ft);
          ft.range = this.rangeFrom(objTok);
          cmd.decl = ft;
        }
        return finish();
    }
    if (OBJECT_TYPES.has(object) || object.startsWith('ct ')) {
      const obj: ObjectDecl = { kind: 'object', objType: object, name: cmd.name, body: [] };
      if (this.is(this.peek(), T.LCurly)) {
        this.i++;
        this.parseObjectBlock(obj);
        obj.range = this.rangeFrom(objTok);
        cmd.decl = obj;
      } else if (!this.atLineEnd()) {
        obj.body.push(this.objectLine());
        obj.range = this.rangeFrom(objTok);
        cmd.decl = obj;
      }
      return finish();
    }
    if (!this.atLineEnd()) this.errorAt(this.peek(), 'nft-syntax-error', `unexpected '${this.peek()!.image}' after ${verb} ${object}`);
    return finish();
  }

  // ---------------------------------------------------------------- rules (rule, stmt_list)

  /** rule: statements up to the end of the line, `;` or `}`; `comment "..."` goes to the rule. */
  parseRule(): Rule {
    const first = this.peek()!;
    const rule: Rule = { kind: 'rule', stmts: [] };
    while (!this.atLineEnd()) {
      const t = this.peek()!;
      if (this.isWord(t, 'comment') && this.is(this.peek(1), T.QuotedString)) {
        this.i++;
        rule.comment = this.quotedString();
        continue;
      }
      rule.stmts.push(this.parseStmt());
    }
    if (!rule.stmts.length && rule.comment === undefined) this.errorAt(this.peek(), 'nft-expected-value', 'empty rule');
    rule.range = this.rangeFrom(first);
    return rule;
  }

  private isStmtStartAt(k: number): boolean {
    const t = this.peek(k);
    if (!this.is(t, T.Word)) return this.is(t, T.RawPayload);
    return this.isStmtStartWord(t.image, k);
  }

  private isStmtStartWord(w: string, k = 0): boolean {
    if (VERDICTS.has(w) || STMT_KEYWORDS.has(w) || w === 'queue' || w === 'ct') return true;
    if (PAYLOAD_PROTOCOLS.has(w) || EXPR_HEADS.has(w) || META_UNQUALIFIED.has(w)) return true;
    if ((w === 'add' || w === 'update' || w === 'delete') && this.is(this.peek(k + 1), T.SetRef)) return true;
    return false;
  }

  /** stmt: verdict_stmt | keyword statements | expression statements (relational, set, vmap). */
  parseStmt(): Stmt {
    const t = this.peek()!;
    if (++this.depth > 200) {
      this.depth = 0;
      this.errorAt(t, 'nft-syntax-error', 'statement nested too deeply');
    }
    try {
      return this.parseStmtInner(t);
    } finally {
      this.depth--;
    }
  }

  /** Dispatch on the first word: verdict_stmt, keyword statements, set_stmt, or an expression statement. */
  private parseStmtInner(t: IToken): Stmt {
    if (this.is(t, T.Word)) {
      const w = t.image;
      if (VERDICTS.has(w)) return this.parseVerdictStmt();
      if (w === 'ct' && this.isWord(this.peek(1), 'count')) {
        this.i += 2;
        const args: Arg[] = [{ key: 'count', range: this.tokRange(this.peek(-1)!) }];
        this.keywordArgs(args, { flag: ['over', 'until'], positional: true });
        return { kind: 'keyword', keyword: 'ct', args, range: this.rangeFrom(t) };
      }
      if ((w === 'add' || w === 'update' || w === 'delete') && this.is(this.peek(1), T.SetRef)) return this.parseSetStmt();
      if (w === 'reject') return this.parseRejectStmt();
      if (w === 'reset' && this.is(this.peek(1), T.Word)) {
        // `reset tcp option mptcp`: clears an option
        this.i++;
        const sel = this.parseSelector();
        return { kind: 'keyword', keyword: 'reset', args: [{ value: sel, range: sel.range }], range: this.rangeFrom(t) };
      }
      if (w === 'log') return this.parseLogStmt();
      if (w === 'meter') return this.parseMeterStmt();
      if (w === 'flow') return this.parseFlowStmt();
      if (w === 'xt') return this.parseXtStmt();
      const spec = KEYWORD_STMTS[w];
      if (spec) {
        this.i++;
        const args: Arg[] = [];
        this.keywordArgs(args, spec, w);
        return { kind: 'keyword', keyword: w, args, range: this.rangeFrom(t) };
      }
      if (!(PAYLOAD_PROTOCOLS.has(w) || EXPR_HEADS.has(w) || META_UNQUALIFIED.has(w))) {
        this.errorAt(t, 'nft-unknown-statement', `unknown statement '${w}'`);
      }
    } else if (!this.is(t, T.RawPayload) && !this.is(t, T.LParen) && !this.is(t, T.Variable)) {
      this.errorAt(t, 'nft-unknown-statement', `unexpected '${t.image}' at the start of a statement`);
    }
    return this.parseExprStmt(t);
  }

  /** relational_expr, set statements (`meta mark set 1`) and verdict maps (`iifname vmap { ... }`). */
  private parseExprStmt(start: IToken): Stmt {
    const left = this.parseConcat(true);
    const t = this.peek();
    if (this.isWord(t, 'set')) {
      this.i++;
      const value = this.parseStmtExpr();
      return { kind: 'assign', left, value, range: this.rangeFrom(start) };
    }
    if (this.isWord(t, 'vmap') || this.isWord(t, 'map')) {
      this.i++;
      const map = this.parseMapTarget();
      const expr: Expr = { kind: 'map', vmap: t.image === 'vmap', key: left, map, range: this.rangeFrom(start) };
      return { kind: 'expr', expr, range: this.rangeFrom(start) };
    }
    let op: RelOp | undefined;
    let spelling: string | undefined;
    if (t) {
      switch (t.tokenType) {
        case T.EqEq: op = '=='; break;
        case T.NotEq: op = '!='; break;
        case T.Less: op = '<'; break;
        case T.Greater: op = '>'; break;
        case T.LessEq: op = '<='; break;
        case T.GreaterEq: op = '>='; break;
        case T.Bang: op = '!'; break;
        default:
          if (this.is(t, T.Word) && RELOP_WORDS[t.image] && !this.atLineEndAt(1)) {
            op = RELOP_WORDS[t.image];
            spelling = t.image;
          }
      }
      if (op) this.i++;
    }
    // A relational expression needs its right side, so even a statement word is a value here (`icmp type redirect`).
    if (this.atLineEnd()) {
      this.errorAt(this.peek(), 'nft-expected-value', `expected a value to compare ${printLit(left)} with`);
    }
    const right = this.parseRhsExpr();
    const rel: Stmt = { kind: 'relational', left, right, range: this.rangeFrom(start) };
    if (op) rel.op = op;
    if (spelling) rel.spelling = spelling;
    return rel;
  }

  /** verdict_stmt, with `jump { ... }` anonymous chains (chain bindings). */
  private parseVerdictStmt(): Stmt {
    const t = this.next();
    const verdict = t.image as VerdictName;
    if (verdict === 'jump' || verdict === 'goto') {
      if (this.is(this.peek(), T.LCurly)) {
        this.i++;
        const anon: Chain = { kind: 'chain', name: '', rules: [] };
        this.parseChainBlock(anon);
        return { kind: 'verdict', verdict, block: anon.rules, range: this.rangeFrom(t) };
      }
      const chain = this.parseChainRef();
      return { kind: 'verdict', verdict, chain, range: this.rangeFrom(t) };
    }
    return { kind: 'verdict', verdict, range: this.rangeFrom(t) };
  }

  private parseChainRef(): Expr {
    const c = this.peek();
    if (this.is(c, T.Variable)) {
      this.i++;
      return { kind: 'variable', name: c.image.slice(1), range: this.tokRange(c) };
    }
    if (!c || !this.isNameTok(c)) this.errorAt(c, 'nft-expected-name', 'expected a chain name');
    this.i++;
    const lit: LiteralExpr = { kind: 'literal', text: c.tokenType === T.QuotedString ? c.image.slice(1, -1) : c.image, range: this.tokRange(c) };
    if (c.tokenType === T.QuotedString) lit.quoted = true;
    return lit;
  }

  /**
   * nat_stmt_args / tproxy after `to`: an address, a port after `:`, or both. A port that is a
   * plain number stays glued in the address literal (`1.2.3.4:80`, `:8080`); any other port
   * (`:$p`, `:80-$q`, `: 80`, `:tcp dport map { ... }`) becomes a `:` argument of its own.
   */
  private natTarget(args: Arg[], to: IToken): void {
    const colon = this.natPortColon();
    if (colon === this.i) args.push({ key: 'to', range: this.tokRange(to) });
    else {
      if (colon > this.i) this.valueEnd = colon;
      let value: Expr;
      try {
        value = this.parseStmtExpr();
      } finally {
        this.valueEnd = Infinity;
      }
      args.push({ key: 'to', value, range: this.rangeFrom(to) });
    }
    const c = this.peek();
    if (!this.is(c, T.Colon)) return;
    this.i++;
    args.push({ key: ':', keyGlued: true, value: this.parseStmtExpr(), range: this.rangeFrom(c) });
  }

  /**
   * Index of the `:` in the glued value ahead that must end the address part (see natTarget),
   * or -1 when the value ahead reads as one literal.
   */
  private natPortColon(): number {
    let colon = -1;
    let depth = 0;
    let k = this.i;
    for (; k < this.toks.length; k++) {
      const t = this.toks[k]!;
      if (!VALUE_GLUE.has(t.tokenType) || (k > this.i && !this.glued(this.toks[k - 1], t))) break;
      if (t.tokenType === T.LBracket) depth++;
      else if (t.tokenType === T.RBracket) depth--;
      else if (t.tokenType === T.Colon && depth === 0) colon = k;
    }
    if (colon < 0) return -1;
    const afterColon = this.toks[colon + 1];
    const afterRun = this.toks[k];
    if (colon === k - 1) return colon; // `1.2.3.4: 80`, `1.2.3.4:$p`, `:$p`
    if (this.is(afterColon, T.Word) && this.isSelectorHead(afterColon.image)) return colon; // `:tcp dport map { ... }`
    if (this.is(afterRun, T.Variable) && this.glued(this.toks[k - 1], afterRun)) return colon; // `:80-$q`
    return -1;
  }

  /** Arguments of a keyword statement, per its spec; stops at the next statement. */
  private keywordArgs(args: Arg[], spec: KeywordStmtSpec, keyword = ''): void {
    for (;;) {
      if (this.atLineEnd()) return;
      const t = this.peek()!;
      const start = t;
      if (this.is(t, T.Word)) {
        const w = t.image;
        if (spec.expr?.includes(w)) {
          this.i++;
          if (w === 'to' && NAT_STMTS.has(keyword)) {
            this.natTarget(args, t);
            continue;
          }
          args.push({ key: w, value: this.parseStmtExpr(), range: this.rangeFrom(start) });
          continue;
        }
        if (spec.value?.includes(w)) {
          this.i++;
          args.push({ key: w, value: spec.list?.includes(w) ? this.parseList(false) : this.parseConcat(false), range: this.rangeFrom(start) });
          continue;
        }
        if (spec.flag?.includes(w)) {
          this.i++;
          if (this.is(this.peek(), T.Comma)) {
            const items: Expr[] = [{ kind: 'literal', text: w, range: this.tokRange(t) }];
            while (this.is(this.peek(), T.Comma)) {
              this.i++;
              const n = this.peek();
              if (!this.is(n, T.Word)) this.errorAt(n, 'nft-expected-value', 'expected a flag');
              this.i++;
              items.push({ kind: 'literal', text: n.image, range: this.tokRange(n) });
            }
            args.push({ value: { kind: 'list', items, range: this.rangeFrom(start) }, range: this.rangeFrom(start) });
          } else args.push({ key: w, range: this.tokRange(t) });
          continue;
        }
        if (spec.positional && UNIT_WORD.test(w)) {
          this.i++;
          args.push({ key: w + this.perTimeUnit(), range: this.rangeFrom(t) });
          continue;
        }
        if (spec.positional && !this.isStmtStartAt(0) && w !== 'comment' && args.length === 0) {
          args.push({ value: this.parseConcat(false), range: this.rangeFrom(start) });
          continue;
        }
        return;
      }
      if (spec.positional && (this.is(t, T.NumberWord) || this.is(t, T.QuotedString) || this.is(t, T.Variable) || this.is(t, T.Minus))) {
        const value = this.parseConcat(false);
        if (value.kind === 'literal' && !value.quoted) {
          // `1025bytes / second` written apart: keep the rate as one value
          const dangling = value.text.endsWith('/');
          const unit = dangling ? this.timeUnitWord() : this.perTimeUnit();
          if (unit) value.text = dangling ? value.text + unit : value.text + unit;
        }
        args.push({ value, range: this.rangeFrom(start) });
        continue;
      }
      if (this.is(t, T.Dot) && spec.flag?.includes('addr')) {
        this.i++;
        args.push({ key: '.', range: this.tokRange(t) });
        continue;
      }
      return;
    }
  }

  /** `/ second` after a unit written apart (`1 kbytes / second`): returns `/second` or ''. */
  private perTimeUnit(): string {
    if (!this.is(this.peek(), T.Slash) || !this.isWord(this.peek(1))) return '';
    this.i++;
    return '/' + this.next().image;
  }

  private timeUnitWord(): string {
    const t = this.peek();
    if (!this.is(t, T.Word)) return '';
    this.i++;
    return t.image;
  }

  /** reject_stmt: `reject [with icmp|icmpv6|icmpx [type] CODE | with tcp reset]`. */
  private parseRejectStmt(): Stmt {
    const t = this.next();
    const args: Arg[] = [];
    if (this.isWord(this.peek(), 'with')) {
      const w = this.next();
      args.push({ key: 'with', range: this.tokRange(w) });
      const proto = this.peek();
      if (!this.is(proto, T.Word)) this.errorAt(proto, 'nft-expected-value', 'expected icmp, icmpv6, icmpx or tcp after with');
      this.i++;
      args.push({ key: proto.image, range: this.tokRange(proto) });
      if (this.isWord(this.peek(), 'type')) {
        args.push({ key: 'type', range: this.tokRange(this.next()) });
      }
      if (!this.atLineEnd() && !(this.is(this.peek(), T.Word) && this.isStmtStartAt(0) && this.peek()!.image !== 'reset')) {
        const v = this.peek()!;
        if (this.is(v, T.Word) && v.image === 'reset') {
          this.i++;
          args.push({ key: 'reset', range: this.tokRange(v) });
        } else args.push({ value: this.parsePrimary(false), range: this.rangeFrom(v) });
      }
    }
    return { kind: 'keyword', keyword: 'reject', args, range: this.rangeFrom(t) };
  }

  /** log_stmt, whose `flags` take an optional protocol word before the list. */
  private parseLogStmt(): Stmt {
    const t = this.next();
    const args: Arg[] = [];
    const spec = KEYWORD_STMTS.log!;
    for (;;) {
      this.keywordArgs(args, spec);
      if (!this.isWord(this.peek(), 'flags')) break;
      const f = this.next();
      args.push({ key: 'flags', range: this.tokRange(f) });
      if (this.isWord(this.peek(), 'tcp') || this.isWord(this.peek(), 'ip')) {
        const p = this.next();
        args.push({ key: p.image, range: this.tokRange(p) });
      }
      const v = this.peek();
      if (!this.is(v, T.Word)) this.errorAt(v, 'nft-expected-value', 'expected log flags');
      args.push({ value: this.parseList(false), range: this.rangeFrom(v) });
    }
    return { kind: 'keyword', keyword: 'log', args, range: this.rangeFrom(t) };
  }

  /** `meter NAME [size N] { key stmt }` */
  private parseMeterStmt(): Stmt {
    const t = this.next();
    const args: Arg[] = [];
    const n = this.name('meter');
    args.push({ value: { kind: 'literal', text: n.text, range: this.tokRange(n.tok) }, range: this.tokRange(n.tok) });
    if (this.isWord(this.peek(), 'size')) {
      const s = this.next();
      args.push({ key: 'size', value: this.parsePrimary(false), range: this.rangeFrom(s) });
    }
    const set = this.parseSetExpr(true);
    args.push({ value: set, range: set.range });
    return { kind: 'keyword', keyword: 'meter', args, range: this.rangeFrom(t) };
  }

  /** set_stmt: `add @s { ip saddr timeout 10s }`, `update @m { ip saddr : 1 }`. */
  private parseSetStmt(): Stmt {
    const t = this.next();
    const ref = this.next();
    const args: Arg[] = [{ value: { kind: 'setref', name: ref.image.slice(1), range: this.tokRange(ref) }, range: this.tokRange(ref) }];
    const set = this.parseSetExpr(true);
    args.push({ value: set, range: set.range });
    return { kind: 'keyword', keyword: t.image, args, range: this.rangeFrom(t) };
  }

  private parseFlowStmt(): Stmt {
    const t = this.next();
    const args: Arg[] = [];
    const a = this.peek();
    if (this.isWord(a, 'add') || this.isWord(a, 'offload')) {
      this.i++;
      args.push({ key: a.image, range: this.tokRange(a) });
    }
    const r = this.peek();
    if (!this.is(r, T.SetRef)) this.errorAt(r, 'nft-expected-value', 'expected @flowtable');
    this.i++;
    args.push({ value: { kind: 'setref', name: r.image.slice(1), range: this.tokRange(r) }, range: this.tokRange(r) });
    return { kind: 'keyword', keyword: 'flow', args, range: this.rangeFrom(t) };
  }

  private parseXtStmt(): Stmt {
    const t = this.next();
    const args: Arg[] = [];
    while (!this.atLineEnd() && !(args.length >= 2 && this.isStmtStartAt(0))) {
      const a = this.next();
      args.push(a.tokenType === T.QuotedString ? { value: { kind: 'literal', text: a.image.slice(1, -1), quoted: true }, range: this.tokRange(a) } : { key: a.image, range: this.tokRange(a) });
    }
    return { kind: 'keyword', keyword: 'xt', args, range: this.rangeFrom(t) };
  }

  // ---------------------------------------------------------------- expressions

  /** stmt_expr: the value of `set`, `to`, map keys in statements: selectors, maps, concatenations, binops. */
  private parseStmtExpr(): Expr {
    const start = this.peek();
    const key = this.parseConcat(true);
    const t = this.peek();
    if (this.isWord(t, 'map') || this.isWord(t, 'vmap')) {
      this.i++;
      const map = this.parseMapTarget();
      return { kind: 'map', vmap: t.image === 'vmap', key, map, range: start ? this.rangeFrom(start) : undefined } as Expr;
    }
    if (this.is(t, T.Comma)) {
      const items: Expr[] = [key];
      while (this.is(this.peek(), T.Comma)) {
        this.i++;
        items.push(this.parseConcat(true));
      }
      return { kind: 'list', items, range: start ? this.rangeFrom(start) : undefined } as Expr;
    }
    return key;
  }

  private parseMapTarget(): Expr {
    const t = this.peek();
    if (this.is(t, T.SetRef)) {
      this.i++;
      return { kind: 'setref', name: t.image.slice(1), range: this.tokRange(t) };
    }
    if (this.is(t, T.Variable)) {
      this.i++;
      return { kind: 'variable', name: t.image.slice(1), range: this.tokRange(t) };
    }
    if (this.is(t, T.LCurly)) return this.parseSetExpr(false);
    this.errorAt(t, 'nft-expected-value', 'expected { ... }, @map or $variable after map/vmap');
  }

  /** rhs_expr: constants, comma lists (flags), concatenations, ranges, prefixes, sets. */
  parseRhsExpr(): Expr {
    const start = this.peek()!;
    const value = this.parseList(false);
    if (this.is(this.peek(), T.Slash) && !this.lineEndsAfter(1)) {
      // `tcp flags syn / fin,syn`: value and mask, kept as written
      this.i++;
      const mask = this.parseList(false);
      return { kind: 'literal', text: `${printExpr(value)} / ${printExpr(mask)}`, range: this.rangeFrom(start) };
    }
    return value;
  }

  /** A comma list without braces (flag values: `established,related`). */
  private parseList(sel: boolean): Expr {
    const start = this.peek()!;
    const first = this.parseConcat(sel);
    if (!this.is(this.peek(), T.Comma)) return first;
    const items: Expr[] = [first];
    while (this.is(this.peek(), T.Comma)) {
      this.i++;
      items.push(this.parseConcat(sel));
    }
    return { kind: 'list', items, range: this.rangeFrom(start) };
  }

  /** concat_expr: `a . b . c` */
  parseConcat(sel: boolean): Expr {
    const start = this.peek();
    const first = this.parseBinop(sel, 0);
    if (!this.is(this.peek(), T.Dot)) return first;
    const parts: Expr[] = [first];
    while (this.is(this.peek(), T.Dot)) {
      this.i++;
      parts.push(this.parseBinop(sel, 0));
    }
    return { kind: 'concat', parts, range: start ? this.rangeFrom(start) : undefined } as Expr;
  }

  /** basic_expr by precedence: `|` < `^` < `&` < `<<`/`>>`. */
  private parseBinop(sel: boolean, level: number): Expr {
    if (level > 3) return this.parsePrimary(sel);
    const start = this.peek();
    let left = this.parseBinop(sel, level + 1);
    for (;;) {
      const t = this.peek();
      if (!t) return left;
      let op: BinaryOp | undefined;
      let spelling: string | undefined;
      if (t.tokenType === T.Word && BINOP_WORDS[t.image] && !this.lineEndsAfter(1)) {
        op = BINOP_WORDS[t.image];
        spelling = t.image;
      } else if (t.tokenType === T.Pipe) op = '|';
      else if (t.tokenType === T.Caret) op = '^';
      else if (t.tokenType === T.Ampersand) op = '&';
      else if (t.tokenType === T.ShiftLeft) op = '<<';
      else if (t.tokenType === T.ShiftRight) op = '>>';
      if (!op || LEVEL[op] !== level) return left;
      this.i++;
      const right = this.parseBinop(sel, level + 1);
      const b: Expr = { kind: 'binop', op, left, right, range: start ? this.rangeFrom(start) : undefined } as Expr;
      if (spelling && b.kind === 'binop') b.spelling = spelling;
      left = b;
    }
  }

  /** primary_expr / primary_rhs_expr. `sel` allows selectors and functions (stmt and lhs positions). */
  parsePrimary(sel: boolean): Expr {
    const t = this.peek();
    if (!t || this.atLineEnd()) this.errorAt(t && t.tokenType !== T.Newline ? t : this.toks[this.i - 1] ?? t, 'nft-expected-value', 'expected a value');
    if (++this.depth > 200) {
      this.depth = 0;
      this.errorAt(t, 'nft-syntax-error', 'expression nested too deeply');
    }
    try {
      return this.parsePrimaryInner(t, sel);
    } finally {
      this.depth--;
    }
  }

  private parsePrimaryInner(t: IToken, sel: boolean): Expr {
    switch (t.tokenType) {
      case T.LParen: {
        this.i++;
        this.skipInsideBraces();
        const e = this.parseConcat(sel);
        this.skipInsideBraces();
        this.expect(T.RParen, "')'");
        e.parens = true;
        return e;
      }
      case T.LCurly:
        return this.parseSetExpr(sel);
      case T.SetRef:
        this.i++;
        return { kind: 'setref', name: t.image.slice(1), range: this.tokRange(t) };
      case T.Variable:
        this.i++;
        return this.rangeAfter(t, { kind: 'variable', name: t.image.slice(1), range: this.tokRange(t) });
      case T.RawPayload:
        this.i++;
        return { kind: 'selector', path: [t.image], range: this.tokRange(t) };
      case T.Word:
        if (sel && this.isSelectorHead(t.image)) return this.parseSelector();
        break;
    }
    if (!VALUE_GLUE.has(t.tokenType)) this.errorAt(t, 'nft-expected-value', `unexpected '${t.image}' where a value is expected`);
    return this.rangeAfter(t, this.parseGluedValue());
  }

  /**
   * `low - high` where the parts are not one glued run: `"10:00" - "12:00"`, `$a - $b`,
   * `80-$q` (nft's grammar does not care for blanks around the range dash).
   */
  private rangeAfter(start: IToken, low: Expr): Expr {
    const dash = this.peek();
    const high = this.peek(1);
    if (!this.spacedRanges || !this.is(dash, T.Minus) || !high || this.is(high, T.Minus)) return low;
    if (high.tokenType === T.Variable) {
      this.i += 2;
      return { kind: 'range', low, high: { kind: 'variable', name: high.image.slice(1), range: this.tokRange(high) }, range: this.rangeFrom(start) };
    }
    // a glued dash before a value was part of the glued run already
    if (!VALUE_GLUE.has(high.tokenType) || this.glued(this.toks[this.i - 1], dash)) return low;
    this.i++;
    return { kind: 'range', low, high: this.parseGluedValue(), range: this.rangeFrom(start) };
  }

  private isSelectorHead(w: string): boolean {
    return PAYLOAD_PROTOCOLS.has(w) || EXPR_HEADS.has(w) || META_UNQUALIFIED.has(w);
  }

  /**
   * A value written without spaces: `10.0.0.0/8`, `1.2.3.4-1.2.3.9`, `1.2.3.4:80`, `[::1]:80`,
   * `-150`, `10/second`, `:8080`. Ranges and prefixes become nodes; the rest stays one literal.
   */
  private parseGluedValue(): Expr {
    const run: IToken[] = [this.next()];
    for (;;) {
      const n = this.peek();
      if (!n || this.i >= this.valueEnd || !VALUE_GLUE.has(n.tokenType) || !this.glued(run[run.length - 1], n)) break;
      run.push(n);
      this.i++;
    }
    // `80-$q`, `1.2.3.4:$p`: the `-` or `:` before a glued variable belongs to what follows
    const end = run[run.length - 1]!;
    if (run.length > 1 && (end.tokenType === T.Minus || end.tokenType === T.Colon) && this.is(this.peek(), T.Variable) && this.glued(end, this.peek())) {
      run.pop();
      this.i--;
    }
    return this.interpretRun(run);
  }

  private interpretRun(run: IToken[]): Expr {
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const range = this.span(first, last);
    const text = this.text.slice(first.startOffset, (last.endOffset ?? last.startOffset) + 1);
    if (run.length === 1) return first.tokenType === T.QuotedString ? { kind: 'literal', text: first.image.slice(1, -1), quoted: true, range } : { kind: 'literal', text, range };
    if (run.some((t) => t.tokenType === T.Colon || t.tokenType === T.LBracket)) return { kind: 'literal', text, range };
    const dash = run.findIndex((t, k) => k > 0 && t.tokenType === T.Minus);
    if (dash > 0 && dash < run.length - 1) {
      return { kind: 'range', low: this.interpretRun(run.slice(0, dash)), high: this.interpretRun(run.slice(dash + 1)), range };
    }
    const slash = run.findIndex((t) => t.tokenType === T.Slash);
    if (slash > 0 && slash === run.length - 2 && /^\d+$/.test(last.image) && first.tokenType !== T.Minus) {
      return { kind: 'prefix', base: this.interpretRun(run.slice(0, slash)), length: Number(last.image), range };
    }
    return { kind: 'literal', text, range };
  }

  /** payload_expr, meta_expr, ct_expr, rt_expr, socket_expr, osf_expr, fib_expr, numgen_expr, hash_expr... */
  private parseSelector(): Expr {
    const head = this.next();
    const path = [head.image];
    const range = (): Range => this.rangeFrom(head);
    const fieldWord = (): boolean => this.selectorField(path);
    const optional = (words: readonly string[]): boolean => this.selectorOptional(path, words);
    switch (head.image) {
      case 'meta':
        if (!fieldWord()) this.errorAt(this.peek(), 'nft-expected-value', 'expected a meta key');
        return { kind: 'selector', path, range: range() };
      case 'ct':
        optional(['original', 'reply']);
        optional(['ip', 'ip6']);
        if (!fieldWord()) this.errorAt(this.peek(), 'nft-expected-value', 'expected a ct key');
        return { kind: 'selector', path, range: range() };
      case 'rt':
        optional(['ip', 'ip6']);
        fieldWord();
        return { kind: 'selector', path, range: range() };
      case 'ipsec':
        optional(['in', 'out']);
        if (optional(['spnum'])) path.push(this.expect(T.NumberWord, 'a number').image);
        optional(['ip', 'ip6']);
        fieldWord();
        return { kind: 'selector', path, range: range() };
      case 'socket':
        fieldWord();
        if (path[1] === 'cgroupv2' && optional(['level'])) path.push(this.expect(T.NumberWord, 'a level').image);
        return { kind: 'selector', path, range: range() };
      case 'osf':
        if (optional(['ttl'])) optional(['loose', 'skip', 'global']);
        fieldWord();
        return { kind: 'selector', path, range: range() };
      case 'fib':
        return this.parseFib(head);
      case 'numgen':
      case 'symhash':
      case 'jhash':
        return this.parseHashFunc(head);
      case 'tunnel':
      case 'inner':
        fieldWord();
        return { kind: 'selector', path, range: range() };
    }
    if (META_UNQUALIFIED.has(head.image)) return { kind: 'selector', path, range: range() };
    // payload_expr and exthdr_expr
    if ((head.image === 'tcp' || head.image === 'ip' || head.image === 'dccp' || head.image === 'ip6') && this.isWord(this.peek(), 'option')) {
      this.i++;
      path.push('option');
      const o = this.peek();
      if (this.is(o, T.Word) || this.is(o, T.NumberWord)) {
        this.i++;
        path.push(o.image);
      } else if (this.is(o, T.SetRef) || this.is(o, T.RawPayload)) {
        this.i++;
        path.push(o.image);
      }
      const f = this.peek();
      if (this.is(f, T.Word) && OPTION_FIELDS.has(f.image)) fieldWord();
      return { kind: 'selector', path, range: range() };
    }
    if (head.image === 'sctp' && this.isWord(this.peek(), 'chunk')) {
      this.i++;
      path.push('chunk');
      fieldWord();
      fieldWord();
      return { kind: 'selector', path, range: range() };
    }
    if (head.image === 'exthdr') {
      fieldWord();
      fieldWord();
      return { kind: 'selector', path, range: range() };
    }
    if (TUNNEL_PROTOCOLS.has(head.image) && this.is(this.peek(), T.Word) && PAYLOAD_PROTOCOLS.has(this.peek()!.image)) {
      const inner = this.parseSelector();
      if (inner.kind === 'selector') path.push(...inner.path);
      return { kind: 'selector', path, range: range() };
    }
    fieldWord();
    if (head.image === 'arp' && (path[1] === 'saddr' || path[1] === 'daddr')) optional(['ip', 'ether', 'ip6']);
    return { kind: 'selector', path, range: range() };
  }

  /** The next field word of a selector path, with a glued index (`addr[1]`, `sid[1]`). */
  private selectorField(path: string[]): boolean {
    const n = this.peek();
    if (!this.is(n, T.Word) || this.isFieldStop(n.image)) return false;
    this.i++;
    let w = n.image;
    if (this.is(this.peek(), T.LBracket) && this.glued(n, this.peek())) {
      const open = this.next();
      const idx = this.expect(T.NumberWord, 'an index');
      this.expect(T.RBracket, "']'");
      w += `${open.image}${idx.image}]`;
    }
    path.push(w);
    return true;
  }

  private selectorOptional(path: string[], words: readonly string[]): boolean {
    const n = this.peek();
    if (this.is(n, T.Word) && words.includes(n.image)) {
      this.i++;
      path.push(n.image);
      return true;
    }
    return false;
  }

  /** A word that cannot be a field name: the next statement, an operator word or a value keyword. */
  private isFieldStop(w: string): boolean {
    return VERDICTS.has(w) || STMT_KEYWORDS.has(w) || FIELD_STOP.has(w) || RELOP_WORDS[w] !== undefined || BINOP_WORDS[w] !== undefined;
  }

  /** fib_expr: `fib saddr . iif oif` */
  private parseFib(head: IToken): Expr {
    const flags: Expr[] = [];
    for (;;) {
      const w = this.peek();
      if (!this.is(w, T.Word)) this.errorAt(w, 'nft-expected-value', 'expected a fib flag (saddr, daddr, mark, iif, oif)');
      this.i++;
      flags.push({ kind: 'literal', text: w.image, range: this.tokRange(w) });
      if (!this.is(this.peek(), T.Dot)) break;
      this.i++;
    }
    const args: Arg[] = [];
    const firstFlag = flags[0]!;
    const flagsRange = this.span(this.toks[this.i - 1 - (flags.length - 1) * 2]!, this.toks[this.i - 1]);
    args.push({ value: flags.length === 1 ? firstFlag : { kind: 'concat', parts: flags, range: flagsRange }, range: flagsRange });
    const r = this.peek();
    if (this.is(r, T.Word) && !this.isFieldStop(r.image)) {
      this.i++;
      args.push({ key: r.image, range: this.tokRange(r) });
    }
    return { kind: 'func', name: 'fib', args, range: this.rangeFrom(head) };
  }

  /** numgen_expr, jhash / symhash (hash_expr): `numgen inc mod 2 offset 10`, `jhash ip saddr mod 4 seed 0x1`. */
  private parseHashFunc(head: IToken): Expr {
    const args: Arg[] = [];
    if (head.image === 'jhash') {
      const s = this.peek()!;
      args.push({ value: this.parseConcat(true), range: this.rangeFrom(s) });
    }
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'inc') || this.isWord(t, 'random')) {
        this.i++;
        args.push({ key: t.image, range: this.tokRange(t) });
      } else if (this.isWord(t, 'mod') || this.isWord(t, 'seed') || this.isWord(t, 'offset')) {
        this.i++;
        args.push({ key: t.image, value: this.parsePrimary(false), range: this.rangeFrom(t) });
      } else break;
    }
    return { kind: 'func', name: head.image, args, range: this.rangeFrom(head) };
  }

  /** set_expr `{ ... }` with set_list_member_expr elements: values, `key : value` mappings, per-element options. */
  parseSetExpr(sel: boolean): Expr {
    const open = this.expect(T.LCurly, "'{'");
    const elements: Expr[] = [];
    // Comments inside the braces: after an element on its line they trail it, on their own line they lead the next one.
    let leading: string[] = [];
    const comments = (): void => {
      for (;;) {
        const t = this.peek();
        if (this.is(t, T.Newline)) this.i++;
        else if (this.is(t, T.Comment)) {
          this.i++;
          const last = elements[elements.length - 1];
          const prev = this.toks[this.i - 2];
          if (last && prev && prev.tokenType !== T.Newline && prev.tokenType !== T.LCurly && last.trailingComment === undefined) last.trailingComment = commentText(t.image);
          else leading.push(commentText(t.image));
        } else return;
      }
    };
    for (;;) {
      comments();
      const t = this.peek();
      if (!t) {
        this.error('nft-unclosed-block', "missing '}' for this set", this.tokRange(open));
        throw new SyntaxAbort('unclosed set');
      }
      if (t.tokenType === T.RCurly) break;
      try {
        const el = this.parseSetElem(sel);
        if (leading.length) {
          el.leadingComments = leading;
          leading = [];
        }
        elements.push(el);
        comments();
        const sep = this.peek();
        if (this.is(sep, T.Comma)) {
          this.i++;
          continue;
        }
        if (this.is(sep, T.RCurly)) break;
        this.errorAt(sep, 'nft-syntax-error', `expected ',' or '}' in set${found(sep)}`);
      } catch (e) {
        // keep the error inside the braces: skip to the next element or the closing brace
        if (!(e instanceof SyntaxAbort) || !this.skipToSetSeparator()) throw e;
      }
    }
    if (leading.length) this.droppedComments += leading.length; // comment lines right before `}`
    this.i++;
    return { kind: 'set', elements, range: this.rangeFrom(open) };
  }

  /** After an error in a set element: past the next `,` (true), or up to the closing `}` (true), or the end (false). */
  private skipToSetSeparator(): boolean {
    let depth = 0;
    while (this.i < this.toks.length) {
      const t = this.toks[this.i]!;
      if (t.tokenType === T.LCurly || t.tokenType === T.LParen) depth++;
      else if (t.tokenType === T.RParen && depth > 0) depth--;
      else if (t.tokenType === T.RCurly) {
        if (depth === 0) return true;
        depth--;
      } else if (t.tokenType === T.Comma && depth === 0) {
        this.i++;
        return true;
      }
      this.i++;
    }
    return false;
  }

  /** set_list_member_expr: `*`, a value or concatenation with options, or `key : value`. */
  private parseSetElem(sel: boolean): Expr {
    const start = this.peek()!;
    let key: Expr;
    if (this.is(start, T.Star)) {
      this.i++;
      key = { kind: 'literal', text: '*', range: this.tokRange(start) };
    } else key = this.parseConcat(sel);
    const options = this.parseElemOptions();
    if (options.length) key = { kind: 'elem', value: key, options, range: this.rangeFrom(start) };
    if (this.is(this.peek(), T.Colon)) {
      this.i++;
      this.skipInsideBraces();
      const v = this.peek();
      let value: Expr;
      if (this.isWordIn(v, VERDICTS) || this.isWord(v, 'queue')) {
        this.i++;
        const verdict = v.image as VerdictName;
        if (verdict === 'jump' || verdict === 'goto') value = { kind: 'verdict', verdict, chain: this.parseChainRef(), range: this.rangeFrom(v) };
        else value = { kind: 'verdict', verdict, range: this.tokRange(v) };
      } else value = this.parseConcat(sel);
      const valueOptions = this.parseElemOptions();
      if (valueOptions.length) value = { kind: 'elem', value, options: valueOptions, range: this.rangeFrom(v ?? start) };
      return { kind: 'mapping', key, value, range: this.rangeFrom(start) };
    }
    return key;
  }

  /** Per-element options: `timeout 1h`, `expires 2m`, `comment "x"`, and stateful statements (`counter ...`, `limit ...`). */
  private parseElemOptions(): Arg[] {
    const options: Arg[] = [];
    for (;;) {
      const t = this.peek();
      if (!this.is(t, T.Word)) return options;
      if (t.image === 'timeout' || t.image === 'expires') {
        this.i++;
        options.push({ key: t.image, value: this.parsePrimary(false), range: this.rangeFrom(t) });
      } else if (t.image === 'comment') {
        this.i++;
        const s = this.peek();
        if (!this.is(s, T.QuotedString)) this.errorAt(s, 'nft-expected-value', 'expected a quoted comment');
        this.i++;
        options.push({ key: 'comment', value: { kind: 'literal', text: s.image.slice(1, -1), quoted: true, range: this.tokRange(s) }, range: this.rangeFrom(t) });
      } else if (ELEM_STMTS.has(t.image) || (t.image === 'ct' && this.isWord(this.peek(1), 'count'))) {
        const stmt = this.parseStmt();
        options.push({ stmt, range: stmt.range });
      } else return options;
    }
  }
}

const LEVEL: Record<BinaryOp, number> = { '|': 0, '^': 1, '&': 2, '<<': 3, '>>': 3 };
/** Statements whose `to` takes an address, a `:port` or both (nat_stmt_args, tproxy_stmt). */
const NAT_STMTS = new Set(['snat', 'dnat', 'masquerade', 'redirect', 'tproxy']);
const FIELD_STOP = new Set(['set', 'map', 'vmap', 'exists', 'missing', 'queue', 'mod', 'to']);
const POSITION_KEYS = new Set(['position', 'handle', 'index']);
const ELEM_STMTS = new Set(['counter', 'quota', 'limit', 'last']);
const OPTION_FIELDS = new Set(['kind', 'length', 'size', 'count', 'left', 'right', 'tsval', 'tsecr', 'subtype', 'value', 'type', 'addr', 'ptr']);

function isCommandObject(w: string, next: IToken | undefined): boolean {
  if (next === undefined) return false;
  return ['chain', 'rule', 'set', 'map', 'element', 'flowtable', 'counter', 'quota', 'limit', 'secmark', 'synproxy', 'tunnel'].includes(w) ||
    (w === 'ct' && next.tokenType === T.Word && CT_OBJECT_TYPES.has(next.image));
}

/** ` but found 'x'` for messages; the token may be absent (end of file). */
function found(t: IToken | undefined): string {
  return t ? ` but found '${t.image}'` : ' before the end of the file';
}

function commentText(image: string): string {
  const body = image.slice(1).replace(/\r$/, '');
  return body.startsWith(' ') ? body.slice(1) : body;
}

/** Text of a simple expression for literal-kept values (priorities, timeouts). */
function printLit(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.quoted ? `"${e.text}"` : e.text;
    case 'variable':
      return `$${e.name}`;
    case 'range':
      return `${printLit(e.low)}-${printLit(e.high)}`;
    case 'prefix':
      return `${printLit(e.base)}/${e.length}`;
    case 'selector':
      return e.path.join(' ');
    default:
      return e.kind;
  }
}
