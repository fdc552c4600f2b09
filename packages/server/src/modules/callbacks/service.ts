import type { CallbackChannel, CallbackOutcome, CallbackSource, CallbackTask, CallbackTaskQuery } from '@huiliu/contracts';
import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import { rooms, type Realtime } from '../../platform/realtime.js';
import { addBusinessMinutes } from '../calendars/business-time.js';
import { businessCalendarOf, getCalendar } from '../calendars/service.js';
import { conversations } from '../conversations/schema.js';
import { customers } from '../customers/schema.js';
import { teamCalendar, getTeam } from '../teams/service.js';
import { teamMembers } from '../teams/schema.js';
import { tickets } from '../tickets/schema.js';
import { users } from '../users/schema.js';
import { memberRow, type Executor } from '../users/service.js';
import { callbackAttempts, callbackTasks } from './schema.js';
import { loadCallbackSettings } from './settings.js';

export type CallbackTaskRow = typeof callbackTasks.$inferSelect;
type AttemptRow = typeof callbackAttempts.$inferSelect;

/** Who is looking: without readAll (callbacks.read_all) an agent sees their own, their teams' and the ones they created. */
export interface CallbackViewer {
  workspaceId: string;
  userId: string | null;
  readAll: boolean;
}

export const OUTBOX_TOPIC = 'callback.event';

function myTeams(db: Executor, viewer: CallbackViewer) {
  return db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.workspaceId, viewer.workspaceId), eq(teamMembers.userId, viewer.userId ?? sql`null`)));
}

/** Anything outside is reported as not found, so its existence is not revealed. An API token without read_all is no user and sees none. */
function visibleTo(db: Executor, viewer: CallbackViewer): SQL | undefined {
  if (viewer.readAll) return undefined;
  if (!viewer.userId) return sql`false`;
  return or(
    eq(callbackTasks.assigneeId, viewer.userId),
    inArray(callbackTasks.teamId, myTeams(db, viewer)),
    eq(callbackTasks.createdById, viewer.userId),
  );
}

/**
 * The due time: `minutes` of open time after `from` on the team's calendar, else the workspace's
 * callback calendar, else plain elapsed time. A calendar that never opens again falls back to
 * elapsed time, so a task is never without a due time.
 */
export async function dueAfter(db: Executor, workspaceId: string, teamId: string | null, from: Date, minutes: number): Promise<Date> {
  let row = await teamCalendar(db, teamId);
  if (!row) {
    const settings = await loadCallbackSettings(db, workspaceId);
    if (settings.calendarId) row = await getCalendar(db, workspaceId, settings.calendarId).catch(() => null);
  }
  const calendar = row ? businessCalendarOf(row) : null;
  return addBusinessMinutes(calendar, from, minutes) ?? new Date(from.getTime() + minutes * 60_000);
}

export interface NewCallbackTask {
  workspaceId: string;
  customerId: string;
  reason: string;
  source: CallbackSource;
  sourceItem: string;
  conversationId?: string | null;
  ticketId?: string | null;
  assigneeId?: string | null;
  teamId?: string | null;
  channel: CallbackChannel;
  /** An exact due time, or business minutes after `now`. */
  dueAt?: Date;
  dueInMinutes?: number;
  createdById?: string | null;
  now: Date;
}

/** Checks that every id named belongs to the workspace (another workspace's id is a 404, not a 500 from a foreign key). */
async function checkLinks(db: Executor, input: Pick<NewCallbackTask, 'workspaceId' | 'customerId' | 'conversationId' | 'ticketId'>) {
  const { workspaceId } = input;
  const [customer] = await db
    .select({ id: customers.id, mergedIntoId: customers.mergedIntoId })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, input.customerId)));
  if (!customer) throw notFound('customer');
  if (input.conversationId) {
    const [row] = await db
      .select({ customerId: conversations.customerId })
      .from(conversations)
      .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, input.conversationId)));
    if (!row) throw notFound('conversation');
  }
  if (input.ticketId) {
    const [row] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, input.ticketId)));
    if (!row) throw notFound('ticket');
  }
  // A merged customer's tasks belong to the one it was merged into.
  return customer.mergedIntoId ?? customer.id;
}

