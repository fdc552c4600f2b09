import type { Role } from '@huiliu/contracts';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { teamMembers } from '../teams/schema.js';
import { workspaces } from '../workspaces/schema.js';
import { memberships, users } from './schema.js';

export type User = typeof users.$inferSelect;
export type Executor = Pick<Database, 'select' | 'selectDistinct' | 'insert' | 'update' | 'delete' | 'execute'>;

export function findUserByEmail(db: Executor, email: string) {
  return db
    .select()
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .then((rows) => rows[0]);
}

export function findUserById(db: Executor, id: string) {
  return db
    .select()
    .from(users)
    .where(eq(users.id, id))
    .then((rows) => rows[0]);
}

export async function createUser(db: Executor, input: { email: string; name: string; passwordHash: string; locale?: 'zh-CN' | 'en' }) {
  const [user] = await db
    .insert(users)
    .values({ ...input, email: input.email.trim().toLowerCase() })
    .returning();
  return user!;
}

/** The role of an active member, or undefined when the user is not (or no longer) a member. */
export async function activeRole(db: Executor, userId: string, workspaceId: string): Promise<Role | undefined> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId), eq(memberships.active, true)));
  return row?.role;
}

export function listMembershipsOfUser(db: Executor, userId: string) {
  return db
    .select({ workspaceId: workspaces.id, workspaceName: workspaces.name, workspaceSlug: workspaces.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.active, true)))
    .orderBy(workspaces.createdAt);
}

export async function addMembership(db: Executor, input: { workspaceId: string; userId: string; role: Role }) {
  await db
    .insert(memberships)
    .values(input)
    .onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role: input.role, active: true } });
}

export async function countActiveAdmins(db: Executor, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'admin'), eq(memberships.active, true)));
  return row?.count ?? 0;
}

/** Members of a workspace with their teams, in one query; `condition` narrows it. */
export function memberRows(db: Executor, workspaceId: string, condition?: SQL) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      active: memberships.active,
      joinedAt: memberships.createdAt,
      teamIds: sql<
        string[]
      >`coalesce((select array_agg(${teamMembers.teamId}) from ${teamMembers} where ${teamMembers.userId} = ${users.id} and ${teamMembers.workspaceId} = ${memberships.workspaceId}), '{}')`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), condition))
    .$dynamic();
}

export function memberRow(db: Executor, workspaceId: string, userId: string) {
  return memberRows(db, workspaceId, eq(memberships.userId, userId)).then((rows) => rows[0]);
}
