import { and, eq, or } from 'drizzle-orm';
import { notFound } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { recordEvent } from '../history.js';
import { relativeType } from '../links/queries.js';
import { ticketLinks } from '../links/schema.js';
import { loadTicket } from '../queries.js';
import { tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';
import { assertNotClosed } from './guards.js';

export interface UnlinkTicketsInput {
  viewer: TicketViewer;
  actor: TicketActor;
  ticketId: string;
  linkId: string;
}

/** Removes one of the ticket's links, with an `unlinked` event on both ends. */
export async function unlinkTickets(db: Executor, input: UnlinkTicketsInput): Promise<TicketRow[]> {
  const self = await loadTicket(db, input.viewer, input.ticketId, true);
  const [link] = await db
    .select()
    .from(ticketLinks)
    .where(
      and(
        eq(ticketLinks.workspaceId, self.workspaceId),
        eq(ticketLinks.id, input.linkId),
        or(eq(ticketLinks.fromTicketId, self.id), eq(ticketLinks.toTicketId, self.id)),
      ),
    )
    .for('update');
  if (!link) throw notFound('link of this ticket');
  assertNotClosed(self);
  const otherId = link.fromTicketId === self.id ? link.toTicketId : link.fromTicketId;
  const [other] = await db.select().from(tickets).where(eq(tickets.id, otherId));
  await db.delete(ticketLinks).where(eq(ticketLinks.id, link.id));
  await recordEvent(db, self, input.actor, 'unlinked', {
    linkId: link.id,
    type: relativeType(link, self.id),
    ticketId: other!.id,
    number: other!.number,
  });
  await recordEvent(db, other!, input.actor, 'unlinked', {
    linkId: link.id,
    type: relativeType(link, other!.id),
    ticketId: self.id,
    number: self.number,
  });
  return [self, other!];
}