async function checkAssignment(
  db: Executor,
  workspaceId: string,
  assigneeId: string | null | undefined,
  teamId: string | null | undefined,
) {
  if (teamId) await getTeam(db, workspaceId, teamId);
  if (assigneeId) {
    const member = await memberRow(db, workspaceId, assigneeId);
    if (!member) throw notFound('member');
    if (!member.active) throw badRequest('that member is deactivated; assign the task to an active agent');
  }
}

/**
 * Creates the task in the caller's transaction with its outbox event, unless the same
 * (source, source item) made one already: then that one is returned and nothing is written.
 */
export async function createCallbackTask(db: Executor, input: NewCallbackTask): Promise<{ task: CallbackTaskRow; created: boolean }> {
  const customerId = await checkLinks(db, input);
  await checkAssignment(db, input.workspaceId, input.assigneeId, input.teamId);
  const existing = await findBySource(db, input.workspaceId, input.source, input.sourceItem);
  if (existing) return { task: existing, created: false };
  const dueAt = input.dueAt ?? (await dueAfter(db, input.workspaceId, input.teamId ?? null, input.now, input.dueInMinutes ?? 0));
  const [row] = await db
    .insert(callbackTasks)
    .values({
      workspaceId: input.workspaceId,
      customerId,
      reason: input.reason,
      source: input.source,
      sourceItem: input.sourceItem,
      conversationId: input.conversationId ?? null,
      ticketId: input.ticketId ?? null,
      assigneeId: input.assigneeId ?? null,
      teamId: input.teamId ?? null,
      channel: input.channel,
      dueAt,
      createdById: input.createdById ?? null,
      createdAt: input.now,
      updatedAt: input.now,
    })
    // Two nodes hearing the same trigger at once: the unique index lets one through.
    .onConflictDoNothing()
    .returning();
  if (!row) return { task: (await findBySource(db, input.workspaceId, input.source, input.sourceItem))!, created: false };
  await writeOutbox(db, input.workspaceId, OUTBOX_TOPIC, { taskId: row.id, type: 'created', source: row.source, customerId });
  return { task: row, created: true };
}

async function findBySource(db: Executor, workspaceId: string, source: CallbackSource, sourceItem: string) {
  const [row] = await db
    .select()
    .from(callbackTasks)
    .where(and(eq(callbackTasks.workspaceId, workspaceId), eq(callbackTasks.source, source), eq(callbackTasks.sourceItem, sourceItem)));
  return row;
}

export async function getCallbackTask(db: Executor, viewer: CallbackViewer, id: string, options: { lock?: boolean } = {}) {
  const query = db
    .select()
    .from(callbackTasks)
    .where(and(eq(callbackTasks.workspaceId, viewer.workspaceId), eq(callbackTasks.id, id), visibleTo(db, viewer)));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFound('callback task');
  return row;
}

