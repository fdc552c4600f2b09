import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_SLUG, DEMO_TIER2_TEAM, seedDemoIfEmpty } from '../../src/demo/seed.js';
import { DEMO_RETURNS_FORM, DEMO_TICKET_COUNT } from '../../src/demo/tickets.js';
import { portalTickets } from '../../src/modules/tickets/portal/service.js';
import { workspaces } from '../../src/modules/workspaces/schema.js';
import { createTestDatabase, fingerprint, queryRows, type TestDatabase } from '../support/database.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let database: TestDatabase;
let server: TestServer;
let workspaceId: string;
let tier2: HttpClient;
const sql = <T = Record<string, any>>(text: string, values: unknown[] = []) => queryRows(database.url, text, values) as Promise<T[]>;
const api = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer({ HUILIU_DEMO: 'true', HUILIU_DEMO_HISTORY: 'true' }, database);
  const [demo] = await server.ctx.db.select().from(workspaces).where(eq(workspaces.slug, DEMO_SLUG));
  workspaceId = demo!.id;
  tier2 = new HttpClient(server.url);
  expect((await tier2.login('tier2@huiliu.demo', DEMO_PASSWORD)).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

const multipart = (fields: [string, string][]) => {
  const body = new FormData();
  for (const [name, value] of fields) body.append(name, value);
  body.append('attachment', new Blob([]), '');
  return body;
};

describe('demo tickets', () => {
  it('has the tier-2 team 售后技术组 with its agent, and the 退换货 form with typed custom fields', async () => {
    const teams = await sql(
      `select t.id, t.name, u.email from teams t join team_members m on m.team_id = t.id join users u on u.id = m.user_id where t.workspace_id = $1 and t.name = $2`,
      [workspaceId, DEMO_TIER2_TEAM],
    );
    expect(teams.map((row) => row.email)).toEqual(['tier2@huiliu.demo']);
    const forms = (await tier2.get(api('/ticket-forms'))).body.items as {
      id: string;
      name: string;
      fields: { fieldId: string; required: boolean }[];
    }[];
    const returns = forms.find((form) => form.name === DEMO_RETURNS_FORM)!;
    const fields = (await tier2.get(api('/ticket-fields'))).body.items as {
      id: string;
      key: string;
      type: string;
      visibleToCustomer: boolean;
    }[];
    const onForm = returns.fields.map((entry) => fields.find((field) => field.id === entry.fieldId)!);
    expect(onForm.map((field) => [field.key, field.type, field.visibleToCustomer])).toEqual([
      ['order_no', 'regex', true],
      ['return_type', 'dropdown', true],
      ['product', 'cascader', true],
      ['inspection', 'multiline', false],
    ]);
  });

  it('has a few dozen Chinese tickets in several states, some escalated to 售后技术组, which its agent sees and answers', async () => {
    const rows = await sql(
      `select t.id, t.number, t.status, t.subject, t.escalation, t.source_channel, t.fields, tm.name as team from tickets t left join teams tm on tm.id = t.team_id where t.workspace_id = $1`,
      [workspaceId],
    );
    expect(rows.length).toBe(DEMO_TICKET_COUNT);
    expect(new Set(rows.map((row) => row.status)).size).toBeGreaterThanOrEqual(5);
    expect(rows.every((row) => /[\u4e00-\u9fff]/.test(row.subject))).toBe(true);
    expect(rows.every((row) => row.source_channel === 'web_form')).toBe(true);
    const escalated = rows.filter((row) => row.escalation);
    expect(escalated.length).toBeGreaterThanOrEqual(5);
    expect(escalated.every((row) => row.team === DEMO_TIER2_TEAM)).toBe(true);
    // Every value is valid for its field: the ticket page shows no stale field.
    const sample = await tier2.get(api(`/tickets/${escalated[0]!.id}`));
    expect(sample.status).toBe(200);
    expect(sample.body.staleFields).toEqual([]);
    expect(sample.body.events.some((event: any) => event.type === 'escalated')).toBe(true);
    expect(sample.body.conversations[0].messages.length).toBeGreaterThan(0);
    // Tier 2 sees its team's tickets (and not tier 1's own).
    const teamId = (await sql(`select id from teams where workspace_id = $1 and name = $2`, [workspaceId, DEMO_TIER2_TEAM]))[0]!.id;
    const listed = await tier2.get(api(`/tickets?teamId=${teamId}&limit=100`));
    expect(listed.body.items.length).toBe(escalated.length);
    const live = escalated.find((row) => row.status !== 'closed')!;
    const answered = await tier2.post(api(`/tickets/${live.id}/comments`), {
      visibility: 'public',
      text: '您好，检测结果出来了，我们为您直接换新。',
    });
    expect(answered.status).toBe(201);
    // Numbers go on after the sample ones.
    const created = await tier2.post(api('/tickets'), { subject: '新建工单', requesterId: sample.body.requesterId, teamId });
    expect(created.body.number).toBe(10_001 + DEMO_TICKET_COUNT);
  });

  it('some solved demo tickets carry the customer’s rating, on the ticket and in its history', async () => {
    const rated = await sql(
      `select t.id, t.status, t.csat_rating, t.csat_comment from tickets t where t.workspace_id = $1 and t.csat_rating is not null`,
      [workspaceId],
    );
    expect(rated.length).toBeGreaterThan(0);
    expect(rated.every((row) => ['solved', 'closed'].includes(row.status))).toBe(true);
    expect(rated.some((row) => /[\u4e00-\u9fff]/.test(row.csat_comment ?? ''))).toBe(true);
    const admin = new HttpClient(server.url);
    await admin.login('admin@huiliu.demo', DEMO_PASSWORD);
    const detail = await admin.get(api(`/tickets/${rated[0]!.id}`));
    expect(detail.body.csat.rating).toBe(rated[0]!.csat_rating);
    expect(detail.body.events.some((event: { type: string }) => event.type === 'csat_rated')).toBe(true);
  });

  it('the requester’s address opens their demo tickets in the portal, and nobody else’s', async () => {
    const mine = await portalTickets(server.ctx.db, { workspaceId, email: 'wangfang@example.cn', customerId: null });
    expect(mine.length).toBeGreaterThan(0);
    const owners = await sql(
      `select distinct lower(c.context->'leftMessage'->>'email') as email from ticket_conversations l join conversations c on c.id = l.conversation_id where l.ticket_id = any($1::uuid[])`,
      [mine.map((row) => row.id)],
    );
    expect(owners.map((row) => row.email)).toEqual(['wangfang@example.cn']);
  });

  it('seeding again does nothing', async () => {
    const before = await fingerprint(database.url);
    expect(await seedDemoIfEmpty(server.ctx.db)).toBe(false);
    const after = await fingerprint(database.url);
    for (const table of ['tickets', 'ticket_fields', 'ticket_forms', 'teams', 'ticket_comments'])
      expect(after[table], table).toBe(before[table]);
  });
});

describe('help-center request form with a ticket form', () => {
  const formPage = async (query = '') => {
    const response = await fetch(`${server.url}/help/${DEMO_SLUG}/requests/new${query}`);
    expect(response.status).toBe(200);
    return response.text();
  };
  const formId = async () =>
    ((await tier2.get(api('/ticket-forms'))).body.items as { id: string; name: string }[]).find((form) => form.name === DEMO_RETURNS_FORM)!
      .id;

  it('offers the form and shows its customer-visible fields only', async () => {
    const general = await formPage();
    const id = await formId();
    expect(general).toContain(`?form=${id}`);
    expect(general).toContain(DEMO_RETURNS_FORM);
    expect(general).not.toContain('订单号');
    const chosen = await formPage(`?form=${id}`);
    expect(chosen).toContain('订单号 Order number *');
    expect(chosen).toContain('退换类型 Return type *');
    expect(chosen).toContain('换货 Exchange');
    expect(chosen).toContain('耳机 Earphones / 降噪耳机 Pro ANC Earphones Pro');
    expect(chosen).not.toContain('检测结论');
    expect(chosen).not.toContain('name="field:inspection"');
  });

  it('refuses bad values with the field named and stores nothing; a valid request becomes a web_form ticket with the values', async () => {
    const id = await formId();
    const key = (html: string) => /name="requestKey" value="([^"]+)"/.exec(html)![1]!;
    const base = (requestKey: string): [string, string][] => [
      ['requestKey', requestKey],
      ['name', '周婷'],
      ['email', 'zhouting-form@example.cn'],
      ['subject', '耳机需要换货'],
      ['description', '右耳有杂音。'],
      ['website', ''],
      ['formId', id],
    ];
    const page = await formPage(`?form=${id}`);
    const before = await fingerprint(database.url);
    const bad = await fetch(`${server.url}/help/${DEMO_SLUG}/requests`, {
      method: 'POST',
      body: multipart([...base(key(page)), ['field:order_no', '12345'], ['field:return_type', 'steal'], ['field:product', '["耳机"]']]),
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('「订单号 Order number」填写有误');
    expect(html).toContain('「退换类型 Return type」填写有误');
    expect(html).toContain('「产品/型号 Product / model」填写有误');
    expect(html).toContain('value="12345"');
    const missing = await fetch(`${server.url}/help/${DEMO_SLUG}/requests`, { method: 'POST', body: multipart(base(key(page))) });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('请填写「订单号 Order number」');
    const after = await fingerprint(database.url);
    for (const table of ['tickets', 'messages', 'conversations', 'customers']) expect(after[table], table).toBe(before[table]);

    const good = await fetch(`${server.url}/help/${DEMO_SLUG}/requests`, {
      method: 'POST',
      body: multipart([
        ...base(key(page)),
        ['field:order_no', 'HL2026120601'],
        ['field:return_type', 'exchange'],
        ['field:product', JSON.stringify(['耳机', '降噪耳机 Pro'])],
      ]),
    });
    expect(good.status).toBe(200);
    const number = Number(/data-testid="ticket-number">#(\d+)</.exec(await good.text())![1]);
    const [ticket] = await sql(`select form_id, fields, source_channel from tickets where workspace_id = $1 and number = $2`, [
      workspaceId,
      number,
    ]);
    expect(ticket).toEqual({
      form_id: id,
      fields: { order_no: 'HL2026120601', return_type: 'exchange', product: ['耳机', '降噪耳机 Pro'] },
      source_channel: 'web_form',
    });
  });
});
