import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { TicketPriority, TicketStatus, TicketType } from './tickets.js';

/**
 * Automations: an admin's no-code rules. A rule has one trigger (an event, or the passing of
 * time), conditions in ALL/ANY groups, and an ordered list of actions. Rules run in position
 * order; every action is done through the same commands an agent's action uses, with the actor
 * "automation <name>".
 */

const Short = z.string().trim().min(1).max(100);
const Template = z.string().trim().min(1).max(5000);

/**
 * What a rule acts on: a ticket, or a conversation (a chat, an email thread, a WeChat session —
 * whether or not it became a ticket). Triggers, conditions and actions are those that mean
 * something for that subject (`automationMisfits` names the ones that do not).
 */
export const AutomationSubject = z.enum(['ticket', 'conversation']);
export type AutomationSubject = z.infer<typeof AutomationSubject>;

/** Conversation fields a `conversation.updated` trigger can watch (`status` is the conversation's state). */
export const ConversationWatchedField = z.enum(['status', 'priority', 'assigneeId', 'teamId', 'tags']);

/** Ticket fields an "updated" trigger can watch. `fields` is any custom field. */
export const AutomationWatchedField = z.enum(['status', 'priority', 'assigneeId', 'teamId', 'tags', 'type', 'subject', 'fields']);
export type AutomationWatchedField = z.infer<typeof AutomationWatchedField>;

/** What a time rule counts from: when the ticket was created, last changed, or entered its current status. */
export const AutomationTimeAnchor = z.enum(['created', 'updated', 'status_changed']);

export const AutomationTrigger = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ticket.created') }),
  /** A conversation starts (its first customer message, a bot session, an email thread). */
  z.object({ type: z.literal('conversation.created') }),
  z.object({
    type: z.literal('conversation.updated'),
    field: ConversationWatchedField.optional(),
    /** The new value: a state (bot, queued, assigned, waiting, resolved), priority, agent or team id. */
    to: z.string().max(100).optional(),
  }),
  z.object({
    type: z.literal('ticket.updated'),
    /** Fire only when this field changed (any field when absent)… */
    field: AutomationWatchedField.optional(),
    /** …and only when it changed to this value (status, priority, type, assignee or team id). */
    to: z.string().max(100).optional(),
  }),
  /** The customer wrote (on a conversation rule: on the conversation; on a ticket rule: on a conversation linked to the ticket). */
  z.object({ type: z.literal('customer.message') }),
  /** An agent replied publicly (automation replies do not count). */
  z.object({ type: z.literal('agent.message') }),
  z.object({ type: z.literal('sla.warning'), metric: z.enum(['first_response', 'next_response', 'resolution']).optional() }),
  z.object({ type: z.literal('sla.breached'), metric: z.enum(['first_response', 'next_response', 'resolution']).optional() }),
  /** A rating on a linked conversation, optionally only up to this many stars (a bad rating). */
  z.object({ type: z.literal('csat.received'), maxRating: z.number().int().min(1).max(5).optional() }),
  /** Evaluated on a schedule: the ticket has been in this state for `hours` (business hours on the calendar when given). */
  z.object({
    type: z.literal('time'),
    anchor: AutomationTimeAnchor,
    hours: z
      .number()
      .min(0.25)
      .max(24 * 365),
    calendarId: Id.nullable().default(null),
  }),
]);
export type AutomationTrigger = z.infer<typeof AutomationTrigger>;
export const AUTOMATION_TRIGGER_TYPES = [
  'ticket.created',
  'conversation.created',
  'conversation.updated',
  'ticket.updated',
  'customer.message',
  'agent.message',
  'sla.warning',
  'sla.breached',
  'csat.received',
  'time',
] as const;

export const AutomationOperator = z.enum(['is', 'is_not', 'in', 'not_in', 'set', 'not_set', 'contains', 'not_contains']);
export type AutomationOperator = z.infer<typeof AutomationOperator>;

const Value = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const Values = z.array(z.string().max(200)).max(100);

