import { and, asc, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { chainOf } from '../../platform/outbox/outbox.js';
import type { OutboxEvent } from '../../platform/outbox/relay.js';
import { conversations, messages } from '../conversations/schema.js';
import { ticketOfConversation } from '../tickets/queries.js';
import { tickets } from '../tickets/schema.js';
import type { Executor } from '../users/service.js';
import { handleOccurrence, type Occurrence } from './engine.js';
import { sweepTimeRules } from './time-rules.js';
import { deliverWebhook } from './webhook.js';
import { WEBHOOK_TOPIC } from './actions.js';

/** How often each node looks for time rules that are due; a time rule fires at most this late. */
const TIME_SWEEP_INTERVAL_MS = 60_000;

const FIELD_OF_EVENT: Record<string, string> = {
  status_changed: 'status',
  priority_changed: 'priority',
  assignee_changed: 'assigneeId',
  team_changed: 'teamId',
};

/** Conversation timeline events (`conversation.<type>` topics) and the fields they change. */
const CONVERSATION_CHANGES: Record<string, readonly ('status' | 'priority' | 'assigneeId' | 'teamId' | 'tags')[]> = {
  assigned: ['assigneeId', 'teamId', 'status'],
  unassigned: ['assigneeId', 'teamId', 'status'],
  transferred: ['assigneeId', 'teamId', 'status'],
  requeued: ['assigneeId', 'status'],
  handed_off: ['status', 'teamId'],
  resolved: ['status'],
  reopened: ['status'],
  tagged: ['tags'],
  priority: ['priority'],
};

type Base = Pick<Occurrence, 'workspaceId' | 'chain' | 'detail'>;

async function ticketEventOccurrence(db: Executor, event: OutboxEvent, base: Base, key: string): Promise<Occurrence | undefined> {
  const payload = event.payload;
  const ticketId = String(payload.ticketId);
  const subject = { type: 'ticket' as const, id: ticketId };
  const data = (payload.data ?? {}) as Record<string, unknown>;
  const type = String(payload.type);
  const detail = { ...base.detail, event: type, data };
  if (type === 'created') return { ...base, detail, subject, key: `${key}:${ticketId}`, trigger: { type: 'ticket.created' } };
  // The requester's rating of the ticket itself (the solved email's link): the same trigger as a chat's rating.
  if (type === 'csat_rated')
    return { ...base, detail, subject, key: `csat:ticket:${ticketId}`, trigger: { type: 'csat.received', rating: Number(data.rating) } };
  let fields: { field: string; to: unknown }[] = [];
  if (FIELD_OF_EVENT[type]) fields = [{ field: FIELD_OF_EVENT[type], to: data.to }];
  else if (type === 'escalated') fields = [{ field: 'teamId', to: data.toTeamId }];
  else if (type === 'updated' && Array.isArray(data.fields)) {
    const [ticket] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
    if (!ticket) return undefined;
    fields = data.fields.map((field) => {
      const name = String(field);
      const value = (ticket as Record<string, unknown>)[name];
      return { field: name, to: Array.isArray(value) || typeof value === 'object' ? '' : value };
    });
  }
  if (fields.length === 0) return undefined;
  return { ...base, detail, subject, key: `${key}:${ticketId}:updated`, trigger: { type: 'ticket.updated', fields } };
}

/** A change of a conversation's state, assignee, team, tags or priority, with the values it has now. */
async function conversationChangeOccurrence(db: Executor, event: OutboxEvent, base: Base, key: string): Promise<Occurrence | undefined> {
  const type = event.topic.slice('conversation.'.length);
  const changed = CONVERSATION_CHANGES[type];
  if (!changed) return undefined;
  const conversationId = String(event.payload.conversationId);
  const [row] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
  if (!row) return undefined;
  const now: Record<string, unknown> = {
    status: row.state,
    priority: row.priority,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    tags: '',
  };
  return {
    ...base,
    detail: { ...base.detail, event: type },
    subject: { type: 'conversation', id: conversationId },
    key: `${key}:${conversationId}:updated`,
    trigger: { type: 'conversation.updated', fields: changed.map((field) => ({ field, to: now[field] })) },
  };
}

/**
 * Turns an outbox event into the occurrences automations react to: one for the conversation's
 * rules and one for the linked ticket's, when there is a ticket and the event means something to
 * it. Events of one transaction share a key, so a rule fires once per change, not once per row.
 */
export async function occurrencesOf(db: Executor, event: OutboxEvent): Promise<Occurrence[]> {
  const payload = event.payload;
  const chain = chainOf(payload);
  const key = payload.tx ? `tx:${String(payload.tx)}` : `evt:${event.id}`;
  const base: Base = { workspaceId: event.workspaceId, chain, detail: { topic: event.topic, outboxId: event.id } };
  const linkedTicket = (conversationId: unknown) => ticketOfConversation(db, event.workspaceId, String(conversationId));
  const conversationSubject = (id: unknown) => ({ type: 'conversation' as const, id: String(id) });
  const found: (Occurrence | undefined)[] = [];

  if (event.topic === 'ticket.event') found.push(await ticketEventOccurrence(db, event, base, key));
  else if (event.topic === 'conversation.created') {
    const [first] = await db
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.conversationId, String(payload.conversationId)), eq(messages.kind, 'in')))
      .orderBy(asc(messages.seq))
      .limit(1);
    found.push({
      ...base,
      subject: conversationSubject(payload.conversationId),
      key: `${key}:created`,
      trigger: { type: 'conversation.created', messageText: first?.text ?? '' },
    });
  } else if (event.topic === 'message.created') {
    const kind = payload.kind;
    if (kind !== 'in' && kind !== 'out') return [];
    const [message] = await db
      .select({ senderType: messages.senderType, text: messages.text, createdAt: messages.createdAt })
      .from(messages)
      .where(eq(messages.id, String(payload.messageId)));
    if (!message) return [];
    const customer = kind === 'in' && message.senderType === 'customer';
    // An automation's own reply is not an agent's message.
    const agent = kind === 'out' && message.senderType === 'agent' && chain.depth === 0;
    if (!customer && !agent) return [];
    const occurrence = {
      ...base,
      detail: { ...base.detail, messageId: payload.messageId, conversationId: payload.conversationId },
      key: `msg:${String(payload.messageId)}`,
      trigger: { type: customer ? ('customer.message' as const) : ('agent.message' as const), messageText: message.text },
    };
    found.push({ ...occurrence, subject: conversationSubject(payload.conversationId) });
    const ticketId = await linkedTicket(payload.conversationId);
    // The message that opened the conversation before it became a ticket is no message "on" the ticket.
    const [ticket] = ticketId ? await db.select({ createdAt: tickets.createdAt }).from(tickets).where(eq(tickets.id, ticketId)) : [];
    if (ticketId && ticket && message.createdAt >= ticket.createdAt)
      found.push({ ...occurrence, subject: { type: 'ticket', id: ticketId } });
  } else if (event.topic === 'sla.warning' || event.topic === 'sla.breached') {
    const occurrence = {
      ...base,
      detail: { ...base.detail, targetId: payload.targetId, metric: payload.metric, dueAt: payload.dueAt },
      key: `sla:${String(payload.targetId)}:${event.topic}`,
      trigger: { type: event.topic as 'sla.warning' | 'sla.breached', metric: String(payload.metric) },
    };
    if (payload.subjectType === 'ticket') found.push({ ...occurrence, subject: { type: 'ticket', id: String(payload.subjectId) } });
    else {
      found.push({ ...occurrence, subject: conversationSubject(payload.subjectId) });
      const ticketId = await linkedTicket(payload.subjectId);
      if (ticketId) found.push({ ...occurrence, subject: { type: 'ticket', id: ticketId } });
    }
  } else if (event.topic === 'conversation.csat') {
    const occurrence = {
      ...base,
      detail: { ...base.detail, conversationId: payload.conversationId, rating: payload.rating },
      key: `csat:${String(payload.conversationId)}`,
      trigger: { type: 'csat.received' as const, rating: Number(payload.rating) },
    };
    found.push({ ...occurrence, subject: conversationSubject(payload.conversationId) });
    const ticketId = await linkedTicket(payload.conversationId);
    if (ticketId) found.push({ ...occurrence, subject: { type: 'ticket', id: ticketId } });
  } else if (event.topic.startsWith('conversation.')) found.push(await conversationChangeOccurrence(db, event, base, key));
  return found.filter((occurrence): occurrence is Occurrence => occurrence !== undefined);
}

