import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import { activeRole, type Executor } from '../users/service.js';
import { teams } from '../teams/schema.js';
import { queuePriorityOf } from '../routing/queue.js';
import { recordRoutingEvent } from '../routing/events.js';
import { decideRouting, recordRuleMatch } from '../routing/rules.js';
import { conversations, messages } from './schema.js';
import type { ConversationRow } from './views.js';
import { appendMessage, lockConversation, type Appended, type ConversationChange } from './write-path.js';

export interface Actor {
  type: 'agent' | 'system' | 'customer' | 'bot';
  id: string | null;
  name: string | null;
}

export async function createConversation(
  db: Executor,
  input: {
    workspaceId: string;
    inboxId: string;
    channel: ConversationRow['channel'];
    customerId: string;
    teamId: string | null;
    state?: ConversationRow['state'];
    context?: Record<string, unknown>;
    preChat?: Record<string, string>;
  },
): Promise<ConversationRow> {
  const state = input.state ?? 'queued';
  // Routing rules pick the team and priority from what is known at the first contact.
  const decision = await decideRouting(db, { ...input, context: input.context ?? {}, preChat: input.preChat ?? {} });
  const priority = decision?.priority ?? 'normal';
  const [row] = await db
    .insert(conversations)
    .values({
      ...input,
      teamId: decision?.teamId ?? input.teamId,
      priority,
      state,
      context: input.context ?? {},
      preChat: input.preChat ?? {},
      ...(state === 'queued'
        ? { queuedAt: sql`now()`, queuePriority: queuePriorityOf(input.workspaceId, input.customerId, priority) }
        : {}),
    })
    .returning();
  if (decision) await recordRuleMatch(db, input.workspaceId, row!.id, decision);
  if (state === 'queued')
    await recordRoutingEvent(db, { workspaceId: input.workspaceId, type: 'queued', conversationId: row!.id, teamId: row!.teamId });
  await writeOutbox(db, input.workspaceId, 'conversation.created', {
    conversationId: row!.id,
    inboxId: row!.inboxId,
    customerId: row!.customerId,
  });
  return row!;
}

/** The customer's conversation on this inbox that is still open, if any (optionally locked for update). */
export async function findOpenConversation(db: Executor, workspaceId: string, inboxId: string, customerId: string, lock = false) {
  const query = db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        eq(conversations.inboxId, inboxId),
        eq(conversations.customerId, customerId),
        ne(conversations.state, 'resolved'),
      ),
    )
    .orderBy(sql`${conversations.createdAt} desc`)
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** Applies a change to the conversation and records it as an `event` message in the timeline. */
async function changeWithEvent(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  actor: Actor,
  event: Record<string, unknown> & { type: string },
  change: ConversationChange,
  /** The row, when the caller locked it in this transaction already. */
  locked?: ConversationRow,
): Promise<Appended> {
  const current = locked ?? (await lockConversation(db, workspaceId, conversationId));
  const appended = await appendMessage(
    db,
    workspaceId,
    conversationId,
    { kind: 'event', senderType: actor.type === 'customer' ? 'system' : actor.type, senderId: actor.id, senderName: actor.name, event },
    current,
    change,
  );
  await writeOutbox(db, workspaceId, `conversation.${event.type}`, { conversationId, ...event });
  return appended;
}

export async function assignConversation(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  actor: Actor,
  target: { assigneeId: string | null; teamId?: string | null },
  /** What to call the change in the timeline (a transfer, a re-queue) and why. */
  kind: { type?: 'transferred' | 'requeued'; details?: Record<string, unknown> } = {},
  /** The router's shortcut: it holds the row's lock and picked the agent among active members. */
  routed?: { locked: ConversationRow },
) {
  const current = routed?.locked ?? (await lockConversation(db, workspaceId, conversationId));
  if (target.assigneeId && !routed && !(await activeRole(db, target.assigneeId, workspaceId))) throw notFound('agent');
  if (target.teamId) {
    const [team] = await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, target.teamId)));
    if (!team) throw notFound('team');
  }
  const teamId = target.teamId === undefined ? current.teamId : target.teamId;
  const state = current.state === 'resolved' ? 'resolved' : target.assigneeId ? 'assigned' : 'queued';
  return changeWithEvent(
    db,
    workspaceId,
    conversationId,
    actor,
    {
      type: kind.type ?? (target.assigneeId ? 'assigned' : 'unassigned'),
      assigneeId: target.assigneeId,
      previousAssigneeId: current.assigneeId,
      teamId,
      previousTeamId: current.teamId,
      ...kind.details,
    },
    {
      assigneeId: target.assigneeId,
      teamId,
      state,
      ...(state === 'queued' ? { queuedAt: sql`coalesce(${conversations.queuedAt}, now())` } : {}),
    },
    current,
  );
}

