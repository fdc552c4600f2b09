import type { AutomationTrigger } from '@huiliu/contracts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { chainOf, withChain, type EventChain } from '../../platform/outbox/outbox.js';
import type { Realtime } from '../../platform/realtime.js';
import type { SecretBox } from '../../platform/secrets.js';
import { calendars } from '../calendars/schema.js';
import { businessCalendarOf } from '../calendars/service.js';
import type { BusinessCalendar } from '../calendars/business-time.js';
import { conversations } from '../conversations/schema.js';
import type { ConversationRow } from '../conversations/views.js';
import { customers } from '../customers/schema.js';
import { tickets } from '../tickets/schema.js';
import type { TicketActor, TicketRow } from '../tickets/views.js';
import type { Database } from '../../platform/db/pool.js';
import type { Executor } from '../users/service.js';
import { performAction, summarize, type TemplateScope } from './actions.js';
import { performConversationAction } from './conversation-actions.js';
import { calendarIdsOf, evaluateConditions, type Facts } from './conditions.js';
import { automationRuns, automations } from './schema.js';

export type AutomationRow = typeof automations.$inferSelect;

/** A chain of automations reacting to each other stops at this depth (A sets X, B reacts to X, …). */
export const MAX_CHAIN_DEPTH = 5;

/** What a rule acts on: a ticket or a conversation, by id. */
export interface Subject {
  type: 'ticket' | 'conversation';
  id: string;
}

/** A change to react to, read from an outbox event (or the time sweep). */
export interface Occurrence {
  workspaceId: string;
  subject: Subject;
  /** The trigger it is, with what the trigger can filter on. */
  trigger:
    | { type: 'ticket.created' }
    /** The text is the customer's first message, when the conversation opened with one. */
    | { type: 'conversation.created'; messageText: string }
    | { type: 'ticket.updated' | 'conversation.updated'; fields: { field: string; to: unknown }[] }
    | { type: 'customer.message' | 'agent.message'; messageText: string }
    | { type: 'sla.warning' | 'sla.breached'; metric: string }
    | { type: 'csat.received'; rating: number };
  /** Names the change: a rule fires at most once per key. */
  key: string;
  chain: EventChain;
  detail: Record<string, unknown>;
}

export interface EngineDeps {
  realtime: Realtime;
  secrets: SecretBox;
}

/** Whether the rule's trigger is this occurrence. */
export function triggerMatches(trigger: AutomationTrigger, occurrence: Occurrence['trigger']): boolean {
  if (trigger.type !== occurrence.type) return false;
  switch (trigger.type) {
    case 'ticket.updated':
    case 'conversation.updated': {
      if (occurrence.type !== trigger.type) return false;
      return occurrence.fields.some(
        (change) => (!trigger.field || change.field === trigger.field) && (trigger.to === undefined || String(change.to) === trigger.to),
      );
    }
    case 'sla.warning':
    case 'sla.breached':
      return !trigger.metric || (occurrence.type === trigger.type && occurrence.metric === trigger.metric);
    case 'csat.received':
      return trigger.maxRating === undefined || (occurrence.type === 'csat.received' && occurrence.rating <= trigger.maxRating);
    default:
      return true;
  }
}

export async function loadCalendars(db: Executor, workspaceId: string, ids: string[]): Promise<Map<string, BusinessCalendar>> {
  const map = new Map<string, BusinessCalendar>();
  if (ids.length === 0) return map;
  const rows = await db
    .select()
    .from(calendars)
    .where(and(eq(calendars.workspaceId, workspaceId), inArray(calendars.id, [...new Set(ids)])));
  for (const row of rows) map.set(row.id, businessCalendarOf(row));
  return map;
}

type CustomerFacts = { customer: Facts['customer']; customerName: string | null };

async function customerFacts(db: Executor, customerId: string): Promise<CustomerFacts> {
  const [customer] = await db.select().from(customers).where(eq(customers.id, customerId));
  return {
    customer: customer ? { tier: customer.tier, tags: customer.tags, attributes: customer.attributes } : null,
    customerName: customer?.name ?? null,
  };
}

/** The loaded subject of a rule: the row its actions work on, and what its conditions look at. */
export type LoadedSubject = { type: 'ticket'; row: TicketRow } | { type: 'conversation'; row: ConversationRow };

export async function factsOf(
  db: Executor,
  subject: LoadedSubject,
  messageText: string,
  now: Date,
  calendarMap: Map<string, BusinessCalendar>,
) {
  const row = subject.row;
  const { customer, customerName } = await customerFacts(db, subject.type === 'ticket' ? subject.row.requesterId : subject.row.customerId);
  const item: Facts['item'] =
    subject.type === 'ticket'
      ? {
          status: subject.row.status,
          priority: subject.row.priority,
          type: subject.row.type,
          assigneeId: row.assigneeId,
          teamId: row.teamId,
          sourceChannel: subject.row.sourceChannel,
          subject: subject.row.subject,
          tags: row.tags,
          fields: subject.row.fields,
          inboxId: null,
        }
      : {
          status: subject.row.state,
          priority: subject.row.priority,
          type: '',
          assigneeId: row.assigneeId,
          teamId: row.teamId,
          sourceChannel: subject.row.channel,
          subject: '',
          tags: row.tags,
          fields: {},
          inboxId: subject.row.inboxId,
        };
  const facts: Facts = { item, customer, messageText, now, calendars: calendarMap };
  return { facts, customerName };
}

