/**
 * Entry point VS Code loads as `extensionTestsPath`: runs every bundled *.test.js beside it
 * with mocha inside the extension host, then prints the counts for the harness.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { MARKER } from './support';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return testFiles(path);
    return e.name.endsWith('.test.js') ? [path] : [];
  }).sort();
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: process.env.NFLENS_COLOR === '1',
    timeout: Number(process.env.NFLENS_TEST_TIMEOUT ?? 60_000),
  });
  if (process.env.NFLENS_GREP) mocha.grep(process.env.NFLENS_GREP);
  const files = testFiles(__dirname);
  for (const f of files) mocha.addFile(f);

  const stats = await new Promise<Mocha.Stats>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve(runner.stats ?? { passes: 0, failures: 1, pending: 0 } as Mocha.Stats));
    } catch (e) {
      reject(e);
    }
  });
  const counts = { passed: stats.passes, failed: stats.failures, skipped: stats.pending };
  console.log(`${MARKER.result} ${JSON.stringify(counts)}@@`);
  // run-electron.mjs can't read the host's console; it names a file instead.
  if (process.env.NFLENS_SUITE_RESULT) writeFileSync(process.env.NFLENS_SUITE_RESULT, JSON.stringify(counts));
  if (files.length === 0) throw new Error(`no *.test.js files beside ${__filename}`);
  if (counts.failed > 0) throw new Error(`${counts.failed} integration test(s) failed`);
}
