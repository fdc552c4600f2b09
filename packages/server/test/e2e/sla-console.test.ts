import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { connectAgent, emitAck, startVisitor } from '../support/chat.js';
import { recordFailure } from '../support/e2e.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Waits for the browser (45 s unless told): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 45_000 }) => expect.poll(read, options);

interface Clock {
  metric: string;
  status: string;
  dueAt: string;
  breachedAt: string | null;
  pausedAt: string | null;
  policyName: string;
}

/**
 * The SLA console: an admin builds a policy on the admin page; the ticket list and pages show its
 * clocks as badges that count down in the browser, paused for a pending ticket, overdue for a
 * one-minute target; the sweep's breach reaches the open list live. Nothing waits for a due time:
 * the browser's clock and the server sweep's clock (HUILIU_CLOCK_FILE) are moved instead. The
 * policy's calendar is open around the clock, so no time of day or day of the week matters.
 */
describe.skipIf(!hasChromium)('SLA badges and the SLA policies page, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let ws: WorkspaceFixture;
  let clockDir: string;
  let clockFile: string;
  const contexts: BrowserContext[] = [];
  const api = (suffix: string) => `/api/v1/workspaces/${ws.workspaceId}${suffix}`;
  const setServerClock = (at: Date) => writeFileSync(clockFile, at.toISOString());

  beforeAll(async () => {
    clockDir = mkdtempSync(path.join(os.tmpdir(), 'sla-console-'));
    clockFile = path.join(clockDir, 'now');
    setServerClock(new Date());
    server = await startTestServer({ HUILIU_CLOCK_FILE: clockFile, SLA_SWEEP_INTERVAL_MS: '300' });
    browser = await launchBrowser();
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'sla-ui');
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'sla',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    rmSync(clockDir, { recursive: true, force: true });
  });

  async function signedIn(email: string, locale: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<Page> {
    const en = locale === 'en-US';
    const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    // The page's clock, so the test can move it (it runs on from the real time until moved).
    await context.clock.install({ time: new Date() });
    // Every string the pages ask for is collected when missing in the page's language (checked at the end).
    await context.addInitScript("localStorage.setItem('huiliu.i18nCheck', '1')");
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel(en ? 'Email' : '邮箱').fill(email);
    await page.getByLabel(en ? 'Password' : '密码').fill(PASSWORD);
    await page.getByRole('button', { name: en ? 'Log in' : '登录' }).click();
    await page.waitForURL(/\/inbox/);
    // The header's language switch (the user's saved choice may be the other one).
    await page.getByText(en ? 'English' : '中文', { exact: true }).click();
    await poll(() => page.getByText(en ? 'Inbox' : '收件箱', { exact: true }).count()).toBeGreaterThan(0);
    return page;
  }

  /** No string the test's pages showed was missing in their language. */
  const missingStrings = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { __huiliuMissingKeys?: string[] }).__huiliuMissingKeys ?? null);

  async function clocksOf(ticketId: string): Promise<Clock[]> {
    const response = await ws.clients.admin.get(api(`/tickets/${ticketId}/sla`));
    expect(response.status).toBe(200);
    return response.body.items;
  }

  async function newTicket(subject: string, priority: string): Promise<string> {
    const created = await ws.clients.admin.post(api('/tickets'), { subject, requesterId: ws.ids.customer, priority });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  const rowOf = (page: Page, subject: string) => page.locator('.ant-table-row', { hasText: subject });

  it('an admin creates a policy; tickets show its clocks ticking, paused and overdue; the list sorts by SLA due', async () => {
    const allDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]]);
    const calendar = await ws.clients.admin.post(api('/calendars'), {
      name: '全天候客服',
      timezone: 'Asia/Shanghai',
      weekly: Object.fromEntries(allDays),
    });
    expect(calendar.status).toBe(201);
    const page = await signedIn(ws.users.admin.email);

    // The policy, built on the admin page (reached from the admin menu).
    await page.goto(`${server.url}/admin`);
    await page.getByTestId('admin-menu-sla-policies').click();
    await page.waitForURL(/\/admin\/sla-policies$/);
    await page.getByTestId('sla-policy-create').click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.getByLabel('名称').fill('工单时效');
    await drawer.getByLabel('营业日历', { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '全天候客服' }).click();
    await drawer.getByLabel('首次响应 · 普通（分钟）').fill('600');
    await drawer.getByLabel('首次响应 · 紧急（分钟）').fill('5');
    await drawer.getByLabel('解决 · 普通（分钟）').fill('1440');
    await drawer.getByTestId('sla-policy-save').click();
    await poll(() => page.getByRole('button', { name: '工单时效', exact: true }).count()).toBe(1);

    const policies = (await ws.clients.admin.get(api('/sla-policies'))).body.items as Record<string, unknown>[];
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({
      name: '工单时效',
      enabled: true,
      calendarId: calendar.body.id,
      conditions: {},
      pauseStatuses: ['pending', 'on_hold'],
      warnBeforeMinutes: 15,
      targets: {
        first_response: { businessTime: true, minutes: { normal: 600, urgent: 5 } },
        resolution: { businessTime: true, minutes: { normal: 1440 } },
      },
    });

    // Created in this order, so "newest first" and "SLA due soonest" differ.
    const urgentId = await newTicket('机房断电，全部服务中断', 'urgent');
    const normalId = await newTicket('发票抬头需要修改', 'normal');
    const pendingId = await newTicket('等待客户提供订单截图', 'normal');
    expect((await ws.clients.admin.patch(api(`/tickets/${pendingId}`), { status: 'pending' })).status).toBe(200);
    await poll(async () => (await clocksOf(pendingId)).map((clock) => clock.status)).toEqual(['paused', 'paused']);
    expect((await clocksOf(normalId)).find((clock) => clock.metric === 'first_response')).toMatchObject({
      status: 'active',
      policyName: '工单时效',
    });

    await page.goto(`${server.url}/tickets`);
    const normalBadge = rowOf(page, '发票抬头需要修改').getByTestId('sla-badge');
    const pendingBadge = rowOf(page, '等待客户提供订单截图').getByTestId('sla-badge');
    const urgentBadge = rowOf(page, '机房断电，全部服务中断').getByTestId('sla-badge');
    // 600 business minutes on a calendar that never closes: just under ten hours left, on track.
    await poll(() => normalBadge.getAttribute('data-state')).toBe('ok');
    expect(await normalBadge.getAttribute('data-metric')).toBe('first_response');
    expect(await normalBadge.textContent()).toMatch(/^首次响应 · 剩 9 小时 5\d 分$/);
    await poll(() => pendingBadge.getAttribute('data-state')).toBe('paused');
    expect(await pendingBadge.textContent()).toBe('首次响应 · 已暂停');
    // Five minutes, inside the 15-minute warning: due soon, counting down by the second.
    await poll(() => urgentBadge.getAttribute('data-state')).toBe('warning');
    expect(await urgentBadge.textContent()).toMatch(/^首次响应 · 剩 \d+ (分 \d+ )?秒$/);
    const shown = await urgentBadge.textContent();
    await poll(() => urgentBadge.textContent()).not.toBe(shown);

    // Sorted by SLA due: the urgent one first, the paused one last; newest first is the other way round.
    const ours = ['机房断电，全部服务中断', '发票抬头需要修改', '等待客户提供订单截图'];
    const subjects = async () =>
      (await page.locator('.ant-table-row td.ticket-subject').allTextContents()).filter((subject) => ours.includes(subject));
    await poll(subjects).toEqual(['等待客户提供订单截图', '发票抬头需要修改', '机房断电，全部服务中断']);
    await page.getByTestId('ticket-sort').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'SLA 最先到期' }).click();
    await poll(subjects).toEqual(['机房断电，全部服务中断', '发票抬头需要修改', '等待客户提供订单截图']);

    // Six minutes later in the browser: the five-minute target is overdue, counted on the page
    // alone (the server has not swept it yet: its clock still says active). Only the time of day
    // moves: the page's timers (its sockets' heartbeats) run on as they were.
    await page.clock.setSystemTime(Date.now() + 6 * 60_000);
    await poll(() => urgentBadge.getAttribute('data-state')).toBe('breached');
    expect(await urgentBadge.getAttribute('data-server-status')).toBe('active');
    expect(await urgentBadge.textContent()).toMatch(/^首次响应 · 超时 \d+ 分 \d+ 秒$/);
    await poll(() => normalBadge.textContent()).toMatch(/^首次响应 · 剩 9 小时 5\d 分$/);
    expect(await pendingBadge.getAttribute('data-state')).toBe('paused');

    // The server's sweep reaches the same minute: the breach is stored at the due time and the
    // open list hears of it (sla:changed) without a reload.
    const urgentDue = (await clocksOf(urgentId)).find((clock) => clock.metric === 'first_response')!.dueAt;
    const listener = await connectAgent(server.url, ws.clients.agent);
    const heard: unknown[] = [];
    listener.socket.on('sla:changed', (event: unknown) => heard.push(event));
    setServerClock(new Date(Date.parse(urgentDue) + 60_000));
    await poll(async () => (await clocksOf(urgentId)).find((clock) => clock.metric === 'first_response')).toMatchObject({
      status: 'breached',
      breachedAt: urgentDue,
    });
    // Every console of the workspace hears it, with ids only (an agent who may not read the ticket learns nothing more).
    await poll(() => heard).toContainEqual({ subjectType: 'ticket', subjectId: urgentId, metric: 'first_response' });
    listener.socket.close();
    await poll(() => urgentBadge.getAttribute('data-server-status')).toBe('breached');
    expect(await urgentBadge.getAttribute('data-state')).toBe('breached');
    // The others are untouched by the sweep.
    expect((await clocksOf(normalId)).map((clock) => clock.status)).toEqual(['active', 'active']);

    // The ticket page: the badge, and the clock explained (policy, calendar, target, due, paused since).
    await page.goto(`${server.url}/tickets/${pendingId}`);
    const headerBadge = page.getByTestId('sla-badge');
    await poll(() => headerBadge.getAttribute('data-state')).toBe('paused');
    await headerBadge.hover();
    const explanation = page.getByTestId('sla-explanation');
    await poll(() => explanation.count()).toBe(1);
    await expect.poll(() => explanation.getByTestId('sla-policy-name').textContent()).toBe('工单时效');
    const paused = (await clocksOf(pendingId)).find((clock) => clock.metric === 'first_response')!;
    expect(await explanation.getByTestId('sla-calendar').textContent()).toBe('全天候客服');
    expect(await explanation.textContent()).toContain('600 分钟（工作时间）');
    expect(await explanation.getByTestId('sla-paused-since').textContent()).toBe(new Date(paused.pausedAt!).toLocaleString('zh-CN'));
    await poll(() => page.getByTestId('sla-clocks').getByTestId('sla-clock').count()).toBe(2);

    // Back to open: the clock resumes and the badge counts again.
    await page.getByLabel('状态', { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '处理中' }).click();
    await poll(() => headerBadge.getAttribute('data-state')).toBe('ok');
    expect((await clocksOf(pendingId)).find((clock) => clock.metric === 'first_response')!.status).toBe('active');
    expect(await missingStrings(page)).toEqual([]);
  });

  // Under the policy the first test built (it matches every case).
  it("a customer's chat gets the policy's clock, and the agent's list shows it live and sorts by SLA due", async () => {
    const page = await signedIn(ws.users.admin.email);
    await poll(() => page.getByTestId('conversation-item').count()).toBeGreaterThan(0);
    const inbox = await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`));
    const visitor = await startVisitor(server.url, inbox.body.publicKey);
    const visitors = [visitor.socket];
    const listener = await connectAgent(server.url, ws.clients.agent);
    const heard: unknown[] = [];
    listener.socket.on('sla:changed', (event: unknown) => heard.push(event));
    try {
      const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '你好，想咨询一下退货流程' });
      const conversationId = sent.data.conversation.id as string;
      await poll(async () => (await ws.clients.agent.get(api(`/conversations/${conversationId}/sla`))).body.items.length).toBe(2);
      // The clocks start from the outbox after the conversation is created: the consoles are told once they have.
      await poll(() => heard).toContainEqual({ subjectType: 'conversation', subjectId: conversationId });
      const badge = page.locator(`[data-conversation-id="${conversationId}"]`).getByTestId('sla-badge');
      await poll(() => badge.getAttribute('data-state')).toBe('ok');
      expect(await badge.textContent()).toMatch(/^首次响应 · 剩 9 小时 5\d 分$/);
      await page.locator(`[data-conversation-id="${conversationId}"]`).click();
      await poll(() => page.getByTestId('conversation').getByTestId('sla-badge').getAttribute('data-metric')).toBe('first_response');

      // A later chat is due later: newest first lists it first, SLA due soonest the other way round.
      const laterVisitor = await startVisitor(server.url, inbox.body.publicKey);
      visitors.push(laterVisitor.socket);
      const later = await emitAck(laterVisitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '请问今天能发货吗' });
      const laterId = later.data.conversation.id as string;
      await poll(() => page.locator(`[data-conversation-id="${laterId}"]`).getByTestId('sla-badge').getAttribute('data-state')).toBe('ok');
      const firstTwo = () =>
        Promise.all([0, 1].map((index) => page.getByTestId('conversation-item').nth(index).getAttribute('data-conversation-id')));
      await poll(firstTwo).toEqual([laterId, conversationId]);
      await page.getByRole('button', { name: '筛选', exact: true }).click();
      await page.getByTestId('conversation-sort').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'SLA 最先到期' }).click();
      await poll(firstTwo).toEqual([conversationId, laterId]);
    } finally {
      for (const socket of visitors) socket.close();
      listener.socket.close();
    }
  });

  it('a supervisor reorders, edits and deletes policies on the page, in English', async () => {
    const exemption = await ws.clients.admin.post(api('/sla-policies'), {
      name: '内部测试豁免',
      conditions: { customerTags: ['内部'] },
      targets: {},
    });
    expect(exemption.status).toBe(201);
    const names = async () =>
      ((await ws.clients.admin.get(api('/sla-policies'))).body.items as { name: string }[]).map((item) => item.name);
    expect(await names()).toEqual(['工单时效', '内部测试豁免']);

    const page = await signedIn(ws.users.supervisor.email, 'en-US');
    await page.goto(`${server.url}/admin`);
    await poll(() => page.getByTestId('admin-menu-sla-policies').innerText()).toBe('SLA policies');
    await page.getByTestId('admin-menu-sla-policies').click();
    const row = page.locator('.ant-table-row', { hasText: '内部测试豁免' });
    await poll(() => row.textContent()).toContain('No targets (exemption)');

    // First match wins: the exemption goes first.
    await row.getByRole('button', { name: 'Move up 内部测试豁免' }).click();
    await poll(names).toEqual(['内部测试豁免', '工单时效']);

    // Edited: one more condition and a target; with no calendar it counts around the clock.
    await page.getByRole('button', { name: '内部测试豁免', exact: true }).click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.getByLabel('Priorities', { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'High' }).click();
    await drawer.getByLabel('Name', { exact: true }).click();
    await drawer.getByLabel('Next response · Normal (minutes)').fill('30');
    await drawer.getByTestId('sla-policy-save').click();
    await poll(async () => (await ws.clients.admin.get(api(`/sla-policies/${exemption.body.id}`))).body).toMatchObject({
      conditions: { customerTags: ['内部'], priorities: ['high'] },
      targets: { next_response: { businessTime: false, minutes: { normal: 30 } } },
      calendarId: null,
    });

    // Deleted, after a confirmation.
    await row.getByRole('button', { name: 'Remove' }).click();
    await page.locator('.ant-popover:visible').getByRole('button', { name: 'Remove' }).click();
    await poll(names).toEqual(['工单时效']);
    expect(await missingStrings(page)).toEqual([]);
  });
});
