import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../../src/modules/teams/service.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { recordFailure } from '../support/e2e.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Waits for the browser (45 s unless told): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 45_000 }) => expect.poll(read, options);

describe.skipIf(!hasChromium)('tickets in the console, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let ws: WorkspaceFixture;
  let tier2TeamId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'tickets-ui');
    tier2TeamId = (await createTeam(server.ctx.db, ws.workspaceId, { name: '售后技术组', description: '二线' })).id;
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'tickets',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function login(page: Page, email: string) {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/inbox/);
  }

  it('an agent turns a chat into a ticket (the customer is told the number), replies, and escalates it with a reason', async () => {
    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    const visitor = await startVisitor(server.url, inbox.body.publicKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '申请退款：耳机左耳没有声音' });
    const conversationId = sent.data.conversation.id as string;

    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await login(page, ws.users.agent.email);
    await page.goto(`${server.url}/inbox/${conversationId}`);
    await page.getByTestId('create-ticket').click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    const title = page.getByTestId('ticket-title');
    await poll(() => title.textContent()).toContain('申请退款：耳机左耳没有声音');
    const number = /#(\d+)/.exec((await title.textContent()) ?? '')![1]!;
    const told = await visitor.inbox.waitFor('message', (event) => String(event.message.text).includes(`#${number}`));
    expect(told.message.kind).toBe('out');
    // The transcript is on the ticket page.
    await page.getByText(`会话记录 #`).click();
    await poll(() => page.getByText('申请退款：耳机左耳没有声音').count()).toBeGreaterThan(1);

    await page.getByLabel('回复客户').last().fill('已为您提交退款申请，请耐心等待。');
    await page.getByRole('button', { name: '发送' }).click();
    const reply = await visitor.inbox.waitFor('message', (event) => event.message.text === '已为您提交退款申请，请耐心等待。');
    expect(reply.message.kind).toBe('out');

    await page.getByRole('button', { name: '升级至二线' }).click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByLabel('二线团队').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '售后技术组' }).click();
    // No reason: the form refuses before anything is sent.
    await dialog.getByRole('button', { name: '升级至二线' }).click();
    await poll(() => dialog.getByText('请填写升级原因').count()).toBe(1);
    await dialog.getByLabel('升级原因').fill('需要二线检测硬件');
    await dialog.getByLabel('处理摘要').fill('已让客户重新配对，左耳仍无声');
    await dialog.getByRole('button', { name: '升级至二线' }).click();
    await poll(() => page.getByText('已升级：需要二线检测硬件').count()).toBe(1);

    const ticketId = page.url().split('/').at(-1)!;
    const stored = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/tickets/${ticketId}`);
    expect(stored.body).toMatchObject({ teamId: tier2TeamId, escalation: { reason: '需要二线检测硬件' } });
    expect(stored.body.events.find((event: { type: string }) => event.type === 'escalated').data.summary).toBe(
      '已让客户重新配对，左耳仍无声',
    );

    // The list shows it; the agent still follows the ticket they escalated.
    await page.getByTestId('nav-tickets').click();
    await page.waitForURL(/\/tickets$/);
    await poll(() => page.getByText(`#${number}`).count()).toBe(1);
    visitor.socket.close();
    expect(errors).toEqual([]);
  });
});