export const AutomationCondition = z.discriminatedUnion('kind', [
  /**
   * A field of the subject: status, priority, assigneeId, teamId, sourceChannel (the channel), tags;
   * a ticket's type and subject; a conversation's inboxId.
   */
  z.object({
    kind: z.literal('field'),
    field: z.enum(['status', 'priority', 'type', 'assigneeId', 'teamId', 'sourceChannel', 'subject', 'tags', 'inboxId']),
    op: AutomationOperator,
    value: Value.optional(),
    values: Values.optional(),
  }),
  /** A custom ticket field by key. */
  z.object({
    kind: z.literal('custom_field'),
    key: z.string().trim().min(1).max(64),
    op: AutomationOperator,
    value: Value.optional(),
    values: Values.optional(),
  }),
  /** The requester: tier, tags, or an attribute by name. */
  z.object({
    kind: z.literal('customer'),
    attribute: z.enum(['tier', 'tags', 'attribute']),
    /** The attribute's name when `attribute` is `attribute`. */
    name: z.string().trim().min(1).max(64).optional(),
    op: AutomationOperator,
    value: Value.optional(),
    values: Values.optional(),
  }),
  /** Text contains a word or phrase (case-insensitive): the triggering message, the subject, or either. */
  z.object({
    kind: z.literal('text'),
    source: z.enum(['message', 'subject', 'any']),
    op: z.enum(['contains', 'not_contains']),
    value: z.string().trim().min(1).max(200),
  }),
  /** Whether now is inside the calendar's business hours. */
  z.object({ kind: z.literal('business_hours'), calendarId: Id, inside: z.boolean() }),
]);
export type AutomationCondition = z.infer<typeof AutomationCondition>;

export const AutomationConditionGroup = z.object({
  match: z.enum(['all', 'any']),
  items: z.array(AutomationCondition).min(1).max(30),
});

/** Groups combined by `match`; no groups: always true. */
export const AutomationConditions = z.object({
  match: z.enum(['all', 'any']).default('all'),
  groups: z.array(AutomationConditionGroup).max(10).default([]),
});
export type AutomationConditions = z.infer<typeof AutomationConditions>;

/**
 * What a rule does, in order. Each kind's case is in `performAction` (ticket rules) or
 * `performConversationAction` (conversation rules) and in `summarize`.
 */
export const AutomationAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('set_team'), teamId: Id.nullable() }),
  z.object({ kind: z.literal('set_status'), status: TicketStatus }),
  z.object({ kind: z.literal('set_priority'), priority: TicketPriority }),
  z.object({ kind: z.literal('set_type'), type: TicketType }),
  z.object({ kind: z.literal('set_assignee'), assigneeId: Id.nullable() }),
  z.object({
    kind: z.literal('set_tags'),
    add: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
    remove: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
  }),
  z.object({ kind: z.literal('set_field'), key: z.string().trim().min(1).max(64), value: z.unknown() }),
  /** A public reply to the customer on the linked conversation; `{{ticket.number}}`-style variables are filled in. */
  z.object({ kind: z.literal('send_reply'), text: Template }),
  z.object({ kind: z.literal('add_note'), text: Template }),
  /** A live notification to an agent, or every member of a team. */
  z.object({ kind: z.literal('notify'), userId: Id.optional(), teamId: Id.optional(), text: Template }),
  z.object({ kind: z.literal('escalate'), teamId: Id, reason: Short }),
  /** Applies a shared macro (its field changes, note and reply) as an agent's click would. */
  z.object({ kind: z.literal('apply_macro'), macroId: Id }),
  /** Turns a conversation into a ticket (the customer is told the number when `notifyCustomer`). */
  z.object({
    kind: z.literal('create_ticket'),
    priority: TicketPriority.optional(),
    teamId: Id.nullable().optional(),
    notifyCustomer: z.boolean().default(false),
  }),
  /** A callback task (回访) for the ticket's requester (the conversation's customer), due `dueMinutes` business minutes later; once per rule, ticket and change. */
  z.object({
    kind: z.literal('create_callback'),
    reason: Template,
    channel: z.enum(['phone', 'sms', 'email', 'wechat']).default('phone'),
    dueMinutes: z.number().int().min(0).max(525_600).default(60),
    teamId: Id.optional(),
  }),
  /** POSTs JSON to the URL, signed with HMAC-SHA256 over `<timestamp>.<body>`, retried through the outbox. */
  z.object({ kind: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }).max(2000), secret: z.string().min(16).max(200) }),
]);
export type AutomationAction = z.infer<typeof AutomationAction>;

