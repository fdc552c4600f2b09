import { sql } from 'drizzle-orm';
import type { Database } from '../../src/platform/db/pool.js';
import {
  assignConversation,
  createConversation,
  endConversationByCustomer,
  handOffConversation,
  rateConversation,
  reopenConversation,
  resolveConversation,
} from '../../src/modules/conversations/commands.js';
import { appendMessage } from '../../src/modules/conversations/write-path.js';
import { findOrCreateCustomer } from '../../src/modules/customers/service.js';
import { createInbox } from '../../src/modules/inboxes/service.js';
import { recordRoutingEvent } from '../../src/modules/routing/events.js';
import { setPresence } from '../../src/modules/routing/presence.js';
import { createTeam, addTeamMember } from '../../src/modules/teams/service.js';
import { createTicket } from '../../src/modules/tickets/commands/create-ticket.js';
import { updateTicket } from '../../src/modules/tickets/commands/update-ticket.js';
import { addMembership, createUser, type Executor } from '../../src/modules/users/service.js';

/*
 * The fixture day of the report tests, written through the real service functions. They stamp
 * their rows with the database's now(), which is fixed within a transaction: `at` runs a step
 * in one transaction and then moves every timestamp equal to that now() to the simulated
 * moment (ticket history, on the wall clock, is found by this transaction's id), so the events carry fixed dates while their shape is exactly what production writes.
 */
const STAMPED: Record<string, string[]> = {
  conversations: [
    'created_at',
    'updated_at',
    'queued_at',
    'first_response_at',
    'last_customer_message_at',
    'last_message_at',
    'resolved_at',
  ],
  messages: ['created_at'],
  routing_events: ['created_at'],
  bot_sessions: ['created_at', 'handed_off_at'],
  tickets: ['created_at', 'updated_at', 'solved_at', 'closed_at'],
  agent_states: ['status_since'],
};
/** Ticket history takes the wall clock (clock_timestamp) for its order: those rows are found as this transaction's own. */
const WALL_CLOCK = ['ticket_events', 'ticket_comments'];

