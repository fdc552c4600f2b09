import type { TicketEventType, TicketStatus } from '@huiliu/contracts';
import { eq, sql } from 'drizzle-orm';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import type { Realtime } from '../../platform/realtime.js';
import { rooms } from '../../platform/realtime.js';
import { onTicketEvent } from '../sla/ticket-clocks.js';
import type { Executor } from '../users/service.js';
import { ticketComments, ticketEvents, tickets } from './schema.js';
import { searchTextOf } from './search.js';
import type { TicketActor, TicketRow } from './views.js';

/** Appends to the ticket's history (reports count escalations, hand-backs and status changes from it). */
export async function recordEvent(
  db: Executor,
  ticket: Pick<TicketRow, 'id' | 'workspaceId'>,
  actor: TicketActor,
  type: TicketEventType,
  data: Record<string, unknown> = {},
) {
  const [row] = await db
    .insert(ticketEvents)
    .values({
      workspaceId: ticket.workspaceId,
      ticketId: ticket.id,
      type,
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      data,
      // The wall clock, not the transaction's start: one step's events keep their order.
      createdAt: sql`clock_timestamp()`,
    })
    .returning();
  // Automations (and later webhooks) react to ticket history through the outbox.
  await writeOutbox(db, ticket.workspaceId, 'ticket.event', {
    ticketId: ticket.id,
    eventId: row!.id,
    type,
    actorType: actor.type,
    actorName: actor.name,
    data,
  });
  // SLA clocks move in the same transaction as the step that moves them.
  await onTicketEvent(db, { ticketId: ticket.id, eventId: row!.id, type, actorType: actor.type, data, at: row!.createdAt });
  return row!;
}

/** Adds a thread entry and its words to the ticket's search text, in the caller's transaction. */
export async function addComment(
  db: Executor,
  ticket: Pick<TicketRow, 'id' | 'workspaceId'>,
  actor: TicketActor,
  comment: { visibility: 'public' | 'internal'; text: string; conversationId?: string | null; messageId?: string | null },
) {
  const [row] = await db
    .insert(ticketComments)
    .values({
      workspaceId: ticket.workspaceId,
      ticketId: ticket.id,
      visibility: comment.visibility,
      authorType: actor.type,
      authorId: actor.id,
      authorName: actor.name,
      text: comment.text,
      conversationId: comment.conversationId ?? null,
      messageId: comment.messageId ?? null,
      createdAt: sql`clock_timestamp()`,
    })
    .returning();
  await appendSearchText(db, ticket.id, comment.text);
  await recordEvent(db, ticket, actor, 'comment', { commentId: row!.id, visibility: comment.visibility });
  return row!;
}

export async function appendSearchText(db: Executor, ticketId: string, text: string) {
  const words = searchTextOf(text);
  await db
    .update(tickets)
    .set({ searchText: sql`${tickets.searchText} || ' ' || ${words}`, updatedAt: sql`now()` })
    .where(eq(tickets.id, ticketId));
}

/** The columns a status change sets: when it was solved or closed. */
export function statusChange(next: TicketStatus) {
  return {
    status: next,
    solvedAt: next === 'solved' || next === 'closed' ? sql`coalesce(${tickets.solvedAt}, now())` : null,
    closedAt: next === 'closed' ? sql`now()` : null,
  };
}

/** Changes the status (if it differs) with its event. */
export async function changeStatus(
  db: Executor,
  ticket: TicketRow,
  actor: TicketActor,
  next: TicketStatus,
  data: Record<string, unknown> = {},
) {
  if (ticket.status === next) return ticket;
  const [row] = await db
    .update(tickets)
    .set({ ...statusChange(next), updatedAt: sql`now()` })
    .where(eq(tickets.id, ticket.id))
    .returning();
  await recordEvent(db, ticket, actor, 'status_changed', { from: ticket.status, to: next, ...data });
  return row!;
}

/**
 * The one ticket broadcast, after commit: ids only. Who may see a ticket's content is the API's
 * decision, so clients refetch rather than receive it.
 */
export function publishTicketChanged(realtime: Realtime, changed: Pick<TicketRow, 'id' | 'number' | 'workspaceId'>[]) {
  for (const ticket of changed)
    realtime.agents.to(rooms.workspace(ticket.workspaceId)).emit('ticket:changed', { ticketId: ticket.id, number: ticket.number });
}
