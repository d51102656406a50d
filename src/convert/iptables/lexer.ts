/**
 * Chevrotain tokens for iptables-save style files and for iptables command arguments.
 * Two lexers: `fileLexer` (iptables-restore quoting: only double quotes, backslash escapes
 * inside them) and `argsLexer` (POSIX shell quoting, as in `iptables-translate` lines).
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

function atLineStart(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Matches `re` (sticky) only when it starts a line. */
function lineStart(re: RegExp): CustomPatternMatcherFunc {
  const sticky = new RegExp(re.source, 'y');
  return (text, offset) => {
    if (!atLineStart(text, offset)) return null;
    sticky.lastIndex = offset;
    return sticky.exec(text);
  };
}

export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });
export const CommentLine = createToken({ name: 'CommentLine', pattern: { exec: lineStart(/#[^\r\n]*/) }, start_chars_hint: ['#'], line_breaks: false });
export const TableHeader = createToken({ name: 'TableHeader', pattern: { exec: lineStart(/\*[^\s]*[ \t\f\v]*/) }, start_chars_hint: ['*'], line_breaks: false });
export const ChainHeader = createToken({ name: 'ChainHeader', pattern: { exec: lineStart(/:[^\s]*[ \t\f\v]*/) }, start_chars_hint: [':'], line_breaks: false });
export const Commit = createToken({ name: 'Commit', pattern: { exec: lineStart(/COMMIT(?=[ \t\f\v]*(?:[\r\n]|$))/) }, start_chars_hint: ['C'], line_breaks: false });
export const Counters = createToken({ name: 'Counters', pattern: /\[[^\s\]]*\](?![^ \t\f\v\r\n])[ \t\f\v]*/ });
export const Bang = createToken({ name: 'Bang', pattern: /!(?![^ \t\f\v\r\n])[ \t\f\v]*/ });
/**
 * First characters a word may start with, so Chevrotain keeps its first-char optimisation
 * (it cannot analyse complement sets). Above 255 Chevrotain buckets char codes by 255.
 */
function wordStartHints(): number[] {
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (!/\s/.test(String.fromCharCode(c))) out.push(c);
  for (let c = 256; c < 65536; c += 128) out.push(c);
  out.push(65535);
  return out;
}

/** Category shared by the file-mode and shell-mode word tokens. */
export const AnyWord = createToken({ name: 'AnyWord', pattern: Lexer.NA });
/** A word with iptables-restore quoting: `"..."` (with `\"`, `\\`) may be glued to plain text. */
export const FileWord = createToken({ name: 'Word', pattern: /(?:[^\s"]|"(?:[^"\\\r\n]|\\[^\r\n])*")+[ \t\f\v]*/, categories: [AnyWord], start_chars_hint: wordStartHints() });
/** A word with shell quoting: `"..."`, `'...'`, and backslash escapes. */
export const ShellWord = createToken({ name: 'Word', pattern: /(?:[^\s"'\\]|\\[^\r\n]|"(?:[^"\\\r\n]|\\[^\r\n])*"|'[^'\r\n]*')+[ \t\f\v]*/, categories: [AnyWord], start_chars_hint: wordStartHints() });
/** The rest of a line from an opening quote that is never closed. */
export const BrokenQuote = createToken({ name: 'BrokenQuote', pattern: /["'\\][^\r\n]*/, start_chars_hint: ['"', "'", '\\'] });

export const FILE_TOKENS: TokenType[] = [Newline, WhiteSpace, CommentLine, TableHeader, ChainHeader, Commit, Counters, Bang, FileWord, BrokenQuote];
export const ARGS_TOKENS: TokenType[] = [Newline, WhiteSpace, Counters, Bang, ShellWord, BrokenQuote];

const lexerConfig = { positionTracking: 'onlyOffset' as const, ensureOptimizations: true };
export const fileLexer = new Lexer(FILE_TOKENS, lexerConfig);
export const argsLexer = new Lexer(ARGS_TOKENS, lexerConfig);

export { unquoteFileWord, unquoteShellWord, tokenText, tokenLength } from './quoting';
