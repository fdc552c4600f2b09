import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, EventInbox, startVisitor } from '../support/chat.js';
import { fingerprint, outboxSettled, queryRows } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let ws2: WorkspaceFixture;
let inboxKey: string;
let agentSocket: Socket;
let agentEvents: EventInbox;
const sockets: Socket[] = [];
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const rows = <T extends object>(sql: string, values: unknown[] = []) =>
  queryRows<T & Record<string, unknown>>(server.database.url, sql, values);

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'views-a');
  ws2 = await createWorkspaceFixture(server.ctx.db, server.url, 'views-b');
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
  agentSocket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: ws.clients.agent.cookie ?? '' } });
  agentEvents = new EventInbox(agentSocket, ['ticket:bulk', 'ticket:changed']);
});
afterAll(async () => {
  agentSocket?.close();
  for (const socket of sockets) socket.close();
  await server?.stop();
});

async function ticket(body: Record<string, unknown> = {}) {
  const created = await ws.clients.admin.post(api('/tickets'), {
    subject: `工单 ${randomUUID().slice(0, 8)}`,
    requesterId: ws.ids.customer,
    ...body,
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; number: number };
}

/** A ticket made from a widget chat, so a public reply has a channel. */
async function chatTicket(text: string) {
  const visitor = await startVisitor(server.url, inboxKey);
  sockets.push(visitor.socket);
  const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text });
  expect(sent.ok).toBe(true);
  const conversationId = sent.data.conversation.id as string;
  const created = await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), { notifyCustomer: false, teamId: ws.teamId });
  expect(created.status).toBe(201);
  return { ticket: created.body as { id: string; number: number; requesterId: string }, conversationId };
}

const ids = async (query: string, client = ws.clients.admin) =>
  ((await client.get(api(`/tickets?${query}`))).body.items as { id: string }[]).map((item) => item.id);

