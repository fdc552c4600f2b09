import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../../src/modules/conversations/inbound.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { recordFailure } from '../support/e2e.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe.skipIf(!hasChromium)('automations in the admin area, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let api: HttpClient;
  let workspaceId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    browser = await launchBrowser();
    api = new HttpClient(server.url);
    const login = await api.login('admin@huiliu.demo', DEMO_PASSWORD);
    workspaceId = login.body.user.memberships[0].workspaceId;
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'automations',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function adminPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('邮箱').fill('admin@huiliu.demo');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/inbox/);
    return page;
  }

  it('an admin builds an automation, dry-runs it, and sees it fire on a new ticket with its log on the ticket page', async () => {
    const page = await adminPage();
    await page.goto(`${server.url}/admin/automations`);
    await page.getByTestId('automation-create').click();
    const builder = page.getByRole('dialog');
    await builder.getByLabel('名称').fill('打印机工单提醒');
    await builder.getByTestId('automation-add-group').click();
    await builder.getByLabel('值').fill('打印机');
    await builder.getByLabel('动作 1').fill('自动提示：工单 #{{ticket.number}} 请先确认打印机驱动版本');
    await builder.getByTestId('automation-dry-run').click();
    await expect.poll(() => builder.getByTestId('dry-run-result').isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => builder.getByTestId('dry-run-result').innerText()).toContain('检查了');
    await builder.getByTestId('automation-save').click();
    const table = page.getByTestId('automations-table');
    await expect.poll(() => table.innerText(), { timeout: 20_000 }).toContain('打印机工单提醒');
    await expect.poll(() => table.innerText()).toContain('工单创建时');
    await expect.poll(async () => page.getByRole('switch', { name: '启用规则 打印机工单提醒' }).isChecked()).toBe(true);

    // A customer writes in, and an agent turns the conversation into a ticket.
    const inboxes = await api.get(`/api/v1/workspaces/${workspaceId}/inboxes`);
    const inbox = await getInbox(
      server.ctx.db,
      workspaceId,
      inboxes.body.items.find((item: { kind: string }) => item.kind === 'widget').id,
    );
    const received = await receiveInbound(server.ctx.db, {
      inbox,
      identity: { kind: 'email', value: 'printer-user@example.test' },
      idempotencyKey: 'automation-e2e-1',
      text: '打印机连不上了',
      senderName: '周女士',
    });
    const ticket = await api.post(`/api/v1/workspaces/${workspaceId}/conversations/${received.conversation.id}/ticket`, {
      subject: '打印机无法连接',
      notify: false,
    });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    await page.goto(`${server.url}/tickets/${ticket.body.id}`);
    const log = page.getByTestId('ticket-automation-log');
    await expect.poll(() => log.isVisible().catch(() => false), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => log.innerText()).toContain('打印机工单提醒');
    await expect.poll(() => log.innerText()).toContain('工单创建时');
    await expect
      .poll(() => page.getByTestId('ticket-thread').innerText(), { timeout: 20_000 })
      .toContain(`自动提示：工单 #${ticket.body.number} 请先确认打印机驱动版本`);
    await expect.poll(() => page.getByTestId('ticket-thread').innerText()).toContain('automation 打印机工单提醒');
  });
});
