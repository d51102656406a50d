/**
 * Large dumps in pieces: the text is cut into chunks of whole lines (a table's `*name` header
 * is repeated at the top of each piece of a long table; its chains are already known to the
 * converter from the first piece), each chunk is
 * parsed and converted, and its syntax tree dropped before the next. Peak memory stays near
 * one chunk's tree instead of the whole file's; diagnostics keep their real line numbers.
 */
import type { Range } from '../ast/common';
import type { Dialect } from '../ast/iptables';
import { parseIptablesSave } from '../iptables';
import { printCommand, printRuleBody } from '../nft/printer';
import { Converter, type ConversionResult, type ConvertFileOptions, type FileDiagnostic } from './convert';

/** Rule lines per chunk. */
const CHUNK_RULES = 4000;

interface Chunk {
  text: string;
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
    const body = text.slice(bodyFrom, to);
    return { text: (continuing ? header + '\n' : '') + body + (closeTable ? '\nCOMMIT' : ''), synthetic: continuing ? 1 : 0, firstLine: bodyStart };
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
export function convertLargeDump(text: string, dialect: Dialect, opts: ConvertFileOptions, name?: string): { result: ConversionResult; syntaxErrors: number; notTranslated: number } {
  const conv = new Converter(opts);
  let syntaxErrors = 0;
  let notTranslated = 0;
  const diagnostics: FileDiagnostic[] = [];
  for (const chunk of chunksOf(text)) {
    const file = parseIptablesSave(chunk.text, { dialect });
    const by = chunk.firstLine - chunk.synthetic;
    const before = conv.diagnostics.length;
    conv.addFile({ file, name });
    const fresh = conv.diagnostics.splice(before);
    for (const d of fresh) {
      if (d.range.start.line < chunk.synthetic) continue; // repeated header: reported with its first chunk
      diagnostics.push({ ...d, range: shift(d.range, by) });
    }
    for (const d of file.diagnostics) if (d.severity === 'error' && d.range.start.line >= chunk.synthetic) syntaxErrors++;
    for (const o of conv.outcomes) if (o.outcome !== 'translated') notTranslated++;
    conv.dropOutcomes();
  }
  const result = conv.result();
  return { result: { ...result, diagnostics }, syntaxErrors, notTranslated };
}

export interface StreamSinks {
  /** Output text, in pieces. */
  out(text: string): void;
  /** Diagnostics of each chunk, with real line numbers. */
  diagnostics(ds: FileDiagnostic[]): void;
}

/**
 * iptables-restore-translate's streaming shape: tables, chains and rules are printed
 * (script style) as each chunk is converted, and the chunk's nft nodes are dropped. Only for
 * iptables/ip6tables dumps made of -A/-N lines (what iptables-save writes); anything else —
 * -I positions, ebtables chain policies — goes through the whole-file path.
 */
export function streamLargeDump(text: string, dialect: Dialect, opts: ConvertFileOptions, sinks: StreamSinks, name?: string): { syntaxErrors: number; notTranslated: number } {
  if ((dialect !== 'iptables' && dialect !== 'ip6tables') || /^(\[\d+:\d+\]\s+)?-[IDRZEPFX]\s/m.test(text)) {
    const r = convertLargeDump(text, dialect, opts, name);
    sinks.out(r.result.output);
    sinks.diagnostics(r.result.diagnostics);
    return { syntaxErrors: r.syntaxErrors, notTranslated: r.notTranslated };
  }
  const conv = new Converter({ ...opts, style: 'script' });
  conv.placementLog = [];
  let syntaxErrors = 0;
  let notTranslated = 0;
  const printedTables = new Set<string>();
  /** Per table: how many of its chains and declarations are printed (both lists only grow). */
  const printedChains = new Map<string, number>();
  const printedDecls = new Map<string, number>();
  for (const h of opts.header ?? []) sinks.out(`${h.startsWith('#') ? h : `# ${h}`}\n`);
  for (const chunk of chunksOf(text)) {
    const file = parseIptablesSave(chunk.text, { dialect });
    for (const d of file.diagnostics) if (d.severity === 'error' && d.range.start.line >= chunk.synthetic) syntaxErrors++;
    const by = chunk.firstLine - chunk.synthetic;
    conv.addFile({ file, name });
    const fresh = conv.diagnostics.splice(0);
    sinks.diagnostics(fresh.filter((d) => d.range.start.line >= chunk.synthetic).map((d) => ({ ...d, range: shift(d.range, by) })));
    for (const o of conv.outcomes) if (o.outcome !== 'translated') notTranslated++;
    conv.dropOutcomes();
    const lines: string[] = [];
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
    for (const { table, chain, nodes } of conv.placementLog) {
      const head = `${table.family} ${table.tableName}`;
      for (const r of nodes) {
        if (r.disabled !== undefined) lines.push(`# ${r.disabled}`);
        else lines.push(`add rule ${head} ${chain.name} ${printRuleBody(r)}`);
      }
      chain.rules.length = 0;
    }
    conv.placementLog.length = 0;
    if (lines.length) sinks.out(lines.join('\n') + '\n');
  }
  for (const f of opts.footer ?? []) sinks.out(`${f.startsWith('#') ? f : `# ${f}`}\n`);
  return { syntaxErrors, notTranslated };
}
