import type { SlaConditions } from '@huiliu/contracts';

/** What a policy's conditions are checked against. */
export interface CaseFacts {
  channel: string;
  inboxId: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  customerTier: string;
  customerTags: readonly string[];
  /** Tickets only: conditions on the ticket's type, form and custom fields need these. */
  ticket?: { type: string; formId: string | null; fields: Readonly<Record<string, unknown>> };
}

export interface MatchablePolicy {
  id: string;
  name: string;
  enabled: boolean;
  position: number;
  conditions: SlaConditions;
}

/**
 * The first enabled policy, by position, whose every condition holds, and why: each condition
 * it checked with the case's value, so "why is this SLA on my ticket?" has an answer.
 */
export function matchPolicy<Policy extends MatchablePolicy>(
  policies: readonly Policy[],
  facts: CaseFacts,
): { policy: Policy; reason: Record<string, unknown> } | undefined {
  const ordered = [...policies].filter((policy) => policy.enabled).sort((a, b) => a.position - b.position);
  for (const policy of ordered) {
    const checks = conditionChecks(policy.conditions, facts);
    if (checks.every((check) => check.holds))
      return {
        policy,
        reason: {
          policy: policy.name,
          position: policy.position,
          matched: Object.fromEntries(checks.map((check) => [check.condition, check.value])),
          priority: facts.priority,
        },
      };
  }
  return undefined;
}

function conditionChecks(conditions: SlaConditions, facts: CaseFacts): { condition: string; value: unknown; holds: boolean }[] {
  const checks: { condition: string; value: unknown; holds: boolean }[] = [];
  const oneOf = (condition: string, allowed: readonly string[] | undefined, value: string) => {
    if (allowed && allowed.length > 0) checks.push({ condition, value, holds: allowed.includes(value) });
  };
  oneOf('channels', conditions.channels, facts.channel);
  oneOf('inboxIds', conditions.inboxIds, facts.inboxId);
  oneOf('priorities', conditions.priorities, facts.priority);
  oneOf('customerTiers', conditions.customerTiers, facts.customerTier);
  if (conditions.customerTags && conditions.customerTags.length > 0) {
    const shared = facts.customerTags.filter((tag) => conditions.customerTags!.includes(tag));
    checks.push({ condition: 'customerTags', value: shared, holds: shared.length > 0 });
  }
  // A conversation has no ticket type, form or fields: a policy that names them is for tickets.
  if (conditions.ticketTypes && conditions.ticketTypes.length > 0)
    checks.push({
      condition: 'ticketTypes',
      value: facts.ticket?.type ?? null,
      holds: !!facts.ticket && (conditions.ticketTypes as readonly string[]).includes(facts.ticket.type),
    });
  if (conditions.formIds && conditions.formIds.length > 0)
    checks.push({
      condition: 'formIds',
      value: facts.ticket?.formId ?? null,
      holds: !!facts.ticket?.formId && conditions.formIds.includes(facts.ticket.formId),
    });
  for (const [key, allowed] of Object.entries(conditions.fields ?? {})) {
    const values = fieldValues(facts.ticket?.fields[key]);
    const shared = values.filter((value) => allowed.includes(value));
    checks.push({ condition: `fields.${key}`, value: facts.ticket ? (facts.ticket.fields[key] ?? null) : null, holds: shared.length > 0 });
  }
  return checks;
}

/** A stored field value as the strings a condition lists: a multi-select or cascade gives several. */
function fieldValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(fieldValues);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).flatMap(fieldValues);
  return [String(value)];
}
