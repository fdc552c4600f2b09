import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { recordFailure } from '../support/e2e.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 45_000 });

describe.skipIf(!hasChromium)('the console names visitors and channels as this server has them, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: HttpClient;
  let workspaceId: string;
  let visitorNumber: number;
  const contexts: BrowserContext[] = [];
  const api = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    browser = await launchBrowser();
    admin = new HttpClient(server.url);
    workspaceId = (await admin.login('admin@huiliu.demo', DEMO_PASSWORD)).body.user.memberships[0].workspaceId;
    // An anonymous web-chat customer: labelled by number (and browser) on the server.
    const inboxes = await admin.get(api('/inboxes'));
    const widget = inboxes.body.items.find((inbox: { kind: string }) => inbox.kind === 'widget');
    const visitor = await startVisitor(server.url, widget.publicKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '这款茶叶有小包装吗？' });
    expect(sent.ok).toBe(true);
    visitor.socket.close();
    const conversation = await admin.get(api(`/conversations/${sent.data.conversation.id}`));
    expect(conversation.body.customerLabel).toMatch(/^访客 \d+/);
    visitorNumber = Number(/^访客 (\d+)/.exec(conversation.body.customerLabel)![1]);
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'console-labels',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function loggedIn(locale: 'zh-CN' | 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 1366, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    const en = locale === 'en-US';
    await page.goto(`${server.url}/login`);
    await page.getByLabel(en ? 'Email' : '邮箱').fill('admin@huiliu.demo');
    await page.getByLabel(en ? 'Password' : '密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: en ? 'Log in' : '登录' }).click();
    await page.waitForURL(/\/inbox/);
    // The language switch in the header (the admin's saved choice may be another).
    await page.getByText(en ? 'English' : '中文', { exact: true }).click();
    await poll(() => page.getByText(en ? 'Inbox' : '收件箱', { exact: true }).count()).toBeGreaterThan(0);
    return page;
  }

  it('calls an anonymous customer “Visitor” in English and 访客 in Chinese, in the list, the conversation and the directory', async () => {
    const en = await loggedIn('en-US');
    await en.getByText('All', { exact: true }).first().click();
    await poll(() => en.getByText(new RegExp(`^Visitor ${visitorNumber}\\b`)).count()).toBeGreaterThan(0);
    await en
      .getByText(new RegExp(`^Visitor ${visitorNumber}\\b`))
      .first()
      .click();
    await poll(() => en.getByText('这款茶叶有小包装吗？').count()).toBeGreaterThan(0);
    await en.goto(`${server.url}/customers`);
    await poll(() =>
      en
        .getByTestId('customer-directory')
        .getByText(new RegExp(`^Visitor ${visitorNumber}\\b`))
        .count(),
    ).toBe(1);
    expect(await en.getByText(/访客 \d+/).count()).toBe(0);

    const zh = await loggedIn('zh-CN');
    await zh.getByText('全部', { exact: true }).first().click();
    await poll(() => zh.getByText(new RegExp(`^访客 ${visitorNumber}\\b`)).count()).toBeGreaterThan(0);
    expect(await zh.getByText(/Visitor \d+/).count()).toBe(0);
  });

  it('the inbox’s channel filter offers only the channels this server has', async () => {
    const kinds: string[] = (await admin.get(api('/channel-kinds'))).body.items;
    expect(kinds).not.toContain('sms');
    const names: Record<string, string> = {
      widget: 'Web chat',
      email: 'Email',
      sms: 'SMS',
      wechat: 'WeChat',
      wecom: 'WeCom',
      api: 'API',
      voice: 'Phone',
    };
    const page = await loggedIn('en-US');
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByLabel('Channel').click();
    const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    // The options may render again once the server's channel kinds arrive: read them until they settle.
    await poll(async () => (await options.allTextContents()).sort()).toEqual(kinds.map((kind) => names[kind]!).sort());
    const shown = await options.allTextContents();
    expect(shown).not.toContain('SMS');
    expect(shown).not.toContain('Phone');
  });
});
