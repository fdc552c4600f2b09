import { and, eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../../platform/errors.js';
import { customers } from '../../customers/schema.js';
import type { Executor } from '../../users/service.js';
import { recordEvent } from '../history.js';
import { tickets } from '../schema.js';
import type { TicketRow } from '../views.js';

export interface TicketRating {
  workspaceId: string;
  ticketId: string;
  rating: number;
  comment: string;
}

/**
 * The requester's rating of a solved ticket (from the signed link of the solved email): stored
 * on the ticket once and recorded as a `csat_rated` event — which reports count, through the
 * same outbox every ticket event takes. A second rating is refused, whichever link it came from.
 */
export async function rateTicket(db: Executor, input: TicketRating): Promise<TicketRow> {
  const [ticket] = await db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, input.workspaceId), eq(tickets.id, input.ticketId)))
    .for('update');
  if (!ticket) throw notFound('ticket');
  if (ticket.csatRating !== null) throw new AppError(409, 'already_rated', `ticket #${ticket.number} was already rated`);
  const comment = input.comment.trim();
  const [rated] = await db
    .update(tickets)
    .set({ csatRating: input.rating, csatComment: comment || null, csatRatedAt: sql`now()` })
    .where(eq(tickets.id, ticket.id))
    .returning();
  const [requester] = await db.select({ name: customers.name }).from(customers).where(eq(customers.id, ticket.requesterId));
  await recordEvent(db, ticket, { type: 'customer', id: ticket.requesterId, name: requester?.name ?? null }, 'csat_rated', {
    rating: input.rating,
    ...(comment ? { comment } : {}),
  });
  return rated!;
}
