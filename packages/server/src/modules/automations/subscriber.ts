import { eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { chainOf } from '../../platform/outbox/outbox.js';
import type { OutboxEvent } from '../../platform/outbox/relay.js';
import { messages } from '../conversations/schema.js';
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

/**
 * Turns an outbox event into the occurrence automations react to (or nothing). Events of one
 * transaction share a key, so a rule fires once per change, not once per history row.
 */
export async function occurrenceOf(db: Executor, event: OutboxEvent): Promise<Occurrence | undefined> {
  const payload = event.payload;
  const chain = chainOf(payload);
  const key = payload.tx ? `tx:${String(payload.tx)}` : `evt:${event.id}`;
  const base = { workspaceId: event.workspaceId, chain, detail: { topic: event.topic, outboxId: event.id } };
  const linkedTicket = (conversationId: unknown) => ticketOfConversation(db, event.workspaceId, String(conversationId));

  if (event.topic === 'ticket.event') {
    const ticketId = String(payload.ticketId);
    const data = (payload.data ?? {}) as Record<string, unknown>;
    const type = String(payload.type);
    const detail = { ...base.detail, event: type, data };
    if (type === 'created') return { ...base, detail, ticketId, key: `${key}:${ticketId}`, trigger: { type: 'ticket.created' } };
    // The requester's rating of the ticket itself (the solved email's link): the same trigger as a chat's rating.
    if (type === 'csat_rated')
      return { ...base, detail, ticketId, key: `csat:ticket:${ticketId}`, trigger: { type: 'csat.received', rating: Number(data.rating) } };
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
    return { ...base, detail, ticketId, key: `${key}:${ticketId}:updated`, trigger: { type: 'ticket.updated', fields } };
  }

  if (event.topic === 'message.created') {
    const kind = payload.kind;
    if (kind !== 'in' && kind !== 'out') return undefined;
    const [message] = await db
      .select({ senderType: messages.senderType, text: messages.text, createdAt: messages.createdAt })
      .from(messages)
      .where(eq(messages.id, String(payload.messageId)));
    if (!message) return undefined;
    const customer = kind === 'in' && message.senderType === 'customer';
    // An automation's own reply is not an agent's message.
    const agent = kind === 'out' && message.senderType === 'agent' && chain.depth === 0;
    if (!customer && !agent) return undefined;
    const ticketId = await linkedTicket(payload.conversationId);
    if (!ticketId) return undefined;
    // The message that opened the conversation before it became a ticket is no message "on" the ticket.
    const [ticket] = await db.select({ createdAt: tickets.createdAt }).from(tickets).where(eq(tickets.id, ticketId));
    if (!ticket || message.createdAt < ticket.createdAt) return undefined;
    return {
      ...base,
      detail: { ...base.detail, messageId: payload.messageId, conversationId: payload.conversationId },
      ticketId,
      key: `msg:${String(payload.messageId)}`,
      trigger: { type: customer ? 'customer.message' : 'agent.message', messageText: message.text },
    };
  }

  if (event.topic === 'sla.warning' || event.topic === 'sla.breached') {
    const ticketId = payload.subjectType === 'ticket' ? String(payload.subjectId) : await linkedTicket(payload.subjectId);
    if (!ticketId) return undefined;
    return {
      ...base,
      detail: { ...base.detail, targetId: payload.targetId, metric: payload.metric, dueAt: payload.dueAt },
      ticketId,
      key: `sla:${String(payload.targetId)}:${event.topic}`,
      trigger: { type: event.topic, metric: String(payload.metric) },
    };
  }

  if (event.topic === 'conversation.csat') {
    const ticketId = await linkedTicket(payload.conversationId);
    if (!ticketId) return undefined;
    return {
      ...base,
      detail: { ...base.detail, conversationId: payload.conversationId, rating: payload.rating },
      ticketId,
      key: `csat:${String(payload.conversationId)}`,
      trigger: { type: 'csat.received', rating: Number(payload.rating) },
    };
  }
  return undefined;
}

export const AUTOMATION_TOPICS = ['ticket.event', 'message.created', 'sla.warning', 'sla.breached', 'conversation.csat'] as const;

/** Handles one outbox event: each reacting rule's log row and actions commit together, broadcasts follow. */
export async function processEvent(
  ctx: Pick<AppContext, 'db' | 'realtime' | 'secrets'>,
  event: OutboxEvent,
  now = new Date(),
): Promise<void> {
  const afterCommit = await ctx.db.transaction(async (tx) => {
    const occurrence = await occurrenceOf(tx, event);
    if (!occurrence) return [];
    return handleOccurrence(tx, ctx, occurrence, now);
  });
  for (const publish of afterCommit) publish();
}

/** Automations hear ticket, message, SLA and CSAT events from the outbox, and sweep time rules on every node. */
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
