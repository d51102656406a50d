// Shared by both harnesses: builds the extension and bundles the in-host mocha suite.
// Every test/integration/suite/**/*.test.ts is picked up; `vscode` comes from the host.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from '../../scripts/vscode-server.mjs';

export const suiteDir = join(repoRoot, 'test', 'integration', 'suite');

function suiteEntries(dir = suiteDir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return suiteEntries(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `node scripts/build.mjs` (dist/ is what VS Code loads as the extension under development). */
export function buildExtension() {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${r.status ?? r.signal})`);
}

/** Bundles index.ts and every *.test.ts into `outdir`; returns the path of index.js and the test count. */
export async function bundleSuite(outdir) {
  const tests = suiteEntries();
  await esbuild.build({
    entryPoints: [join(suiteDir, 'index.ts'), ...tests],
    outbase: suiteDir,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    // mocha's loader requires test files by runtime path; that require is meant to stay dynamic.
    // (mocha's parallel mode, resolved but never used here, names files by require.resolve.)
    logOverride: { 'unsupported-require-call': 'silent', 'unsupported-dynamic-import': 'silent', 'require-resolve-not-external': 'silent' },
    // ssh2's optional native modules are loaded inside try/catch (as in scripts/build.mjs).
    external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  });
  return { index: join(outdir, 'index.js'), tests: tests.map((t) => relative(suiteDir, t)) };
}
