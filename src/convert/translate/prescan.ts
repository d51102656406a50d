/**
 * What the converter must know about the whole input before it converts the first rule: facts
 * that decide how one rule translates but come from other rules, anywhere in the input.
 *  - The sets that SET targets add to or delete from: they are declared `flags dynamic`
 *    (nft cannot update a set with intervals from the packet path), where they are matched too.
 *  - The `-m recent` lists: which ages (`--seconds`) their checks ask for, whether a check or
 *    a `--remove` asks for any age, and in which tables they are used. Each age becomes an nft
 *    set whose elements time out after it (see matches/recent.ts).
 * Read from parsed commands, or from the dump text for the paths that convert while parsing.
 */
import type { Command, Dialect, MatchNode } from '../ast/iptables';
import type { Family } from '../ast/nft';
import { parseIptablesSave } from '../iptables';
import { dialectFamily } from './context';

/** How the rules of an input use one `-m recent` list (of one address family). */
export interface RecentList {
  /** The `--seconds` of its `--rcheck` and `--update` tests. */
  readonly seconds: Set<number>;
  /** Whether some test asks for an entry of any age (`--rcheck`/`--update` without `--seconds`, `--remove`). */
  anyAge: boolean;
  /** The tables using it: xt_recent lists are shared by every table, nft sets belong to one. */
  readonly tables: Set<string>;
}

/** A `-m recent` match, read. */
export interface RecentUse {
  readonly list: string;
  readonly op: 'set' | 'rcheck' | 'update' | 'remove' | undefined;
  readonly seconds?: number;
  /** --hitcount: above 1 the test is a rate limit of its own, not one of the list's sets. */
  readonly hitcount?: number;
}

export function recentUseOf(m: MatchNode): RecentUse {
  let list = 'DEFAULT';
  let op: RecentUse['op'];
  let seconds: number | undefined;
  let hitcount: number | undefined;
  for (const o of m.options) {
    if (o.name === 'hitcount' && o.args[0] && /^\d+$/.test(o.args[0].text)) hitcount = Number(o.args[0].text);
    if (o.name === 'name' && o.args[0]) list = o.args[0].text;
    else if (o.name === 'set' || o.name === 'rcheck' || o.name === 'update' || o.name === 'remove') op = o.name;
    else if (o.name === 'seconds' && o.args[0] && /^\d+$/.test(o.args[0].text)) seconds = Number(o.args[0].text);
  }
  return { list, op, seconds, ...(hitcount !== undefined ? { hitcount } : {}) };
}

export class InputFacts {
  readonly updatedSets = new Set<string>();
  /** Keyed by `FAMILY NAME` (`ip SSH`): xt_recent keeps IPv4 and IPv6 entries apart. */
  readonly recent = new Map<string, RecentList>();

  recentList(family: Family, name: string): RecentList | undefined {
    return this.recent.get(`${family} ${name}`);
  }

  noteCommands(family: Family, table: string, commands: Iterable<Command>): this {
    for (const c of commands) {
      const t = c.rule?.target;
      if (t?.name.text === 'SET') {
        for (const o of t.options) if ((o.name === 'add-set' || o.name === 'del-set') && o.args[0]?.text) this.updatedSets.add(o.args[0].text);
      }
      for (const m of c.rule?.matches ?? []) if (m.name.text === 'recent') this.noteRecent(family, table, recentUseOf(m));
    }
    return this;
  }

  private noteRecent(family: Family, table: string, use: RecentUse): void {
    const key = `${family} ${use.list}`;
    let l = this.recent.get(key);
    if (!l) {
      l = { seconds: new Set(), anyAge: false, tables: new Set() };
      this.recent.set(key, l);
    }
    l.tables.add(table);
    if (use.hitcount !== undefined && use.hitcount > 1 && use.seconds && (use.op === 'rcheck' || use.op === 'update')) return;
    if (use.op === 'remove' || ((use.op === 'rcheck' || use.op === 'update') && !use.seconds)) l.anyAge = true;
    else if ((use.op === 'rcheck' || use.op === 'update') && use.seconds) l.seconds.add(use.seconds);
  }

  /**
   * noteCommands for a dump's text without parsing all of it: only the lines that name a SET
   * target's option or the recent match are parsed, each under its table's header.
   */
  noteText(text: string, dialect: Dialect): this {
    const family = dialectFamily(dialect);
    const lineStarts = new Set<number>();
    for (const needle of ['--add-set', '--del-set', 'recent']) {
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) lineStarts.add(text.lastIndexOf('\n', at) + 1);
    }
    for (const start of [...lineStarts].sort((a, b) => a - b)) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      const s = line.trimStart();
      if (!s.startsWith('-') && !s.startsWith('[')) continue;
      // the table: the last `*name` header before the line
      const nl = text.lastIndexOf('\n*', start);
      const header = nl >= 0 ? nl + 1 : text.startsWith('*') ? 0 : -1;
      const table = (header >= 0 && /^\*(\S+)/.exec(text.slice(header, header + 64))?.[1]) || 'filter';
      const file = parseIptablesSave(`*${table}\n${line}\nCOMMIT\n`, { dialect });
      for (const t of file.tables) this.noteCommands(family, table, t.commands);
    }
    return this;
  }
}
