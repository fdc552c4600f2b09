import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../users/service.js';
import { hashToken, newToken } from '../../platform/secrets.js';
import { apiTokens, sessions } from './schema.js';

export const SESSION_COOKIE = 'huiliu_session';
/** Don't write last_seen_at on every request: once a minute is precise enough for idle expiry. */
const TOUCH_INTERVAL_MS = 60_000;

export async function createSession(db: Executor, input: { userId: string; ip: string; userAgent: string | undefined }) {
  const token = newToken();
  const [session] = await db
    .insert(sessions)
    .values({ userId: input.userId, tokenHash: hashToken(token), ip: input.ip, userAgent: input.userAgent?.slice(0, 500) })
    .returning({ id: sessions.id });
  return { token, sessionId: session!.id };
}

export type SessionLookup = { status: 'valid'; sessionId: string; userId: string } | { status: 'expired' | 'unknown' };

export async function findSession(db: Executor, token: string, idleMinutes: number): Promise<SessionLookup> {
  const [session] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)));
  if (!session) return { status: 'unknown' };
  const now = Date.now();
  if (now - session.lastSeenAt.getTime() > idleMinutes * 60_000) return { status: 'expired' };
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.id, session.id));
  }
  return { status: 'valid', sessionId: session.id, userId: session.userId };
}

export async function revokeSessionByToken(db: Executor, token: string) {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)));
}

/** Revokes every session of the user, except `keepSessionId` when given. */
export async function revokeUserSessions(db: Executor, userId: string, keepSessionId?: string) {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
}

/** Housekeeping run by the session-cleanup job: revoked or idle sessions older than the idle window. */
export async function deleteDeadSessions(db: Executor, idleMinutes: number): Promise<number> {
  const cutoff = sql`now() - make_interval(mins => ${idleMinutes})`;
  const deleted = await db
    .delete(sessions)
    .where(or(lt(sessions.lastSeenAt, cutoff), lt(sessions.revokedAt, sql`now() - interval '1 day'`)))
    .returning({ id: sessions.id });
  return deleted.length;
}

export async function findApiToken(db: Executor, token: string) {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  if (!row) return undefined;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiTokens.id, row.id));
  }
  return row;
}
