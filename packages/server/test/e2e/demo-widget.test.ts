import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { connectAgent } from '../support/chat.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { repoRoot } from '../support/e2e.js';

const shots = path.join(repoRoot, 'test-results');

if (!hasChromium) console.warn('skipping browser tests: no /usr/bin/chromium (apt-get install chromium; CI installs it)');

describe.skipIf(!hasChromium)('the widget on /demo, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let agent: HttpClient;
  let agentSocket: Awaited<ReturnType<typeof connectAgent>>;
  let workspaceId: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    agent = new HttpClient(server.url);
    const login = await agent.login('agent1@huiliu.demo', DEMO_PASSWORD);
    workspaceId = login.body.user.memberships[0].workspaceId;
    agentSocket = await connectAgent(server.url, agent);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    agentSocket?.socket.close();
    await browser?.close();
    await server?.stop();
  });

  it('a customer chats with an agent, and after a reload sees the whole history', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/demo`);
    await page.getByRole('button', { name: '打开在线客服' }).click();
    await expect.poll(() => page.getByText('欢迎光临汇流商城').count(), { timeout: 20_000 }).toBe(1);

    const composer = page.getByRole('textbox', { name: /输入消息/ });
    await composer.fill('你好，智能手环支持七天无理由退货吗？');
    await composer.press('Enter');

    const received = await agentSocket.inbox.waitFor(
      'message',
      (event) => event.message.text === '你好，智能手环支持七天无理由退货吗？',
      20_000,
    );
    const conversationId = received.conversationId as string;
    const conversation = await agent.get(`/api/v1/workspaces/${workspaceId}/conversations/${conversationId}`);
    expect(conversation.body.context.pageUrl).toBe(`${server.url}/demo`);
    expect(conversation.body.context.language).toBe('zh-CN');

    const reply = await agent.post(`/api/v1/workspaces/${workspaceId}/conversations/${conversationId}/messages`, {
      text: '支持的，签收后七天内可申请，详情见 https://shop.example/help/returns',
    });
    expect(reply.status).toBe(201);
    await expect.poll(() => page.getByText('支持的，签收后七天内可申请').count(), { timeout: 20_000 }).toBe(1);
    // Links are clickable, and safe.
    const link = page.getByRole('link', { name: 'https://shop.example/help/returns' });
    expect(await link.getAttribute('rel')).toContain('noopener');
    // The reply is delivered (the widget acknowledged it) and read (the panel is open).
    await agentSocket.inbox.waitFor('message:status', (event) => event.messageId === reply.body.id && event.delivery === 'read', 20_000);
    await page.screenshot({ path: path.join(shots, 'widget-desktop.png') });

    await page.reload();
    await page.getByRole('button', { name: '打开在线客服' }).click();
    await expect.poll(() => page.getByText('你好，智能手环支持七天无理由退货吗？').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByText('支持的，签收后七天内可申请').count(), { timeout: 20_000 }).toBe(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('works on a phone-sized screen, and shows a customer’s markup as text', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    let alerted = false;
    page.on('dialog', async (dialog) => {
      alerted = true;
      await dialog.dismiss();
    });
    await page.goto(`${server.url}/demo`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const xss = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
    const composer = page.getByRole('textbox', { name: /Type a message/ });
    await composer.fill(xss);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await agentSocket.inbox.waitFor('message', (event) => event.message.text === xss);
    await expect.poll(() => page.getByText(xss).count(), { timeout: 20_000 }).toBe(1);
    const panel = await page.getByRole('dialog').boundingBox();
    expect(panel?.width).toBe(375);
    await page.screenshot({ path: path.join(shots, 'widget-mobile.png') });
    expect(alerted).toBe(false);
    await context.close();
  });
});
