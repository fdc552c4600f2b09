import type { SlaSummary } from '@huiliu/contracts';
import { sql, type SQL } from 'drizzle-orm';
import { badRequest } from '../../platform/errors.js';

/**
 * What a list shows of a case's SLA, and how "due soonest" sorts it, as correlated subqueries on
 * `sla_targets_open_subject_due_idx` (subject, due time over the open and still-unanswered clocks):
 * no column on tickets or conversations to keep in step with the clocks.
 */

/** A clock that still counts: running, or breached with no answer yet (overdue). */
const OPEN_CLOCK = sql.raw(`(t.status = 'active' or (t.status = 'breached' and t.achieved_at is null))`);

/**
 * The case's id, always table-qualified: in a one-table select drizzle writes a bare "id",
 * which inside the subquery would name the clock's own id.
 */
const CASE_ID = { ticket: sql.raw('"tickets"."id"'), conversation: sql.raw('"conversations"."id"') };

/** Sorts last: a case with only paused clocks or none. */
const NO_DUE = new Date('9999-12-31T00:00:00.000Z');

/** The soonest due time of the case's counting clocks (the sort key), `NO_DUE` when none. */
export function slaDueKey(subjectType: 'ticket' | 'conversation'): SQL<Date> {
  const id = CASE_ID[subjectType];
  return sql<Date>`coalesce((select min(t.due_at) from sla_targets t
    where t.subject_type = ${subjectType} and t.subject_id = ${id} and ${OPEN_CLOCK}), ${NO_DUE.toISOString()}::timestamptz)`.mapWith(
    (value: string | Date) => new Date(value),
  );
}

/** The badge's clock: the soonest counting one, else the soonest paused one (as text: the driver's json decoding is not applied to subqueries). */
export function slaSummaryColumn(subjectType: 'ticket' | 'conversation'): SQL<SlaSummary | null> {
  const id = CASE_ID[subjectType];
  return sql`(select json_build_object('metric', t.metric, 'status', t.status, 'dueAt', t.due_at, 'warnAt', t.warn_at,
      'remainingMs', case when t.status = 'paused' then t.target_minutes::bigint * 60000 - t.consumed_ms end)
    from sla_targets t
    where t.subject_type = ${subjectType} and t.subject_id = ${id} and (${OPEN_CLOCK} or t.status = 'paused')
    order by t.status = 'paused', t.due_at limit 1)::text`.mapWith((value: unknown) => summaryOf(value));
}

function summaryOf(value: unknown): SlaSummary | null {
  const row = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown> | null;
  if (!row) return null;
  return {
    metric: row.metric as SlaSummary['metric'],
    status: row.status as SlaSummary['status'],
    dueAt: new Date(String(row.dueAt)).toISOString(),
    warnAt: row.warnAt ? new Date(String(row.warnAt)).toISOString() : null,
    remainingMs: row.remainingMs === null || row.remainingMs === undefined ? null : Number(row.remainingMs),
  };
}

/** The page after `cursor` in due-soonest order, and that order (ties by id). */
export function dueSoonestPage(key: SQL<Date>, subjectType: 'ticket' | 'conversation', cursor: string | undefined) {
  const id = CASE_ID[subjectType];
  const orderBy = [sql`${key} asc`, sql`${id} asc`];
  if (!cursor) return { where: undefined as SQL | undefined, orderBy };
  const position = decodeDueCursor(cursor);
  return { where: sql`(${key}, ${id}) > (${position.due.toISOString()}::timestamptz, ${position.id}::uuid)`, orderBy };
}

export function encodeDueCursor(due: Date, id: string): string {
  return Buffer.from(JSON.stringify(['sla', due.toISOString(), id])).toString('base64url');
}

function decodeDueCursor(cursor: string): { due: Date; id: string } {
  try {
    const [kind, due, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, string];
    const date = new Date(due);
    if (kind !== 'sla' || Number.isNaN(date.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
      throw new Error('bad cursor');
    return { due: date, id };
  } catch {
    throw badRequest('the cursor is not one this API returned for sort=sla_due; start again without it');
  }
}
