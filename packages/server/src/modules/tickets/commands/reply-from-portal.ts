import type { Attachment } from '@huiliu/contracts';
import { and, desc, eq } from 'drizzle-orm';
import { AppError, notFound } from '../../../platform/errors.js';
import { appendMessage, findByIdempotencyKey, lockConversation, type Appended } from '../../conversations/write-path.js';
import type { Executor } from '../../users/service.js';
import { addComment, changeStatus } from '../history.js';
import { portalTicket, type PortalPrincipal } from '../portal/service.js';
import { ticketConversations } from '../schema.js';
import type { TicketRow } from '../views.js';
import { receiveCustomerMessage } from './receive-customer-message.js';

export interface PortalReplyInput {
  principal: PortalPrincipal;
  number: number;
  text: string;
  attachments: Attachment[];
  /** The reply form's one-time key: a double submit stores one reply. */
  replyKey: string;
  senderName: string | null;
}

export interface PortalReplied {
  /** The customer message on the linked conversation, to publish after commit (null: no conversation, or a retry). */
  message: Appended | null;
  changed: TicketRow[];
  duplicate: boolean;
}

const REOPENED_BY_CUSTOMER = new Set(['pending', 'solved']);

export const portalReplyKey = (replyKey: string) => `portal-reply:${replyKey}`;

/**
 * A portal reply is what the customer would have sent on the ticket's channel: a customer
 * message on the most recently linked conversation, taken onto the ticket by the same command as
 * any inbound message (`receiveCustomerMessage`: pending/solved open again, a closed ticket gets
 * a follow-up). Agents see it in the conversation and on the ticket; it goes to no channel.
 * A ticket without a conversation (made by the API) gets the comment directly, same rules.
 */
export async function replyFromPortal(db: Executor, input: PortalReplyInput): Promise<PortalReplied> {
  const peek = await portalTicket(db, input.principal, input.number);
  if (!peek) throw notFound('ticket');
  const key = portalReplyKey(input.replyKey);
  if (await findByIdempotencyKey(db, peek.workspaceId, key)) return { message: null, changed: [], duplicate: true };
  const [link] = await db
    .select({ conversationId: ticketConversations.conversationId })
    .from(ticketConversations)
    .where(and(eq(ticketConversations.workspaceId, peek.workspaceId), eq(ticketConversations.ticketId, peek.id)))
    .orderBy(desc(ticketConversations.createdAt))
    .limit(1);
  const text = input.text || input.attachments.map((file) => `[${file.name}]`).join(' ');
  if (link) {
    // Conversation before ticket, as on the inbound path, so the two never deadlock.
    const conversation = await lockConversation(db, peek.workspaceId, link.conversationId);
    const appended = await appendMessage(
      db,
      peek.workspaceId,
      conversation.id,
      {
        kind: 'in',
        text: input.text,
        attachments: input.attachments,
        senderType: 'customer',
        senderId: conversation.customerId,
        senderName: input.senderName,
        idempotencyKey: key,
      },
      conversation,
    );
    if (appended.duplicate) return { message: null, changed: [], duplicate: true };
    const { changed } = await receiveCustomerMessage(db, { conversation: appended.conversation, message: appended.message });
    return { message: appended, changed, duplicate: false };
  }
  let ticket = await portalTicket(db, input.principal, input.number, true);
  if (!ticket) throw notFound('ticket');
  if (ticket.status === 'closed') throw new AppError(409, 'ticket_closed', `ticket #${ticket.number} is closed; submit a new request`);
  const actor = { type: 'customer' as const, id: ticket.requesterId, name: input.senderName };
  await addComment(db, ticket, actor, { visibility: 'public', text, conversationId: null, messageId: null });
  if (REOPENED_BY_CUSTOMER.has(ticket.status)) ticket = await changeStatus(db, ticket, actor, 'open', { reason: 'customer_replied' });
  return { message: null, changed: [ticket], duplicate: false };
}
