import type { Role } from '@huiliu/contracts';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { hashToken, newToken } from '../../platform/secrets.js';
import type { Executor } from '../users/service.js';
import { workspaces } from '../workspaces/schema.js';
import { invites } from './schema.js';

export const INVITE_TTL_DAYS = 7;

export type InviteRow = typeof invites.$inferSelect;

export function inviteView(row: InviteRow) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    teamIds: row.teamIds,
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function createInvite(
  db: Executor,
  input: { workspaceId: string; email: string; role: Role; teamIds: string[]; invitedByUserId: string | null },
) {
  const token = newToken();
  const [row] = await db
    .insert(invites)
    .values({ ...input, tokenHash: hashToken(token), expiresAt: sql`now() + make_interval(days => ${INVITE_TTL_DAYS})` })
    .returning();
  return { token, invite: row! };
}

/** An invite that can still be accepted, with its workspace's name. */
export function findOpenInvite(db: Executor, token: string) {
  return db
    .select({ invite: invites, workspaceName: workspaces.name })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(
      and(
        eq(invites.tokenHash, hashToken(token)),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, sql`now()`),
      ),
    )
    .then((rows) => rows[0]);
}

/** Marks the invite used; false when another request accepted it first. */
export async function markInviteAccepted(db: Executor, inviteId: string): Promise<boolean> {
  const updated = await db
    .update(invites)
    .set({ acceptedAt: sql`now()` })
    .where(and(eq(invites.id, inviteId), isNull(invites.acceptedAt)))
    .returning({ id: invites.id });
  return updated.length === 1;
}
