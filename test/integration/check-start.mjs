#!/usr/bin/env node
// Checks `npm start` end to end: runs scripts/start.mjs (packaging, .vsix install, server),
// opens the printed URL in headless Chromium, opens the nft sample from the Explorer and
// checks the installed extension colours it. Saves docs/screenshots/npm-start.png.
//   node test/integration/check-start.mjs        (test/integration/run.mjs runs it too)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath, isolatedEnv, repoRoot } from '../../scripts/vscode-server.mjs';

/** Resolves with the URL start.mjs prints, or rejects with its output. */
function startAndWaitForUrl(child, timeoutMs) {
  return new Promise((resolveP, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const onData = (chunk) => {
      out += chunk.toString();
      const url = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/);
      const pid = out.match(/\(pid (\d+);/);
      if (url && pid) { clearTimeout(timer); resolveP({ url: url[0], serverPid: Number(pid[1]) }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited (${code}) before serving:\n${out}`)); });
  });
}

/**
 * Runs the check; throws on failure. `env` should be isolated (HOME, TMPDIR...).
 * Returns { url, colours, screenshot }.
 */
export async function checkStart({ env, dataDir, screenshotOut = join(repoRoot, 'docs', 'screenshots'), log = console.log }) {
  const { chromium } = createRequire(import.meta.url)('playwright-core');
  const browserPath = chromiumPath();
  if (!browserPath) throw new Error('Chromium is missing');
  const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
    cwd: repoRoot,
    // Its own .vsix path, so concurrent runs never write the same file.
    env: { ...env, PORT: '0', NFLENS_START_DATA_DIR: dataDir, NFLENS_START_VSIX: join(dataDir, 'netfilter-lens.vsix') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  // If this process ends early (a signal to the harness), start.mjs still stops its server.
  const onExit = () => child.kill('SIGTERM');
  process.on('exit', onExit);
  let serverPid;
  let browser;
  try {
    const started = await startAndWaitForUrl(child, 180_000);
    serverPid = started.serverPid;
    log(`npm start serves ${started.url}`);
    browser = await chromium.launch({
      executablePath: browserPath, headless: true, args: chromiumArgs, env, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(started.url);
    await page.getByRole('treeitem', { name: 'nftables' }).click({ timeout: 60_000 });
    await page.getByRole('treeitem', { name: 'qrouter-5d1e2c3a.nft' }).click();
    await page.locator('.statusbar').getByText('nftables', { exact: true }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(2500); // tokenization runs in a worker
    const painted = await page.evaluate(() => {
      const view = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
      if (!view) return { foreground: '', colours: [] };
      const spans = [...view.querySelectorAll('.view-line span > span')].filter((s) => s.textContent.trim());
      return { foreground: getComputedStyle(view).color, colours: [...new Set(spans.map((s) => getComputedStyle(s).color))] };
    });
    const coloured = painted.colours.filter((c) => c !== painted.foreground);
    if (coloured.length < 4) throw new Error(`the nft sample shows ${painted.colours.length} colours (${painted.colours.join(', ')}): is the installed extension highlighting?`);
    mkdirSync(screenshotOut, { recursive: true });
    const screenshot = join(screenshotOut, 'npm-start.png');
    await page.screenshot({ path: screenshot });
    log(`screenshot ${screenshot}`);
    return { url: started.url, colours: painted.colours, screenshot };
  } finally {
    if (browser) await browser.close().catch(() => {});
    child.kill('SIGTERM'); // start.mjs stops its server on SIGTERM
    const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    if (!gone) child.kill('SIGKILL');
    if (serverPid) { try { process.kill(-serverPid, 'SIGKILL'); } catch {} } // only if start.mjs could not stop it
    process.off('exit', onExit);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = mkdtempSync(join(tmpdir(), 'nflens-start-check-'));
  try {
    const r = await checkStart({ env: isolatedEnv(join(dir, 'env')), dataDir: join(dir, 'start'), log: (m) => console.log(`[check-start] ${m}`) });
    console.log(`[check-start] ok: ${r.colours.length} colours in the nft sample`);
  } catch (e) {
    console.error(`[check-start] FAILED: ${e.message}`);
    process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
