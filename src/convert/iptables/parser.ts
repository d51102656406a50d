/**
 * Parsers for iptables-save / ip6tables-save / iptables-restore input, ebtables-save and
 * arptables-save files, and for single commands in iptables(-translate) argument form.
 * Fault tolerant: every problem becomes a diagnostic and parsing resumes at the next line.
 */
import type { ILexingError, IToken } from 'chevrotain';
import type { Diagnostic, Range } from '../ast/common';
import type { ChainDecl, Command, Comment, Counters, Dialect, IptablesFile, TableBlock, Word } from '../ast/iptables';
import type * as ChevrotainLexer from './lexer';
import { tokenLength, unquoteFileWord, unquoteShellWord } from './quoting';
import { Bang, located, ParsedCounters, ParsedWord, type Located } from './nodes';
import { CommandBuilder, diag, isBang, type Tok } from './rule-builder';
import { ScannedLine, TokenKind } from './scanner';
import { detectFormat } from '../detect';

export interface ParseOptions {
  readonly dialect?: Dialect;
  /**
   * `chevrotain` lexes every line with the Chevrotain lexer, which the scanner for plain
   * lines is tested against; the result is the same, only slower.
   */
  readonly lexer?: 'fast' | 'chevrotain';
  /**
   * Receives each command of a table block as soon as it is parsed, instead of the block's
   * `commands` (which then stay empty): a caller that converts a large dump as it is parsed
   * lets each command's tree go right after use. `table` is the block so far (its chain
   * declarations up to this line); the same object is passed to onTableEnd.
   */
  readonly onCommand?: (command: Command, table: OpenTable) => void;
  /** With onCommand: a table block is complete (COMMIT, the next `*table`, or the end of the text). */
  readonly onTableEnd?: (block: TableBlock, table: OpenTable) => void;
}

/** A table block while it is being parsed. */
export interface OpenTable {
  readonly name: Word;
  readonly chains: readonly ChainDecl[];
}

interface MutableTable {
  name: Word;
  chains: ChainDecl[];
  commands: Command[];
  commit?: Range;
  start: Range;
  /** The last line so far. */
  end: Located;
}

function locatedOf(r: Range): Located {
  return located(r.start.line, r.start.character, r.end.line, r.end.character);
}

let lexerModule: typeof ChevrotainLexer | undefined;
/**
 * The Chevrotain lexers, loaded on first use: lines of printable ASCII never need them, and
 * building them costs a command-line run tens of milliseconds.
 */
function chevrotain(): typeof ChevrotainLexer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (lexerModule ??= require('./lexer') as typeof ChevrotainLexer);
}

const COUNTERS = /^\[(\d+):(\d+)\]$/;
/** Program names a pasted command may start with. */
const PROGRAM = /^(?:sudo|(?:\S*\/)?(?:ip6?tables|ebtables|arptables)(?:-nft|-legacy)?(?:-translate)?)$/;
/** Characters lexed at a time (rounded up to a line end). */
const CHUNK_SIZE = 1 << 16;
/** Longest token image (word and folded blanks) given one shared copy. */
const MAX_INTERNED = 32;

/** Whether text[start, start + word.length) is `word`: a short loop, cheaper than a startsWith call for these short words. */
function sameChars(text: string, start: number, word: string): boolean {
  for (let k = word.length - 1; k >= 0; k--) if (text.charCodeAt(start + k) !== word.charCodeAt(k)) return false;
  return true;
}
// tsx runs each module as CommonJS, where every use of an imported name is a getter call V8
// does not inline: per-word code uses these module-level copies.
const node = { Bang, ParsedCounters, ParsedWord };
const WORD = TokenKind.Word;
const QUOTED_WORD = TokenKind.QuotedWord;
const BANG = TokenKind.Bang;
const COUNTERS_KIND = TokenKind.Counters;
const BROKEN_QUOTE = TokenKind.BrokenQuote;

function rangeAt(p: { line: number; character: number }): Range {
  return { start: p, end: p };
}

