#!/usr/bin/env node
// Runs test/integration/suite/** inside a real VS Code: VS Code Server (npm code-server,
// installed once into .vscode-test/server) on 127.0.0.1, its web workbench in headless
// Debian Chromium driven by playwright-core, mocha in the Node extension host.
//
//   node test/integration/run.mjs [--keep] [--grep PATTERN]
//
// Env: NFLENS_RESULT (counts file for test/run-all.mjs), CI=true (missing prerequisites
// fail instead of skipping), NFLENS_INTEGRATION_TIMEOUT (seconds, default 420),
// NFLENS_CHROMIUM (browser path), NFLENS_SCREENSHOT_OUT (default docs/screenshots).
// Tests ask the harness for page work through support.ts (`screenshot(name)` saves
// NFLENS_SCREENSHOT_OUT/<name>.png, `renderedEditorLines()` reads the editor's painted colours);
// on a timeout the harness saves test-results/integration-timeout.png.
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { packageVsix } from '../../scripts/package.mjs';
import {
  chromiumArgs, chromiumPath, ensureServer, installVsix, isolatedEnv, repoRoot, serverPrereqProblem, startServer, workbenchUrl,
} from '../../scripts/vscode-server.mjs';
import { buildExtension, bundleSuite } from './bundle.mjs';
import { checkSummaryAfterReload } from './check-reload.mjs';
import { checkStart } from './check-start.mjs';

// Workbench chatter that says nothing about the extension (offline gallery, service worker...).
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore|Unable to read file .*extensions\.json|getaddrinfo ENOTFOUND|No search provider registered|Started initializing default profile|Completed initializing default profile|Extension host agent|ComputeTargetPlatform|\[\d\d:\d\d:\d\d\]\s*$|\s*$)/;
const RESULT_MARKER = /@@nflens-result (\{.*?\})@@/;
const REQUEST_MARKER = /@@nflens-request (\{.*?\})@@/;

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? args[grepAt + 1] : process.env.NFLENS_GREP;
const timeoutSec = Number(process.env.NFLENS_INTEGRATION_TIMEOUT ?? 420);
const screenshotOut = resolve(process.env.NFLENS_SCREENSHOT_OUT ?? join(repoRoot, 'docs', 'screenshots'));
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (m) => console.log(`[integration] ${m}`);

function writeCounts(counts) {
  if (process.env.NFLENS_RESULT) writeFileSync(process.env.NFLENS_RESULT, JSON.stringify(counts));
  console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
}

/** Same rule as test/support/prereq.ts: skip loudly on a laptop, fail with CI=true. */
function missingPrereq(what) {
  const msg = `the VS Code integration suite needs ${what}`;
  if (inCI) {
    console.error(`[integration] ${msg}: missing in CI (CI=true), which is a failure`);
    writeCounts({ passed: 0, failed: 1, skipped: 0 });
    process.exit(1);
  }
  console.warn(`\n  !!! SKIPPING ${msg}. Install it (see .ci/run) to run this suite. !!!\n`);
  writeCounts({ passed: 0, failed: 0, skipped: 1 });
  process.exit(0);
}

const require = createRequire(import.meta.url);
let playwright;
try {
  playwright = require('playwright-core');
} catch {
  missingPrereq('the npm package playwright-core (npm ci)');
}
const browserPath = chromiumPath();
if (!browserPath) missingPrereq('Chromium (Debian: apt-get install chromium)');
const serverProblem = serverPrereqProblem();
if (serverProblem) missingPrereq(serverProblem);

try {
  await ensureServer({ log: say });
} catch (e) {
  missingPrereq(`VS Code Server, whose install failed: ${e.message}`);
}

const runDir = mkdtempSync(join(tmpdir(), 'nflens-integration-'));
const env = isolatedEnv(runDir);
const workspace = join(runDir, 'workspace', 'samples');
const answerDir = join(runDir, 'harness-answers');
mkdirSync(answerDir);
cpSync(join(repoRoot, 'samples'), workspace, { recursive: true });
Object.assign(env, {
  NFLENS_HARNESS_DIR: answerDir,
  NFLENS_COLOR: process.stdout.isTTY ? '1' : '0',
  ...(grep ? { NFLENS_GREP: grep } : {}),
});

