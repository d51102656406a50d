/**
 * Prints an iptables AST back to iptables-save text. Rule parts come out in iptables-save
 * order (core options, matches, target); re-parsing the output gives the same AST apart
 * from ranges and the position of `!` (always printed before the option).
 */
import type { Command, Counters, IptablesFile, MatchNode, OptionNode, Rule, TargetNode, Word } from '../ast/iptables';

/** Quotes a word the way iptables-save does when it has to. */
export function quoteWord(w: Word | string): string {
  const text = typeof w === 'string' ? w : w.text;
  const quoted = typeof w === 'string' ? false : w.quoted;
  if (!quoted && text.length > 0 && !/[\s"]/.test(text)) return text;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function printOption(o: OptionNode): string {
  const parts = [o.negated ? `! ${o.flag.text}` : o.flag.text];
  for (const a of o.args) parts.push(quoteWord(a));
  return parts.join(' ');
}

function printMatch(m: MatchNode): string {
  const parts = m.explicit ? [`-m ${quoteWord(m.name)}`] : [];
  for (const o of m.options) parts.push(printOption(o));
  return parts.join(' ');
}

function printTarget(t: TargetNode): string {
  const parts = [`${t.kind === 'goto' ? '-g' : '-j'} ${quoteWord(t.name)}`];
  for (const o of t.options) parts.push(printOption(o));
  return parts.join(' ');
}

export function printCounters(c: Counters): string {
  return `[${c.packets}:${c.bytes}]`;
}

/** The rule specification (no command, no counters). */
export function printRule(rule: Rule): string {
  const parts: string[] = [];
  for (const o of rule.options) parts.push(printOption(o));
  for (const m of rule.matches) {
    const s = printMatch(m);
    if (s) parts.push(s);
  }
  if (rule.target) parts.push(printTarget(rule.target));
  return parts.join(' ');
}

/** One command line, e.g. `[0:0] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT`. */
export function printCommand(c: Command): string {
  const parts: string[] = [];
  if (c.rule?.counters) parts.push(printCounters(c.rule.counters));
  parts.push(c.flag.text);
  if (c.chain) parts.push(quoteWord(c.chain));
  if (c.kind === 'new-chain' && c.policy) parts.push('-P', quoteWord(c.policy));
  else if (c.policy) parts.push(quoteWord(c.policy));
  if (c.index) parts.push(quoteWord(c.index));
  if (c.newName) parts.push(quoteWord(c.newName));
  if (c.rule) {
    const r = printRule(c.rule);
    if (r) parts.push(r);
  }
  return parts.join(' ');
}

export function printIptablesSave(file: IptablesFile): string {
  const items: { line: number; text: string }[] = [];
  for (const t of file.tables) {
    items.push({ line: t.range.start.line, text: `*${t.name.text}` });
    for (const c of t.chains) {
      const counters = c.counters ? ` ${printCounters(c.counters)}` : '';
      items.push({ line: c.range.start.line, text: `:${c.name.text} ${c.policy.text || '-'}${counters}` });
    }
    for (const c of t.commands) items.push({ line: c.range.start.line, text: printCommand(c) });
    if (t.commit) items.push({ line: t.commit.start.line, text: 'COMMIT' });
  }
  for (const c of file.stray) items.push({ line: c.range.start.line, text: printCommand(c) });
  for (const c of file.comments) items.push({ line: c.range.start.line, text: c.text });
  // Stable sort keeps structural order for nodes without source lines.
  const ordered = items.map((it, i) => ({ ...it, i })).sort((a, b) => a.line - b.line || a.i - b.i);
  return ordered.map((it) => it.text).join('\n') + (ordered.length ? '\n' : '');
}
