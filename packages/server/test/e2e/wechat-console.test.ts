import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import { queryRows } from '../support/database.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import type { HttpClient } from '../support/http.js';
import { msgId, openId, startWechatInbox, until, type WechatInboxSetup } from '../support/wechat.js';
import { recordFailure, saveScreenshot } from '../support/e2e.js';

// A WeChat customer reaches an agent in the console; the agent's replies go out through the
// test double's custom/send, and when WeChat refuses one (45015) the console says so.
const APP_ID = 'wxe2e0000000000001';
const SECRET = 'e2e-app-secret-42';
const TOKEN = 'e2eToken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 20_000 }) => expect.poll(read, options);
const textOf = (record: { body: Record<string, unknown> }) => String((record.body.text as { content?: string } | undefined)?.content ?? '');

describe.skipIf(!hasChromium)('a WeChat conversation in the console, in Chromium', () => {
  let setup: WechatInboxSetup;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // A short passive wait: the agent's replies come after the callback answered, so they go by custom/send.
    setup = await startWechatInbox({
      appId: APP_ID,
      appSecret: SECRET,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      label: 'wechat-e2e',
      env: { WECHAT_PASSIVE_WAIT_MS: '300' },
      inbox: (fixture) => ({ defaultTeamId: fixture.teamId, welcomeText: '欢迎关注汇流商城！回复“转人工”联系客服。' }),
    });
    const bot = await setup.ws.clients.admin.put(setup.api(`/inboxes/${setup.inboxId}/bot`), {
      enabled: true,
      greeting: '您好，我是小流。',
    });
    expect(bot.status).toBe(200);
    browser = await launchBrowser();
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'wechat',
      contexts.flatMap((context) => context.pages()),
      setup?.server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await setup?.stop();
  });

  /** A browser window logged in as the fixture user behind `client` (its session cookie). */
  async function pageAs(client: HttpClient, height = 800): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height } });
    contexts.push(context);
    const [name, value] = client.cookie!.split(';')[0]!.split('=') as [string, string];
    await context.addCookies([{ name, value, url: setup.server.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  it('routes 转人工 to the agent, sends the reply by custom/send, shows the window and quota, and explains a 45015', async () => {
    const { ws, driver, double, server } = setup;
    await ws.clients.agent.put(setup.api('/presence/me'), { status: 'online' });
    const { page: agent, errors } = await pageAs(ws.clients.agent);
    await agent.goto(`${server.url}/inbox`);
    await poll(() => agent.getByTestId('presence').count()).toBe(1);

    // The customer follows the account and asks for a person.
    const user = openId();
    expect((await driver.post(WechatDriver.event(user, 'subscribe'))).status).toBe(200);
    expect((await driver.post(WechatDriver.text(user, '转人工', msgId()))).status).toBe(200);
    const conversation = await until(async () => {
      const [row] = await queryRows<{ id: string; state: string; assignee_id: string | null }>(
        server.database.url,
        `select c.id, c.state, c.assignee_id from conversations c join customer_identities i on i.customer_id = c.customer_id
         where i.value = $1 order by c.created_at desc limit 1`,
        [user],
      );
      return row?.state === 'assigned' ? row : undefined;
    }, 'the conversation assigned');
    expect(conversation.assignee_id).toBe(ws.users.agent.id);

    // The agent opens it; the composer shows the 48-hour window and the quota.
    await agent.goto(`${server.url}/inbox/${conversation.id}`);
    await poll(() => agent.getByTestId('conversation').getByText('转人工', { exact: true }).count()).toBe(1);
    const window = agent.getByTestId('wechat-window');
    await poll(() => window.getAttribute('data-state')).toBe('open');
    const before = Number(await window.getAttribute('data-remaining'));
    expect(before).toBeGreaterThan(0);
    await poll(() => window.getByText('48 小时回复窗口还剩').count()).toBe(1);

    // The agent replies in the console: the reply reaches the double's custom/send, and the quota goes down by one.
    const reply = '您好，我是客服小汇，请问有什么可以帮您？';
    await agent.locator('#reply-box').fill(reply);
    await agent.locator('#reply-box').press('Enter');
    const sent = await until(
      async () => double.sentOf('custom.send').find((record) => record.body.touser === user && textOf(record) === reply),
      'the reply through custom/send',
    );
    expect(sent.body).toEqual({ touser: user, msgtype: 'text', text: { content: reply } });
    await poll(() => agent.locator('[data-kind="out"] [data-delivery="delivered"]').count()).toBeGreaterThan(0);
    await poll(() => window.getAttribute('data-remaining')).toBe(String(before - 1));
    await poll(() => window.getByText(`可再发 ${before - 1} / 5 条消息`).count()).toBe(1);

    // WeChat refuses the next one (outside the 48-hour window): the message shows failed and the composer says why.
    double.failNext('custom.send', 45015);
    await agent.locator('#reply-box').fill('请问还在吗？');
    await agent.locator('#reply-box').press('Enter');
    await poll(() => agent.locator('[data-kind="out"] [data-delivery="failed"]').count()).toBe(1);
    const failed = agent.getByTestId('wechat-failed');
    await poll(() => failed.getAttribute('data-refusal')).toBe('window');
    await poll(() => failed.getByText('回复未送达：已超出 48 小时回复窗口 (45015)').count()).toBe(1);
    // The reason itself, from the server, under it and on the message.
    await poll(() => failed.getByText('超出 48 小时回复窗口', { exact: false }).count()).toBeGreaterThan(1);
    await agent.locator('[data-kind="out"] [data-delivery="failed"]').hover();
    await poll(() => agent.getByRole('tooltip').getByText('45015', { exact: false }).count()).toBe(1);
    // A refused message does not count against the quota.
    expect(await window.getAttribute('data-remaining')).toBe(String(before - 1));
    await saveScreenshot(agent, 'console-wechat-window.png');

    // The customer writes again: the notice of the failure gives way once a reply goes out.
    await driver.post(WechatDriver.text(user, '在的', msgId()));
    await poll(() => agent.getByTestId('conversation').getByText('在的', { exact: true }).count()).toBe(1);
    await poll(() => window.getAttribute('data-remaining')).toBe('5');
    await agent.locator('#reply-box').fill('好的，马上为您处理。');
    await agent.locator('#reply-box').press('Enter');
    await poll(() => agent.getByTestId('wechat-failed').count()).toBe(0);
    await poll(() => window.getAttribute('data-remaining')).toBe('4');
    expect(errors).toEqual([]);
  }, 240_000);

  it('the inbox panel shows the callback URL, health and call log, and saves settings without ever showing a secret', async () => {
    const { ws, server } = setup;
    const { page: admin, errors } = await pageAs(ws.clients.admin, 1600);
    // The panel is the WeChat tab of the inbox on the admin inboxes page.
    await admin.goto(`${server.url}/admin/inboxes`);
    await admin.getByTestId('inboxes-page').getByRole('button', { name: '汇流商城公众号' }).click();
    const panel = admin.getByTestId('wechat-inbox-panel');
    await poll(() => panel.count()).toBe(1);
    await poll(() => admin.getByTestId('wechat-callback-url').innerText()).toContain(setup.callbackPath);
    await poll(() => admin.getByTestId('wechat-token-state').getAttribute('data-state')).toBe('valid');
    // The call log has the callbacks and the API calls of the first test, without secrets.
    const log = admin.getByTestId('wechat-log');
    await poll(() => log.getByText('custom.send').count()).toBeGreaterThan(0);
    await poll(() => log.getByText('callback.text').count()).toBeGreaterThan(0);
    const html = await admin.content();
    for (const secret of [SECRET, TOKEN, AES_KEY]) expect(html).not.toContain(secret);
    // Secrets are write-only: their fields start empty.
    expect(await admin.getByLabel('AppSecret').inputValue()).toBe('');
    expect(await admin.getByLabel('Token', { exact: true }).inputValue()).toBe('');

    await admin.getByLabel('欢迎语').fill('您好！这里是汇流商城。');
    await admin.getByRole('button', { name: '添加菜单映射' }).click();
    await admin.getByLabel('菜单 key').fill('MENU_ORDER');
    await admin.getByLabel('咨询主题').fill('订单');
    await admin.getByLabel('每 48 小时发送额度').fill('4');
    await panel.getByRole('button', { name: '保存' }).click();
    await poll(() => admin.getByText('已保存').count()).toBeGreaterThan(0);
    const stored = await ws.clients.admin.get(setup.api(`/wechat-inboxes/${setup.inboxId}`));
    expect(stored.body).toMatchObject({ welcomeText: '您好！这里是汇流商城。', menuTopics: { MENU_ORDER: '订单' }, quotaPerWindow: 4 });
    // The secrets were not touched by a save that left them empty: callbacks still verify.
    expect((await setup.driver.verifyUrl('still-here')).body).toBe('still-here');
    await admin.getByTestId('wechat-callback-url').scrollIntoViewIfNeeded();
    await saveScreenshot(admin, 'console-wechat-inbox.png');

    // A bad AppID is refused in the form, with the reason, and nothing is sent.
    await admin.getByLabel('AppID').fill('无效');
    await panel.getByRole('button', { name: '保存' }).click();
    await poll(() => admin.getByText('请输入正确的 AppID', { exact: false }).count()).toBe(1);
    expect((await ws.clients.admin.get(setup.api(`/wechat-inboxes/${setup.inboxId}`))).body.appId).toBe(APP_ID);
    expect(errors).toEqual([]);
  }, 240_000);

  it('recommends safe mode, in both languages, as soon as plain or compatible mode is chosen', async () => {
    const { ws, server } = setup;
    const { page: admin, errors } = await pageAs(ws.clients.admin, 1600);
    await admin.goto(`${server.url}/admin/inboxes`);
    await admin.getByTestId('inboxes-page').getByRole('button', { name: '汇流商城公众号' }).click();
    const panel = admin.getByTestId('wechat-inbox-panel');
    await poll(() => panel.count()).toBe(1);
    const warning = admin.getByTestId('wechat-unsigned-mode-warning');
    // The inbox is in safe mode: nothing to warn about.
    expect(await warning.count()).toBe(0);
    await admin.getByLabel('消息加解密方式').click();
    await admin.getByTitle('明文模式').click();
    await poll(() => warning.count()).toBe(1);
    expect(await warning.innerText()).toContain('建议使用安全模式');
    expect(await warning.innerText()).toContain('不覆盖消息内容');
    await admin.getByLabel('消息加解密方式').click();
    await admin.getByTitle('安全模式（推荐）').click();
    await poll(() => warning.count()).toBe(0);

    // In English (the header's switch, remembered on the account) the same advice.
    await admin.getByLabel('消息加解密方式').click();
    await admin.getByTitle('兼容模式').click();
    await poll(() => warning.count()).toBe(1);
    const english = await ws.clients.admin.patch('/api/v1/auth/me', { locale: 'en' });
    expect(english.status).toBe(200);
    await admin.reload();
    await admin.getByTestId('inboxes-page').getByRole('button', { name: '汇流商城公众号' }).click();
    await poll(() => panel.count()).toBe(1);
    await admin.getByLabel('Message encryption').click();
    await admin.getByTitle('Plain').click();
    await poll(() => warning.count()).toBe(1);
    expect(await warning.innerText()).toContain('Safe mode is recommended');
    expect(await warning.innerText()).toContain('not the message');
    await ws.clients.admin.patch('/api/v1/auth/me', { locale: 'zh-CN' });
    // Nothing was saved by choosing.
    expect((await ws.clients.admin.get(setup.api(`/wechat-inboxes/${setup.inboxId}`))).body.mode).toBe('safe');
    expect(errors).toEqual([]);
  }, 240_000);
});