const encodeCursor = (row: { dueAt: Date; id: string }) => Buffer.from(`${row.dueAt.toISOString()}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): { dueAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const dueAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/u.test(id) || Number.isNaN(dueAt.getTime())) throw badRequest('cursor is not one this list gave out');
  return { dueAt, id };
}

/** Soonest due first (overdue ones lead), so the list reads as a to-do list. */
export async function listCallbackTasks(db: Executor, viewer: CallbackViewer, query: CallbackTaskQuery, now: Date) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const filters: (SQL | undefined)[] = [
    eq(callbackTasks.workspaceId, viewer.workspaceId),
    visibleTo(db, viewer),
    query.status ? eq(callbackTasks.status, query.status) : undefined,
    query.customerId ? eq(callbackTasks.customerId, query.customerId) : undefined,
    query.overdue === 'true' ? and(eq(callbackTasks.status, 'open'), lt(callbackTasks.dueAt, now)) : undefined,
    query.overdue === 'false' ? or(sql`${callbackTasks.status} <> 'open'`, sql`${callbackTasks.dueAt} >= ${now.toISOString()}`) : undefined,
    after ? or(gt(callbackTasks.dueAt, after.dueAt), and(eq(callbackTasks.dueAt, after.dueAt), gt(callbackTasks.id, after.id))) : undefined,
  ];
  if (query.scope === 'mine') filters.push(viewer.userId ? eq(callbackTasks.assigneeId, viewer.userId) : sql`false`);
  if (query.scope === 'team')
    filters.push(
      viewer.userId ? and(inArray(callbackTasks.teamId, myTeams(db, viewer)), sql`${callbackTasks.assigneeId} is null`) : sql`false`,
    );
  const rows = await db
    .select()
    .from(callbackTasks)
    .where(and(...filters))
    .orderBy(asc(callbackTasks.dueAt), asc(callbackTasks.id))
    .limit(query.limit + 1);
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!) : null };
}

/** Rows as the API shows them: names and attempts filled in, overdue judged at `now`. */
export async function callbackViews(db: Executor, rows: CallbackTaskRow[], now: Date): Promise<CallbackTask[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const attempts = await db
    .select()
    .from(callbackAttempts)
    .where(inArray(callbackAttempts.taskId, ids))
    .orderBy(asc(callbackAttempts.createdAt), asc(callbackAttempts.id));
  const userIds = [...new Set(rows.map((row) => row.assigneeId).filter((id): id is string => Boolean(id)))];
  const names = new Map(
    userIds.length
      ? (await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds))).map((u) => [u.id, u.name])
      : [],
  );
  const customerIds = [...new Set(rows.map((row) => row.customerId))];
  const customerNames = new Map(
    (await db.select({ id: customers.id, name: customers.name }).from(customers).where(inArray(customers.id, customerIds))).map((c) => [
      c.id,
      c.name,
    ]),
  );
  const byTask = new Map<string, AttemptRow[]>();
  for (const attempt of attempts) byTask.set(attempt.taskId, [...(byTask.get(attempt.taskId) ?? []), attempt]);
  return rows.map((row) => ({
    id: row.id,
    customerId: row.customerId,
    customerName: customerNames.get(row.customerId) ?? null,
    reason: row.reason,
    source: row.source,
    sourceItem: row.sourceItem,
    conversationId: row.conversationId,
    ticketId: row.ticketId,
    assigneeId: row.assigneeId,
    assigneeName: row.assigneeId ? (names.get(row.assigneeId) ?? null) : null,
    teamId: row.teamId,
    channel: row.channel,
    status: row.status,
    dueAt: row.dueAt.toISOString(),
    overdue: row.status === 'open' && row.dueAt.getTime() < now.getTime(),
    attemptCount: row.attemptCount,
    outcomeNote: row.outcomeNote,
    attempts: (byTask.get(row.id) ?? []).map((attempt) => ({
      id: attempt.id,
      outcome: attempt.outcome,
      retryAt: attempt.retryAt?.toISOString() ?? null,
      note: attempt.note,
      channel: attempt.channel,
      byId: attempt.byId,
      byName: attempt.byName,
      at: attempt.createdAt.toISOString(),
    })),
    createdById: row.createdById,
    createdAt: row.createdAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  }));
}

async function changeTask(
  db: Executor,
  task: CallbackTaskRow,
  change: Partial<CallbackTaskRow>,
  event: Record<string, unknown> & { type: string },
) {
  const [row] = await db
    .update(callbackTasks)
    .set({ ...change, updatedAt: sql`now()` })
    .where(eq(callbackTasks.id, task.id))
    .returning();
  await writeOutbox(db, task.workspaceId, OUTBOX_TOPIC, { taskId: task.id, ...event });
  return row!;
}

const requireOpen = (task: CallbackTaskRow) => {
  if (task.status !== 'open') throw conflict(`the callback task is ${task.status} already`);
};

export async function assignCallbackTask(
  db: Executor,
  viewer: CallbackViewer,
  id: string,
  target: { assigneeId?: string | null | undefined; teamId?: string | null | undefined },
) {
  await checkAssignment(db, viewer.workspaceId, target.assigneeId, target.teamId);
  const task = await getCallbackTask(db, viewer, id, { lock: true });
  requireOpen(task);
  const change: Partial<CallbackTaskRow> = {};
  if (target.assigneeId !== undefined) change.assigneeId = target.assigneeId;
  if (target.teamId !== undefined) change.teamId = target.teamId;
  return changeTask(db, task, change, { type: 'assigned', assigneeId: change.assigneeId, teamId: change.teamId });
}

export async function recordAttempt(
  db: Executor,
  viewer: CallbackViewer,
  id: string,
  attempt: { outcome: CallbackOutcome; retryAt?: string | undefined; channel?: CallbackChannel | undefined; note: string },
  now: Date,
) {
  const retryAt = attempt.outcome === 'retry_at' && attempt.retryAt ? new Date(attempt.retryAt) : null;
  if (retryAt && retryAt.getTime() <= now.getTime()) throw badRequest('retryAt must be in the future');
  const task = await getCallbackTask(db, viewer, id, { lock: true });
  requireOpen(task);
  const [by] = viewer.userId ? await db.select({ name: users.name }).from(users).where(eq(users.id, viewer.userId)) : [];
  await db.insert(callbackAttempts).values({
    workspaceId: task.workspaceId,
    taskId: task.id,
    outcome: attempt.outcome,
    retryAt,
    channel: attempt.channel ?? task.channel,
    note: attempt.note,
    byId: viewer.userId,
    byName: by?.name ?? null,
    createdAt: now,
  });
  return changeTask(
    db,
    task,
    { attemptCount: task.attemptCount + 1, ...(retryAt ? { dueAt: retryAt } : {}), ...(attempt.note ? { outcomeNote: attempt.note } : {}) },
    { type: 'attempt', outcome: attempt.outcome },
  );
}

export async function closeCallbackTask(
  db: Executor,
  viewer: CallbackViewer,
  id: string,
  status: 'done' | 'cancelled',
  note: string,
  now: Date,
) {
  const task = await getCallbackTask(db, viewer, id, { lock: true });
  requireOpen(task);
  return changeTask(db, task, { status, closedAt: now, ...(note ? { outcomeNote: note } : {}) }, { type: status });
}

/** Tells every console of the workspace to refetch; what each may see is the API's to decide. */
export function publishCallbackChanged(realtime: Realtime, rows: Pick<CallbackTaskRow, 'id' | 'workspaceId' | 'status'>[]) {
  for (const row of rows)
    realtime.agents.to(rooms.workspace(row.workspaceId)).emit('callback:changed', { taskId: row.id, status: row.status });
}

/** A merged customer's tasks follow it to the customer it was merged into. */
export async function moveCallbackTasks(db: Executor, workspaceId: string, sourceId: string, targetId: string) {
  await db
    .update(callbackTasks)
    .set({ customerId: targetId })
    .where(and(eq(callbackTasks.workspaceId, workspaceId), eq(callbackTasks.customerId, sourceId)));
}

/** The customer's tasks as timeline items, newest first. */
export async function customerCallbackTasks(db: Executor, viewer: CallbackViewer, customerId: string, limit: number) {
  return db
    .select()
    .from(callbackTasks)
    .where(and(eq(callbackTasks.workspaceId, viewer.workspaceId), eq(callbackTasks.customerId, customerId), visibleTo(db, viewer)))
    .orderBy(desc(callbackTasks.createdAt))
    .limit(limit);
}
