import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEmail } from '../../src/channels/email/ingest.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { queryRows } from '../support/database.js';
import { composeEmail } from '../support/email.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

async function emailInbox(settings: Record<string, unknown>) {
  const created = await ws.clients.admin.post(api('/inboxes'), {
    kind: 'email',
    name: `工单邮箱 ${Math.random().toString(36).slice(2, 8)}`,
    defaultTeamId: ws.teamId,
    settings,
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

async function ingest(inboxId: string, raw: Buffer) {
  const result = await ingestEmail(server.ctx, await getInbox(server.ctx.db, ws.workspaceId, inboxId), raw, 'test');
  if (result.status !== 'imported') throw new Error(`not imported: ${result.status}`);
  return result;
}

const mail = (from: string, subject: string, extra: Record<string, unknown> = {}) =>
  composeEmail({ from, to: 'support@huiliu.test', subject, text: `${subject} 的内容`, ...extra });

const ticketsOf = (conversationId: string) =>
  queryRows(
    server.database.url,
    `select t.id, t.number, t.subject, t.source_channel from tickets t join ticket_conversations l on l.ticket_id = t.id where l.conversation_id = $1`,
    [conversationId],
  );

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-mail');
});
afterAll(async () => {
  await server?.stop();
});

describe('email inbox: createTickets', () => {
  it('defaults to never, is shown in the settings and refuses an unknown value', async () => {
    const inboxId = await emailInbox({});
    const read = await ws.clients.admin.get(api(`/inboxes/${inboxId}`));
    expect(read.body.settings.createTickets).toBe('never');
    const bad = await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { createTickets: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect((await ws.clients.admin.get(api(`/inboxes/${inboxId}`))).body.settings.createTickets).toBe('never');
    const first = await ingest(inboxId, await mail('never@example.com', '发票', { messageId: '<never-1@example.com>' }));
    expect(await ticketsOf(first.conversationId)).toHaveLength(0);
  });

  it('with every_thread, each new thread becomes one ticket and the replies in it land on that ticket', async () => {
    const inboxId = await emailInbox({});
    const changed = await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { createTickets: 'every_thread' } });
    expect(changed.status).toBe(200);
    expect(changed.body.settings.createTickets).toBe('every_thread');

    const first = await ingest(inboxId, await mail('wang@example.com', '退货申请', { messageId: '<thread-a-1@example.com>' }));
    expect(first.created).toBe(true);
    const [ticket] = await ticketsOf(first.conversationId);
    expect(ticket).toMatchObject({ subject: '退货申请', source_channel: 'email' });

    // Its ingest again (IMAP fetched it twice) stores nothing new.
    const again = await ingestEmail(
      server.ctx,
      await getInbox(server.ctx.db, ws.workspaceId, inboxId),
      await mail('wang@example.com', '退货申请', { messageId: '<thread-a-1@example.com>' }),
      'test',
    );
    expect(again.status).toBe('duplicate');
    expect(await ticketsOf(first.conversationId)).toHaveLength(1);

    const reply = await ingest(
      inboxId,
      await mail('wang@example.com', 'Re: 退货申请', { messageId: '<thread-a-2@example.com>', inReplyTo: '<thread-a-1@example.com>' }),
    );
    expect(reply).toMatchObject({ conversationId: first.conversationId, created: false });
    expect(await ticketsOf(first.conversationId)).toEqual([ticket]);
    const thread = await ws.clients.admin.get(api(`/tickets/${ticket!.id}`));
    expect(thread.status).toBe(200);
    const comments = await queryRows(server.database.url, `select text from ticket_comments where ticket_id = $1`, [ticket!.id]);
    expect(comments.map((row) => row.text)).toContain('Re: 退货申请 的内容');

    const other = await ingest(inboxId, await mail('li@example.com', '发票抬头', { messageId: '<thread-b-1@example.com>' }));
    const [second] = await ticketsOf(other.conversationId);
    expect(second).toBeDefined();
    expect(second!.id).not.toBe(ticket!.id);
    const all = await queryRows(
      server.database.url,
      `select count(*)::int as count from tickets t join ticket_conversations l on l.ticket_id = t.id
         join conversations c on c.id = l.conversation_id where c.inbox_id = $1`,
      [inboxId],
    );
    expect(all[0]!.count).toBe(2);
  });
});
