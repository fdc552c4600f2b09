import { describe, expect, it } from 'vitest';
import { hasChromium } from '../support/browser.js';
import { consoleHarness } from '../support/console-harness.js';

/** Waits for the browser (45 s): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 45_000 });
const label = (zh: string, en: string) => ({ 'zh-CN': zh, en });

describe.skipIf(!hasChromium)('ticket custom fields in the console, in Chromium', () => {
  const ui = consoleHarness('ticket-fields', { fixture: 'fields-ui' });
  const api = ui.api;
  const open = async (email: string, path: string) => (await ui.open(email, path)).page;

  it("an agent sees the form's fields, a stale value is marked, a bad value is refused before saving, a good one is stored", async () => {
    const serial = await ui.ws.clients.admin.post(api('/ticket-fields'), {
      key: 'serial_no',
      type: 'regex',
      pattern: 'SN\\d{8}',
      label: label('序列号', 'Serial number'),
    });
    const reason = await ui.ws.clients.admin.post(api('/ticket-fields'), {
      key: 'reason',
      type: 'dropdown',
      label: label('换货原因', 'Reason'),
      options: [
        { value: '质量问题', label: label('质量问题', 'Quality') },
        { value: '不想要了', label: label('不想要了', 'Changed mind') },
      ],
    });
    const form = await ui.ws.clients.admin.post(api('/ticket-forms'), {
      name: '换货',
      fields: [
        { fieldId: serial.body.id, required: true },
        { fieldId: reason.body.id, required: false },
      ],
    });
    const ticket = await ui.ws.clients.agent.post(api('/tickets'), {
      subject: '耳机换货',
      requesterId: ui.ws.ids.customer,
      teamId: ui.ws.teamId,
      formId: form.body.id,
      fields: { serial_no: 'SN12345678', reason: '不想要了' },
    });
    expect(ticket.status).toBe(201);
    await ui.ws.clients.admin.patch(api(`/ticket-fields/${reason.body.id}`), {
      options: [{ value: '质量问题', label: label('质量问题', 'Quality') }],
    });

    const page = await open(ui.ws.users.agent.email, `/tickets/${ticket.body.id}`);
    const card = page.getByTestId('ticket-custom-fields');
    const serialInput = card.getByRole('textbox', { name: '序列号' });
    await poll(() => serialInput.inputValue()).toBe('SN12345678');
    await poll(() => card.getByText('已存值「不想要了」不再有效').count()).toBe(1);

    await serialInput.fill('SN123');
    await card.getByRole('button', { name: '保存字段' }).click();
    await poll(() => card.getByText('does not match the pattern').count()).toBe(1);
    expect((await ui.ws.clients.agent.get(api(`/tickets/${ticket.body.id}`))).body.fields.serial_no).toBe('SN12345678');

    await serialInput.fill('SN87654321');
    await card.getByRole('button', { name: '保存字段' }).click();
    await poll(async () => (await ui.ws.clients.agent.get(api(`/tickets/${ticket.body.id}`))).body.fields).toEqual({
      serial_no: 'SN87654321',
      reason: '不想要了',
    });
  });

  it('an admin defines a field on the admin page', async () => {
    const page = await open(ui.ws.users.admin.email, '/admin/ticket-fields');
    await page.getByRole('button', { name: '新建字段' }).click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByLabel('键').fill('warranty_no');
    await dialog.getByLabel('中文名称').fill('保修卡号');
    await dialog.getByLabel('英文名称').fill('Warranty number');
    await dialog.getByRole('button', { name: '保存' }).click();
    await poll(async () =>
      ((await ui.ws.clients.admin.get(api('/ticket-fields'))).body.items as { key: string }[]).map((field) => field.key),
    ).toContain('warranty_no');
    await poll(() => page.getByText('保修卡号').count()).toBeGreaterThan(0);
    await page.getByRole('tab', { name: '表单' }).click();
    await poll(() => page.getByText('退换货').count()).toBeGreaterThan(0);
  });
});
