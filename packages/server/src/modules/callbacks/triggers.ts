import type { CallbackSettings, CallbackTrigger } from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { OutboxEvent } from '../../platform/outbox/relay.js';
import { botEvents, botSessions } from '../bot/schema.js';
import { conversations, messages } from '../conversations/schema.js';
import { routingEvents } from '../routing/schema.js';
import { ticketOfConversation } from '../tickets/queries.js';
import { tickets } from '../tickets/schema.js';
import type { Executor } from '../users/service.js';
import { createCallbackTask, publishCallbackChanged, type CallbackTaskRow } from './service.js';
import { loadCallbackSettings } from './settings.js';

/** What an automatic trigger wants: the task, before settings decide whether and when. */
interface Wanted {
  trigger: CallbackTrigger;
  sourceItem: string;
  customerId: string;
  reason: string;
  conversationId: string | null;
  ticketId: string | null;
  teamId: string | null;
}

type ConversationRow = typeof conversations.$inferSelect;

async function loadConversation(db: Executor, workspaceId: string, id: string): Promise<ConversationRow | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)));
  return row;
}

/**
 * Whether the bot failed the customer: it missed (counted failures), was voted unhelpful, or
 * never answered anything the customer wrote. A conversation the bot answered and the customer
 * left without complaint counts as contained, not as a callback.
 */
async function botLeftUnresolved(db: Executor, conversation: ConversationRow): Promise<boolean> {
  const [session] = await db.select().from(botSessions).where(eq(botSessions.conversationId, conversation.id));
  if (!session || session.handedOffAt) return false;
  if (session.failures > 0) return true;
  const [turns] = await db
    .select({
      answers: sql<number>`count(*) filter (where ${botEvents.type} in ('answer', 'keyword', 'menu'))::int`,
      unhelpful: sql<number>`count(*) filter (where ${botEvents.type} = 'vote' and ${botEvents.helpful} = false)::int`,
    })
    .from(botEvents)
    .where(eq(botEvents.conversationId, conversation.id));
  if ((turns?.unhelpful ?? 0) > 0) return true;
  if ((turns?.answers ?? 0) > 0) return false;
  const [asked] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(messages)
    .where(and(eq(messages.conversationId, conversation.id), eq(messages.kind, 'in')));
  return (asked?.count ?? 0) > 0;
}

async function wasAbandoned(db: Executor, workspaceId: string, conversationId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: routingEvents.id })
    .from(routingEvents)
    .where(
      and(
        eq(routingEvents.workspaceId, workspaceId),
        eq(routingEvents.conversationId, conversationId),
        eq(routingEvents.type, 'abandoned'),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** The callback an outbox event asks for, if any (the settings are applied after). */
export async function wantedOf(db: Executor, event: OutboxEvent, settings: CallbackSettings): Promise<Wanted | undefined> {
  const payload = event.payload;
  const { workspaceId } = event;

  if (event.topic === 'conversation.resolved') {
    const conversation = await loadConversation(db, workspaceId, String(payload.conversationId));
    if (!conversation) return undefined;
    const base = {
      sourceItem: `conversation:${conversation.id}`,
      customerId: conversation.customerId,
      conversationId: conversation.id,
      ticketId: (await ticketOfConversation(db, workspaceId, conversation.id)) ?? null,
      teamId: conversation.teamId,
    };
    // Ended by the customer's side while still waiting for an agent: the queue lost them.
    if (payload.endedBy === 'customer' && (await wasAbandoned(db, workspaceId, conversation.id)))
      return { ...base, trigger: 'queue_abandoned', reason: 'The customer left the queue before an agent answered' };
    // The bot still had it when the customer went quiet (idle) or closed the chat.
    const botOnly = !conversation.assigneeId && !conversation.queuedAt;
    const customerLeft = (payload.endedBy === 'bot' && payload.reason === 'idle') || payload.endedBy === 'customer';
    if (botOnly && customerLeft && (await botLeftUnresolved(db, conversation)))
      return { ...base, trigger: 'bot_unresolved', reason: 'The bot could not resolve the question and the customer left' };
    return undefined;
  }

  if (event.topic === 'conversation.csat') {
    const rating = Number(payload.rating);
    if (!(rating <= settings.negativeCsatMax)) return undefined;
    const conversation = await loadConversation(db, workspaceId, String(payload.conversationId));
    if (!conversation) return undefined;
    return {
      trigger: 'csat_negative',
      sourceItem: `conversation:${conversation.id}`,
      customerId: conversation.customerId,
      reason: `Negative rating (${rating}/5) of a conversation`,
      conversationId: conversation.id,
      ticketId: (await ticketOfConversation(db, workspaceId, conversation.id)) ?? null,
      teamId: conversation.teamId,
    };
  }

  if (event.topic === 'ticket.event' && payload.type === 'csat_rated') {
    const rating = Number((payload.data as Record<string, unknown> | undefined)?.rating);
    if (!(rating <= settings.negativeCsatMax)) return undefined;
    const [ticket] = await db
      .select()
      .from(tickets)
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, String(payload.ticketId))));
    if (!ticket) return undefined;
    return {
      trigger: 'csat_negative',
      sourceItem: `ticket:${ticket.id}`,
      customerId: ticket.requesterId,
      reason: `Negative rating (${rating}/5) of ticket #${ticket.number}`,
      conversationId: null,
      ticketId: ticket.id,
      teamId: ticket.teamId,
    };
  }
  return undefined;
}

export const CALLBACK_TOPICS = ['conversation.resolved', 'conversation.csat', 'ticket.event'] as const;

/**
 * Handles one outbox event: the task (if the trigger is on and none exists for it) and its own
 * outbox event commit together; the broadcast follows. Redelivery finds the task and writes nothing.
 */
export async function processCallbackEvent(ctx: Pick<AppContext, 'db' | 'realtime'>, event: OutboxEvent, now = new Date()) {
  const created = await ctx.db
    .transaction(async (tx): Promise<CallbackTaskRow | null> => {
      const settings = await loadCallbackSettings(tx, event.workspaceId);
      const wanted = await wantedOf(tx, event, settings);
      if (!wanted) return null;
      const setting = settings.triggers[wanted.trigger];
      if (!setting.enabled) return null;
      const teamId = settings.teamId ?? wanted.teamId;
      const { task, created } = await createCallbackTask(tx, {
        workspaceId: event.workspaceId,
        customerId: wanted.customerId,
        reason: wanted.reason,
        source: wanted.trigger,
        sourceItem: wanted.sourceItem,
        conversationId: wanted.conversationId,
        ticketId: wanted.ticketId,
        teamId,
        channel: settings.channel,
        dueInMinutes: setting.dueMinutes,
        now,
      });
      return created ? task : null;
    })
    // The customer or conversation is gone (deleted with its workspace): nothing to call back, nothing to retry.
    .catch((error: unknown) => {
      if (error instanceof AppError && error.statusCode === 404) return null;
      throw error;
    });
  if (created) publishCallbackChanged(ctx.realtime, [created]);
  return created;
}

export function subscribeCallbacks(ctx: AppContext): void {
  for (const topic of CALLBACK_TOPICS) ctx.outbox.subscribe(topic, (event) => processCallbackEvent(ctx, event).then(() => undefined));
}