/** Maps absolute offsets to (line, character); built only when something needs it. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  position(offset: number): { line: number; character: number } {
    if (!this.starts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10 || (c === 13 && t.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
      }
      this.starts = starts;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo]! };
  }
}

function lexErrors(text: string, base: number, errors: ILexingError[], index: LineIndex, out: Diagnostic[]): void {
  for (const e of errors) {
    const start = index.position(base + e.offset);
    out.push(diag({ start, end: { line: start.line, character: start.character + e.length } }, 'unexpected-character', `unexpected character '${text.substr(base + e.offset, 1)}'`));
  }
}

/** Guess the dialect (header comment, content, IPv6 addresses) when the caller did not say. */
function sniffDialect(text: string): Dialect {
  switch (detectFormat(text)) {
    case 'ip6tables-save':
      return 'ip6tables';
    case 'ebtables-save':
      return 'ebtables';
    case 'arptables-save':
      return 'arptables';
    default:
      return 'iptables';
  }
}

/** Size of the interning cache (a power of two). */
const INTERN_SLOTS = 1 << 13;

/** Token kinds → AST words, at positions relative to the current line. */
class LineReader {
  /** The line being read: its number and where it starts in the text. */
  line = 0;
  private lineStart = 0;
  /** iptables-restore quoting: only `"` starts a quoted part. */
  private readonly fileQuoting: boolean;

  constructor(
    private readonly text: string,
    readonly unquote: (raw: string) => { text: string; quoted: boolean },
    private readonly diagnostics: Diagnostic[],
  ) {
    this.fileQuoting = unquote === unquoteFileWord;
  }

  /**
   * One copy of each repeated short word (flags, chain names, numbers): a big dump repeats
   * most words. A direct-mapped cache keyed by a hash of a few characters, so a hit costs one
   * comparison and no string.
   */
  private readonly interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

  /** text[start, end), shared with an earlier equal word when short. */
  private plain(start: number, end: number): string {
    const text = this.text;
    const length = end - start;
    if (length > MAX_INTERNED || length === 0) return text.slice(start, end);
    // A few characters spread the words of a dump well enough (a clash only costs a copy).
    let hash = length;
    hash = Math.imul(hash, 31) + text.charCodeAt(start);
    hash = Math.imul(hash, 31) + text.charCodeAt(end - 1);
    hash = Math.imul(hash, 31) + text.charCodeAt(start + (length >> 1));
    hash = Math.imul(hash, 31) + text.charCodeAt(end - 1 - (length >> 2));
    hash = Math.imul(hash, 31) + text.charCodeAt(start + (length >> 2));
    const slot = (hash ^ (hash >>> 13)) & (INTERN_SLOTS - 1);
    const hit = this.interned[slot];
    if (hit !== undefined && hit.length === length && sameChars(text, start, hit)) return hit;
    const s = text.slice(start, end);
    this.interned[slot] = s;
    return s;
  }

  moveTo(line: number, lineStart: number): void {
    this.line = line;
    this.lineStart = lineStart;
  }

  range(start: number, end: number): Range {
    const col = start - this.lineStart;
    return { start: { line: this.line, character: col }, end: { line: this.line, character: col + end - start } };
  }

  /** Whether text[start, end) has quote characters of this quoting. */
  hasQuotes(start: number, end: number): boolean {
    const text = this.text;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 || (!this.fileQuoting && (c === 39 || c === 92))) return true;
    }
    return false;
  }

  /** The word text[start + dropPrefix, end), unquoted when `quoted`. */
  word(start: number, end: number, quoted: boolean, dropPrefix = 0): ParsedWord {
    const col = start - this.lineStart;
    if (!quoted) return new node.ParsedWord(this.plain(start + dropPrefix, end), false, this.line, col + dropPrefix, col + end - start);
    const u = this.unquote(this.text.slice(start + dropPrefix, end));
    return new node.ParsedWord(u.text, u.quoted, this.line, col + dropPrefix, col + end - start);
  }

  /** A token of a command line as the rule builder takes it. */
  tok(kind: TokenKind, start: number, end: number): Tok {
    switch (kind) {
      case WORD:
        return this.word(start, end, false);
      case QUOTED_WORD:
        return this.word(start, end, true);
      case BANG:
        return new node.Bang(this.line, start - this.lineStart);
      case BROKEN_QUOTE: {
        this.diagnostics.push(diag(this.range(start, end), 'unterminated-quote', 'the quoted string is not closed before the end of the line'));
        const raw = this.text.slice(start, end);
        const u = this.unquote(raw + (raw.startsWith("'") ? "'" : '"'));
        const col = start - this.lineStart;
        return new node.ParsedWord(u.text, true, this.line, col, col + end - start);
      }
      default:
        return this.word(start, end, this.hasQuotes(start, end));
    }
  }

  counters(start: number, end: number): ParsedCounters | undefined {
    const image = this.text.slice(start, end);
    const m = COUNTERS.exec(image);
    if (!m) {
      this.diagnostics.push(diag(this.range(start, end), 'invalid-counters', `counters must look like [packets:bytes], not ${image}`));
      return undefined;
    }
    const col = start - this.lineStart;
    const at = located(this.line, col, this.line, col + end - start);
    return new node.ParsedCounters(m[1]!, m[2]!, at, at);
  }

  lineText(end: number): string {
    return this.text.slice(this.lineStart, end);
  }
}

