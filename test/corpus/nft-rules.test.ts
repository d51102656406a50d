/**
 * Corpus gate on the nftables project's tests/py/*.t files: every `RULE;ok` line, placed
 * in a chain of a table of its file's family, parses without errors; where nft gives a
 * canonical form (`RULE;ok;CANONICAL`) the rule printed with canonical output equals it,
 * or the case is listed in nft-rules-known-gaps.json with a reason. A listed case that
 * now passes fails the test too, so the list stays honest.
 *
 * Set (`!`), object (`%`) and element (`?`) lines are checked to parse as the matching
 * `add set/map/<object>/element` commands. `;fail` lines only must not crash the parser
 * (many are kernel-side rejections, not syntax errors).
 *
 * NFLENS_UPDATE_KNOWN_GAPS=1 rewrites the known-gaps file from the current results.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeNft } from '../../src/convert/nft/analysis';
import { parseNft } from '../../src/convert/nft/index';
import { printRuleBody } from '../../src/convert/nft/printer';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';

const dir = join(corpusDir, 'nft-rules');
const gapsFile = join(__dirname, 'nft-rules-known-gaps.json');

interface KnownGap {
  file: string;
  rule: string;
  canonical: string;
  printed: string;
  reason: string;
}

interface Case {
  file: string;
  line: number;
  kind: 'rule' | 'set' | 'object' | 'element';
  text: string;
  status: string;
  canonical?: string;
  family: string;
}

/** nft's test tool compares without caring for blanks around braces and commas (`{ 1, 2}`). */
function normalize(s: string): string {
  return s.replace(/\s*([{},])\s*/g, '$1').replace(/\s+/g, ' ').trim();
}

function readCases(): Case[] {
  const cases: Case[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.t')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const tableLine = lines.find((l) => l.startsWith('*'));
    const family = tableLine ? tableLine.slice(1).split(';')[0]! : file.split('__')[0] === 'any' ? 'ip' : file.split('__')[0]!;
    lines.forEach((raw, i) => {
      if (!raw || raw.startsWith('#') || raw.startsWith('*') || raw.startsWith(':') || raw.startsWith('-')) return;
      const [body, status, ...rest] = raw.split(';');
      if (body === undefined || status === undefined) return;
      const kind = raw.startsWith('!') ? 'set' : raw.startsWith('%') ? 'object' : raw.startsWith('?') ? 'element' : 'rule';
      const c: Case = { file, line: i + 1, kind, text: kind === 'rule' ? body : body.slice(1), status, family };
      if (rest.length && rest.join(';')) c.canonical = rest.join(';');
      cases.push(c);
    });
  }
  return cases;
}

const SET_ATTRIBUTES = /\s+(?=(?:flags|timeout|size|policy|gc-interval|counter|comment)\b)/g;

/** The text that puts a case where nft's test tool puts it: a rule in a chain, a set or object in the table. */
function caseText(c: Case): string {
  const table = `table ${c.family} t {\n\tchain c {\n\t\ttype filter hook input priority 0;\n`;
  switch (c.kind) {
    case 'rule':
      return `${table}\t\t${c.text}\n\t}\n}\n`;
    case 'set': {
      const [name, ...rest] = c.text.split(' ');
      const spec = rest.join(' ');
      const what = /\s:\s/.test(spec) ? 'map' : 'set';
      return `add table ${c.family} t\nadd ${what} ${c.family} t ${name} { ${spec.replace(SET_ATTRIBUTES, '; ')}; }\n`;
    }
    case 'object': {
      const m = /^(\S+) type (ct helper|ct timeout|ct expectation|\S+)\s*(.*)$/.exec(c.text);
      if (!m) return c.text;
      return `add table ${c.family} t\nadd ${m[2]} ${c.family} t ${m[1]}${m[3] ? ` { ${m[3]} }` : ''}\n`;
    }
    case 'element': {
      const [name, ...rest] = c.text.split(' ');
      return `add table ${c.family} t\nadd element ${c.family} t ${name} { ${rest.join(' ')} }\n`;
    }
  }
}

/** Why nft's canonical form differs from the rule printed as written: a rough classification for the known-gaps list. */
function classify(rule: string, canonical: string, printed: string): string {
  const words = (s: string) => normalize(s).replace(/[{},]/g, ' ').split(' ').filter(Boolean);
  const a = words(canonical);
  const b = words(printed);
  const sortedEqual = [...a].sort().join(' ') === [...b].sort().join(' ');
  if (/\breject\b/.test(rule)) return 'reject: nft fills in or drops the default reject type of the table family (needs the family)';
  if (sortedEqual) return 'order: nft lists set elements or statements in its own order (hash or value order)';
  if (b.length > a.length && b.slice(b.length - a.length).join(' ') === a.join(' ')) return 'dependency: nft drops a match it implies from a later one (e.g. `meta l4proto`, `ether type vlan`) in cases this printer does not know';
  if (a.length > b.length) return 'dependency: nft adds an implicit protocol match or default arguments';
  if (/\b(xor|and|or|<<|>>|&|\|)\b/.test(rule) && a.length < b.length) return 'folding: nft evaluates constant expressions';
  if (/[0-9a-f]*:[0-9a-f:]*:/i.test(rule)) return 'address: nft prints IPv6/MAC addresses in normalised form (RFC 5952, zero padding)';
  if (a.length === b.length) return 'notation: nft prints the value in another notation for its data type (symbolic name, number, time, hex width)';
  return 'type: nft rewrites the expression using data-type knowledge this printer does not have';
}