export async function resolveConversation(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  actor: Actor,
  wrapUp: { disposition?: string; summary?: string },
) {
  const current = await lockConversation(db, workspaceId, conversationId);
  if (current.state === 'resolved') throw conflict('the conversation is already resolved');
  return changeWithEvent(
    db,
    workspaceId,
    conversationId,
    actor,
    { type: 'resolved', disposition: wrapUp.disposition ?? null },
    { state: 'resolved', resolvedAt: sql`now()`, disposition: wrapUp.disposition ?? null, summary: wrapUp.summary ?? null },
  );
}

/**
 * Ends a conversation the bot still has because the customer went quiet. Re-checked under the
 * lock: one handed off (or answered) meanwhile is left alone. Returns null when nothing changed.
 */
export async function resolveIdleBotConversation(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  idleMinutes: number,
): Promise<Appended | null> {
  const current = await lockConversation(db, workspaceId, conversationId);
  const lastActivity = current.lastMessageAt ?? current.createdAt;
  if (current.state !== 'bot' || Date.now() - lastActivity.getTime() < idleMinutes * 60_000) return null;
  if (current.context.leftMessage) return null;
  return changeWithEvent(
    db,
    workspaceId,
    conversationId,
    { type: 'bot', id: null, name: null },
    { type: 'resolved', disposition: null, endedBy: 'bot', reason: 'idle' },
    { state: 'resolved', resolvedAt: sql`now()` },
  );
}

/**
 * The customer ends the conversation (or left and never came back). One still waiting for an
 * agent is *abandoned*: a routing event the wallboard counts. Returns whether it was.
 */
export async function endConversationByCustomer(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  reason: 'customer_ended' | 'customer_gone',
): Promise<{ appended: Appended; abandoned: boolean } | null> {
  const current = await lockConversation(db, workspaceId, conversationId);
  if (current.state === 'resolved') throw conflict('the conversation has already ended');
  const abandoned = current.state === 'queued' && !current.assigneeId;
  // A customer gone from a conversation an agent has (by now) taken is the agent's to close.
  if (reason === 'customer_gone' && !abandoned) return null;
  // …and a left message is waiting for its reply, however long the customer stays away.
  if (reason === 'customer_gone' && current.context.leftMessage) return null;
  if (abandoned) {
    await recordRoutingEvent(db, {
      workspaceId,
      type: 'abandoned',
      conversationId,
      teamId: current.teamId,
      details: { reason, waitedMs: current.queuedAt ? Date.now() - current.queuedAt.getTime() : null },
    });
  }
  const appended = await changeWithEvent(
    db,
    workspaceId,
    conversationId,
    { type: 'system', id: null, name: null },
    // Reports tell an abandon from a resolution by this flag (docs/metrics.md).
    { type: 'resolved', disposition: null, endedBy: 'customer', reason, ...(abandoned ? { abandoned: true } : {}) },
    { state: 'resolved', resolvedAt: sql`now()` },
  );
  return { appended, abandoned };
}

export async function reopenConversation(db: Executor, workspaceId: string, conversationId: string, actor: Actor) {
  const current = await lockConversation(db, workspaceId, conversationId);
  if (current.state !== 'resolved') throw conflict('the conversation is not resolved');
  if (!current.assigneeId)
    await recordRoutingEvent(db, { workspaceId, type: 'queued', conversationId, teamId: current.teamId, details: { reopened: true } });
  return changeWithEvent(
    db,
    workspaceId,
    conversationId,
    actor,
    { type: 'reopened' },
    {
      state: current.assigneeId ? 'assigned' : 'queued',
      resolvedAt: null,
      csatRating: null,
      csatComment: null,
      ...(current.assigneeId ? {} : { queuedAt: sql`now()` }),
    },
  );
}

export async function setTags(db: Executor, workspaceId: string, conversationId: string, actor: Actor, tags: string[]) {
  const unique = [...new Set(tags)];
  return changeWithEvent(db, workspaceId, conversationId, actor, { type: 'tagged', tags: unique }, { tags: unique });
}

export async function setPriority(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  actor: Actor,
  priority: ConversationRow['priority'],
) {
  const current = await lockConversation(db, workspaceId, conversationId);
  return changeWithEvent(
    db,
    workspaceId,
    conversationId,
    actor,
    { type: 'priority', priority },
    { priority, queuePriority: queuePriorityOf(workspaceId, current.customerId, priority) },
  );
}

