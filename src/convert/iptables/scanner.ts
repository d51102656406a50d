/**
 * Tokens of iptables-save lines as kinds and offsets, without token objects. `ScannedLine.scan`
 * is a hand-written scanner for lines of printable ASCII (nearly every line of a dump): it
 * splits them exactly as the Chevrotain file lexer (`lexer.ts`) would, and gives up (returns
 * false) on anything else — control or non-ASCII characters, unterminated quotes, tabs before a
 * line-start token — which the Chevrotain lexer then reads into the same form (`add`). A
 * property test (test/unit/iptables-scanner.test.ts) checks that both agree.
 */

export const enum TokenKind {
  /** A word without quote characters. */
  Word = 0,
  /** A word with quote characters (the caller unquotes). */
  QuotedWord = 1,
  /** `!` standing alone. */
  Bang = 2,
  /** `[...]` standing alone: counters where they are expected, a word elsewhere. */
  Counters = 3,
  /** From an opening quote that is never closed to the end of the line. */
  BrokenQuote = 4,
  /** Line-start tokens: `*table`, `:chain`, `COMMIT` alone, `# comment` (to the end of the line). */
  TableHeader = 5,
  ChainHeader = 6,
  Commit = 7,
  Comment = 8,
}

/** The tokens of one line as parallel arrays (reused from line to line). */
export class ScannedLine {
  readonly kinds: TokenKind[] = [];
  /** Absolute offsets in the text; `ends` exclude the blanks after a token. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  count = 0;
  /** Offset of the line's newline (or the end of the text). */
  end = 0;
  /** Offset where the next line starts. */
  next = 0;

  /** Printable ASCII, spaces and tabs: what a line must be made of to be scanned here. */
  private readonly plainRun = /[\t\x20-\x7e]*/y;
  private text = '';
  /** Where the next `"` / tab of the text is (-1: not looked for yet), so lines without them take the quick path. */
  private nextQuote = -1;
  private nextTab = -1;

  add(kind: TokenKind, start: number, end: number): void {
    const n = this.count++;
    this.kinds[n] = kind;
    this.starts[n] = start;
    this.ends[n] = end;
  }

  /**
   * Scans the line that starts at `pos`. True when this scanner read it all; false when the
   * Chevrotain lexer must. Either way `end` and `next` are set.
   */
  scan(text: string, pos: number): boolean {
    this.count = 0;
    if (text !== this.text) {
      this.text = text;
      this.nextQuote = this.nextTab = -1;
    }
    const len = text.length;
    const run = this.plainRun;
    run.lastIndex = pos;
    run.test(text);
    let end = run.lastIndex;
    let ok = true;
    if (end < len && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) {
      // A control or non-ASCII character: the lexer decides (and reports what it cannot read).
      ok = false;
      while (end < len && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    }
    this.end = end;
    this.next = end >= len ? len : text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    if (!ok) return false;
    if (this.nextTab < pos && this.nextTab !== len) this.nextTab = indexOrEnd(text, '\t', pos);
    return this.nextTab < end ? this.scanChars(text, pos, end) : this.scanSpaced(text, pos, end);
  }

  /**
   * A line of printable ASCII separated by spaces: token ends are found with indexOf, and only
   * quoted parts (which may hold spaces) are walked character by character.
   */
  private scanSpaced(text: string, pos: number, end: number): boolean {
    let i = pos;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i < end) {
      const next = this.lineStart(text, i, end);
      if (next < 0) return true;
      i = next;
    }
    while (i < end) {
      if (text.charCodeAt(i) === 32) {
        i++;
        continue;
      }
      let e = text.indexOf(' ', i);
      if (e < 0 || e > end) e = end;
      const c = text.charCodeAt(i);
      if (c === 33 && e === i + 1) {
        this.add(TokenKind.Bang, i, e);
        i = e + 1;
        continue;
      }
      // `\[[^\s\]]*\]` (quotes included) before a blank or the end of the line.
      if (c === 91 && e - i >= 2 && text.charCodeAt(e - 1) === 93 && text.indexOf(']', i + 1) === e - 1) {
        this.add(TokenKind.Counters, i, e);
        i = e + 1;
        continue;
      }
      if (this.nextQuote < i) this.nextQuote = indexOrEnd(text, '"', i);
      if (this.nextQuote >= e) {
        this.add(TokenKind.Word, i, e);
        i = e + 1;
        continue;
      }
      // Quoted parts `"(?:[^"\\]|\\.)*"` glued to the word; they may hold spaces.
      while (this.nextQuote < e) {
        let k = this.nextQuote + 1;
        for (;;) {
          if (k >= end) return false; // unterminated: a BrokenQuote the lexer reports
          const d = text.charCodeAt(k);
          if (d === 34) break;
          k += d === 92 ? 2 : 1;
        }
        this.nextQuote = indexOrEnd(text, '"', k + 1);
        if (k + 1 >= e) {
          e = text.indexOf(' ', k + 1);
          if (e < 0 || e > end) e = end;
        }
      }
      this.add(TokenKind.QuotedWord, i, e);
      i = e + 1;
    }
    return true;
  }

