import { eq, sql } from 'drizzle-orm';
import { AppError } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { addComment, recordEvent } from '../history.js';
import { loadTicket } from '../queries.js';
import { assertReferences } from '../references.js';
import { tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';
import { assertNotClosed } from './guards.js';

/** Tier 1 passes the ticket to a specialist team (二线) with why and what it found. */
export interface EscalateInput {
  viewer: TicketViewer;
  actor: TicketActor;
  ticketId: string;
  teamId: string;
  /** Required; reports count escalations by reason. */
  reason: string;
  summary: string;
  /** A tier-2 agent to take it at once; otherwise the team's queue (unassigned). */
  assigneeId?: string | null;
}

/**
 * The team changes to tier 2 and who had it before is remembered on the ticket, so hand-back
 * returns it there. The reason and summary are an `escalated` event and an internal note, so
 * tier 2 reads them in the thread beside everything the customer said on every channel.
 */
export async function escalateTicket(db: Executor, input: EscalateInput): Promise<TicketRow> {
  const current = await loadTicket(db, input.viewer, input.ticketId, true);
  await assertReferences(db, current.workspaceId, { teamId: input.teamId, assigneeId: input.assigneeId });
  assertNotClosed(current);
  if (current.teamId === input.teamId) throw new AppError(409, 'same_team', 'the ticket is with this team already');
  // Escalating further keeps the original tier-1 owner: hand-back goes to whoever escalated first.
  const escalation = current.escalation
    ? { ...current.escalation, toTeamId: input.teamId, reason: input.reason, at: new Date().toISOString() }
    : {
        fromTeamId: current.teamId,
        fromAssigneeId: current.assigneeId,
        toTeamId: input.teamId,
        reason: input.reason,
        at: new Date().toISOString(),
      };
  const assigneeId = input.assigneeId ?? null;
  const [row] = await db
    .update(tickets)
    .set({
      teamId: input.teamId,
      assigneeId,
      escalation,
      // Tier 1 keeps following the case it passed on (it sees it and will get it back).
      followerIds:
        input.actor.type === 'agent' && input.actor.id ? [...new Set([...current.followerIds, input.actor.id])] : current.followerIds,
      // With tier 2 now: waiting on a specialist is work in progress, not waiting on the customer.
      status: current.status === 'new' || current.status === 'pending' || current.status === 'solved' ? 'open' : current.status,
      solvedAt: null,
      updatedAt: sql`now()`,
    })
    .where(eq(tickets.id, current.id))
    .returning();
  await recordEvent(db, current, input.actor, 'escalated', {
    fromTeamId: current.teamId,
    fromAssigneeId: current.assigneeId,
    toTeamId: input.teamId,
    toAssigneeId: assigneeId,
    reason: input.reason,
    summary: input.summary,
  });
  if (row!.status !== current.status)
    await recordEvent(db, current, input.actor, 'status_changed', { from: current.status, to: row!.status });
  await addComment(db, row!, input.actor, {
    visibility: 'internal',
    text: `升级至二线 / Escalated: ${input.reason}${input.summary ? `\n${input.summary}` : ''}`,
  });
  return row!;
}
