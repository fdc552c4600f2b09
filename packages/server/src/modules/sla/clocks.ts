import type { SlaMetric } from '@huiliu/contracts';
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { OUTBOX_CHANNEL } from '../../platform/outbox/outbox.js';
import { addBusinessMinutes, addBusinessMs } from '../calendars/business-time.js';
import { calendars } from '../calendars/schema.js';
import { businessCalendarOf } from '../calendars/service.js';
import type { Executor } from '../users/service.js';
import { matchPolicy, type CaseFacts } from './policy-match.js';
import { slaPolicies, slaTargets } from './schema.js';

export interface Subject {
  workspaceId: string;
  type: 'conversation' | 'ticket';
  id: string;
}

const MINUTE = 60_000;
const OPEN = ['active', 'paused'] as const;

/**
 * Starts the case's clocks for these metrics under the policy that matches it now (a policy
 * changed later applies to clocks started later). `origin` names the event that starts them:
 * the same origin twice starts nothing twice.
 */
export async function startClocks(
  db: Executor,
  subject: Subject,
  facts: CaseFacts,
  metrics: readonly SlaMetric[],
  origin: string,
  startedAt: Date,
): Promise<number> {
  const policies = await db
    .select()
    .from(slaPolicies)
    .where(and(eq(slaPolicies.workspaceId, subject.workspaceId), eq(slaPolicies.enabled, true)))
    .orderBy(asc(slaPolicies.position));
  const match = matchPolicy(policies, facts);
  if (!match) return 0;
  const { policy, reason } = match;
  const [calendarRow] = policy.calendarId ? await db.select().from(calendars).where(eq(calendars.id, policy.calendarId)) : [];
  let started = 0;
  for (const metric of metrics) {
    const spec = policy.targets[metric];
    const minutes = spec?.minutes[facts.priority];
    if (!spec || !minutes) continue;
    const calendar = spec.businessTime && calendarRow ? businessCalendarOf(calendarRow) : null;
    const dueAt = addBusinessMinutes(calendar, startedAt, minutes);
    // A calendar that never opens again has no due time to keep.
    if (!dueAt) continue;
    // Counted back in business time too, so a warning never lands while the desk is closed
    // (Zammad #4432 sent escalation mails at midnight): 15 minutes before a Monday 09:05 due
    // time is Friday 17:50, not Monday 08:50.
    const warnAt =
      policy.warnBeforeMinutes > 0 ? addBusinessMs(calendar, startedAt, Math.max(0, (minutes - policy.warnBeforeMinutes) * MINUTE)) : null;
    const inserted = await db
      .insert(slaTargets)
      .values({
        workspaceId: subject.workspaceId,
        subjectType: subject.type,
        subjectId: subject.id,
        metric,
        origin,
        policyId: policy.id,
        policyName: policy.name,
        calendarId: calendar ? calendarRow!.id : null,
        businessTime: !!calendar,
        targetMinutes: minutes,
        startedAt,
        dueAt,
        warnAt,
        reason: {
          ...reason,
          calendar: calendarRow?.name ?? null,
          businessTime: !!calendar,
          // What the clock started with, so a priority change later recomputes from these (a
          // policy edited since applies to new clocks only).
          minutesByPriority: spec.minutes,
          warnBeforeMinutes: policy.warnBeforeMinutes,
          pauseStatuses: policy.pauseStatuses,
        },
      })
      .onConflictDoNothing()
      .returning({ id: slaTargets.id });
    started += inserted.length;
  }
  return started;
}

/** Whether the case has an open (active or paused) clock for any of these metrics. */
export async function hasOpenClock(db: Executor, subject: Subject, metrics: readonly SlaMetric[]): Promise<boolean> {
  const [row] = await db
    .select({ id: slaTargets.id })
    .from(slaTargets)
    .where(and(subjectIs(subject), inArray(slaTargets.metric, [...metrics]), inArray(slaTargets.status, [...OPEN])))
    .limit(1);
  return !!row;
}

/** Whether any clock of this metric was ever started for the case. */
export async function everStarted(db: Executor, subject: Subject, metric: SlaMetric): Promise<boolean> {
  const [row] = await db
    .select({ id: slaTargets.id })
    .from(slaTargets)
    .where(and(subjectIs(subject), eq(slaTargets.metric, metric)))
    .limit(1);
  return !!row;
}

/**
 * The case got what these clocks wait for at `at`: an open clock is achieved (or breached, if
 * `at` is past due and the sweep has not got there yet); a clock the sweep already breached
 * keeps its breach and records when the answer came. Returns how many clocks it changed.
 */
