import {
  automationMisfits,
  type AutomationAction,
  type AutomationConditions,
  type AutomationSubject,
  type AutomationTrigger,
  type DryRunResult,
} from '@huiliu/contracts';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import { writeOrder } from '../../platform/ordering.js';
import type { SecretBox } from '../../platform/secrets.js';
import { businessMinutesBetween } from '../calendars/business-time.js';
import { getCalendar } from '../calendars/service.js';
import { assertReferences } from '../tickets/references.js';
import { conversations } from '../conversations/schema.js';
import { customers } from '../customers/schema.js';
import { tickets } from '../tickets/schema.js';
import type { Database } from '../../platform/db/pool.js';
import type { Executor } from '../users/service.js';
import { sharedMacro, summarize } from './actions.js';
import { calendarIdsOf, evaluateConditions } from './conditions.js';
import { factsOf, loadCalendars, scopeOf, type AutomationRow, type LoadedSubject } from './engine.js';
import { automationRuns, automations } from './schema.js';

/** What the API shows instead of a stored webhook secret; sent back unchanged, it keeps the secret. */
export const SECRET_MASK = '••••••••••••••••';

export interface AutomationInput {
  subject: AutomationSubject;
  name: string;
  description: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  conditions: AutomationConditions;
  actions: AutomationAction[];
}

