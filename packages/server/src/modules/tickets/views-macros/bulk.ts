import { MAX_BULK_TICKETS, type BulkJob, type BulkJobDetail, type BulkTicketRequest, type MacroAction } from '@huiliu/contracts';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { rooms } from '../../../platform/realtime.js';
import type { MemberContext } from '../../auth/access.js';
import { publishMessage } from '../../conversations/events.js';
import type { Appended } from '../../conversations/write-path.js';
import type { Executor } from '../../users/service.js';
import { publishTicketChanged } from '../history.js';
import { tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import { visibleTo, type TicketViewer } from '../visibility.js';
import { applyActions } from './commands/apply-actions.js';
import { filterConditions } from './filter.js';
import { usableMacro, assertUsableActions } from './macros.js';
import { getSavedView } from './saved-views.js';
import { ticketBulkItems, ticketBulkJobs } from './schema.js';

type BulkJobRow = typeof ticketBulkJobs.$inferSelect;

/** Tickets per transaction: progress after each, and a crash loses at most one chunk's work (redone on resume). */
export const BULK_CHUNK = 25;
/** A running job nobody has touched for this long is taken over by the recurring resume job. */
const STALE_AFTER_SECONDS = 60;

export function bulkJobView(row: BulkJobRow): BulkJob {
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    processed: row.processed,
    changed: row.changed,
    failed: row.failed,
    macroId: row.macroId,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
  };
}

export interface StartBulkInput {
  member: MemberContext;
  viewer: TicketViewer;
  actor: TicketActor;
  request: BulkTicketRequest;
  idempotencyKey: string | null;
}

/**
 * Records the job and its items (one per ticket, pending) in one transaction; the work is done
 * by `runBulkJob`. Every ticket must be one the agent may see (else 404 and nothing is stored);
 * a view's tickets are taken as they are now.
 */