export async function rateConversation(db: Executor, workspaceId: string, conversationId: string, rating: number, comment: string) {
  const current = await lockConversation(db, workspaceId, conversationId);
  if (current.state !== 'resolved') throw new AppError(409, 'not_resolved', 'a conversation can be rated once it is resolved');
  if (current.csatRating) throw conflict('this conversation was already rated');
  return changeWithEvent(
    db,
    workspaceId,
    conversationId,
    { type: 'system', id: null, name: null },
    // The comment rides along in the timeline: the agent reads why, not just how many stars.
    { type: 'csat', rating, ...(comment.trim() ? { comment: comment.trim() } : {}) },
    { csatRating: rating, csatComment: comment },
  );
}

/**
 * Marks messages of the other side read up to `upToSeq` (the reader's side is `in` for an
 * agent, `out` for a customer). Returns the ids that changed.
 */
export async function markRead(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  readerSide: 'agent' | 'customer',
  upToSeq: number,
) {
  const kind = readerSide === 'agent' ? 'in' : 'out';
  return db
    .update(messages)
    .set({ delivery: 'read' })
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.conversationId, conversationId),
        eq(messages.kind, kind),
        sql`${messages.seq} <= ${upToSeq}`,
        sql`${messages.delivery} in ('sent', 'delivered')`,
      ),
    )
    .returning({ id: messages.id, seq: messages.seq });
}

export async function markDelivered(db: Executor, workspaceId: string, messageId: string) {
  const [row] = await db
    .update(messages)
    .set({ delivery: 'delivered' })
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.id, messageId), eq(messages.delivery, 'sent')))
    .returning({ id: messages.id, seq: messages.seq, conversationId: messages.conversationId });
  return row;
}

/** Conversations follow their customer when customers are merged. */
export async function moveConversations(db: Executor, workspaceId: string, sourceId: string, targetId: string) {
  await db
    .update(conversations)
    .set({ customerId: targetId })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.customerId, sourceId)));
}

/** The agent's open conversations go back to the queue, keeping their original wait time. */
export async function requeueAgentConversations(db: Executor, workspaceId: string, userId: string, reason: string) {
  const open = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        eq(conversations.assigneeId, userId),
        inArray(conversations.state, ['assigned', 'waiting']),
      ),
    );
  const requeued: Appended[] = [];
  for (const { id } of open) {
    requeued.push(
      await assignConversation(
        db,
        workspaceId,
        id,
        { type: 'system', id: null, name: null },
        { assigneeId: null },
        { type: 'requeued', details: { reason } },
      ),
    );
  }
  return requeued;
}

/**
 * The bot hands the conversation to people: it joins the queue (routing rules are evaluated again
 * with the detected intent, so a rule can send "invoice" questions to the billing team), and the
 * reason and intent are kept on the conversation for the agent and for reports.
 */
export async function handOffConversation(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  handoff: { reason: string; intent: { faqId: string; categoryId: string | null; category: string | null } | null },
): Promise<Appended> {
  const current = await lockConversation(db, workspaceId, conversationId);
  if (current.state !== 'bot') throw conflict('the conversation is not with the bot');
  const intents = handoff.intent
    ? [handoff.intent.faqId, handoff.intent.categoryId, handoff.intent.category].filter((x): x is string => !!x)
    : [];
  const decision = await decideRouting(db, {
    workspaceId,
    channel: current.channel,
    inboxId: current.inboxId,
    customerId: current.customerId,
    context: current.context,
    preChat: current.preChat,
    intents,
  });
  if (decision) await recordRuleMatch(db, workspaceId, conversationId, decision);
  const priority = decision?.priority ?? current.priority;
  const teamId = decision?.teamId ?? current.teamId;
  // From here it waits for people: the wallboard counts it offered from this moment.
  await recordRoutingEvent(db, { workspaceId, type: 'queued', conversationId, teamId, details: { handoff: handoff.reason } });
  return changeWithEvent(
    db,
    workspaceId,
    conversationId,
    { type: 'bot', id: null, name: null },
    { type: 'handed_off', reason: handoff.reason, intent: handoff.intent },
    {
      state: 'queued',
      teamId,
      priority,
      queuedAt: sql`now()`,
      queuePriority: queuePriorityOf(workspaceId, current.customerId, priority),
      context: { ...current.context, bot: { handoffReason: handoff.reason, intent: handoff.intent } },
    },
  );
}

/** Merges keys into the conversation's context (channel facts such as whether automatic replies are allowed). */
export async function mergeConversationContext(db: Executor, workspaceId: string, conversationId: string, patch: Record<string, unknown>) {
  await db
    .update(conversations)
    .set({ context: sql`${conversations.context} || ${JSON.stringify(patch)}::jsonb` })
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)));
}
