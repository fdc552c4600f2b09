import { describe, expect, it } from 'vitest';
import { hasChromium } from '../support/browser.js';
import { consoleHarness } from '../support/console-harness.js';
import { whenOpened } from '../support/e2e.js';

/** Waits for the browser (45 s): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 45_000 });

describe.skipIf(!hasChromium)('callback tasks (回访) in the console, in Chromium', () => {
  const ui = consoleHarness('callbacks', { fixture: 'callbacks-ui' });
  const api = ui.api;

  it('an agent completes a callback task', async () => {
    const agent = ui.ws.clients.agent;
    const late = await agent.post(api('/callback-tasks'), {
      customerId: ui.ws.ids.customer,
      reason: '昨天答应回电的客户',
      dueInMinutes: 0,
    });
    const later = await agent.post(api('/callback-tasks'), {
      customerId: ui.ws.ids.customer,
      reason: '确认退款是否到账',
      dueAt: '2030-04-01T10:00:00+08:00',
    });
    expect([late.status, later.status]).toEqual([201, 201]);

    const { page, errors } = await ui.open(ui.ws.users.agent.email, '/inbox');
    await page.getByTestId('nav-callbacks').click();
    await page.waitForURL(/\/callbacks/);
    const row = (text: string) => page.getByTestId('callback-row').filter({ hasText: text });
    await poll(() => row('昨天答应回电的客户').getAttribute('data-due')).toBe('overdue');
    expect(await row('昨天答应回电的客户').getByText('已逾期').isVisible()).toBe(true);
    expect(await row('确认退款是否到账').getAttribute('data-due')).toBe('later');

    // First try: nobody answers.
    await row('确认退款是否到账').getByRole('button', { name: '记录回访' }).click();
    const attemptDialog = await whenOpened(page.getByRole('dialog').filter({ hasText: '记录回访' }));
    await attemptDialog.getByText('未联系上', { exact: true }).click();
    await attemptDialog.getByLabel('备注').fill('无人接听');
    await attemptDialog.getByRole('button', { name: '保存' }).click();
    await poll(async () => (await agent.get(api(`/callback-tasks/${later.body.id}`))).body.attemptCount).toBe(1);
    await poll(() => row('确认退款是否到账').locator('td').nth(6).textContent()).toBe('1');

    // Then it is done, with how it went.
    await row('确认退款是否到账').getByRole('button', { name: '完成' }).click();
    const completeDialog = await whenOpened(page.getByRole('dialog').filter({ hasText: '完成回访任务' }));
    await completeDialog.getByLabel('回访结果说明').fill('已到账，客户满意');
    await completeDialog.getByRole('button', { name: '完成' }).click();
    await poll(async () => (await agent.get(api(`/callback-tasks/${later.body.id}`))).body.status).toBe('done');
    expect((await agent.get(api(`/callback-tasks/${later.body.id}`))).body.outcomeNote).toBe('已到账，客户满意');
    // The open list no longer has it; a task made elsewhere shows up live.
    await poll(() => row('确认退款是否到账').count()).toBe(0);
    await agent.post(api('/callback-tasks'), { customerId: ui.ws.ids.customer, reason: '新来的回访', dueAt: '2030-04-02T10:00:00+08:00' });
    await poll(() => row('新来的回访').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('a supervisor creates a callback from the customer panel, and it sits on the customer 360 timeline', async () => {
    const { page, errors } = await ui.open(ui.ws.users.supervisor.email, `/inbox/${ui.ws.ids.conversation}`);
    const panel = page.getByTestId('customer-panel');
    await panel.getByTestId('new-callback').click();
    const dialog = await whenOpened(page.getByRole('dialog').filter({ hasText: '创建回访任务' }));
    await dialog.getByLabel('回访原因').fill('发票抬头需要电话确认');
    await dialog.getByRole('button', { name: '保存' }).click();
    let made: { id: string; conversationId: string; assigneeId: string; source: string } | undefined;
    await poll(async () => {
      const listed = await ui.ws.clients.supervisor.get(api(`/callback-tasks?customerId=${ui.ws.ids.customer}&limit=200`));
      made = listed.body.items.find((task: { reason: string }) => task.reason === '发票抬头需要电话确认');
      return made?.conversationId;
    }).toBe(ui.ws.ids.conversation);
    expect(made).toMatchObject({ source: 'agent', assigneeId: ui.ws.users.supervisor.id });

    await page.getByTestId('nav-customers').click();
    const directory = page.getByTestId('customer-directory');
    await directory.getByLabel('邮箱').fill('customer-callbacks-ui@example.test');
    await directory.getByRole('button', { name: '查找' }).click();
    await poll(() => directory.locator('.ant-table-row').count()).toBe(1);
    await directory.locator('.ant-table-row').getByRole('button').first().click();
    const profile = page.getByTestId('customer-360');
    await poll(() => profile.getByTestId('timeline-callback').filter({ hasText: '发票抬头需要电话确认' }).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('a supervisor switches a trigger off and changes its due minutes on the callback settings page', async () => {
    const { page, errors } = await ui.open(ui.ws.users.supervisor.email, '/admin/callback-settings');
    const form = page.getByTestId('callback-settings');
    await poll(() => form.getByRole('switch', { name: '差评' }).getAttribute('aria-checked')).toBe('true');
    await form.getByRole('switch', { name: '差评' }).click();
    await form.getByLabel('排队放弃 多少营业分钟后到期').fill('30');
    await form.getByRole('button', { name: '保存' }).click();
    await poll(async () => (await ui.ws.clients.supervisor.get(api('/callback-settings'))).body.triggers.csat_negative.enabled).toBe(false);
    const saved = (await ui.ws.clients.supervisor.get(api('/callback-settings'))).body;
    expect(saved.triggers.queue_abandoned).toEqual({ enabled: true, dueMinutes: 30 });
    expect(saved.triggers.bot_unresolved).toEqual({ enabled: true, dueMinutes: 240 });
    expect(errors).toEqual([]);
  });
});
