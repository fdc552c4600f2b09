import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import { customers } from '../customers/schema.js';
import { inboxes } from '../inboxes/schema.js';
import { teamMembers } from '../teams/schema.js';
import { users } from '../users/schema.js';
import type { Executor } from '../users/service.js';
import { dueSoonestPage, encodeDueCursor, slaDueKey, slaSummaryColumn } from '../sla/summary.js';
import { conversations, messages } from './schema.js';
import { displayLabel } from '../customers/label.js';
import { conversationView, type ConversationRow } from './views.js';

export interface ConversationFilter {
  cursor?: string;
  limit: number;
  state?: 'bot' | 'queued' | 'assigned' | 'waiting' | 'resolved';
  inboxId?: string;
  channel?: 'widget' | 'email' | 'sms' | 'wechat' | 'wecom' | 'api' | 'voice';
  assigneeId?: string;
  teamId?: string;
  /** Only conversations of the teams this user belongs to (null: of no team, so none). */
  teamsOf?: string | null;
  tag?: string;
  tier?: 'normal' | 'vip';
  customerId?: string;
  q?: string;
  /** `sla_due`: the soonest SLA due time first. */
  sort?: 'newest' | 'sla_due';
}

/** Lists conversations newest first; `assigneeId` may be a user id, `none`, or already resolved from `me`. */
export async function listConversations(db: Executor, workspaceId: string, filter: ConversationFilter) {
  const dueKey = slaDueKey('conversation');
  const bySla = filter.sort === 'sla_due';
  const page = bySla ? dueSoonestPage(dueKey, 'conversation', filter.cursor) : keyset(conversations, filter.cursor);
  const conditions: (SQL | undefined)[] = [eq(conversations.workspaceId, workspaceId), page.where];
  if (filter.state) conditions.push(eq(conversations.state, filter.state));
  if (filter.inboxId) conditions.push(eq(conversations.inboxId, filter.inboxId));
  if (filter.channel) conditions.push(eq(conversations.channel, filter.channel));
  if (filter.assigneeId === 'none') conditions.push(isNull(conversations.assigneeId));
  else if (filter.assigneeId) conditions.push(eq(conversations.assigneeId, filter.assigneeId));
  if (filter.teamId) conditions.push(eq(conversations.teamId, filter.teamId));
  if (filter.teamsOf === null) conditions.push(sql`false`);
  else if (filter.teamsOf) {
    const mine = db
      .select({ id: teamMembers.teamId })
      .from(teamMembers)
      .where(and(eq(teamMembers.workspaceId, workspaceId), eq(teamMembers.userId, filter.teamsOf)));
    conditions.push(inArray(conversations.teamId, mine));
  }
  if (filter.tag) conditions.push(sql`${filter.tag} = any(${conversations.tags})`);
  if (filter.customerId) conditions.push(eq(conversations.customerId, filter.customerId));
  if (filter.tier) conditions.push(eq(customers.tier, filter.tier));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const matching = db
      .select({ id: messages.conversationId })
      .from(messages)
      .where(and(eq(messages.workspaceId, workspaceId), sql`${messages.text} ilike ${pattern}`));
    conditions.push(inArray(conversations.id, matching));
  }
  const rows = await db
    .select({
      conversation: conversations,
      customer: customerColumns,
      slaDue: dueKey,
      sla: slaSummaryColumn('conversation'),
    })
    .from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(filter.limit + 1);
  const flat = rows.map((row) => ({ ...row.conversation, customer: row.customer, slaDue: row.slaDue, sla: row.sla }));
  const view = (row: (typeof flat)[number]) => ({ ...viewWithCustomer(row, row.customer), sla: row.sla });
  if (!bySla) return toPage(flat, filter.limit, view);
  const items = flat.slice(0, filter.limit);
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: flat.length > filter.limit && last ? encodeDueCursor(last.slaDue, last.id) : null };
}

/** What a conversation's list entry shows of its customer. */
const customerColumns = { name: customers.name, number: customers.number, attributes: customers.attributes };

const viewWithCustomer = (row: ConversationRow, customer: { name: string | null; number: number; attributes: Record<string, unknown> }) =>
  conversationView(row, customer.name, displayLabel(customer, row.context));

export async function getConversation(db: Executor, workspaceId: string, conversationId: string) {
  const [row] = await db
    .select({ conversation: conversations, customer: customerColumns })
    .from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)));
  if (!row) throw notFound('conversation');
  return { row: row.conversation, view: viewWithCustomer(row.conversation, row.customer) };
}

/** Workspaces with conversations waiting for an agent: what the routing sweep visits. */
export async function workspacesWithQueue(db: Executor): Promise<string[]> {
  const rows = await db
    .selectDistinct({ workspaceId: conversations.workspaceId })
    .from(conversations)
    .where(and(eq(conversations.state, 'queued'), isNull(conversations.assigneeId)));
  return rows.map((row) => row.workspaceId);
}

const PREVIEW_LENGTH = 140;

/**
 * A customer's conversations on every channel, newest first (keyset-paged), including any still
 * filed under a customer merged into this one, as timeline items.
 */
export async function customerTimeline(db: Executor, workspaceId: string, customerId: string, query: { cursor?: string; limit: number }) {
  const page = keyset(conversations, query.cursor);
  const mergedInto = db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.mergedIntoId, customerId)));
  const rows = await db
    .select({
      id: conversations.id,
      number: conversations.number,
      channel: conversations.channel,
      inboxId: conversations.inboxId,
      inboxName: inboxes.name,
      state: conversations.state,
      subject: sql<string | null>`${conversations.context}->>'subject'`,
      preview: sql<string | null>`(select left(${messages.text}, ${PREVIEW_LENGTH}) from ${messages}
        where ${messages.conversationId} = ${conversations.id} and ${messages.kind} = 'in' order by ${messages.seq} limit 1)`,
      createdAt: conversations.createdAt,
      resolvedAt: conversations.resolvedAt,
      assigneeId: conversations.assigneeId,
      assigneeName: users.name,
      teamId: conversations.teamId,
      disposition: conversations.disposition,
    })
    .from(conversations)
    .leftJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        or(eq(conversations.customerId, customerId), inArray(conversations.customerId, mergedInto)),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => ({
    kind: 'conversation' as const,
    id: row.id,
    number: row.number,
    channel: row.channel,
    inboxId: row.inboxId,
    inboxName: row.inboxName,
    state: row.state,
    subject: row.subject,
    preview: row.preview,
    startedAt: row.createdAt.toISOString(),
    endedAt: row.resolvedAt?.toISOString() ?? null,
    assigneeId: row.assigneeId,
    assigneeName: row.assigneeName,
    teamId: row.teamId,
    disposition: row.disposition,
  }));
}

/** The text of the customer's newest message with text in the conversation (agent assist). */
export async function lastCustomerText(db: Executor, workspaceId: string, conversationId: string): Promise<string | null> {
  const [row] = await db
    .select({ text: messages.text })
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.conversationId, conversationId),
        eq(messages.kind, 'in'),
        sql`${messages.text} <> ''`,
      ),
    )
    .orderBy(sql`${messages.seq} desc`)
    .limit(1);
  return row?.text ?? null;
}
