import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { resolveIdleBotConversations } from '../../src/modules/bot/idle.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { queryRows } from '../support/database.js';
import { recordFailure } from '../support/e2e.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

/**
 * The demo shop after hours: no agent has the console open. The bot still answers on /demo,
 * small talk stays with it, and a customer who wants a person leaves a message that waits for
 * one — an agent's reply then reaches them by email, through a real SMTP server.
 */
describe.skipIf(!hasChromium)('the demo shop with no agent online, in Chromium', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    server = await startTestServer({ HUILIU_DEMO: 'true', SMTP_URL: smtp.url, SMTP_FROM: 'Huiliu <no-reply@huiliu.test>' });
    browser = await launchBrowser();
  }, 300_000);
  afterEach(async (test: TestContext) => recordFailure(test, 'demo-after-hours', pages, server));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  it('the bot answers, greetings stay with it, and 转人工 leads to a left message an agent answers by email', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    pages.push(page);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/demo`);
    await page.getByRole('button', { name: '打开在线客服' }).click();
    // Nobody online, but the bot is on: the chat, not the offline form.
    const composer = page.getByRole('textbox', { name: /输入消息/ });
    await composer.waitFor();
    expect(await page.getByRole('button', { name: '提交留言' }).count()).toBe(0);
    await expect.poll(() => page.getByText('智能助手在线').count()).toBe(1);

    await composer.fill('你好');
    await composer.press('Enter');
    await expect.poll(() => page.getByText('智能助手小流', { exact: false }).count(), { timeout: 20_000 }).toBe(1);
    await composer.fill('在吗');
    await composer.press('Enter');
    await expect.poll(() => page.getByText('请直接告诉我您的问题', { exact: false }).count(), { timeout: 20_000 }).toBe(1);
    await composer.fill('退款多久能到账');
    await composer.press('Enter');
    await expect.poll(() => page.getByText('仓库收到退货并验收后', { exact: false }).count(), { timeout: 20_000 }).toBe(1);
    // Nothing so far went to a person.
    expect(await page.getByRole('button', { name: '提交留言' }).count()).toBe(0);

    await composer.fill('转人工');
    await composer.press('Enter');
    const submit = page.getByRole('button', { name: '提交留言' });
    await expect.poll(() => submit.count(), { timeout: 20_000 }).toBe(1);
    await page.getByLabel('姓名').fill('陈静');
    await page.getByLabel('邮箱').fill('chenjing@example.com');
    await page.getByLabel(/留言内容/).fill('我想把订单改成顺丰加急，可以吗？');
    await submit.click();
    await expect.poll(() => page.getByText('留言已收到', { exact: false }).count(), { timeout: 20_000 }).toBe(1);
    expect(pageErrors).toEqual([]);

    // In the human queue, marked as a left message.
    const admin = new HttpClient(server.url);
    const login = await admin.login('admin@huiliu.demo', DEMO_PASSWORD);
    const workspaceId = login.body.user.memberships[0].workspaceId as string;
    const [row] = await queryRows<{ id: string; state: string; context: { leftMessage?: { email: string } } }>(
      server.database.url,
      `SELECT c.id, c.state, c.context FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE m.text = $1`,
      ['我想把订单改成顺丰加急，可以吗？'],
    );
    expect(row).toMatchObject({ state: 'queued', context: { leftMessage: { email: 'chenjing@example.com' } } });
    const conversationId = row!.id;

    // The customer closes the tab and stays away for hours: neither sweep closes the left message.
    await context.close();
    await queryRows(
      server.database.url,
      `UPDATE conversations SET last_message_at = now() - interval '5 hours', queued_at = now() - interval '5 hours' WHERE id = $1`,
      [conversationId],
    );
    await queryRows(server.database.url, `UPDATE widget_visitors SET last_seen_at = now() - interval '5 hours'`);
    await server.ctx.routing.abandon(workspaceId);
    await resolveIdleBotConversations(server.ctx);
    expect((await admin.get(`/api/v1/workspaces/${workspaceId}/conversations/${conversationId}`)).body.state).toBe('queued');

    // The next morning an agent opens it, sees where the reply goes, and answers.
    const deskContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    const desk = await deskContext.newPage();
    pages.push(desk);
    await desk.goto(`${server.url}/`);
    await desk.waitForURL(/\/login/);
    await desk.getByLabel('邮箱').fill('agent2@huiliu.demo');
    await desk.getByLabel('密码').fill(DEMO_PASSWORD);
    await desk.getByRole('button', { name: '登录' }).click();
    await desk.waitForURL(/\/inbox/);
    await desk.goto(`${server.url}/inbox/${conversationId}`);
    const notice = desk.getByTestId('left-message-notice');
    await expect.poll(() => notice.textContent(), { timeout: 20_000 }).toContain('chenjing@example.com');
    const box = desk.getByRole('textbox', { name: '回复客户' });
    await box.fill('陈女士您好，已为您改为顺丰加急，预计明天送达。');
    await box.press('Enter');

    await expect.poll(() => smtp.mails.filter((mail) => mail.to.includes('chenjing@example.com')).length, { timeout: 30_000 }).toBe(1);
    const mail = await simpleParser(smtp.mails.find((item) => item.to.includes('chenjing@example.com'))!.raw);
    expect(mail.text).toContain('陈女士您好，已为您改为顺丰加急，预计明天送达。');
    expect(mail.subject).toContain('您的留言');
    await deskContext.close();
  }, 240_000);
});
