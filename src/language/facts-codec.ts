/**
 * Compact transfer of analysis results between the worker and the extension host: the name
 * index (tens of thousands of occurrences in a big dump) travels as one Int32Array instead
 * of objects, which a structured clone copies slowly.
 */
import type { DocumentFacts, NameKind, NameOccurrence } from './model';

const KINDS: readonly NameKind[] = ['table', 'chain', 'set', 'object', 'variable', 'ipset'];
const FIELDS = 9; // kind, name, scope, start line/char, end line/char, flags, extra index
const BUILTIN = 1;
const RULE = 2;
const DECLARATION = 4;

export interface PackedFacts {
  facts: Omit<DocumentFacts, 'names'>;
  strings: string[];
  rows: Int32Array;
  /** declarationRange and detail of declarations, by the row's extra index. */
  extras: Pick<NameOccurrence, 'declarationRange' | 'detail'>[];
}

export function packFacts(facts: DocumentFacts): PackedFacts {
  const { names, ...rest } = facts;
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let i = ids.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      ids.set(s, i);
    }
    return i;
  };
  const rows = new Int32Array(names.length * FIELDS);
  const extras: PackedFacts['extras'] = [];
  names.forEach((n, i) => {
    const o = i * FIELDS;
    rows[o] = KINDS.indexOf(n.kind);
    rows[o + 1] = id(n.name);
    rows[o + 2] = id(n.scope);
    rows[o + 3] = n.range.start.line;
    rows[o + 4] = n.range.start.character;
    rows[o + 5] = n.range.end.line;
    rows[o + 6] = n.range.end.character;
    rows[o + 7] = (n.builtin ? BUILTIN : 0) | (n.role === 'rule' ? RULE : 0) | (n.declaration ? DECLARATION : 0);
    if (n.declarationRange || n.detail !== undefined) {
      rows[o + 8] = extras.length;
      extras.push({ ...(n.declarationRange ? { declarationRange: n.declarationRange } : {}), ...(n.detail !== undefined ? { detail: n.detail } : {}) });
    } else rows[o + 8] = -1;
  });
  return { facts: rest, strings, rows, extras };
}

export function unpackFacts(p: PackedFacts): DocumentFacts {
  const names: NameOccurrence[] = new Array(p.rows.length / FIELDS);
  for (let i = 0; i < names.length; i++) {
    const o = i * FIELDS;
    const r = p.rows;
    const flags = r[o + 7]!;
    const n: NameOccurrence = {
      kind: KINDS[r[o]!]!,
      name: p.strings[r[o + 1]!]!,
      scope: p.strings[r[o + 2]!]!,
      range: { start: { line: r[o + 3]!, character: r[o + 4]! }, end: { line: r[o + 5]!, character: r[o + 6]! } },
      declaration: (flags & DECLARATION) !== 0,
    };
    if (flags & BUILTIN) n.builtin = true;
    if (flags & RULE) n.role = 'rule';
    const extra = r[o + 8]!;
    if (extra >= 0) Object.assign(n, p.extras[extra]);
    names[i] = n;
  }
  return { ...p.facts, names };
}
