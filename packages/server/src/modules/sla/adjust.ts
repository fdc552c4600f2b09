import { and, eq, inArray } from 'drizzle-orm';
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from '../calendars/business-time.js';
import { calendars } from '../calendars/schema.js';
import { businessCalendarOf } from '../calendars/service.js';
import type { Executor } from '../users/service.js';
import type { Subject } from './clocks.js';
import { slaTargets } from './schema.js';

/**
 * Pausing, resuming and recomputing running clocks. Each clock keeps its budget as business
 * milliseconds: `consumedMs` were used before `anchorAt` (the start until the first resume), so
 *
 *   due  = anchor + (target − consumed)            on the clock's calendar
 *   warn = anchor + (target − consumed − warning)  (never before the anchor)
 *
 * A pause adds the business time since the anchor to `consumedMs`; a resume makes the resume
 * instant the anchor. Nothing is rounded to minutes, so pausing for any stretch of business time
 * moves the due time by exactly that stretch, and closed hours while paused cost nothing.
 */

const MINUTE = 60_000;
type TargetRow = typeof slaTargets.$inferSelect;

export async function calendarsFor(db: Executor, rows: readonly Pick<TargetRow, 'calendarId' | 'businessTime'>[]) {
  const ids = [...new Set(rows.filter((row) => row.businessTime && row.calendarId).map((row) => row.calendarId!))];
  const found = new Map<string, BusinessCalendar>();
  if (ids.length === 0) return found;
  for (const row of await db.select().from(calendars).where(inArray(calendars.id, ids))) found.set(row.id, businessCalendarOf(row));
  return found;
}

const calendarOf = (found: Map<string, BusinessCalendar>, row: Pick<TargetRow, 'calendarId' | 'businessTime'>) =>
  row.businessTime && row.calendarId ? (found.get(row.calendarId) ?? null) : null;

const warnBeforeOf = (row: Pick<TargetRow, 'reason'>) => {
  const value = Number(row.reason.warnBeforeMinutes ?? 15);
  return Number.isFinite(value) && value >= 0 ? value : 15;
};

/** Business milliseconds left on a clock at `at` (negative once overdue; paused clocks stand still). */
export function remainingMs(calendar: BusinessCalendar | null, row: TargetRow, at: Date): number {
  const budget = row.targetMinutes * MINUTE - row.consumedMs;
  if (row.status === 'paused') return budget;
  const anchor = row.anchorAt ?? row.startedAt;
  return at >= anchor ? budget - businessMsBetween(calendar, anchor, at) : budget;
}

/** The due and warning instants of a clock counted from `anchor` with `consumedMs` used. */
export function dueFrom(
  calendar: BusinessCalendar | null,
  anchor: Date,
  targetMinutes: number,
  consumedMs: number,
  warnBeforeMinutes: number,
): { dueAt: Date; warnAt: Date | null } | null {
  const left = Math.max(0, targetMinutes * MINUTE - consumedMs);
  const dueAt = addBusinessMs(calendar, anchor, left);
  if (!dueAt) return null;
  const warnAt = warnBeforeMinutes > 0 ? addBusinessMs(calendar, anchor, Math.max(0, left - warnBeforeMinutes * MINUTE)) : null;
  return { dueAt, warnAt };
}

const subjectIs = (subject: Subject) =>
  and(eq(slaTargets.workspaceId, subject.workspaceId), eq(slaTargets.subjectType, subject.type), eq(slaTargets.subjectId, subject.id));

/** Stops the case's running clocks at `at` (those whose pause statuses include `status`, when given). */
export async function pauseClocks(db: Executor, subject: Subject, at: Date, status?: string): Promise<number> {
  const rows = await db
    .select()
    .from(slaTargets)
    .where(and(subjectIs(subject), eq(slaTargets.status, 'active')))
    .for('update');
  // A clock already past due is breached at its due time: a pause cannot take that back.
  const pausing = rows.filter((row) => row.dueAt >= at && (status === undefined || pauseStatusesOf(row).includes(status)));
  const found = await calendarsFor(db, pausing);
  for (const row of pausing) {
    const anchor = row.anchorAt ?? row.startedAt;
    const used = at > anchor ? businessMsBetween(calendarOf(found, row), anchor, at) : 0;
    await db
      .update(slaTargets)
      .set({ status: 'paused', pausedAt: at, consumedMs: row.consumedMs + used })
      .where(eq(slaTargets.id, row.id));
  }
  return pausing.length;
}

