/**
 * The verify report: per rule of the original, the probes whose outcome differs, with the
 * packet and both outcomes; differences that follow from diagnosed rules separately.
 */
import type { Difference, VerifyResult } from './engine';
import type { OriginalRuleset } from './ruleset';

export interface ReportContext {
  readonly original: OriginalRuleset;
  readonly nftLabel: string;
  readonly diagnosed: ReadonlyMap<string, { outcome: string; messages: string[] }>;
  readonly seed: number;
}

function byRule(diffs: readonly Difference[]): Map<string, Difference[]> {
  const m = new Map<string, Difference[]>();
  for (const d of diffs) {
    const k = d.rule ?? '(no rule: chain policies only)';
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(d);
  }
  return m;
}

export function formatReport(r: VerifyResult, ctx: ReportContext, maxPerRule = 5): string {
  const out: string[] = [];
  const rulesById = new Map(r.rules.map((x) => [x.id, x]));
  const where = (id: string) => {
    const x = rulesById.get(id);
    return x ? `${x.file}:${x.line + 1}: ${x.text}` : id;
  };
  out.push(`nflens verify: ${ctx.original.dumps.map((d) => d.file).join(', ')} against ${ctx.nftLabel}`);
  out.push(`${r.probes} probes (${r.packets} packets, ${r.batches} batches, seed ${ctx.seed}) in ${r.seconds.toFixed(1)} s; ${r.exercised.size} of ${r.rules.length} rules matched by at least one probe`);
  if (ctx.original.substitutions.length) {
    out.push('');
    out.push(`Bridge ports tested as routed interfaces, in both rulesets alike (${ctx.original.substitutions.length} rules): each -m physdev port is a`);
    out.push('routed interface matched by -i/-o (iifname/oifname), and everything behind it is verified.');
    for (const n of r.notes.filter((x) => x.includes('bridge-family'))) out.push(`(${n})`);
    for (const s of ctx.original.substitutions) out.push(`  ${s.file}:${s.line + 1}: ${s.replacement ? `-> ${s.replacement.replace(/^-A \S+ /, '')}` : `left out: ${s.why}`}`);
  }
  out.push('');
  if (r.unexplained.length === 0) out.push(`No unexplained differences.`);
  else {
    out.push(`UNEXPLAINED DIFFERENCES: ${r.unexplained.length} probes behave differently (translation bugs):`);
    for (const [rule, diffs] of byRule(r.unexplained)) {
      out.push(`  rule ${rule}`);
      if (rulesById.has(rule)) out.push(`    ${where(rule)}`);
      for (const d of diffs.slice(0, maxPerRule)) formatDiff(out, d);
      if (diffs.length > maxPerRule) out.push(`    ... and ${diffs.length - maxPerRule} more probes`);
    }
  }
  if (ctx.diagnosed.size) {
    out.push('');
    out.push(`Diagnosed rules (${ctx.diagnosed.size}; expected to differ) and what they change:`);
    const explainedBy = new Map<string, Difference[]>();
    for (const d of r.explained) for (const id of d.explainedBy) (explainedBy.get(id) ?? explainedBy.set(id, []).get(id)!).push(d);
    for (const [id, info] of ctx.diagnosed) {
      const diffs = explainedBy.get(id) ?? [];
      out.push(`  ${info.outcome}: ${where(id)}`);
      for (const m of info.messages.slice(0, 2)) out.push(`    ${m}`);
      out.push(diffs.length ? `    changes the outcome of ${diffs.length} probes, e.g.:` : `    no probe's outcome changed (${r.exercised.has(id) ? 'matched by probes, no visible effect' : 'no probe matched it'})`);
      for (const d of diffs.slice(0, 2)) formatDiff(out, d);
    }
  }
  if (r.unreachable.length) {
    out.push('');
    out.push(`Rules in chains no hook reaches (no probe can get there): ${r.unreachable.length}`);
    for (const id of r.unreachable.slice(0, 10)) out.push(`  ${where(id)}`);
    if (r.unreachable.length > 10) out.push(`  ... and ${r.unreachable.length - 10} more`);
  }
  if (r.unprobed.length) {
    out.push('');
    out.push(`Rules without a probe of their own within --probes ${r.probes} (raise --probes to cover them): ${r.unprobed.length}`);
  }
  for (const n of r.notes.filter((x) => !x.includes('bridge-family'))) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}

function formatDiff(out: string[], d: Difference): void {
  out.push(`    probe #${d.probe.n} (${d.probe.variant}): ${d.packet}`);
  const conv = new Set(d.converted.lines);
  const orig = new Set(d.original.lines);
  const both = d.original.lines.filter((l) => conv.has(l));
  if (both.length) out.push(`      both:      ${both.join('; ')}`);
  out.push(`      original:  ${d.original.lines.filter((l) => !conv.has(l)).join('; ') || '(nothing more)'}`);
  out.push(`      converted: ${d.converted.lines.filter((l) => !orig.has(l)).join('; ') || '(nothing more)'}`);
  if (d.explainedBy.length) out.push(`      explained by: ${d.explainedBy.join(', ')}`);
}

export function reportJson(r: VerifyResult, ctx: ReportContext): unknown {
  const diff = (d: Difference) => ({
    probe: d.probe.n,
    variant: d.probe.variant,
    rule: d.rule ?? null,
    packet: d.packet,
    original: d.original,
    converted: d.converted,
    explainedBy: d.explainedBy,
  });
  return {
    dumps: ctx.original.dumps.map((x) => x.file),
    against: ctx.nftLabel,
    seed: ctx.seed,
    probes: r.probes,
    packets: r.packets,
    seconds: r.seconds,
    rules: r.rules.length,
    rulesExercised: r.exercised.size,
    substitutions: ctx.original.substitutions,
    unexplained: r.unexplained.map(diff),
    explained: r.explained.map(diff),
    diagnosed: [...ctx.diagnosed].map(([id, v]) => ({ rule: id, ...v, probesChanged: r.explained.filter((d) => d.explainedBy.includes(id)).length })),
    unreachable: r.unreachable,
    unprobed: r.unprobed,
    notes: r.notes,
  };
}