export async function meetClocks(db: Executor, subject: Subject, metrics: readonly SlaMetric[], at: Date): Promise<number> {
  const metricList = [...metrics];
  const met = await db
    .update(slaTargets)
    .set({
      status: sql`case when ${slaTargets.dueAt} >= ${at} then 'achieved' else 'breached' end`,
      achievedAt: at,
      breachedAt: sql`case when ${slaTargets.dueAt} >= ${at} then null else ${slaTargets.dueAt} end`,
    })
    .where(and(subjectIs(subject), inArray(slaTargets.metric, metricList), eq(slaTargets.status, 'active')))
    .returning({ id: slaTargets.id });
  const answeredLate = await db
    .update(slaTargets)
    .set({ achievedAt: at })
    .where(
      and(subjectIs(subject), inArray(slaTargets.metric, metricList), eq(slaTargets.status, 'breached'), isNull(slaTargets.achievedAt)),
    )
    .returning({ id: slaTargets.id });
  return met.length + answeredLate.length;
}

/** Clocks that no longer apply (a conversation resolved before anyone replied needs no reply). */
export async function cancelClocks(db: Executor, subject: Subject, metrics: readonly SlaMetric[]): Promise<void> {
  await db
    .update(slaTargets)
    .set({ status: 'cancelled' })
    .where(and(subjectIs(subject), inArray(slaTargets.metric, [...metrics]), inArray(slaTargets.status, [...OPEN])));
}

const subjectIs = (subject: Subject) =>
  and(eq(slaTargets.workspaceId, subject.workspaceId), eq(slaTargets.subjectType, subject.type), eq(slaTargets.subjectId, subject.id));

export async function clocksOf(db: Executor, subject: Subject) {
  return db.select().from(slaTargets).where(subjectIs(subject)).orderBy(asc(slaTargets.startedAt), asc(slaTargets.metric));
}

/**
 * Breaches every active clock due by `now`, and warns every one whose warning time has come,
 * each exactly once: the status change and its outbox event commit together, and rows another
 * node is handling are skipped (SKIP LOCKED), so any number of nodes can sweep at once. Each
 * kind is one statement (claim, then the outbox rows in bulk from what it returned), so a batch
 * costs two round trips however many clocks it holds. `firedAt` in the event is the sweep's
 * `now`, so lateness can be read from the outbox in the clock's own terms.
 */
export async function sweepClocks(db: Executor, now: Date, limit = 500): Promise<{ breached: number; warned: number }> {
  const breached = await sweepBreaches(db, now, limit);
  const warned = await sweepWarnings(db, now, limit);
  return { breached, warned };
}

/** Breaches up to `limit` active clocks due before `now` (earliest first); see sweepClocks. */
export function sweepBreaches(db: Executor, now: Date, limit = 500): Promise<number> {
  return claimAndAnnounce(
    db,
    'sla.breached',
    now,
    sql`update sla_targets set status = 'breached', breached_at = due_at
    where id in (
      select id from sla_targets where status = 'active' and due_at < ${now}
      order by due_at limit ${limit} for update skip locked
    )`,
  );
}

/**
 * Warns up to `limit` active clocks whose warning time has come and that are not yet due. A
 * backlog of due clocks is best breached first (the drain does): each of them would otherwise
 * be read, and skipped, by every warning batch.
 */
export function sweepWarnings(db: Executor, now: Date, limit = 500): Promise<number> {
  return claimAndAnnounce(
    db,
    'sla.warning',
    now,
    sql`update sla_targets set warned_at = ${now}
    where id in (
      select id from sla_targets where status = 'active' and warned_at is null and warn_at <= ${now} and due_at >= ${now}
      order by warn_at limit ${limit} for update skip locked
    )`,
  );
}

/** Runs a claiming update and writes one outbox event per row it changed, in the caller's transaction, in one statement. */
async function claimAndAnnounce(db: Executor, topic: string, now: Date, claim: SQL): Promise<number> {
  const result = await db.execute<{ fired: number }>(sql`
    with claimed as (${claim} returning id, workspace_id, subject_type, subject_id, metric, due_at),
    announced as (
      insert into outbox (workspace_id, topic, created_at, payload)
      select workspace_id, ${topic}, clock_timestamp(), jsonb_build_object(
        'targetId', id, 'subjectType', subject_type, 'subjectId', subject_id, 'metric', metric,
        'dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'firedAt', ${now.toISOString()}::text)
      from claimed order by due_at
      returning 1
    )
    select fired, case when fired > 0 then pg_notify(${OUTBOX_CHANNEL}, ${topic}) end as notified
    from (select count(*)::int as fired from announced) as counted`);
  return Number(result.rows[0]?.fired ?? 0);
}
