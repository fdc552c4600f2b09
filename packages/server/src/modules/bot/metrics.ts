import { and, count, eq, gte, isNotNull, sql } from 'drizzle-orm';
import { conversations } from '../conversations/schema.js';
import { kbSuggestionUses } from '../knowledge/schema.js';
import type { Executor } from '../users/service.js';
import { botEvents, botSessions } from './schema.js';

/**
 * Bot metrics since a date: containment (bot conversations resolved with no human: never handed
 * off, never assigned), hand-off rate by reason, answers, helpfulness votes, and how often agents
 * used a suggested answer.
 */
export async function botMetrics(db: Executor, workspaceId: string, since: Date) {
  const inWindow = and(eq(botSessions.workspaceId, workspaceId), gte(botSessions.createdAt, since));
  const [totals] = await db
    .select({
      conversations: count(),
      contained: sql<number>`count(*) filter (where ${botSessions.handedOffAt} is null and ${conversations.state} = 'resolved' and ${conversations.assigneeId} is null)::int`,
      handoffs: sql<number>`count(*) filter (where ${botSessions.handedOffAt} is not null)::int`,
    })
    .from(botSessions)
    .innerJoin(conversations, eq(conversations.id, botSessions.conversationId))
    .where(inWindow);
  const reasons = await db
    .select({ reason: botSessions.handoffReason, n: count() })
    .from(botSessions)
    .where(and(inWindow, isNotNull(botSessions.handoffReason)))
    .groupBy(botSessions.handoffReason);
  const events = and(eq(botEvents.workspaceId, workspaceId), gte(botEvents.createdAt, since));
  const [turns] = await db
    .select({
      answers: sql<number>`count(*) filter (where ${botEvents.type} = 'answer')::int`,
      up: sql<number>`count(*) filter (where ${botEvents.type} = 'vote' and ${botEvents.helpful})::int`,
      down: sql<number>`count(*) filter (where ${botEvents.type} = 'vote' and not ${botEvents.helpful})::int`,
    })
    .from(botEvents)
    .where(events);
  const [used] = await db
    .select({ n: count() })
    .from(kbSuggestionUses)
    .where(and(eq(kbSuggestionUses.workspaceId, workspaceId), gte(kbSuggestionUses.createdAt, since)));
  const total = totals?.conversations ?? 0;
  const rate = (n: number) => (total === 0 ? 0 : n / total);
  return {
    since: since.toISOString(),
    conversations: total,
    contained: totals?.contained ?? 0,
    containmentRate: rate(totals?.contained ?? 0),
    handoffs: totals?.handoffs ?? 0,
    handoffRate: rate(totals?.handoffs ?? 0),
    handoffsByReason: Object.fromEntries(reasons.map((row) => [row.reason ?? 'unknown', row.n])),
    answers: turns?.answers ?? 0,
    votes: { up: turns?.up ?? 0, down: turns?.down ?? 0 },
    suggestionsUsed: used?.n ?? 0,
  };
}
