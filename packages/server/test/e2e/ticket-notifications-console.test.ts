import { DEFAULT_TICKET_NOTIFICATIONS } from '@huiliu/contracts';
import { describe, expect, it } from 'vitest';
import { csatToken } from '../../src/modules/tickets/csat/token.js';
import { hasChromium } from '../support/browser.js';
import { consoleHarness } from '../support/console-harness.js';

/** Waits for the browser (45 s): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 45_000 });

describe.skipIf(!hasChromium)('ticket emails and CSAT in the console, in Chromium', () => {
  const ui = consoleHarness('ticket-notifications', { fixture: 'notify-ui' });
  const api = ui.api;
  const open = async (email: string, path: string) => (await ui.open(email, path)).page;

  const solvedTemplate = async () =>
    (await ui.ws.clients.admin.get(api('/ticket-notification-templates'))).body.items.find(
      (item: { event: string }) => item.event === 'ticket_solved',
    );

  it('an admin edits the English solved email with a live preview; a bad placeholder is refused, a good edit is saved', async () => {
    const page = await open(ui.ws.users.admin.email, '/admin/ticket-notifications');
    await page.getByTestId('notification-tab-ticket_solved').click();
    const editor = page.getByTestId('notification-editor-ticket_solved');
    await editor.getByTestId('notification-locale-en').click();
    await poll(() => editor.getByTestId('notification-subject').inputValue()).toBe(DEFAULT_TICKET_NOTIFICATIONS.ticket_solved.en.subject);
    // The preview fills the sample ticket in.
    await poll(() => editor.getByTestId('notification-preview').textContent()).toContain('Your ticket is solved [#10024]');

    await editor.getByTestId('notification-subject').fill('Solved: {{ticket.numbr}}');
    await editor.getByTestId('notification-save').click();
    // The server's reason is shown; nothing was stored.
    await poll(() => page.locator('.ant-message').textContent()).toContain('unknown placeholder {{ticket.numbr}}');
    expect((await solvedTemplate()).isDefault).toBe(true);

    await editor.getByTestId('notification-subject').fill('Solved: {{ticket.number}} — how did we do?');
    await poll(() => editor.getByTestId('notification-preview').textContent()).toContain('Solved: #10024 — how did we do?');
    await editor.getByTestId('notification-save').click();
    await poll(async () => (await solvedTemplate()).templates.en.subject).toBe('Solved: {{ticket.number}} — how did we do?');
    // The Chinese text was left as it was.
    expect((await solvedTemplate()).templates['zh-CN']).toEqual(DEFAULT_TICKET_NOTIFICATIONS.ticket_solved['zh-CN']);
  });

  it("the ticket page shows the customer's rating and its history entry", async () => {
    const ticket = await ui.ws.clients.admin.post(api('/tickets'), { subject: '快递破损', requesterId: ui.ws.ids.customer });
    expect((await ui.ws.clients.admin.patch(api(`/tickets/${ticket.body.id}`), { status: 'solved' })).status).toBe(200);
    const token = csatToken(ui.server.ctx.secrets, { id: ticket.body.id, workspaceId: ui.ws.workspaceId }, new Date());
    const body = new FormData();
    body.append('rating', '4');
    body.append('comment', '客服很耐心');
    const rated = await fetch(`${ui.server.url}/help/${ui.ws.slug}/csat/${token}`, { method: 'POST', body });
    expect(rated.status).toBe(200);
    const page = await open(ui.ws.users.admin.email, `/tickets/${ticket.body.id}`);
    await poll(() => page.getByTestId('ticket-csat-rating').textContent()).toBe('4 / 5 分');
    await poll(() => page.getByTestId('ticket-csat').textContent()).toContain('客服很耐心');
    await poll(() => page.getByText('客户评价：4 / 5').count()).toBe(1);
  });
});
