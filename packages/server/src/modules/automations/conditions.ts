import type { AutomationCondition, AutomationConditions, AutomationOperator } from '@huiliu/contracts';
import { isOpenAt, type BusinessCalendar } from '../calendars/business-time.js';

/**
 * What a rule's conditions look at: its subject now (a ticket, or a conversation — which has no
 * type, subject line or custom fields, and whose status is its state), the customer, and the
 * message that triggered it.
 */
export interface Facts {
  item: {
    status: string;
    priority: string;
    type: string;
    assigneeId: string | null;
    teamId: string | null;
    sourceChannel: string;
    subject: string;
    tags: string[];
    fields: Record<string, unknown>;
    inboxId: string | null;
  };
  customer: { tier: string; tags: string[]; attributes: Record<string, unknown> } | null;
  /** The triggering message's text ('' when the trigger is not a message). */
  messageText: string;
  now: Date;
  /** Calendars the conditions name, by id (a missing one: the condition is false). */
  calendars: Map<string, BusinessCalendar>;
}

export interface ConditionOutcome {
  matched: boolean;
  details: { summary: string; matched: boolean }[];
}

const lower = (value: unknown) => String(value ?? '').toLocaleLowerCase();

/** Compares one value (or a list of values such as tags) with the operator. Lists match `is`/`in` when any element does. */
function compare(actual: unknown, op: AutomationOperator, value: unknown, values: readonly string[] | undefined): boolean {
  const list = Array.isArray(actual)
    ? actual.map(String)
    : actual === null || actual === undefined || actual === ''
      ? []
      : [String(actual)];
  const wanted = values ?? (value === undefined || value === null ? [] : [String(value)]);
  switch (op) {
    case 'set':
      return list.length > 0;
    case 'not_set':
      return list.length === 0;
    case 'is':
    case 'in':
      return wanted.some((want) => list.includes(want));
    case 'is_not':
    case 'not_in':
      return !wanted.some((want) => list.includes(want));
    case 'contains':
      return wanted.some((want) => list.some((item) => lower(item).includes(lower(want))));
    case 'not_contains':
      return !wanted.some((want) => list.some((item) => lower(item).includes(lower(want))));
  }
}

const shown = (condition: { value?: unknown; values?: readonly string[] }) =>
  condition.values ? `[${condition.values.join(', ')}]` : condition.value === undefined ? '' : JSON.stringify(condition.value);

export function describeCondition(condition: AutomationCondition): string {
  switch (condition.kind) {
    case 'field':
      return `${condition.field} ${condition.op} ${shown(condition)}`.trim();
    case 'custom_field':
      return `field ${condition.key} ${condition.op} ${shown(condition)}`.trim();
    case 'customer':
      return `customer.${condition.attribute === 'attribute' ? `attributes.${condition.name ?? ''}` : condition.attribute} ${condition.op} ${shown(condition)}`.trim();
    case 'text':
      return `${condition.source} text ${condition.op} ${JSON.stringify(condition.value)}`;
    case 'business_hours':
      return `${condition.inside ? 'inside' : 'outside'} business hours of calendar ${condition.calendarId}`;
  }
}

export function evaluateCondition(condition: AutomationCondition, facts: Facts): boolean {
  switch (condition.kind) {
    case 'field':
      return compare(facts.item[condition.field], condition.op, condition.value, condition.values);
    case 'custom_field':
      return compare(facts.item.fields[condition.key], condition.op, condition.value, condition.values);
    case 'customer': {
      if (!facts.customer) return false;
      const actual =
        condition.attribute === 'attribute' ? facts.customer.attributes[condition.name ?? ''] : facts.customer[condition.attribute];
      return compare(actual, condition.op, condition.value, condition.values);
    }
    case 'text': {
      const haystack =
        condition.source === 'message'
          ? facts.messageText
          : condition.source === 'subject'
            ? facts.item.subject
            : `${facts.item.subject}\n${facts.messageText}`;
      const found = lower(haystack).includes(lower(condition.value));
      return condition.op === 'contains' ? found : !found;
    }
    case 'business_hours': {
      const calendar = facts.calendars.get(condition.calendarId);
      if (!calendar) return false;
      return isOpenAt(calendar, facts.now) === condition.inside;
    }
  }
}

/** Groups are combined by the top-level match; each group's items by its own. No groups: true. */
export function evaluateConditions(conditions: AutomationConditions, facts: Facts): ConditionOutcome {
  const details: ConditionOutcome['details'] = [];
  const groupResults = conditions.groups.map((group) => {
    const results = group.items.map((item) => {
      const matched = evaluateCondition(item, facts);
      details.push({ summary: describeCondition(item), matched });
      return matched;
    });
    return group.match === 'all' ? results.every(Boolean) : results.some(Boolean);
  });
  const matched = groupResults.length === 0 ? true : conditions.match === 'all' ? groupResults.every(Boolean) : groupResults.some(Boolean);
  return { matched, details };
}

/** Calendar ids a rule's conditions (and time trigger) need loaded. */
export function calendarIdsOf(conditions: AutomationConditions): string[] {
  return conditions.groups.flatMap((group) => group.items.flatMap((item) => (item.kind === 'business_hours' ? [item.calendarId] : [])));
}
