import type { Realtime } from '../../platform/realtime.js';
import { rooms } from '../../platform/realtime.js';
import {
  conversationView,
  customerMessageView,
  messageView,
  visibleToCustomer,
  widgetConversationView,
  type ConversationRow,
  type MessageRow,
} from './views.js';

/**
 * Real-time fan-out after commit. Agents of the workspace get everything; the customer's
 * browser tabs get their conversation's visible messages, never internal notes.
 * If a process dies before publishing, nothing is lost: clients catch up by sequence number.
 */
/** Agents who should hear about a conversation: the workspace, and whoever subscribed to it. */
const agentRooms = (conversation: Pick<ConversationRow, 'id' | 'workspaceId'>) => [
  rooms.workspace(conversation.workspaceId),
  rooms.conversation(conversation.id),
];

export function publishMessage(realtime: Realtime, conversation: ConversationRow, message: MessageRow): void {
  realtime.agents
    .to(agentRooms(conversation))
    .emit('message', { conversationId: conversation.id, seq: message.seq, message: messageView(message) });
  // Replies reach the customer through their channel's connector (from the outbox), not here.
  if (message.kind !== 'out' && visibleToCustomer(message)) {
    realtime.visitors
      .to(rooms.customer(conversation.customerId))
      .emit('message', { conversationId: conversation.id, seq: message.seq, message: customerMessageView(message) });
  }
  // A new conversation or a change of state is news; a message's effect on the conversation
  // (last message, preview, lastSeq) the clients derive from the message event itself.
  if (message.kind === 'event' || message.seq === 1) publishConversation(realtime, conversation);
}

export function publishConversation(realtime: Realtime, conversation: ConversationRow, customerName: string | null = null): void {
  realtime.agents.to(agentRooms(conversation)).emit('conversation', { conversation: conversationView(conversation, customerName) });
  realtime.visitors
    .to(rooms.customer(conversation.customerId))
    .emit('conversation', { conversation: widgetConversationView(conversation) });
}

export function publishStatus(
  realtime: Realtime,
  conversation: Pick<ConversationRow, 'id' | 'workspaceId' | 'customerId'>,
  changes: { id: string; seq: number }[],
  delivery: 'sent' | 'delivered' | 'read' | 'failed',
  /** Why a failed message failed, for the agents (customers are not told the provider's reason). */
  failureReason: string | null = null,
): void {
  for (const change of changes) {
    const payload = { conversationId: conversation.id, messageId: change.id, seq: change.seq, delivery };
    realtime.agents.to(agentRooms(conversation)).emit('message:status', { ...payload, failureReason });
    realtime.visitors.to(rooms.customer(conversation.customerId)).emit('message:status', payload);
  }
}

export function publishTyping(
  realtime: Realtime,
  conversation: Pick<ConversationRow, 'id' | 'workspaceId' | 'customerId'>,
  from: 'customer' | 'agent',
  typing: boolean,
  name: string | null,
): void {
  const payload = { conversationId: conversation.id, typing, from, name };
  if (from === 'customer') realtime.agents.to(agentRooms(conversation)).emit('typing', payload);
  else realtime.visitors.to(rooms.customer(conversation.customerId)).emit('typing', payload);
}
