/**
 * Public API of `verify`: prepare (parse, substitute physdev, convert) and run.
 */
import { parseIpset } from '../convert/ipset';
import { parseIptablesSave } from '../convert/iptables';
import { convertFiles, type ConversionResult, type ConvertFileOptions } from '../convert/translate/convert';
import { ipsetsFromFile, type IpsetInfo } from '../convert/translate/sets';
import { verify, type VerifyInput, type VerifyResult } from './engine';
import { buildOriginal, type DumpInput, type OriginalRuleset } from './ruleset';

export { verify, CannotRun, LoadFailure, ObservationFailure, checkPrerequisites, type VerifyResult, type Difference, type ProbeOutcome } from './engine';
export { buildOriginal, type OriginalRuleset, type OriginalRule, type DumpInput, type Substitution } from './ruleset';
export { generateProbes, type Probe } from './probes';
export { formatReport, reportJson } from './report';
export { sweepStaleNamespaces, NS_PREFIX } from './system';

export interface PrepareOptions {
  readonly dumps: readonly DumpInput[];
  /** `ipset save` dumps: file name and text. */
  readonly ipsets?: readonly { file: string; text: string }[];
  /** Conversion options, as for `nflens convert`. */
  readonly convert?: ConvertFileOptions;
  /** Check this nft ruleset instead of the conversion. */
  readonly against?: { file: string; text: string };
}

export interface Prepared {
  readonly original: OriginalRuleset;
  readonly conversion: ConversionResult;
  readonly input: Omit<VerifyInput, 'seed' | 'maxProbes' | 'onProgress'>;
}

/** Parses and converts; the conversion is made from the dumps after the physdev substitution, so both sides see the same rules. */
export function prepare(opts: PrepareOptions): Prepared {
  const ipsets: IpsetInfo[] = [];
  for (const f of opts.ipsets ?? []) ipsets.push(...ipsetsFromFile(parseIpset(f.text), f.file));
  const original = buildOriginal(opts.dumps, ipsets);
  const inputs = original.dumps.map((d) => ({ file: parseIptablesSave(d.loadedText, { dialect: d.dialect }), name: d.file }));
  const conversion = convertFiles(inputs, { ...opts.convert, style: 'ruleset', ipsets });
  const familyOf = new Map(original.dumps.map((d) => [d.file, d.family]));
  const byLine = new Map(original.rules.map((r) => [`${r.family} ${r.line}`, r.id]));
  const diagnosed = new Map<string, { outcome: string; messages: string[] }>();
  for (const o of conversion.rules) {
    if (o.outcome === 'translated' || o.file === undefined) continue;
    const id = byLine.get(`${familyOf.get(o.file)} ${o.source.start.line}`);
    if (!id) continue;
    const messages = conversion.diagnostics
      .filter((d) => d.file === o.file && d.range.start.line === o.source.start.line && (d.severity === 'error' || d.severity === 'warning'))
      .map((d) => `${d.message} [${d.code}]`);
    diagnosed.set(id, { outcome: o.outcome, messages });
  }
  // A rule that matches a random share of packets draws separately on each side: a probe through
  // it may take different paths, and that is no translation bug.
  for (const r of original.rules) {
    if (!diagnosed.has(r.id) && /(?:^|\s)--mode\s+random(?:\s|$)/.test(r.loaded) && /(?:^|\s)-m\s+statistic(?:\s|$)/.test(r.loaded)) {
      diagnosed.set(r.id, { outcome: 'random', messages: ['-m statistic --mode random matches a random share of packets: the original and the conversion draw separately'] });
    }
  }
  const input: Prepared['input'] = opts.against
    ? { original, nftText: opts.against.text, nftLabel: opts.against.file, diagnosed, ownConversion: { output: conversion.output, nft: conversion.nft } }
    : { original, nftText: conversion.output, nftLabel: 'the conversion', conversion, diagnosed };
  return { original, conversion, input };
}

export async function runVerify(p: Prepared, seed: number, maxProbes: number, onProgress?: (done: number, total: number) => void): Promise<VerifyResult> {
  return verify({ ...p.input, seed, maxProbes, ...(onProgress ? { onProgress } : {}) });
}
