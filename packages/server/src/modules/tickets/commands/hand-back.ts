import { eq, sql } from 'drizzle-orm';
import { AppError } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { addComment, recordEvent } from '../history.js';
import { loadTicket } from '../queries.js';
import { tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';
import { assertNotClosed } from './guards.js';

/** Tier 2 returns an escalated ticket to the team and agent that escalated it. */
export interface HandBackInput {
  viewer: TicketViewer;
  actor: TicketActor;
  ticketId: string;
  /** What tier 2 did or found; becomes an internal note. */
  summary: string;
}

export async function handBackTicket(db: Executor, input: HandBackInput): Promise<TicketRow> {
  const current = await loadTicket(db, input.viewer, input.ticketId, true);
  assertNotClosed(current);
  const escalation = current.escalation;
  if (!escalation)
    throw new AppError(409, 'not_escalated', `ticket #${current.number} is not escalated; there is nobody to hand it back to`);
  const [row] = await db
    .update(tickets)
    .set({ teamId: escalation.fromTeamId, assigneeId: escalation.fromAssigneeId, escalation: null, updatedAt: sql`now()` })
    .where(eq(tickets.id, current.id))
    .returning();
  await recordEvent(db, current, input.actor, 'handed_back', {
    fromTeamId: current.teamId,
    fromAssigneeId: current.assigneeId,
    toTeamId: escalation.fromTeamId,
    toAssigneeId: escalation.fromAssigneeId,
    summary: input.summary,
  });
  if (input.summary) await addComment(db, row!, input.actor, { visibility: 'internal', text: `退回一线 / Handed back: ${input.summary}` });
  return row!;
}
