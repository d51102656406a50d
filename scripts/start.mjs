#!/usr/bin/env node
// `npm start`: a real VS Code in the browser with Netfilter Lens installed and samples/ open.
// Installs dependencies when node_modules is missing, builds and packages the .vsix, installs
// VS Code Server once into .vscode-test/server/, installs the .vsix into it and serves it on
// 127.0.0.1 until Ctrl-C. Port: env PORT or --port N (default: a free one).
// Editor state (settings, extensions) persists in .vscode-test/start/ (NFLENS_START_DATA_DIR overrides;
// NFLENS_START_VSIX names the .vsix to write instead of dist/netfilter-lens.vsix).
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureServer, installVsix, repoRoot, startServer, workbenchUrl } from './vscode-server.mjs';

const say = (m) => console.log(`[start] ${m}`);
const started = Date.now();
const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function portFromArgs() {
  const at = process.argv.indexOf('--port');
  const raw = at > 0 ? process.argv[at + 1] : process.env.PORT;
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[start] bad port "${raw}" (PORT or --port takes 0-65535)`);
    process.exit(2);
  }
  return port;
}

function installDependencies() {
  if (existsSync(join(repoRoot, 'node_modules', '@vscode', 'vsce')) && existsSync(join(repoRoot, 'node_modules', 'esbuild'))) return;
  const ci = existsSync(join(repoRoot, 'package-lock.json'));
  say(`node_modules is missing: npm ${ci ? 'ci' : 'install'}`);
  const r = spawnSync('npm', [ci ? 'ci' : 'install', '--no-audit', '--no-fund'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ${ci ? 'ci' : 'install'} failed (exit ${r.status ?? r.signal})`);
}

const port = portFromArgs();
let server;
let stopping = false;

async function stop(code) {
  stopping = true;
  if (server) {
    say('stopping VS Code Server');
    await server.stop();
    server = undefined;
  }
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, () => stop(0));

try {
  installDependencies();
  // Imported after the install: it loads @vscode/vsce from node_modules.
  const { packageVsix } = await import('./package.mjs');
  const vsix = await packageVsix({ log: say, ...(process.env.NFLENS_START_VSIX ? { out: process.env.NFLENS_START_VSIX } : {}) });
  await ensureServer({ log: say });

  const dataDir = process.env.NFLENS_START_DATA_DIR ?? join(repoRoot, '.vscode-test', 'start');
  const settings = join(dataDir, 'user-data', 'User', 'settings.json');
  if (!existsSync(settings)) {
    mkdirSync(join(settings, '..'), { recursive: true });
    writeFileSync(settings, JSON.stringify({
      'workbench.startupEditor': 'none',
      'update.mode': 'none',
      'git.openRepositoryInParentFolders': 'never', // samples/ sits inside this repository
    }, null, 2) + '\n');
  }
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(npm_|VSCODE_|ELECTRON_)/.test(k)) delete env[k];
  say(`installing ${vsix.file} into VS Code Server`);
  installVsix({ vsix: vsix.file, dataDir, env });

  const log = createWriteStream(join(dataDir, 'server.log'), { flags: 'a' });
  server = await startServer({ port, dataDir, env, onOutput: (t) => log.write(t) });
  server.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`[start] VS Code Server exited (${code ?? signal})`);
    process.exit(1);
  });
  const url = workbenchUrl(server.port, join(repoRoot, 'samples'));
  console.log(`
  Netfilter Lens in VS Code (ready in ${since()}). Open:

    ${url}

  The samples/ folder is open; click a file in the Explorer. Ctrl-C stops the server
  (pid ${server.child.pid}; its log: ${join(dataDir, 'server.log')}).
  (On another machine: ssh -L ${server.port}:127.0.0.1:${server.port} this-host, then open the same URL.)
`);
} catch (e) {
  console.error(`[start] FAILED: ${e.message}`);
  await stop(1);
}
