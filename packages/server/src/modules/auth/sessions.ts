import { and, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
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

/** How long a session may live: idle, and in all (a cookie in daily use still ends). */
export interface SessionLimits {
  idleMinutes: number;
  maxAgeHours: number;
}

export const sessionLimits = (config: { SESSION_IDLE_MINUTES: number; SESSION_MAX_AGE_HOURS: number }): SessionLimits => ({
  idleMinutes: config.SESSION_IDLE_MINUTES,
  maxAgeHours: config.SESSION_MAX_AGE_HOURS,
});

export async function findSession(db: Executor, token: string, limits: SessionLimits): Promise<SessionLookup> {
  const [session] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)));
  if (!session) return { status: 'unknown' };
  const now = Date.now();
  if (now - session.lastSeenAt.getTime() > limits.idleMinutes * 60_000) return { status: 'expired' };
  if (now - session.createdAt.getTime() > limits.maxAgeHours * 3_600_000) return { status: 'expired' };
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.id, session.id));
  }
  return { status: 'valid', sessionId: session.id, userId: session.userId };
}

/** Of the given sessions, those still valid (not revoked, not idle, not past their lifetime). */
export async function stillValidSessions(db: Executor, sessionIds: string[], limits: SessionLimits): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      and(
        inArray(sessions.id, sessionIds),
        isNull(sessions.revokedAt),
        gt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${limits.idleMinutes})`),
        gt(sessions.createdAt, sql`now() - make_interval(hours => ${limits.maxAgeHours})`),
      ),
    );
  return new Set(rows.map((row) => row.id));
}

/** Revokes the session of this token; returns its id (to close its sockets) when there was one. */
export async function revokeSessionByToken(db: Executor, token: string): Promise<string[]> {
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return revoked.map((row) => row.id);
}

/** Revokes every session of the user, except `keepSessionId` when given; returns the revoked ids. */
export async function revokeUserSessions(db: Executor, userId: string, keepSessionId?: string): Promise<string[]> {
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? ne(sessions.id, keepSessionId) : undefined))
    .returning({ id: sessions.id });
  return revoked.map((row) => row.id);
}

/** Housekeeping run by the session-cleanup job: revoked, idle or outlived sessions. */
export async function deleteDeadSessions(db: Executor, limits: SessionLimits): Promise<number> {
  const deleted = await db
    .delete(sessions)
    .where(
      or(
        lt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${limits.idleMinutes})`),
        lt(sessions.createdAt, sql`now() - make_interval(hours => ${limits.maxAgeHours})`),
        lt(sessions.revokedAt, sql`now() - interval '1 day'`),
      ),
    )
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
