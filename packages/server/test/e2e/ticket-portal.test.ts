import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { addTeamMember, createTeam } from '../../src/modules/teams/service.js';
import { addMembership, createUser } from '../../src/modules/users/service.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { queryRows } from '../support/database.js';
import { recordFailure } from '../support/e2e.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

/** Waits for the browser (45 s): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 45_000 });

describe.skipIf(!hasChromium)('customer portal (我的工单) in Chromium', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let ws: WorkspaceFixture;
  let browser: Browser;
  let tier2TeamId: string;
  const tier2Email = 'tier2-portal@example.test';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    server = await startTestServer({ SMTP_URL: smtp.url, SMTP_FROM: 'Huiliu <no-reply@huiliu.test>' });
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'portal-e2e');
    tier2TeamId = (await createTeam(server.ctx.db, ws.workspaceId, { name: '售后技术组', description: '二线' })).id;
    const specialist = await createUser(server.ctx.db, { email: tier2Email, name: '孙强', passwordHash: await hashPassword(PASSWORD) });
    await addMembership(server.ctx.db, { workspaceId: ws.workspaceId, userId: specialist.id, role: 'agent' });
    await addTeamMember(server.ctx.db, ws.workspaceId, tier2TeamId, specialist.id);
    browser = await launchBrowser();
  }, 120_000);
  afterEach((test) =>
    recordFailure(
      test,
      'ticket-portal',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await smtp?.close();
  });

  async function agentLogin(page: Page, email: string) {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/inbox/);
  }

  it('tier 2 answers an escalated ticket; the customer signs in by the mailed link, reads the answer and replies with a file; the agent sees it', async () => {
    // The customer's request through the help center's form, escalated by tier 1.
    const html = await (await fetch(`${server.url}/help/${ws.slug}/requests/new`)).text();
    const requestKey = /name="requestKey" value="([^"]+)"/.exec(html)![1]!;
    const form = new FormData();
    for (const [name, value] of Object.entries({
      requestKey,
      name: '黄蓉',
      email: 'huangrong@example.com',
      subject: '扫地机器人无法回充',
      description: 'R10 每次扫完都停在客厅中间，找不到充电座。',
      website: '',
    }))
      form.append(name, value);
    form.append('attachment', new Blob([]), '');
    expect((await fetch(`${server.url}/help/${ws.slug}/requests`, { method: 'POST', body: form })).status).toBe(200);
    const [ticket] = await queryRows(server.database.url, `select id, number from tickets where workspace_id = $1 and subject = $2`, [
      ws.workspaceId,
      '扫地机器人无法回充',
    ]);
    const escalated = await ws.clients.agent.post(`/api/v1/workspaces/${ws.workspaceId}/tickets/${ticket!.id}/escalate`, {
      teamId: tier2TeamId,
      reason: '常规排查无效，需要远程诊断',
      summary: '已让客户清洁回充感应窗',
    });
    expect(escalated.status).toBe(200);

    // Tier 2 answers on the ticket page.
    const agentContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 } });
    contexts.push(agentContext);
    const agent = await agentContext.newPage();
    const errors: string[] = [];
    agent.on('pageerror', (error) => errors.push(error.message));
    await agentLogin(agent, tier2Email);
    await agent.goto(`${server.url}/tickets/${ticket!.id}`);
    await poll(() => agent.getByTestId('ticket-title').textContent()).toContain('扫地机器人无法回充');
    await agent.getByLabel('回复客户').last().fill('您好，请在 App 中打开“远程诊断”，我们会根据日志为您处理。');
    await agent.getByRole('button', { name: '发送' }).click();
    await poll(() => agent.getByText('请在 App 中打开“远程诊断”').count()).toBeGreaterThan(0);

    // The customer signs in to the portal with the link mailed to them.
    const customerContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    contexts.push(customerContext);
    const customer = await customerContext.newPage();
    await customer.goto(`${server.url}/help/${ws.slug}`);
    await customer.getByRole('link', { name: '我的工单 My tickets' }).click();
    await customer.getByLabel('电子邮箱 Email').fill('huangrong@example.com');
    await customer.getByRole('button', { name: '发送登录链接 Send me a link' }).click();
    await customer.getByTestId('portal-link-sent').waitFor();
    await poll(() => smtp.linkSentTo('huangrong@example.com')?.includes('/portal/auth') ?? false).toBe(true);
    const link = new URL(smtp.linkSentTo('huangrong@example.com')!);
    await customer.goto(`${server.url}${link.pathname}${link.search}`);
    await customer.getByRole('button', { name: '继续登录 Continue' }).click();
    await customer.getByRole('link', { name: `#${ticket!.number} 扫地机器人无法回充` }).click();
    await poll(() => customer.getByText('请在 App 中打开“远程诊断”').count()).toBe(1);
    // Tier 1's escalation note is internal: the customer never sees it.
    expect(await customer.getByText('常规排查无效').count()).toBe(0);
    await customer.getByLabel('回复 Reply').fill('已经打开远程诊断了，麻烦看一下。');
    await customer.locator('#portal-attachment').setInputFiles({
      name: '诊断截图.png',
      mimeType: 'image/png',
      buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
    });
    await customer.getByRole('button', { name: '发送回复 Send reply' }).click();
    await poll(() => customer.getByText('已经打开远程诊断了，麻烦看一下。').count()).toBe(1);
    await poll(() => customer.getByRole('link', { name: /诊断截图\.png/ }).count()).toBe(1);

    // The agent's open ticket page shows the customer's reply (live, without a reload).
    await poll(() => agent.getByText('已经打开远程诊断了，麻烦看一下。').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
