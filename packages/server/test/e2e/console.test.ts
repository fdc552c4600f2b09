import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify from 'fastify';
import { eq, ne } from 'drizzle-orm';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { kbFaqs, kbSuggestionUses } from '../../src/modules/knowledge/schema.js';
import { setPresence as storePresence } from '../../src/modules/routing/presence.js';
import { agentStates } from '../../src/modules/routing/schema.js';
import { registerConsole } from '../../src/platform/http/console.js';
import { firstWidgetInbox } from '../../src/modules/inboxes/service.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { repoRoot, recordFailure, saveScreenshot } from '../support/e2e.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Waits for the browser (20 s unless told): pages on a busy 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 20_000 }) => expect.poll(read, options);

describe('serving the console', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    // A fresh checkout builds the console here once (about a minute on two cores).
  }, 300_000);
  afterAll(async () => server?.stop());

  it('answers client-side routes with the app, leaves the API, the gateway and the server pages alone', async () => {
    for (const url of [
      '/',
      '/inbox',
      '/inbox/5b0c2d8e-0000-4000-8000-000000000000',
      '/login',
      '/reset-password?token=x',
      '/some/unknown/page',
    ]) {
      const response = await fetch(`${server.url}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<div id="root">');
    }
    const unknownApi = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(unknownApi.status).toBe(404);
    expect(((await unknownApi.json()) as any).error.code).toBe('not_found');
    expect((await fetch(`${server.url}/api`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${server.url}/widget.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${server.url}/files/nothing`)).status).toBe(404);
    expect((await fetch(`${server.url}/help`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).headers.get('content-type')).not.toContain('text/html');
    expect((await fetch(`${server.url}/assets/no-such-file.js`)).status).toBe(404);

    const html = await (await fetch(server.url)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('without a build, says how to make one instead of crashing', async () => {
    const app = Fastify();
    await registerConsole(app, path.join(repoRoot, 'no-such-console-dist'));
    const response = await app.inject({ method: 'GET', url: '/inbox' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
    expect((await app.inject({ method: 'GET', url: '/api/v1/x' })).statusCode).toBe(404);
    await app.close();
  });
});

interface Words {
  locale: string;
  email: string;
  password: string;
  login: string;
  presence: string;
  online: string;
  offline: string;
  openChat: string;
  widgetBox: RegExp;
  /** What the customer says to the demo shop's bot to reach a person. */
  handoff: string;
  replyBox: string;
  emoji: string;
  send: string;
  transfer: string;
  agent: string;
  transferNote: string;
  transferred: string;
  resolve: string;
  disposition: string;
  star5: string;
  submitRating: string;
  ratingEvent: string;
  csatComment: string;
  /** The comment the customer writes with the rating, as the agent reads it in the timeline. */
  ratingComment: [comment: string, event: string];
  resolvedState: string;
  mine: string;
  customerPanel: string;
}

const ZH: Words = {
  locale: 'zh-CN',
  email: '邮箱',
  password: '密码',
  login: '登录',
  presence: '在线状态',
  online: '在线',
  offline: '离线',
  openChat: '打开在线客服',
  widgetBox: /输入消息/,
  handoff: '转人工',
  replyBox: '回复客户',
  emoji: '表情',
  send: '发送',
  transfer: '转接',
  agent: '坐席',
  transferNote: '转接备注（接手的同事可见）',
  transferred: '已转接',
  resolve: '解决',
  disposition: '处理结果',
  star5: '5 星',
  submitRating: '提交评价',
  ratingEvent: '客户评价 5 星',
  csatComment: '还有什么想告诉我们的吗？（选填）',
  ratingComment: ['回复很及时', '客户评价 5 星：“回复很及时”'],
  resolvedState: '已解决',
  mine: '我的',
  customerPanel: '客户信息',
};

const EN: Words = {
  locale: 'en-US',
  email: 'Email',
  password: 'Password',
  login: 'Log in',
  presence: 'Presence',
  online: 'Online',
  offline: 'Offline',
  openChat: 'Open chat',
  widgetBox: /Type a message/,
  handoff: 'human',
  replyBox: 'Reply to the customer',
  emoji: 'Emoji',
  send: 'Send',
  transfer: 'Transfer',
  agent: 'Agent',
  transferNote: 'Note for the receiver (agents only)',
  transferred: 'Transferred',
  resolve: 'Resolve',
  disposition: 'Disposition',
  star5: '5 star(s)',
  submitRating: 'Send rating',
  ratingEvent: 'The customer rated 5 stars',
  csatComment: 'Anything else to tell us? (optional)',
  ratingComment: ['Quick and helpful', 'The customer rated 5 stars: “Quick and helpful”'],
  resolvedState: 'Resolved',
  mine: 'Mine',
  customerPanel: 'Customer',
};

describe.skipIf(!hasChromium)('the agent console with a customer on /demo, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    browser = await launchBrowser();
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'console',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  beforeEach(async () => {
    // Each test starts with nobody online, whatever an earlier (failed) one left behind.
    const present = await server.ctx.db.select().from(agentStates).where(ne(agentStates.status, 'offline'));
    for (const row of present) await server.ctx.db.transaction((tx) => storePresence(tx, row.workspaceId, row.userId, 'offline'));
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function newPage(locale: string, width = 1366, height = 768): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale, viewport: { width, height } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { page, errors };
  }

  /** Logs in through the form; the console lands on the inbox. */
  async function loginAgent(page: Page, email: string, words: Words) {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel(words.email).fill(email);
    await page.getByLabel(words.password).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: words.login }).click();
    await page.waitForURL(/\/inbox/);
    await poll(() => page.getByTestId('presence').count(), { timeout: 10_000 }).toBe(1);
    if (words.locale === 'en-US' && (await page.getByText('Mine', { exact: true }).count()) === 0) {
      // The account's language wins after login; switching is remembered on the account (PATCH /auth/me).
      await page.getByText('English', { exact: true }).click();
      await poll(() => page.getByText('Mine', { exact: true }).count()).toBe(1);
    }
  }

  async function setPresence(page: Page, words: Words, status: 'online' | 'offline') {
    await page.getByRole('combobox', { name: words.presence }).click();
    await page.locator('.ant-select-item-option', { hasText: status === 'online' ? words.online : words.offline }).click();
    await poll(() => page.getByTestId('presence').getAttribute('data-status')).toBe(status);
  }

  async function customerSays(page: Page, words: Words, text: string) {
    const box = page.getByRole('textbox', { name: words.widgetBox });
    await box.fill(text);
    await box.press('Enter');
  }

  const visible = (page: Page | Locator, text: string) => () => page.getByText(text, { exact: false }).count();

  // ---- agent assist: canned responses behind `/` and suggested answers (helpers of fullFlow)

  /** The open conversation's id, from the console's address. */
  const openConversationId = (page: Page) => /\/inbox\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';

  /**
   * The agent types `/`, narrows to the greeting with `hi`, moves with the arrow keys and picks
   * it with Enter: the server fills in the customer's and the agent's names, and the customer
   * receives exactly that text.
   */
  async function cannedResponseBySlash(agent: Page, customer: Page) {
    // The customer told the agent their name; the agent writes it in the 360 panel.
    const panel = agent.getByTestId('customer-panel');
    await panel.getByTestId('customer-name').getByRole('button').click();
    const nameBox = panel.locator('.ant-typography-edit-content textarea');
    await nameBox.fill('王小明');
    await nameBox.press('Enter');
    await poll(() => panel.getByTestId('customer-name').innerText()).toBe('王小明');
    const agentName = (await agent.getByTestId('user-menu').innerText()).trim();

    const box = agent.getByRole('textbox', { name: ZH.replyBox });
    await box.click();
    await agent.keyboard.type('/');
    const menu = agent.getByTestId('slash-menu');
    const options = menu.getByRole('option');
    // A bare `/` lists the workspace's canned responses.
    await poll(() => options.count()).toBeGreaterThan(2);
    await agent.keyboard.type('hi');
    await poll(() => menu.getAttribute('data-query')).toBe('hi');
    // The shortcut that matches best comes first; "ship" matches `hi` too, further down.
    await poll(() => options.first().innerText()).toContain('/hi');
    await poll(() => options.filter({ hasText: '/ship' }).count()).toBe(1);
    await agent.keyboard.press('ArrowDown');
    await poll(() => options.nth(1).getAttribute('aria-selected')).toBe('true');
    await agent.keyboard.press('ArrowUp');
    await poll(() => options.first().getAttribute('aria-selected')).toBe('true');
    await agent.keyboard.press('Enter');
    const rendered = `王小明您好，我是汇流商城客服${agentName}，很高兴为您服务！请问有什么可以帮您？`;
    await poll(() => box.inputValue()).toBe(rendered);
    expect(await menu.count()).toBe(0);
    // This Enter sends: the menu is closed.
    await box.press('Enter');
    await poll(visible(customer, rendered), { timeout: 20_000 }).toBe(1);
    await poll(() => box.inputValue()).toBe('');
    expect(await customer.getByText('{{', { exact: false }).count()).toBe(0);

    // A `/` inside a word (a URL, "1/2") does not open the menu.
    await box.fill('https://shop.example/hi');
    await poll(() => box.inputValue()).toBe('https://shop.example/hi');
    expect(await menu.count()).toBe(0);
    await box.fill('');
  }

  /**
   * The suggested-answers tab shows the knowledge base's answer to the customer's last
   * question; one click puts it (as plain text) in the reply box, and the use is recorded.
   */
  async function suggestedAnswerInserted(agent: Page, customer: Page, question: string, faq: { question: string; answer: string }) {
    const conversationId = openConversationId(agent);
    await agent.getByTestId('suggestions-tab').click();
    const panel = agent.getByTestId('suggestions-panel');
    await poll(() => panel.getByTestId('suggestions-query').innerText()).toBe(question);
    const suggestion = panel.getByTestId('suggestion').filter({ hasText: faq.question });
    await poll(() => suggestion.count()).toBe(1);
    await suggestion.getByRole('button', { name: '插入回复框' }).click();
    const box = agent.getByRole('textbox', { name: ZH.replyBox });
    await poll(() => box.inputValue()).toBe(faq.answer);
    await box.press('Enter');
    await poll(visible(customer, faq.answer), { timeout: 20_000 }).toBe(1);

    // Recorded: this conversation, that FAQ, this agent, for the customer's question.
    const me = (await (await agent.request.get(`${server.url}/api/v1/auth/me`)).json()).user.id;
    const uses = () =>
      server.ctx.db
        .select({ faq: kbFaqs.question, query: kbSuggestionUses.query, userId: kbSuggestionUses.userId })
        .from(kbSuggestionUses)
        .innerJoin(kbFaqs, eq(kbFaqs.id, kbSuggestionUses.faqId))
        .where(eq(kbSuggestionUses.conversationId, conversationId));
    await poll(uses).toEqual([{ faq: faq.question, query: question, userId: me }]);
    await agent.getByRole('tab', { name: ZH.customerPanel }).click();
  }

  async function fullFlow(words: Words, agentA: string, agentB: string, opening: string, shots: boolean) {
    // The first agent logs in and goes online.
    const { page: agent, errors: agentErrors } = await newPage(words.locale);
    await loginAgent(agent, agentA, words);
    await setPresence(agent, words, 'online');

    // The customer writes from the shop page.
    const { page: customer, errors: customerErrors } = await newPage(words.locale, 1280, 800);
    await customer.goto(`${server.url}/demo`);
    await customer.getByRole('button', { name: words.openChat }).click();
    // The demo shop's bot answers first; the customer asks for a person (转人工) and then writes.
    await customerSays(customer, words, words.handoff);
    await poll(() => customer.getByText(words.handoff, { exact: true }).count()).toBe(1);
    await customerSays(customer, words, opening);

    // Handed off and routed to the online agent: the conversation appears in "Mine" without a reload.
    const item = agent.getByTestId('conversation-item').filter({ hasText: opening });
    await poll(() => item.count(), { timeout: 20_000 }).toBe(1);
    await item.click();
    await poll(visible(agent.getByTestId('conversation'), opening)).toBe(1);
    // Screen pop: the customer panel shows where they came from.
    const panel = agent.getByTestId('customer-panel');
    await poll(() => panel.getByText(`${server.url}/demo`).count(), { timeout: 10_000 }).toBeGreaterThan(0);

    // The agent answers with the keyboard: r focuses the reply box, Enter sends.
    await agent.getByTestId('conversation').click({ position: { x: 5, y: 200 } });
    await agent.keyboard.press('r');
    const reply = words.locale === 'zh-CN' ? '您好，今天下单明天就能送到。' : 'Hello! Orders placed today arrive tomorrow.';
    await agent.keyboard.type(reply);
    await agent.keyboard.press('Enter');
    await poll(visible(customer, reply), { timeout: 20_000 }).toBe(1);
    // The widget acknowledged it: delivered (then read, once its panel is seen).
    await poll(() => agent.locator('[data-kind="out"] :is([data-delivery="delivered"], [data-delivery="read"])').count(), {
      timeout: 20_000,
    }).toBeGreaterThan(0);

    // Agent assist (the demo's canned responses and knowledge base are in Chinese).
    if (words.locale === 'zh-CN') {
      await cannedResponseBySlash(agent, customer);
      await suggestedAnswerInserted(agent, customer, opening, {
        question: '下单后多久发货？',
        answer: '现货商品 16:00 前付款当天发货，之后次日发货；预售商品以商品页写明的时间为准。',
      });
    }

    const followUp = words.locale === 'zh-CN' ? '好的，那可以开发票吗？' : 'Great, can I get an invoice?';
    await customerSays(customer, words, followUp);
    await poll(visible(agent.getByTestId('conversation'), followUp), { timeout: 20_000 }).toBe(1);
    if (shots) await saveScreenshot(agent, 'console-conversation.png');

    // A second agent comes online in a third window.
    const { page: second, errors: secondErrors } = await newPage(words.locale);
    await loginAgent(second, agentB, words);
    await setPresence(second, words, 'online');
    const secondName = (await second.getByTestId('user-menu').innerText()).trim();

    // Transfer, with a note for the receiver.
    await agent.getByRole('button', { name: words.transfer }).click();
    const dialog = agent.getByRole('dialog');
    await dialog.getByRole('combobox', { name: words.agent }).click();
    await agent.locator('.ant-select-item-option', { hasText: secondName }).click();
    const note = words.locale === 'zh-CN' ? '客户要开发票，请跟进' : 'Needs an invoice, please follow up';
    await dialog.getByLabel(words.transferNote).fill(note);
    await dialog.getByRole('button', { name: words.transfer }).click();
    await poll(() => agent.getByText(words.transferred).count()).toBeGreaterThan(0);

    // The receiver sees it arrive in "Mine", with the note, and carries on.
    const received = second.getByTestId('conversation-item').filter({ hasText: followUp });
    await poll(() => received.count(), { timeout: 20_000 }).toBe(1);
    await received.click();
    await poll(() => second.locator('[data-kind="note"]', { hasText: note }).count(), { timeout: 10_000 }).toBe(1);
    const answer = words.locale === 'zh-CN' ? '可以的，发票会随包裹寄出。' : 'Yes, the invoice ships with the parcel.';
    const box = second.getByRole('textbox', { name: words.replyBox });
    await box.fill(answer);
    // An emoji from the picker goes in at the caret.
    await second.getByRole('button', { name: words.emoji }).click();
    await second.getByRole('option', { name: '👍' }).click();
    await poll(() => box.inputValue()).toBe(`${answer}👍`);
    await box.press('Enter');
    await poll(visible(customer, answer)).toBe(1);
    // Sent (the box empties when the API has answered; the customer may see it before that).
    await poll(() => box.inputValue()).toBe('');

    // An image attachment: uploaded, sent, shown with a preview on both sides.
    await second.getByTestId('attach-input').setInputFiles({ name: 'invoice.png', mimeType: 'image/png', buffer: PNG });
    await poll(() => second.getByText('invoice.png').count()).toBe(1);
    await second.getByRole('button', { name: words.send }).click();
    await poll(() => second.locator('[data-kind="out"] img[alt="invoice.png"]').count()).toBe(1);
    await poll(() => customer.locator('img[alt="invoice.png"]').count()).toBeGreaterThan(0);
    // The customer never sees the internal note.
    expect(await customer.getByText(note).count()).toBe(0);

    // Resolve with a wrap-up.
    await second.getByRole('button', { name: new RegExp(`${words.resolve}$`) }).click();
    const wrap = second.getByRole('dialog');
    // A wrap-up code from the workspace's list (the demo's codes are in Chinese).
    await wrap.getByLabel(words.disposition).click();
    await second.locator('.ant-select-item-option', { hasText: '已解答' }).click();
    await wrap.getByRole('button', { name: words.resolve }).click();
    await poll(() => second.getByTestId('conversation-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('resolved');

    // The customer rates the service; the agent sees the rating appear.
    await customer.getByRole('radio', { name: words.star5 }).click({ timeout: 20_000 });
    await customer.getByRole('textbox', { name: words.csatComment }).fill(words.ratingComment[0]);
    await customer.getByRole('button', { name: words.submitRating }).click();
    await poll(visible(second, words.ratingEvent), { timeout: 20_000 }).toBe(1);
    // …with the customer's comment, not only the stars.
    await poll(visible(second, words.ratingComment[1]), { timeout: 20_000 }).toBe(1);

    // Go offline, so the next flow routes to whom it means to.
    await setPresence(second, words, 'offline');
    await setPresence(agent, words, 'offline');
    return { agent, second, customer, errors: [...agentErrors, ...customerErrors, ...secondErrors] };
  }

  it('chat both ways, transfer to a second agent, resolve, the customer rates (中文)', async () => {
    const { agent, customer, errors } = await fullFlow(
      ZH,
      'agent1@huiliu.demo',
      'agent2@huiliu.demo',
      '你好，我想问一下订单什么时候发货？',
      true,
    );

    // A hostile customer: markup stays text in the console, and nothing runs.
    await customer.reload();
    await customer.getByRole('button', { name: ZH.openChat }).click();
    const payload = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> <a href="javascript:window.__pwned=3">点我</a>`;
    await setPresence(agent, ZH, 'online');
    await customerSays(customer, ZH, ZH.handoff);
    await customerSays(customer, ZH, payload);
    await agent.getByText(ZH.mine, { exact: true }).click();
    const hostile = agent.getByTestId('conversation-item').filter({ hasText: '<script>' });
    await poll(() => hostile.count(), { timeout: 20_000 }).toBe(1);
    await hostile.click();
    const shown = agent.getByTestId('conversation').getByTestId('message-text').filter({ hasText: '<script>' });
    await poll(() => shown.count(), { timeout: 10_000 }).toBe(1);
    expect(await shown.innerText()).toBe(payload);
    expect(await agent.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await agent.locator('[data-testid="conversation"] img[src="x"]').count()).toBe(0);
    expect(await agent.locator('a[href^="javascript:"]').count()).toBe(0);
    await agent.getByText('全部', { exact: true }).click();
    await poll(() => agent.getByTestId('conversation-item').count()).toBeGreaterThan(1);
    await saveScreenshot(agent, 'console-inbox.png');
    await setPresence(agent, ZH, 'offline');
    expect(errors).toEqual([]);
  }, 420_000);

  it('the same flow in English, and the language stays with the user', async () => {
    const { errors } = await fullFlow(EN, 'agent1@huiliu.demo', 'agent3@huiliu.demo', 'Hi, when will my order ship?', false);
    expect(errors).toEqual([]);
    // Remembered on the account: a fresh browser shows English after login.
    const { page } = await newPage('zh-CN');
    await loginAgent(page, 'agent1@huiliu.demo', ZH);
    await poll(() => page.getByText('Mine', { exact: true }).count(), { timeout: 10_000 }).toBe(1);
  }, 240_000);

  it('filters the list by channel and by customer', async () => {
    const admin = new HttpClient(server.url);
    const login = await admin.login('admin@huiliu.demo', DEMO_PASSWORD);
    const workspaceId = login.body.user.memberships[0].workspaceId;
    const all = await admin.get(`/api/v1/workspaces/${workspaceId}/conversations`);
    expect(all.body.items.length).toBeGreaterThan(0);
    const widget = await admin.get(`/api/v1/workspaces/${workspaceId}/conversations?channel=widget`);
    expect(widget.body.items.length).toBe(all.body.items.length);
    const email = await admin.get(`/api/v1/workspaces/${workspaceId}/conversations?channel=email`);
    expect(email.body.items).toEqual([]);
    const first = all.body.items[0];
    const ofCustomer = await admin.get(`/api/v1/workspaces/${workspaceId}/conversations?customerId=${first.customerId}`);
    expect(ofCustomer.body.items.every((item: any) => item.customerId === first.customerId)).toBe(true);
    expect((await admin.get(`/api/v1/workspaces/${workspaceId}/conversations?channel=fax`)).status).toBe(400);
  });

  // ── Supervisor: the wallboard (its own test and helpers, apart from the agent flow above) ──

  /** A wallboard figure as the page shows it (`data-value` holds the raw number). */
  const figure = (page: Page, id: string) => async () => Number(await page.getByTestId(`wallboard-${id}`).getAttribute('data-value'));

  async function choose(page: Page, combobox: Locator, option: string) {
    await combobox.click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  }

  it('a supervisor watches the wallboard change as a conversation waits, is reassigned, taken over and resolved', async () => {
    const { page: board, errors } = await newPage(ZH.locale);
    await loginAgent(board, 'supervisor@huiliu.demo', ZH);
    // The menu entry only supervisors and admins have.
    await board.getByRole('button', { name: '监控大屏' }).click();
    await board.waitForURL(/\/supervisor$/);
    await poll(() => board.getByTestId('wallboard-waiting').count()).toBe(1);
    const waiting = figure(board, 'waiting');
    const inProgress = figure(board, 'in-progress');
    const offered = figure(board, 'offered');
    const answered = figure(board, 'answered');
    const busy = figure(board, 'agents-busy');
    const before = { waiting: await waiting(), inProgress: await inProgress(), offered: await offered(), answered: await answered() };
    const busyBefore = await busy();

    // An agent of other teams (and still in 简体中文: no other test uses them) logs in and sets "busy",
    // so the router leaves them alone: the count moves.
    const { page: agent, errors: agentErrors } = await newPage(ZH.locale);
    await loginAgent(agent, 'agent4@huiliu.demo', ZH);
    expect(await agent.getByRole('button', { name: '监控大屏' }).count()).toBe(0);
    await agent.getByRole('combobox', { name: ZH.presence }).click();
    await agent.locator('.ant-select-item-option', { hasText: '忙碌' }).click();
    await poll(() => agent.getByTestId('presence').getAttribute('data-status')).toBe('busy');
    await poll(busy).toBe(busyBefore + 1);

    // A customer asks for a person while nobody is online: one more waiting, one more offered today.
    const { page: customer, errors: customerErrors } = await newPage(ZH.locale, 1280, 800);
    await customer.goto(`${server.url}/demo`);
    await customer.getByRole('button', { name: ZH.openChat }).click();
    await customerSays(customer, ZH, ZH.handoff);
    await poll(() => customer.getByText(ZH.handoff, { exact: true }).count()).toBe(1);
    const opening = '请问你们支持七天无理由退货吗？';
    await customerSays(customer, ZH, opening);
    await poll(waiting, { timeout: 20_000 }).toBe(before.waiting + 1);
    expect(await offered()).toBe(before.offered + 1);
    // The longest wait runs on without a new answer from the server.
    const longest = figure(board, 'longest');
    const firstLook = await longest();
    await poll(longest, { timeout: 10_000 }).toBeGreaterThan(firstLook);
    const row = board.getByTestId('live-conversation').filter({ hasText: opening });
    await poll(() => row.getAttribute('data-state')).toBe('queued');
    const conversationId = (await row.getAttribute('data-conversation-id'))!;
    await saveScreenshot(board, 'console-wallboard.png');

    // A read-only look: the messages, no reply box.
    await row.getByRole('button', { name: '查看' }).click();
    const view = board.getByTestId('conversation-view');
    await poll(visible(view, opening)).toBe(1);
    await poll(() => view.getByTestId('read-only').count()).toBe(1);
    expect(await board.getByRole('textbox', { name: ZH.replyBox }).count()).toBe(0);
    await board.keyboard.press('Escape');
    await poll(() => view.count()).toBe(0);

    // Reassigned from the wallboard to the busy agent: the queue empties, in progress and answered grow,
    // the agent's load shows it, and it is in their "Mine".
    await choose(board, row.getByRole('combobox', { name: '改派给' }), '赵敏');
    await poll(waiting, { timeout: 20_000 }).toBe(before.waiting);
    await poll(inProgress).toBe(before.inProgress + 1);
    expect(await answered()).toBe(before.answered + 1);
    await poll(() => row.getAttribute('data-state')).toBe('assigned');
    await poll(() => agent.getByTestId('conversation-item').filter({ hasText: opening }).count(), { timeout: 20_000 }).toBe(1);
    await board.getByRole('tab', { name: '坐席' }).click();
    const loadOf = (name: string) => () =>
      board.getByTestId('agent-row').filter({ hasText: name }).getByTestId('load-widget').getAttribute('data-active');
    await poll(loadOf('赵敏')).toBe('1');
    await poll(() => board.getByTestId('agent-row').filter({ hasText: '赵敏' }).getAttribute('data-status')).toBe('busy');

    // In the inbox (a second tab of the supervisor) it is read-only until the supervisor takes it over.
    const inbox = await board.context().newPage();
    await inbox.goto(`${server.url}/inbox/${conversationId}`);
    await poll(() => inbox.getByTestId('read-only').count()).toBe(1);
    expect(await inbox.getByRole('textbox', { name: ZH.replyBox }).count()).toBe(0);
    await inbox.getByTestId('read-only').getByRole('button', { name: '接管' }).click();
    const box = inbox.getByRole('textbox', { name: ZH.replyBox });
    await poll(() => box.count()).toBe(1);
    const answer = '您好，我是主管李娜，支持七天无理由退货。';
    await box.fill(answer);
    await box.press('Enter');
    await poll(visible(customer, answer), { timeout: 20_000 }).toBe(1);
    // The wallboard, still open in the first tab, moves the load from the agent to the supervisor.
    await poll(loadOf('赵敏')).toBe('0');
    await poll(loadOf('李娜')).toBe('1');

    // Resolved: nothing of it is in progress any more.
    await inbox.getByRole('button', { name: new RegExp(`${ZH.resolve}$`) }).click();
    await inbox.getByRole('dialog').getByRole('button', { name: ZH.resolve }).click();
    await poll(() => inbox.getByTestId('conversation-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('resolved');
    await poll(inProgress, { timeout: 20_000 }).toBe(before.inProgress);
    await poll(loadOf('李娜')).toBe('0');
    await board.getByRole('tab', { name: '进行中的会话' }).click();
    await poll(() => board.getByTestId('live-conversation').filter({ hasText: opening }).count()).toBe(0);

    await setPresence(agent, ZH, 'offline');
    await poll(busy).toBe(busyBefore);
    expect([...errors, ...agentErrors, ...customerErrors]).toEqual([]);
  }, 420_000);

  // ---- merge customer and the Enter-to-send preference (supervisor's console)

  /** A customer who wrote from the widget (the demo shop's bot takes the conversation), with a name. */
  async function widgetCustomer(staff: HttpClient, workspaceId: string, name: string, text: string) {
    const inbox = await firstWidgetInbox(server.ctx.db, workspaceId);
    const visitor = await startVisitor(server.url, inbox!.publicKey);
    try {
      expect((await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text })).ok).toBe(true);
    } finally {
      visitor.socket.close();
    }
    expect((await staff.patch(`/api/v1/workspaces/${workspaceId}/customers/${visitor.session.customerId}`, { name })).status).toBe(200);
    const list = await staff.get(`/api/v1/workspaces/${workspaceId}/conversations?customerId=${visitor.session.customerId}`);
    return { customerId: visitor.session.customerId, conversationId: list.body.items[0].id as string };
  }

  /** From the 360 panel: search the other record, read the warning, merge; the panel shows both identities and both conversations. */
  async function mergeFromPanel(page: Page, sourceName: string) {
    const panel = page.getByTestId('customer-panel');
    await panel.getByRole('button', { name: '合并客户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: '按姓名、邮箱、手机号等搜索客户' }).fill(sourceName);
    await page.locator('.ant-select-item-option', { hasText: sourceName }).click();
    await poll(() => dialog.getByText('此操作无法撤销', { exact: false }).count()).toBe(1);
    await dialog.getByRole('button', { name: '确认合并' }).click();
    await poll(() => dialog.count()).toBe(0);
  }

  it('a supervisor merges a customer from the 360 panel; Enter-to-send is the user’s server preference', async () => {
    const staff = new HttpClient(server.url);
    const login = await staff.login('supervisor@huiliu.demo', DEMO_PASSWORD);
    const workspaceId = login.body.user.memberships[0].workspaceId;
    const target = await widgetCustomer(staff, workspaceId, '周杰', '我的快递到哪里了？');
    const source = await widgetCustomer(staff, workspaceId, '周杰（手机）', '退款多久能到账');

    const { page, errors } = await newPage('zh-CN');
    await loginAgent(page, 'supervisor@huiliu.demo', ZH);
    await page.goto(`${server.url}/inbox/${target.conversationId}`);
    const panel = page.getByTestId('customer-panel');
    await poll(() => panel.getByTestId('customer-name').innerText()).toBe('周杰');
    await poll(() => panel.getByText('网页访客').count()).toBe(1);
    await mergeFromPanel(page, '周杰（手机）');
    // Two browsers, one person: both visitor identities and both conversations are here now.
    await poll(() => panel.getByText('网页访客').count()).toBe(2);
    await poll(() => panel.getByTestId('customer-conversation').count()).toBe(2);
    const merged = await staff.get(`/api/v1/workspaces/${workspaceId}/conversations/${source.conversationId}`);
    expect(merged.body.customerId).toBe(target.customerId);
    expect((await staff.get(`/api/v1/workspaces/${workspaceId}/customers/${source.customerId}`)).status).toBe(404);

    // Enter-to-send off, in the bell menu: saved on the account, so it holds in any browser.
    await page.getByRole('button', { name: '通知设置' }).click();
    await page.getByRole('switch', { name: 'Enter 发送' }).click();
    await poll(async () => (await staff.get('/api/v1/auth/me')).body.user.preferences.enterToSend).toBe(false);
    await page.keyboard.press('Escape');
    // The bot has the conversation: a supervisor reads it until they take it over.
    await page.getByTestId('read-only').getByRole('button', { name: '接管' }).click();
    const box = page.getByRole('textbox', { name: ZH.replyBox });
    await poll(() => box.count()).toBe(1);
    // A half-written reply is still there after a reload (kept per conversation in the browser).
    await box.fill('草稿：稍后回复您');
    await page.reload();
    await poll(() => box.inputValue()).toBe('草稿：稍后回复您');
    await box.fill('');
    await box.click();
    await page.keyboard.type('第一行');
    await page.keyboard.press('Enter');
    await page.keyboard.type('第二行');
    await poll(() => box.inputValue()).toBe('第一行\n第二行');
    await page.keyboard.press('Control+Enter');
    await poll(() => page.getByTestId('conversation').locator('[data-kind="out"]', { hasText: '第二行' }).count()).toBe(1);
    await poll(() => box.inputValue()).toBe('');
    // Back to the default, so later flows with this account send on Enter.
    expect((await staff.patch('/api/v1/auth/me', { preferences: { enterToSend: true } })).status).toBe(200);
    expect(errors).toEqual([]);
  }, 240_000);
});
