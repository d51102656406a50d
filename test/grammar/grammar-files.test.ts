/**
 * The grammar files themselves: generated JSON matches its source in syntaxes/src, every
 * regex compiles in Oniguruma, includes resolve, no rule can emit an invalid.* scope,
 * and package.json contributes them consistently.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { grammarContributions, repoRoot } from './support/textmate';

interface RawRule {
  [key: string]: unknown;
}

function walk(node: unknown, visit: (rule: RawRule) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as RawRule);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

describe('grammar files', function () {
  before(async function () {
    const wasm = readFileSync(join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  });

  it('syntaxes/*.tmLanguage.json are up to date with syntaxes/src (node syntaxes/src/build.mjs)', function () {
    const r = spawnSync(process.execPath, [join(repoRoot, 'syntaxes', 'src', 'build.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  for (const contribution of grammarContributions()) {
    describe(contribution.scopeName, function () {
      const path = join(repoRoot, contribution.path);
      const grammar = () => JSON.parse(readFileSync(path, 'utf8')) as RawRule;

      it('exists and declares the scope name package.json gives it', function () {
        assert.ok(existsSync(path), `${contribution.path} missing`);
        assert.equal(grammar().scopeName, contribution.scopeName);
      });

      it('every regex compiles in Oniguruma', function () {
        const bad: string[] = [];
        let count = 0;
        walk(grammar(), (rule) => {
          for (const key of ['match', 'begin', 'end', 'while']) {
            const source = rule[key];
            if (typeof source !== 'string') continue;
            count++;
            try {
              new oniguruma.OnigScanner([source]).dispose();
            } catch (e) {
              bad.push(`${key}: ${source}\n  ${(e as Error).message}`);
            }
          }
        });
        assert.ok(count > 10, 'suspiciously few regexes');
        assert.deepEqual(bad, []);
      });

      it('every include names a repository rule', function () {
        const g = grammar();
        const repository = new Set(Object.keys((g.repository ?? {}) as object));
        const missing: string[] = [];
        walk(g, (rule) => {
          const inc = rule.include;
          if (typeof inc === 'string' && inc.startsWith('#') && !repository.has(inc.slice(1))) missing.push(inc);
        });
        assert.deepEqual(missing, []);
      });

      it('no rule can produce an invalid.* scope', function () {
        const names: string[] = [];
        walk(grammar(), (rule) => {
          for (const key of ['name', 'contentName']) {
            const n = rule[key];
            if (typeof n === 'string' && n.split(/\s+/).some((s) => s.startsWith('invalid'))) names.push(n);
          }
        });
        assert.deepEqual(names, []);
      });

      it('scope names end with the language suffix', function () {
        const suffix = contribution.scopeName.replace(/^source\./, '.');
        const g = grammar();
        const wrong: string[] = [];
        walk([g.patterns, g.repository], (rule) => {
          const n = rule.name;
          if (typeof n === 'string' && !n.split(/\s+/).every((s) => s.endsWith(suffix))) wrong.push(n);
        });
        assert.deepEqual(wrong, []);
      });
    });
  }

  it('tokenTypes in package.json name scopes the grammars emit', function () {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    for (const g of manifest.contributes.grammars as { path: string; tokenTypes?: Record<string, string> }[]) {
      const names = new Set<string>();
      walk(JSON.parse(readFileSync(join(repoRoot, g.path), 'utf8')), (rule) => {
        if (typeof rule.name === 'string') rule.name.split(/\s+/).forEach((n) => names.add(n));
      });
      for (const [scope, type] of Object.entries(g.tokenTypes ?? {})) {
        assert.ok(names.has(scope), `${g.path} never emits ${scope}`);
        assert.ok(['string', 'comment', 'other'].includes(type));
      }
    }
  });

  it('package.json contributes one grammar per language, each language with a configuration', function () {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const languages: { id: string; configuration?: string }[] = manifest.contributes.languages;
    const grammarLanguages = grammarContributions().map((g) => g.language).sort();
    assert.deepEqual(languages.map((l) => l.id).sort(), grammarLanguages);
    for (const l of languages) {
      assert.ok(l.configuration, `${l.id} has no language configuration`);
      assert.ok(existsSync(join(repoRoot, l.configuration)), `${l.configuration} missing`);
    }
  });
});