/** Restarts the case's paused clocks at `at` (those whose pause statuses do not include `status`, when given). */
export async function resumeClocks(db: Executor, subject: Subject, at: Date, status?: string): Promise<number> {
  const rows = await db
    .select()
    .from(slaTargets)
    .where(and(subjectIs(subject), eq(slaTargets.status, 'paused')))
    .for('update');
  const resuming = rows.filter((row) => status === undefined || !pauseStatusesOf(row).includes(status));
  const found = await calendarsFor(db, resuming);
  for (const row of resuming) {
    const next = dueFrom(calendarOf(found, row), at, row.targetMinutes, row.consumedMs, warnBeforeOf(row));
    // A calendar that never opens again: the clock stays paused rather than inventing a due time.
    if (!next) continue;
    await db
      .update(slaTargets)
      .set({ status: 'active', pausedAt: null, anchorAt: at, dueAt: next.dueAt, warnAt: next.warnAt })
      .where(eq(slaTargets.id, row.id));
  }
  return resuming.length;
}

/** Pauses or resumes each open clock as the case's status asks (its policy's pause statuses). */
export async function followStatus(db: Executor, subject: Subject, status: string, at: Date): Promise<void> {
  await pauseClocks(db, subject, at, status);
  await resumeClocks(db, subject, at, status);
}

export function pauseStatusesOf(row: Pick<TargetRow, 'reason'>): string[] {
  const value = row.reason.pauseStatuses;
  return Array.isArray(value) ? value.map(String) : ['pending', 'on_hold'];
}

/**
 * A new priority: each open clock takes the new priority's minutes from the policy it started
 * with, still counted from its original start (time already used stays used). A clock whose
 * policy has no target for the new priority is cancelled.
 */
export async function retargetClocks(db: Executor, subject: Subject, priority: string, at: Date): Promise<void> {
  const rows = await db
    .select()
    .from(slaTargets)
    .where(and(subjectIs(subject), inArray(slaTargets.status, ['active', 'paused'])))
    .for('update');
  const found = await calendarsFor(db, rows);
  for (const row of rows) {
    const minutes = Number((row.reason.minutesByPriority as Record<string, unknown> | undefined)?.[priority] ?? 0);
    const history = [...((row.reason.priorityChanges as unknown[]) ?? []), { at: at.toISOString(), priority, minutes: minutes || null }];
    if (!minutes) {
      await db
        .update(slaTargets)
        .set({ status: 'cancelled', reason: { ...row.reason, priorityChanges: history } })
        .where(eq(slaTargets.id, row.id));
      continue;
    }
    const reason = { ...row.reason, priority, priorityChanges: history };
    if (row.status === 'paused') {
      await db.update(slaTargets).set({ targetMinutes: minutes, reason }).where(eq(slaTargets.id, row.id));
      continue;
    }
    const next = dueFrom(calendarOf(found, row), row.anchorAt ?? row.startedAt, minutes, row.consumedMs, warnBeforeOf(row));
    if (!next) continue;
    await db
      .update(slaTargets)
      .set({
        targetMinutes: minutes,
        dueAt: next.dueAt,
        warnAt: next.warnAt,
        // A warning already sent for the old due time does not cover a later one.
        ...(next.dueAt > row.dueAt ? { warnedAt: null } : {}),
        reason,
      })
      .where(eq(slaTargets.id, row.id));
  }
}

/**
 * A calendar's hours or holidays changed at `at`: the business time each running clock on it
 * has used so far stays used (counted on the old hours), the rest is counted on the new ones.
 * Paused clocks pick the new hours up when they resume.
 */
export async function recalendarClocks(
  db: Executor,
  workspaceId: string,
  calendarId: string,
  before: BusinessCalendar,
  after: BusinessCalendar,
  at: Date,
): Promise<number> {
  const rows = await db
    .select()
    .from(slaTargets)
    .where(
      and(
        eq(slaTargets.workspaceId, workspaceId),
        eq(slaTargets.calendarId, calendarId),
        eq(slaTargets.businessTime, true),
        eq(slaTargets.status, 'active'),
      ),
    )
    .for('update');
  for (const row of rows) {
    const anchor = row.anchorAt ?? row.startedAt;
    const used = at > anchor ? businessMsBetween(before, anchor, at) : 0;
    const from = at > anchor ? at : anchor;
    const consumedMs = row.consumedMs + used;
    const next = dueFrom(after, from, row.targetMinutes, consumedMs, warnBeforeOf(row));
    if (!next) continue;
    await db
      .update(slaTargets)
      .set({
        anchorAt: from,
        consumedMs,
        dueAt: next.dueAt,
        warnAt: next.warnAt,
        ...(next.dueAt > row.dueAt ? { warnedAt: null } : {}),
      })
      .where(eq(slaTargets.id, row.id));
  }
  return rows.length;
}
