import type { ChannelKind, ReviewConditions } from '@huiliu/contracts';

/** What a review policy looks at in a public reply. */
export interface ReplyFacts {
  authorId: string | null;
  /** The teams the author belongs to. */
  authorTeamIds: readonly string[];
  channel: ChannelKind;
  text: string;
}

export interface MatchablePolicy {
  id: string;
  name: string;
  enabled: boolean;
  conditions: ReviewConditions;
}

/**
 * Full-width letters and digits (ＲＥＦＵＮＤ) fold to ASCII and case folds away, so a keyword
 * matches however the agent's input method typed it.
 */
function fold(value: string): string {
  return value.normalize('NFKC').toLocaleLowerCase();
}

/**
 * The conditions of one policy that the reply meets, with the values that matched (the review's
 * "why"), or null when any listed condition fails. No condition at all: every reply.
 */
export function conditionsMet(conditions: ReviewConditions, facts: ReplyFacts): Record<string, unknown> | null {
  const reason: Record<string, unknown> = {};
  if (conditions.authorIds?.length) {
    if (!facts.authorId || !conditions.authorIds.includes(facts.authorId)) return null;
    reason.authorId = facts.authorId;
  }
  if (conditions.authorTeamIds?.length) {
    const teams = conditions.authorTeamIds.filter((id) => facts.authorTeamIds.includes(id));
    if (teams.length === 0) return null;
    reason.authorTeamIds = teams;
  }
  if (conditions.channels?.length) {
    if (!conditions.channels.includes(facts.channel)) return null;
    reason.channel = facts.channel;
  }
  const text = fold(facts.text);
  if (conditions.keywords?.length) {
    const found = conditions.keywords.filter((keyword) => text.includes(fold(keyword)));
    if (found.length === 0) return null;
    reason.keywords = found;
  }
  if (conditions.pattern) {
    const match = new RegExp(conditions.pattern, 'iu').exec(facts.text.normalize('NFKC'));
    if (!match) return null;
    reason.pattern = conditions.pattern;
    reason.matched = match[0].slice(0, 100);
  }
  return reason;
}

/** The first enabled policy (in the given order) the reply meets, and why; null: it goes out at once. */
export function matchPolicy<P extends MatchablePolicy>(
  policies: readonly P[],
  facts: ReplyFacts,
): { policy: P; reason: Record<string, unknown> } | null {
  for (const policy of policies) {
    if (!policy.enabled) continue;
    const reason = conditionsMet(policy.conditions, facts);
    if (reason) return { policy, reason };
  }
  return null;
}
