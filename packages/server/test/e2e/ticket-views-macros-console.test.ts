import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ticketBulkJobs } from '../../src/modules/tickets/views-macros/schema.js';
import { hasChromium } from '../support/browser.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { whenOpened } from '../support/e2e.js';
import { consoleHarness } from '../support/console-harness.js';

/** Waits for the browser (45 s): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 45_000 });
const SEARCH = '搜索主题和对话内容';

interface StoredTicket {
  id: string;
  number: number;
  status: string;
  assigneeId: string | null;
  tags: string[];
  comments: { visibility: string; text: string }[];
}

describe.skipIf(!hasChromium)('ticket views, bulk actions and macros in the console, in Chromium', () => {
  const ui = consoleHarness('ticket-views-macros', { fixture: 'views-ui', viewport: { width: 1440, height: 900 }, throttle: true });
  const api = ui.api;
  const stored = async (id: string) => (await ui.ws.clients.admin.get(api(`/tickets/${id}`))).body as StoredTicket;
  const open = ui.open;

  /** Picks an option of an Ant Design select (its dropdown is rendered at the end of the page). */
  async function choose(page: Page, select: Locator, option: string) {
    await select.click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  }

  const newTicket = async (subject: string, tags: string[]) => {
    const created = await ui.ws.clients.admin.post(api('/tickets'), {
      subject,
      requesterId: ui.ws.ids.customer,
      teamId: ui.ws.teamId,
      tags,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as StoredTicket;
  };

  it('an agent opens a view and sees its count live, selects tickets, changes status and assignee in bulk, and sees progress and each outcome', async () => {
    const tag = `批量-${randomUUID().slice(0, 6)}`;
    const tickets = [await newTicket('发票抬头错误', [tag]), await newTicket('快递破损', [tag]), await newTicket('重复扣款', [tag])];
    const closed = tickets[2]!;
    await ui.ws.clients.admin.patch(api(`/tickets/${closed.id}`), { status: 'solved' });
    expect((await ui.ws.clients.admin.patch(api(`/tickets/${closed.id}`), { status: 'closed' })).status).toBe(200);
    const view = await ui.ws.clients.admin.post(api('/views'), { name: '待批量处理', shared: true, filter: { tags: [tag] } });
    expect(view.status, JSON.stringify(view.body)).toBe(201);

    const { page, errors } = await open(ui.ws.users.agent.email, '/tickets');
    const entry = page.getByTestId(`view-${view.body.id}`);
    const count = entry.getByTestId('view-count');
    await poll(() => count.getAttribute('data-count')).toBe('3');
    await entry.click();
    const rows = page.getByTestId('ticket-table').locator('tbody tr.ant-table-row');
    await poll(() => page.getByTestId('ticket-list-title').textContent()).toBe('待批量处理');
    await poll(() => rows.count()).toBe(3);

    // A ticket event refreshes the count and the list without a reload.
    const late = await newTicket('退货地址', [tag]);
    await poll(() => count.getAttribute('data-count')).toBe('4');
    await poll(() => rows.count()).toBe(4);

    // Select with the keyboard (x on the first row, j to move) and with the checkboxes.
    await page.getByTestId('ticket-list-title').click();
    await page.keyboard.press('x');
    await poll(() => page.getByTestId('bulk-selected').textContent()).toBe('已选 1 个工单');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await poll(() => page.getByTestId('bulk-selected').textContent()).toBe('已选 2 个工单');
    for (const ticket of tickets) {
      const checkbox = rows.filter({ hasText: `#${ticket.number}` }).locator('.ant-table-selection-column input');
      if (!(await checkbox.isChecked())) await checkbox.click();
    }
    await page.keyboard.press('?');
    await poll(() => page.getByTestId('shortcuts-help').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('shortcuts-help').isVisible()).toBe(false);
    // x chose the newest (the late one), j-x the next; the checkboxes the rest.
    await poll(() => page.getByTestId('bulk-selected').textContent()).toBe('已选 4 个工单');
    // Keys typed into a field are no shortcuts.
    const search = page.getByLabel(SEARCH, { exact: true });
    await search.click();
    await search.press('x');
    await search.press('k');
    await search.press('x');
    expect(await search.inputValue()).toBe('xkx');
    await search.fill('');
    expect(await page.getByTestId('bulk-selected').textContent()).toBe('已选 4 个工单');

    const bar = page.getByTestId('bulk-bar');
    await choose(page, bar.getByLabel('状态改为'), '等待客户');
    await choose(page, bar.getByLabel('分配给'), '我');
    await bar.getByRole('button', { name: '应用到 4 个工单' }).click();

    const progress = page.getByTestId('bulk-progress');
    await poll(() => progress.getAttribute('data-status')).toBe('done');
    expect(await progress.getAttribute('data-processed')).toBe('4');
    await poll(() => progress.textContent()).toContain('3 个已更改');
    const outcomes = page.getByTestId('bulk-outcomes');
    await poll(() => outcomes.locator('tr', { hasText: `#${closed.number}` }).textContent()).toContain('工单已关闭，不能再修改');
    for (const ticket of [tickets[0]!, tickets[1]!, late])
      await poll(() => outcomes.locator('tr', { hasText: `#${ticket.number}` }).textContent()).toContain('已更改');

    // The server holds what the result says: one job, the open tickets changed, the closed one not.
    for (const ticket of [tickets[0]!, tickets[1]!, late])
      expect(await stored(ticket.id)).toMatchObject({ status: 'pending', assigneeId: ui.ws.users.agent.id });
    expect(await stored(closed.id)).toMatchObject({ status: 'closed', assigneeId: null });
    const jobs = await ui.server.ctx.db.select().from(ticketBulkJobs).where(eq(ticketBulkJobs.workspaceId, ui.ws.workspaceId));
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ requestedById: ui.ws.users.agent.id, total: 4, processed: 4, changed: 3, failed: 1 });
    expect(jobs[0]!.idempotencyKey).toBeTruthy();

    await page.getByTestId('bulk-close').click();
    await poll(() => page.getByTestId('bulk-bar').count()).toBe(0);

    // The current filter saved as a personal view (an agent may not share).
    await choose(page, page.getByLabel('状态', { exact: true }), '等待客户');
    await page.getByRole('button', { name: '保存为视图' }).click();
    const dialog = await whenOpened(page.locator('.ant-modal:visible'));
    expect(await dialog.getByText('共享给整个工作区').count()).toBe(0);
    await dialog.getByLabel('视图名称').fill('我的等待中');
    await dialog.getByRole('button', { name: '保存' }).click();
    await poll(async () => {
      const views = (await ui.ws.clients.agent.get(api('/views'))).body.items as {
        name: string;
        shared: boolean;
        ownerId: string;
        filter: unknown;
      }[];
      return views.find((entry) => entry.name === '我的等待中');
    }).toMatchObject({ shared: false, ownerId: ui.ws.users.agent.id, filter: { tags: [tag], status: ['pending'] } });
    await poll(() => page.getByTestId('ticket-list-title').textContent()).toBe('我的等待中');
    await poll(() => rows.count()).toBe(3);
    expect(errors).toEqual([]);
  }, 300_000);

  it('an admin defines a macro on the admin page; an agent previews it on a ticket and applies it', async () => {
    const { page: adminPage, errors: adminErrors } = await open(ui.ws.users.admin.email, '/admin/macros');
    await adminPage.getByRole('button', { name: '新建宏' }).click();
    const dialog = await whenOpened(adminPage.locator('.ant-modal:visible'));
    await dialog.getByLabel('名称', { exact: true }).fill('已处理待确认');
    await dialog.getByLabel('共享给整个工作区').click();
    await choose(adminPage, dialog.getByLabel('状态', { exact: true }), '等待客户');
    await dialog.getByLabel('添加标签').fill('已回复');
    await dialog.getByLabel('添加标签').press('Enter');
    await dialog.getByLabel('回复客户').fill('您好，工单 {{ticket.number}} 已处理，请确认。{{agent.name}}');
    await dialog.getByRole('button', { name: '保存' }).click();
    type StoredMacro = { id: string; name: string; shared: boolean; actions: unknown[] };
    await poll(async () =>
      ((await ui.ws.clients.admin.get(api('/macros'))).body.items as StoredMacro[]).find((entry) => entry.name === '已处理待确认'),
    ).toMatchObject({
      shared: true,
      actions: [
        { type: 'tags_add', tags: ['已回复'] },
        { type: 'reply', text: '您好，工单 {{ticket.number}} 已处理，请确认。{{agent.name}}' },
        { type: 'status', status: 'pending' },
      ],
    });
    await poll(() => adminPage.getByTestId('macros-table').getByText('已处理待确认').count()).toBe(1);

    // A ticket made from a chat, so that its reply has a channel.
    const inbox = await ui.ws.clients.admin.get(api(`/inboxes/${ui.ws.ids.inbox}`));
    const visitor = await startVisitor(ui.server.url, inbox.body.publicKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '订单一直没有发货' });
    const made = await ui.ws.clients.agent.post(api(`/conversations/${sent.data.conversation.id}/ticket`), { notifyCustomer: false });
    expect([200, 201], JSON.stringify(made.body)).toContain(made.status);
    const ticket = made.body as StoredTicket;

    const { page, errors } = await open(ui.ws.users.agent.email, `/tickets/${ticket.id}`);
    await poll(() => page.getByTestId('ticket-title').textContent()).toContain(`#${ticket.number}`);
    await choose(page, page.getByLabel('执行宏'), '已处理待确认');
    const preview = page.getByTestId('macro-preview-reply');
    const filled = `您好，工单 #${ticket.number} 已处理，请确认。agent views-ui`;
    await poll(() => preview.textContent()).toBe(filled);
    // The preview changes nothing.
    expect(await stored(ticket.id)).toMatchObject({ status: ticket.status, tags: ticket.tags });
    await page.locator('.ant-modal:visible').getByRole('button', { name: '执行' }).click();

    await poll(async () => {
      const now = await stored(ticket.id);
      return { status: now.status, tags: now.tags, replies: now.comments.filter((c) => c.visibility === 'public').map((c) => c.text) };
    }).toEqual({ status: 'pending', tags: expect.arrayContaining(['已回复']), replies: [filled] });
    // The reply went to the customer on the chat.
    const reply = await visitor.inbox.waitFor('message', (event) => event.message.text === filled, 30_000);
    expect(reply.message.kind).toBe('out');
    await poll(() => page.getByTestId('ticket-status').textContent()).toBe('等待客户');
    visitor.socket.close();
    expect([...adminErrors, ...errors]).toEqual([]);
  }, 300_000);
});
