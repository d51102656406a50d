/**
 * Compact transfer of a conversion result from the conversion worker to the extension host.
 * A big dump's result is about 100,000 small objects (rule outcomes, source-map entries and
 * their ranges); a structured clone of them takes a quarter of a second to read back (50,000
 * rules: 27 MB serialized). Here the ranges and the names travel as rows of one Int32Array
 * and a string table, and only the rare extras (related information, quick-fix data) as objects.
 * No `vscode` import.
 */
import type { Range, Severity } from '../../convert/ast/common';
import type { FileDiagnostic, RuleOutcome, SourceMapEntry } from '../../convert/translate/convert';
import type { ViewResult } from './model';

const OUTCOMES: readonly RuleOutcome['outcome'][] = ['translated', 'approximated', 'unsupported'];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** Row widths: a range is 4 numbers; a string is its index in `strings` + 1 (0: absent). */
const RULE = 13; // file, source ×4, outcome, has output, output ×4, table, chain
const MAP = 9; // file, source ×4, output ×4
const DIAG = 9; // file, range ×4, severity, code, message, extra (index + 1, 0: none)

export interface PackedResult {
  readonly output: string;
  readonly strings: string[];
  readonly rules: Int32Array;
  readonly sourceMap: Int32Array;
  readonly diagnostics: Int32Array;
  /** The related information and data of the diagnostics that have any. */
  readonly extras: Pick<FileDiagnostic, 'related' | 'data'>[];
}

class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  /** 0 for undefined, else the string's index + 1. */
  id(s: string | undefined): number {
    if (s === undefined) return 0;
    let i = this.ids.get(s);
    if (i === undefined) {
      this.strings.push(s);
      i = this.strings.length;
      this.ids.set(s, i);
    }
    return i;
  }
}

function putRange(rows: Int32Array, at: number, r: Range): void {
  rows[at] = r.start.line;
  rows[at + 1] = r.start.character;
  rows[at + 2] = r.end.line;
  rows[at + 3] = r.end.character;
}

function getRange(rows: Int32Array, at: number): Range {
  return { start: { line: rows[at]!, character: rows[at + 1]! }, end: { line: rows[at + 2]!, character: rows[at + 3]! } };
}

export function packResult(result: ViewResult): PackedResult {
  const t = new StringTable();
  const rules = new Int32Array(result.rules.length * RULE);
  result.rules.forEach((r, i) => {
    const o = i * RULE;
    rules[o] = t.id(r.file);
    putRange(rules, o + 1, r.source);
    rules[o + 5] = OUTCOMES.indexOf(r.outcome);
    if (r.output) {
      rules[o + 6] = 1;
      putRange(rules, o + 7, r.output);
    }
    rules[o + 11] = t.id(r.table);
    rules[o + 12] = t.id(r.chain);
  });
  const sourceMap = new Int32Array(result.sourceMap.length * MAP);
  result.sourceMap.forEach((e, i) => {
    const o = i * MAP;
    sourceMap[o] = t.id(e.file);
    putRange(sourceMap, o + 1, e.source);
    putRange(sourceMap, o + 5, e.output);
  });
  const diagnostics = new Int32Array(result.diagnostics.length * DIAG);
  const extras: PackedResult['extras'] = [];
  result.diagnostics.forEach((d, i) => {
    const o = i * DIAG;
    diagnostics[o] = t.id(d.file);
    putRange(diagnostics, o + 1, d.range);
    diagnostics[o + 5] = SEVERITIES.indexOf(d.severity);
    diagnostics[o + 6] = t.id(d.code);
    diagnostics[o + 7] = t.id(d.message);
    if (d.related !== undefined || d.data !== undefined) {
      extras.push({ ...(d.related !== undefined ? { related: d.related } : {}), ...(d.data !== undefined ? { data: d.data } : {}) });
      diagnostics[o + 8] = extras.length;
    }
  });
  return { output: result.output, strings: t.strings, rules, sourceMap, diagnostics, extras };
}

/** The buffers `postMessage` can move instead of copying. */
export function transferablesOf(p: PackedResult): ArrayBuffer[] {
  return [p.rules.buffer as ArrayBuffer, p.sourceMap.buffer as ArrayBuffer, p.diagnostics.buffer as ArrayBuffer];
}

export function unpackResult(p: PackedResult): ViewResult {
  const str = (i: number) => (i === 0 ? undefined : p.strings[i - 1]!);
  const rules: RuleOutcome[] = new Array(p.rules.length / RULE);
  for (let i = 0; i < rules.length; i++) {
    const o = i * RULE;
    const r = p.rules;
    const file = str(r[o]!);
    const outcome: RuleOutcome = {
      source: getRange(r, o + 1),
      outcome: OUTCOMES[r[o + 5]!]!,
      table: str(r[o + 11]!)!,
      chain: str(r[o + 12]!)!,
      ...(file !== undefined ? { file } : {}),
      ...(r[o + 6] ? { output: getRange(r, o + 7) } : {}),
    };
    rules[i] = outcome;
  }
  const sourceMap: SourceMapEntry[] = new Array(p.sourceMap.length / MAP);
  for (let i = 0; i < sourceMap.length; i++) {
    const o = i * MAP;
    const m = p.sourceMap;
    const file = str(m[o]!);
    sourceMap[i] = file !== undefined ? { file, source: getRange(m, o + 1), output: getRange(m, o + 5) } : { source: getRange(m, o + 1), output: getRange(m, o + 5) };
  }
  const diagnostics: FileDiagnostic[] = new Array(p.diagnostics.length / DIAG);
  for (let i = 0; i < diagnostics.length; i++) {
    const o = i * DIAG;
    const d = p.diagnostics;
    const file = str(d[o]!);
    const extra = d[o + 8] ? p.extras[d[o + 8]! - 1] : undefined;
    diagnostics[i] = {
      range: getRange(d, o + 1),
      severity: SEVERITIES[d[o + 5]!]!,
      code: str(d[o + 6]!)!,
      message: str(d[o + 7]!)!,
      ...extra,
      ...(file !== undefined ? { file } : {}),
    };
  }
  return { output: p.output, diagnostics, rules, sourceMap };
}