/** What each subject's rules can use; anything else is refused with the reason. */
const TICKET_ONLY = {
  triggers: ['ticket.created', 'ticket.updated', 'time'],
  fields: ['type', 'subject'],
  actions: ['set_status', 'set_type', 'set_field', 'escalate', 'apply_macro'],
};
const CONVERSATION_ONLY = { triggers: ['conversation.created', 'conversation.updated'], fields: ['inboxId'], actions: ['create_ticket'] };

/** Why a rule's parts do not fit its subject (empty: they all do). */
export function automationMisfits(rule: {
  subject: AutomationSubject;
  trigger: AutomationTrigger;
  conditions: AutomationConditions;
  actions: readonly AutomationAction[];
}): string[] {
  const other = rule.subject === 'ticket' ? CONVERSATION_ONLY : TICKET_ONLY;
  const problems: string[] = [];
  if (other.triggers.includes(rule.trigger.type)) problems.push(`the trigger ${rule.trigger.type} is not for ${rule.subject} rules`);
  for (const group of rule.conditions.groups)
    for (const item of group.items) {
      if (item.kind === 'field' && other.fields.includes(item.field))
        problems.push(`the condition on ${item.field} is not for ${rule.subject} rules`);
      if (item.kind === 'custom_field' && rule.subject === 'conversation') problems.push('custom ticket fields are for ticket rules');
    }
  for (const action of rule.actions)
    if (other.actions.includes(action.kind)) problems.push(`the action ${action.kind} is not for ${rule.subject} rules`);
  return problems;
}

const automationFields = {
  subject: AutomationSubject,
  name: Short,
  description: z.string().max(1000),
  enabled: z.boolean(),
  trigger: AutomationTrigger,
  conditions: AutomationConditions,
  actions: z.array(AutomationAction).min(1).max(20),
};

/** The webhook secret is write-only: it is shown as `secret: "••••"` once stored. */
export const Automation = z.object({
  id: Id,
  ...automationFields,
  position: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Automation = z.infer<typeof Automation>;

export const AutomationDraft = z.object({
  ...automationFields,
  subject: AutomationSubject.default('ticket'),
  description: automationFields.description.default(''),
  enabled: automationFields.enabled.default(true),
  conditions: AutomationConditions.default({ match: 'all', groups: [] }),
});
export const CreateAutomationRequest = AutomationDraft;
export type CreateAutomationRequest = z.infer<typeof CreateAutomationRequest>;

export const UpdateAutomationRequest = z
  .object(automationFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, { message: 'change at least one field' });

export const ReorderAutomationsRequest = z.object({ ids: z.array(Id).min(1).max(500) });

export const DryRunRequest = z.object({
  /** An unsaved rule to try; without it every enabled rule is tried. */
  automation: AutomationDraft.optional(),
});

export const DryRunPlannedAction = z.object({ kind: z.string(), summary: z.string() });
export const DryRunResult = z.object({
  /** How many recent tickets or conversations (the rules' subjects) were tried (at most 100 of each). */
  checked: z.number().int(),
  matches: z.array(
    z.object({
      subjectType: AutomationSubject,
      subjectId: Id,
      /** The ticket's or the conversation's number. */
      number: z.number().int(),
      /** The ticket's subject, or the conversation's customer and last customer message. */
      title: z.string(),
      automationId: Id.nullable(),
      automationName: z.string(),
      actions: z.array(DryRunPlannedAction),
    }),
  ),
});
export type DryRunResult = z.infer<typeof DryRunResult>;

export const AutomationRunAction = z.object({
  kind: z.string(),
  ok: z.boolean(),
  summary: z.string(),
  error: z.string().nullable(),
});

/** One firing of a rule on a ticket: what started it, why it matched, what it did. */
export const AutomationRun = z.object({
  id: Id,
  automationId: Id.nullable(),
  automationName: z.string(),
  subjectType: AutomationSubject,
  subjectId: Id,
  trigger: z.object({ type: z.string(), key: z.string(), detail: z.record(z.string(), z.unknown()) }),
  depth: z.number().int(),
  status: z.enum(['done', 'partial', 'failed', 'skipped_depth']),
  conditions: z.array(z.object({ summary: z.string(), matched: z.boolean() })),
  actions: z.array(AutomationRunAction),
  createdAt: Timestamp,
});
export type AutomationRun = z.infer<typeof AutomationRun>;

export const AutomationRunQuery = z.object({
  automationId: Id.optional(),
  ticketId: Id.optional(),
  conversationId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
