import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../support/browser.js';
import { consoleHarness } from '../support/console-harness.js';
import { outboxSettled, queryRows } from '../support/database.js';

/** Waits for the browser (45 s): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 45_000 });

/**
 * Review before send in the console: an admin marks a trainee's replies for review on the admin
 * page; the trainee's reply waits under the conversation ("awaiting review"), the customer gets
 * nothing; a supervisor approves it from the review queue, beside the conversation; it goes out
 * once and the trainee's page shows it sent, live.
 */
describe.skipIf(!hasChromium)('review before send, in Chromium', () => {
  const ui = consoleHarness('reviews', { fixture: 'review-ui' });
  const api = ui.api;

  /** Signed in with the translation check on: every string the page asks for must exist in its language. */
  const open = async (email: string, path: string) => {
    const { page, errors } = await ui.open(email, path);
    await page.evaluate("localStorage.setItem('huiliu.i18nCheck', '1')");
    await page.reload();
    return { page, errors };
  };
  const missingStrings = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { __huiliuMissingKeys?: string[] }).__huiliuMissingKeys ?? null);
  const agentReplies = (conversationId: string) =>
    queryRows<{ text: string }>(
      ui.server.database.url,
      `select text from messages where conversation_id = $1 and kind = 'out' and sender_type = 'agent'`,
      [conversationId],
    );

  it('a reviewer approves a trainee’s reply', async () => {
    const { ws } = ui;
    const trainee = `agent review-ui`;
    // The admin marks the trainee's replies for review.
    const admin = await open(ws.users.admin.email, '/admin');
    await admin.page.getByTestId('admin-menu-review-policies').click();
    await admin.page.waitForURL(/\/admin\/review-policies$/);
    await admin.page.getByTestId('review-policy-create').click();
    const drawer = admin.page.locator('.ant-drawer-open');
    await drawer.getByLabel('名称').fill('实习生');
    await drawer.getByLabel('坐席', { exact: true }).click();
    await admin.page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: trainee }).click();
    await drawer.getByTestId('review-policy-save').click();
    await poll(() => admin.page.getByTestId('review-policies').textContent()).toContain(`坐席: ${trainee}`);
    const policies = (await ws.clients.admin.get(api('/review-policies'))).body.items;
    expect(policies).toEqual([expect.objectContaining({ name: '实习生', conditions: { authorIds: [ws.users.agent.id] } })]);
    expect(await missingStrings(admin.page)).toEqual([]);

    // The trainee replies; it waits for review and reaches no one.
    const conversationId = ws.ids.conversation!;
    const author = await open(ws.users.agent.email, `/inbox/${conversationId}`);
    const box = author.page.getByRole('textbox', { name: '回复客户' });
    await box.fill('您好，订单明天发货，请耐心等待。');
    await box.press('Enter');
    await poll(() => box.inputValue()).toBe('');
    const held = author.page.getByTestId('held-reply');
    await poll(() => held.getAttribute('data-status')).toBe('pending');
    await poll(() => held.textContent()).toContain('等待审核 · 实习生');
    await outboxSettled(ui.server.database.url);
    expect(await agentReplies(conversationId)).toEqual([]);

    // A supervisor decides it from the queue, with the conversation beside it.
    const reviewer = await open(ws.users.supervisor.email, '/inbox');
    await reviewer.page.getByTestId('nav-reviews').click();
    await reviewer.page.waitForURL(/\/reviews$/);
    await poll(() => reviewer.page.getByTestId('review-item').count()).toBe(1);
    await poll(() => reviewer.page.getByTestId('review-text').textContent()).toBe('您好，订单明天发货，请耐心等待。');
    await poll(() => reviewer.page.getByTestId('review-context').textContent()).toContain('你好，我的订单还没发货');
    await reviewer.page.getByTestId('review-approve').click();
    await poll(() => reviewer.page.locator('.ant-message').textContent()).toContain('已通过，回复已发给客户');
    await poll(() => reviewer.page.getByTestId('review-item').count()).toBe(0);
    expect(await missingStrings(reviewer.page)).toEqual([]);

    // The trainee's page: the held reply is gone and the message is there, live; it went out once.
    await poll(() => author.page.getByTestId('held-reply').count()).toBe(0);
    await poll(() => author.page.getByTestId('conversation').textContent()).toContain('您好，订单明天发货，请耐心等待。');
    // The message says who approved it.
    await poll(() => author.page.getByTestId('message-approved').textContent()).toBe('supervisor review-ui 审核通过');
    await outboxSettled(ui.server.database.url);
    expect(await agentReplies(conversationId)).toEqual([{ text: '您好，订单明天发货，请耐心等待。' }]);
    const [review] = (await ws.clients.admin.get(api(`/reviews?conversationId=${conversationId}`))).body.items;
    expect(review).toMatchObject({ status: 'approved', decidedById: ws.users.supervisor.id });
    expect(await missingStrings(author.page)).toEqual([]);
    expect([...admin.errors, ...author.errors, ...reviewer.errors]).toEqual([]);
  });
});
