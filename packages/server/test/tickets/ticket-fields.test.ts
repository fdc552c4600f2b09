import { ticketFieldValuesSchema, type TicketField } from '@huiliu/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const label = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const option = (value: string, en: string, children?: object[]) => ({ value, label: label(value, en), ...(children ? { children } : {}) });

/** One field per type, each with values it must take and values it must refuse. */
const CASES: { key: string; body: Record<string, unknown>; good: unknown[]; bad: unknown[] }[] = [
  { key: 'remark', body: { type: 'text' }, good: ['屏幕有划痕'], bad: [42, 'x'.repeat(1001), ['a']] },
  { key: 'details', body: { type: 'multiline' }, good: ['第一行\n第二行'], bad: [true, 'x'.repeat(10_001)] },
  { key: 'quantity', body: { type: 'number' }, good: [3, -1], bad: [1.5, '3', Number.MAX_SAFE_INTEGER + 1] },
  { key: 'amount', body: { type: 'decimal' }, good: [99.5, 12], bad: ['99.5', false] },
  { key: 'bought_on', body: { type: 'date' }, good: ['2026-11-11'], bad: ['2026-13-01', '11/11/2026', 20261111] },
  { key: 'opened_box', body: { type: 'checkbox' }, good: [true, false], bad: ['yes', 1] },
  {
    key: 'reason',
    body: { type: 'dropdown', options: [option('质量问题', 'Quality'), option('不想要了', 'Changed mind')] },
    good: ['质量问题'],
    bad: ['别的', ['质量问题']],
  },
  {
    key: 'accessories',
    body: { type: 'multiselect', options: [option('充电器', 'Charger'), option('耳机', 'Earphones')] },
    good: [['充电器', '耳机'], []],
    bad: [['充电器', '充电器'], ['说明书'], '充电器'],
  },
  {
    key: 'region',
    body: {
      type: 'cascader',
      options: [
        option('广东省', 'Guangdong', [option('深圳市', 'Shenzhen'), option('广州市', 'Guangzhou')]),
        option('浙江省', 'Zhejiang', [option('杭州市', 'Hangzhou')]),
      ],
    },
    good: [
      ['广东省', '深圳市'],
      ['浙江省', '杭州市'],
    ],
    bad: [['广东省'], ['浙江省', '深圳市'], '广东省/深圳市', []],
  },
  {
    key: 'serial_no',
    body: { type: 'regex', pattern: 'SN\\d{8}' },
    good: ['SN20261206'],
    bad: ['SN123', 'xSN20261206', 'SN20261206x', 20261206],
  },
];

const fieldIds: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'fields-a');
  for (const entry of CASES) {
    const created = await ws.clients.admin.post(api('/ticket-fields'), {
      key: entry.key,
      label: label(entry.key, entry.key),
      ...entry.body,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    fieldIds[entry.key] = created.body.id;
  }
});
afterAll(() => server?.stop());

const newTicket = (body: Record<string, unknown> = {}) =>
  ws.clients.agent.post(api('/tickets'), { subject: '退货申请', requesterId: ws.ids.customer, teamId: ws.teamId, ...body });

