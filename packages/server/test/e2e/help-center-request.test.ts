import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { queryRows } from '../support/database.js';
import { recordFailure } from '../support/e2e.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

describe.skipIf(!hasChromium)('help center: a customer submits a request (提交工单) in Chromium', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let ws: WorkspaceFixture;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    server = await startTestServer({ SMTP_URL: smtp.url, SMTP_FROM: 'Huiliu <no-reply@huiliu.test>' });
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'help-request-e2e');
    browser = await launchBrowser();
  }, 120_000);
  afterEach((test) =>
    recordFailure(
      test,
      'help-center-request',
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

  it('fills the form with an attachment; the request becomes a ticket and the customer is mailed its number', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/help/${ws.slug}`);
    await page.getByRole('link', { name: '提交工单 Submit a request' }).click();
    await page.getByLabel('您的姓名 Your name').fill('刘洋');
    await page.getByLabel('电子邮箱 Email').fill('liuyang@example.com');
    await page.getByLabel('主题 Subject').fill('耳机左耳没有声音');
    await page.getByLabel('问题描述 Description').fill('上周买的蓝牙耳机，左耳完全没声音，已经重新配对过。');
    // People never see the honeypot: it lies off screen.
    const trap = await page.locator('#request-website').evaluate((element) => element.getBoundingClientRect().right);
    expect(trap).toBeLessThanOrEqual(0);
    await page.locator('#request-attachment').setInputFiles({
      name: '购买凭证.png',
      mimeType: 'image/png',
      buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
    });
    // A double click posts the form twice: one request, one ticket.
    await page.getByRole('button', { name: '提交 Submit' }).dblclick();
    await expect(page.getByRole('heading', { name: '已收到您的请求 Request received' }).waitFor()).resolves.toBeUndefined();
    const shown = await page.getByTestId('ticket-number').textContent();
    const number = Number(shown?.replace('#', ''));
    expect(number).toBeGreaterThanOrEqual(10001);

    const [ticket] = await queryRows(
      server.database.url,
      `select t.subject, m.attachments from tickets t
         join ticket_conversations l on l.ticket_id = t.id
         join messages m on m.conversation_id = l.conversation_id and m.kind = 'in'
        where t.workspace_id = $1 and t.number = $2`,
      [ws.workspaceId, number],
    );
    expect(ticket!.subject).toBe('耳机左耳没有声音');
    expect(ticket!.attachments[0]).toMatchObject({ name: '购买凭证.png', contentType: 'image/png' });
    await poll(() => smtp.mails.filter((mail) => mail.to.includes('liuyang@example.com')).length).toBe(1);
    const mail = await simpleParser(smtp.mails.find((item) => item.to.includes('liuyang@example.com'))!.raw);
    expect(mail.subject).toContain(`#${number}`);

    const same = await queryRows(
      server.database.url,
      `select count(*)::int as count from tickets where workspace_id = $1 and subject = '耳机左耳没有声音'`,
      [ws.workspaceId],
    );
    expect(same[0]!.count).toBe(1);
  });
});
