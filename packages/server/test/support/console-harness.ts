import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { recordFailure, throttleCpu } from './e2e.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './fixtures.js';
import { startTestServer, type TestServer } from './server.js';

export interface ConsoleHarness {
  readonly server: TestServer;
  readonly ws: WorkspaceFixture;
  /** A workspace API path. */
  api(path: string): string;
  /** A new browser context signed in to the console as `email`, on `path`; its page errors are collected. */
  open(email: string, path: string): Promise<{ page: Page; errors: string[] }>;
}

/**
 * The set-up most console browser tests share, registered as the describe block's hooks: a
 * test server, Chromium and a workspace fixture; on a failure the open pages and the server's
 * last problems are recorded; everything is closed at the end. Call it inside `describe`.
 */
export function consoleHarness(
  name: string,
  options: { fixture: string; viewport?: { width: number; height: number }; throttle?: boolean },
): ConsoleHarness {
  let server: TestServer;
  let browser: Browser;
  let ws: WorkspaceFixture;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ws = await createWorkspaceFixture(server.ctx.db, server.url, options.fixture);
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      name,
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      return server;
    },
    get ws() {
      return ws;
    },
    api: (path) => `/api/v1/workspaces/${ws.workspaceId}${path}`,
    async open(email, path) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: options.viewport ?? { width: 1366, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      if (options.throttle) await throttleCpu(page);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/inbox/);
      await page.goto(`${server.url}${path}`);
      return { page, errors };
    },
  };
}