const SHELL_QUOTES = /["'\\]/;

/** Kind of a Chevrotain token (file or shell lexer) in the scanner's terms. */
function kindOf(t: IToken, fileQuoting: boolean, lexer: typeof ChevrotainLexer): TokenKind {
  switch (t.tokenType) {
    case lexer.Bang:
      return BANG;
    case lexer.Counters:
      return COUNTERS_KIND;
    case lexer.BrokenQuote:
      return BROKEN_QUOTE;
    case lexer.TableHeader:
      return TokenKind.TableHeader;
    case lexer.ChainHeader:
      return TokenKind.ChainHeader;
    case lexer.Commit:
      return TokenKind.Commit;
    case lexer.CommentLine:
      return TokenKind.Comment;
    default:
      return (fileQuoting ? t.image.indexOf('"') >= 0 : SHELL_QUOTES.test(t.image)) ? QUOTED_WORD : WORD;
  }
}

/** Parses an iptables-save style file of any dialect. Never throws. */
export function parseIptablesSave(text: string, opts: ParseOptions = {}): IptablesFile {
  const dialect = opts.dialect ?? sniffDialect(text);
  const diagnostics: Diagnostic[] = [];
  const tables: TableBlock[] = [];
  const stray: Command[] = [];
  const comments: Comment[] = [];
  const index = new LineIndex(text);
  let open: MutableTable | undefined;
  const { onCommand, onTableEnd } = opts;
  const close = (t: MutableTable) => {
    const block: TableBlock = {
      name: t.name,
      chains: t.chains,
      commands: t.commands,
      ...(t.commit ? { commit: t.commit } : {}),
      range: { start: t.start.start, end: { line: t.end.endLine, character: t.end.endChar } },
    };
    tables.push(block);
    onTableEnd?.(block, t);
  };

  const reader = new LineReader(text, unquoteFileWord, diagnostics);
  const builder = new CommandBuilder({ dialect, mode: 'file', diagnostics });
  /** The words of the current command; reused, the builder keeps only the words. */
  const toks: Tok[] = [];
  /** A word of the line, quotes looked for unless the scanner already knows. */
  const wordOf = (scan: ScannedLine, k: number, dropPrefix = 0): ParsedWord => {
    const kind = scan.kinds[k]!;
    const start = scan.starts[k]!;
    const end = scan.ends[k]!;
    return reader.word(start, end, kind === QUOTED_WORD || (kind !== WORD && reader.hasQuotes(start + dropPrefix, end)), dropPrefix);
  };
  const tokenText = (scan: ScannedLine, k: number) => text.slice(scan.starts[k]!, scan.ends[k]!);
  const rangeOf = (scan: ScannedLine, k: number) => reader.range(scan.starts[k]!, scan.ends[k]!);

  /** One line's tokens (from the scanner or the lexer), at reader's line. */
  const line = (scan: ScannedLine) => {
    const { kinds, starts, ends, count } = scan;
    if (count === 0) return;
    switch (kinds[0]) {
      case TokenKind.Comment:
        comments.push({ text: text.slice(starts[0]!, scan.end), range: rangeOf(scan, 0) });
        return;
      case TokenKind.TableHeader: {
        const hr = rangeOf(scan, 0);
        const name = wordOf(scan, 0, 1);
        if (!name.text) diagnostics.push(diag(hr, 'missing-table-name', "'*' must be followed by a table name"));
        for (let k = 1; k < count; k++) diagnostics.push(diag(rangeOf(scan, k), 'unexpected-argument', `unexpected '${tokenText(scan, k)}' after the table header`));
        if (open) close(open);
        open = { name, chains: [], commands: [], start: hr, end: locatedOf(hr) };
        return;
      }
      case TokenKind.ChainHeader: {
        const hr = rangeOf(scan, 0);
        const name = wordOf(scan, 0, 1);
        let k = 1;
        let policy: Word | undefined;
        let counters: Counters | undefined;
        if (k < count && kinds[k] !== COUNTERS_KIND) policy = wordOf(scan, k++);
        if (k < count && kinds[k] === COUNTERS_KIND) counters = reader.counters(starts[k]!, ends[k]!);
        if (k < count && kinds[k] === COUNTERS_KIND) k++;
        for (; k < count; k++) diagnostics.push(diag(rangeOf(scan, k), 'invalid-chain-declaration', `unexpected '${tokenText(scan, k)}' in the chain declaration`));
        if (!name.text) diagnostics.push(diag(hr, 'invalid-chain-declaration', "':' must be followed by a chain name"));
        if (!policy) diagnostics.push(diag(hr, 'invalid-chain-declaration', `chain ${name.text} needs a policy (ACCEPT, DROP, or - for a user chain)`));
        const last = count > 1 ? rangeOf(scan, count - 1) : hr;
        const decl: ChainDecl = {
          name,
          policy: policy ?? new node.ParsedWord('', false, hr.end.line, hr.end.character, hr.end.character),
          ...(counters ? { counters } : {}),
          range: { start: hr.start, end: last.end },
        };
        if (!open) {
          diagnostics.push(diag(decl.range, 'chain-outside-table', `chain ${name.text} is declared before any *table header`));
          return;
        }
        open.chains.push(decl);
        open.end = locatedOf(decl.range);
        return;
      }
      case TokenKind.Commit: {
        const cr = rangeOf(scan, 0);
        for (let k = 1; k < count; k++) diagnostics.push(diag(rangeOf(scan, k), 'unexpected-argument', `unexpected '${tokenText(scan, k)}' after COMMIT`));
        if (!open) {
          diagnostics.push(diag(cr, 'commit-outside-table', 'COMMIT without a *table header'));
          return;
        }
        open.commit = cr;
        open.end = locatedOf(cr);
        close(open);
        open = undefined;
        return;
      }
    }
    let k = 0;
    let leading: ParsedCounters | undefined;
    if (kinds[0] === COUNTERS_KIND && count > 1) {
      leading = reader.counters(starts[0]!, ends[0]!);
      k = 1;
    }
    // Overwritten in place and cut to size, never emptied: V8 frees an array's storage at length 0.
    let n = 0;
    for (; k < count; k++) toks[n++] = reader.tok(kinds[k]!, starts[k]!, ends[k]!);
    toks.length = n;
    const command = builder.build(toks, reader.lineText(scan.end), leading);
    if (!command) return;
    if (open) {
      if (onCommand) onCommand(command, open);
      else open.commands.push(command);
      open.end = command;
    } else stray.push(command);
  };

  /** Lexes text[from, to) (whole lines, the first one numbered `firstLine`) with Chevrotain. */
  const lexed = new ScannedLine();
  const lexLines = (from: number, to: number, firstLine: number) => {
    const lexer = chevrotain();
    let lineNo = firstLine;
    let base = from;
    lexed.count = 0;
    reader.moveTo(lineNo, from);
    // In chunks of whole lines so the token objects of a long run never all live at once.
    while (base < to) {
      let chunkEnd = Math.min(to, base + CHUNK_SIZE);
      if (chunkEnd < to) {
        const nl = text.indexOf('\n', chunkEnd);
        chunkEnd = nl < 0 || nl >= to ? to : nl + 1;
      }
      let result;
      try {
        result = lexer.fileLexer.tokenize(text.slice(base, chunkEnd));
      } catch (e) {
        diagnostics.push(diag(rangeAt(index.position(base)), 'unexpected-character', `could not tokenise the text: ${String(e)}`));
        return;
      }
      lexErrors(text, base, result.errors, index, diagnostics);
      for (const t of result.tokens) {
        const start = base + t.startOffset;
        if (t.tokenType === lexer.Newline) {
          lexed.end = start;
          line(lexed);
          lexed.count = 0;
          reader.moveTo(++lineNo, start + t.image.length);
        } else lexed.add(kindOf(t, true, lexer), start, start + tokenLength(t.image));
      }
      base = chunkEnd;
    }
    lexed.end = to;
    line(lexed);
    lexed.count = 0;
  };

  // Lines of printable ASCII (nearly every line of a dump) are read by the scanner; runs of
  // other lines go to the Chevrotain lexer together.
  const scan = new ScannedLine();
  const fast = opts.lexer !== 'chevrotain';
  let lineNo = 0;
  let lineStart = 0;
  let slowFrom = -1;
  let slowLine = 0;
  while (lineStart < text.length) {
    if (fast && scan.scan(text, lineStart)) {
      if (slowFrom >= 0) {
        lexLines(slowFrom, lineStart, slowLine);
        slowFrom = -1;
      }
      reader.moveTo(lineNo, lineStart);
      line(scan);
    } else {
      if (!fast) scan.scan(text, lineStart);
      if (slowFrom < 0) {
        slowFrom = lineStart;
        slowLine = lineNo;
      }
    }
    if (scan.end >= text.length) break;
    lineStart = scan.next;
    lineNo++;
  }
  if (slowFrom >= 0) lexLines(slowFrom, text.length, slowLine);
  if (open) close(open);
  // Source order, whichever way a line was read (the lexer reports a run's characters before its lines).
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { kind: 'iptables-file', dialect, tables, stray, comments, diagnostics, range: { start: { line: 0, character: 0 }, end: { line: lineNo, character: text.length - lineStart } } };
}

export interface ArgsParseResult {
  /** `-t` value, `filter` by default. */
  readonly table: string;
  readonly command?: Command;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses one command in iptables argument form (shell quoting), e.g.
 * `-t nat -A POSTROUTING -o eth0 -j MASQUERADE`. Never throws.
 */
export function parseIptablesArgs(args: string, opts: { readonly dialect: Dialect }): ArgsParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexer = chevrotain();
  let lexed;
  try {
    lexed = lexer.argsLexer.tokenize(args);
  } catch (e) {
    diagnostics.push(diag({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'unexpected-character', `could not tokenise the arguments: ${String(e)}`));
    return { table: 'filter', diagnostics };
  }
  lexErrors(args, 0, lexed.errors, new LineIndex(args), diagnostics);
  // Arguments are one command; newlines (e.g. from a pasted multi-line shell command) are spaces.
  const toks: Tok[] = [];
  const r = new LineReader(args, unquoteShellWord, diagnostics);
  let line = 0;
  for (const t of lexed.tokens) {
    if (t.tokenType === lexer.Newline) {
      r.moveTo(++line, t.startOffset + t.image.length);
      continue;
    }
    toks.push(r.tok(kindOf(t, false, lexer), t.startOffset, t.startOffset + tokenLength(t.image)));
  }
  // A pasted command line may still start with the program (`sudo iptables-nft -t nat -A ...`).
  while (toks.length > 0 && !isBang(toks[0]) && !(toks[0] as Word).quoted && PROGRAM.test((toks[0] as Word).text)) toks.shift();
  if (toks.length === 0) {
    diagnostics.push(diag({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'missing-command', 'no command given'));
    return { table: 'filter', diagnostics };
  }
  const builder = new CommandBuilder({ dialect: opts.dialect, mode: 'args', diagnostics });
  const command = builder.build(toks, args.replace(/\r?\n[\s\S]*$/, ''), undefined);
  return {
    table: builder.table?.text ?? 'filter',
    ...(command ? { command } : {}),
    diagnostics,
  };
}
