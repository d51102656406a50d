/**
 * Large dumps in pieces: the text is cut into chunks of whole lines (a table's `*name` header
 * is repeated at the top of each piece of a long table; its chains are already known to the
 * converter from the first piece), each chunk is
 * parsed and converted, and its syntax tree dropped before the next. Peak memory stays near
 * one chunk's tree instead of the whole file's; diagnostics keep their real line numbers.
 */
import type { Range } from '../ast/common';
import type { Dialect, IptablesFile } from '../ast/iptables';
import { parseIptablesSave } from '../iptables';
import { printCommand, printRuleBody } from '../nft/printer';
import type { Chain } from '../ast/nft';
import { Converter, isInputError, type ConversionResult, type ConvertFileOptions, type FileDiagnostic, type TableBuilder } from './convert';

/** Rule lines per chunk. */
const CHUNK_RULES = 4000;

interface Chunk {
  /** The chunk's text, made when asked for. */
  text(): string;
  /** Lines of repeated header at the top (not from this part of the file). */
  synthetic: number;
  /** Real line number of the chunk's first non-synthetic line. */
  firstLine: number;
}

function* chunksOf(text: string): Generator<Chunk> {
  // Each chunk's body is one slice of the text (no array of every line of a huge dump).
  let header = '';
  let bodyFrom = -1;
  let bodyStart = 0;
  let rules = 0;
  let inTable = false;
  let continuing = false;
  const emit = (to: number, closeTable: boolean): Chunk => {
    const from = bodyFrom;
    const pre = continuing ? header + '\n' : '';
    const post = closeTable ? '\nCOMMIT' : '';
    return { text: () => pre + text.slice(from, to) + post, synthetic: continuing ? 1 : 0, firstLine: bodyStart };
  };
  let i = 0;
  for (let at = 0; at <= text.length; i++) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (bodyFrom < 0) {
      bodyFrom = at;
      bodyStart = i;
    }
    const c = text.charCodeAt(at);
    if (c === 42 /* * */) {
      inTable = true;
      continuing = false;
      header = text.slice(at, end);
      rules = 0;
    } else if (c === 67 /* C */ && text.startsWith('COMMIT', at)) {
      inTable = false;
      yield emit(end, false);
      bodyFrom = -1;
      continuing = false;
    } else if (c === 45 /* - */ || c === 91 /* [ */) {
      rules++;
      if (rules % CHUNK_RULES === 0 && inTable) {
        yield emit(end, true);
        bodyFrom = -1;
        continuing = true;
      }
    }
    at = end + 1;
  }
  if (bodyFrom >= 0) yield emit(text.length, false);
}

function shift(r: Range, by: number): Range {
  return { start: { line: r.start.line + by, character: r.start.character }, end: { line: r.end.line + by, character: r.end.character } };
}

/**
 * Converts a (possibly huge) dump chunk by chunk. Rule outcomes and the source map are not
 * kept (use convertFiles for those); the output and diagnostics are the same.
 */
export function convertLargeDump(text: string, dialect: Dialect, opts: ConvertFileOptions, name?: string): { result: ConversionResult; inputErrors: number; notTranslated: number } {
  const conv = new Converter(opts);
  conv.facts.noteText(text, dialect);
  let inputErrors = 0;
  let notTranslated = 0;
  const diagnostics: FileDiagnostic[] = [];
  for (const chunk of chunksOf(text)) {
    const file = parseIptablesSave(chunk.text(), { dialect });
    const by = chunk.firstLine - chunk.synthetic;
    const before = conv.diagnostics.length;
    conv.addFile({ file, name });
    const fresh = conv.diagnostics.splice(before);
    for (const d of fresh) {
      if (d.range.start.line < chunk.synthetic) continue; // repeated header: reported with its first chunk
      diagnostics.push({ ...d, range: shift(d.range, by) });
      // the syntax errors too: the converter reports the parse's diagnostics first
      if (isInputError(d)) inputErrors++;
    }
    for (const o of conv.outcomes) if (o.outcome !== 'translated') notTranslated++;
    conv.dropOutcomes();
  }
  const result = conv.result();
  return { result: { ...result, diagnostics }, inputErrors, notTranslated };
}

export interface StreamSinks {
  /** Output text, in pieces. */
  out(text: string): void;
  /** Diagnostics of each chunk, with real line numbers. */
  diagnostics(ds: FileDiagnostic[]): void;
}

/** Whether a dump can be streamed (see streamLargeDump); others go through the whole-file path. */
export function canStream(text: string, dialect: Dialect): boolean {
  return (dialect === 'iptables' || dialect === 'ip6tables') && !/^(\[\d+:\d+\]\s+)?-[IDRZEPFX]\s/m.test(text);
}

/** What converting some chunks found. */
export interface StreamCounts {
  /** Syntax errors, and other input iptables-restore rejects (isInputError). */
  inputErrors: number;
  notTranslated: number;
}

