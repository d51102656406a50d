#!/usr/bin/env node
// `npm run package`: production build, then a .vsix with @vscode/vsce (offline; no
// node_modules inside, esbuild bundled them), then checks: under 2 MB, only run-time files.
//   node scripts/package.mjs [--out FILE]     (default dist/netfilter-lens.vsix)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MAX_VSIX_BYTES = 2 * 1024 * 1024;

/** What may be inside the .vsix (paths under extension/), mirroring .vscodeignore. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[\w-]+)?\.json$/,
  /^extension\/(readme\.md|changelog\.md|license\.txt|license)$/i,
  /^extension\/dist\/[^/]+\.js$/,
  /^extension\/docs\/diagnostics\.md$/,
  /^extension\/syntaxes\/[^/]+\.json$/,
  /^extension\/language-configuration\/[^/]+\.json$/,
  /^extension\/media\//,
];

/** Names of the entries of a zip file, read from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Problems with a built .vsix (empty when it is fine). */
export function vsixProblems(file) {
  const problems = [];
  const size = statSync(file).size;
  if (size >= MAX_VSIX_BYTES) problems.push(`${(size / 1024 / 1024).toFixed(2)} MB, the limit is 2 MB`);
  const entries = zipEntries(file);
  const stray = entries.filter((e) => !ALLOWED.some((re) => re.test(e)));
  if (stray.length) problems.push(`files that are not needed at run time: ${stray.join(', ')}`);
  for (const needed of ['extension/package.json', 'extension/dist/extension.js']) {
    if (!entries.includes(needed)) problems.push(`${needed} is missing`);
  }
  return problems;
}

/** Builds for production and writes the .vsix to `out`; returns { file, bytes, entries }. */
export async function packageVsix({ out = join(repoRoot, 'dist', 'netfilter-lens.vsix'), log = console.log } = {}) {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--production'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`scripts/build.mjs --production failed (exit ${build.status ?? build.signal})`);
  mkdirSync(dirname(out), { recursive: true });
  const require = createRequire(import.meta.url);
  const { createVSIX } = require('@vscode/vsce');
  // README images are relative links into docs/; the repository URL is not a public host
  // vsce could rewrite them against, so they stay relative.
  await createVSIX({ cwd: repoRoot, packagePath: out, dependencies: false, rewriteRelativeLinks: false });
  const problems = vsixProblems(out);
  if (problems.length) throw new Error(`${out}:\n  ${problems.join('\n  ')}`);
  const bytes = statSync(out).size;
  const entries = zipEntries(out);
  log(`[package] ${out}: ${(bytes / 1024).toFixed(0)} KB, ${entries.length} entries`);
  return { file: out, bytes, entries };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  try {
    await packageVsix(at > 0 ? { out: resolve(process.argv[at + 1]) } : {});
  } catch (e) {
    console.error(`[package] FAILED: ${e.message}`);
    process.exit(1);
  }
}
