/**
 * Outline, folding ranges and the set-name index of an `ipset save` / `ipset restore` file.
 * The format is one command per line, so a line scan is all the structure there is.
 */
import type { Range } from '../convert/ast/common';
import type { FoldRange, NameOccurrence, OutlineSymbol } from './model';
import { LineIndex, lineRange } from './text';

/** Commands whose first argument is a set name; `swap`/`rename` also take a second one. */
const SET_COMMANDS: Record<string, 'create' | 'add' | 'ref' | 'two'> = {
  create: 'create', '-N': 'create', '-exist': 'ref',
  add: 'add', '-A': 'add',
  del: 'ref', '-D': 'ref', test: 'ref', '-T': 'ref', destroy: 'ref', '-X': 'ref', flush: 'ref', '-F': 'ref',
  list: 'ref', '-L': 'ref', save: 'ref', '-S': 'ref',
  swap: 'two', '-W': 'two', rename: 'two', '-E': 'two',
};

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(line: string): Token[] {
  const out: Token[] = [];
  const re = /"(?:[^"\\]|\\.)*"?|\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[0].startsWith('#')) break;
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

export interface IpsetSetInfo {
  name: string;
  type: string;
  options: string;
  elements: number;
  /** Set types whose members are other sets. */
  isList: boolean;
  nameRange: Range;
  createRange: Range;
  lastLine: number;
}

export interface IpsetIndex {
  outline: OutlineSymbol[];
  folds: FoldRange[];
  names: NameOccurrence[];
  sets: IpsetSetInfo[];
  entryCount: number;
}

export function indexIpset(lines: LineIndex): IpsetIndex {
  const names: NameOccurrence[] = [];
  const sets = new Map<string, IpsetSetInfo>();
  const folds: FoldRange[] = [];
  let entryCount = 0;
  let commentStart = -1;
  let commentEnd = -2;
  for (let line = 0; line < lines.lineCount; line++) {
    const text = lines.lineText(line);
    if (/^\s*#/.test(text)) {
      if (line === commentEnd + 1) commentEnd = line;
      else {
        if (commentStart >= 0 && commentEnd > commentStart) folds.push({ startLine: commentStart, endLine: commentEnd, kind: 'comment' });
        commentStart = commentEnd = line;
      }
      continue;
    }
    const toks = tokens(text);
    let i = 0;
    while (toks[i]?.text === '-exist' || toks[i]?.text === '-!') i++;
    const cmd = toks[i];
    const what = cmd ? SET_COMMANDS[cmd.text] : undefined;
    const nameTok = toks[i + 1];
    if (!what || what === 'ref' && !nameTok || !nameTok) continue;
    const range = lineRange(line, nameTok.start, nameTok.end);
    if (what === 'create') {
      const type = toks[i + 2]?.text ?? '';
      const info: IpsetSetInfo = {
        name: nameTok.text, type, options: toks.slice(i + 3).map((t) => t.text).join(' '), elements: 0, isList: type.startsWith('list:'),
        nameRange: range, createRange: lineRange(line, 0, text.length), lastLine: line,
      };
      if (!sets.has(nameTok.text)) sets.set(nameTok.text, info);
      names.push({ kind: 'ipset', name: nameTok.text, scope: '', range, declaration: true, declarationRange: info.createRange, detail: `ipset ${type}` });
      continue;
    }
    names.push({ kind: 'ipset', name: nameTok.text, scope: '', range, declaration: false });
    if (what === 'two' && toks[i + 2]) {
      const second = toks[i + 2]!;
      const isRename = cmd!.text === 'rename' || cmd!.text === '-E';
      names.push({ kind: 'ipset', name: second.text, scope: '', range: lineRange(line, second.start, second.end), declaration: isRename });
    }
    if (what === 'add') {
      entryCount++;
      const set = sets.get(nameTok.text);
      if (set) {
        set.elements++;
        set.lastLine = line;
        const member = toks[i + 2];
        // list:set members are set names.
        if (set.isList && member) names.push({ kind: 'ipset', name: member.text, scope: '', range: lineRange(line, member.start, member.end), declaration: false });
      }
    }
  }
  if (commentStart >= 0 && commentEnd > commentStart) folds.push({ startLine: commentStart, endLine: commentEnd, kind: 'comment' });
  const outline: OutlineSymbol[] = [];
  for (const s of sets.values()) {
    if (s.lastLine > s.createRange.start.line) folds.push({ startLine: s.createRange.start.line, endLine: s.lastLine });
    const lastText = lines.lineText(s.lastLine);
    outline.push({
      name: s.name,
      detail: `${s.type} · ${s.elements} element${s.elements === 1 ? '' : 's'}`,
      kind: 'set',
      range: { start: s.createRange.start, end: { line: s.lastLine, character: lastText.length } },
      selectionRange: s.nameRange,
      children: [],
    });
  }
  folds.sort((a, b) => a.startLine - b.startLine);
  return { outline, folds, names, sets: [...sets.values()], entryCount };
}