/** The subject's row now, or nothing when it is gone or (a ticket) closed and read-only. */
export async function loadSubject(db: Executor, workspaceId: string, subject: Subject): Promise<LoadedSubject | null> {
  if (subject.type === 'ticket') {
    const [row] = await db
      .select()
      .from(tickets)
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, subject.id)));
    return row && row.status !== 'closed' ? { type: 'ticket', row } : null;
  }
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, subject.id)));
  return row ? { type: 'conversation', row } : null;
}

export const scopeOf = (subject: LoadedSubject, customerName: string | null, automationName: string): TemplateScope =>
  subject.type === 'ticket'
    ? { ticket: subject.row, conversation: null, customerName, automationName }
    : { ticket: null, conversation: subject.row, customerName, automationName };

export const automationActor = (rule: Pick<AutomationRow, 'name'>): TicketActor => ({
  type: 'system',
  id: null,
  name: `automation ${rule.name}`,
});

/**
 * Runs one rule on one ticket in the caller's transaction, if its conditions hold: the log row
 * first (its unique key makes a second delivery of the same change a no-op), then each action
 * in its own savepoint so one failing action is logged and the others still happen.
 * Returns the broadcasts to send after commit, or null when the rule did not fire.
 */
export async function fireRule(
  db: Executor,
  deps: EngineDeps,
  rule: AutomationRow,
  occurrence: Omit<Occurrence, 'trigger'> & { triggerType: string; messageText: string },
  now: Date,
): Promise<(() => void)[] | null> {
  const subject = await loadSubject(db, occurrence.workspaceId, occurrence.subject);
  if (!subject) return null;
  const base = {
    workspaceId: occurrence.workspaceId,
    automationId: rule.id,
    automationName: rule.name,
    subjectType: subject.type,
    subjectId: subject.row.id,
    triggerType: occurrence.triggerType,
    triggerKey: occurrence.key,
    triggerDetail: occurrence.detail,
    depth: occurrence.chain.depth,
  };
  // A rule never reacts to a chain it is already part of; past the depth limit the chain stops, and the log says so once.
  if (occurrence.chain.steps.includes(rule.id)) return null;
  if (occurrence.chain.depth >= MAX_CHAIN_DEPTH) {
    await db
      .insert(automationRuns)
      .values({ ...base, status: 'skipped_depth' })
      .onConflictDoNothing();
    return null;
  }
  const calendarMap = await loadCalendars(db, occurrence.workspaceId, calendarIdsOf(rule.conditions));
  const { facts, customerName } = await factsOf(db, subject, occurrence.messageText, now, calendarMap);
  const outcome = evaluateConditions(rule.conditions, facts);
  if (!outcome.matched) return null;
  const [run] = await db
    .insert(automationRuns)
    .values({ ...base, status: 'done', conditions: outcome.details })
    .onConflictDoNothing()
    .returning({ id: automationRuns.id });
  if (!run) return null;

  await withChain(db, { depth: occurrence.chain.depth + 1, steps: [...occurrence.chain.steps, rule.id] });
  const afterCommit: (() => void)[] = [];
  const viewer = { workspaceId: occurrence.workspaceId, userId: null, readAll: true };
  const results: { kind: string; ok: boolean; summary: string; error: string | null }[] = [];
  for (const action of rule.actions) {
    // Each action sees what the previous one did.
    const fresh = (await loadSubject(db, occurrence.workspaceId, occurrence.subject)) ?? subject;
    const scope = scopeOf(fresh, customerName, rule.name);
    const summary = summarize(action, scope);
    const pending: (() => void)[] = [];
    const perform = fresh.type === 'ticket' ? performAction : performConversationAction;
    try {
      await (db as Database).transaction(async (savepoint) =>
        perform(action, {
          db: savepoint,
          realtime: deps.realtime,
          secrets: deps.secrets,
          viewer,
          actor: automationActor(rule),
          automationId: rule.id,
          scope,
          afterCommit: pending,
          trigger: { type: occurrence.triggerType, key: occurrence.key },
        }),
      );
      afterCommit.push(...pending);
      results.push({ kind: action.kind, ok: true, summary, error: null });
    } catch (error) {
      results.push({
        kind: action.kind,
        ok: false,
        summary,
        error: (error instanceof Error ? error.message : String(error)).slice(0, 500),
      });
    }
  }
  const failed = results.filter((result) => !result.ok).length;
  await db
    .update(automationRuns)
    .set({ actions: results, status: failed === 0 ? 'done' : failed === results.length ? 'failed' : 'partial' })
    .where(eq(automationRuns.id, run.id));
  return afterCommit;
}

/** Every enabled rule of the workspace for this subject and trigger type, in order. */
export function rulesFor(db: Executor, workspaceId: string, subject: Subject['type'], triggerType: string) {
  return db
    .select()
    .from(automations)
    .where(
      and(
        eq(automations.workspaceId, workspaceId),
        eq(automations.enabled, true),
        eq(automations.subject, subject),
        eq(automations.triggerType, triggerType),
      ),
    )
    .orderBy(asc(automations.position));
}

/** Runs every enabled rule this occurrence triggers, in order, in the caller's transaction. */
export async function handleOccurrence(db: Executor, deps: EngineDeps, occurrence: Occurrence, now: Date): Promise<(() => void)[]> {
  const rules = await rulesFor(db, occurrence.workspaceId, occurrence.subject.type, occurrence.trigger.type);
  const afterCommit: (() => void)[] = [];
  const messageText = 'messageText' in occurrence.trigger ? occurrence.trigger.messageText : '';
  for (const rule of rules) {
    if (!triggerMatches(rule.trigger, occurrence.trigger)) continue;
    const fired = await fireRule(db, deps, rule, { ...occurrence, triggerType: occurrence.trigger.type, messageText }, now);
    if (fired) afterCommit.push(...fired);
  }
  return afterCommit;
}

export { chainOf };