describe('corpus: nft-rules (nftables tests/py)', function () {
  let cases: Case[] = [];
  before(function () {
    requirePrereqs(this, prereqs.corpus());
    cases = readCases();
  });

  it('every ;ok line parses with zero errors; canonical forms print or are known gaps; ;fail lines do not crash', function () {
    assert.ok(cases.length > 1000, `expected the nft-rules corpus, found ${cases.length} cases`);
    const known: KnownGap[] = existsSync(gapsFile) ? JSON.parse(readFileSync(gapsFile, 'utf8')) : [];
    const knownKeys = new Map(known.map((g) => [`${g.file}\t${g.rule}`, g]));
    const failures: string[] = [];
    const gaps: KnownGap[] = [];
    let okTotal = 0;
    let okParsed = 0;
    let canonTotal = 0;
    let canonPass = 0;
    let failLines = 0;
    let asWritten = 0;
    let asWrittenTotal = 0;
    const byKind: Record<string, [number, number]> = {};
    for (const c of cases) {
      const text = caseText(c);
      let result: ReturnType<typeof parseNft>;
      try {
        result = parseNft(text);
      } catch (e) {
        failures.push(`${c.file}:${c.line}: parser threw on '${c.text}': ${(e as Error).message}`);
        continue;
      }
      if (c.status !== 'ok') {
        failLines++;
        continue;
      }
      okTotal++;
      const k = (byKind[c.kind] ??= [0, 0]);
      k[1]++;
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) {
        failures.push(`${c.file}:${c.line}: '${c.text}': ${errors.map((d) => `${d.message} [${d.code}]`).join('; ')}`);
        continue;
      }
      okParsed++;
      k[0]++;
      if (c.kind !== 'rule') continue;
      // nft accepts these rules, so rule-local analysis errors would be false positives
      // (references are left out: the .t files declare their sets apart from the rules)
      for (const d of analyzeNft(result.file)) {
        if (d.severity === 'error' && d.code !== 'nft-undefined-set' && d.code !== 'nft-undefined-chain') failures.push(`${c.file}:${c.line}: '${c.text}': analysis says ${d.message} [${d.code}]`);
      }
      const table = result.file.items[0];
      const chain = table?.kind === 'table' ? table.items[0] : undefined;
      const rule = chain?.kind === 'chain' ? chain.rules[0] : undefined;
      if (!rule || rule.kind !== 'rule') {
        failures.push(`${c.file}:${c.line}: '${c.text}': no rule in the parsed chain`);
        continue;
      }
      const printed = printRuleBody(rule, { canonical: true });
      if (c.canonical === undefined) {
        asWrittenTotal++;
        if (normalize(printed) === normalize(c.text)) asWritten++;
        continue;
      }
      canonTotal++;
      const key = `${c.file}\t${c.text}`;
      const listed = knownKeys.get(key);
      if (normalize(printed) === normalize(c.canonical)) {
        canonPass++;
        if (listed) failures.push(`${c.file}:${c.line}: '${c.text}' now prints its canonical form: remove it from nft-rules-known-gaps.json`);
      } else {
        gaps.push({ file: c.file, rule: c.text, canonical: c.canonical, printed, reason: listed?.reason ?? classify(c.text, c.canonical, printed) });
        if (!listed) failures.push(`${c.file}:${c.line}: '${c.text}' prints '${printed}', nft prints '${c.canonical}' (not a known gap)`);
      }
    }
    if (process.env.NFLENS_UPDATE_KNOWN_GAPS === '1') {
      writeFileSync(gapsFile, JSON.stringify(gaps, null, 1) + '\n');
      console.log(`      wrote ${gaps.length} known gaps to ${gapsFile}`);
    }
    const kinds = Object.entries(byKind).map(([kind, [p, t]]) => `${kind}s ${p}/${t}`).join(', ');
    console.log(`      nft-rules: ${okParsed}/${okTotal} ;ok lines parse (${kinds}); canonical ${canonPass}/${canonTotal} print nft's form, ${gaps.length} known gaps; ${asWritten}/${asWrittenTotal} rules without a canonical form print as written; ${failLines} ;fail lines parsed without crashing`);
    const reasons = new Map<string, number>();
    for (const g of gaps) reasons.set(g.reason.split(':')[0]!, (reasons.get(g.reason.split(':')[0]!) ?? 0) + 1);
    console.log(`      known gaps by reason: ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')}`);
    if (process.env.NFLENS_UPDATE_KNOWN_GAPS === '1') return;
    assert.deepEqual(failures, []);
  });
});
