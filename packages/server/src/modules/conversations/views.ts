import type { Conversation, Message } from '@huiliu/contracts';
import type { conversations, messages } from './schema.js';

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function messageView(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    kind: row.kind,
    text: row.text,
    attachments: row.attachments,
    senderType: row.senderType,
    senderId: row.senderId,
    senderName: row.senderName,
    clientMessageId: row.clientMessageId,
    delivery: row.delivery,
    failureReason: row.failureReason,
    event: row.event ?? null,
    payload: row.payload ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function conversationView(
  row: ConversationRow,
  customerName: string | null = null,
  customerLabel: string | null = null,
): Conversation {
  return {
    id: row.id,
    number: row.number,
    inboxId: row.inboxId,
    channel: row.channel,
    customerId: row.customerId,
    customerName,
    customerLabel,
    state: row.state,
    priority: row.priority,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    tags: row.tags,
    lastSeq: row.lastSeq,
    lastMessagePreview: row.lastMessagePreview,
    lastCustomerMessagePreview: row.lastCustomerMessagePreview,
    context: row.context,
    preChat: row.preChat,
    csat: row.csatRating ? { rating: row.csatRating, comment: row.csatComment ?? '' } : null,
    createdAt: row.createdAt.toISOString(),
    firstResponseAt: iso(row.firstResponseAt),
    lastCustomerMessageAt: iso(row.lastCustomerMessageAt),
    lastMessageAt: iso(row.lastMessageAt),
    resolvedAt: iso(row.resolvedAt),
  };
}

/** What the visitor may see of their conversation: no assignee, tags or internal context. */
export function widgetConversationView(row: ConversationRow) {
  const full = conversationView(row);
  return { id: full.id, state: full.state, lastSeq: full.lastSeq, csat: full.csat, createdAt: full.createdAt, resolvedAt: full.resolvedAt };
}

/** Timeline events a customer is shown; the rest (tags, priority, notes) is internal. */
const CUSTOMER_EVENTS = new Set(['assigned', 'resolved', 'reopened']);

export function visibleToCustomer(row: MessageRow): boolean {
  if (row.kind === 'in' || row.kind === 'out') return true;
  return row.kind === 'event' && CUSTOMER_EVENTS.has(String(row.event?.type));
}

/** A message as the customer sees it: no internal ids in events. */
export function customerMessageView(row: MessageRow): Message {
  const view = messageView(row);
  if (row.kind !== 'event') return view;
  return { ...view, senderId: null, event: { type: row.event?.type ?? 'event' } };
}

/** A message for a channel without buttons: its structured options become numbered lines. */
export function plainTextOf(row: Pick<MessageRow, 'text' | 'payload'>): string {
  const options = row.payload?.options ?? [];
  if (options.length === 0) return row.text;
  return [row.text, ...options.map((option, i) => `${i + 1}. ${option.label}`)].filter(Boolean).join('\n');
}
