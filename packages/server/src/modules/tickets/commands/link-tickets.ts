import type { TicketLink, TicketLinkType } from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { recordEvent } from '../history.js';
import { linkView, relativeType, storedLink } from '../links/queries.js';
import { ticketLinks } from '../links/schema.js';
import { loadTicket } from '../queries.js';
import type { TicketActor, TicketRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';

/** "`otherId` is this ticket's <type>", asked by an agent who can see both. */
export interface LinkTicketsInput {
  viewer: TicketViewer;
  actor: TicketActor;
  ticketId: string;
  type: TicketLinkType;
  otherId: string;
}

export interface Linked {
  link: TicketLink;
  created: boolean;
  tickets: TicketRow[];
}

/**
 * Links two tickets with an event on each. Refused: a link to itself (422), a closed ticket
 * (409, read-only), a problem link whose ends are not a `problem` and an `incident` (422), a
 * second parent or problem (409: each child has one parent, each incident one problem), and a
 * parent that is already below the child (409, no cycles). Linking the same pair again returns
 * the link there is.
 */
export async function linkTickets(db: Executor, input: LinkTicketsInput): Promise<Linked> {
  const { viewer, actor } = input;
  await loadTicket(db, viewer, input.ticketId);
  await loadTicket(db, viewer, input.otherId);
  if (input.ticketId === input.otherId) throw new AppError(422, 'link_to_self', 'a ticket cannot be linked to itself');
  // Both locked, in id order, so two links made at once see each other (one parent, no cycle).
  const [first, second] = [input.ticketId, input.otherId].sort();
  const lockedFirst = await loadTicket(db, viewer, first!, true);
  const lockedSecond = await loadTicket(db, viewer, second!, true);
  const self = lockedFirst.id === input.ticketId ? lockedFirst : lockedSecond;
  const other = self === lockedFirst ? lockedSecond : lockedFirst;
  for (const ticket of [self, other])
    if (ticket.status === 'closed')
      throw new AppError(409, 'ticket_closed', `ticket #${ticket.number} is closed and read-only; it cannot be linked`);

  const stored = storedLink(input.type, self.id, other.id);
  const [existing] = await db
    .select()
    .from(ticketLinks)
    .where(and(eq(ticketLinks.kind, stored.kind), eq(ticketLinks.fromTicketId, stored.from), eq(ticketLinks.toTicketId, stored.to)));
  if (existing) return { link: linkView(existing, self.id, other), created: false, tickets: [] };

  const byId = (id: string) => (id === self.id ? self : other);
  if (stored.kind === 'problem_incident') {
    const problem = byId(stored.from);
    const incident = byId(stored.to);
    if (problem.type !== 'problem')
      throw new AppError(422, 'not_a_problem', `ticket #${problem.number} is of type ${problem.type}; set its type to problem first`);
    if (incident.type !== 'incident')
      throw new AppError(422, 'not_an_incident', `ticket #${incident.number} is of type ${incident.type}; set its type to incident first`);
  }
  if (stored.kind !== 'related') {
    const [taken] = await db
      .select({ id: ticketLinks.id })
      .from(ticketLinks)
      .where(and(eq(ticketLinks.kind, stored.kind), eq(ticketLinks.toTicketId, stored.to)));
    if (taken) {
      const child = byId(stored.to);
      throw new AppError(
        409,
        stored.kind === 'parent_child' ? 'has_parent' : 'has_problem',
        stored.kind === 'parent_child'
          ? `ticket #${child.number} already has a parent ticket; unlink it first`
          : `incident #${child.number} is already linked to a problem; unlink it first`,
      );
    }
  }
  if (stored.kind === 'parent_child' && (await isBelow(db, stored.from, stored.to)))
    throw new AppError(
      409,
      'link_cycle',
      `ticket #${byId(stored.from).number} is already below #${byId(stored.to).number}; a ticket cannot be its own ancestor`,
    );

  const [row] = await db
    .insert(ticketLinks)
    .values({
      workspaceId: self.workspaceId,
      kind: stored.kind,
      fromTicketId: stored.from,
      toTicketId: stored.to,
      createdById: actor.type === 'agent' ? actor.id : null,
    })
    .returning();
  for (const [ticket, peer] of [
    [self, other],
    [other, self],
  ] as const)
    await recordEvent(db, ticket, actor, 'linked', {
      linkId: row!.id,
      type: relativeType(row!, ticket.id),
      ticketId: peer.id,
      number: peer.number,
    });
  return { link: linkView(row!, self.id, other), created: true, tickets: [self, other] };
}

/** True when `ticketId` is `ancestorId` or one of its descendants through parent → child links. */
async function isBelow(db: Executor, ticketId: string, ancestorId: string): Promise<boolean> {
  const result = await db.execute<{ found: boolean }>(sql`
    with recursive below(id) as (
      select ${ancestorId}::uuid
      union
      select l.to_ticket_id from ticket_links l join below b on l.from_ticket_id = b.id where l.kind = 'parent_child'
    )
    select exists (select 1 from below where id = ${ticketId}::uuid) as found`);
  return Boolean(result.rows[0]?.found);
}
