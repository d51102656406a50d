/**
 * Parser for `ipset save` output and `ipset restore` input: create/add/del/test and the set
 * commands (flush, destroy, swap, rename), `-exist` anywhere, old `-N/-A/...` spellings.
 * Elements are split into parts by the dimensions of the set's type when the set was created
 * earlier in the file. Fault tolerant: every problem is a diagnostic; parsing goes on.
 */
import { Lexer, type IToken } from 'chevrotain';
import type { Diagnostic, Range } from '../ast/common';
import { BrokenQuote, CommentLine, FileWord, Newline, tokenText, unquoteFileWord, WhiteSpace } from '../iptables/lexer';
import { isIPv4, isIPv6 } from '../iptables/literals';
import type { Comment, ElementPart, IpsetCommand, IpsetCreate, IpsetDimension, IpsetElement, IpsetEntryCommand, IpsetFile, IpsetOption, IpsetSetCommand, Word } from './ast';
import type { IpsetCode } from './codes';
import { CREATE_OPTIONS, ENTRY_OPTIONS, ipsetType } from './types';

export const ipsetLexer = new Lexer([Newline, WhiteSpace, CommentLine, FileWord, BrokenQuote], { positionTracking: 'onlyOffset', ensureOptimizations: true });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function diag(range: Range, code: IpsetCode, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { range, severity, code, message };
}

const CREATE_NUMERIC = new Set(['hashsize', 'maxelem', 'bucketsize', 'timeout', 'size', 'netmask']);
const ENTRY_NUMERIC = new Set(['timeout', 'packets', 'bytes', 'skbqueue']);

/**
 * The options after a command's fixed words (from the fourth word on), checked against `known`;
 * `check` sees each option with a value, in source order.
 */
function readOptions(
  words: readonly Word[],
  known: ReadonlyMap<string, { value: boolean }>,
  what: string,
  numeric: ReadonlySet<string>,
  diagnostics: Diagnostic[],
  check?: (name: Word, value: Word) => void,
): IpsetOption[] {
  const options: IpsetOption[] = [];
  for (let i = 3; i < words.length; i++) {
    const w = words[i]!;
    const o = known.get(w.text);
    if (!o) {
      diagnostics.push(diag(w.range, 'ipset-unknown-option', `'${w.text}' is not an option of ${what}`));
      continue;
    }
    if (!o.value) {
      options.push({ name: w, range: w.range });
      continue;
    }
    const v = words[i + 1];
    if (!v) {
      diagnostics.push(diag(w.range, 'ipset-missing-argument', `${w.text} needs a value`));
      options.push({ name: w, range: w.range });
      continue;
    }
    i++;
    check?.(w, v);
    if (numeric.has(w.text) && !/^\d+$/.test(v.text)) diagnostics.push(diag(v.range, 'ipset-invalid-value', `${w.text} must be a number, not '${v.text}'`));
    options.push({ name: w, value: v, range: { start: w.range.start, end: v.range.end } });
  }
  return options;
}

const KEYWORDS: Record<string, IpsetCommand['kind']> = {};
for (const [kind, words] of [
  ['create', 'create n -N --create'],
  ['add', 'add a -A --add'],
  ['del', 'del d -D --del'],
  ['test', 'test t -T --test'],
  ['destroy', 'destroy x -X --destroy'],
  ['flush', 'flush f -F --flush'],
  ['rename', 'rename e -E --rename'],
  ['swap', 'swap w -W --swap'],
  ['list', 'list l -L --list'],
  ['save', 'save s -S --save'],
] as const) {
  for (const w of words.split(' ')) KEYWORDS[w] = kind;
}

/** Global options that may appear on any line; the value says whether they take an argument. */
const GLOBAL_FLAGS: Record<string, boolean> = { '-exist': false, '-!': false, '-quiet': false, '-q': false, '-resolve': false, '-r': false, '-sorted': false, '-name': false, '-n': false, '-terse': false, '-t': false, '-output': true, '-o': true, '-file': true, '-f': true };

