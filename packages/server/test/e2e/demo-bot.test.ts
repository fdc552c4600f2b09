import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { connectAgent } from '../support/chat.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe.skipIf(!hasChromium)('the bot on /demo, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let agent: HttpClient;
  let agentSocket: Awaited<ReturnType<typeof connectAgent>>;
  let workspaceId: string;
  let agentId: string;

  beforeAll(async () => {
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    agent = new HttpClient(server.url);
    // 刘洋 works in 售前咨询 (the widget's team) and 售后服务 (where after-sales intents go).
    const login = await agent.login('agent2@huiliu.demo', DEMO_PASSWORD);
    workspaceId = login.body.user.memberships[0].workspaceId;
    agentId = login.body.user.id;
    agentSocket = await connectAgent(server.url, agent);
    expect((await agent.put(`/api/v1/workspaces/${workspaceId}/presence/me`, { status: 'online' })).status).toBe(200);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    agentSocket?.socket.close();
    await browser?.close();
    await server?.stop();
  });

  it('answers a question with buttons, then 转人工 hands the conversation with its transcript to an agent', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/demo`);
    await page.getByRole('button', { name: '打开在线客服' }).click();
    // Before chatting, the customer can search the help center.
    await page.getByRole('searchbox', { name: '搜索帮助文章' }).fill('退货');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await expect.poll(() => page.getByRole('link', { name: '退货政策' }).count(), { timeout: 20_000 }).toBe(1);
    const composer = page.getByRole('textbox', { name: /输入消息/ });
    await composer.fill('退款多久能到账');
    await composer.press('Enter');
    await expect.poll(() => page.getByText('仓库收到退货并验收后').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: '👍 解决了' }).count(), { timeout: 20_000 }).toBe(1);
    // The menu under the greeting is buttons too: a click asks that question.
    await page.getByRole('button', { name: '怎么查看物流信息？' }).click();
    await expect.poll(() => page.getByText('查看物流', { exact: false }).count(), { timeout: 20_000 }).toBeGreaterThan(1);
    // Answers are Markdown: bold shows as bold, never as asterisks.
    await expect.poll(() => page.locator('strong', { hasText: '查看物流' }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.getByText('**', { exact: false }).count()).toBe(0);

    await composer.fill('转人工');
    await composer.press('Enter');
    await expect.poll(() => page.getByText('正在为您转接人工客服').count(), { timeout: 20_000 }).toBe(1);
    const assigned = await agentSocket.inbox.waitFor(
      'conversation',
      (event) => event.conversation.state === 'assigned' && event.conversation.assigneeId === agentId,
      20_000,
    );
    expect(assigned.conversation.context.bot.handoffReason).toBe('requested');
    const messages = await agent.get(`/api/v1/workspaces/${workspaceId}/conversations/${assigned.conversation.id}/messages`);
    const items = (messages.body.items ?? messages.body) as { senderType: string; text: string }[];
    expect(items.some((m) => m.senderType === 'bot' && m.text.includes('仓库收到退货并验收后'))).toBe(true);
    expect(items.some((m) => m.senderType === 'customer' && m.text === '转人工')).toBe(true);
    await agentSeesTranscriptInConsole(assigned.conversation.id);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  /**
   * The agent's side in the console itself: the handed-off conversation is in 我的 (Mine), and
   * opening it shows the customer's questions with the bot's answers marked as the bot's.
   */
  async function agentSeesTranscriptInConsole(conversationId: string) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    const desk = await context.newPage();
    const consoleErrors: string[] = [];
    desk.on('pageerror', (error) => consoleErrors.push(error.message));
    await desk.goto(`${server.url}/`);
    await desk.waitForURL(/\/login/);
    await desk.getByLabel('邮箱').fill('agent2@huiliu.demo');
    await desk.getByLabel('密码').fill(DEMO_PASSWORD);
    await desk.getByRole('button', { name: '登录' }).click();
    await desk.waitForURL(/\/inbox/);
    const item = desk.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`);
    await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(1);
    await item.click();
    await desk.waitForURL(new RegExp(`/inbox/${conversationId}`));
    const pane = desk.getByTestId('conversation');
    const bot = pane.locator('[data-testid="message"][data-sender="bot"]');
    await expect.poll(() => bot.filter({ hasText: '仓库收到退货并验收后' }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => bot.filter({ hasText: '机器人回复' }).count()).toBeGreaterThan(0);
    // The bot's Markdown shows as formatting here too, never as asterisks.
    await expect.poll(() => bot.locator('strong', { hasText: '查看物流' }).count()).toBeGreaterThan(0);
    expect(await pane.getByText('**', { exact: false }).count()).toBe(0);
    const customer = pane.locator('[data-testid="message"][data-sender="customer"]');
    expect(await customer.filter({ hasText: '退款多久能到账' }).count()).toBe(1);
    expect(await customer.filter({ hasText: '转人工' }).count()).toBe(1);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }
});
