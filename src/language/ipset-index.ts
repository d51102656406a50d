/** Outline, folding ranges and the set-name index of an `ipset save` / `ipset restore` file, from its AST. */
import type { Range } from '../convert/ast/common';
import type { IpsetCreate, IpsetFile } from '../convert/ipset/index';
import type { FoldRange, NameOccurrence, OutlineSymbol } from './model';
import { comparePositions } from './text';

export interface IpsetIndex {
  outline: OutlineSymbol[];
  folds: FoldRange[];
  names: NameOccurrence[];
  entryCount: number;
}

interface SetEntry {
  create: IpsetCreate;
  elements: number;
  end: Range['end'];
  lastLine: number;
}

export function indexIpset(file: IpsetFile): IpsetIndex {
  const names: NameOccurrence[] = [];
  const sets = new Map<string, SetEntry>();
  let entryCount = 0;
  for (const c of file.commands) {
    switch (c.kind) {
      case 'create':
        if (!sets.has(c.name.text)) sets.set(c.name.text, { create: c, elements: 0, end: c.range.end, lastLine: c.range.end.line });
        names.push({ kind: 'ipset', name: c.name.text, scope: '', range: c.name.range, declaration: true, declarationRange: c.range, detail: `ipset ${c.type.text}` });
        break;
      case 'add':
      case 'del':
      case 'test': {
        names.push({ kind: 'ipset', name: c.name.text, scope: '', range: c.name.range, declaration: false });
        // list:set members are set names.
        for (const part of c.element?.parts ?? []) {
          if (part.dimension === 'set') names.push({ kind: 'ipset', name: part.text, scope: '', range: part.range, declaration: false });
        }
        if (c.kind !== 'add') break;
        entryCount++;
        const set = sets.get(c.name.text);
        if (set) {
          set.elements++;
          set.end = c.range.end;
          set.lastLine = c.range.end.line;
        }
        break;
      }
      default:
        if (c.name) names.push({ kind: 'ipset', name: c.name.text, scope: '', range: c.name.range, declaration: false });
        if (c.other) names.push({ kind: 'ipset', name: c.other.text, scope: '', range: c.other.range, declaration: c.kind === 'rename' });
    }
  }
  const outline: OutlineSymbol[] = [];
  const folds: FoldRange[] = [];
  for (const s of sets.values()) {
    const start = s.create.range.start;
    if (s.lastLine > start.line) folds.push({ startLine: start.line, endLine: s.lastLine });
    outline.push({
      name: s.create.name.text,
      detail: `${s.create.type.text} · ${s.elements} element${s.elements === 1 ? '' : 's'}`,
      kind: 'set',
      range: { start, end: s.end },
      selectionRange: s.create.name.range,
      children: [],
    });
  }
  let blockStart = -1;
  let last = -2;
  for (const c of file.comments) {
    const line = c.range.start.line;
    if (line !== last + 1) {
      if (blockStart >= 0 && last > blockStart) folds.push({ startLine: blockStart, endLine: last, kind: 'comment' });
      blockStart = line;
    }
    last = line;
  }
  if (blockStart >= 0 && last > blockStart) folds.push({ startLine: blockStart, endLine: last, kind: 'comment' });
  folds.sort((a, b) => a.startLine - b.startLine);
  names.sort((a, b) => comparePositions(a.range.start, b.range.start));
  return { outline, folds, names, entryCount };
}