export async function startBulkJob(db: Executor, input: StartBulkInput): Promise<{ job: BulkJobRow; created: boolean }> {
  const { member, viewer, request } = input;
  if (input.idempotencyKey) {
    // The unique index cannot hold API tokens' jobs (no requesting user: NULLs are distinct),
    // so concurrent retries with one key wait for each other here, and the first one's job is
    // the answer to the rest.
    const requester = member.userId ?? 'api-token';
    await db.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`ticket-bulk:${member.workspaceId}:${requester}:${input.idempotencyKey}`}))`,
    );
    const earlier = await findBulkByKey(db, member, input.idempotencyKey);
    if (earlier) return { job: earlier, created: false };
  }
  const macro = request.macroId ? await usableMacro(db, member, request.macroId) : null;
  if (request.actions) await assertUsableActions(db, member.workspaceId, request.actions);
  const actions: MacroAction[] = [...(macro?.actions ?? []), ...(request.actions ?? [])];
  const ids = new Set<string>();
  if (request.ticketIds) {
    const wanted = [...new Set(request.ticketIds)];
    const rows = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.workspaceId, member.workspaceId), inArray(tickets.id, wanted), visibleTo(db, viewer)));
    if (rows.length !== wanted.length) throw notFound('ticket');
    wanted.forEach((id) => ids.add(id));
  }
  if (request.viewId) {
    const view = await getSavedView(db, member, request.viewId);
    const rows = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.workspaceId, member.workspaceId), visibleTo(db, viewer), ...filterConditions(viewer, view.filter)))
      .orderBy(asc(tickets.createdAt), asc(tickets.id))
      .limit(MAX_BULK_TICKETS + 1);
    rows.forEach((row) => ids.add(row.id));
  }
  if (ids.size > MAX_BULK_TICKETS)
    throw new AppError(422, 'too_many_tickets', `a bulk action takes at most ${MAX_BULK_TICKETS} tickets; narrow the view or select fewer`);
  if (ids.size === 0) throw new AppError(422, 'no_tickets', 'the view holds no tickets you can change');
  const [job] = await db
    .insert(ticketBulkJobs)
    .values({
      workspaceId: member.workspaceId,
      requestedById: member.userId,
      actor: { type: 'agent', id: input.actor.id, name: input.actor.name },
      readAll: viewer.readAll,
      macroId: macro?.id ?? null,
      actions,
      total: ids.size,
      idempotencyKey: input.idempotencyKey,
    })
    .returning();
  await db.insert(ticketBulkItems).values([...ids].map((ticketId, position) => ({ jobId: job!.id, ticketId, position })));
  return { job: job!, created: true };
}

async function findBulkByKey(db: Executor, member: MemberContext, key: string) {
  const [row] = await db
    .select()
    .from(ticketBulkJobs)
    .where(
      and(
        eq(ticketBulkJobs.workspaceId, member.workspaceId),
        member.userId ? eq(ticketBulkJobs.requestedById, member.userId) : sql`${ticketBulkJobs.requestedById} is null`,
        eq(ticketBulkJobs.idempotencyKey, key),
      ),
    );
  return row;
}

export function isBulkIdempotencyConflict(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; constraint?: string } }).cause ?? (error as { code?: string; constraint?: string });
  return cause?.code === '23505' && cause.constraint === 'ticket_bulk_jobs_idempotency_unique';
}

export { findBulkByKey };

/** A job its requester may read (someone else's is "not found"), with each ticket's outcome. */
export async function bulkJobDetail(db: Executor, member: MemberContext, id: string): Promise<BulkJobDetail> {
  const [job] = await db
    .select()
    .from(ticketBulkJobs)
    .where(
      and(
        eq(ticketBulkJobs.workspaceId, member.workspaceId),
        eq(ticketBulkJobs.id, id),
        member.userId ? eq(ticketBulkJobs.requestedById, member.userId) : sql`${ticketBulkJobs.requestedById} is null`,
      ),
    );
  if (!job) throw notFound('bulk job');
  const items = await db
    .select({
      ticketId: ticketBulkItems.ticketId,
      number: tickets.number,
      outcome: ticketBulkItems.outcome,
      errorCode: ticketBulkItems.errorCode,
      errorMessage: ticketBulkItems.errorMessage,
    })
    .from(ticketBulkItems)
    .innerJoin(tickets, eq(tickets.id, ticketBulkItems.ticketId))
    .where(eq(ticketBulkItems.jobId, job.id))
    .orderBy(asc(ticketBulkItems.position));
  return {
    ...bulkJobView(job),
    items: items.map((item) => ({
      ticketId: item.ticketId,
      number: item.number,
      outcome: item.outcome,
      error: item.errorCode ? { code: item.errorCode, message: item.errorMessage ?? '' } : null,
    })),
  };
}

const errorOf = (error: unknown) =>
  error instanceof AppError
    ? { code: error.code, message: error.message }
    : { code: 'failed', message: 'this ticket could not be changed' };

/**
 * Works a job off chunk by chunk. Each chunk is one transaction holding the job row's lock (a
 * second runner skips it rather than doubling the work); each ticket runs in its own savepoint,
 * so one refusal (closed, a field value the definitions refuse, no channel for a reply) is that
 * ticket's `failed` outcome and the others go on. The item's outcome commits with the ticket's
 * change: a job resumed after a crash continues with the pending items only.
 */
export async function runBulkJob(ctx: AppContext, jobId: string): Promise<void> {
  for (;;) {
    const published: { tickets: TicketRow[]; messages: Appended[] } = { tickets: [], messages: [] };
    const step = await ctx.db.transaction(async (tx) => {
      const [job] = await tx
        .select()
        .from(ticketBulkJobs)
        .where(and(eq(ticketBulkJobs.id, jobId), eq(ticketBulkJobs.status, 'running')))
        .for('update', { skipLocked: true });
      if (!job) return null;
      const pending = await tx
        .select({ ticketId: ticketBulkItems.ticketId })
        .from(ticketBulkItems)
        .where(and(eq(ticketBulkItems.jobId, job.id), eq(ticketBulkItems.outcome, 'pending')))
        .orderBy(asc(ticketBulkItems.position))
        .limit(BULK_CHUNK);
      const viewer: TicketViewer = { workspaceId: job.workspaceId, userId: job.requestedById, readAll: job.readAll };
      let changed = 0;
      let failed = 0;
      for (const item of pending) {
        let outcome: 'changed' | 'unchanged' | 'failed';
        let error: { code: string; message: string } | null = null;
        try {
          const applied = await tx.transaction((sp) =>
            applyActions(sp, { viewer, actor: job.actor, ticketId: item.ticketId, actions: job.actions }),
          );
          outcome = applied.changed ? 'changed' : 'unchanged';
          if (applied.changed) published.tickets.push(applied.ticket);
          published.messages.push(...applied.messages);
        } catch (caught) {
          if (!(caught instanceof AppError))
            ctx.logger.warn({ err: caught, jobId, ticketId: item.ticketId }, 'bulk action failed on a ticket');
          outcome = 'failed';
          error = errorOf(caught);
        }
        if (outcome === 'changed') changed += 1;
        if (outcome === 'failed') failed += 1;
        await tx
          .update(ticketBulkItems)
          .set({ outcome, errorCode: error?.code ?? null, errorMessage: error?.message ?? null })
          .where(and(eq(ticketBulkItems.jobId, job.id), eq(ticketBulkItems.ticketId, item.ticketId)));
      }
      const done = pending.length < BULK_CHUNK;
      const [updated] = await tx
        .update(ticketBulkJobs)
        .set({
          processed: sql`${ticketBulkJobs.processed} + ${pending.length}`,
          changed: sql`${ticketBulkJobs.changed} + ${changed}`,
          failed: sql`${ticketBulkJobs.failed} + ${failed}`,
          updatedAt: sql`now()`,
          ...(done && { status: 'done' as const, finishedAt: sql`now()` }),
        })
        .where(eq(ticketBulkJobs.id, job.id))
        .returning();
      return updated!;
    });
    if (!step) return;
    publishTicketChanged(ctx.realtime, published.tickets);
    for (const message of published.messages) publishMessage(ctx.realtime, message.conversation, message.message);
    if (step.requestedById)
      ctx.realtime.agents.to(rooms.user(step.requestedById)).emit('ticket:bulk', {
        id: step.id,
        status: step.status,
        total: step.total,
        processed: step.processed,
        changed: step.changed,
        failed: step.failed,
      });
    if (step.status === 'done') return;
  }
}

/** Jobs whose runner went away (a restart, a crash): picked up by any node. */
export async function resumeStaleBulkJobs(ctx: AppContext): Promise<number> {
  const stale = await ctx.db
    .select({ id: ticketBulkJobs.id })
    .from(ticketBulkJobs)
    .where(
      and(eq(ticketBulkJobs.status, 'running'), lt(ticketBulkJobs.updatedAt, sql`now() - (${STALE_AFTER_SECONDS} * interval '1 second')`)),
    );
  for (const job of stale) await runBulkJob(ctx, job.id);
  return stale.length;
}
