import type { SlaConditions, SlaTargetSpec } from '@huiliu/contracts';
import { and, asc, eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import { writeOrder } from '../../platform/ordering.js';
import { getCalendar } from '../calendars/service.js';
import { getInbox } from '../inboxes/service.js';
import { ticketForms } from '../tickets/fields/schema.js';
import type { Executor } from '../users/service.js';
import type { slaTargets } from './schema.js';
import { slaPolicies } from './schema.js';

type PolicyRow = typeof slaPolicies.$inferSelect;
type TargetRow = typeof slaTargets.$inferSelect;

export const policyView = (row: PolicyRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  position: row.position,
  enabled: row.enabled,
  conditions: row.conditions,
  targets: row.targets,
  calendarId: row.calendarId,
  warnBeforeMinutes: row.warnBeforeMinutes,
  pauseStatuses: row.pauseStatuses,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const iso = (value: Date | null) => value?.toISOString() ?? null;

export const targetView = (row: TargetRow, remainingMs: number | null = null) => ({
  id: row.id,
  metric: row.metric,
  policyId: row.policyId,
  policyName: row.policyName,
  status: row.status,
  startedAt: row.startedAt.toISOString(),
  dueAt: row.dueAt.toISOString(),
  businessTime: row.businessTime,
  targetMinutes: row.targetMinutes,
  warnedAt: iso(row.warnedAt),
  achievedAt: iso(row.achievedAt),
  breachedAt: iso(row.breachedAt),
  pausedAt: iso(row.pausedAt),
  warnAt: iso(row.warnAt),
  remainingMs,
  reason: row.reason,
});

export interface PolicyInput {
  name: string;
  description: string;
  enabled: boolean;
  conditions: SlaConditions;
  targets: Partial<Record<string, SlaTargetSpec>>;
  calendarId: string | null;
  warnBeforeMinutes: number;
  pauseStatuses: ('new' | 'open' | 'pending' | 'on_hold')[];
}

/** The calendar and inboxes a policy names must be the workspace's own (another's: 404, as everywhere). */
async function checkReferences(db: Executor, workspaceId: string, input: Partial<PolicyInput>): Promise<void> {
  if (input.calendarId) await getCalendar(db, workspaceId, input.calendarId);
  for (const inboxId of input.conditions?.inboxIds ?? []) await getInbox(db, workspaceId, inboxId);
  for (const formId of input.conditions?.formIds ?? []) {
    const [form] = await db
      .select({ id: ticketForms.id })
      .from(ticketForms)
      .where(and(eq(ticketForms.workspaceId, workspaceId), eq(ticketForms.id, formId)));
    if (!form) throw notFound('ticket form');
  }
  const usesBusinessTime = Object.values(input.targets ?? {}).some((spec) => spec?.businessTime);
  if (input.targets && usesBusinessTime && input.calendarId === null)
    throw new AppError(
      422,
      'calendar_required',
      'a target counted in business time needs a calendar; choose one or count around the clock',
    );
}

export async function listPolicies(db: Executor, workspaceId: string) {
  return db
    .select()
    .from(slaPolicies)
    .where(eq(slaPolicies.workspaceId, workspaceId))
    .orderBy(asc(slaPolicies.position), asc(slaPolicies.name));
}

export async function getPolicy(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(slaPolicies)
    .where(and(eq(slaPolicies.workspaceId, workspaceId), eq(slaPolicies.id, id)));
  if (!row) throw notFound('SLA policy');
  return row;
}

/** A new policy goes last: the ones already in place keep matching first. */
export async function createPolicy(db: Executor, workspaceId: string, input: PolicyInput) {
  await checkReferences(db, workspaceId, input);
  // Serialise position assignment within the workspace.
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`sla_policies:${workspaceId}`}))`);
  const [last] = await db
    .select({ position: sql<number>`coalesce(max(${slaPolicies.position}), 0)` })
    .from(slaPolicies)
    .where(eq(slaPolicies.workspaceId, workspaceId));
  const [row] = await db
    .insert(slaPolicies)
    .values({ workspaceId, ...input, position: Number(last?.position ?? 0) + 1 })
    .returning();
  return row!;
}

export async function updatePolicy(db: Executor, workspaceId: string, id: string, input: Partial<PolicyInput>) {
  const current = await getPolicy(db, workspaceId, id);
  await checkReferences(db, workspaceId, { ...current, ...input });
  const [row] = await db
    .update(slaPolicies)
    .set({ ...input, updatedAt: new Date() })
    .where(and(eq(slaPolicies.workspaceId, workspaceId), eq(slaPolicies.id, id)))
    .returning();
  return row!;
}

export async function deletePolicy(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(slaPolicies)
    .where(and(eq(slaPolicies.workspaceId, workspaceId), eq(slaPolicies.id, id)))
    .returning();
  if (!row) throw notFound('SLA policy');
  return row;
}

/** Sets the order (first match first); the list must name each of the workspace's policies once. */
export async function reorderPolicies(db: Executor, workspaceId: string, ids: string[]) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`sla_policies:${workspaceId}`}))`);
  await writeOrder(await listPolicies(db, workspaceId), ids, { one: 'SLA policy', many: 'policies' }, (id, position) =>
    db
      .update(slaPolicies)
      .set({ position })
      .where(and(eq(slaPolicies.workspaceId, workspaceId), eq(slaPolicies.id, id))),
  );
  return listPolicies(db, workspaceId);
}
