import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { expect, type TestContext } from 'vitest';
import type { TestServer } from './server.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Where the browser tests save the screenshots the README links. */
const screenshots = path.join(repoRoot, 'docs/screenshots');

/**
 * Saves the page as one of the README's screenshots — only when HUILIU_SCREENSHOTS=1, so test
 * runs neither rewrite the committed images nor spend time on them.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.HUILIU_SCREENSHOTS !== '1') return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, name) });
}

/**
 * Builds the console and the widget when a checkout has no build of them yet. Run once from the
 * global set-up: browser tests in parallel workers must not each start a build into the same folder.
 * A build that exists is used as it is — after changing console or widget code, rebuild it.
 */
export function buildBrowserBundlesIfMissing(): void {
  for (const [bundle, output] of [
    ['@huiliu/console', 'packages/console/dist/index.html'],
    ['@huiliu/widget', 'packages/widget/dist/widget.js'],
  ] as const) {
    if (!existsSync(path.join(repoRoot, output))) execSync(`npm run build -w ${bundle}`, { cwd: repoRoot, stdio: 'ignore' });
  }
}

/**
 * Closes the open drawer. A toast ("已保存") at the top of the page can cover the drawer's close
 * button, and Ant Design keeps a toast open for as long as the mouse is over it — so a click
 * aimed at the button through the toast would wait forever. The mouse moves away first and the
 * toasts are let go.
 */
export async function closeDrawer(page: Page): Promise<void> {
  const height = page.viewportSize()?.height ?? 600;
  await page.mouse.move(1, height - 1);
  await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
  await page.locator('.ant-drawer-open .ant-drawer-close').click();
}

/**
 * After a browser test failed: each open page's screenshot goes to test-results/, and the
 * server's latest warnings and errors join the failure's message — CI shows the failures'
 * messages, so what the server saw when the page did not is there to read.
 */
export async function recordFailure(test: TestContext, name: string, pages: Page[], server: TestServer | undefined): Promise<void> {
  const result = test.task.result;
  if (result?.state !== 'fail') return;
  mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
  for (const [index, page] of pages.entries())
    await page.screenshot({ path: path.join(repoRoot, 'test-results', `${name}-failure-${index}.png`) }).catch(() => undefined);
  const problems = server?.recentProblems() ?? [];
  const first = result.errors?.[0];
  if (first && problems.length > 0) first.message += `\n\nThe server's latest warnings and errors:\n${problems.join('\n')}`;
}

/**
 * With E2E_CPU_THROTTLE=4 the page runs four times slower (Chromium's CPU throttling over CDP),
 * as on a loaded CI machine: a test that waits on time instead of on what the page shows fails
 * here, reproducibly, instead of once in a while in a full run.
 */
export async function throttleCpu(page: Page): Promise<void> {
  const rate = Number(process.env.E2E_CPU_THROTTLE ?? 1);
  if (!(rate > 1)) return;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}

/**
 * Waits until a dialog (or drawer) has finished opening: visible, with no animation running in
 * it. Typed into during Ant Design's zoom-in, a field can be re-focused or re-rendered under the
 * keyboard, and a button can move from under the mouse; on a loaded machine the animation lasts
 * long enough for that to happen.
 */
export async function whenOpened(target: Locator): Promise<Locator> {
  await target.waitFor({ state: 'visible' });
  // (The tests compile without the DOM's types: Element.getAnimations is described here.)
  type Animated = { getAnimations(options: { subtree: boolean }): { playState: string }[] };
  const running = () =>
    target.evaluate(
      (element) => (element as unknown as Animated).getAnimations({ subtree: true }).filter((a) => a.playState === 'running').length,
    );
  await expect.poll(running, { timeout: 45_000 }).toBe(0);
  return target;
}
