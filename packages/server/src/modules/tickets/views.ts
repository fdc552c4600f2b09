import type { Ticket, TicketComment, TicketEvent } from '@huiliu/contracts';
import type { ticketComments, ticketEvents, tickets } from './schema.js';

export type TicketRow = typeof tickets.$inferSelect;
/** A ticket as lists read it: without the search words, which can be as long as the whole thread. */
export type TicketListRow = Omit<TicketRow, 'searchText' | 'searchVector'>;
export type TicketCommentRow = typeof ticketComments.$inferSelect;
export type TicketEventRow = typeof ticketEvents.$inferSelect;

/** Who did something to a ticket: an agent (or an API token), the customer, or Huiliu itself. */
export interface TicketActor {
  type: 'agent' | 'customer' | 'system';
  id: string | null;
  name: string | null;
}

export const SYSTEM_ACTOR: TicketActor = { type: 'system', id: null, name: null };

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function ticketView(row: TicketListRow): Ticket {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    type: row.type,
    requesterId: row.requesterId,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    followerIds: row.followerIds,
    tags: row.tags,
    dueAt: iso(row.dueAt),
    sourceChannel: row.sourceChannel,
    followUpOfId: row.followUpOfId,
    mergedIntoId: row.mergedIntoId,
    escalation: row.escalation ?? null,
    formId: row.formId,
    fields: row.fields,
    createdById: row.createdById,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    solvedAt: iso(row.solvedAt),
    closedAt: iso(row.closedAt),
    csat:
      row.csatRating !== null && row.csatRatedAt
        ? { rating: row.csatRating, comment: row.csatComment, ratedAt: row.csatRatedAt.toISOString() }
        : null,
  };
}

export function commentView(row: TicketCommentRow): TicketComment {
  return {
    id: row.id,
    ticketId: row.ticketId,
    visibility: row.visibility,
    authorType: row.authorType,
    authorId: row.authorId,
    authorName: row.authorName,
    text: row.text,
    conversationId: row.conversationId,
    messageId: row.messageId,
    createdAt: row.createdAt.toISOString(),
  };
}

export function eventView(row: TicketEventRow): TicketEvent {
  return {
    id: row.id,
    ticketId: row.ticketId,
    type: row.type as TicketEvent['type'],
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    data: row.data,
    createdAt: row.createdAt.toISOString(),
  };
}
