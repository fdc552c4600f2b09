import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { hashToken, newToken } from '../../platform/secrets.js';
import type { Executor } from '../users/service.js';
import { passwordResets } from './schema.js';

export const RESET_TTL_MINUTES = 60;

export async function createPasswordReset(db: Executor, userId: string) {
  const token = newToken();
  const [row] = await db
    .insert(passwordResets)
    .values({ userId, tokenHash: hashToken(token), expiresAt: sql`now() + make_interval(mins => ${RESET_TTL_MINUTES})` })
    .returning();
  return { token, expiresAt: row!.expiresAt };
}

/** Uses the reset token once; returns the user it was for, or undefined if unknown, used or expired. */
export async function consumePasswordReset(db: Executor, token: string): Promise<string | undefined> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
    .returning({ userId: passwordResets.userId });
  return row?.userId;
}