export const automationView = (row: AutomationRow) => ({
  id: row.id,
  subject: row.subject,
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

/** A rule's trigger, conditions and actions must mean something for its subject (a conversation has no custom fields). */
function checkFits(rule: Pick<AutomationInput, 'subject' | 'trigger' | 'conditions' | 'actions'>): void {
  const misfits = automationMisfits(rule);
  if (misfits.length > 0) throw new AppError(422, 'not_for_subject', `${misfits.join('; ')}`, { misfits });
}

/** Every calendar, team and agent a rule names must be the workspace's own (another's: 404, as everywhere). */
async function checkReferences(db: Executor, workspaceId: string, input: Partial<AutomationInput>): Promise<void> {
  const calendarIds = [
    ...(input.trigger?.type === 'time' && input.trigger.calendarId ? [input.trigger.calendarId] : []),
    ...(input.conditions ? calendarIdsOf(input.conditions) : []),
  ];
  for (const id of new Set(calendarIds)) await getCalendar(db, workspaceId, id);
  for (const action of input.actions ?? []) {
    if (action.kind === 'set_team' || action.kind === 'escalate') await assertReferences(db, workspaceId, { teamId: action.teamId });
    if (action.kind === 'create_ticket' && action.teamId) await assertReferences(db, workspaceId, { teamId: action.teamId });
    if (action.kind === 'apply_macro') await sharedMacro(db, workspaceId, action.macroId);
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
  checkFits(input);
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
  checkFits({ ...current, ...input });
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
  await writeOrder(await listAutomations(db, workspaceId), ids, { one: 'automation', many: 'automations' }, (id, position) =>
    db
      .update(automations)
      .set({ position })
      .where(and(eq(automations.workspaceId, workspaceId), eq(automations.id, id))),
  );
  return listAutomations(db, workspaceId);
}

export async function listRuns(
  db: Executor,
  workspaceId: string,
  filter: { automationId?: string; ticketId?: string; conversationId?: string; limit: number },
) {
  const where: SQL[] = [eq(automationRuns.workspaceId, workspaceId)];
  if (filter.automationId) where.push(eq(automationRuns.automationId, filter.automationId));
  if (filter.ticketId) where.push(eq(automationRuns.subjectType, 'ticket'), eq(automationRuns.subjectId, filter.ticketId));
  if (filter.conversationId)
    where.push(eq(automationRuns.subjectType, 'conversation'), eq(automationRuns.subjectId, filter.conversationId));
  return db
    .select()
    .from(automationRuns)
    .where(and(...where))
    .orderBy(desc(automationRuns.createdAt))
    .limit(filter.limit);
}

/** The most recent tickets (and conversations) a dry run tries. */
export const DRY_RUN_SIZE = 100;

/** The subjects a dry run tries: the 100 most recently updated open tickets or conversations. */
async function recentSubjects(db: Executor, workspaceId: string, subject: AutomationSubject): Promise<LoadedSubject[]> {
  if (subject === 'ticket') {
    const rows = await db
      .select()
      .from(tickets)
      .where(eq(tickets.workspaceId, workspaceId))
      .orderBy(desc(tickets.updatedAt), desc(tickets.id))
      .limit(DRY_RUN_SIZE);
    return rows.filter((row) => row.status !== 'closed').map((row) => ({ type: 'ticket', row }));
  }
  const rows = await db
    .select()
    .from(conversations)
    .where(eq(conversations.workspaceId, workspaceId))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(DRY_RUN_SIZE);
  return rows.map((row) => ({ type: 'conversation', row }));
}

/** What the dry run's table shows for a subject: the ticket's subject line, or the customer and their last words. */
async function titleOf(db: Executor, subject: LoadedSubject): Promise<string> {
  if (subject.type === 'ticket') return subject.row.subject;
  const [customer] = await db.select({ name: customers.name }).from(customers).where(eq(customers.id, subject.row.customerId));
  return [customer?.name, subject.row.lastCustomerMessagePreview].filter(Boolean).join(' · ');
}

/**
 * Which rules would act on the workspace's 100 most recently updated tickets (conversations, for
 * conversation rules) now, and what each would do: conditions are evaluated (and a time rule's
 * elapsed time), nothing is written. An event trigger cannot be replayed, so for those the
 * question answered is "if the event happened to this ticket now".
 */
export async function dryRun(
  db: Executor,
  workspaceId: string,
  draft: (AutomationInput & { id?: string }) | undefined,
  now: Date,
): Promise<DryRunResult> {
  if (draft) {
    checkFits(draft);
    await checkReferences(db, workspaceId, draft);
  }
  const rules: (AutomationInput & { id: string | null })[] = draft
    ? [{ ...draft, id: null }]
    : (await listAutomations(db, workspaceId)).filter((rule) => rule.enabled);
  const calendarIds = rules.flatMap((rule) => [
    ...calendarIdsOf(rule.conditions),
    ...(rule.trigger.type === 'time' && rule.trigger.calendarId ? [rule.trigger.calendarId] : []),
  ]);
  const calendarMap = await loadCalendars(db, workspaceId, calendarIds);
  const matches: DryRunResult['matches'] = [];
  let checked = 0;
  for (const kind of ['ticket', 'conversation'] as const) {
    const subjectRules = rules.filter((rule) => rule.subject === kind);
    if (subjectRules.length === 0) continue;
    const recent = await recentSubjects(db, workspaceId, kind);
    checked += recent.length;
    for (const subject of recent) {
      const { facts, customerName } = await factsOf(db, subject, '', now, calendarMap);
      for (const rule of subjectRules) {
        if (rule.trigger.type === 'time' && subject.type === 'ticket') {
          const anchorAt = await timeAnchor(db, subject.row, rule.trigger.anchor);
          const calendar = rule.trigger.calendarId ? calendarMap.get(rule.trigger.calendarId) : null;
          const elapsedMinutes = calendar ? businessMinutesBetween(calendar, anchorAt, now) : (now.getTime() - anchorAt.getTime()) / 60_000;
          if (elapsedMinutes < rule.trigger.hours * 60) continue;
        }
        if (!evaluateConditions(rule.conditions, facts).matched) continue;
        const scope = scopeOf(subject, customerName, rule.name);
        matches.push({
          subjectType: subject.type,
          subjectId: subject.row.id,
          number: subject.row.number,
          title: await titleOf(db, subject),
          automationId: rule.id,
          automationName: rule.name,
          actions: rule.actions.map((action) => ({ kind: action.kind, summary: summarize(action, scope) })),
        });
      }
    }
  }
  return { checked, matches };
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
