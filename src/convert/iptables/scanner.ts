/**
 * A hand-written scanner for the lines that make up almost all of a dump: commands of
 * printable ASCII words. It splits a line exactly as the Chevrotain file lexer (`lexer.ts`)
 * would, without creating token objects, and gives up (returns false) on anything else —
 * headers, chain declarations, COMMIT, comments, control or non-ASCII characters outside
 * quotes, unterminated quotes — which the Chevrotain lexer then handles. A property test
 * (test/unit/iptables-scanner.test.ts) checks that both give the same AST.
 */

export const enum ScannedKind {
  /** A word without quote characters. */
  Word = 0,
  /** A word with `"..."` parts (still quoted: the caller unquotes). */
  QuotedWord = 1,
  /** `!` standing alone. */
  Bang = 2,
  /** `[packets:bytes]` standing alone. */
  Counters = 3,
}

/** The tokens of one scanned line as parallel arrays (reused from line to line). */
export class ScannedLine {
  readonly kinds: ScannedKind[] = [];
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
  /** Where the next `"` / tab of the text is (-1: not looked for yet), so lines without them take the quick path. */
  private text = '';
  private nextQuote = -1;
  private nextTab = -1;

  private push(kind: ScannedKind, start: number, end: number): void {
    const n = this.count++;
    this.kinds[n] = kind;
    this.starts[n] = start;
    this.ends[n] = end;
  }

  /**
   * Scans the line that starts at `pos`. True when it is a command line (or blank) this
   * scanner fully understood; false when the Chevrotain lexer must read it. Either way `end`
   * and `next` are set.
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
    const c = end < len ? text.charCodeAt(end) : 10;
    this.end = end;
    this.next = end >= len ? len : c === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    if (c !== 10 && c !== 13) {
      // A control or non-ASCII character: the lexer decides (and reports what it cannot read).
      while (end < len) {
        const d = text.charCodeAt(end);
        if (d === 10 || d === 13) break;
        end++;
      }
      this.end = end;
      this.next = end >= len ? len : text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
      return false;
    }
    if (this.nextTab < pos && this.nextTab !== len) this.nextTab = indexOrEnd(text, '\t', pos);
    return this.nextTab < end ? this.scanChars(text, pos, end) : this.scanSpaced(text, pos, end);
  }

  /**
   * A line of printable ASCII words separated by spaces: token ends are found with indexOf,
   * and only quoted parts (which may hold spaces) are walked character by character.
   */
  private scanSpaced(text: string, pos: number, end: number): boolean {
    let i = pos;
    let first = true;
    while (i < end) {
      if (text.charCodeAt(i) === 32) {
        i++;
        continue;
      }
      let e = text.indexOf(' ', i);
      if (e < 0 || e > end) e = end;
      const c = text.charCodeAt(i);
      if (first) {
        first = false;
        // `#` comments, `*table`, `:chain` and COMMIT are line-start tokens of the grammar.
        if (c === 35 || c === 42 || c === 58 || (c === 67 && text.startsWith('COMMIT', i))) return false;
      }
      if (c === 33 && e === i + 1) {
        this.push(ScannedKind.Bang, i, e);
        i = e + 1;
        continue;
      }
      // `\[[^\s\]]*\]` (quotes included) before a blank or the end of the line.
      if (c === 91 && e - i >= 2 && text.charCodeAt(e - 1) === 93 && text.indexOf(']', i + 1) === e - 1) {
        this.push(ScannedKind.Counters, i, e);
        i = e + 1;
        continue;
      }
      if (this.nextQuote < i) this.nextQuote = indexOrEnd(text, '"', i);
      if (this.nextQuote >= e) {
        this.push(ScannedKind.Word, i, e);
        i = e + 1;
        continue;
      }
      // Quoted parts `"(?:[^"\\]|\\.)*"` glued to the word; they may hold spaces.
      while (this.nextQuote < e) {
        let k = this.nextQuote + 1;
        for (;;) {
          if (k >= end) return false; // unterminated: a BrokenQuote for the lexer to report
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
      this.push(ScannedKind.QuotedWord, i, e);
      i = e + 1;
    }
    return true;
  }

  /** The general case (quotes, tabs), one character at a time. */
  private scanChars(text: string, pos: number, end: number): boolean {
    let i = pos;
    let first = true;
    line: while (i < end) {
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
        this.push(ScannedKind.Bang, start, i + 1);
        i++;
        continue;
      }
      if (c === 91) {
        // `\[[^\s\]]*\]` followed by a blank or the end of the line.
        let j = i + 1;
        while (j < end && text.charCodeAt(j) > 32 && text.charCodeAt(j) !== 93) j++;
        if (j < end && text.charCodeAt(j) === 93 && isBlankOrEnd(text, j + 1, end)) {
          this.push(ScannedKind.Counters, start, j + 1);
          i = j + 1;
          continue;
        }
      }
      // A word: `(?:[^\s"]|"(?:[^"\\\r\n]|\\[^\r\n])*")+`.
      let quoted = false;
      while (i < end) {
        c = text.charCodeAt(i);
        if (c === 32 || c === 9) break;
        if (c === 34) {
          quoted = true;
          let j = i + 1;
          let closed = false;
          while (j < end) {
            const d = text.charCodeAt(j);
            if (d === 34) {
              closed = true;
              break;
            }
            if (d === 92) {
              if (j + 1 >= end) break;
              j += 2;
              continue;
            }
            j++;
          }
          // An unterminated quote is a BrokenQuote token: the lexer reports it.
          if (!closed) return false;
          i = j + 1;
          continue;
        }
        i++;
      }
      this.push(quoted ? ScannedKind.QuotedWord : ScannedKind.Word, start, i);
    }
    return true;
  }
}

function indexOrEnd(text: string, what: string, from: number): number {
  const i = text.indexOf(what, from);
  return i < 0 ? text.length : i;
}

/** The lexer's `(?![^ \t\f\v\r\n])` inside a line of printable characters: a blank or the line's end follows. */
function isBlankOrEnd(text: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = text.charCodeAt(i);
  return c === 32 || c === 9;
}
