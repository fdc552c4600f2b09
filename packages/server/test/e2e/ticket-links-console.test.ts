import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { recordFailure } from '../support/e2e.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Waits for the browser (45 s unless told): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 45_000 }) => expect.poll(read, options);

describe.skipIf(!hasChromium)('merging and linking tickets in the console, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let ws: WorkspaceFixture;
  const contexts: BrowserContext[] = [];
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-links-ui');
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'ticket-links',
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

  async function chatTicket(text: string, type = 'question') {
    const inbox = await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`));
    const visitor = await startVisitor(server.url, inbox.body.publicKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text });
    const created = await ws.clients.agent.post(api(`/conversations/${sent.data.conversation.id}/ticket`), { notifyCustomer: false, type });
    expect(created.status).toBe(201);
    return { visitor, ticket: created.body };
  }

  async function pickTicket(page: Page, testId: string, number: number) {
    await page.getByTestId(testId).click();
    await page.keyboard.type(String(number));
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: `#${number}` }).click();
  }

  it('an agent links an incident to a problem and solves the problem: the incident is solved and its customer told', async () => {
    const incident = await chatTicket('APP 登录一直转圈', 'incident');
    const problem = (
      await ws.clients.agent.post(api('/tickets'), { subject: '登录服务故障', requesterId: incident.ticket.requesterId, type: 'problem' })
    ).body;

    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await login(page, ws.users.agent.email);
    await page.goto(`${server.url}/tickets/${problem.id}`);
    const links = page.getByTestId('ticket-links');
    await poll(() => links.getByText('没有关联工单').count()).toBe(1);
    // On a problem the panel offers "incident" first.
    await poll(() => page.getByTestId('link-type').textContent()).toContain('事件');
    await pickTicket(page, 'link-ticket', incident.ticket.number);
    await page.getByTestId('link-add').click();
    await poll(() => links.getByTestId('ticket-link').textContent()).toContain(`#${incident.ticket.number}`);

    await page.getByLabel('状态', { exact: true }).first().click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '已解决' }).click();
    await poll(() => page.getByTestId('ticket-status').textContent()).toBe('已解决');
    // The incident shows as solved in the links panel, live.
    await poll(() => links.getByTestId('ticket-link').textContent(), { timeout: 45_000 }).toContain('已解决');

    const told = await incident.visitor.inbox.waitFor('message', (event) => String(event.message.text).includes(`#${problem.number}`));
    expect(told.message.kind).toBe('out');
    expect((await ws.clients.agent.get(api(`/tickets/${incident.ticket.id}`))).body.status).toBe('solved');
    incident.visitor.socket.close();
    expect(errors).toEqual([]);
  });

  it('an agent merges a duplicate into another ticket of the same customer', async () => {
    const dup = await chatTicket('发票没有收到');
    const target = (
      await ws.clients.agent.post(api('/tickets'), {
        subject: '补寄发票',
        requesterId: dup.ticket.requesterId,
        description: '客户来电要求补寄发票',
      })
    ).body;
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await login(page, ws.users.agent.email);
    await page.goto(`${server.url}/tickets/${dup.ticket.id}`);
    await page.getByTestId('ticket-merge').click();
    await pickTicket(page, 'merge-target', target.number);
    await page.locator('#merge-confirm').click();
    // The console opens the target, which now holds both threads.
    await page.waitForURL(new RegExp(`/tickets/${target.id}$`));
    await poll(() => page.getByTestId('ticket-title').textContent()).toContain('补寄发票');
    await poll(() => page.getByTestId('ticket-thread').textContent()).toContain(`#${dup.ticket.number}`);
    await poll(() => page.getByTestId('ticket-thread').textContent()).toContain('客户来电要求补寄发票');

    const told = await dup.visitor.inbox.waitFor('message', (event) => String(event.message.text).includes(`#${target.number}`));
    expect(told.message.kind).toBe('out');
    const source = (await ws.clients.agent.get(api(`/tickets/${dup.ticket.id}`))).body;
    expect(source).toMatchObject({ status: 'closed', mergedIntoId: target.id });
    await page.goto(`${server.url}/tickets/${dup.ticket.id}`);
    await poll(() => page.getByTestId('merged-banner').textContent()).toContain(`#${target.number}`);

    // A supervisor hands the target to this agent: the header bell says so, live.
    expect((await ws.clients.admin.patch(api(`/tickets/${target.id}`), { assigneeId: ws.users.agent.id })).status).toBe(200);
    const bell = page.getByTestId('notification-bell');
    await poll(() => bell.locator('.ant-badge-count').textContent()).toBe('1');
    await bell.click();
    await poll(() => page.getByTestId('notification').first().textContent()).toContain(`工单 #${target.number} 已分配给您`);
    await page.getByTestId('notification').first().click();
    await page.waitForURL(new RegExp(`/tickets/${target.id}$`));
    dup.visitor.socket.close();
    expect(errors).toEqual([]);
  });
});
