#!/usr/bin/env node
// `npm run test:electron`: the same in-host suite as run.mjs, in desktop VS Code downloaded by
// @vscode/test-electron (needs internet; on Linux without a display: `xvfb-run -a npm run test:electron`).
//   NFLENS_VSCODE_VERSION  VS Code to download (default 1.100.3, the oldest engines.vscode allows; or "stable")
//   NFLENS_RESULT          counts file for test/run-all.mjs
// Tests that need the server harness's browser page (screenshots, painted colours) skip
// loudly here; run.mjs is the harness CI uses.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../../scripts/vscode-server.mjs';
import { buildExtension, bundleSuite } from './bundle.mjs';

const version = process.env.NFLENS_VSCODE_VERSION ?? '1.100.3';
const runDir = mkdtempSync(join(tmpdir(), 'nflens-electron-'));
const workspace = join(runDir, 'workspace', 'samples');
const resultFile = join(runDir, 'suite-result.json');
const started = Date.now();

function writeCounts(counts) {
  if (process.env.NFLENS_RESULT) writeFileSync(process.env.NFLENS_RESULT, JSON.stringify(counts));
  console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
}

let exitCode = 1;
let counts;
try {
  buildExtension();
  const suite = await bundleSuite(join(runDir, 'suite'));
  console.log(`[electron] bundled ${suite.tests.length} test file(s); VS Code ${version}`);
  cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
  mkdirSync(join(runDir, 'tmp'));
  exitCode = await runTests({
    version,
    // The download cache sits beside the server install, in the git-ignored .vscode-test/.
    cachePath: join(repoRoot, '.vscode-test', 'electron'),
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: suite.index,
    extensionTestsEnv: {
      NFLENS_SUITE_RESULT: resultFile,
      NFLENS_COLOR: process.stdout.isTTY ? '1' : '0',
      TMPDIR: join(runDir, 'tmp'),
      ...(process.env.NFLENS_GREP ? { NFLENS_GREP: process.env.NFLENS_GREP } : {}),
    },
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', join(runDir, 'user-data'),
      '--extensions-dir', join(runDir, 'extensions'),
    ],
  });
} catch (e) {
  console.error(`[electron] FAILED: ${e.message ?? e}`);
}
if (existsSync(resultFile)) counts = JSON.parse(readFileSync(resultFile, 'utf8'));
else counts = { passed: 0, failed: 1, skipped: 0 };
if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
rmSync(runDir, { recursive: true, force: true });
console.log(`[electron] finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
writeCounts(counts);
process.exit(exitCode === 0 && counts.failed === 0 ? 0 : 1);
