import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Where the browser tests save the screenshots the README links. */
export const screenshots = path.join(repoRoot, 'docs/screenshots');

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
