/**
 * Hand-written scope assertions (vscode-tmgrammar-test syntax) in test/grammar/cases/,
 * run with vscode-tmgrammar-test's library against the grammars package.json contributes.
 * Each case file is one test.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './support/textmate';

// vscode-tmgrammar-test ships CommonJS without an exports map; these are its library entry points.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tmTest = require('vscode-tmgrammar-test/dist/unit/index') as {
  parseGrammarTestCase(text: string): GrammarTestCase;
  runGrammarTestCase(registry: unknown, testCase: GrammarTestCase): Promise<TestFailure[]>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tmCommon = require('vscode-tmgrammar-test/dist/common/index') as {
  loadConfiguration(config: string, scope?: string, grammar?: string[]): { grammars: unknown[] };
  createRegistry(grammars: unknown[]): unknown;
};

interface GrammarTestCase {
  metadata: { scope: string; description: string };
  source: string[];
  assertions: { sourceLineNumber: number; scopeAssertions: unknown[] }[];
}
interface TestFailure {
  missing: string[];
  actual: string[];
  unexpected: string[];
  line: number;
  srcLine: number;
  start: number;
  end: number;
}

const casesDir = join(__dirname, 'cases');
const caseFiles = readdirSync(casesDir).filter((f) => !f.startsWith('.')).sort();

function formatFailure(file: string, testCase: GrammarTestCase, f: TestFailure): string {
  const source = testCase.source[f.srcLine] ?? '';
  return [
    `${file}:${f.line + 1} source line "${source}"`,
    `  token [${f.start}, ${f.end}) "${source.slice(f.start, f.end)}"`,
    f.missing.length ? `  missing:    ${f.missing.join(' ')}` : '',
    f.unexpected.length ? `  unexpected: ${f.unexpected.join(' ')}` : '',
    `  actual:     ${f.actual.join(' ')}`,
  ]
    .filter(Boolean)
    .join('\n');
}

describe('grammar scope assertions (vscode-tmgrammar-test)', function () {
  const { grammars } = tmCommon.loadConfiguration(join(repoRoot, 'package.json'));
  const registry = tmCommon.createRegistry(grammars);

  it('has case files for every language', function () {
    const scopes = new Set(caseFiles.map((f) => tmTest.parseGrammarTestCase(readFileSync(join(casesDir, f), 'utf8')).metadata.scope));
    assert.deepEqual([...scopes].sort(), ['source.ipset', 'source.iptables-save', 'source.nft']);
  });

  for (const file of caseFiles) {
    it(file, async function () {
      const testCase = tmTest.parseGrammarTestCase(readFileSync(join(casesDir, file), 'utf8'));
      const assertionCount = testCase.assertions.reduce((n, a) => n + a.scopeAssertions.length, 0);
      assert.ok(assertionCount > 0, `${file} asserts nothing`);
      const failures = await tmTest.runGrammarTestCase(registry, testCase);
      assert.equal(failures.length, 0, `\n${failures.map((f) => formatFailure(file, testCase, f)).join('\n')}`);
    });
  }
});