/** A -N / --new-chain standing alone (between blanks or at either end of the text): one regular-expression pass, twice as fast as looking for each word's occurrences (a dump is full of '-'). */
const NEW_CHAIN_WORD = /(?:^|[ \t\n\r\v\f])(?:-N|--new-chain)(?:[ \t\n\r\v\f]|$)/;

/**
 * Whether Converter.feed converts this text as addFile would: no -N command, and in every
 * table the chain declarations before the first command; no command outside a table. Decided
 * on the raw lines, erring on the side of "no" (then the chunk is parsed whole first).
 */
function convertibleWhileParsed(text: string): boolean {
  if (NEW_CHAIN_WORD.test(text)) return false;
  let inTable = false;
  let sawCommand = false;
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    let i = at;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    const c = text.charCodeAt(i);
    if (c === 42 /* * */) {
      inTable = true;
      sawCommand = false;
    } else if (c === 58 /* : */) {
      if (sawCommand || !inTable) return false;
    } else if (c === 67 /* C */ && text.startsWith('COMMIT', i)) {
      if (text.slice(i + 6, end).trim() !== '') return false;
      inTable = false;
    } else if (i < end && c !== 35 /* # */ && !(c === 13 && i + 1 === end)) {
      if (!inTable) return false;
      sawCommand = true;
    }
    at = end + 1;
  }
  return true;
}

/**
 * iptables-restore-translate's streaming shape: tables, chains and rules are printed
 * (script style) as each chunk is converted, and the chunk's nft nodes are dropped.
 * One streamer keeps the converter's state (tables, chains, declarations) from chunk to chunk.
 */
export class DumpStreamer {
  private readonly conv: Converter;
  private readonly printedTables = new Set<string>();
  /** Per table: how many of its chains and declarations are printed (both lists only grow). */
  private readonly printedChains = new Map<string, number>();
  private readonly printedDecls = new Map<string, number>();
  /** The current chunk's rules, printed as they were placed. */
  private readonly ruleLines: string[] = [];
  /** Chains that got rules in this chunk (the converter keeps those of raw tables: emptied after each chunk). */
  private readonly placedIn = new Set<Chain>();
  /** The chain of the last rule printed and its `add rule ...` prefix (reset with placedIn). */
  private prefixTable: TableBuilder | undefined;
  private prefixChain: Chain | undefined;
  private prefixName = '';
  private prefix = '';
  /** Whether chunks may be converted while they are parsed (Converter.feed). */
  private readonly feedable: boolean;
  constructor(
    private readonly text: string,
    private readonly dialect: Dialect,
    opts: ConvertFileOptions,
    private readonly name?: string,
  ) {
    this.conv = new Converter({ ...opts, style: 'script' });
    this.conv.facts.noteText(text, dialect);
    this.conv.onPlaced = (table, chain, nodes) => {
      // Printed as placed, so the nodes can go; the chunk's lines come out after its new tables, chains and sets.
      // Consecutive rules mostly share a chain: its `add rule FAMILY TABLE CHAIN ` is built once.
      if (table !== this.prefixTable || chain !== this.prefixChain || chain.name !== this.prefixName) {
        this.prefixTable = table;
        this.prefixChain = chain;
        this.prefixName = chain.name;
        this.prefix = `add rule ${table.family} ${table.tableName} ${chain.name} `;
        this.placedIn.add(chain);
      }
      for (let i = 0; i < nodes.length; i++) {
        const r = nodes[i]!;
        this.ruleLines.push(r.disabled !== undefined ? `# ${r.disabled}` : this.prefix + printRuleBody(r));
      }
    };
    this.feedable = (dialect === 'iptables' || dialect === 'ip6tables') && opts.physdev !== 'bridge';
  }

  /** Converts and prints the dump, chunk by chunk (CHUNK_RULES rule lines: the unit of conversion and of printing). */
  run(sinks: StreamSinks): StreamCounts {
    const counts = { inputErrors: 0, notTranslated: 0 };
    for (const chunk of chunksOf(this.text)) this.chunk(chunk, sinks, counts);
    return counts;
  }

