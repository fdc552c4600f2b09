import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.js';
import { clientReply, composeEmail, emailFixture } from '../support/email.js';
import { PASSWORD, createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startSmtpCapture } from '../support/smtp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { closeDrawer, recordFailure, saveScreenshot } from '../support/e2e.js';

/** Waits for the browser or the mail (20 s unless told): a busy 2-core machine takes its time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 20_000 }) => expect.poll(read, options);

const missing = dovecotMissing() ?? (hasChromium ? undefined : 'Chromium is not installed (/usr/bin/chromium)');

describe.skipIf(missing !== undefined)(
  `email in the console, against Dovecot IMAP, an SMTP capture and Chromium${missing ? ` — skipped: ${missing}` : ''}`,
  () => {
    let dovecot: Dovecot;
    // Mutable: the capture reads it on every recipient, so a test can make it refuse, then accept.
    const refusal: { reject?: RegExp } = { reject: /^bounce-me@/ };
    let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
    let server: TestServer;
    let ws: WorkspaceFixture;
    let inboxId: string;
    let browser: Browser;
    let context: BrowserContext;
    let agent: Page;
    const pageErrors: string[] = [];
    const api = (route: string) => `/api/v1/workspaces/${ws.workspaceId}${route}`;

    beforeAll(async () => {
      dovecot = await startDovecot();
      smtp = await startSmtpCapture(refusal);
      server = await startTestServer({ EMAIL_POLL_SECONDS: '1', PRESENCE_GRACE_SECONDS: '3600' });
      ws = await createWorkspaceFixture(server.ctx.db, server.url, 'mailui');
      const created = await ws.clients.admin.post(api('/inboxes'), {
        kind: 'email',
        name: '售后邮箱',
        defaultTeamId: ws.teamId,
        settings: {
          imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password },
          smtp: {
            host: '127.0.0.1',
            port: Number(new URL(smtp.url).port),
            security: 'none',
            fromName: '汇流售后',
            fromAddress: 'service@huiliu.test',
          },
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      inboxId = created.body.id;
      expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
      browser = await launchBrowser();
    }, 300_000);
    afterEach((test) => recordFailure(test, 'email-console', context?.pages() ?? [], server));
    afterAll(async () => {
      await context?.close().catch(() => undefined);
      await browser?.close();
      await server?.stop();
      await smtp?.close();
      await dovecot?.stop();
    });

    async function login(email: string) {
      await context?.close().catch(() => undefined);
      context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('dialog', (dialog) => {
        pageErrors.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      await page.goto(`${server.url}/login`);
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/inbox/);
      return page;
    }

    /** The customer's first mail: HTML, a CC, a quoted earlier mail under it, and a script that must not run. */
    const firstMail = () =>
      composeEmail({
        from: '"王芳" <wangfang@example.com>',
        to: 'service@huiliu.test',
        cc: ['lihua@example.com'],
        subject: '订单 20261130 发票抬头错了',
        messageId: '<first-ui-0001@example.com>',
        html:
          '<p>你好，发票抬头应为<b>上海汇流贸易有限公司</b>，请重开。</p><script>alert("xss")</script>' +
          '<p onmouseover="alert(2)">谢谢！</p>' +
          '<div>在 2026年11月29日 10:00，汇流商城 &lt;shop@huiliu.test&gt; 写道：</div>' +
          '<blockquote><p>您的订单 20261130 已开具电子发票。</p></blockquote>',
        text:
          '你好，发票抬头应为上海汇流贸易有限公司，请重开。\n谢谢！\n\n' +
          '在 2026年11月29日 10:00，汇流商城 <shop@huiliu.test> 写道：\n> 您的订单 20261130 已开具电子发票。\n',
      });

    it('an email arrives, is assigned, shows in the console with its quote folded; the reply threads; the answer joins live', async () => {
      agent = await login(ws.users.agent.email);
      await dovecot.append(await firstMail());

      // Routed to the online agent: it appears in "Mine" without a reload.
      const item = agent.getByTestId('conversation-item').filter({ hasText: '王芳' });
      await poll(() => item.count(), { timeout: 30_000 }).toBe(1);
      await item.click();
      const pane = agent.getByTestId('conversation');
      const email = pane.getByTestId('email').first();
      await poll(() => email.getByTestId('email-subject').textContent()).toBe('订单 20261130 发票抬头错了');
      expect(await email.textContent()).toContain('wangfang@example.com');
      await poll(() => email.getByTestId('email-cc').textContent()).toContain('lihua@example.com');

      // The HTML body in its sandboxed frame: the new part shown, the quote folded until asked for.
      const body = agent.frameLocator('[data-testid="email-html"]').first();
      await poll(() => body.getByText('请重开').count()).toBe(1);
      const quote = body.locator('#huiliu-quoted');
      await poll(() => quote.count()).toBe(1);
      expect(await quote.textContent()).toContain('已开具电子发票');
      expect(await quote.isVisible()).toBe(false);
      expect(await body.getByText('谢谢！').isVisible()).toBe(true);
      await saveScreenshot(agent, 'console-email.png');
      await email.getByTestId('email-quote-toggle').click();
      await poll(() => quote.isVisible()).toBe(true);
      expect(await agent.getByTestId('email-html').first().getAttribute('sandbox')).not.toContain('allow-scripts');
      // Nothing of the customer's HTML ran.
      expect(pageErrors).toEqual([]);

      // The original is downloadable as received.
      const eml = await agent.request.get(`${server.url}${await email.getByTestId('email-eml').getAttribute('href')}`);
      expect(eml.headers()['content-type']).toBe('message/rfc822');
      expect(await eml.text()).toContain('Message-ID: <first-ui-0001@example.com>');

      // The agent answers in the console.
      const replyText = '王女士您好，已为您重开发票，新发票会发到这个邮箱。';
      // Reply-all: the customer, and on the CC line who she copied; the agent copies finance too.
      const addressing = pane.getByTestId('email-addressing');
      await poll(() => addressing.getByTestId('email-reply-to').textContent()).toBe('wangfang@example.com');
      await poll(() => addressing.locator('.ant-select-selection-item').allTextContents()).toEqual(['lihua@example.com']);
      const ccLine = addressing.getByRole('combobox', { name: '抄送' });
      await ccLine.fill('finance@example.com');
      await ccLine.press('Enter');
      const ccShown = () => addressing.locator('.ant-select-selection-item').allTextContents();
      await poll(ccShown).toEqual(['lihua@example.com', 'finance@example.com']);
      // A look at the note mode and back keeps the agent's CC line.
      await pane.getByText('备注', { exact: true }).click();
      await poll(() => addressing.count()).toBe(0);
      await pane.getByText('回复', { exact: true }).click();
      await poll(ccShown).toEqual(['lihua@example.com', 'finance@example.com']);
      const box = agent.getByRole('textbox', { name: '回复客户' });
      await box.fill(replyText);
      await box.press('Enter');
      await poll(() => box.inputValue()).toBe('');
      await poll(() => smtp.mails.filter((mail) => mail.to.includes('wangfang@example.com')).length, { timeout: 30_000 }).toBe(1);
      const captured = smtp.mails.find((mail) => mail.to.includes('wangfang@example.com'))!;
      expect([...captured.to].sort()).toEqual(['finance@example.com', 'lihua@example.com', 'wangfang@example.com']);
      const sent = await simpleParser(captured.raw);
      expect((sent.headers.get('cc') as { value: { address: string }[] }).value.map((entry) => entry.address)).toEqual([
        'lihua@example.com',
        'finance@example.com',
      ]);
      expect(sent.messageId).toMatch(/^<huiliu\.[0-9a-f-]{36}@huiliu\.test>$/);
      expect(sent.inReplyTo).toBe('<first-ui-0001@example.com>');
      expect(sent.references).toBe('<first-ui-0001@example.com>');
      expect(sent.subject).toMatch(/^Re: 订单 20261130 发票抬头错了 \[#\d+-[0-9a-f]{12}\]$/);
      expect(sent.text).toContain(replyText);

      // The customer answers from their mail client: it joins the same conversation, live in the console.
      await dovecot.append(
        await clientReply(sent.messageId!.slice(1, -1), {
          from: '"王芳" <wangfang@example.com>',
          to: 'service@huiliu.test',
          subject: sent.subject!.replace(/^Re:/, '回复:'),
          messageId: '<reply-ui-0002@example.com>',
          text: '收到，谢谢你们这么快！\n\n在 2026年12月1日 10:05，汇流售后 <service@huiliu.test> 写道：\n> 王女士您好，已为您重开发票。\n',
        }),
      );
      const answer = pane.locator('[data-kind="in"]').filter({ hasText: '收到，谢谢你们这么快！' });
      await poll(() => answer.count(), { timeout: 30_000 }).toBe(1);
      // Plain text: the new part shown, the quote folded behind the toggle.
      expect(await answer.getByText('已为您重开发票。').count()).toBe(0);
      await answer.getByTestId('email-quote-toggle').click();
      await poll(() => answer.getByTestId('email-quoted').textContent()).toContain('> 王女士您好，已为您重开发票。');
      // One conversation for this customer.
      const list = await ws.clients.agent.get(api(`/conversations?inboxId=${inboxId}`));
      const mine = (list.body.items as { customerName: string | null; id: string }[]).filter((row) => row.customerName === '王芳');
      expect(mine).toHaveLength(1);
      expect(pageErrors).toEqual([]);
    }, 180_000);

    it("a stranger's mail naming the customer's conversation number opens a new conversation, and the agent is told so in Chinese and English", async () => {
      const list = await ws.clients.agent.get(api(`/conversations?inboxId=${inboxId}`));
      const victim = (list.body.items as { id: string; customerName: string | null; number: number }[]).find(
        (row) => row.customerName === '王芳',
      )!;
      await dovecot.append(
        await composeEmail({
          from: '"冒充者" <imposter@evil.example>',
          to: 'service@huiliu.test',
          subject: `Re: 订单 20261130 发票抬头错了 [#${victim.number}]`,
          messageId: '<imposter-ui-0001@evil.example>',
          text: '发票请改寄到这个邮箱。',
        }),
      );
      const item = agent.getByTestId('conversation-item').filter({ hasText: '冒充者' });
      await poll(() => item.count(), { timeout: 30_000 }).toBe(1);
      await item.click();
      const note = agent.getByTestId('conversation').locator('[data-event="email_thread_refused"]');
      await poll(() => note.textContent()).toContain(`这封邮件的主题提到会话 #${victim.number}，但编号未经验证`);
      await agent.getByText('English', { exact: true }).click();
      try {
        await poll(() => note.textContent()).toContain(
          `This mail's subject mentions conversation #${victim.number}, but the number is not verified`,
        );
      } finally {
        await agent.getByText('中文', { exact: true }).click();
      }
      await poll(() => note.textContent()).toContain('已另开新会话');
      // The customer's conversation did not get the stranger's mail.
      const messages = await ws.clients.agent.get(api(`/conversations/${victim.id}/messages`));
      expect((messages.body.items as { text: string }[]).some((message) => message.text.includes('改寄'))).toBe(false);
      expect(pageErrors).toEqual([]);
    }, 120_000);

    it('a reply the SMTP server refuses shows failed with the reason; Retry sends it once the server accepts', async () => {
      await dovecot.append(
        await composeEmail({
          from: '"周强" <bounce-me@example.com>',
          to: 'service@huiliu.test',
          subject: '退货地址是哪里？',
          messageId: '<bounce-ui-0001@example.com>',
          text: '请问退货寄到哪里？',
        }),
      );
      const item = agent.getByTestId('conversation-item').filter({ hasText: '周强' });
      await poll(() => item.count(), { timeout: 30_000 }).toBe(1);
      await item.click();
      const pane = agent.getByTestId('conversation');
      await poll(() => pane.getByTestId('email-subject').first().textContent()).toBe('退货地址是哪里？');
      const box = agent.getByRole('textbox', { name: '回复客户' });
      await box.fill('请寄到上海市浦东新区汇流路 1 号。');
      await box.press('Enter');

      // Refused with 550: failed, with the server's answer, and a Retry button.
      const failure = pane.getByTestId('delivery-failure');
      await poll(() => failure.count(), { timeout: 30_000 }).toBe(1);
      await poll(() => failure.textContent()).toContain('mailbox unavailable');
      expect(await pane.locator('[data-kind="out"] [data-delivery="failed"]').count()).toBe(1);
      expect(smtp.mails.filter((mail) => mail.to.includes('bounce-me@example.com'))).toHaveLength(0);

      // The mailbox is fixed; the agent retries: sent once, the failure gone.
      refusal.reject = undefined;
      await failure.getByTestId('retry-delivery').click();
      await poll(() => smtp.mails.filter((mail) => mail.to.includes('bounce-me@example.com')).length, { timeout: 30_000 }).toBe(1);
      await poll(() => pane.getByTestId('delivery-failure').count()).toBe(0);
      expect(await pane.locator('[data-kind="out"] [data-delivery="failed"]').count()).toBe(0);
      const mail = await simpleParser(smtp.mails.find((item) => item.to.includes('bounce-me@example.com'))!.raw);
      expect(mail.inReplyTo).toBe('<bounce-ui-0001@example.com>');
    }, 120_000);

    it('admin: lists the inboxes, tests IMAP and SMTP with a clear error, keeps passwords write-only, shows failed imports', async () => {
      await dovecot.append(emailFixture('malformed.eml'));
      await poll(
        async () =>
          ((await ws.clients.admin.get(api('/email/failed-imports'))).body.items as { inboxId: string }[]).filter(
            (row) => row.inboxId === inboxId,
          ).length,
        { timeout: 30_000 },
      ).toBe(1);

      const admin = await login(ws.users.admin.email);
      await admin.goto(`${server.url}/admin/inboxes`);
      const page = admin.getByTestId('inboxes-page');
      // Every kind: the fixture's widget, email and WeChat inboxes and this one.
      await poll(() => page.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
      await page.getByRole('button', { name: '售后邮箱' }).click();
      const drawer = admin.locator('.ant-drawer');
      await drawer.getByRole('tab', { name: '邮箱设置' }).click();
      const imapPassword = drawer.getByLabel('密码 / 授权码').first();
      expect(await imapPassword.inputValue()).toBe('');
      expect(await imapPassword.getAttribute('placeholder')).toBe('已保存（留空不修改）');

      // Both directions connect with the stored settings.
      await drawer.getByTestId('test-imap').getByRole('button').click();
      await poll(() => drawer.getByTestId('test-imap-result').getAttribute('data-ok')).toBe('true');
      await drawer.getByTestId('test-smtp').getByRole('button').click();
      await poll(() => drawer.getByTestId('test-smtp-result').getAttribute('data-ok')).toBe('true');

      // A wrong password, saved, fails the test with the reason; leaving it empty later keeps it.
      await imapPassword.fill('wrong-password');
      // Tickets from email, saved with the rest: every new thread becomes a ticket.
      await drawer.getByLabel('邮件转工单').click();
      await admin.locator('.ant-select-item-option', { hasText: '每个新邮件会话都生成工单' }).click();
      await drawer.getByRole('button', { name: '保存' }).click();
      await poll(() => admin.getByText('已保存').count()).toBeGreaterThan(0);
      await drawer.getByTestId('test-imap').getByRole('button').click();
      await poll(() => drawer.getByTestId('test-imap-result').getAttribute('data-ok')).toBe('false');
      expect(await drawer.getByTestId('test-imap-result').textContent()).toContain('登录失败');
      await saveScreenshot(admin, 'admin-inboxes-email.png');
      const stored = await ws.clients.admin.get(api(`/inboxes/${inboxId}`));
      expect(JSON.stringify(stored.body)).not.toContain('wrong-password');
      expect(stored.body.settings.createTickets).toBe('every_thread');
      await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), {
        settings: { imap: { ...stored.body.settings.imap, passwordSet: undefined, password: dovecot.password } },
      });

      // The failed import with its reason and the raw message.
      await drawer.getByRole('tab', { name: '导入失败的邮件' }).click();
      const failed = drawer.getByTestId('failed-imports');
      await poll(() => failed.locator('tbody tr').count()).toBe(1);
      const href = await failed.getByRole('link', { name: /原始邮件/ }).getAttribute('href');
      const raw = await admin.request.get(`${server.url}${href}`);
      expect(raw.status()).toBe(200);
      expect(Buffer.from(await raw.body()).equals(emailFixture('malformed.eml'))).toBe(true);
      await closeDrawer(admin);

      // A widget inbox: the embed snippet to copy and the identity secret, shown and rotated.
      const widgetRow = page
        .locator('tbody tr')
        .filter({ has: admin.locator('[data-channel="widget"]') })
        .first();
      await widgetRow.getByRole('button').click();
      await drawer.getByRole('tab', { name: '网页聊天' }).click();
      await poll(() => drawer.getByTestId('embed-snippet').textContent()).toContain('data-inbox-key=');
      await drawer.getByRole('button', { name: '显示密钥' }).click();
      const secret = drawer.getByTestId('identity-secret');
      await poll(() => secret.count()).toBe(1);
      const before = await secret.textContent();
      await drawer.getByRole('button', { name: '更换密钥' }).click();
      await admin.locator('.ant-popconfirm').getByRole('button', { name: '更换密钥' }).click();
      await poll(() => secret.textContent()).not.toBe(before);
      // Appearance: a new greeting is saved, the other settings are kept.
      const widgetId = ws.ids.inbox!;
      const widgetBefore = (await ws.clients.admin.get(api(`/inboxes/${widgetId}`))).body.settings;
      await drawer.getByLabel('欢迎语（中文）').fill('您好，这里是汇流商城客服。');
      await drawer.getByRole('button', { name: '保存' }).click();
      await poll(async () => (await ws.clients.admin.get(api(`/inboxes/${widgetId}`))).body.settings.greeting['zh-CN']).toBe(
        '您好，这里是汇流商城客服。',
      );
      const widgetAfter = (await ws.clients.admin.get(api(`/inboxes/${widgetId}`))).body.settings;
      expect({ ...widgetAfter, greeting: widgetBefore.greeting }).toEqual(widgetBefore);
      expect(pageErrors).toEqual([]);
    }, 120_000);
  },
);
