import { createHash } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { AppError } from '../../platform/errors.js';
import type { Executor } from '../../modules/users/service.js';
import type { WechatAccount } from './accounts.js';
import { wechatCallbackNonces } from './schema.js';

/**
 * Refuses a replayed callback: the same signed timestamp and nonce with another body. In plain
 * (and compatible) mode the signature covers only token, timestamp and nonce, so without this
 * anyone who saw one callback could post any message as any follower for the whole replay
 * window. The same query with the same body is WeChat retrying, and passes (MsgId dedupes it).
 * Call only after the signature was checked, so nobody can use up a nonce WeChat will send.
 * One row per callback in PostgreSQL: every node sees it, the primary key settles races.
 */
export async function assertNotReplayed(
  db: Executor,
  account: WechatAccount,
  signed: { timestamp: string; nonce: string },
  body: string,
  windowSeconds: number,
): Promise<void> {
  const bodyDigest = createHash('sha256').update(body).digest('hex');
  const key = { inboxId: account.inbox.id, timestamp: signed.timestamp, nonce: signed.nonce };
  const inserted = await db
    .insert(wechatCallbackNonces)
    .values({
      ...key,
      workspaceId: account.inbox.workspaceId,
      bodyDigest,
      expiresAt: new Date((Number(signed.timestamp) + windowSeconds) * 1000),
    })
    .onConflictDoNothing()
    .returning({ nonce: wechatCallbackNonces.nonce });
  if (inserted.length > 0) return;
  const [seen] = await db
    .select({ bodyDigest: wechatCallbackNonces.bodyDigest })
    .from(wechatCallbackNonces)
    .where(
      and(
        eq(wechatCallbackNonces.inboxId, key.inboxId),
        eq(wechatCallbackNonces.timestamp, key.timestamp),
        eq(wechatCallbackNonces.nonce, key.nonce),
      ),
    );
  if (seen?.bodyDigest === bodyDigest) return;
  throw new AppError(
    401,
    'replayed_callback',
    'this signature, timestamp and nonce were already used with another body: a replayed callback is refused',
  );
}

/** Drops nonces whose timestamps the replay window refuses anyway (with a margin for clock skew). */
export async function deleteExpiredNonces(db: Executor, marginSeconds = 300): Promise<number> {
  const deleted = await db
    .delete(wechatCallbackNonces)
    .where(lt(wechatCallbackNonces.expiresAt, sql`now() - make_interval(secs => ${marginSeconds})`))
    .returning({ nonce: wechatCallbackNonces.nonce });
  return deleted.length;
}
