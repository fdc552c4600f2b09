import type { ReviewConditions } from '@huiliu/contracts';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import safeRegex from 'safe-regex2';
import { AppError, notFound } from '../../platform/errors.js';
import { writeOrder } from '../../platform/ordering.js';
import { assertTeamsInWorkspace } from '../teams/service.js';
import { memberships } from '../users/schema.js';
import type { Executor } from '../users/service.js';
import { reviewPolicies } from './schema.js';

type PolicyRow = typeof reviewPolicies.$inferSelect;

export const policyView = (row: PolicyRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  position: row.position,
  enabled: row.enabled,
  conditions: row.conditions,
  reviewerTeamId: row.reviewerTeamId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export interface PolicyInput {
  name: string;
  description: string;
  enabled: boolean;
  conditions: ReviewConditions;
  reviewerTeamId: string | null;
}

/** The agents and teams a policy names must be the workspace's own (another's: 404, as everywhere). */
async function checkReferences(db: Executor, workspaceId: string, input: Partial<PolicyInput>): Promise<void> {
  // The pattern runs on every agent reply in the server's one thread: one that can backtrack
  // exponentially ((a+)+$) would stall every workspace on this node. A library judges it, as the
  // star-height analysis is easy to get wrong by hand.
  const pattern = input.conditions?.pattern;
  if (pattern && !safeRegex(pattern))
    throw new AppError(
      422,
      'unsafe_pattern',
      'the pattern could take exponential time on some texts (a repetition inside a repetition, such as (a+)+); write it without nesting them',
    );
  const teamIds = [...(input.conditions?.authorTeamIds ?? []), ...(input.reviewerTeamId ? [input.reviewerTeamId] : [])];
  await assertTeamsInWorkspace(db, workspaceId, [...new Set(teamIds)]);
  const authorIds = [...new Set(input.conditions?.authorIds ?? [])];
  if (authorIds.length) {
    const found = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, authorIds)));
    if (found.length !== authorIds.length) throw notFound('agent');
  }
}

function uniqueName(error: unknown): never {
  const cause = ((error as { cause?: unknown })?.cause ?? error) as { code?: string; constraint?: string };
  if (cause?.code === '23505' && cause.constraint === 'review_policies_workspace_name_unique')
    throw new AppError(409, 'name_taken', 'a review policy of this workspace already has this name');
  throw error;
}

export async function listPolicies(db: Executor, workspaceId: string) {
  return db
    .select()
    .from(reviewPolicies)
    .where(eq(reviewPolicies.workspaceId, workspaceId))
    .orderBy(asc(reviewPolicies.position), asc(reviewPolicies.name));
}

export async function getPolicy(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(reviewPolicies)
    .where(and(eq(reviewPolicies.workspaceId, workspaceId), eq(reviewPolicies.id, id)));
  if (!row) throw notFound('review policy');
  return row;
}

const lockOrder = (db: Executor, workspaceId: string) =>
  db.execute(sql`select pg_advisory_xact_lock(hashtext(${`review_policies:${workspaceId}`}))`);

/** A new policy goes last: the ones already in place keep matching first. */
export async function createPolicy(db: Executor, workspaceId: string, input: PolicyInput) {
  await checkReferences(db, workspaceId, input);
  await lockOrder(db, workspaceId);
  const [last] = await db
    .select({ position: sql<number>`coalesce(max(${reviewPolicies.position}), 0)` })
    .from(reviewPolicies)
    .where(eq(reviewPolicies.workspaceId, workspaceId));
  const [row] = await db
    .insert(reviewPolicies)
    .values({ workspaceId, ...input, position: Number(last?.position ?? 0) + 1 })
    .returning()
    .catch(uniqueName);
  return row!;
}

export async function updatePolicy(db: Executor, workspaceId: string, id: string, input: Partial<PolicyInput>) {
  await getPolicy(db, workspaceId, id);
  await checkReferences(db, workspaceId, input);
  const [row] = await db
    .update(reviewPolicies)
    .set({ ...input, updatedAt: new Date() })
    .where(and(eq(reviewPolicies.workspaceId, workspaceId), eq(reviewPolicies.id, id)))
    .returning()
    .catch(uniqueName);
  return row!;
}

/** Replies it held stay in the queue and keep its name; they can still be decided. */
export async function deletePolicy(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(reviewPolicies)
    .where(and(eq(reviewPolicies.workspaceId, workspaceId), eq(reviewPolicies.id, id)))
    .returning();
  if (!row) throw notFound('review policy');
  return row;
}

/** Sets the order (first match first); the list must name each of the workspace's policies once. */
export async function reorderPolicies(db: Executor, workspaceId: string, ids: string[]) {
  await lockOrder(db, workspaceId);
  await writeOrder(await listPolicies(db, workspaceId), ids, { one: 'review policy', many: 'policies' }, (id, position) =>
    db
      .update(reviewPolicies)
      .set({ position })
      .where(and(eq(reviewPolicies.workspaceId, workspaceId), eq(reviewPolicies.id, id))),
  );
  return listPolicies(db, workspaceId);
}