// Settings for legible screenshots; nothing the tests depend on.
const userSettings = join(runDir, 'vscode', 'user-data', 'User', 'settings.json');
mkdirSync(join(userSettings, '..'), { recursive: true });
writeFileSync(userSettings, JSON.stringify({
  'editor.minimap.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.startupEditor': 'none',
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
}, null, 2));

let server;
let browser;
let page;
let counts;
let exitCode;
let failure;
const cleanups = [];

// One cleanup, shared by the normal end, failures and signals (they can overlap).
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length) {
      try { await cleanups.pop()(); } catch {}
    }
    if (!keep) rmSync(runDir, { recursive: true, force: true, maxRetries: 5 });
    else say(`kept ${runDir}`);
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, async () => {
    say(`${sig}: stopping`);
    await cleanup();
    process.exit(130);
  });
}

/** Checks the harness runs itself (outside the extension host), reported like tests. */
const harnessChecks = { passed: 0, failed: 0 };
async function harnessCheck(title, fn) {
  try {
    await fn();
    harnessChecks.passed++;
    console.log(`    \u2714 ${title}`);
  } catch (e) {
    harnessChecks.failed++;
    console.log(`    \u2716 ${title}\n      ${String(e.message).replace(/\n/g, '\n      ')}`);
  }
}