export async function at<T>(db: Database, workspaceId: string, moment: string, step: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const result = await step(tx);
    for (const [table, columns] of Object.entries(STAMPED))
      for (const column of columns)
        await tx.execute(
          sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${moment}::timestamptz
            where workspace_id = ${workspaceId} and ${sql.identifier(column)} = now()::timestamptz(3)`,
        );
    for (const table of WALL_CLOCK)
      await tx.execute(
        sql`update ${sql.identifier(table)} set created_at = ${moment}::timestamptz
          where workspace_id = ${workspaceId} and xmin::text::bigint = txid_current() % 4294967296 and created_at >= now()::timestamptz(3)`,
      );
    return result;
  });
}

export interface Day {
  workspaceId: string;
  agentA: string;
  agentB: string;
  teamSales: string;
  teamCare: string;
  inboxes: { widget: string; api: string; sms: string };
}

const agent = (id: string, name: string) => ({ type: 'agent' as const, id, name });

/**
 * Builds the fixture day (2026-03-02, a Monday, Asia/Shanghai = UTC+8) in the workspace. Times
 * below are UTC; 01:00Z is 09:00 local. The expected figures are worked out in reports.test.ts.
 */
export async function simulateDay(
  db: Database,
  workspaceId: string,
  widgetInboxId: string,
  salesTeamId: string,
  label: string,
): Promise<Day> {
  const a = await createUser(db, { email: `zhangwei-${label}@example.test`, name: '张伟', passwordHash: 'x' });
  const b = await createUser(db, { email: `lina-${label}@example.test`, name: '李娜', passwordHash: 'x' });
  for (const user of [a, b]) await addMembership(db, { workspaceId, userId: user.id, role: 'agent' });
  const care = await createTeam(db, workspaceId, { name: '售后', description: '' });
  await addTeamMember(db, workspaceId, salesTeamId, a.id);
  await addTeamMember(db, workspaceId, salesTeamId, b.id);
  await addTeamMember(db, workspaceId, care.id, a.id);
  const api = await createInbox(db, workspaceId, { kind: 'api', name: 'App 接口', defaultTeamId: salesTeamId, settings: {} });
  const sms = await createInbox(db, workspaceId, { kind: 'sms', name: '短信', defaultTeamId: salesTeamId, settings: {} });
  const inboxes = { widget: widgetInboxId, api: api.id, sms: sms.id };
  const A = agent(a.id, '张伟');
  const B = agent(b.id, '李娜');
  const customer = (name: string) =>
    findOrCreateCustomer(db, workspaceId, { kind: 'email', value: `${name}-${label}@example.test` }, { name });
  const step = <T>(moment: string, run: (tx: Executor) => Promise<T>) => at(db, workspaceId, `2026-03-02T${moment}Z`, run);
  const stepOn = <T>(iso: string, run: (tx: Executor) => Promise<T>) => at(db, workspaceId, iso, run);

  type Channel = 'widget' | 'api' | 'sms';
  const open = (moment: string, channel: Channel, customerId: string, state: 'queued' | 'bot' = 'queued') =>
    step(moment, async (tx) => {
      const row = await createConversation(tx, { workspaceId, inboxId: inboxes[channel], channel, customerId, teamId: salesTeamId, state });
      if (state === 'bot')
        await tx.execute(
          sql`insert into bot_sessions (conversation_id, workspace_id, inbox_id) values (${row.id}, ${workspaceId}, ${row.inboxId})`,
        );
      await appendMessage(tx, workspaceId, row.id, { kind: 'in', text: '你好，我想咨询一下', senderType: 'customer' });
      return row.id;
    });
  const customerSays = (moment: string, id: string) =>
    step(moment, (tx) => appendMessage(tx, workspaceId, id, { kind: 'in', text: '还有一个问题', senderType: 'customer' }));
  const reply = (moment: string, id: string, who: typeof A) =>
    step(moment, (tx) =>
      appendMessage(tx, workspaceId, id, {
        kind: 'out',
        text: '您好，马上为您处理',
        senderType: 'agent',
        senderId: who.id,
        senderName: who.name,
      }),
    );
  // What POST …/assign does for a waiting conversation: the assignment and the routing event that answers it.
  const take = (moment: string, id: string, who: typeof A) =>
    step(moment, async (tx) => {
      const appended = await assignConversation(tx, workspaceId, id, who, { assigneeId: who.id });
      await recordRoutingEvent(tx, {
        workspaceId,
        type: 'assigned',
        conversationId: id,
        userId: who.id,
        teamId: appended.conversation.teamId,
        details: { algorithm: 'manual', by: who.id },
      });
    });
  const resolve = (moment: string, id: string, who: typeof A) => step(moment, (tx) => resolveConversation(tx, workspaceId, id, who, {}));
  const presence = (moment: string, user: string, status: 'online' | 'busy' | 'away' | 'offline') =>
    step(moment, (tx) => setPresence(tx, workspaceId, user, status));

  await presence('00:50:00', a.id, 'online');
  await presence('01:00:00', b.id, 'online');

  // C1 widget: answered in 15 s, two replies, resolved, rated 5.
  const c1Customer = await customer('王芳');
  const c1 = await open('01:00:00', 'widget', c1Customer);
  await take('01:00:15', c1, A);
  await reply('01:01:00', c1, A);
  await customerSays('01:02:00', c1);
  await reply('01:02:30', c1, A);
  await resolve('01:10:00', c1, A);
  await step('01:11:00', (tx) => rateConversation(tx, workspaceId, c1, 5, '很满意'));

  // C2 api: answered by B in 40 s, transferred to A in the care team, resolved by A, rated 2.
  const c2 = await open('01:30:00', 'api', await customer('刘洋'));
  await take('01:30:40', c2, B);
  await reply('01:35:00', c2, B);
  await step('01:40:00', (tx) =>
    assignConversation(tx, workspaceId, c2, B, { assigneeId: a.id, teamId: care.id }, { type: 'transferred', details: { note: null } }),
  );
  await reply('01:45:00', c2, A);
  await customerSays('01:50:00', c2);
  await reply('01:52:00', c2, A);
  await resolve('02:00:00', c2, A);
  await step('02:01:00', (tx) => rateConversation(tx, workspaceId, c2, 2, ''));

  // C3 widget: the bot hands off after 2 minutes, B answers in 10 s.
  const c3 = await open('02:00:00', 'widget', await customer('陈静'), 'bot');
  await step('02:02:00', (tx) => handOffConversation(tx, workspaceId, c3, { reason: 'requested', intent: null }));
  await take('02:02:10', c3, B);
  await reply('02:03:00', c3, B);
  await resolve('02:20:00', c3, B);

  // C4 widget: the bot alone; the customer ends it (contained).
  const c4 = await open('02:10:00', 'widget', await customer('杨磊'), 'bot');
  await step('02:15:00', (tx) => endConversationByCustomer(tx, workspaceId, c4, 'customer_ended'));

  await presence('02:30:00', a.id, 'away');
  await presence('02:45:00', a.id, 'online');

  // C5 sms: abandoned after 8 s (a short abandon at a 10 s threshold); C6 sms: abandoned after 120 s.
  const c5 = await open('03:00:00', 'sms', await customer('赵敏'));
  await step('03:00:08', (tx) => endConversationByCustomer(tx, workspaceId, c5, 'customer_ended'));
  const c6 = await open('03:10:00', 'sms', await customer('黄勇'));
  await step('03:12:00', (tx) => endConversationByCustomer(tx, workspaceId, c6, 'customer_ended'));

  // C7 widget: answered in 50 s, resolved, reopened with its agent, resolved again, rated 4.
  const c7 = await open('03:20:00', 'widget', await customer('周杰'));
  await take('03:20:50', c7, A);
  await reply('03:21:00', c7, A);
  await resolve('03:30:00', c7, A);
  await step('03:40:00', (tx) => reopenConversation(tx, workspaceId, c7, A));
  await customerSays('03:41:00', c7);
  await reply('03:42:00', c7, A);
  await resolve('03:50:00', c7, A);
  await step('03:51:00', (tx) => rateConversation(tx, workspaceId, c7, 4, ''));

  // Tickets: three created, one solved.
  const viewer = { workspaceId, userId: a.id, readAll: true };
  const tickets: string[] = [];
  for (const [moment, subject] of [
    ['04:00:00', '退款申请'],
    ['04:10:00', '发票开错'],
    ['04:20:00', '物流丢件'],
  ] as const) {
    tickets.push(
      await step(moment, async (tx) => {
        const created = await createTicket(tx, {
          workspaceId,
          actor: A,
          subject,
          requesterId: c1Customer,
          sourceChannel: 'widget',
          teamId: care.id,
        });
        return created.ticket.id;
      }),
    );
  }
  await step('04:30:00', (tx) => updateTicket(tx, { viewer, actor: A, ticketId: tickets[0]!, change: { status: 'solved' } }));

  // SLA clocks as the SLA module leaves them: C1's first response met, C2's missed, C3's resolution met, the ticket's resolution breached (then met late).
  const target = (
    subjectType: string,
    subjectId: string,
    metric: string,
    started: string,
    due: string,
    achieved: string | null,
    breached: string | null,
  ) =>
    db.execute(sql`insert into sla_targets (workspace_id, subject_type, subject_id, metric, origin, policy_name, business_time, target_minutes,
        status, started_at, due_at, achieved_at, breached_at)
      values (${workspaceId}, ${subjectType}, ${subjectId}, ${metric}, 'sim', '标准', false, 5,
        ${achieved && !breached ? 'achieved' : 'breached'}, ${started}::timestamptz, ${due}::timestamptz, ${achieved}::timestamptz, ${breached}::timestamptz)`);
  const d = (moment: string) => `2026-03-02T${moment}Z`;
  await target('conversation', c1, 'first_response', d('01:00:00'), d('01:05:00'), d('01:01:00'), null);
  await target('conversation', c2, 'first_response', d('01:30:00'), d('01:34:00'), d('01:35:00'), d('01:34:00'));
  await target('conversation', c3, 'resolution', d('02:02:00'), d('03:02:00'), d('02:20:00'), null);
  await target('ticket', tickets[0]!, 'resolution', d('04:00:00'), d('04:25:00'), d('04:30:00'), d('04:25:00'));

  await presence('05:00:00', a.id, 'offline');
  await presence('05:00:00', b.id, 'offline');

  // The next local day starts at 16:00Z: C1's customer comes back at 00:30 local on 3 March and gives up after 5 minutes.
  const c8 = await stepOn('2026-03-02T16:30:00Z', async (tx) => {
    const row = await createConversation(tx, {
      workspaceId,
      inboxId: inboxes.api,
      channel: 'api',
      customerId: c1Customer,
      teamId: salesTeamId,
    });
    await appendMessage(tx, workspaceId, row.id, { kind: 'in', text: '退款还没到账', senderType: 'customer' });
    return row.id;
  });
  await stepOn('2026-03-02T16:35:00Z', (tx) => endConversationByCustomer(tx, workspaceId, c8, 'customer_ended'));
  return { workspaceId, agentA: a.id, agentB: b.id, teamSales: salesTeamId, teamCare: care.id, inboxes };
}
