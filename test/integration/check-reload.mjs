// Checks the conversion summary survives a real window reload: in a fresh workbench page it
// opens the compute-node sample from the Explorer, runs "Convert to nftables" and "Show
// Conversion Summary" from the Command Palette, reads the counts the webview shows, reloads
// the page, and expects the summary back with the same counts (VS Code hands the webview's
// saved state to the extension's serializer). test/integration/run.mjs runs it after the suite.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, workbenchUrl } from '../../scripts/vscode-server.mjs';

const SAMPLE = 'compute-07.iptables-save';

/** The totals the summary webview shows, once some frame of the page has them. */
async function summaryTotals(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const totals = frame.locator('#totals');
      if (await totals.count().catch(() => 0)) {
        const data = await totals.evaluate((el) => ({ ...el.dataset })).catch(() => undefined);
        if (data) return data;
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`the conversion summary did not show within ${timeoutMs / 1000} s`);
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 30_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}

/** Throws on failure; returns the counts seen before and after the reload. */
export async function checkSummaryAfterReload({ context, port, runDir, log = console.log }) {
  const folder = join(runDir, 'reload-workspace');
  mkdirSync(folder, { recursive: true });
  cpSync(join(repoRoot, 'samples', 'compute-node'), folder, { recursive: true });
  const page = await context.newPage();
  try {
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${repoRoot}`],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(workbenchUrl(port, folder, payload));
    await page.getByRole('treeitem', { name: SAMPLE }).click({ timeout: 60_000 });
    await page.locator('.tabs-container .tab.active', { hasText: SAMPLE }).waitFor({ timeout: 30_000 });
    await runCommand(page, 'Netfilter Lens: Convert to nftables');
    await page.locator('.tabs-container .tab', { hasText: 'compute-07.nft' }).first().waitFor({ timeout: 60_000 });
    // The dump again, so the summary is about it.
    await page.locator('.tabs-container .tab', { hasText: SAMPLE }).first().click();
    await runCommand(page, 'Netfilter Lens: Show Conversion Summary');
    const before = await summaryTotals(page, 60_000);
    log(`summary before the reload: ${JSON.stringify(before)}`);
    // The user's way: the workbench saves its state, then the page reloads.
    const reloaded = page.waitForNavigation({ timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    const after = await summaryTotals(page, 90_000);
    log(`summary after the reload: ${JSON.stringify(after)}`);
    if (!(Number(before.rules) > 0)) throw new Error(`the summary showed no rules: ${JSON.stringify(before)}`);
    if (JSON.stringify(before) !== JSON.stringify(after)) throw new Error(`the restored summary differs: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    return { before, after };
  } finally {
    await page.close().catch(() => {});
  }
}
