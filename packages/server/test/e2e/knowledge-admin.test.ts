import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { connectAgent } from '../support/chat.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { recordFailure, saveScreenshot } from '../support/e2e.js';

/** Waits for the browser (20 s unless told): pages on a busy 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 20_000 }) => expect.poll(read, options);

// Row 3 has no standard question: it is refused with its row number, the other two are kept.
const CSV = [
  '标准问,相似问,答案,分类',
  '礼品卡怎么绑定？,礼品卡在哪里充值|怎么使用礼品卡,在 **我的 → 礼品卡** 输入卡号和密码即可绑定，余额可直接抵扣订单。,礼品卡',
  ',没有标准问的一行,这一行缺少标准问,礼品卡',
  '礼品卡可以退吗？,,礼品卡售出后不退不换，余额长期有效。,礼品卡',
].join('\n');
const GIFT_CARD = '礼品卡怎么绑定？';
const GIFT_CARD_ANSWER = '输入卡号和密码即可绑定';
/** Added in the console as a similar question: the bot must answer it from then on. */
const NEW_SIMILAR = '朋友送我的购物卡怎么用';
/** Asked before the knowledge base knows gift cards: the learning loop collects it. */
const UNANSWERED = '电子礼品卡的卡密可以转赠给家人吗';

