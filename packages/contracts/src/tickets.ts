import { z } from 'zod';
import { Id, PageQuery, Timestamp } from './common.js';
import { Message } from './conversations.js';
import { SlaSummary } from './sla-summary.js';
import { StaleField, TicketFieldValues } from './ticket-fields.js';

/**
 * Tickets (工单): one case per customer problem, carried from any channel to tier 2 and back.
 * These schemas are the one source of truth for the REST API, the console and the events.
 */

/** `closed` is read-only: a customer who writes again gets a follow-up ticket linked to it. */
export const TicketStatus = z.enum(['new', 'open', 'pending', 'on_hold', 'solved', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatus>;
export const TicketPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export type TicketPriority = z.infer<typeof TicketPriority>;
export const TicketType = z.enum(['question', 'incident', 'problem', 'task']);
export type TicketType = z.infer<typeof TicketType>;
/** Where the ticket came from: a conversation's channel, or an integration through the API. */
// `web_form`: the help center's request form (its conversation is a left message on the chat inbox).
export const TicketSource = z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice', 'web_form']);
export type TicketSource = z.infer<typeof TicketSource>;

export const TicketEventType = z.enum([
  'created',
  'status_changed',
  'priority_changed',
  'assignee_changed',
  'team_changed',
  'updated',
  'comment',
  'escalated',
  'handed_back',
  'conversation_linked',
  'follow_up',
  'merged',
  'merged_in',
  'linked',
  'unlinked',
  'csat_rated',
]);
export type TicketEventType = z.infer<typeof TicketEventType>;

const Tag = z.string().trim().min(1).max(50);
const Tags = z.array(Tag).max(30);
const Subject = z.string().trim().min(1).max(200);
const CommentText = z.string().trim().min(1).max(20_000);

/** The escalation in force: who had the ticket before tier 2, so hand-back knows where it goes. */
export const TicketEscalation = z.object({
  fromTeamId: Id.nullable(),
  fromAssigneeId: Id.nullable(),
  toTeamId: Id,
  reason: z.string(),
  at: Timestamp,
});
export type TicketEscalation = z.infer<typeof TicketEscalation>;

export const Ticket = z.object({
  id: Id,
  /** Readable, per workspace, from 10001: shown as #10001. */
  number: z.number().int(),
  subject: z.string(),
  status: TicketStatus,
  priority: TicketPriority,
  type: TicketType,
  requesterId: Id,
  assigneeId: Id.nullable(),
  teamId: Id.nullable(),
  followerIds: z.array(Id),
  tags: z.array(z.string()),
  /** Tasks only. */
  dueAt: Timestamp.nullable(),
  sourceChannel: TicketSource,
  /** The closed ticket this one follows up. */
  followUpOfId: Id.nullable(),
  /** The ticket this duplicate was merged into (it is closed; its thread shows on that one). */
  mergedIntoId: Id.nullable(),
  escalation: TicketEscalation.nullable(),
  /** The ticket form the fields were filled in on. */
  formId: Id.nullable(),
  /** Custom field values by field key, as stored (see `staleFields` on the detail). */
  fields: TicketFieldValues,
  createdById: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  solvedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
  /** The requester's rating from the solved email's link (null until they rate; once per ticket). */
  csat: z.object({ rating: z.number().int().min(1).max(5), comment: z.string().nullable(), ratedAt: Timestamp }).nullable(),
  /** The soonest SLA clock (lists and the ticket page; absent where not computed). */
  sla: SlaSummary.nullable().optional(),
});
export type Ticket = z.infer<typeof Ticket>;

/** A thread entry: a public reply (sent on the customer's channel), an internal note, or a customer message. */
export const TicketComment = z.object({
  id: Id,
  ticketId: Id,
  /** `internal` notes are for agents only and never leave Huiliu. */
  visibility: z.enum(['public', 'internal']),
  authorType: z.enum(['agent', 'customer', 'system']),
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  text: z.string(),
  /** The channel message it is (public replies and customer messages). */
  conversationId: Id.nullable(),
  messageId: Id.nullable(),
  createdAt: Timestamp,
});
export type TicketComment = z.infer<typeof TicketComment>;

export const TicketEvent = z.object({
  id: Id,
  ticketId: Id,
  type: TicketEventType,
  actorType: z.enum(['agent', 'customer', 'system']),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: Timestamp,
});
export type TicketEvent = z.infer<typeof TicketEvent>;

/** A conversation linked to the ticket, with its transcript (newest 500 messages). */
export const TicketConversation = z.object({
  id: Id,
  number: z.number().int(),
  channel: TicketSource,
  state: z.string(),
  linkedAt: Timestamp,
  messages: z.array(Message),
});

export const TicketDetail = Ticket.extend({
  comments: z.array(TicketComment),
  events: z.array(TicketEvent),
  conversations: z.array(TicketConversation),
  /** Stored values the current field definitions no longer accept (field archived or gone, option removed). */
  staleFields: z.array(StaleField),
});
export type TicketDetail = z.infer<typeof TicketDetail>;

export const CreateTicketRequest = z.object({
  subject: Subject,
  requesterId: Id,
  /** The first entry of the thread (an internal note: the customer has not been written to). */
  description: CommentText.optional(),
  priority: TicketPriority.default('normal'),
  type: TicketType.default('question'),
  assigneeId: Id.nullable().optional(),
  teamId: Id.nullable().optional(),
  followerIds: z.array(Id).max(50).optional(),
  tags: Tags.optional(),
  dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
  /** The form whose required fields must be filled. */
  formId: Id.nullable().optional(),
  /** Values by field key, validated against the current field definitions. */
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type CreateTicketRequest = z.infer<typeof CreateTicketRequest>;

export const CreateTicketHeaders = z.object({
  'idempotency-key': z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('A retry with the same key returns the first ticket (200) instead of creating another (201)'),
});

export const CreateTicketFromConversationRequest = z.object({
  /** Defaults to the customer's first message. */
  subject: Subject.optional(),
  priority: TicketPriority.optional(),
  type: TicketType.default('question'),
  assigneeId: Id.nullable().optional(),
  teamId: Id.nullable().optional(),
  tags: Tags.optional(),
  /** Tell the customer the ticket number in the chat (default true). */
  notifyCustomer: z.boolean().default(true),
});

export const UpdateTicketRequest = z
  .object({
    subject: Subject,
    status: TicketStatus,
    priority: TicketPriority,
    type: TicketType,
    assigneeId: Id.nullable(),
    teamId: Id.nullable(),
    followerIds: z.array(Id).max(50),
    tags: Tags,
    dueAt: z.iso.datetime({ offset: true }).nullable(),
    formId: Id.nullable(),
    /** Only the keys given change (null clears one); stored values of other keys stay as they are. */
    fields: z.record(z.string(), z.unknown()),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateTicketRequest = z.infer<typeof UpdateTicketRequest>;

export const TicketCommentRequest = z.object({
  text: CommentText,
  /** `public` goes to the customer on the linked conversation's channel; `internal` stays with agents. */
  visibility: z.enum(['public', 'internal']),
  /** Which linked conversation carries a public reply (default: the most recently active one). */
  conversationId: Id.optional(),
  /** Set the status in the same step (e.g. reply and mark pending). */
  status: TicketStatus.exclude(['closed']).optional(),
});

export const EscalateTicketRequest = z.object({
  teamId: Id,
  /** Required: reports count escalations by reason. */
  reason: z.string().trim().min(1).max(500),
  /** What tier 1 found out, so tier 2 need not ask again. */
  summary: z.string().trim().max(5000).default(''),
  assigneeId: Id.nullable().optional(),
});

export const HandBackTicketRequest = z.object({
  /** What tier 2 did or found, for tier 1. */
  summary: z.string().trim().max(5000).default(''),
});

/** `newest` pages by creation (the default); the others page by their own key, then id. */
export const TicketSort = z.enum(['newest', 'oldest', 'updated', 'least_recently_updated', 'priority', 'number', 'sla_due']);
export type TicketSort = z.infer<typeof TicketSort>;

export const TicketQuery = PageQuery.extend({
  status: TicketStatus.optional(),
  priority: TicketPriority.optional(),
  type: TicketType.optional(),
  assigneeId: z.union([Id, z.enum(['me', 'none'])]).optional(),
  teamId: Id.optional(),
  requesterId: Id.optional(),
  /** The ticket a conversation is linked to (the conversation panel's side of the link). */
  conversationId: Id.optional(),
  tag: Tag.optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Full text over subject and thread, Chinese and English'),
  /** A saved view: its filter combines with the ones above, its sort applies unless `sort` is given. */
  viewId: Id.optional(),
  sort: TicketSort.optional().describe('`sla_due`: the soonest SLA due time first (overdue first, paused and none last)'),
});
export type TicketQuery = z.infer<typeof TicketQuery>;

/** The only ticket broadcast: who may see what is decided by the API, so clients refetch. */
export const TicketChanged = z.object({ ticketId: Id, number: z.number().int() });
export type TicketChanged = z.infer<typeof TicketChanged>;
