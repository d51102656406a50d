/**
 * Corpus sweep of the TextMate grammars (issue 2): every corpus document tokenizes with
 * no invalid.* scope, >= 95% of non-blank characters outside comments get a leaf scope,
 * and no line is slow. The figures are printed so they can be quoted.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir, prereqs, requirePrereqs } from '../support/prereq';
import { loadGrammar, tokenizeLines } from './support/textmate';
import { describeSweep, leafPercent, sweep, type SweepDocument, type SweepResult } from './support/sweep';

const MIN_LEAF_PERCENT = 95;
// Generous bound against catastrophic backtracking; the measured maximum is printed.
const LINE_TIME_GUARD_MS = 250;

function files(dir: string, accept: (name: string) => boolean): SweepDocument[] {
  const full = join(corpusDir, dir);
  return readdirSync(full)
    .filter(accept)
    .sort()
    .map((name) => ({ name: `${dir}/${name}`, text: readFileSync(join(full, name), 'utf8') }));
}

/** Rule lines of nftables' tests/py files: `RULE;ok` and the canonical form of `RULE;ok;CANONICAL`. */
function nftRuleLines(): SweepDocument[] {
  return files('nft-rules', (n) => n.endsWith('.t')).map((doc) => {
    const rules: string[] = [];
    for (const line of doc.text.split('\n')) {
      if (/^[*:#\-!?%]/.test(line) || line.trim() === '') continue;
      const m = /^(.*?);ok(?:;(.*))?$/.exec(line);
      if (!m) continue;
      rules.push(m[1]!);
      if (m[2]) rules.push(m[2]);
    }
    return { name: doc.name, text: rules.join('\n') };
  });
}

/** The `nft '...'` lines of the iptables translation tests, without the shell quoting. */
function txlateNftOutputs(): SweepDocument[] {
  return files('txlate', (n) => n.endsWith('.txlate')).map((doc) => ({
    name: doc.name,
    text: doc.text
      .split('\n')
      .map((l) => /^nft '(.*)'\s*$/.exec(l)?.[1])
      .filter((l): l is string => l !== undefined)
      .join('\n'),
  }));
}

/** The `iptables-translate ARGS` lines of the translation tests: the ARGS are rule lines. */
function txlateRuleInputs(): SweepDocument[] {
  return files('txlate', (n) => n.endsWith('.txlate')).map((doc) => ({
    name: doc.name,
    text: doc.text
      .split('\n')
      .map((l) => /^(?:ip6?|eb|arp)tables-translate\s+(.*)$/.exec(l)?.[1])
      .filter((l): l is string => l !== undefined)
      .join('\n'),
  }));
}

/** Neutron's iptables-restore input, minus the `$ command` lines of the log. */
function neutronRestoreInputs(): SweepDocument[] {
  return files('neutron', (n) => n.endsWith('.neutron-restore-input.log')).map((doc) => ({
    name: doc.name,
    text: doc.text
      .split('\n')
      .filter((l) => !l.startsWith('$'))
      .join('\n'),
  }));
}

interface SweepCase {
  title: string;
  scope: string;
  documents: () => SweepDocument[];
}

const cases: SweepCase[] = [
  { title: 'nft-dumps (nft list ruleset output)', scope: 'source.nft', documents: () => files('nft-dumps', (n) => n.endsWith('.nft')) },
  { title: 'neutron *tables-save dumps', scope: 'source.iptables-save', documents: () => files('neutron', (n) => /tables-save$/.test(n)) },
  { title: 'neutron ipset save dumps', scope: 'source.ipset', documents: () => files('neutron', (n) => n.endsWith('.ipset-save')) },
  { title: 'neutron *.nft.expected (nft command style)', scope: 'source.nft', documents: () => files('neutron', (n) => n.endsWith('.nft.expected')) },
  { title: 'nft-rules rule lines (extra)', scope: 'source.nft', documents: nftRuleLines },
  { title: 'txlate nft outputs (extra)', scope: 'source.nft', documents: txlateNftOutputs },
  { title: 'txlate iptables/ebtables/arptables arguments (extra)', scope: 'source.iptables-save', documents: txlateRuleInputs },
  { title: 'neutron iptables-restore input logs (extra)', scope: 'source.iptables-save', documents: neutronRestoreInputs },
];

describe('grammar corpus sweep', function () {
  before(function () {
    requirePrereqs(this, prereqs.corpus());
  });

  const results: { title: string; result: SweepResult }[] = [];

  for (const c of cases) {
    it(`${c.title}: no invalid scope, >= ${MIN_LEAF_PERCENT}% leaf scopes, no slow line`, async function () {
      const grammar = await loadGrammar(c.scope);
      const documents = c.documents();
      assert.ok(documents.length > 0, `no documents found for ${c.title}`);
      const result = sweep(grammar, documents);
      results.push({ title: c.title, result });
      console.log(`      ${describeSweep(c.scope, result)}`);
      const invalid = result.invalid.slice(0, 10).map((t) => `${t.document}:${t.line} ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`);
      assert.equal(result.invalid.length, 0, `invalid tokens:\n${invalid.join('\n')}`);
      assert.ok(leafPercent(result) >= MIN_LEAF_PERCENT, `only ${leafPercent(result).toFixed(2)}% of characters have a leaf scope`);
      assert.ok(result.maxLineMs < LINE_TIME_GUARD_MS, `line ${result.slowestLine} took ${result.maxLineMs.toFixed(1)} ms`);
    });
  }

  it('every iptables/ebtables/arptables option in the corpus is one the grammar knows', async function () {
    const grammar = await loadGrammar('source.iptables-save');
    const unknown = new Map<string, string>();
    const documents = [...files('neutron', (n) => /tables-save$/.test(n)), ...txlateRuleInputs(), ...neutronRestoreInputs()];
    for (const doc of documents) {
      for (const line of tokenizeLines(grammar, doc.text.split('\n'))) {
        for (const t of line.tokens) if (t.scopes.includes('variable.parameter.option.other.iptables-save')) unknown.set(t.text, doc.name);
      }
    }
    assert.deepEqual([...unknown].map(([option, where]) => `${option} (${where})`), []);
  });

  after(function () {
    if (results.length === 0) return;
    console.log('\n  grammar corpus sweep summary');
    for (const { title, result } of results) {
      console.log(
        `    ${title.padEnd(52)} files ${String(result.documents).padStart(4)}  invalid ${result.invalid.length}  ` +
          `leaf ${leafPercent(result).toFixed(2).padStart(6)}%  max line ${result.maxLineMs.toFixed(2)} ms`,
      );
    }
  });
});
