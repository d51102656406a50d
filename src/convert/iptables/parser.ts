/**
 * Parsers for iptables-save / ip6tables-save / iptables-restore input, ebtables-save and
 * arptables-save files, and for single commands in iptables(-translate) argument form.
 * Fault tolerant: every problem becomes a diagnostic and parsing resumes at the next line.
 */
import type { ILexingError, IToken } from 'chevrotain';
import type { Diagnostic, Range } from '../ast/common';
import type { ChainDecl, Command, Comment, Counters, Dialect, IptablesFile, TableBlock, Word } from '../ast/iptables';
import { argsLexer, BrokenQuote, Bang, ChainHeader, Commit, CommentLine, TableHeader, Counters as CountersToken, fileLexer, Newline, tokenLength, tokenText, unquoteFileWord, unquoteShellWord } from './lexer';
import { parseLineTokens } from './line-parser';
import { buildCommand, diag, isBang, type Tok } from './rule-builder';
import { detectFormat } from '../detect';

export interface ParseOptions {
  readonly dialect?: Dialect;
}

interface MutableTable {
  name: Word;
  chains: ChainDecl[];
  commands: Command[];
  commit?: Range;
  start: Range;
  end: Range;
}

const COUNTERS = /^\[(\d+):(\d+)\]$/;
const QUOTE_CHARS = /["'\\]/;
/** Program names a pasted command may start with. */
const PROGRAM = /^(?:sudo|(?:\S*\/)?(?:ip6?tables|ebtables|arptables)(?:-nft|-legacy)?(?:-translate)?)$/;
/** Characters lexed at a time (rounded up to a line end). */
const CHUNK_SIZE = 1 << 16;

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

class LineReader {
  constructor(
    private readonly text: string,
    public line: number,
    private lineStart: number,
    /** Offset of the lexed chunk in the text (token offsets are relative to it). */
    private base: number,
    readonly unquote: (raw: string) => { text: string; quoted: boolean },
    private readonly diagnostics: Diagnostic[],
  ) {
    this.fileQuoting = unquote === unquoteFileWord;
  }

  /** iptables-restore quoting: only `"` starts a quoted part. */
  private readonly fileQuoting: boolean;

  /** One copy of each repeated word (chain names, flags, comments): a big dump repeats most words. */
  private readonly strings = new Map<string, string>();

  private intern(s: string): string {
    // Short words only: they are copied per occurrence and cheap to hash; long ones are slices.
    if (s.length > 16) return s;
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    if (this.strings.size < 200000) this.strings.set(s, s);
    return s;
  }

  moveTo(line: number, lineStart: number, base: number): void {
    this.line = line;
    this.lineStart = lineStart;
    this.base = base;
  }

  range(t: IToken): Range {
    return {
      start: { line: this.line, character: t.startOffset + this.base - this.lineStart },
      end: { line: this.line, character: t.startOffset + this.base + tokenLength(t.image) - this.lineStart },
    };
  }

  word(t: IToken, dropPrefix = 0): Word {
    const r = this.range(t);
    const image = tokenText(t.image);
    const raw = dropPrefix ? image.slice(dropPrefix) : image;
    if (!dropPrefix && (this.fileQuoting ? raw.indexOf('"') < 0 : !QUOTE_CHARS.test(raw))) return { text: this.intern(raw), quoted: false, range: r };
    const u = this.unquote(raw);
    return { text: this.intern(u.text), quoted: u.quoted, range: dropPrefix ? { start: { line: r.start.line, character: r.start.character + dropPrefix }, end: r.end } : r };
  }

  tok(t: IToken): Tok {
    if (t.tokenType === Bang) return { bang: true, range: this.range(t) };
    if (t.tokenType === BrokenQuote) {
      const r = this.range(t);
      this.diagnostics.push(diag(r, 'unterminated-quote', 'the quoted string is not closed before the end of the line'));
      const image = tokenText(t.image);
      const u = this.unquote(image + (image.startsWith("'") ? "'" : '"'));
      return { text: u.text, quoted: true, range: r };
    }
    return this.word(t);
  }

  counters(t: IToken): Counters | undefined {
    const image = tokenText(t.image);
    const m = COUNTERS.exec(image);
    if (!m) {
      this.diagnostics.push(diag(this.range(t), 'invalid-counters', `counters must look like [packets:bytes], not ${image}`));
      return undefined;
    }
    return { packets: m[1]!, bytes: m[2]!, range: this.range(t) };
  }

  lineText(end: number): string {
    return this.text.slice(this.lineStart, end);
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
  const close = (t: MutableTable) => {
    tables.push({
      name: t.name,
      chains: t.chains,
      commands: t.commands,
      ...(t.commit ? { commit: t.commit } : {}),
      range: { start: t.start.start, end: t.end.end },
    });
  };

  let line = 0;
  let lineStart = 0;
  let base = 0;
  const lineTokens: IToken[] = [];
  const reader = new LineReader(text, 0, 0, 0, unquoteFileWord, diagnostics);
  const flush = (endOffset: number) => {
    if (lineTokens.length > 0) {
      reader.moveTo(line, lineStart, base);
      handleLine(reader, lineTokens, endOffset);
      lineTokens.length = 0;
    }
  };

  const handleLine = (r: LineReader, toks: IToken[], endOffset: number) => {
    const first = toks[0]!;
    if (first.tokenType === CommentLine) {
      comments.push({ text: first.image, range: r.range(first) });
      return;
    }
    // Command lines (almost every line) skip the Chevrotain line grammar: their shape is just
    // "words", and invoking the parser per line cost 25 µs, i.e. over a second for 50k rules.
    if (first.tokenType !== TableHeader && first.tokenType !== ChainHeader && first.tokenType !== Commit) {
      handleCommand(r, toks, endOffset);
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
        open = { name, chains: [], commands: [], start: hr, end: hr };
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
          policy: policy ?? { text: '', quoted: false, range: { start: hr.end, end: hr.end } },
          ...(counters ? { counters } : {}),
          range: { start: hr.start, end: last.end },
        };
        if (!open) {
          diagnostics.push(diag(decl.range, 'chain-outside-table', `chain ${name.text} is declared before any *table header`));
          return;
        }
        open.chains.push(decl);
        open.end = decl.range;
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
        open.end = cr;
        close(open);
        open = undefined;
        return;
      }
      case 'command':
        handleCommand(r, [...shape.tokens], endOffset);
        return;
    }
  };

  const handleCommand = (r: LineReader, tokens: readonly IToken[], endOffset: number) => {
    let k = 0;
    let leading: Counters | undefined;
    if (tokens[0]!.tokenType === CountersToken && tokens.length > 1) {
      leading = r.counters(tokens[0]!);
      k = 1;
    }
    const toks: Tok[] = [];
    for (; k < tokens.length; k++) toks.push(r.tok(tokens[k]!));
    const built = buildCommand(toks, r.lineText(endOffset), leading, { dialect, mode: 'file', diagnostics });
    if (!built.command) return;
    if (open) {
      open.commands.push(built.command);
      open.end = built.command.range;
    } else stray.push(built.command);
  };

  // Lexed in chunks of whole lines so the token objects of a big file never all live at once.
  while (base < text.length) {
    let chunkEnd = Math.min(text.length, base + CHUNK_SIZE);
    if (chunkEnd < text.length) {
      const nl = text.indexOf('\n', chunkEnd);
      chunkEnd = nl < 0 ? text.length : nl + 1;
    }
    let lexed;
    try {
      lexed = fileLexer.tokenize(text.slice(base, chunkEnd));
    } catch (e) {
      diagnostics.push(diag(rangeAt(index.position(base)), 'unexpected-character', `could not tokenise the text: ${String(e)}`));
      break;
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
    const rr = line === 0 ? r : new LineReader(args, line, lineStart, 0, unquoteShellWord, diagnostics);
    toks.push(rr.tok(t));
  }
  // A pasted command line may still start with the program (`sudo iptables-nft -t nat -A ...`).
  while (toks.length > 0 && !isBang(toks[0]) && !(toks[0] as Word).quoted && PROGRAM.test((toks[0] as Word).text)) toks.shift();
  if (toks.length === 0) {
    diagnostics.push(diag({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'missing-command', 'no command given'));
    return { table: 'filter', diagnostics };
  }
  const built = buildCommand(toks, args.replace(/\r?\n[\s\S]*$/, ''), undefined, { dialect: opts.dialect, mode: 'args', diagnostics });
  return {
    table: built.table?.text ?? 'filter',
    ...(built.command ? { command: built.command } : {}),
    diagnostics,
  };
}
