import type { AutomationAction, AutomationConditions, AutomationTrigger, DryRunResult } from '@huiliu/contracts';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import type { SecretBox } from '../../platform/secrets.js';
import { businessMinutesBetween } from '../calendars/business-time.js';
import { getCalendar } from '../calendars/service.js';
import { assertReferences } from '../tickets/references.js';
import { tickets } from '../tickets/schema.js';
import type { Database } from '../../platform/db/pool.js';
import type { Executor } from '../users/service.js';
import { summarize } from './actions.js';
import { calendarIdsOf, evaluateConditions } from './conditions.js';
import { factsOf, loadCalendars, type AutomationRow } from './engine.js';
import { automationRuns, automations } from './schema.js';

/** What the API shows instead of a stored webhook secret; sent back unchanged, it keeps the secret. */
export const SECRET_MASK = '••••••••••••••••';

export interface AutomationInput {
  name: string;
  description: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  conditions: AutomationConditions;
  actions: AutomationAction[];
}

export const automationView = (row: AutomationRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  enabled: row.enabled,
  position: row.position,
  trigger: row.trigger,
  conditions: row.conditions,
  actions: row.actions.map((action) => (action.kind === 'webhook' ? { ...action, secret: SECRET_MASK } : action)),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const runView = (row: typeof automationRuns.$inferSelect) => ({
  id: row.id,
  automationId: row.automationId,
  automationName: row.automationName,
  subjectType: row.subjectType,
  subjectId: row.subjectId,
  trigger: { type: row.triggerType, key: row.triggerKey, detail: row.triggerDetail },
  depth: row.depth,
  status: row.status,
  conditions: row.conditions,
  actions: row.actions,
  createdAt: row.createdAt.toISOString(),
});

/** Every calendar, team and agent a rule names must be the workspace's own (another's: 404, as everywhere). */
async function checkReferences(db: Executor, workspaceId: string, input: Partial<AutomationInput>): Promise<void> {
  const calendarIds = [
    ...(input.trigger?.type === 'time' && input.trigger.calendarId ? [input.trigger.calendarId] : []),
    ...(input.conditions ? calendarIdsOf(input.conditions) : []),
  ];
  for (const id of new Set(calendarIds)) await getCalendar(db, workspaceId, id);
  for (const action of input.actions ?? []) {
    if (action.kind === 'set_team' || action.kind === 'escalate') await assertReferences(db, workspaceId, { teamId: action.teamId });
    if (action.kind === 'set_assignee') await assertReferences(db, workspaceId, { assigneeId: action.assigneeId });
    if (action.kind === 'notify') {
      if (!action.userId && !action.teamId)
        throw new AppError(422, 'nobody_to_notify', 'a notify action names an agent (userId) or a team (teamId)');
      await assertReferences(db, workspaceId, { assigneeId: action.userId ?? null, teamId: action.teamId ?? null });
    }
  }
}

/** Seals new webhook secrets; a masked one keeps the secret stored for the same URL. */
function sealSecrets(secrets: SecretBox, actions: AutomationAction[], stored: AutomationAction[]): AutomationAction[] {
  return actions.map((action) => {
    if (action.kind !== 'webhook') return action;
    if (action.secret !== SECRET_MASK) return { ...action, secret: secrets.encrypt(action.secret) };
    const kept = stored.find((old) => old.kind === 'webhook' && old.url === action.url);
    if (!kept || kept.kind !== 'webhook')
      throw new AppError(422, 'secret_required', `give the webhook for ${action.url} a secret (at least 16 characters)`);
    return { ...action, secret: kept.secret };
  });
}

export async function listAutomations(db: Executor, workspaceId: string) {
  return db
    .select()
    .from(automations)
    .where(eq(automations.workspaceId, workspaceId))
    .orderBy(asc(automations.position), asc(automations.name));
}

export async function getAutomation(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(automations)
    .where(and(eq(automations.workspaceId, workspaceId), eq(automations.id, id)));
  if (!row) throw notFound('automation');
  return row;
}

const lockOrder = (db: Executor, workspaceId: string) =>
  db.execute(sql`select pg_advisory_xact_lock(hashtext(${`automations:${workspaceId}`}))`);

function nameTaken(error: unknown): boolean {
  const cause = ((error as { cause?: unknown })?.cause ?? error) as { code?: string; constraint?: string };
  return cause?.code === '23505' && cause.constraint === 'automations_workspace_name_unique';
}

async function withNameCheck<T>(db: Executor, run: (savepoint: Executor) => Promise<T>): Promise<T> {
  try {
    // A savepoint, so a taken name leaves the caller's transaction usable for its error reply.
    return await (db as Database).transaction(run);
  } catch (error) {
    if (nameTaken(error)) throw new AppError(409, 'name_taken', 'another automation has this name; choose another');
    throw error;
  }
}

/** A new rule goes last: the rules in place keep running first. */
export async function createAutomation(db: Executor, secrets: SecretBox, workspaceId: string, input: AutomationInput) {
  await checkReferences(db, workspaceId, input);
  await lockOrder(db, workspaceId);
  const [last] = await db
    .select({ position: sql<number>`coalesce(max(${automations.position}), 0)` })
    .from(automations)
    .where(eq(automations.workspaceId, workspaceId));
  return withNameCheck(db, async (savepoint) => {
    const [row] = await savepoint
      .insert(automations)
      .values({
        workspaceId,
        ...input,
        triggerType: input.trigger.type,
        actions: sealSecrets(secrets, input.actions, []),
        position: Number(last?.position ?? 0) + 1,
      })
      .returning();
    return row!;
  });
}

export async function updateAutomation(db: Executor, secrets: SecretBox, workspaceId: string, id: string, input: Partial<AutomationInput>) {
  const current = await getAutomation(db, workspaceId, id);
  await checkReferences(db, workspaceId, input);
  const set: Record<string, unknown> = { ...input, updatedAt: new Date() };
  if (input.trigger) set.triggerType = input.trigger.type;
  if (input.actions) set.actions = sealSecrets(secrets, input.actions, current.actions);
  return withNameCheck(db, async (savepoint) => {
    const [row] = await savepoint
      .update(automations)
      .set(set)
      .where(and(eq(automations.workspaceId, workspaceId), eq(automations.id, id)))
      .returning();
    return row!;
  });
}

export async function deleteAutomation(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(automations)
    .where(and(eq(automations.workspaceId, workspaceId), eq(automations.id, id)))
    .returning();
  if (!row) throw notFound('automation');
  return row;
}

/** Sets the running order; the list must name each of the workspace's rules once. */
export async function reorderAutomations(db: Executor, workspaceId: string, ids: string[]) {
  await lockOrder(db, workspaceId);
  const current = await listAutomations(db, workspaceId);
  const known = new Set(current.map((rule) => rule.id));
  for (const id of ids) if (!known.has(id)) throw notFound('automation');
  if (new Set(ids).size !== ids.length || ids.length !== current.length)
    throw new AppError(422, 'incomplete_order', `name each of the workspace's ${current.length} automations exactly once`);
  for (const [index, id] of ids.entries())
    await db
      .update(automations)
      .set({ position: index + 1 })
      .where(and(eq(automations.workspaceId, workspaceId), eq(automations.id, id)));
  return listAutomations(db, workspaceId);
}

export async function listRuns(db: Executor, workspaceId: string, filter: { automationId?: string; ticketId?: string; limit: number }) {
  const where: SQL[] = [eq(automationRuns.workspaceId, workspaceId)];
  if (filter.automationId) where.push(eq(automationRuns.automationId, filter.automationId));
  if (filter.ticketId) where.push(eq(automationRuns.subjectType, 'ticket'), eq(automationRuns.subjectId, filter.ticketId));
  return db
    .select()
    .from(automationRuns)
    .where(and(...where))
    .orderBy(desc(automationRuns.createdAt))
    .limit(filter.limit);
}

/** The most recent tickets a dry run tries. */
export const DRY_RUN_SIZE = 100;

/**
 * Which rules would act on the workspace's 100 most recently updated tickets now, and what each
 * would do: conditions are evaluated (and a time rule's elapsed time), nothing is written. An
 * event trigger cannot be replayed, so for those the question answered is "if the event happened
 * to this ticket now".
 */
export async function dryRun(
  db: Executor,
  workspaceId: string,
  draft: (AutomationInput & { id?: string }) | undefined,
  now: Date,
): Promise<DryRunResult> {
  if (draft) await checkReferences(db, workspaceId, draft);
  const rules: (AutomationInput & { id: string | null })[] = draft
    ? [{ ...draft, id: null }]
    : (await listAutomations(db, workspaceId)).filter((rule) => rule.enabled);
  const recent = await db
    .select()
    .from(tickets)
    .where(eq(tickets.workspaceId, workspaceId))
    .orderBy(desc(tickets.updatedAt), desc(tickets.id))
    .limit(DRY_RUN_SIZE);
  const calendarIds = rules.flatMap((rule) => [
    ...calendarIdsOf(rule.conditions),
    ...(rule.trigger.type === 'time' && rule.trigger.calendarId ? [rule.trigger.calendarId] : []),
  ]);
  const calendarMap = await loadCalendars(db, workspaceId, calendarIds);
  const matches: DryRunResult['matches'] = [];
  for (const ticket of recent) {
    if (ticket.status === 'closed') continue;
    const { facts, customerName } = await factsOf(db, ticket, '', now, calendarMap);
    for (const rule of rules) {
      if (rule.trigger.type === 'time') {
        const anchorAt = await timeAnchor(db, ticket, rule.trigger.anchor);
        const calendar = rule.trigger.calendarId ? calendarMap.get(rule.trigger.calendarId) : null;
        const elapsedMinutes = calendar ? businessMinutesBetween(calendar, anchorAt, now) : (now.getTime() - anchorAt.getTime()) / 60_000;
        if (elapsedMinutes < rule.trigger.hours * 60) continue;
      }
      if (!evaluateConditions(rule.conditions, facts).matched) continue;
      const scope = { ticket, customerName, automationName: rule.name };
      matches.push({
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        subject: ticket.subject,
        automationId: rule.id,
        automationName: rule.name,
        actions: rule.actions.map((action) => ({ kind: action.kind, summary: summarize(action, scope) })),
      });
    }
  }
  return { checked: recent.length, matches };
}

async function timeAnchor(db: Executor, ticket: typeof tickets.$inferSelect, anchor: 'created' | 'updated' | 'status_changed') {
  if (anchor === 'created') return ticket.createdAt;
  if (anchor === 'updated') return ticket.updatedAt;
  const result = await db.execute<{ at: Date | null }>(
    sql`select max(created_at) as at from ticket_events where ticket_id = ${ticket.id} and type = 'status_changed'`,
  );
  const at = result.rows[0]?.at;
  return at ? new Date(at) : ticket.createdAt;
}
