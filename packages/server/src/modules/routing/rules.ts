import { and, asc, eq } from 'drizzle-orm';
import { customers } from '../customers/schema.js';
import type { Executor } from '../users/service.js';
import { routingEvents, routingRules, type RoutingConditions } from './schema.js';

export interface RoutingFacts {
  workspaceId: string;
  channel: string;
  inboxId: string;
  customerId: string;
  context: Record<string, unknown>;
  preChat: Record<string, string>;
  /** What the bot detected when it handed off: FAQ id, category id, category name. */
  intents?: string[];
}

export interface RoutingDecision {
  ruleId: string;
  teamId: string | null;
  priority: 'low' | 'normal' | 'high' | 'urgent' | null;
}

const anyOf = (allowed: string[] | undefined, value: string | undefined) =>
  !allowed?.length || (value !== undefined && allowed.includes(value));

/** True when every condition the rule lists holds for these facts. */
export function ruleMatches(
  conditions: RoutingConditions,
  facts: { channel: string; inboxId: string; tier: string; tags: string[]; language?: string; topic?: string; intents?: string[] },
): boolean {
  const language = facts.language?.toLowerCase();
  return (
    anyOf(conditions.channels, facts.channel) &&
    anyOf(conditions.inboxIds, facts.inboxId) &&
    anyOf(conditions.tiers, facts.tier) &&
    (!conditions.tagsAny?.length || conditions.tagsAny.some((tag) => facts.tags.includes(tag))) &&
    (!conditions.languages?.length ||
      (language !== undefined && conditions.languages.some((wanted) => language.startsWith(wanted.toLowerCase())))) &&
    anyOf(conditions.topics, facts.topic) &&
    (!conditions.intents?.length || conditions.intents.some((intent) => facts.intents?.includes(intent) ?? false))
  );
}

/**
 * The first enabled rule, in order, that matches a new conversation: its team and priority.
 * Recorded as a routing event so reports can tell which rule sent what where.
 */
export async function decideRouting(db: Executor, facts: RoutingFacts): Promise<RoutingDecision | undefined> {
  const rules = await db
    .select()
    .from(routingRules)
    .where(and(eq(routingRules.workspaceId, facts.workspaceId), eq(routingRules.enabled, true)))
    .orderBy(asc(routingRules.position), asc(routingRules.createdAt));
  if (rules.length === 0) return undefined;
  const [customer] = await db
    .select({ tier: customers.tier, tags: customers.tags })
    .from(customers)
    .where(eq(customers.id, facts.customerId));
  const language = typeof facts.context.language === 'string' ? facts.context.language : undefined;
  const matched = rules.find((rule) =>
    ruleMatches(rule.conditions, {
      channel: facts.channel,
      inboxId: facts.inboxId,
      tier: customer?.tier ?? 'normal',
      tags: customer?.tags ?? [],
      language,
      topic: facts.preChat.topic,
      intents: facts.intents,
    }),
  );
  return matched ? { ruleId: matched.id, teamId: matched.teamId, priority: matched.priority } : undefined;
}

export async function recordRuleMatch(db: Executor, workspaceId: string, conversationId: string, decision: RoutingDecision) {
  await db.insert(routingEvents).values({
    workspaceId,
    type: 'rule_matched',
    conversationId,
    teamId: decision.teamId,
    details: { ruleId: decision.ruleId, priority: decision.priority },
  });
}
