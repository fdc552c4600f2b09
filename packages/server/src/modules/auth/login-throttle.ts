import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { loginAttempts } from './schema.js';

/**
 * Login rate limit, per account and per IP, over a sliding window. Kept in PostgreSQL rather
 * than in memory so it holds across every server process.
 * Per account, only failures since the last successful login count.
 */
export async function assertLoginAllowed(db: Executor, config: Config, email: string, ip: string): Promise<void> {
  const windowStart = sql`now() - make_interval(mins => ${config.LOGIN_FAILURE_WINDOW_MINUTES})`;
  const lastSuccess = sql`coalesce((select max(${loginAttempts.createdAt}) from ${loginAttempts} where ${loginAttempts.email} = ${email} and ${loginAttempts.succeeded}), 'epoch'::timestamptz)`;
  const [byAccount] = await db
    .select({ failures: count() })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.email, email),
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.createdAt, windowStart),
        gt(loginAttempts.createdAt, lastSuccess),
      ),
    );
  const [byIp] = await db
    .select({ failures: count() })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), gt(loginAttempts.createdAt, windowStart)));
  const minutes = config.LOGIN_FAILURE_WINDOW_MINUTES;
  const headers = { 'retry-after': String(minutes * 60) };
  if ((byAccount?.failures ?? 0) >= config.LOGIN_MAX_FAILURES_PER_ACCOUNT) {
    throw new AppError(
      429,
      'too_many_login_attempts',
      `too many failed logins for this account; wait ${minutes} minutes or reset your password`,
      { scope: 'account' },
      headers,
    );
  }
  if ((byIp?.failures ?? 0) >= config.LOGIN_MAX_FAILURES_PER_IP) {
    throw new AppError(
      429,
      'too_many_login_attempts',
      `too many failed logins from your network; wait ${minutes} minutes`,
      { scope: 'ip' },
      headers,
    );
  }
}

export async function recordLoginAttempt(db: Executor, email: string, ip: string, succeeded: boolean): Promise<void> {
  await db.insert(loginAttempts).values({ email, ip, succeeded });
}

export async function deleteOldLoginAttempts(db: Executor): Promise<number> {
  const deleted = await db
    .delete(loginAttempts)
    .where(sql`${loginAttempts.createdAt} < now() - interval '1 day'`)
    .returning({ id: loginAttempts.id });
  return deleted.length;
}
