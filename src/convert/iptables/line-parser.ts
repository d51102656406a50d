/**
 * The Chevrotain parser for the shape of one line: a table header, a chain declaration,
 * COMMIT, or a command (optional leading counters, then words and `!`). What the words of
 * a command mean is decided afterwards by the rule builder, which knows the modules.
 */
import { EmbeddedActionsParser, type IToken, type TokenType } from 'chevrotain';
import { AnyWord, Bang, BrokenQuote, ChainHeader, Commit, Counters, FileWord, ShellWord, TableHeader } from './lexer';


export type LineShape =
  | { readonly kind: 'table'; readonly header: IToken; readonly extra: readonly IToken[] }
  | { readonly kind: 'chain'; readonly header: IToken; readonly rest: readonly IToken[] }
  | { readonly kind: 'commit'; readonly token: IToken; readonly extra: readonly IToken[] }
  | { readonly kind: 'command'; readonly tokens: readonly IToken[] };

const LINE_TOKENS: TokenType[] = [TableHeader, ChainHeader, Commit, Counters, Bang, AnyWord, FileWord, ShellWord, BrokenQuote];

class IptablesLineParser extends EmbeddedActionsParser {
  constructor() {
    super(LINE_TOKENS, { recoveryEnabled: false, maxLookahead: 1, skipValidations: true });
    this.performSelfAnalysis();
  }

  // Alternatives are built once (Chevrotain's advice): a new array of closures per call adds up over thousands of lines.
  private readonly anyTokenAlts = [
    { ALT: () => this.CONSUME(AnyWord) },
    { ALT: () => this.CONSUME(Bang) },
    { ALT: () => this.CONSUME(Counters) },
    { ALT: () => this.CONSUME(BrokenQuote) },
    { ALT: () => this.CONSUME(TableHeader) },
    { ALT: () => this.CONSUME(ChainHeader) },
    { ALT: () => this.CONSUME(Commit) },
  ];

  private readonly anyToken = this.RULE('anyToken', (): IToken => this.OR(this.anyTokenAlts));

  private readonly rest = this.RULE('rest', (): IToken[] => {
    const out: IToken[] = [];
    this.MANY(() => {
      const t = this.SUBRULE(this.anyToken);
      this.ACTION(() => out.push(t));
    });
    return out;
  });

  private readonly tableLine = this.RULE('tableLine', (): LineShape => {
    const header = this.CONSUME(TableHeader);
    const extra = this.SUBRULE(this.rest);
    return { kind: 'table', header, extra };
  });

  private readonly chainLine = this.RULE('chainLine', (): LineShape => {
    const header = this.CONSUME(ChainHeader);
    const rest = this.SUBRULE(this.rest);
    return { kind: 'chain', header, rest };
  });

  private readonly commitLine = this.RULE('commitLine', (): LineShape => {
    const token = this.CONSUME(Commit);
    const extra = this.SUBRULE(this.rest);
    return { kind: 'commit', token, extra };
  });

  private readonly commandWordAlts = [
    { ALT: () => this.CONSUME2(AnyWord) },
    { ALT: () => this.CONSUME2(Bang) },
    { ALT: () => this.CONSUME2(Counters) },
    { ALT: () => this.CONSUME2(BrokenQuote) },
  ];

  private readonly commandLine = this.RULE('commandLine', (): LineShape => {
    const tokens: IToken[] = [];
    this.OPTION(() => {
      const c = this.CONSUME(Counters);
      this.ACTION(() => tokens.push(c));
    });
    this.AT_LEAST_ONE(() => {
      const t = this.OR(this.commandWordAlts);
      this.ACTION(() => tokens.push(t));
    });
    return { kind: 'command', tokens };
  });

  private readonly lineAlts = [
    { ALT: () => this.SUBRULE(this.tableLine) },
    { ALT: () => this.SUBRULE(this.chainLine) },
    { ALT: () => this.SUBRULE(this.commitLine) },
    { ALT: () => this.SUBRULE(this.commandLine) },
  ];

  readonly line = this.RULE('line', (): LineShape => this.OR(this.lineAlts));
}

const parser = new IptablesLineParser();

export interface LineParseResult {
  readonly shape?: LineShape;
  /** First token the grammar could not accept, with Chevrotain's message. */
  readonly error?: { readonly token: IToken; readonly message: string };
}

/** Parses the tokens of one line (no Newline tokens). Never throws. */
export function parseLineTokens(tokens: IToken[]): LineParseResult {
  parser.input = tokens;
  let shape: LineShape | undefined;
  try {
    shape = parser.line();
  } catch (e) {
    return { error: { token: tokens[0]!, message: e instanceof Error ? e.message : String(e) } };
  }
  if (parser.errors.length > 0) {
    const err = parser.errors[0]!;
    return { error: { token: err.token, message: err.message } };
  }
  return shape ? { shape } : {};
}