try {
  if (!grep) {
    // The packaged extension, as `npm run package` makes it and a user installs it.
    console.log('  packaging');
    let vsix;
    await harnessCheck('npm run package makes a .vsix under 2 MB holding only run-time files', async () => {
      vsix = await packageVsix({ out: join(runDir, 'netfilter-lens.vsix'), log: say });
    });
    await harnessCheck('the .vsix installs into VS Code Server (--install-extension)', async () => {
      if (!vsix) throw new Error('no .vsix was built');
      installVsix({ vsix: vsix.file, dataDir: join(runDir, 'vsix-install'), env });
    });
    await harnessCheck('npm start serves a workbench where the installed extension colours the nft sample', async () => {
      await checkStart({ env, dataDir: join(runDir, 'start-data'), screenshotOut, log: say });
    });
  }
  buildExtension();
  const suite = await bundleSuite(join(runDir, 'suite'));
  say(`bundled ${suite.tests.length} test file(s): ${suite.tests.join(', ')}`);

  server = await startServer({
    dataDir: join(runDir, 'vscode'),
    env,
    smokeTestDriver: true,
    onOutput: (t) => { if (process.env.NFLENS_DEBUG) process.stdout.write(`[server] ${t}`); },
  });
  cleanups.push(() => server.stop());
  say(`VS Code Server listening on ${server.url} (${elapsed()})`);

  browser = await playwright.chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: chromiumArgs,
    env,
    timeout: 60_000,
    // Our own signal handlers close the browser, stop the server and remove the run folder.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  if (process.env.NFLENS_DEBUG) page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`[browser pageerror] ${e.message}`));

  // Requests from the extension host run one at a time, in order.
  let requestQueue = Promise.resolve();
  let profiler;
  const handlers = {
    async screenshot({ name }) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`bad screenshot name ${name}`);
      const file = join(screenshotOut, `${name}.png`);
      mkdirSync(screenshotOut, { recursive: true });
      await page.screenshot({ path: file });
      say(`screenshot ${file}`);
      return file;
    },
    // A real mouse click on the first element matching `selector` inside a webview (webviews
    // are nested iframes; Playwright's CSS locators also reach into shadow roots).
    async webviewClick({ selector }) {
      for (let attempt = 0; attempt < 50; attempt++) {
        for (const frame of page.frames()) {
          if (frame === page.mainFrame()) continue;
          const target = frame.locator(String(selector)).first();
          if (await target.count().catch(() => 0)) {
            await target.scrollIntoViewIfNeeded();
            await target.click();
            return true;
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no webview element matches ${selector}`);
    },
    // Types into the focused editor as a user does and times until some editor on the page
    // paints a line containing `expect` (the benchmark's keystroke → updated output).
    async typeAndWait({ text, expect, editorUri = '', timeoutMs = 30_000 }) {
      // Monaco marks each editor with its document's URI (data-uri); '' means any editor.
      const scope = `.monaco-editor${editorUri ? `[data-uri^="${String(editorUri).replace(/["\\]/g, '\\$&')}"]` : ''} .view-line`;
      const t0 = performance.now();
      await page.keyboard.type(String(text));
      await page.waitForFunction(
        ([sel, want]) => [...document.querySelectorAll(sel)].some((el) => el.textContent.replace(/\u00a0/g, ' ').includes(want)),
        [scope, String(expect)],
        { polling: 'raf', timeout: Number(timeoutMs) },
      );
      return performance.now() - t0;
    },
    // CPU profile of the workbench page (the benchmark's NFLENS_BENCH_PROFILE).
    async profileStart() {
      profiler ??= await page.context().newCDPSession(page);
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
      return true;
    },
    async profileStop({ path }) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(String(path), JSON.stringify(profile));
      return String(path);
    },
    editorLines: () => page.evaluate(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
      if (!editor) return { foreground: '', lines: [] };
      const lines = [...editor.querySelectorAll(':scope > .view-line')]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      return {
        foreground: getComputedStyle(editor).color,
        lines: lines.map((line) => [...line.querySelectorAll('span > span')].map((span) => ({
          text: span.textContent.replace(/\u00a0/g, ' '),
          color: getComputedStyle(span).color,
        }))),
      };
    }),
  };
  const answer = (request) => {
    requestQueue = requestQueue.then(async () => {
      if (!/^[\w-]+$/.test(String(request.token))) return;
      let reply;
      try {
        const handler = handlers[request.kind];
        if (!handler) throw new Error(`unknown request ${request.kind}`);
        reply = { ok: true, value: await handler(request) };
      } catch (e) {
        reply = { ok: false, error: e.message };
      }
      const tmp = join(runDir, `answer-${request.token}.tmp`);
      writeFileSync(tmp, JSON.stringify(reply));
      renameSync(tmp, join(answerDir, request.token));
    });
  };

  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
    const text = Array.isArray(logArgs) ? format(...logArgs) : String(logArgs ?? '');
    if (!process.env.NFLENS_DEBUG && NOISE.test(text)) return;
    for (const line of text.split('\n')) {
      const result = line.match(RESULT_MARKER);
      const request = line.match(REQUEST_MARKER);
      if (result) counts = JSON.parse(result[1]);
      else if (request) answer(JSON.parse(request[1]));
      else console.log(line);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveDone(code));

  const port = server.port;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`],
    ['extensionTestsPath', `vscode-remote://127.0.0.1:${port}${suite.index}`],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  await page.goto(workbenchUrl(port, workspace, payload));
  say(`workbench opened (${elapsed()}); running the suite`);

  let timer;
  const timedOut = new Promise((resolveT) => { timer = setTimeout(() => resolveT('timeout'), timeoutSec * 1000); });
  const serverDied = server.exited.then(({ code, signal }) => `server exited (${code ?? signal})`);
  const outcome = await Promise.race([done, timedOut, serverDied]);
  clearTimeout(timer);
  if (typeof outcome === 'number') {
    exitCode = outcome;
  } else {
    failure = outcome === 'timeout' ? `the suite did not finish within ${timeoutSec} s` : outcome;
    const shot = join(repoRoot, 'test-results', 'integration-timeout.png');
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: shot }).then(() => say(`screenshot of the stuck workbench: ${shot}`), () => {});
  }
  await requestQueue;
  // A real window reload cannot happen inside the suite (it would end the extension host running it).
  if (typeof outcome === 'number' && (!grep || /reload/.test(grep))) {
    await harnessCheck('the conversion summary comes back with the same counts after a window reload', async () => {
      await checkSummaryAfterReload({ context, port: server.port, runDir, log: say });
    });
  }
} catch (e) {
  failure = e.stack ?? String(e);
}

await cleanup();

if (failure) console.error(`[integration] FAILED: ${failure}`);
if (!counts) {
  counts = { passed: 0, failed: 1, skipped: 0 };
  if (!failure) console.error(`[integration] the suite ended (exit ${exitCode}) without reporting its counts`);
} else if (exitCode !== 0 && counts.failed === 0) {
  counts.failed = 1; // run() threw outside a test (e.g. no test files)
}
counts.passed += harnessChecks.passed;
counts.failed += harnessChecks.failed;
say(`finished in ${elapsed()}`);
writeCounts(counts);
process.exit(failure || exitCode !== 0 || counts.failed ? 1 : 0);
