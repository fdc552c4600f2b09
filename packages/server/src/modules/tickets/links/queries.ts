import type { TicketLink, TicketLinkKind, TicketLinkType } from '@huiliu/contracts';
import { and, asc, eq, or } from 'drizzle-orm';
import type { Executor } from '../../users/service.js';
import { tickets } from '../schema.js';
import type { TicketRow } from '../views.js';
import { visibleTo, type TicketViewer } from '../visibility.js';
import { ticketLinks } from './schema.js';

export type TicketLinkRow = typeof ticketLinks.$inferSelect;

/** How the other end of a stored link relates to `self`. */
export function relativeType(link: Pick<TicketLinkRow, 'kind' | 'fromTicketId'>, selfId: string): TicketLinkType {
  if (link.kind === 'related') return 'related';
  const selfIsFrom = link.fromTicketId === selfId;
  if (link.kind === 'parent_child') return selfIsFrom ? 'child' : 'parent';
  return selfIsFrom ? 'incident' : 'problem';
}

/** The stored form of "other is self's <type>". */
export function storedLink(type: TicketLinkType, selfId: string, otherId: string): { kind: TicketLinkKind; from: string; to: string } {
  switch (type) {
    case 'related':
      return selfId < otherId ? { kind: 'related', from: selfId, to: otherId } : { kind: 'related', from: otherId, to: selfId };
    case 'parent':
      return { kind: 'parent_child', from: otherId, to: selfId };
    case 'child':
      return { kind: 'parent_child', from: selfId, to: otherId };
    case 'problem':
      return { kind: 'problem_incident', from: otherId, to: selfId };
    case 'incident':
      return { kind: 'problem_incident', from: selfId, to: otherId };
  }
}

export function linkView(link: TicketLinkRow, selfId: string, other: TicketRow): TicketLink {
  return {
    id: link.id,
    type: relativeType(link, selfId),
    ticket: { id: other.id, number: other.number, subject: other.subject, status: other.status, type: other.type },
    createdAt: link.createdAt.toISOString(),
  };
}

/** The ticket's links, oldest first; a linked ticket the viewer may not see is left out (its subject is not theirs to read). */
export async function listLinks(db: Executor, viewer: TicketViewer, ticket: TicketRow): Promise<TicketLink[]> {
  const rows = await db
    .select({ link: ticketLinks, other: tickets })
    .from(ticketLinks)
    .innerJoin(
      tickets,
      or(
        and(eq(ticketLinks.fromTicketId, ticket.id), eq(tickets.id, ticketLinks.toTicketId)),
        and(eq(ticketLinks.toTicketId, ticket.id), eq(tickets.id, ticketLinks.fromTicketId)),
      ),
    )
    .where(and(eq(ticketLinks.workspaceId, ticket.workspaceId), eq(tickets.workspaceId, ticket.workspaceId), visibleTo(db, viewer)))
    .orderBy(asc(ticketLinks.createdAt), asc(ticketLinks.id));
  return rows.map((row) => linkView(row.link, ticket.id, row.other));
}
