import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { getConversation } from '../../conversations/queries.js';
import type { ConversationRow, MessageRow } from '../../conversations/views.js';
import type { Executor } from '../../users/service.js';
import { addComment, changeStatus, recordEvent } from '../history.js';
import { ticketComments, ticketConversations, tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import { createTicket } from './create-ticket.js';

/** A customer message that arrived on a conversation (the inbound path holds the conversation's lock). */
export interface CustomerMessageInput {
  conversation: ConversationRow;
  message: MessageRow;
  /** A conversation that continues an earlier one (an email reply after the thread was resolved long ago). */
  previousConversationId?: string | null;
  /** The message opened a new conversation. */
  created?: boolean;
}

export interface CustomerMessageOutcome {
  /** Tickets that changed, for the after-commit broadcast. */
  changed: TicketRow[];
}

/** Customers' replies wake a ticket waiting on them, or one they thought was done. */
const REOPENED_BY_CUSTOMER = new Set(['pending', 'solved']);

/**
 * Puts a customer message of a linked conversation on its ticket's thread. A pending or solved
 * ticket opens again; a closed one stays closed and a follow-up ticket takes the message, and
 * the conversation's link, so what the customer writes next lands on the follow-up.
 */
export async function receiveCustomerMessage(db: Executor, input: CustomerMessageInput): Promise<CustomerMessageOutcome> {
  const { conversation, message } = input;
  const workspaceId = conversation.workspaceId;
  let link = await linkOf(db, workspaceId, conversation.id);
  if (!link && input.previousConversationId) {
    const previous = await linkOf(db, workspaceId, input.previousConversationId);
    if (previous) {
      await db.insert(ticketConversations).values({ workspaceId, ticketId: previous.ticket.id, conversationId: conversation.id });
      await recordEvent(db, previous.ticket, customerActor(conversation), 'conversation_linked', {
        conversationId: conversation.id,
        conversationNumber: conversation.number,
      });
      link = await linkOf(db, workspaceId, conversation.id);
    }
  }
  if (!link && input.created && !input.previousConversationId) {
    const answered = await answeredTicket(db, conversation);
    if (answered) {
      await db.insert(ticketConversations).values({ workspaceId, ticketId: answered.id, conversationId: conversation.id });
      await recordEvent(db, answered, customerActor(conversation), 'conversation_linked', {
        conversationId: conversation.id,
        conversationNumber: conversation.number,
        reason: 'answer_to_ticket_reply',
      });
      link = await linkOf(db, workspaceId, conversation.id);
    }
  }
  if (!link) return { changed: [] };
  const customer = customerActor(conversation, message.senderName);
  let ticket = link.ticket;
  const changed: TicketRow[] = [];
  if (ticket.status === 'closed') {
    const closed = ticket;
    ({ ticket } = await createTicket(db, {
      workspaceId,
      actor: customer,
      subject: closed.subject,
      requesterId: closed.requesterId,
      sourceChannel: conversation.channel,
      priority: closed.priority,
      type: closed.type,
      assigneeId: closed.assigneeId,
      teamId: closed.teamId,
      tags: closed.tags,
      followUpOfId: closed.id,
    }));
    await db.update(ticketConversations).set({ ticketId: ticket.id }).where(eq(ticketConversations.id, link.linkId));
    await recordEvent(db, closed, customer, 'follow_up', { followUpId: ticket.id, followUpNumber: ticket.number });
    changed.push(closed);
  }
  const text = message.text || message.attachments.map((file) => `[${file.name}]`).join(' ');
  await addComment(db, ticket, customer, { visibility: 'public', text, conversationId: conversation.id, messageId: message.id });
  if (REOPENED_BY_CUSTOMER.has(ticket.status)) ticket = await changeStatus(db, ticket, customer, 'open', { reason: 'customer_replied' });
  changed.push(ticket);
  return { changed };
}

const customerActor = (conversation: ConversationRow, name: string | null = null): TicketActor => ({
  type: 'customer',
  id: conversation.customerId,
  name,
});

async function linkOf(db: Executor, workspaceId: string, conversationId: string) {
  const [row] = await db
    .select({ ticket: tickets, linkId: ticketConversations.id })
    .from(ticketConversations)
    .innerJoin(tickets, eq(tickets.id, ticketConversations.ticketId))
    .where(and(eq(ticketConversations.workspaceId, workspaceId), eq(ticketConversations.conversationId, conversationId)))
    .for('update', { of: tickets });
  return row;
}

/** How long after a ticket reply a new chat of the customer still counts as the answer to it. */
const ANSWER_WINDOW = '7 days';

/**
 * On the widget and WeChat a customer who writes after their conversation was resolved starts a
 * new one. If the newest public ticket reply this customer got on this inbox went out after its
 * conversation was resolved (so they could only answer in a new one), and that ticket is still
 * live, the new conversation is the answer: it is linked to that ticket.
 */
async function answeredTicket(db: Executor, conversation: ConversationRow): Promise<TicketRow | undefined> {
  const [latest] = await db
    .select({ ticket: tickets, conversationId: ticketComments.conversationId, repliedAt: ticketComments.createdAt })
    .from(ticketComments)
    .innerJoin(tickets, eq(tickets.id, ticketComments.ticketId))
    .where(
      and(
        eq(ticketComments.workspaceId, conversation.workspaceId),
        eq(tickets.requesterId, conversation.customerId),
        eq(ticketComments.visibility, 'public'),
        eq(ticketComments.authorType, 'agent'),
        ne(ticketComments.conversationId, conversation.id),
        sql`${ticketComments.createdAt} > now() - ${ANSWER_WINDOW}::interval`,
      ),
    )
    .orderBy(desc(ticketComments.createdAt))
    .limit(1);
  if (!latest?.conversationId || latest.ticket.status === 'closed') return undefined;
  const { row: replied } = await getConversation(db, conversation.workspaceId, latest.conversationId);
  if (replied.inboxId !== conversation.inboxId || replied.state !== 'resolved' || !replied.resolvedAt) return undefined;
  return replied.resolvedAt < latest.repliedAt ? latest.ticket : undefined;
}