function partsOf(element: Word, dims: readonly IpsetDimension[] | undefined): ElementPart[] {
  const text = element.text;
  const pieces = text.split(',');
  const parts: ElementPart[] = [];
  let offset = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    // Ranges within the token are exact only for unquoted elements.
    const range: Range = element.quoted
      ? element.range
      : { start: { line: element.range.start.line, character: element.range.start.character + offset }, end: { line: element.range.start.line, character: element.range.start.character + offset + piece.length } };
    offset += piece.length + 1;
    const dimension = dims?.[i];
    const part: Mutable<ElementPart> = { text: piece, range };
    if (dimension) part.dimension = dimension;
    if (dimension === 'ip' || dimension === 'net') {
      const addr = piece.split(/[/-]/)[0] ?? '';
      if (isIPv4(addr)) part.family = 4;
      else if (isIPv6(addr)) part.family = 6;
    } else if (dimension === 'port') {
      const m = /^([A-Za-z][A-Za-z0-9-]*):(.*)$/.exec(piece);
      if (m) part.protocol = m[1]!.toLowerCase();
    } else if (dimension === 'iface' && piece.startsWith('physdev:')) part.physdev = true;
    parts.push(part);
  }
  return parts;
}

/** Parses an ipset save/restore text. Never throws. */
export function parseIpset(text: string): IpsetFile {
  const diagnostics: Diagnostic[] = [];
  const commands: IpsetCommand[] = [];
  const comments: Comment[] = [];
  const types = new Map<string, IpsetCreate>();
  let lexed;
  try {
    lexed = ipsetLexer.tokenize(text);
  } catch (e) {
    diagnostics.push(diag({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'ipset-unexpected-character', `could not tokenise the text: ${String(e)}`));
    return { kind: 'ipset-file', commands, comments, diagnostics, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  }
  const lineStarts: number[] = [0];
  for (const t of lexed.tokens) if (t.tokenType === Newline) lineStarts.push(t.startOffset + t.image.length);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const e of lexed.errors) {
    const line = lineOf(e.offset);
    const character = e.offset - lineStarts[line]!;
    diagnostics.push(diag({ start: { line, character }, end: { line, character: character + e.length } }, 'ipset-unexpected-character', `unexpected character '${text.substr(e.offset, 1)}'`));
  }

  let line = 0;
  let lineStart = 0;
  const rangeOf = (t: IToken): Range => ({
    start: { line, character: t.startOffset - lineStart },
    end: { line, character: t.startOffset + tokenText(t.image).length - lineStart },
  });
  const wordOf = (t: IToken): Word => {
    const r = rangeOf(t);
    const image = tokenText(t.image);
    if (t.tokenType === BrokenQuote) {
      diagnostics.push(diag(r, 'ipset-unterminated-quote', 'the quoted string is not closed before the end of the line'));
      const u = unquoteFileWord(image + '"');
      return { text: u.text, quoted: true, range: r };
    }
    const u = unquoteFileWord(image);
    return { text: u.text, quoted: u.quoted, range: r };
  };

  const handleLine = (toks: IToken[], endOffset: number) => {
    const first = toks[0]!;
    if (first.tokenType === CommentLine) {
      comments.push({ text: first.image, range: rangeOf(first) });
      return;
    }
    const lineText = text.slice(lineStart, endOffset);
    const words: Word[] = [];
    let exist = false;
    for (let i = 0; i < toks.length; i++) {
      const w = wordOf(toks[i]!);
      if (!w.quoted && Object.prototype.hasOwnProperty.call(GLOBAL_FLAGS, w.text) && !(words.length === 0 && KEYWORDS[w.text])) {
        if (w.text === '-exist' || w.text === '-!') exist = true;
        if (GLOBAL_FLAGS[w.text]) i++;
        continue;
      }
      words.push(w);
    }
    if (words.length === 0) return;
    const keyword = words[0]!;
    const kind = keyword.quoted ? undefined : KEYWORDS[keyword.text];
    const lineRange: Range = { start: keyword.range.start, end: words[words.length - 1]!.range.end };
    if (!kind) {
      diagnostics.push(diag(keyword.range, 'ipset-unknown-command', `'${keyword.text}' is not an ipset command`));
      return;
    }
    const name = words[1];
    switch (kind) {
      case 'create': {
        const type = words[2];
        if (!name || !type) {
          diagnostics.push(diag(keyword.range, 'ipset-missing-argument', `${keyword.text} needs a set name and a type`));
          return;
        }
        const spec = ipsetType(type.text);
        if (!spec) diagnostics.push(diag(type.range, 'ipset-unknown-type', `unknown set type '${type.text}'`));
        let family: 'inet' | 'inet6' | undefined;
        const options = readOptions(words, CREATE_OPTIONS, 'create', CREATE_NUMERIC, diagnostics, (w, v) => {
          if (w.text !== 'family') return;
          if (v.text === 'inet' || v.text === 'inet6') family = v.text;
          else diagnostics.push(diag(v.range, 'ipset-invalid-value', `family must be inet or inet6, not '${v.text}'`));
        });
        const create: Mutable<IpsetCreate> = { kind: 'create', keyword, exist, text: lineText, name, type, dimensions: spec ? spec.dimensions : [], options, range: lineRange };
        if (spec) create.method = spec.method;
        if (family) create.family = family;
        else if (spec && spec.dimensions.some((d) => d === 'ip' || d === 'net')) create.family = 'inet';
        commands.push(create);
        if (!types.has(name.text)) types.set(name.text, create);
        return;
      }
      case 'add':
      case 'del':
      case 'test': {
        if (!name) {
          diagnostics.push(diag(keyword.range, 'ipset-missing-argument', `${keyword.text} needs a set name and an element`));
          return;
        }
        const elementWord = words[2];
        const cmd: Mutable<IpsetEntryCommand> = { kind, keyword, exist, text: lineText, name, options: [], range: lineRange };
        if (!elementWord) diagnostics.push(diag(name.range, 'ipset-missing-argument', `${keyword.text} ${name.text} needs an element`));
        else {
          const set = types.get(name.text);
          const element: IpsetElement = { text: elementWord.text, parts: partsOf(elementWord, set?.dimensions.length ? set.dimensions : undefined), range: elementWord.range };
          cmd.element = element;
        }
        const options = readOptions(words, ENTRY_OPTIONS, kind, ENTRY_NUMERIC, diagnostics);
        cmd.options = options;
        commands.push(cmd);
        return;
      }
      default: {
        const cmd: Mutable<IpsetSetCommand> = { kind, keyword, exist, text: lineText, range: lineRange };
        if (name) cmd.name = name;
        const other = words[2];
        if (kind === 'swap' || kind === 'rename') {
          if (!name || !other) diagnostics.push(diag(keyword.range, 'ipset-missing-argument', `${keyword.text} needs two set names`));
          if (other) cmd.other = other;
          for (const w of words.slice(3)) diagnostics.push(diag(w.range, 'ipset-unknown-option', `unexpected '${w.text}' after ${keyword.text}`));
        } else for (const w of words.slice(2)) diagnostics.push(diag(w.range, 'ipset-unknown-option', `unexpected '${w.text}' after ${keyword.text}`));
        if (kind === 'rename' && name && other) {
          const created = types.get(name.text);
          if (created) types.set(other.text, created);
        }
        commands.push(cmd);
      }
    }
  };

  let lineTokens: IToken[] = [];
  for (const t of lexed.tokens) {
    if (t.tokenType === Newline) {
      if (lineTokens.length) handleLine(lineTokens, t.startOffset);
      lineTokens = [];
      line++;
      lineStart = t.startOffset + t.image.length;
    } else lineTokens.push(t);
  }
  if (lineTokens.length) handleLine(lineTokens, text.length);
  return { kind: 'ipset-file', commands, comments, diagnostics, range: { start: { line: 0, character: 0 }, end: { line, character: text.length - lineStart } } };
}
