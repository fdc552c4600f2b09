import type { TicketPriority, TicketSource, TicketType } from '@huiliu/contracts';
import { eq } from 'drizzle-orm';
import { appendMessage, lockConversation, messagesAfter, type Appended } from '../../conversations/write-path.js';
import type { Executor } from '../../users/service.js';
import { recordEvent } from '../history.js';
import { ticketConversations, tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import { createTicket } from './create-ticket.js';

/** What the agent chose when turning a conversation into a ticket (all optional: one click). */
export interface CreateFromConversationInput {
  workspaceId: string;
  conversationId: string;
  actor: TicketActor;
  subject?: string;
  priority?: TicketPriority;
  type?: TicketType;
  assigneeId?: string | null;
  teamId?: string | null;
  tags?: string[];
  /** Tell the customer the ticket number in the chat. */
  notifyCustomer: boolean;
  /** Where the case came from, when not the conversation's channel (the help center's form: `web_form`). */
  sourceChannel?: TicketSource;
  /** The ticket form and its values, validated like any create. */
  formId?: string | null;
  fields?: Record<string, unknown>;
}

export interface FromConversation {
  ticket: TicketRow;
  created: boolean;
  /** The message that told the customer the number, to publish after commit. */
  notice: Appended | null;
}

/** How much of the transcript becomes searchable at once (later customer messages are added as they come). */
const TRANSCRIPT_FOR_SEARCH = 200;
const SUBJECT_LENGTH = 80;

/** The sentence the customer reads in the chat (both languages: the workspace may serve either). */
export const ticketNotice = (number: number) =>
  `您的问题已登记为工单 #${number}，我们会尽快跟进并在这里回复您。Your request is now ticket #${number}; we will follow up here.`;

/**
 * Turns a conversation into a ticket, linked both ways: the ticket shows the transcript, later
 * customer messages of the conversation join the ticket's thread. A conversation already linked
 * to an open ticket returns that ticket (a double click creates nothing); one linked to a closed
 * ticket gets a follow-up ticket, and the link moves to it.
 */
export async function createTicketFromConversation(db: Executor, input: CreateFromConversationInput): Promise<FromConversation> {
  // Conversation before ticket: the same lock order as the inbound path, so no deadlock.
  const conversation = await lockConversation(db, input.workspaceId, input.conversationId);
  const [link] = await db
    .select({ ticket: tickets, linkId: ticketConversations.id })
    .from(ticketConversations)
    .innerJoin(tickets, eq(tickets.id, ticketConversations.ticketId))
    .where(eq(ticketConversations.conversationId, conversation.id))
    .for('update', { of: tickets });
  if (link && link.ticket.status !== 'closed') return { ticket: link.ticket, created: false, notice: null };

  const transcript = await messagesAfter(db, input.workspaceId, conversation.id, 0, TRANSCRIPT_FOR_SEARCH, false);
  const spoken = transcript.filter((message) => message.kind === 'in' || message.kind === 'out');
  const firstCustomerText = spoken.find((message) => message.kind === 'in' && message.text.trim())?.text.trim();
  const subject = input.subject ?? (firstCustomerText ? firstCustomerText.slice(0, SUBJECT_LENGTH) : `会话 #${conversation.number}`);
  const { ticket } = await createTicket(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    subject,
    requesterId: conversation.customerId,
    sourceChannel: input.sourceChannel ?? conversation.channel,
    ...(input.formId ? { formId: input.formId, fields: input.fields ?? {} } : {}),
    priority: input.priority ?? conversation.priority,
    type: input.type,
    assigneeId:
      input.assigneeId === undefined
        ? (conversation.assigneeId ?? (input.actor.type === 'agent' ? input.actor.id : null))
        : input.assigneeId,
    teamId: input.teamId === undefined ? conversation.teamId : input.teamId,
    tags: input.tags ?? conversation.tags,
    followUpOfId: link?.ticket.id ?? null,
    extraSearchText: spoken.map((message) => message.text).join('\n'),
  });
  if (link) {
    await db.update(ticketConversations).set({ ticketId: ticket.id }).where(eq(ticketConversations.id, link.linkId));
    await recordEvent(db, link.ticket, input.actor, 'follow_up', { followUpId: ticket.id, followUpNumber: ticket.number });
  } else {
    await db.insert(ticketConversations).values({ workspaceId: input.workspaceId, ticketId: ticket.id, conversationId: conversation.id });
  }
  await recordEvent(db, ticket, input.actor, 'conversation_linked', {
    conversationId: conversation.id,
    conversationNumber: conversation.number,
  });
  const notice = input.notifyCustomer
    ? await appendMessage(
        db,
        input.workspaceId,
        conversation.id,
        { kind: 'out', text: ticketNotice(ticket.number), senderType: 'system' },
        conversation,
      )
    : null;
  return { ticket, created: true, notice };
}