export const AUTOMATION_TOPICS = [
  'ticket.event',
  'message.created',
  'sla.warning',
  'sla.breached',
  'conversation.csat',
  'conversation.created',
  ...Object.keys(CONVERSATION_CHANGES).map((type) => `conversation.${type}`),
] as const;

/** Handles one outbox event: each reacting rule's log row and actions commit together, broadcasts follow. */
export async function processEvent(
  ctx: Pick<AppContext, 'db' | 'realtime' | 'secrets'>,
  event: OutboxEvent,
  now = new Date(),
): Promise<void> {
  const afterCommit = await ctx.db.transaction(async (tx) => {
    const publish: (() => void)[] = [];
    for (const occurrence of await occurrencesOf(tx, event)) publish.push(...(await handleOccurrence(tx, ctx, occurrence, now)));
    return publish;
  });
  for (const publish of afterCommit) publish();
}

/** Automations hear ticket, conversation, message, SLA and CSAT events from the outbox, and sweep time rules on every node. */
export function subscribeAutomations(ctx: AppContext): { stop(): void } {
  for (const topic of AUTOMATION_TOPICS) ctx.outbox.subscribe(topic, (event) => processEvent(ctx, event));
  ctx.outbox.subscribe(WEBHOOK_TOPIC, (event) => deliverWebhook(ctx, event));
  const timer = setInterval(() => {
    void sweepTimeRules(ctx, new Date())
      .then((fired) => {
        if (fired > 0) ctx.logger.info({ fired }, 'automation time rules fired');
      })
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'automation time sweep failed; the next one retries'));
  }, TIME_SWEEP_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
