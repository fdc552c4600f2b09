import type { TicketStatus } from '@huiliu/contracts';
import { and, desc, eq } from 'drizzle-orm';
import { AppError, notFound } from '../../../platform/errors.js';
import { appendMessage, lockConversation, type Appended } from '../../conversations/write-path.js';
import type { Executor } from '../../users/service.js';
import { addComment, changeStatus } from '../history.js';
import { loadTicket } from '../queries.js';
import { ticketConversations } from '../schema.js';
import type { TicketActor, TicketCommentRow, TicketRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';
import { assertNotClosed } from './guards.js';
import { solveLinkedIncidents } from '../links/solve-incidents.js';
import type { ConversationRow } from '../../conversations/views.js';
import { holdIfReviewed } from '../../reviews/hold.js';
import type { ReviewRow } from '../../reviews/views.js';

/** A thread entry by an agent: a public reply goes to the customer, an internal note stays with agents. */
export interface AddCommentInput {
  viewer: TicketViewer;
  actor: TicketActor;
  ticketId: string;
  text: string;
  visibility: 'public' | 'internal';
  /** The linked conversation that carries a public reply; default the most recently linked. */
  conversationId?: string;
  status?: Exclude<TicketStatus, 'closed'>;
  /** Other tickets this reply changed (incidents solved with their problem), for the after-commit broadcast. */
  changed?: TicketRow[];
  /** A reviewer approved this reply: it goes out without being held again. */
  approved?: boolean;
}

export interface Commented {
  ticket: TicketRow;
  /** Null when a review policy held the public reply (see `held`). */
  comment: TicketCommentRow | null;
  /** The channel message of a public reply, to publish after commit. */
  message: Appended | null;
  /** The pending review a policy put the public reply in: nothing went to the customer or the thread. */
  held: ReviewRow | null;
}

/**
 * A public reply is a message on the linked conversation: the conversations module's write path
 * stores it with an outbox row, and the channel's connector delivers it (widget, email, WeChat)
 * exactly as a chat reply. An internal note is only a comment: it never reaches a channel.
 */
export async function addTicketComment(db: Executor, input: AddCommentInput): Promise<Commented> {
  const peek = await loadTicket(db, input.viewer, input.ticketId);
  assertNotClosed(peek);
  let message: Appended | null = null;
  let conversationId: string | null = null;
  let conversation: ConversationRow | null = null;
  if (input.visibility === 'public') {
    conversationId = await replyConversation(db, peek, input.conversationId);
    // Conversation before ticket, as on the inbound path, so the two never deadlock.
    conversation = await lockConversation(db, peek.workspaceId, conversationId);
  }
  let ticket = await loadTicket(db, input.viewer, input.ticketId, true);
  assertNotClosed(ticket);
  if (conversation && !input.approved) {
    // A held reply is no comment, no message and no status change until a reviewer approves it.
    const held = await holdIfReviewed(db, {
      workspaceId: ticket.workspaceId,
      conversation,
      ticketId: ticket.id,
      author: input.actor,
      text: input.text,
      ticketStatus: input.status ?? null,
    });
    if (held) return { ticket, comment: null, message: null, held };
  }
  if (conversationId) {
    message = await appendMessage(db, ticket.workspaceId, conversationId, {
      kind: 'out',
      text: input.text,
      senderType: 'agent',
      senderId: input.actor.id,
      senderName: input.actor.name,
    });
  }
  const comment = await addComment(db, ticket, input.actor, {
    visibility: input.visibility,
    text: input.text,
    conversationId,
    messageId: message?.message.id ?? null,
  });
  // Answering a new ticket starts work on it, unless the agent chose a status with the reply.
  const next = input.status ?? (ticket.status === 'new' && input.visibility === 'public' ? 'open' : undefined);
  if (next && next !== ticket.status) {
    ticket = await changeStatus(db, ticket, input.actor, next);
    if (next === 'solved') {
      const incidents = await solveLinkedIncidents(db, ticket, input.actor);
      input.changed?.push(...incidents);
    }
  }
  return { ticket: await loadTicket(db, input.viewer, ticket.id), comment, message, held: null };
}

async function replyConversation(db: Executor, ticket: TicketRow, requested: string | undefined): Promise<string> {
  const links = await db
    .select({ conversationId: ticketConversations.conversationId })
    .from(ticketConversations)
    .where(and(eq(ticketConversations.workspaceId, ticket.workspaceId), eq(ticketConversations.ticketId, ticket.id)))
    .orderBy(desc(ticketConversations.createdAt));
  if (requested) {
    if (!links.some((link) => link.conversationId === requested)) throw notFound('conversation linked to this ticket');
    return requested;
  }
  if (!links[0])
    throw new AppError(
      422,
      'no_channel',
      `ticket #${ticket.number} has no linked conversation to reply on; add an internal note, or create the ticket from a conversation`,
    );
  return links[0].conversationId;
}
