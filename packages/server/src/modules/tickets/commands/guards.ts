import { AppError } from '../../../platform/errors.js';
import type { TicketRow } from '../views.js';

/** A closed ticket is a record: nothing changes it; the customer writing again opens a follow-up. */
export function assertNotClosed(ticket: TicketRow): void {
  if (ticket.status === 'closed')
    throw new AppError(
      409,
      'ticket_closed',
      `ticket #${ticket.number} is closed and read-only; a new message from the customer opens a follow-up`,
    );
}
