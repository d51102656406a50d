/**
 * Parsers for iptables-save / ip6tables-save / iptables-restore input, ebtables-save and
 * arptables-save files, and for single commands in iptables(-translate) argument form.
 * Fault tolerant: every problem becomes a diagnostic and parsing resumes at the next line.
 */
import type { ILexingError, IToken } from 'chevrotain';
import type { Diagnostic, Range } from '../ast/common';
import type { ChainDecl, Command, Comment, Counters, Dialect, IptablesFile, TableBlock, Word } from '../ast/iptables';
import { argsLexer, BrokenQuote, Bang as BangToken, ChainHeader, Commit, CommentLine, TableHeader, Counters as CountersToken, fileLexer, Newline, tokenLength, tokenText, unquoteFileWord, unquoteShellWord } from './lexer';
import { parseLineTokens } from './line-parser';
import { Bang, located, ParsedCounters, ParsedWord, type Located } from './nodes';
import { CommandBuilder, diag, isBang, type Tok } from './rule-builder';
import { ScannedKind, ScannedLine } from './scanner';
import { detectFormat } from '../detect';

export interface ParseOptions {
  readonly dialect?: Dialect;
  /**
   * `chevrotain` lexes every line with the Chevrotain lexer, which the fast scanner for
   * command lines is tested against; the result is the same, only slower.
   */
  readonly lexer?: 'fast' | 'chevrotain';
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

const COUNTERS = /^\[(\d+):(\d+)\]$/;
const QUOTE_CHARS = /["'\\]/;
/** Program names a pasted command may start with. */
const PROGRAM = /^(?:sudo|(?:\S*\/)?(?:ip6?tables|ebtables|arptables)(?:-nft|-legacy)?(?:-translate)?)$/;
/** Characters lexed at a time (rounded up to a line end). */
const CHUNK_SIZE = 1 << 16;
/** Longest token image (word and folded blanks) given one shared copy. */
const MAX_INTERNED = 24;
// tsx runs each module as CommonJS, where every use of an imported name is a getter call V8
// does not inline: per-word code uses these module-level copies.
const node = { Bang, ParsedCounters, ParsedWord };
const BANG_KIND = ScannedKind.Bang;
const QUOTED_KIND = ScannedKind.QuotedWord;
const COUNTERS_KIND = ScannedKind.Counters;

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

/** Tokens of one line → AST words, with positions relative to the line. */
class LineReader {
  constructor(
    private readonly text: string,
    public line: number,
    private lineStart: number,
    /** Offset of the lexed chunk in the text (Chevrotain token offsets are relative to it). */
    private base: number,
    readonly unquote: (raw: string) => { text: string; quoted: boolean },
    private readonly diagnostics: Diagnostic[],
  ) {
    this.fileQuoting = unquote === unquoteFileWord;
  }

  /** iptables-restore quoting: only `"` starts a quoted part. */
  private readonly fileQuoting: boolean;

  /**
   * One copy of each repeated short word (flags, chain names, numbers): a big dump repeats
   * most words. A direct-mapped cache keyed by a hash of the characters, so a hit costs one
   * comparison and no string.
   */
  private readonly interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

  /** text[start, end) without quote characters, shared with earlier equal words when short. */
  private plain(start: number, end: number): string {
    const text = this.text;
    const length = end - start;
    if (length > MAX_INTERNED || length === 0) return text.slice(start, end);
    // A few characters are enough to spread the words of a dump (a clash only costs a copy).
    let hash = length;
    hash = Math.imul(hash, 31) + text.charCodeAt(start);
    hash = Math.imul(hash, 31) + text.charCodeAt(end - 1);
    hash = Math.imul(hash, 31) + text.charCodeAt(start + (length >> 1));
    hash = Math.imul(hash, 31) + text.charCodeAt(end - 1 - (length >> 2));
    hash = Math.imul(hash, 31) + text.charCodeAt(start + (length >> 2));
    const slot = (hash ^ (hash >>> 13)) & (INTERN_SLOTS - 1);
    const hit = this.interned[slot];
    if (hit !== undefined && hit.length === length && text.startsWith(hit, start)) return hit;
    const s = text.slice(start, end);
    this.interned[slot] = s;
    return s;
  }

  moveTo(line: number, lineStart: number, base: number): void {
    this.line = line;
    this.lineStart = lineStart;
    this.base = base;
  }

  private column(t: IToken): number {
    return t.startOffset + this.base - this.lineStart;
  }

  range(t: IToken): Range {
    const start = this.column(t);
    return { start: { line: this.line, character: start }, end: { line: this.line, character: start + tokenLength(t.image) } };
  }

  /** A word at text[start, end) that may have quotes. */
  wordAt(start: number, end: number, quoted: boolean): ParsedWord {
    const col = start - this.lineStart;
    if (!quoted) return new node.ParsedWord(this.plain(start, end), false, this.line, col, col + end - start);
    const u = this.unquote(this.text.slice(start, end));
    return new node.ParsedWord(u.text, u.quoted, this.line, col, col + end - start);
  }

  bangAt(start: number): Bang {
    return new node.Bang(this.line, start - this.lineStart);
  }

  countersAt(start: number, end: number): ParsedCounters | undefined {
    const image = this.text.slice(start, end);
    const col = start - this.lineStart;
    const m = COUNTERS.exec(image);
    if (!m) {
      this.diagnostics.push(diag(range(this.line, col, this.line, col + image.length), 'invalid-counters', `counters must look like [packets:bytes], not ${image}`));
      return undefined;
    }
    const at = located(this.line, col, this.line, col + image.length);
    return new node.ParsedCounters(m[1]!, m[2]!, at, at);
  }

  word(t: IToken, dropPrefix = 0): ParsedWord {
    const start = this.base + t.startOffset;
    const image = t.image;
    const end = start + tokenLength(image);
    if (!dropPrefix && (this.fileQuoting ? image.indexOf('"') < 0 : !QUOTE_CHARS.test(image))) return this.wordAt(start, end, false);
    const col = start - this.lineStart;
    const u = this.unquote(this.text.slice(start + dropPrefix, end));
    return new node.ParsedWord(u.text, u.quoted, this.line, col + dropPrefix, col + end - start);
  }

  tok(t: IToken): Tok {
    const type = t.tokenType;
    if (type === BangToken) return this.bangAt(this.base + t.startOffset);
    if (type === BrokenQuote) {
      const start = this.column(t);
      const image = tokenText(t.image);
      this.diagnostics.push(diag(this.range(t), 'unterminated-quote', 'the quoted string is not closed before the end of the line'));
      const u = this.unquote(image + (image.startsWith("'") ? "'" : '"'));
      return new node.ParsedWord(u.text, true, this.line, start, start + image.length);
    }
    return this.word(t);
  }

  counters(t: IToken): ParsedCounters | undefined {
    const start = this.base + t.startOffset;
    return this.countersAt(start, start + tokenLength(t.image));
  }

  lineText(end: number): string {
    return this.text.slice(this.lineStart, end);
  }
}

function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
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
  const close = (t: MutableTable) => {
    tables.push({
      name: t.name,
      chains: t.chains,
      commands: t.commands,
      ...(t.commit ? { commit: t.commit } : {}),
      range: { start: t.start.start, end: { line: t.end.endLine, character: t.end.endChar } },
    });
  };

  const reader = new LineReader(text, 0, 0, 0, unquoteFileWord, diagnostics);
  const builder = new CommandBuilder({ dialect, mode: 'file', diagnostics });
  /** The words of the current line; reused, the builder keeps only the words. */
  const toks: Tok[] = [];

  const addCommand = (leading: ParsedCounters | undefined, endOffset: number) => {
    const built = builder.build(toks, reader.lineText(endOffset), leading);
    toks.length = 0;
    if (!built.command) return;
    if (open) {
      open.commands.push(built.command);
      open.end = built.command;
    } else stray.push(built.command);
  };

  /** A line the scanner read: always a command (or nothing). */
  const scannedLine = (scan: ScannedLine) => {
    const { kinds, starts, ends, count } = scan;
    let k = 0;
    let leading: ParsedCounters | undefined;
    if (kinds[0] === COUNTERS_KIND && count > 1) {
      leading = reader.countersAt(starts[0]!, ends[0]!);
      k = 1;
    }
    toks.length = 0;
    for (; k < count; k++) {
      const kind = kinds[k];
      toks.push(kind === BANG_KIND ? reader.bangAt(starts[k]!) : reader.wordAt(starts[k]!, ends[k]!, kind === QUOTED_KIND));
    }
    addCommand(leading, scan.end);
  };

  const lexedLine = (r: LineReader, toks: IToken[], endOffset: number) => {
    const first = toks[0]!;
    if (first.tokenType === CommentLine) {
      comments.push({ text: first.image, range: r.range(first) });
      return;
    }
    // Command lines skip the Chevrotain line grammar: their shape is just "words", and
    // invoking the parser per line cost 25 µs, i.e. over a second for 50k rules.
    if (first.tokenType !== TableHeader && first.tokenType !== ChainHeader && first.tokenType !== Commit) {
      lexedCommand(r, toks, endOffset);
      return;
    }
    const res = parseLineTokens(toks);
    if (!res.shape) {
      const bad = res.error?.token ?? first;
      const at = bad.tokenType && bad.image ? r.range(bad) : r.range(first);
      diagnostics.push(diag(at, 'unexpected-token', `unexpected '${tokenText(bad.image ?? '')}'`));
      return;
    }
    const shape = res.shape;
    switch (shape.kind) {
      case 'table': {
        const name = r.word(shape.header, 1);
        if (!name.text) diagnostics.push(diag(r.range(shape.header), 'missing-table-name', "'*' must be followed by a table name"));
        for (const t of shape.extra) diagnostics.push(diag(r.range(t), 'unexpected-argument', `unexpected '${tokenText(t.image)}' after the table header`));
        if (open) close(open);
        const hr = r.range(shape.header);
        open = { name, chains: [], commands: [], start: hr, end: locatedOf(hr) };
        return;
      }
      case 'chain': {
        const hr = r.range(shape.header);
        const name = r.word(shape.header, 1);
        let i = 0;
        const rest = shape.rest;
        let policy: Word | undefined;
        let counters: Counters | undefined;
        if (rest[i] && rest[i]!.tokenType !== CountersToken) policy = r.word(rest[i++]!);
        if (rest[i] && rest[i]!.tokenType === CountersToken) counters = r.counters(rest[i++]!);
        for (; i < rest.length; i++) diagnostics.push(diag(r.range(rest[i]!), 'invalid-chain-declaration', `unexpected '${tokenText(rest[i]!.image)}' in the chain declaration`));
        if (!name.text) diagnostics.push(diag(hr, 'invalid-chain-declaration', "':' must be followed by a chain name"));
        if (!policy) diagnostics.push(diag(hr, 'invalid-chain-declaration', `chain ${name.text} needs a policy (ACCEPT, DROP, or - for a user chain)`));
        const last = rest.length ? r.range(rest[rest.length - 1]!) : hr;
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
      case 'commit': {
        const cr = r.range(shape.token);
        for (const t of shape.extra) diagnostics.push(diag(r.range(t), 'unexpected-argument', `unexpected '${tokenText(t.image)}' after COMMIT`));
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
      case 'command':
        lexedCommand(r, [...shape.tokens], endOffset);
        return;
    }
  };

  const lexedCommand = (r: LineReader, tokens: readonly IToken[], endOffset: number) => {
    let k = 0;
    let leading: ParsedCounters | undefined;
    if (tokens[0]!.tokenType === CountersToken && tokens.length > 1) {
      leading = r.counters(tokens[0]!);
      k = 1;
    }
    toks.length = 0;
    for (; k < tokens.length; k++) toks.push(r.tok(tokens[k]!));
    addCommand(leading, endOffset);
  };

  /** Lexes text[from, to) (whole lines, the first one numbered `firstLine`) with Chevrotain. */
  const lexLines = (from: number, to: number, firstLine: number) => {
    let line = firstLine;
    let lineStart = from;
    let base = from;
    const lineTokens: IToken[] = [];
    const flush = (endOffset: number) => {
      if (lineTokens.length > 0) {
        reader.moveTo(line, lineStart, base);
        lexedLine(reader, lineTokens, endOffset);
        lineTokens.length = 0;
      }
    };
    // In chunks of whole lines so the token objects of a big run never all live at once.
    while (base < to) {
      let chunkEnd = Math.min(to, base + CHUNK_SIZE);
      if (chunkEnd < to) {
        const nl = text.indexOf('\n', chunkEnd);
        chunkEnd = nl < 0 || nl >= to ? to : nl + 1;
      }
      let lexed;
      try {
        lexed = fileLexer.tokenize(text.slice(base, chunkEnd));
      } catch (e) {
        diagnostics.push(diag(rangeAt(index.position(base)), 'unexpected-character', `could not tokenise the text: ${String(e)}`));
        return;
      }
      lexErrors(text, base, lexed.errors, index, diagnostics);
      const tokens = lexed.tokens;
      for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k]!;
        if (t.tokenType === Newline) {
          flush(base + t.startOffset);
          line++;
          lineStart = base + t.startOffset + t.image.length;
        } else lineTokens.push(t);
      }
      flush(chunkEnd);
      base = chunkEnd;
    }
  };

  // Command lines of plain words (nearly every line of a dump) are read by the scanner; runs
  // of other lines go to the Chevrotain lexer together.
  const scan = new ScannedLine();
  const fast = opts.lexer !== 'chevrotain';
  let line = 0;
  let lineStart = 0;
  let pos = 0;
  let slowFrom = -1;
  let slowLine = 0;
  while (pos < text.length) {
    if (fast && scan.scan(text, pos)) {
      if (slowFrom >= 0) {
        lexLines(slowFrom, pos, slowLine);
        slowFrom = -1;
      }
      if (scan.count > 0) {
        reader.moveTo(line, pos, 0);
        scannedLine(scan);
      }
    } else {
      if (!fast) scan.scan(text, pos);
      if (slowFrom < 0) {
        slowFrom = pos;
        slowLine = line;
      }
    }
    if (scan.end >= text.length) break;
    pos = scan.next;
    lineStart = pos;
    line++;
  }
  if (slowFrom >= 0) lexLines(slowFrom, text.length, slowLine);
  if (open) close(open);
  return { kind: 'iptables-file', dialect, tables, stray, comments, diagnostics, range: { start: { line: 0, character: 0 }, end: { line, character: text.length - lineStart } } };
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
  let lexed;
  try {
    lexed = argsLexer.tokenize(args);
  } catch (e) {
    diagnostics.push(diag({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'unexpected-character', `could not tokenise the arguments: ${String(e)}`));
    return { table: 'filter', diagnostics };
  }
  lexErrors(args, 0, lexed.errors, new LineIndex(args), diagnostics);
  // Arguments are one command; newlines (e.g. from a pasted multi-line shell command) are spaces.
  const toks: Tok[] = [];
  const r = new LineReader(args, 0, 0, 0, unquoteShellWord, diagnostics);
  let line = 0;
  let lineStart = 0;
  for (const t of lexed.tokens) {
    if (t.tokenType === Newline) {
      line++;
      lineStart = t.startOffset + t.image.length;
      continue;
    }
    if (r.line !== line) r.moveTo(line, lineStart, 0);
    toks.push(r.tok(t));
  }
  // A pasted command line may still start with the program (`sudo iptables-nft -t nat -A ...`).
  while (toks.length > 0 && !isBang(toks[0]) && !(toks[0] as Word).quoted && PROGRAM.test((toks[0] as Word).text)) toks.shift();
  if (toks.length === 0) {
    diagnostics.push(diag({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'missing-command', 'no command given'));
    return { table: 'filter', diagnostics };
  }
  const built = new CommandBuilder({ dialect: opts.dialect, mode: 'args', diagnostics }).build(toks, args.replace(/\r?\n[\s\S]*$/, ''), undefined);
  return {
    table: built.table?.text ?? 'filter',
    ...(built.command ? { command: built.command } : {}),
    diagnostics,
  };
}