describe('saved views', () => {
  it('a shared "my open" view shows each agent their own tickets; its count says how many', async () => {
    const mine = await ticket({ assigneeId: ws.users.agent.id, teamId: ws.teamId });
    const supervisors = await ticket({ assigneeId: ws.users.supervisor.id, teamId: ws.teamId });
    const view = await ws.clients.supervisor.post(api('/views'), {
      name: '我的待办',
      shared: true,
      filter: { assignee: ['me'], status: ['open'] },
    });
    expect(view.status).toBe(201);
    expect(view.body).toMatchObject({ shared: true, ownerId: null, sort: 'newest' });

    expect(await ids(`viewId=${view.body.id}`, ws.clients.agent)).toEqual([mine.id]);
    expect(await ids(`viewId=${view.body.id}`, ws.clients.supervisor)).toEqual([supervisors.id]);
    const counts = (await ws.clients.agent.get(api('/views/counts'))).body.items as { viewId: string; count: number }[];
    expect(counts.find((item) => item.viewId === view.body.id)?.count).toBe(1);
    // The agent's list of views has the shared one.
    const listed = (await ws.clients.agent.get(api('/views'))).body.items as { id: string }[];
    expect(listed.map((item) => item.id)).toContain(view.body.id);
  });

  it('personal views are their owner’s; sharing needs tickets.share', async () => {
    const refused = await ws.clients.agent.post(api('/views'), { name: '全组', shared: true, filter: { status: ['new'] } });
    expect(refused.status).toBe(403);
    const personal = await ws.clients.agent.post(api('/views'), { name: '我的紧急', filter: { priority: ['urgent'] } });
    expect(personal.status).toBe(201);
    expect(personal.body.ownerId).toBe(ws.users.agent.id);
    expect((await ws.clients.supervisor.get(api(`/views/${personal.body.id}`))).status).toBe(404);
    expect((await ws.clients.supervisor.patch(api(`/views/${personal.body.id}`), { name: '改' })).status).toBe(404);
    expect((await ws.clients.supervisor.get(api(`/tickets?viewId=${personal.body.id}`))).status).toBe(404);
    // The agent cannot change the shared fixture view, but can rename their own and delete it.
    expect((await ws.clients.agent.patch(api(`/views/${ws.ids.ticketView}`), { name: '改' })).status).toBe(403);
    expect((await ws.clients.agent.patch(api(`/views/${personal.body.id}`), { name: '我的紧急工单' })).body.name).toBe('我的紧急工单');
    expect((await ws.clients.agent.delete(api(`/views/${personal.body.id}`))).status).toBe(204);
    expect((await ws.clients.agent.get(api(`/views/${personal.body.id}`))).status).toBe(404);
  });

  it('"waiting on tier 2 for more than a day": time in the current status', async () => {
    const long = await ticket({ teamId: ws.teamId });
    const recent = await ticket({ teamId: ws.teamId });
    for (const item of [long, recent])
      expect((await ws.clients.admin.patch(api(`/tickets/${item.id}`), { status: 'on_hold' })).status).toBe(200);
    // The status change of `long` happened two days ago (the database is the clock here).
    await rows(`update ticket_events set created_at = now() - interval '2 days' where ticket_id = $1 and type = 'status_changed'`, [
      long.id,
    ]);
    const view = await ws.clients.admin.post(api('/views'), {
      name: '等待二线超过1天',
      shared: true,
      filter: { age: [{ field: 'status', status: 'on_hold', olderThanHours: 24 }] },
    });
    expect(view.status).toBe(201);
    const found = await ids(`viewId=${view.body.id}`);
    expect(found).toContain(long.id);
    expect(found).not.toContain(recent.id);
  });

  it('sorts by priority with keyset pages that neither skip nor repeat', async () => {
    const tag = `sort-${randomUUID().slice(0, 6)}`;
    const made = [];
    for (const priority of ['low', 'urgent', 'normal', 'high', 'urgent', 'low', 'normal'])
      made.push({ ...(await ticket({ priority, tags: [tag] })), priority });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string; priority: string }[]; nextCursor: string | null } } = await ws.clients.admin.get(
        api(`/tickets?tag=${tag}&sort=priority&limit=3${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.body.items.map((item) => item.priority));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['urgent', 'urgent', 'high', 'normal', 'normal', 'low', 'low']);
    expect((await ws.clients.admin.get(api(`/tickets?tag=${tag}&sort=number&limit=1`))).body.items[0].id).toBe(made.at(-1)!.id);
    expect((await ws.clients.admin.get(api(`/tickets?tag=${tag}&sort=oldest&limit=1`))).body.items[0].id).toBe(made[0]!.id);
  });

  it('bad input is a 4xx with a reason and stores nothing', async () => {
    // What earlier steps set off (routing, SLA, automations) must be done before the snapshot.
    await outboxSettled(server.database.url);
    const before = await fingerprint(server.database.url);
    const cases: [string, string, unknown, number][] = [
      ['POST', '/views', { name: '', filter: {} }, 400],
      ['POST', '/views', { name: '坏', filter: { status: ['archived'] } }, 400],
      ['POST', '/views', { name: '坏', filter: { unknownKey: 1 } }, 400],
      ['POST', '/views', { name: '坏', filter: { age: [{ field: 'status', olderThanHours: 24 }] } }, 400],
      ['POST', '/views', { name: '别家的组', filter: { team: [ws2.teamId] } }, 404],
      ['POST', '/views', { name: '别家的人', filter: { assignee: [ws2.users.agent.id] } }, 404],
      ['PATCH', `/views/${ws.ids.ticketView}`, {}, 400],
      ['PATCH', `/views/${ws2.ids.ticketView}`, { name: '别家的' }, 404],
      ['GET', `/tickets?viewId=${ws2.ids.ticketView}`, undefined, 404],
      ['GET', `/tickets?sort=priority&cursor=bm90LWEtY3Vyc29y`, undefined, 400],
      ['GET', `/tickets?sort=sideways`, undefined, 400],
    ];
    for (const [method, path, body, status] of cases) {
      const response = await ws.clients.admin.request(method, api(path), body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(response.body)}`).toBe(status);
      expect(response.body.error.message).toEqual(expect.any(String));
    }
    expect(await fingerprint(server.database.url)).toEqual(before);
  });
});

