import { and, desc, eq, sql } from 'drizzle-orm';
import type { IdentityKind } from '@huiliu/contracts';
import { addIdentity, findOrCreateCustomer } from '../../modules/customers/service.js';
import type { Executor } from '../../modules/users/service.js';
import type { WechatAccount } from './accounts.js';
import { wechatFollowers } from './schema.js';

export type FollowerRow = typeof wechatFollowers.$inferSelect;

/** The customer identity a WeChat user id stands for (OpenID per Official Account; WeCom external_userid per corp). */
export function identityOf(account: WechatAccount, userId: string): { kind: IdentityKind; value: string; verifiedVia: 'channel' } {
  // Both come from WeChat's signed callback (or its API), never from what the user typed.
  return account.row.kind === 'wecom'
    ? { kind: 'external', value: `wecom:${account.row.appId}:${userId}`, verifiedVia: 'channel' }
    : { kind: 'wechat_openid', value: userId, verifiedVia: 'channel' };
}

/**
 * Records that the user wrote or acted (opens the 48-hour window, resets the quota) and returns
 * their follower row, creating the customer on first contact. `subscribed` re-activates them.
 */
export async function touchFollower(
  db: Executor,
  account: WechatAccount,
  userId: string,
  options: { unionId?: string; subscribed?: boolean; scene?: string; interaction?: boolean } = {},
): Promise<FollowerRow> {
  const workspaceId = account.inbox.workspaceId;
  const customerId = await findOrCreateCustomer(db, workspaceId, identityOf(account, userId));
  if (options.unionId)
    await addIdentity(db, workspaceId, customerId, { kind: 'wechat_unionid', value: options.unionId, verifiedVia: 'channel' });
  const interaction = options.interaction ?? true;
  const [row] = await db
    .insert(wechatFollowers)
    .values({
      workspaceId,
      inboxId: account.inbox.id,
      openId: userId,
      unionId: options.unionId ?? null,
      customerId,
      subscribed: options.subscribed ?? true,
      scene: options.scene ?? null,
      lastInteractionAt: interaction ? sql`now()` : null,
    })
    .onConflictDoUpdate({
      target: [wechatFollowers.inboxId, wechatFollowers.openId],
      set: {
        customerId,
        updatedAt: sql`now()`,
        ...(options.unionId ? { unionId: options.unionId } : {}),
        ...(options.subscribed !== undefined ? { subscribed: options.subscribed } : {}),
        ...(options.scene ? { scene: options.scene } : {}),
        ...(interaction ? { lastInteractionAt: sql`now()`, sentSinceInteraction: 0 } : {}),
      },
    })
    .returning();
  return row!;
}

/** The WeChat user behind a customer on this inbox (the most recently active one). */
export async function followerOfCustomer(db: Executor, inboxId: string, customerId: string): Promise<FollowerRow | undefined> {
  const [row] = await db
    .select()
    .from(wechatFollowers)
    .where(and(eq(wechatFollowers.inboxId, inboxId), eq(wechatFollowers.customerId, customerId)))
    .orderBy(desc(wechatFollowers.updatedAt))
    .limit(1);
  return row;
}

export async function countSent(db: Executor, followerId: string): Promise<void> {
  await db
    .update(wechatFollowers)
    .set({ sentSinceInteraction: sql`${wechatFollowers.sentSinceInteraction} + 1` })
    .where(eq(wechatFollowers.id, followerId));
}

export const WINDOW_MS = 48 * 60 * 60 * 1000;

/** The 48-hour window and the quota left, as the composer shows them. */
export function windowOf(follower: FollowerRow | undefined, quota: number, now = Date.now()) {
  const last = follower?.lastInteractionAt?.getTime();
  const endsAt = last === undefined ? null : new Date(last + WINDOW_MS);
  const open = endsAt !== null && endsAt.getTime() > now;
  return {
    subscribed: follower?.subscribed ?? false,
    windowEndsAt: endsAt?.toISOString() ?? null,
    windowOpen: open,
    quota,
    remaining: open ? Math.max(0, quota - (follower?.sentSinceInteraction ?? 0)) : 0,
  };
}
