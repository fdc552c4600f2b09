import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