describe('macros', () => {
  it('several actions and a reply in one click, variables filled by the server, each change an event', async () => {
    const { ticket: target, conversationId } = await chatTicket('我的订单还没发货，能帮忙催一下吗');
    const macro = await ws.clients.agent.post(api('/macros'), {
      name: '催发货',
      actions: [
        { type: 'priority', priority: 'high' },
        { type: 'tags_add', tags: ['催发货', '物流'] },
        { type: 'note', text: '已联系仓库 {{agent.name}}' },
        { type: 'reply', text: '{{requester.name}}您好，工单 {{ticket.number}} 已为您催促仓库，{{agent.name}} 会跟进。' },
        { type: 'status', status: 'pending' },
        { type: 'assignee', assigneeId: 'me' },
      ],
    });
    expect(macro.status).toBe(201);
    expect(macro.body.shared).toBe(false);

    const preview = await ws.clients.agent.get(api(`/tickets/${target.id}/macros/${macro.body.id}/preview`));
    expect(preview.status).toBe(200);
    expect(preview.body.replies[0]).toContain(`#${target.number}`);
    expect(preview.body.replies[0]).toContain('agent views-a');

    const applied = await ws.clients.agent.post(api(`/tickets/${target.id}/apply-macro`), { macroId: macro.body.id });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ priority: 'high', status: 'pending', assigneeId: ws.users.agent.id });
    expect(applied.body.tags).toEqual(expect.arrayContaining(['催发货', '物流']));

    const detail = (await ws.clients.agent.get(api(`/tickets/${target.id}`))).body;
    const customer = (await ws.clients.agent.get(api(`/customers/${target.requesterId}`))).body;
    const reply = detail.comments.find((comment: { visibility: string }) => comment.visibility === 'public');
    expect(reply.text).toBe(`${customer.name ?? ''}您好，工单 #${target.number} 已为您催促仓库，agent views-a 会跟进。`);
    expect(detail.comments.find((comment: { visibility: string }) => comment.visibility === 'internal').text).toBe(
      '已联系仓库 agent views-a',
    );
    // The reply went out on the chat like any ticket reply.
    const messages = await rows<{ text: string }>(`select text from messages where conversation_id = $1 and kind = 'out'`, [
      conversationId,
    ]);
    expect(messages.map((message) => message.text)).toContain(reply.text);
    const types = detail.events.map((event: { type: string }) => event.type);
    // The ticket was already the agent's (they made it from the chat): no assignee event.
    expect(types).not.toContain('assignee_changed');
    for (const type of ['priority_changed', 'status_changed', 'updated', 'comment']) expect(types).toContain(type);
  });

  it('a macro that cannot apply changes nothing of the ticket (a reply needs a channel)', async () => {
    const plain = await ticket({ teamId: ws.teamId });
    const macro = await ws.clients.admin.post(api('/macros'), {
      name: '回复并解决',
      shared: true,
      actions: [
        { type: 'status', status: 'solved' },
        { type: 'reply', text: '已解决' },
      ],
    });
    // What earlier steps set off (routing, SLA, automations) must be done before the snapshot.
    await outboxSettled(server.database.url);
    const before = await fingerprint(server.database.url);
    const applied = await ws.clients.admin.post(api(`/tickets/${plain.id}/apply-macro`), { macroId: macro.body.id });
    expect(applied.status).toBe(422);
    expect(applied.body.error.code).toBe('no_channel');
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('personal macros are their owner’s; shared ones need tickets.share; bad input is a 4xx', async () => {
    const personal = await ws.clients.agent.post(api('/macros'), { name: '我的', actions: [{ type: 'priority', priority: 'low' }] });
    expect((await ws.clients.supervisor.get(api(`/macros/${personal.body.id}`))).status).toBe(404);
    expect((await ws.clients.supervisor.post(api(`/tickets/${ws.ids.ticket}/apply-macro`), { macroId: personal.body.id })).status).toBe(
      404,
    );
    // What earlier steps set off (routing, SLA, automations) must be done before the snapshot.
    await outboxSettled(server.database.url);
    const before = await fingerprint(server.database.url);
    const cases: [string, string, unknown, number][] = [
      ['POST', '/macros', { name: '共享', shared: true, actions: [{ type: 'priority', priority: 'low' }] }, 403],
      ['POST', '/macros', { name: '空', actions: [] }, 400],
      ['POST', '/macros', { name: '坏', actions: [{ type: 'explode' }] }, 400],
      ['POST', '/macros', { name: '关闭', actions: [{ type: 'status', status: 'closed' }] }, 400],
      ['POST', '/macros', { name: '字段', actions: [{ type: 'field', key: 'no_such_field', value: 1 }] }, 400],
      ['POST', '/macros', { name: '别家的人', actions: [{ type: 'assignee', assigneeId: ws2.users.agent.id }] }, 404],
      ['POST', '/macros', { name: '别家的组', actions: [{ type: 'team', teamId: ws2.teamId }] }, 404],
      ['POST', `/tickets/${ws.ids.ticket}/apply-macro`, { macroId: ws2.ids.macro }, 404],
      ['POST', `/tickets/${ws2.ids.ticket}/apply-macro`, { macroId: ws.ids.macro }, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const response = await ws.clients.agent.request(method, api(path), body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(response.body)}`).toBe(status);
    }
    expect(await fingerprint(server.database.url)).toEqual(before);
  });
});

describe('bulk actions', () => {
  it('a macro on 40 tickets in chunks: live progress to the agent, one outcome per ticket, a closed one fails alone', async () => {
    const tag = `bulk-${randomUUID().slice(0, 6)}`;
    const targets = [];
    for (let i = 0; i < 40; i++) targets.push(await ticket({ teamId: ws.teamId, tags: [tag] }));
    const closed = targets[7]!;
    await ws.clients.admin.patch(api(`/tickets/${closed.id}`), { status: 'solved' });
    await ws.clients.admin.patch(api(`/tickets/${closed.id}`), { status: 'closed' });
    const macro = await ws.clients.agent.post(api('/macros'), {
      name: '批量升级',
      actions: [
        { type: 'priority', priority: 'urgent' },
        { type: 'note', text: '批量处理 {{ticket.number}}' },
      ],
    });
    const key = randomUUID();
    const started = await ws.clients.agent.request(
      'POST',
      api('/tickets/bulk'),
      { ticketIds: targets.map((item) => item.id), macroId: macro.body.id },
      { headers: { 'idempotency-key': key } },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ total: 40, status: 'running' });
    const done = await agentEvents.waitFor('ticket:bulk', (payload) => payload.id === started.body.id && payload.status === 'done', 60_000);
    expect(done).toMatchObject({ total: 40, processed: 40, changed: 39, failed: 1 });
    // Progress came in steps, not only at the end.
    const steps = agentEvents.of('ticket:bulk', (payload) => payload.id === started.body.id).map((payload) => payload.processed);
    expect(steps).toEqual([25, 40]);

    const status = await ws.clients.agent.get(api(`/tickets/bulk/${started.body.id}`));
    expect(status.body.status).toBe('done');
    const failed = status.body.items.filter((item: { outcome: string }) => item.outcome === 'failed');
    expect(failed).toEqual([
      { ticketId: closed.id, number: closed.number, outcome: 'failed', error: expect.objectContaining({ code: 'ticket_closed' }) },
    ]);
    const events = await rows<{ ticket_id: string; count: string }>(
      `select ticket_id, count(*) from ticket_events where type = 'priority_changed' and ticket_id = any($1::uuid[]) group by ticket_id`,
      [targets.map((item) => item.id)],
    );
    expect(events.length).toBe(39);
    expect(events.every((row) => Number(row.count) === 1)).toBe(true);
    const notes = await rows<{ text: string }>(`select text from ticket_comments where ticket_id = $1`, [targets[0]!.id]);
    expect(notes.map((note) => note.text)).toContain(`批量处理 #${targets[0]!.number}`);

    // A retry with the same key is the same job: nothing runs twice.
    const retry = await ws.clients.agent.request(
      'POST',
      api('/tickets/bulk'),
      { ticketIds: targets.map((item) => item.id), macroId: macro.body.id },
      { headers: { 'idempotency-key': key } },
    );
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(started.body.id);
    expect(
      Number((await rows<{ count: string }>(`select count(*) from ticket_bulk_jobs where idempotency_key = $1`, [key]))[0]!.count),
    ).toBe(1);
    // Someone else's job is not theirs to read.
    expect((await ws.clients.supervisor.get(api(`/tickets/bulk/${started.body.id}`))).status).toBe(404);
  });

  it('over a view: its tickets as they are now', async () => {
    const tag = `view-${randomUUID().slice(0, 6)}`;
    const targets = [await ticket({ tags: [tag] }), await ticket({ tags: [tag] })];
    const view = await ws.clients.admin.post(api('/views'), { name: tag, filter: { tags: [tag] } });
    const started = await ws.clients.admin.post(api('/tickets/bulk'), {
      viewId: view.body.id,
      actions: [
        { type: 'tags_remove', tags: [tag] },
        { type: 'status', status: 'open' },
      ],
    });
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(2);
    let status;
    do status = (await ws.clients.admin.get(api(`/tickets/bulk/${started.body.id}`))).body;
    while (status.status !== 'done');
    expect(status.changed).toBe(2);
    for (const item of targets)
      expect((await ws.clients.admin.get(api(`/tickets/${item.id}`))).body).toMatchObject({ tags: [], status: 'open' });
  });

  it('an API token’s retries with one key, all at once, are one job', async () => {
    const tag = `token-${randomUUID().slice(0, 6)}`;
    const targets = [await ticket({ tags: [tag] }), await ticket({ tags: [tag] })];
    const key = randomUUID();
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        ws.tokenClients.admin.request(
          'POST',
          api('/tickets/bulk'),
          { ticketIds: targets.map((item) => item.id), actions: [{ type: 'tags_add', tags: ['批量'] }] },
          { headers: { 'idempotency-key': key } },
        ),
      ),
    );
    expect(attempts.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
    expect(new Set(attempts.map((answer) => answer.body.id)).size).toBe(1);
    expect(
      Number((await rows<{ count: string }>(`select count(*) from ticket_bulk_jobs where idempotency_key = $1`, [key]))[0]!.count),
    ).toBe(1);
    // Another token's key space is the workspace's too: the same key is the same job.
    const other = await ws.tokenClients.supervisor.request(
      'POST',
      api('/tickets/bulk'),
      { ticketIds: targets.map((item) => item.id), actions: [{ type: 'tags_add', tags: ['批量'] }] },
      { headers: { 'idempotency-key': key } },
    );
    expect(other.body.id).toBe(attempts[0]!.body.id);
  });

  it('a job left behind by a dead process is finished by the resume job, without redoing what was done', async () => {
    const targets = [await ticket(), await ticket(), await ticket()];
    const { startBulkJob, resumeStaleBulkJobs } = await import('../../src/modules/tickets/views-macros/bulk.js');
    const job = await server.ctx.db.transaction((tx) =>
      startBulkJob(tx, {
        member: { workspaceId: ws.workspaceId, userId: ws.users.admin.id, role: 'admin', tokenId: null },
        viewer: { workspaceId: ws.workspaceId, userId: ws.users.admin.id, readAll: true },
        actor: { type: 'agent', id: ws.users.admin.id, name: 'admin' },
        request: { ticketIds: targets.map((item) => item.id), actions: [{ type: 'tags_add', tags: ['续跑'] }] },
        idempotencyKey: null,
      }),
    );
    // The first ticket was done before the "crash"; the job was last touched two minutes ago.
    await rows(`update ticket_bulk_items set outcome = 'changed' where job_id = $1 and ticket_id = $2`, [job.job.id, targets[0]!.id]);
    await rows(`update ticket_bulk_jobs set processed = 1, changed = 1, updated_at = now() - interval '2 minutes' where id = $1`, [
      job.job.id,
    ]);
    expect(await resumeStaleBulkJobs(server.ctx)).toBeGreaterThanOrEqual(1);
    const status = (await ws.clients.admin.get(api(`/tickets/bulk/${job.job.id}`))).body;
    expect(status).toMatchObject({ status: 'done', processed: 3, changed: 3 });
    expect((await ws.clients.admin.get(api(`/tickets/${targets[0]!.id}`))).body.tags).toEqual([]);
    expect((await ws.clients.admin.get(api(`/tickets/${targets[2]!.id}`))).body.tags).toEqual(['续跑']);
  });

  it('bad input is a 4xx and starts nothing', async () => {
    // The admin's teamless ticket is not the agent's to see, so not theirs to change in bulk.
    const hidden = await ticket();
    // What earlier steps set off (routing, SLA, automations) must be done before the snapshot.
    await outboxSettled(server.database.url);
    const before = await fingerprint(server.database.url);
    const ids501 = Array.from({ length: 501 }, () => randomUUID());
    const cases: [string, unknown, number][] = [
      ['/tickets/bulk', { ticketIds: [ws.ids.ticket] }, 400],
      ['/tickets/bulk', { actions: [{ type: 'priority', priority: 'low' }] }, 400],
      ['/tickets/bulk', { ticketIds: ids501, actions: [{ type: 'priority', priority: 'low' }] }, 400],
      ['/tickets/bulk', { ticketIds: [ws2.ids.ticket], actions: [{ type: 'priority', priority: 'low' }] }, 404],
      ['/tickets/bulk', { ticketIds: [ws.ids.ticket], macroId: ws2.ids.macro }, 404],
      ['/tickets/bulk', { viewId: ws2.ids.ticketView, actions: [{ type: 'priority', priority: 'low' }] }, 404],
    ];
    for (const [path, body, status] of cases) {
      const response = await ws.clients.admin.post(api(path), body);
      expect(response.status, `${path} ${JSON.stringify(body).slice(0, 200)} → ${JSON.stringify(response.body)}`).toBe(status);
    }
    expect(
      (await ws.clients.agent.post(api('/tickets/bulk'), { ticketIds: [hidden.id], actions: [{ type: 'priority', priority: 'low' }] }))
        .status,
    ).toBe(404);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });
});

describe('the API document', () => {
  it('describes the views, macros and bulk routes', async () => {
    const spec = (await (await fetch(`${server.url}/api/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const base = '/api/v1/workspaces/{workspaceId}';
    for (const [path, method] of [
      ['/views', 'get'],
      ['/views', 'post'],
      ['/views/counts', 'get'],
      ['/views/{id}', 'patch'],
      ['/views/{id}', 'delete'],
      ['/macros', 'get'],
      ['/macros', 'post'],
      ['/macros/{id}', 'patch'],
      ['/tickets/{id}/apply-macro', 'post'],
      ['/tickets/{id}/macros/{macroId}/preview', 'get'],
      ['/tickets/bulk', 'post'],
      ['/tickets/bulk/{id}', 'get'],
    ] as const)
      expect(spec.paths[`${base}${path}`]?.[method], `${method} ${path}`).toBeDefined();
  });
});
