import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { Tag } from './customers.js';
import { MessagePayload } from './knowledge.js';
import { SlaSort, SlaSummary } from './sla-summary.js';

export const ChannelKind = z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice']);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const ConversationState = z.enum(['bot', 'queued', 'assigned', 'waiting', 'resolved']);
export type ConversationState = z.infer<typeof ConversationState>;

export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);

export const MessageKind = z.enum(['in', 'out', 'note', 'event']);
export const SenderType = z.enum(['customer', 'agent', 'bot', 'system']);
export const DeliveryState = z.enum(['sent', 'delivered', 'read', 'failed']);
export type DeliveryState = z.infer<typeof DeliveryState>;

/** The longest attachment name kept, in characters (code points): longer names keep their end, where the extension is. */
export const MAX_FILE_NAME_LENGTH = 120;
/**
 * The longest a kept name can be once percent-encoded in its download URL: a code point is at
 * most 4 UTF-8 bytes, each written as %XX. The server's router must accept path segments this long.
 */
export const MAX_ENCODED_FILE_NAME_LENGTH = MAX_FILE_NAME_LENGTH * 12;

export const Attachment = z.object({
  id: Id,
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Message = z.object({
  id: Id,
  conversationId: Id,
  seq: z.number().int().positive(),
  kind: MessageKind,
  text: z.string(),
  attachments: z.array(Attachment),
  senderType: SenderType,
  senderId: z.string().nullable(),
  senderName: z.string().nullable(),
  clientMessageId: z.string().nullable(),
  delivery: DeliveryState,
  failureReason: z.string().nullable(),
  /** For kind `event`: what happened (assigned, resolved, …) and its details. */
  event: z.record(z.string(), z.unknown()).nullable(),
  /** Structured content (bot buttons, choices, a vote); channels without buttons get it as numbered text. */
  payload: MessagePayload.nullable().optional(),
  createdAt: Timestamp,
});
export type Message = z.infer<typeof Message>;

export const Conversation = z.object({
  id: Id,
  number: z.number().int(),
  inboxId: Id,
  channel: ChannelKind,
  customerId: Id,
  customerName: z.string().nullable(),
  /** Who the customer is at a glance when they have no name: "访客 4821 · 上海 · Chrome" (null in live events). */
  customerLabel: z.string().nullable(),
  state: ConversationState,
  priority: Priority,
  assigneeId: Id.nullable(),
  teamId: Id.nullable(),
  tags: z.array(z.string()),
  lastSeq: z.number().int(),
  lastMessagePreview: z.string().nullable(),
  /** The customer's own last message (a bot's or agent's reply does not replace it). */
  lastCustomerMessagePreview: z.string().nullable(),
  context: z.record(z.string(), z.unknown()),
  preChat: z.record(z.string(), z.string()),
  csat: z.object({ rating: z.number().int(), comment: z.string() }).nullable(),
  createdAt: Timestamp,
  firstResponseAt: Timestamp.nullable(),
  lastCustomerMessageAt: Timestamp.nullable(),
  lastMessageAt: Timestamp.nullable(),
  resolvedAt: Timestamp.nullable(),
  /** The soonest SLA clock (lists; absent in live events). */
  sla: SlaSummary.nullable().optional(),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationQuery = z.object({
  state: ConversationState.optional(),
  inboxId: Id.optional(),
  channel: ChannelKind.optional(),
  assigneeId: z.union([Id, z.literal('none'), z.literal('me')]).optional(),
  teamId: z
    .union([Id, z.literal('mine')])
    .optional()
    .describe('A team, or `mine`: the teams the caller belongs to'),
  tag: z.string().max(50).optional(),
  tier: z.enum(['normal', 'vip']).optional(),
  customerId: Id.optional(),
  q: z.string().max(200).optional().describe('Search message text'),
  sort: SlaSort.optional().describe('`sla_due`: the soonest SLA due time first (overdue first, paused and none last)'),
});

export const MessagesQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const MessageText = z.string().max(10_000, 'a message is at most 10,000 characters');

/** Most addresses on one email reply's CC line. */
export const MAX_REPLY_CC = 20;

export const ReplyRequest = z
  .object({
    text: MessageText.default(''),
    attachmentIds: z.array(Id).max(10).default([]),
    /** Optional idempotency key: a retry with the same id returns the first message. */
    clientMessageId: z.string().min(1).max(100).optional(),
    cc: z
      .array(z.email('cc: each entry must be an email address').max(254))
      .max(MAX_REPLY_CC, `cc: at most ${MAX_REPLY_CC} addresses`)
      .optional()
      .describe(
        'Email conversations only: who gets a copy. Omitted: reply-all (everyone on the customer’s last mail but this inbox); [] sends to the customer alone',
      ),
  })
  .refine((value) => value.text.trim().length > 0 || value.attachmentIds.length > 0, 'send text or an attachment');

export const NoteRequest = z.object({
  text: MessageText.refine((text) => text.trim().length > 0, 'a note needs text'),
  clientMessageId: z.string().min(1).max(100).optional(),
});

export const AssignRequest = z.object({
  assigneeId: Id.nullable(),
  teamId: Id.nullable().optional(),
});

export const TransferRequest = z
  .object({
    /** Give it to this agent… */
    assigneeId: Id.optional(),
    /** …or to this team's queue (with assigneeId: to that agent, in that team). */
    teamId: Id.optional(),
    /** For the receiver: kept as an internal note in the conversation. */
    note: z.string().trim().max(2000).optional(),
  })
  .refine((value) => value.assigneeId || value.teamId, 'name an agent (assigneeId) or a team (teamId)');

export const TagsRequest = z.object({ tags: z.array(Tag).max(50) });

export const PriorityRequest = z.object({ priority: Priority });

export const ResolveRequest = z.object({
  disposition: z.string().trim().max(100).optional(),
  summary: z.string().max(5000).optional(),
});

export const MarkReadRequest = z.object({ upToSeq: z.number().int().min(0) });

export const ConversationMessageParams = z.object({ workspaceId: Id, id: Id });

/** Real-time events an agent console receives (Socket.IO namespace `/agent`). */
export const AgentEvents = {
  message: z.object({ conversationId: Id, seq: z.number().int(), message: Message }),
  conversation: z.object({ conversation: Conversation }),
  messageStatus: z.object({ conversationId: Id, messageId: Id, seq: z.number().int(), delivery: DeliveryState }),
  typing: z.object({ conversationId: Id, typing: z.boolean(), from: z.enum(['customer', 'agent']), name: z.string().nullable() }),
};

/** Path of one message of a conversation. */
export const MessageRouteParams = z.object({ workspaceId: Id, id: Id, messageId: Id });
