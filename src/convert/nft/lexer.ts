/**
 * Chevrotain lexer for the nft language. Token classes follow nftables' scanner.l in
 * spirit: words (nft's `string`), numbers and dotted addresses, colon addresses (IPv6,
 * MAC), quoted strings, `$variables`, `@set` references, raw payload `@th,16,16`, and
 * punctuation. Keywords are NOT separate token types: nft keywords are context-sensitive
 * (a chain may be called `input`, a set `type`), so the parser decides by position.
 * Whitespace is skipped, but the parser sees whether two tokens touch (`10.0.0.0/8`,
 * `1.2.3.4-1.2.3.9`, `1.2.3.4:80`), which nft's own scanner encodes in its token shapes.
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\f\v]+/, group: Lexer.SKIPPED });
export const LineContinuation = createToken({ name: 'LineContinuation', pattern: /\\\r?\n/, group: Lexer.SKIPPED, line_breaks: true });
export const Newline = createToken({ name: 'Newline', pattern: /\n/, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/ });
export const QuotedString = createToken({ name: 'QuotedString', pattern: /"[^"\n]*"/ });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"[^"\n]*/ });
/** `@th,16,16`, `@ll,0,8`, `@nh,...`, `@ih,...` */
export const RawPayload = createToken({ name: 'RawPayload', pattern: /@(?:ll|nh|th|ih|\d+),\d+,\d+/ });
export const SetRef = createToken({ name: 'SetRef', pattern: /@[A-Za-z0-9_][A-Za-z0-9_\-.\/]*/ });
/**
 * `$name`, with the characters of nft's `string` (so `$a-$b` is the name `a-`, `$net/24` the name
 * `net/24`, as nft reads them), and nft's tc classid shape (`$a4:80` before a blank, `:`, `-`,
 * `}` or `,` is the name `a4:80`).
 */
export const Variable = createToken({ name: 'Variable', pattern: /\$(?:[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}(?=[ \t\r\n:\-},])|[A-Za-z0-9_.][A-Za-z0-9_\-.\/]*)/ });
/** IPv6 addresses and MAC addresses: hex groups with at least two colons. */
export const ColonAddress = createToken({
  name: 'ColonAddress',
  pattern: /(?:[0-9a-fA-F]{0,4}:){2,7}(?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9a-fA-F]{1,4})?/,
});
/** Numbers, hex, dotted IPv4 addresses, times (`1h2m`), sizes. */
export const NumberWord = createToken({ name: 'NumberWord', pattern: /\d[0-9A-Za-z_]*(?:\.[0-9A-Za-z_]+)*/ });
/** nft's `string`: identifiers and symbolic constants, which may contain `-`, `.`, `/` and end in `*`. */
export const Word = createToken({ name: 'Word', pattern: /[A-Za-z_][A-Za-z0-9_\-.\/]*\*?|\\\*/ });

export const EqEq = createToken({ name: 'EqEq', pattern: '==' });
export const NotEq = createToken({ name: 'NotEq', pattern: '!=' });
export const LessEq = createToken({ name: 'LessEq', pattern: '<=' });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: '>=' });
export const ShiftLeft = createToken({ name: 'ShiftLeft', pattern: '<<' });
export const ShiftRight = createToken({ name: 'ShiftRight', pattern: '>>' });
export const Less = createToken({ name: 'Less', pattern: '<' });
export const Greater = createToken({ name: 'Greater', pattern: '>' });
export const Bang = createToken({ name: 'Bang', pattern: '!' });
export const Equals = createToken({ name: 'Equals', pattern: '=' });
export const LCurly = createToken({ name: 'LCurly', pattern: '{' });
export const RCurly = createToken({ name: 'RCurly', pattern: '}' });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const LBracket = createToken({ name: 'LBracket', pattern: '[' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const Dot = createToken({ name: 'Dot', pattern: '.' });
export const Slash = createToken({ name: 'Slash', pattern: '/' });
export const Minus = createToken({ name: 'Minus', pattern: '-' });
export const Plus = createToken({ name: 'Plus', pattern: '+' });
export const Star = createToken({ name: 'Star', pattern: '*' });
export const Ampersand = createToken({ name: 'Ampersand', pattern: '&' });
export const Pipe = createToken({ name: 'Pipe', pattern: '|' });
export const Caret = createToken({ name: 'Caret', pattern: '^' });
export const Tilde = createToken({ name: 'Tilde', pattern: '~' });

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineContinuation,
  Newline,
  Comment,
  QuotedString,
  UnterminatedString,
  RawPayload,
  SetRef,
  Variable,
  ColonAddress,
  NumberWord,
  Word,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  ShiftLeft,
  ShiftRight,
  Less,
  Greater,
  Bang,
  Equals,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Semicolon,
  Comma,
  Colon,
  Dot,
  Slash,
  Minus,
  Plus,
  Star,
  Ampersand,
  Pipe,
  Caret,
  Tilde,
];

export const nftLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });

export type { IToken };

export interface NftTokens {
  tokens: IToken[];
  /** Characters no token matches (the lexer skips them): offset and length. */
  invalid: { offset: number; length: number }[];
}

export function tokenizeNft(text: string): NftTokens {
  const r = nftLexer.tokenize(text);
  return { tokens: r.tokens, invalid: r.errors.map((e) => ({ offset: e.offset, length: e.length })) };
}