  /**
   * The line-start tokens of the lexer (`lineStart` patterns) at `i`, the first non-blank of a
   * line without tabs: adds the token and returns where scanning goes on (-1: line done).
   */
  private lineStart(text: string, i: number, end: number): number {
    const c = text.charCodeAt(i);
    if (c === 35) {
      this.add(TokenKind.Comment, i, trimEnd(text, i, end));
      return -1;
    }
    if (c === 42 || c === 58) {
      let e = text.indexOf(' ', i);
      if (e < 0 || e > end) e = end;
      this.add(c === 42 ? TokenKind.TableHeader : TokenKind.ChainHeader, i, e);
      return e;
    }
    if (c === 67 && text.startsWith('COMMIT', i) && trimEnd(text, i + 6, end) === i + 6) {
      this.add(TokenKind.Commit, i, i + 6);
      return -1;
    }
    return i;
  }

  /** The general case (tabs), one character at a time; line-start tokens are left to the lexer. */
  private scanChars(text: string, pos: number, end: number): boolean {
    let i = pos;
    let first = true;
    while (i < end) {
      let c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      const start = i;
      if (first) {
        first = false;
        if (c === 35 || c === 42 || c === 58 || (c === 67 && text.startsWith('COMMIT', i))) return false;
      }
      if (c === 33 && isBlankOrEnd(text, i + 1, end)) {
        this.add(TokenKind.Bang, start, i + 1);
        i++;
        continue;
      }
      if (c === 91) {
        let j = i + 1;
        while (j < end && text.charCodeAt(j) > 32 && text.charCodeAt(j) !== 93) j++;
        if (j < end && text.charCodeAt(j) === 93 && isBlankOrEnd(text, j + 1, end)) {
          this.add(TokenKind.Counters, start, j + 1);
          i = j + 1;
          continue;
        }
      }
      let quoted = false;
      while (i < end) {
        c = text.charCodeAt(i);
        if (c === 32 || c === 9) break;
        if (c === 34) {
          quoted = true;
          let j = i + 1;
          for (;;) {
            if (j >= end) return false;
            const d = text.charCodeAt(j);
            if (d === 34) break;
            j += d === 92 ? 2 : 1;
          }
          i = j + 1;
          continue;
        }
        i++;
      }
      this.add(quoted ? TokenKind.QuotedWord : TokenKind.Word, start, i);
    }
    return true;
  }
}

function indexOrEnd(text: string, what: string, from: number): number {
  const i = text.indexOf(what, from);
  return i < 0 ? text.length : i;
}

/** End of text[from, end) without trailing blanks. */
function trimEnd(text: string, from: number, end: number): number {
  let e = end;
  while (e > from) {
    const c = text.charCodeAt(e - 1);
    if (c !== 32 && c !== 9) break;
    e--;
  }
  return e;
}

/** The lexer's `(?![^ \t\f\v\r\n])` inside a line of printable characters: a blank or the line's end follows. */
function isBlankOrEnd(text: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = text.charCodeAt(i);
  return c === 32 || c === 9;
}
