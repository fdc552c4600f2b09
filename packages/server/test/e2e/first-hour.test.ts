import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { receiveInbound } from '../../src/modules/conversations/inbound.js';
import { appendMessage } from '../../src/modules/conversations/write-path.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { recordFailure, throttleCpu } from '../support/e2e.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Waits for the browser (45 s unless told): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 45_000 }) => expect.poll(read, options);

/** English words in a line of the Chinese UI; product names a Chinese agent reads as they are do not count. */
const englishWords = (text: string) => (text.match(/[A-Za-z]{3,}/g) ?? []).filter((word) => !['VIP', 'API', 'CSV', 'URL'].includes(word));

describe.skipIf(!hasChromium)('the first hour, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: HttpClient;
  let workspaceId: string;
  const contexts: BrowserContext[] = [];
  const api = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    browser = await launchBrowser();
    admin = new HttpClient(server.url);
    const login = await admin.login('admin@huiliu.demo', DEMO_PASSWORD);
    workspaceId = login.body.user.memberships[0].workspaceId;
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'first-hour',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function newPage(options: { i18nCheck?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 }, acceptDownloads: true });
    if (options.i18nCheck) await context.addInitScript("localStorage.setItem('huiliu.i18nCheck', '1')");
    contexts.push(context);
    const page = await context.newPage();
    await throttleCpu(page);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  async function login(page: Page, email: string) {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/inbox/);
    await poll(() => page.getByTestId('presence').count()).toBe(1);
  }

  async function choose(page: Page, field: ReturnType<Page['getByLabel']>, option: string) {
    await field.click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  }

  const demoInbox = async () => {
    const inboxes = await admin.get(api('/inboxes'));
    const widget = inboxes.body.items.find((inbox: { kind: string }) => inbox.kind === 'widget');
    return getInbox(server.ctx.db, workspaceId, widget.id);
  };

  it('an agent who chose online and closed the console is online again at the next login', async () => {
    // A short grace so that logging out really takes the agent offline within the test.
    expect((await admin.patch(api(''), { presenceGraceSeconds: 5 })).status).toBe(200);
    const { page, errors } = await newPage();
    await login(page, 'agent3@huiliu.demo');
    await choose(page, page.getByLabel('在线状态'), '在线');
    await poll(() => page.getByTestId('presence').getAttribute('data-status')).toBe('online');

    await page.getByTestId('user-menu').click();
    await page.getByText('退出登录').click();
    await page.waitForURL(/\/login/);
    const agentId = (await admin.get(api('/members'))).body.items.find((m: { email: string }) => m.email === 'agent3@huiliu.demo').userId;
    const statusOf = async () =>
      (await admin.get(api('/presence'))).body.items.find((item: { userId: string }) => item.userId === agentId)?.status;
    await poll(statusOf).toBe('offline');

    await login(page, 'agent3@huiliu.demo');
    await poll(() => page.getByTestId('presence').getAttribute('data-status')).toBe('online');
    expect(await statusOf()).toBe('online');
    expect(errors).toEqual([]);
    expect((await admin.patch(api(''), { presenceGraceSeconds: null })).status).toBe(200);
  }, 180_000);

  it('an admin creates a WeChat Official Account inbox and a WeCom inbox in the console', async () => {
    const { page, errors } = await newPage();
    await login(page, 'admin@huiliu.demo');
    await page.goto(`${server.url}/admin/inboxes`);
    await poll(() => page.getByTestId('inboxes-page').count()).toBe(1);

    for (const kind of ['wechat', 'wecom'] as const) {
      await page.getByRole('button', { name: '新建接入渠道' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText(kind === 'wechat' ? '微信公众号' : '企业微信', { exact: true }).click();
      await dialog.getByLabel('名称').fill(kind === 'wechat' ? '汇流商城公众号' : '汇流微信客服');
      await dialog
        .getByLabel(kind === 'wechat' ? 'AppID' : '企业 ID (CorpID)')
        .fill(kind === 'wechat' ? 'wx5e2e000000000077' : 'ww5e2e000000000078');
      await dialog.getByLabel(kind === 'wechat' ? 'AppSecret' : '微信客服 Secret').fill('console-created-secret-1');
      await dialog.getByLabel('Token', { exact: true }).fill('consoleToken1');
      await dialog.getByLabel('EncodingAESKey').fill('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
      if (kind === 'wecom') await dialog.getByLabel('客服账号 ID (open_kfid)').fill('wkE2Econsole0001');
      await dialog.getByRole('button', { name: '创建' }).click();
      // The new inbox opens on its channel panel, with the callback URL to paste into WeChat.
      await poll(() => page.getByTestId('wechat-callback-url').textContent()).toMatch(new RegExp(`/api/v1/channels/${kind}/`));
      // Escape closes the drawer: it opens only after the create dialog has gone, so it holds the focus.
      await page.keyboard.press('Escape');
      await poll(() => page.getByTestId('wechat-inbox-panel').count()).toBe(0);
    }
    const kinds = (await admin.get(api('/inboxes'))).body.items.map(
      (inbox: { kind: string; name: string }) => `${inbox.kind}:${inbox.name}`,
    );
    expect(kinds).toEqual(expect.arrayContaining(['wechat:汇流商城公众号', 'wecom:汇流微信客服']));

    // Capacities list only the channels this server has: no SMS, no phone.
    await page.goto(`${server.url}/admin/workspace`);
    await poll(() => page.getByLabel('企业微信').count()).toBe(1);
    expect(await page.getByLabel('短信').count()).toBe(0);
    expect(await page.getByLabel('电话').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 180_000);

  it('a supervisor finds a customer in the directory, opens the 360 and downloads the list as CSV', async () => {
    const inbox = await demoInbox();
    const email = `zhou-${randomUUID().slice(0, 8)}@customer.example`;
    const received = await receiveInbound(server.ctx.db, {
      inbox,
      identity: { kind: 'email', value: email },
      idempotencyKey: randomUUID(),
      text: '我想批量采购 200 台，有优惠吗？',
      senderName: null,
    });
    const customerId = received.conversation.customerId;
    expect((await admin.patch(api(`/customers/${customerId}`), { name: '周杰', tier: 'vip', tags: ['批发'] })).status).toBe(200);

    const { page, errors } = await newPage();
    await login(page, 'supervisor@huiliu.demo');
    await page.getByRole('button', { name: '客户' }).click();
    await page.waitForURL(/\/customers/);
    const directory = page.getByTestId('customer-directory');
    await directory.getByLabel('邮箱').fill(email.slice(0, 12));
    await directory.getByRole('button', { name: '查找' }).click();
    await poll(() => directory.locator('.ant-table-row').count()).toBe(1);
    await directory.getByRole('button', { name: '周杰' }).click();

    const profile = page.getByTestId('customer-360');
    await poll(() => profile.getByText(email).count()).toBe(1);
    await poll(() => profile.getByTestId('timeline-item').count()).toBe(1);
    await poll(() => profile.getByText('我想批量采购 200 台，有优惠吗？').count()).toBe(1);
    await page.keyboard.press('Escape');

    const [download] = await Promise.all([page.waitForEvent('download'), directory.getByRole('link', { name: '导出 CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('number,label,name,tier,tags,emails,phones,external_ids,created_at,id');
    // The download holds what the directory showed: the one customer the filter found.
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`周杰,周杰,vip,批发,${email}`);

    // From an inbox view, conversations download too.
    await page.getByRole('button', { name: '收件箱' }).click();
    await page.waitForURL(/\/inbox/);
    const [conversations] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-conversations').click()]);
    expect(conversations.suggestedFilename()).toMatch(/^conversations-.*\.csv$/);
    const rows = (await readFile((await conversations.path())!, 'utf8')).split('\r\n');
    expect(rows[0]).toMatch(/^\uFEFFnumber,channel,inbox_id,state/);
    expect(rows.some((row) => row.endsWith(received.conversation.id))).toBe(true);
    expect(errors).toEqual([]);
  }, 180_000);

  it('disabling a knowledge-base answer asks first and can be undone', async () => {
    const listed = await admin.get(api('/knowledge/faqs?limit=1'));
    const faq = listed.body.items[0] as { id: string; question: string; enabled: boolean };
    expect(faq.enabled).toBe(true);
    const enabled = async () => (await admin.get(api(`/knowledge/faqs/${faq.id}`))).body.enabled;

    const { page, errors } = await newPage();
    await login(page, 'admin@huiliu.demo');
    await page.goto(`${server.url}/admin/knowledge`);
    const row = page.locator('.ant-table-row', { hasText: faq.question });
    await poll(() => row.count()).toBe(1);
    await row.getByRole('switch', { name: '启用' }).click();
    // One click only asks: the answer is still in use.
    await poll(() => page.getByText('停用这条问答？').count()).toBe(1);
    expect(await enabled()).toBe(true);
    await page.getByRole('button', { name: '停用', exact: true }).click();
    await poll(enabled).toBe(false);
    await poll(() => page.getByTestId('faq-disabled-notice').count()).toBe(1);
    await page.getByTestId('faq-undo').click();
    await poll(enabled).toBe(true);
    await poll(() => row.getByRole('switch', { name: '启用' }).getAttribute('aria-checked')).toBe('true');
    expect(errors).toEqual([]);
  }, 180_000);

  it.each(['zh-CN', 'en'] as const)(
    'every %s page has every text translated, system events included',
    async (locale) => {
      const zh = locale === 'zh-CN';
      // A conversation with the events the Chinese UI showed in English: a requeue after the agent went offline
      // (stored as 'agent offline' by earlier versions, as 'offline' now).
      const inbox = await demoInbox();
      const received = await receiveInbound(server.ctx.db, {
        inbox,
        identity: { kind: 'email', value: `requeue-${randomUUID().slice(0, 8)}@customer.example` },
        idempotencyKey: randomUUID(),
        text: '刚才的客服怎么不回复了？',
      });
      for (const reason of ['agent offline', 'offline'])
        await server.ctx.db.transaction((tx) =>
          appendMessage(tx, workspaceId, received.conversation.id, {
            kind: 'event',
            senderType: 'system',
            event: { type: 'requeued', reason },
          }),
        );
      const subject = '耳机左耳没有声音';
      const ticket = await admin.post(api('/tickets'), {
        subject,
        requesterId: received.conversation.customerId,
        description: '客户说换了手机也一样。',
        priority: 'high',
      });
      expect(ticket.status).toBe(201);
      const ticketId = ticket.body.id as string;

      const { page, errors } = await newPage({ i18nCheck: true });
      await login(page, 'admin@huiliu.demo');
      if (!zh) {
        // The header's language switch; the choice is saved for the user.
        await page.getByText('English', { exact: true }).click();
        await poll(() => page.getByText('Inbox', { exact: true }).count()).toBeGreaterThan(0);
      }
      const missing = () => page.evaluate(() => (globalThis as unknown as { __huiliuMissingKeys?: string[] }).__huiliuMissingKeys ?? null);
      expect(await missing()).toEqual([]);
      // The interface's own words (headings, menus, column titles, form labels, tabs) in the wrong
      // language; the demo's data is Chinese in both, so only these are checked in English. A language
      // is named in itself (the 简体中文 tab of a bilingual template).
      const chrome =
        'h1, h2, h3, h4, .ant-menu-title-content, .ant-table-thead th, .ant-form-item-label, .ant-tabs-tab, .ant-card-head-title';
      const wrongLanguage = async (): Promise<string[]> => {
        if (zh) return [];
        const placeholders = await page
          .locator('[placeholder]')
          .evaluateAll((inputs) => inputs.map((input) => input.getAttribute('placeholder') ?? ''));
        return [...(await page.locator(chrome).allTextContents()), ...placeholders].filter(
          (text) => text !== '简体中文' && /[\u4e00-\u9fff]/.test(text.replace(subject, '')),
        );
      };
      const visit = async (path: string, ready: () => Promise<number>) => {
        await page.goto(`${server.url}${path}`);
        await poll(ready).toBeGreaterThan(0);
        // Loading skeletons give way to the page's own texts before they are checked.
        await poll(() => page.locator('.ant-skeleton, .ant-spin-spinning').count()).toBe(0);
        expect(await missing(), path).toEqual([]);
        expect(await wrongLanguage(), path).toEqual([]);
      };
      await visit(`/inbox/${received.conversation.id}`, () => page.getByTestId('event').count());
      const events = await page.getByTestId('event').allTextContents();
      expect(events.some((text) => text.includes(zh ? '会话回到排队（坐席离线）' : 'Back in the queue (agent went offline)'))).toBe(true);
      // Events name agents, whose names are data (Chinese in the demo).
      const agentNames: string[] = (await admin.get(api('/members'))).body.items.map((member: { name: string }) => member.name);
      const withoutNames = (text: string) => agentNames.reduce((rest, name) => rest.replaceAll(name, ''), text);
      for (const text of events) expect(zh ? englishWords(text) : (withoutNames(text).match(/[\u4e00-\u9fff]+/g) ?? []), text).toEqual([]);

      await visit('/customers', () => page.getByTestId('customer-directory').locator('.ant-table-row').count());
      await visit('/supervisor', () => page.getByTestId('presence').count());
      await visit('/tickets', () => page.locator('.ant-table-row').count());
      await visit(`/tickets/${ticketId}`, () => page.getByTestId('ticket-custom-fields').count());
      for (const adminPage of [
        'users',
        'teams',
        'routing-rules',
        'calendars',
        'sla-policies',
        'workspace',
        'api-tokens',
        'audit-log',
        'ticket-fields',
        'ticket-notifications',
        'macros',
        'automations',
        'inboxes',
        'canned',
        'dispositions',
        'knowledge',
        'learning',
        'bot',
        'bot-metrics',
      ])
        await visit(`/admin/${adminPage}`, () => page.locator('main, .ant-layout-content').count());
      // The example texts of a new macro are in the interface's language too.
      await page.goto(`${server.url}/admin/macros`);
      await page.getByRole('button', { name: zh ? '新建宏' : 'New macro' }).click();
      await poll(() => page.getByRole('dialog').locator('textarea').count()).toBeGreaterThan(0);
      expect(await wrongLanguage()).toEqual([]);
      if (!zh) {
        // Back to Chinese, the demo admin's language, for whatever runs next.
        await page.goto(`${server.url}/inbox`);
        await page.getByText('中文', { exact: true }).click();
        await poll(() => page.getByText('收件箱', { exact: true }).count()).toBeGreaterThan(0);
      }
      expect(errors).toEqual([]);
    },
    300_000,
  );
});
