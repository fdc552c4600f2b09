import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerLabel } from '@huiliu/contracts/customer-label';
import { appendMessage } from '../src/modules/conversations/write-path.js';
import { updateCustomer, addIdentity } from '../src/modules/customers/service.js';
import { csvCell } from '../src/platform/http/csv.js';
import { connectAgent, connectSocket, emitAck, startVisitor } from './support/chat.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in time (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Parses the CSV the server sends (RFC 4180 quoting, CRLF lines), without the BOM. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  return rows;
}

beforeAll(async () => {
  // Behind a trusted proxy that looks the client's city up (nginx geoip2 → X-Geo-City).
  server = await startTestServer({ TRUST_PROXY: 'true', GEO_CITY_HEADER: 'X-Geo-City' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'firsthour');
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
}, 120_000);
afterAll(() => server?.stop());

describe('recognisable customers', () => {
  it('labels an anonymous web-chat customer by number, city and browser; a name wins', async () => {
    expect(customerLabel({ number: 4821, city: '上海', userAgent: CHROME })).toBe('访客 4821 · 上海 · Chrome');
    expect(customerLabel({ number: 7, userAgent: null })).toBe('访客 7');

    const visitor = await startVisitor(server.url, inboxKey, { context: { userAgent: CHROME } });
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '请问有货吗' });
    expect(sent.ok).toBe(true);
    visitor.socket.close();
    const [customer] = await queryRows<{ number: string }>(server.database.url, `select number from customers where id = $1`, [
      visitor.session.customerId,
    ]);
    const number = Number(customer!.number);
    expect(number).toBeGreaterThan(0);

    const read = await ws.clients.agent.get(api(`/conversations/${sent.data.conversation.id}`));
    expect(read.body.customerLabel).toBe(`访客 ${number} · Chrome`);
    const profile = await ws.clients.agent.get(api(`/customers/${visitor.session.customerId}`));
    expect(profile.body).toMatchObject({ number, label: `访客 ${number} · Chrome` });

    await updateCustomer(server.ctx.db, ws.workspaceId, visitor.session.customerId, { attributes: { city: '上海' } });
    const listed = await ws.clients.agent.get(api(`/conversations?customerId=${visitor.session.customerId}`));
    expect(listed.body.items[0].customerLabel).toBe(`访客 ${number} · 上海 · Chrome`);

    await updateCustomer(server.ctx.db, ws.workspaceId, visitor.session.customerId, { name: '王小明' });
    expect((await ws.clients.agent.get(api(`/customers/${visitor.session.customerId}`))).body.label).toBe('王小明');
  });

  it("takes the city from the proxy's geo-IP header", async () => {
    const response = await fetch(`${server.url}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-geo-city': encodeURIComponent('杭州'), 'user-agent': CHROME },
      body: JSON.stringify({ inboxKey, context: {} }),
    });
    expect(response.status).toBe(200);
    const session = (await response.json()) as { customerId: string; visitorToken: string };
    const socket = await connectSocket(`${server.url}/widget`, { auth: { visitorToken: session.visitorToken } });
    const sent = await emitAck(socket, 'message:send', { clientMessageId: randomUUID(), text: '西湖边有门店吗' });
    socket.close();
    const [customer] = await queryRows<{ number: string }>(server.database.url, `select number from customers where id = $1`, [
      session.customerId,
    ]);
    const read = await ws.clients.agent.get(api(`/conversations/${sent.data.conversation.id}`));
    expect(read.body.customerLabel).toBe(`访客 ${customer!.number} · 杭州 · Chrome`);
  });

  it("previews the customer's last message, not the bot's or the agent's reply", async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '我的快递到哪了' });
    visitor.socket.close();
    const conversationId = sent.data.conversation.id as string;
    await server.ctx.db.transaction((tx) =>
      appendMessage(tx, ws.workspaceId, conversationId, {
        kind: 'out',
        senderType: 'bot',
        text: '您好，我是智能客服小流，请问有什么可以帮您？',
      }),
    );
    const read = await ws.clients.agent.get(api(`/conversations/${conversationId}`));
    expect(read.body.lastMessagePreview).toBe('您好，我是智能客服小流，请问有什么可以帮您？');
    expect(read.body.lastCustomerMessagePreview).toBe('我的快递到哪了');
  });
});

describe('remembered presence', () => {
  it('an agent who chose online is online again at the next login when the workspace remembers; starts offline when it does not', async () => {
    const agentEmail = ws.users.agent.email;
    const login = async () => {
      const client = new HttpClient(server.url);
      expect((await client.login(agentEmail, PASSWORD)).status).toBe(200);
      return client;
    };
    const statusOf = async () =>
      (await ws.clients.admin.get(api('/presence'))).body.items.find((item: { userId: string }) => item.userId === ws.users.agent.id)
        ?.status;

    expect((await ws.clients.admin.get(api(''))).body.settings).toMatchObject({ presenceOnLogin: 'remember', presenceGraceSeconds: null });
    const first = await login();
    expect((await first.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
    // What a closed tab does after the grace period: offline, without the agent choosing it.
    await queryRows(server.database.url, `update agent_states set status = 'offline' where user_id = $1`, [ws.users.agent.id]);
    await login();
    expect(await statusOf()).toBe('online');

    expect((await ws.clients.admin.patch(api(''), { presenceOnLogin: 'offline' })).status).toBe(200);
    await login();
    expect(await statusOf()).toBe('offline');

    // An agent who chose to be away is away again, not online.
    expect((await ws.clients.admin.patch(api(''), { presenceOnLogin: 'remember' })).status).toBe(200);
    const third = await login();
    expect((await third.put(api('/presence/me'), { status: 'away' })).status).toBe(200);
    await queryRows(server.database.url, `update agent_states set status = 'offline' where user_id = $1`, [ws.users.agent.id]);
    await login();
    expect(await statusOf()).toBe('away');
  });

  it('takes the grace period after a disconnect from the workspace setting, and refuses a bad one', async () => {
    for (const bad of [{ presenceGraceSeconds: 0 }, { presenceGraceSeconds: 1.5 }, { presenceOnLogin: 'sometimes' }]) {
      expect((await ws.clients.admin.patch(api(''), bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await ws.clients.supervisor.patch(api(''), { presenceGraceSeconds: 5 })).status).toBe(403);
    // The server's default here is 60 s; the workspace's 5 s is what must apply.
    expect((await ws.clients.admin.patch(api(''), { presenceGraceSeconds: 5 })).body.settings.presenceGraceSeconds).toBe(5);
    const supervisor = ws.clients.supervisor;
    expect((await supervisor.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
    const agent = await connectAgent(server.url, supervisor);
    agent.socket.close();
    const rows = await until(
      () =>
        queryRows<{ status: string; chosen_status: string }>(
          server.database.url,
          `select status, chosen_status from agent_states where user_id = $1`,
          [ws.users.supervisor.id],
        ),
      (found) => found[0]?.status === 'offline',
      40_000,
    );
    // The disconnect did not overwrite what the agent chose.
    expect(rows[0]!.chosen_status).toBe('online');
    expect((await ws.clients.admin.patch(api(''), { presenceGraceSeconds: null })).body.settings.presenceGraceSeconds).toBeNull();
  }, 60_000);
});

describe('channel kinds', () => {
  it('lists the kinds this server has a connector for, and not SMS or phone', async () => {
    const kinds = await ws.clients.agent.get(api('/channel-kinds'));
    expect(kinds.status).toBe(200);
    expect(kinds.body.items).toEqual(['widget', 'email', 'wechat', 'wecom']);
  });
});

describe('customer directory', () => {
  let ids: Record<string, string>;

  beforeAll(async () => {
    const make = async (
      label: string,
      profile: { name: string; tier?: 'normal' | 'vip'; tags?: string[] },
      identities: [string, string][],
    ) => {
      const [row] = await queryRows<{ id: string }>(
        server.database.url,
        `insert into customers (workspace_id, name, tier, tags) values ($1, $2, $3, $4) returning id`,
        [ws.workspaceId, profile.name, profile.tier ?? 'normal', profile.tags ?? []],
      );
      for (const [kind, value] of identities)
        await addIdentity(server.ctx.db, ws.workspaceId, row!.id, { kind: kind as 'email', value, verifiedVia: 'agent' });
      return [label, row!.id] as const;
    };
    ids = Object.fromEntries([
      await make('li', { name: '李雷', tier: 'vip', tags: ['批发'] }, [
        ['email', 'lilei@shop.example'],
        ['phone', '+8613800001111'],
      ]),
      await make('han', { name: '韩梅梅', tags: ['退货'] }, [
        ['email', 'hanmeimei@mail.example'],
        ['external', 'member-20931'],
      ]),
      await make('evil', { name: '=HYPERLINK("http://evil.example","点我")', tags: ['测试'] }, [['phone', '+8613900002222']]),
    ]);
  });

  const names = async (query: string, client = ws.clients.agent) => {
    const response = await client.get(api(`/customers?${query}`));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.items.map((item: { id: string }) => Object.entries(ids).find(([, id]) => id === item.id)?.[0]).filter(Boolean);
  };

  it('filters by each field: name, email, phone, external id, tag and tier', async () => {
    expect(await names(`name=${encodeURIComponent('梅')}`)).toEqual(['han']);
    expect(await names('email=LILEI@')).toEqual(['li']);
    expect(await names('phone=138000')).toEqual(['li']);
    expect(await names('externalId=20931')).toEqual(['han']);
    expect(await names(`tag=${encodeURIComponent('退货')}`)).toEqual(['han']);
    expect(await names('tier=vip')).toEqual(['li']);
    // Filters combine: all must hold.
    expect(await names(`tier=vip&tag=${encodeURIComponent('退货')}`)).toEqual([]);
    expect((await ws.clients.agent.get(api('/customers?tier=gold'))).status).toBe(400);
  });

  it('exports the filtered directory as CSV, formulas defused, for admins and supervisors only', async () => {
    const response = await fetch(`${server.url}${api(`/customers/export.csv?tag=${encodeURIComponent('测试')}`)}`, {
      headers: { cookie: ws.clients.supervisor.cookie! },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual(['number', 'label', 'name', 'tier', 'tags', 'emails', 'phones', 'external_ids', 'created_at', 'id']);
    expect(rows).toHaveLength(2);
    const [, row] = rows;
    expect(row![2]).toBe(`'=HYPERLINK("http://evil.example","点我")`);
    expect(row![6]).toBe(`'+8613900002222`);
    expect(row![9]).toBe(ids.evil);

    const all = parseCsv(
      await (await fetch(`${server.url}${api('/customers/export.csv')}`, { headers: { cookie: ws.clients.admin.cookie! } })).text(),
    );
    expect(all.map((cells) => cells[9])).toEqual(expect.arrayContaining([ids.li, ids.han, ids.evil]));

    expect((await ws.clients.agent.get(api('/customers/export.csv'))).status).toBe(403);
    expect((await ws.tokenClients.agent.get(api('/conversations/export.csv'))).status).toBe(403);
  });

  it('exports conversations of an inbox view as CSV', async () => {
    const response = await fetch(`${server.url}${api(`/conversations/export.csv?inboxId=${ws.ids.inbox}`)}`, {
      headers: { cookie: ws.clients.admin.cookie! },
    });
    expect(response.status).toBe(200);
    const rows = parseCsv(await response.text());
    expect(rows[0]!.slice(0, 6)).toEqual(['number', 'channel', 'inbox_id', 'state', 'priority', 'customer']);
    const fixture = rows.find((cells) => cells.at(-1) === ws.ids.conversation);
    expect(fixture).toBeDefined();
    expect(fixture![12]).toBe('你好，我的订单还没发货');
    expect(rows.slice(1).every((cells) => cells[2] === ws.ids.inbox)).toBe(true);
    expect((await ws.clients.admin.get(api('/conversations/export.csv?state=lost'))).status).toBe(400);
  });

  it('defuses every character a spreadsheet starts a formula with', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvCell(`${start}1+1`).replace(/^"/, '').startsWith(`'${start}`)).toBe(true);
    expect(csvCell('普通文本')).toBe('普通文本');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
  });
});