describe.skipIf(!hasChromium)('content admin in the console, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let api: HttpClient;
  let base: string;
  let agentSocket: Awaited<ReturnType<typeof connectAgent>> | undefined;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    api = new HttpClient(server.url);
    const login = await api.login('admin@huiliu.demo', DEMO_PASSWORD);
    base = `/api/v1/workspaces/${login.body.user.memberships[0].workspaceId}`;
    // With nobody online the widget offers a message form instead of the chat: an agent is on duty.
    const agent = new HttpClient(server.url);
    await agent.login('agent2@huiliu.demo', DEMO_PASSWORD);
    agentSocket = await connectAgent(server.url, agent);
    expect((await agent.put(`${base}/presence/me`, { status: 'online' })).status).toBe(200);
    browser = await launchBrowser();
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'knowledge-admin',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    agentSocket?.socket.close();
    await browser?.close();
    await server?.stop();
  });

  async function newPage(width = 1366, height = 768): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    return page;
  }

  async function loginAdmin(): Promise<Page> {
    const page = await newPage();
    await page.goto(`${server.url}/admin/knowledge`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('邮箱').fill('admin@huiliu.demo');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // Back where the admin wanted to go.
    await page.waitForURL(/\/admin\/knowledge/);
    return page;
  }

  async function customerAsks(page: Page, text: string) {
    const box = page.getByRole('textbox', { name: /输入消息/ });
    await box.fill(text);
    await box.press('Enter');
  }

  async function openChat(): Promise<Page> {
    const page = await newPage(1280, 800);
    await page.goto(`${server.url}/demo`);
    await page.getByRole('button', { name: '打开在线客服' }).click();
    return page;
  }

  const openQuestions = async () => ((await api.get(`${base}/knowledge/unanswered`)).body as { text: string }[]).map((row) => row.text);
  const findFaq = async (question: string) =>
    (
      (await api.get(`${base}/knowledge/faqs?q=${encodeURIComponent(question)}`)).body.items as {
        id: string;
        question: string;
        similarQuestions: string[];
      }[]
    ).find((faq) => faq.question === question);

  it('imports FAQs with a bad row reported, edits a similar question the bot then answers, and turns an unanswered question into a similar question', async () => {
    // A customer asks what the knowledge base does not know yet: the bot cannot answer, the learning loop counts it.
    const early = await openChat();
    await customerAsks(early, UNANSWERED);
    await poll(async () => (await openQuestions()).includes(UNANSWERED) || (await early.getByText('您是不是想问').count()) > 0).toBe(true);
    // Unsure twice in a row counts as a failure too (low confidence).
    if (!(await openQuestions()).includes(UNANSWERED)) await customerAsks(early, UNANSWERED);
    await poll(async () => (await openQuestions()).includes(UNANSWERED)).toBe(true);

    // The admin imports a CSV whose third row is bad.
    const admin = await loginAdmin();
    await admin.getByRole('button', { name: /导入$/ }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'faqs.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await poll(() => dialog.getByRole('textbox').inputValue()).toContain(GIFT_CARD);
    await dialog.getByRole('button', { name: '导入', exact: true }).click();
    const result = dialog.getByTestId('faq-import-result');
    await poll(() => result.getByText('新增 2 条，更新 0 条，1 行未导入').count()).toBe(1);
    const refused = result.locator('tbody tr');
    await poll(() => refused.count()).toBe(1);
    expect(await refused.locator('td').first().innerText()).toBe('3');
    expect(await refused.innerText()).toContain('标准问 (question) is empty');
    await dialog.getByRole('button', { name: '关闭', exact: true }).last().click();
    // The good rows are in the list.
    await admin.getByPlaceholder('搜索标准问或相似问').fill('礼品卡');
    const row = admin.locator('tbody tr', { hasText: GIFT_CARD });
    await poll(() => row.count()).toBe(1);
    await poll(() => admin.locator('tbody tr', { hasText: '礼品卡可以退吗？' }).count()).toBe(1);
    await saveScreenshot(admin, 'admin-knowledge.png');

    // Edit the FAQ: one more similar question.
    await row.getByRole('button', { name: '编辑' }).click();
    const drawer = admin.locator('.ant-drawer');
    await poll(() => drawer.getByRole('textbox', { name: '相似问 2' }).inputValue()).toBe('怎么使用礼品卡');
    await drawer.getByRole('button', { name: /添加相似问/ }).click();
    await drawer.getByRole('textbox', { name: '相似问 3' }).fill(NEW_SIMILAR);
    await drawer.getByRole('button', { name: '保存', exact: true }).click();
    await poll(async () => (await findFaq(GIFT_CARD))?.similarQuestions).toEqual(['礼品卡在哪里充值', '怎么使用礼品卡', NEW_SIMILAR]);

    // A customer asks exactly that new similar question: the bot answers from the FAQ.
    const customer = await openChat();
    await customerAsks(customer, NEW_SIMILAR);
    await poll(() => customer.getByText(GIFT_CARD_ANSWER, { exact: false }).count()).toBe(1);

    // The learning loop shows the unanswered question with its count; one click adds it to the FAQ.
    await admin.goto(`${server.url}/admin/learning`);
    const question = admin.locator(`[data-testid="unanswered-row"][data-question="${UNANSWERED}"]`);
    await poll(() => question.count()).toBe(1);
    await saveScreenshot(admin, 'admin-learning.png');
    await question.getByRole('button', { name: /加为相似问/ }).click();
    const picker = admin.getByRole('dialog');
    await picker.getByRole('combobox').fill('礼品卡怎么');
    await admin.locator('.ant-select-item-option', { hasText: GIFT_CARD }).click();
    await picker.getByRole('button', { name: '添加', exact: true }).click();
    await poll(() => question.count()).toBe(0);
    expect((await findFaq(GIFT_CARD))?.similarQuestions).toContain(UNANSWERED);
    expect(await openQuestions()).not.toContain(UNANSWERED);
    expect(errors).toEqual([]);
  }, 300_000);

  it('creates a canned response with a variable preview, and a disposition code that it then disables', async () => {
    const admin = await loginAdmin();
    await admin.goto(`${server.url}/admin/canned`);
    await admin.getByRole('button', { name: /新建快捷回复/ }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('快捷码').fill('lipinka');
    await dialog.getByLabel('标题').fill('礼品卡绑定');
    await dialog.getByLabel('内容').fill('您好 {{customer.name}}，礼品卡在“我的 → 礼品卡”中绑定。');
    await poll(() => dialog.getByTestId('canned-preview').innerText()).toContain('您好 张三，礼品卡');
    await dialog.getByRole('button', { name: '保存', exact: true }).click();
    await poll(() => admin.locator('tbody tr', { hasText: '/lipinka' }).count()).toBe(1);
    const canned = (await api.get(`${base}/canned-responses?q=lipinka`)).body.items as {
      shortcut: string;
      text: string;
      teamId: string | null;
    }[];
    expect(canned).toEqual([
      expect.objectContaining({ shortcut: 'lipinka', text: '您好 {{customer.name}}，礼品卡在“我的 → 礼品卡”中绑定。', teamId: null }),
    ]);

    await admin.getByTestId('admin-menu-dispositions').click();
    await admin.getByLabel('代码', { exact: true }).fill('gift_card');
    await admin.getByLabel('名称', { exact: true }).fill('礼品卡咨询');
    await admin.getByRole('button', { name: /添加$/ }).click();
    const code = admin.locator('tbody tr', { hasText: 'gift_card' });
    await poll(() => code.count()).toBe(1);
    const stored = async () =>
      ((await api.get(`${base}/disposition-codes`)).body.items as { code: string; label: string; enabled: boolean }[]).find(
        (row) => row.code === 'gift_card',
      );
    expect(await stored()).toMatchObject({ label: '礼品卡咨询', enabled: true });
    await code.getByRole('switch', { name: '启用 gift_card' }).click();
    await poll(async () => (await stored())?.enabled).toBe(false);

    // The bot settings of the first inbox: a keyword rule added in the console is stored after the others.
    const inboxId = ((await api.get(`${base}/inboxes`)).body.items as { id: string }[])[0]!.id;
    const rules = async () => (await api.get(`${base}/inboxes/${inboxId}/bot`)).body.keywordRules as unknown[];
    const before = (await rules()).length;
    await admin.getByTestId('admin-menu-bot').click();
    await poll(() => admin.getByLabel('欢迎语').inputValue()).not.toBe('');
    await admin.getByRole('button', { name: /添加规则/ }).click();
    const rule = admin.getByTestId('keyword-rule').last();
    await rule.getByRole('textbox', { name: '关键词或正则' }).fill('礼品卡');
    await rule.getByRole('textbox', { name: '机器人回复（可留空）' }).fill('礼品卡的问题请看帮助中心。');
    // The small-talk replies are the inbox's own, in both languages.
    await admin.getByLabel('道谢（谢谢） · 中文').fill('不客气，祝您购物愉快！');
    await admin.getByRole('button', { name: '保存', exact: true }).click();
    await poll(async () => (await rules()).length).toBe(before + 1);
    expect((await api.get(`${base}/inboxes/${inboxId}/bot`)).body.smallTalk.thanks).toEqual({
      zh: '不客气，祝您购物愉快！',
      en: 'You are welcome! Ask me anything else any time.',
    });
    expect((await rules()).at(-1)).toEqual({ match: 'contains', pattern: '礼品卡', reply: '礼品卡的问题请看帮助中心。', handoff: false });
    await saveScreenshot(admin, 'admin-bot.png');

    // Bot metrics, then the same page in English.
    await admin.getByTestId('admin-menu-bot-metrics').click();
    await poll(() => admin.getByTestId('bot-metrics').getByText('独立解决率').count()).toBe(1);
    await admin.getByText('English', { exact: true }).click();
    await poll(() => admin.getByTestId('bot-metrics').getByText('Containment').count()).toBe(1);
    await poll(() => admin.getByTestId('admin-menu-knowledge').innerText()).toBe('Knowledge base');
    expect(errors).toEqual([]);
  }, 240_000);
});
