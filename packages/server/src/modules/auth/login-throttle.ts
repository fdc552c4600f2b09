import { sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { loginAttempts } from './schema.js';

type Scope = 'account' | 'ip';

interface ThrottleKey {
  key: string;
  limit: number;
  scope: Scope;
}

interface Verdict {
  allowed: boolean;
  attempts: number;
  blockedUntil: Date | null;
}

/** A login attempt that was let through: what to do once the password has been checked. */
export interface AdmittedAttempt {
  /** True when this attempt filled one of its budgets: a failure now means someone is guessing. */
  reachedLimit: boolean;
  keys: ThrottleKey[];
}

/** Caps the doubling so the interval stays a sane number (2^20 × base is far beyond any maximum). */
const MAX_DOUBLINGS = 20;

/**
 * Checks and counts one attempt under one key in a single statement. Row locking of the upsert
 * serialises parallel attempts on the same key, so of 200 concurrent guesses only `limit` are
 * let through. Reaching the limit blocks the key for a delay that doubles with every further
 * attempt let through, up to the maximum; a quiet window after the block ends starts over.
 */
async function countAttempt(db: Executor, config: Config, { key, limit }: ThrottleKey): Promise<Verdict> {
  const base = config.LOGIN_DELAY_BASE_SECONDS;
  const max = config.LOGIN_MAX_DELAY_MINUTES * 60;
  const window = sql`make_interval(mins => ${config.LOGIN_FAILURE_WINDOW_MINUTES})`;
  const blocked = sql`t.blocked_until > now()`;
  const next = sql`(case when coalesce(t.blocked_until, t.updated_at) < now() - ${window} then 1 else t.attempts + 1 end)`;
  const delay = (attempts: ReturnType<typeof sql>) =>
    sql`now() + make_interval(secs => least(${base}::float8 * power(2, least(greatest(${attempts} - ${limit}::int, 0), ${MAX_DOUBLINGS})), ${max}::float8))`;
  const result = await db.execute(sql`
    insert into login_throttles as t (key, attempts, blocked_until, last_allowed, updated_at)
    values (${key}, 1, case when 1 >= ${limit}::int then ${delay(sql`1`)} end, true, now())
    on conflict (key) do update set
      attempts = case when ${blocked} then t.attempts else ${next} end,
      blocked_until = case when ${blocked} then t.blocked_until when ${next} >= ${limit}::int then ${delay(next)} else null end,
      last_allowed = not coalesce(${blocked}, false),
      updated_at = case when ${blocked} then t.updated_at else now() end
    returning attempts, blocked_until, last_allowed`);
  const row = result.rows[0] as { attempts: number; blocked_until: Date | string | null; last_allowed: boolean };
  return {
    allowed: row.last_allowed,
    attempts: row.attempts,
    blockedUntil: row.blocked_until === null ? null : new Date(row.blocked_until),
  };
}

function refusal(scope: Scope, blockedUntil: Date | null): AppError {
  const seconds = Math.max(1, Math.ceil(((blockedUntil?.getTime() ?? Date.now()) - Date.now()) / 1000));
  const wait = seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
  const message =
    scope === 'ip'
      ? `too many failed logins from your network; wait ${wait}`
      : `too many failed logins for this account from here; wait ${wait} or reset your password`;
  return new AppError(429, 'too_many_login_attempts', message, { scope }, { 'retry-after': String(seconds) });
}

/**
 * Login throttling, per account and source rather than per account alone, so a stranger's
 * guesses delay the stranger and not the owner: budgets are the account from this source, this
 * source across accounts, and the account from sources it never logged in from (a distributed
 * guesser). Kept in PostgreSQL so every server process shares the counts.
 */
export async function admitLoginAttempt(
  db: Executor,
  config: Config,
  attempt: { email: string; ip: string; knownSource: boolean },
): Promise<AdmittedAttempt> {
  const keys: ThrottleKey[] = [
    { key: `account-source:${attempt.email}|${attempt.ip}`, limit: config.LOGIN_MAX_FAILURES_PER_ACCOUNT, scope: 'account' },
    { key: `source:${attempt.ip}`, limit: config.LOGIN_MAX_FAILURES_PER_IP, scope: 'ip' },
  ];
  if (!attempt.knownSource) {
    keys.push({ key: `account-unknown-sources:${attempt.email}`, limit: config.LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL, scope: 'account' });
  }
  let reachedLimit = false;
  // One key after the other: a key that refuses stops the attempt before the wider budgets count it.
  for (const [index, key] of keys.entries()) {
    const verdict = await countAttempt(db, config, key);
    if (!verdict.allowed) {
      if (index > 0) await releaseKeys(db, keys.slice(0, index));
      throw refusal(key.scope, verdict.blockedUntil);
    }
    if (verdict.attempts === key.limit) reachedLimit = true;
  }
  return { reachedLimit, keys };
}

/** Gives back what a refused or successful attempt took from its budgets. */
async function releaseKeys(db: Executor, keys: ThrottleKey[]): Promise<void> {
  for (const { key } of keys) {
    await db.execute(sql`update login_throttles set attempts = greatest(attempts - 1, 0) where key = ${key}`);
  }
}

/** A correct password from a source ends that source's streak for the account. */
export async function loginSucceeded(db: Executor, admitted: AdmittedAttempt): Promise<void> {
  const [own, ...wider] = admitted.keys;
  if (own) await db.execute(sql`delete from login_throttles where key = ${own.key}`);
  await releaseKeys(db, wider);
}

/** Whether the account has (or had) a session from this source: its owner, most likely. */
export async function isKnownSource(db: Executor, userId: string | undefined, ip: string): Promise<boolean> {
  if (!userId) return false;
  const result = await db.execute(sql`select 1 from sessions where user_id = ${userId} and ip = ${ip} limit 1`);
  return result.rows.length > 0;
}

export async function recordLoginAttempt(db: Executor, email: string, ip: string, succeeded: boolean): Promise<void> {
  await db.insert(loginAttempts).values({ email, ip, succeeded });
}

export async function deleteOldLoginAttempts(db: Executor): Promise<number> {
  const deleted = await db
    .delete(loginAttempts)
    .where(sql`${loginAttempts.createdAt} < now() - interval '1 day'`)
    .returning({ id: loginAttempts.id });
  // Throttles idle for a day are over whatever the window: their next attempt would start afresh.
  await db.execute(sql`delete from login_throttles where coalesce(blocked_until, updated_at) < now() - interval '1 day'`);
  return deleted.length;
}
