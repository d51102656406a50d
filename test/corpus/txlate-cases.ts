/** Reads the iptables project's *.txlate cases from the shared corpus. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../../src/convert/ast/iptables';

export interface TxlateCase {
  readonly file: string;
  readonly line: number;
  /** `iptables-translate -A ...` as written. */
  readonly command: string;
  readonly dialect: Dialect;
  readonly args: string;
  readonly expected: string[];
}

const TOOLS: Record<string, Dialect> = {
  'iptables-translate': 'iptables',
  'ip6tables-translate': 'ip6tables',
  'ebtables-translate': 'ebtables',
  'arptables-translate': 'arptables',
};

export function readTxlateCases(dir: string): TxlateCase[] {
  const out: TxlateCase[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.txlate')).sort()) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n');
    let cur: { line: number; command: string; expected: string[] } | undefined;
    const flush = () => {
      if (!cur) return;
      const tool = cur.command.split(/\s+/, 1)[0]!;
      const dialect = TOOLS[tool];
      if (dialect) out.push({ file: f, line: cur.line, command: cur.command, dialect, args: cur.command.slice(tool.length).trim(), expected: cur.expected });
      cur = undefined;
    };
    lines.forEach((l, i) => {
      if (/^(ip6?|eb|arp)tables-translate\b/.test(l)) {
        flush();
        cur = { line: i + 1, command: l, expected: [] };
      } else if (l.startsWith('nft') && cur) cur.expected.push(l.replace(/\s+$/, ''));
      else if (l.trim() === '') flush();
    });
    flush();
  }
  return out;
}