describe('each field type takes its values and refuses others', () => {
  for (const entry of CASES) {
    it(`${entry.body.type}: ${entry.key}`, async () => {
      for (const value of entry.good) {
        const created = await newTicket({ fields: { [entry.key]: value } });
        expect(created.status, `${JSON.stringify(value)} → ${JSON.stringify(created.body)}`).toBe(201);
        const read = await ws.clients.agent.get(api(`/tickets/${created.body.id}`));
        expect(read.body.fields).toEqual({ [entry.key]: value });
        expect(read.body.staleFields).toEqual([]);
      }
      const before = await fingerprint(server.database.url);
      for (const value of entry.bad) {
        const refused = await newTicket({ fields: { [entry.key]: value } });
        expect(refused.status, `${JSON.stringify(value)} was accepted`).toBe(400);
        expect(refused.body.error.code).toBe('invalid_fields');
        expect(refused.body.error.message).toContain(entry.key);
        expect(refused.body.error.details[0].field).toBe(entry.key);
        const patched = await ws.clients.agent.patch(api(`/tickets/${ws.ids.ticket}`), { fields: { [entry.key]: value } });
        expect(patched.status).toBe(400);
        expect(patched.body.error.message).toContain(entry.key);
      }
      expect(await fingerprint(server.database.url)).toEqual(before);
    });
  }

  it('an unknown key is refused by name, and the same schema works outside the server (the console uses it)', async () => {
    const refused = await newTicket({ fields: { no_such_field: 'x' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('no_such_field');

    const fields = (await ws.clients.agent.get(api('/ticket-fields?archived=false'))).body.items as TicketField[];
    const schema = ticketFieldValuesSchema(fields, ['serial_no']);
    expect(schema.safeParse({ serial_no: 'SN20261206', quantity: 2 }).success).toBe(true);
    expect(schema.safeParse({ quantity: 2 }).success).toBe(false);
    expect(schema.safeParse({ serial_no: 'SN1' }).success).toBe(false);
  });

  it('a null value clears a stored one', async () => {
    const created = await newTicket({ fields: { remark: '有划痕', quantity: 2 } });
    const patched = await ws.clients.agent.patch(api(`/tickets/${created.body.id}`), { fields: { remark: null } });
    expect(patched.status).toBe(200);
    expect(patched.body.fields).toEqual({ quantity: 2 });
  });
});

describe('field definitions', () => {
  it('are refused when inconsistent, with the reason', async () => {
    const before = await fingerprint(server.database.url);
    const bad = [
      { key: 'p1', type: 'regex', label: label('a', 'a'), pattern: '([' },
      { key: 'p2', type: 'regex', label: label('a', 'a') },
      { key: 'p3', type: 'dropdown', label: label('a', 'a') },
      { key: 'p4', type: 'text', label: label('a', 'a'), options: [option('x', 'x')] },
      { key: 'p5', type: 'dropdown', label: label('a', 'a'), options: [option('x', 'x'), option('x', 'y')] },
      { key: 'p6', type: 'dropdown', label: label('a', 'a'), options: [option('x', 'x', [option('y', 'y')])] },
      { key: 'Bad Key', type: 'text', label: label('a', 'a') },
      {
        key: 'p8',
        type: 'cascader',
        label: label('a', 'a'),
        options: [option('1', '1', [option('2', '2', [option('3', '3', [option('4', '4', [option('5', '5')])])])])],
      },
      { key: 'p7', type: 'text', label: { 'zh-CN': '只有中文' } },
    ];
    for (const body of bad) {
      const response = await ws.clients.admin.post(api('/ticket-fields'), body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const duplicate = await ws.clients.admin.post(api('/ticket-fields'), { key: 'remark', type: 'text', label: label('a', 'a') });
    expect(duplicate.status).toBe(409);
    const optionsOnText = await ws.clients.admin.patch(api(`/ticket-fields/${fieldIds.remark}`), { options: [option('x', 'x')] });
    expect(optionsOnText.status).toBe(422);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('are managed by admins only; every role reads them', async () => {
    const created = await ws.clients.supervisor.post(api('/ticket-fields'), { key: 'sup', type: 'text', label: label('a', 'a') });
    expect(created.status).toBe(403);
    const read = await ws.clients.agent.get(api(`/ticket-fields/${fieldIds.region}`));
    expect(read.status).toBe(200);
    expect(read.body.options[0].children[0].value).toBe('深圳市');
    expect((await ws.clients.agent.get(api('/ticket-forms'))).status).toBe(200);
  });
});

describe('ticket forms', () => {
  let formId: string;
  beforeAll(async () => {
    const form = await ws.clients.admin.post(api('/ticket-forms'), {
      name: '退换货',
      fields: [
        { fieldId: fieldIds.reason, required: true },
        { fieldId: fieldIds.serial_no, required: true },
        { fieldId: fieldIds.remark, required: false },
      ],
    });
    expect(form.status).toBe(201);
    formId = form.body.id;
  });

  it('keep their fields in order with their required flags', async () => {
    const read = await ws.clients.agent.get(api(`/ticket-forms/${formId}`));
    expect(read.body.fields).toEqual([
      { fieldId: fieldIds.reason, required: true },
      { fieldId: fieldIds.serial_no, required: true },
      { fieldId: fieldIds.remark, required: false },
    ]);
  });

  it('require their required fields on create, on a change of form, and refuse clearing them', async () => {
    const before = await fingerprint(server.database.url);
    const missing = await newTicket({ formId, fields: { reason: '质量问题' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ field: 'serial_no', message: 'required' }]);
    const empty = await newTicket({ formId, fields: { reason: '质量问题', serial_no: '' } });
    expect(empty.status).toBe(400);
    const switched = await ws.clients.agent.patch(api(`/tickets/${ws.ids.ticket}`), { formId });
    expect(switched.status).toBe(400);
    expect(switched.body.error.message).toContain('reason');
    expect(await fingerprint(server.database.url)).toEqual(before);

    const created = await newTicket({ formId, fields: { reason: '质量问题', serial_no: 'SN20261201' } });
    expect(created.status).toBe(201);
    expect(created.body.formId).toBe(formId);
    const cleared = await ws.clients.agent.patch(api(`/tickets/${created.body.id}`), { fields: { serial_no: null } });
    expect(cleared.status).toBe(400);
    expect(cleared.body.error.message).toContain('serial_no');
    const optional = await ws.clients.agent.patch(api(`/tickets/${created.body.id}`), { fields: { remark: '急' } });
    expect(optional.status).toBe(200);
    expect(optional.body.fields).toEqual({ reason: '质量问题', serial_no: 'SN20261201', remark: '急' });
  });

  it('refuse another workspace form or an archived one for a new ticket', async () => {
    const archived = await ws.clients.admin.post(api('/ticket-forms'), { name: '旧表单' });
    expect((await ws.clients.admin.post(api(`/ticket-forms/${archived.body.id}/archive`))).body.archived).toBe(true);
    const refused = await newTicket({ formId: archived.body.id });
    expect(refused.status).toBe(422);
    const other = await createWorkspaceFixture(server.ctx.db, server.url, 'fields-b');
    const foreign = await newTicket({ formId: other.ids.ticketForm });
    expect(foreign.status).toBe(404);
    const foreignField = await ws.clients.admin.post(api('/ticket-forms'), { name: 'x', fields: [{ fieldId: other.ids.ticketField }] });
    expect(foreignField.status).toBe(404);
  });
});

describe('changing a definition never breaks stored tickets', () => {
  it('a removed option stays readable, marked no longer valid; new writes use the current options', async () => {
    const field = await ws.clients.admin.post(api('/ticket-fields'), {
      key: 'channel_bought',
      type: 'dropdown',
      label: label('购买渠道', 'Bought at'),
      options: [option('天猫', 'Tmall'), option('京东', 'JD')],
    });
    const old = await newTicket({ fields: { channel_bought: '天猫' } });
    expect(old.status).toBe(201);
    const changed = await ws.clients.admin.patch(api(`/ticket-fields/${field.body.id}`), { options: [option('京东', 'JD')] });
    expect(changed.status).toBe(200);

    const read = await ws.clients.agent.get(api(`/tickets/${old.body.id}`));
    expect(read.status).toBe(200);
    expect(read.body.fields).toEqual({ channel_bought: '天猫' });
    expect(read.body.staleFields).toEqual([expect.objectContaining({ key: 'channel_bought', reason: 'not_valid' })]);
    // Writing something else keeps the stale value as it was.
    const other = await ws.clients.agent.patch(api(`/tickets/${old.body.id}`), { fields: { quantity: 1 }, priority: 'high' });
    expect(other.status).toBe(200);
    expect(other.body.fields).toEqual({ channel_bought: '天猫', quantity: 1 });
    const again = await ws.clients.agent.patch(api(`/tickets/${old.body.id}`), { fields: { channel_bought: '天猫' } });
    expect(again.status).toBe(400);
    expect((await newTicket({ fields: { channel_bought: '京东' } })).status).toBe(201);
  });

  it('an archived field keeps its values on tickets and takes no new ones', async () => {
    const field = await ws.clients.admin.post(api('/ticket-fields'), {
      key: 'legacy_code',
      type: 'text',
      label: label('旧编码', 'Old code'),
    });
    const old = await newTicket({ fields: { legacy_code: 'L-1' } });
    const archived = await ws.clients.admin.post(api(`/ticket-fields/${field.body.id}/archive`));
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);

    const read = await ws.clients.agent.get(api(`/tickets/${old.body.id}`));
    expect(read.body.fields).toEqual({ legacy_code: 'L-1' });
    expect(read.body.staleFields).toEqual([expect.objectContaining({ key: 'legacy_code', reason: 'field_archived' })]);
    const refused = await newTicket({ fields: { legacy_code: 'L-2' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('legacy_code');
    const listed = (await ws.clients.agent.get(api('/ticket-fields?archived=false'))).body.items as TicketField[];
    expect(listed.map((entry) => entry.key)).not.toContain('legacy_code');
    // Restoring it makes it writable again.
    await ws.clients.admin.patch(api(`/ticket-fields/${field.body.id}`), { archived: false });
    expect((await newTicket({ fields: { legacy_code: 'L-3' } })).status).toBe(201);
  });
});

describe('search', () => {
  it('finds tickets by a field value and by a chosen option label in either language', async () => {
    const created = await newTicket({ subject: '换货', fields: { serial_no: 'SN77665544', region: ['浙江省', '杭州市'] } });
    expect(created.status).toBe(201);
    for (const q of ['SN77665544', '杭州市', 'Hangzhou']) {
      const found = await ws.clients.agent.get(api(`/tickets?q=${encodeURIComponent(q)}`));
      expect(
        found.body.items.map((item: { id: string }) => item.id),
        q,
      ).toContain(created.body.id);
    }
    const updated = await ws.clients.agent.patch(api(`/tickets/${created.body.id}`), { fields: { remark: '蓝牙耳机无法配对' } });
    expect(updated.status).toBe(200);
    const found = await ws.clients.agent.get(api(`/tickets?q=${encodeURIComponent('蓝牙耳机')}`));
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
  });
});
