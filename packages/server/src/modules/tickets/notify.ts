import type { TicketNotification } from '@huiliu/contracts';
import type { Realtime } from '../../platform/realtime.js';
import { rooms } from '../../platform/realtime.js';
import type { TicketRow } from './views.js';

/**
 * Tells one agent, live, that a ticket needs them: it was assigned to them, or its customer
 * wrote. Sent to the agent's own room after commit (every tab of theirs, on any node); the
 * console keeps the list. The ids and subject only go to the assignee, who may see the ticket.
 */
export function notifyAgent(realtime: Realtime, userId: string, kind: TicketNotification['kind'], ticket: TicketRow): void {
  const notification: TicketNotification = {
    kind,
    ticketId: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    workspaceId: ticket.workspaceId,
    at: new Date().toISOString(),
  };
  realtime.agents.to(rooms.user(userId)).emit('ticket:notification', notification);
}

/** After a change by `actorId`: the new assignee hears of it, unless they assigned it to themselves. */
export function notifyAssigned(realtime: Realtime, before: string | null | undefined, ticket: TicketRow, actorId: string | null): void {
  if (ticket.assigneeId && ticket.assigneeId !== before && ticket.assigneeId !== actorId)
    notifyAgent(realtime, ticket.assigneeId, 'assigned', ticket);
}