  private chunk(chunk: Chunk, sinks: StreamSinks, counts: StreamCounts): void {
    const { conv, dialect, name } = this;
    const text = chunk.text();
    let file;
    if (this.feedable && convertibleWhileParsed(text)) {
      const feed = conv.feed(dialect, name);
      file = parseIptablesSave(text, { dialect, onCommand: feed.command, onTableEnd: feed.tableEnd });
      feed.done(file);
    } else {
      file = parseIptablesSave(text, { dialect });
      conv.addFile({ file, name });
    }
    const by = chunk.firstLine - chunk.synthetic;
    // The parse's diagnostics come first (the syntax errors count as input errors too).
    const fresh = conv.diagnostics.splice(0).filter((d) => d.range.start.line >= chunk.synthetic);
    for (const d of fresh) if (isInputError(d)) counts.inputErrors++;
    sinks.diagnostics(fresh.map((d) => ({ ...d, range: shift(d.range, by) })));
    for (const o of conv.outcomes) if (o.outcome !== 'translated') counts.notTranslated++;
    counts.notTranslated += conv.unlistedNotTranslated;
    conv.unlistedNotTranslated = 0;
    conv.dropOutcomes();
    const lines: string[] = [];
    const { printedTables, printedChains, printedDecls } = this;
    for (const tb of conv.tables.values()) {
      const head = `${tb.family} ${tb.tableName}`;
      if (!printedTables.has(head)) {
        printedTables.add(head);
        lines.push(`add table ${head}`);
      }
      const decls = tb.declarations();
      for (let i = printedDecls.get(head) ?? 0; i < decls.length; i++) {
        const d = decls[i]!;
        lines.push(printCommand({ kind: 'command', verb: 'add', object: d.kind === 'object' ? d.objType : d.kind, family: tb.family, table: tb.tableName, name: d.name, decl: d }));
        if (d.kind !== 'object' && d.elements?.length) lines.push(printCommand({ kind: 'command', verb: 'add', object: 'element', family: tb.family, table: tb.tableName, name: d.name, elements: d.elements }));
      }
      printedDecls.set(head, decls.length);
      const chains = tb.chainList();
      for (let i = printedChains.get(head) ?? 0; i < chains.length; i++) {
        const c = chains[i]!;
        lines.push(printCommand({ kind: 'command', verb: 'add', object: 'chain', family: tb.family, table: tb.tableName, name: c.name, decl: { ...c, rules: [] } }));
      }
      printedChains.set(head, chains.length);
    }
    for (const l of this.ruleLines) lines.push(l);
    this.ruleLines.length = 0;
    for (const c of this.placedIn) c.rules.length = 0;
    this.placedIn.clear();
    this.prefixChain = undefined;
    if (lines.length) sinks.out(lines.join('\n') + '\n');
  }
}

/** The header or footer lines of the options, as printed. */
export function commentLines(lines: readonly string[] | undefined): string {
  return (lines ?? []).map((l) => `${l.startsWith('#') ? l : `# ${l}`}\n`).join('');
}

/**
 * iptables-restore-translate's streaming shape (see DumpStreamer). Only for iptables/ip6tables
 * dumps made of -A/-N lines (what iptables-save writes); anything else — -I positions,
 * ebtables chain policies — goes through the whole-file path.
 */
export function streamLargeDump(text: string, dialect: Dialect, opts: ConvertFileOptions, sinks: StreamSinks, name?: string): StreamCounts {
  if (!canStream(text, dialect)) {
    const r = convertLargeDump(text, dialect, opts, name);
    sinks.out(r.result.output);
    sinks.diagnostics(r.result.diagnostics);
    return { inputErrors: r.inputErrors, notTranslated: r.notTranslated };
  }
  const header = commentLines(opts.header);
  if (header) sinks.out(header);
  const counts = new DumpStreamer(text, dialect, opts, name).run(sinks);
  const footer = commentLines(opts.footer);
  if (footer) sinks.out(footer);
  return counts;
}

/** A dump to convert with others (convertDumps). */
export interface DumpText {
  readonly text: string;
  readonly dialect: Dialect;
  readonly name?: string;
}

/**
 * convertFiles for dump texts: the same result, and each dump as parsed. An iptables or
 * ip6tables dump in iptables-save's shape (see convertibleWhileParsed) is converted while it is
 * parsed (Converter.feed), so the tree of each command goes once it is converted instead of
 * living until the whole dump is: for a big dump that is most of the garbage collector's work.
 * Such a dump's parsed file has its tables and chains but no commands.
 */
export function convertDumps(dumps: readonly DumpText[], opts: ConvertFileOptions): { result: ConversionResult; files: IptablesFile[] } {
  const conv = new Converter(opts);
  for (const d of dumps) conv.facts.noteText(d.text, d.dialect);
  const feedable = (d: DumpText) => (d.dialect === 'iptables' || d.dialect === 'ip6tables') && opts.physdev !== 'bridge' && convertibleWhileParsed(d.text);
  // Dumps converted whole are parsed first: ebtables table names must be known before any dump is added.
  const parsed = dumps.map((d) => (feedable(d) ? undefined : parseIptablesSave(d.text, { dialect: d.dialect })));
  conv.ebtablesTables = new Set(parsed.filter((f) => f?.dialect === 'ebtables').flatMap((f) => f!.tables.map((t) => t.name.text)));
  const files = dumps.map((d, i) => {
    const whole = parsed[i];
    if (whole) {
      conv.addFile({ file: whole, name: d.name });
      return whole;
    }
    const feed = conv.feed(d.dialect, d.name);
    const file = parseIptablesSave(d.text, { dialect: d.dialect, onCommand: feed.command, onTableEnd: feed.tableEnd });
    feed.done(file);
    return file;
  });
  return { result: conv.result(), files };
}
