import type { CreateWechatInboxRequest } from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import { createInbox, getInbox, inboxView, updateInbox, type InboxRow } from '../../modules/inboxes/service.js';
import { inboxes } from '../../modules/inboxes/schema.js';
import type { Executor } from '../../modules/users/service.js';
import type { SecretBox } from '../../platform/secrets.js';
import { aesKeyOf } from './crypto.js';
import { wechatAccounts, wechatTokens } from './schema.js';
import { isPlaintext, openSecrets, sealSecrets, type WechatSecrets } from './secrets.js';

export type AccountRow = typeof wechatAccounts.$inferSelect;

/** An account with its inbox and its opened secrets: what the connector works with. */
export interface WechatAccount {
  inbox: InboxRow;
  row: AccountRow;
  secrets: WechatSecrets;
}

export function callbackUrl(publicUrl: string, kind: 'wechat' | 'wecom', publicKey: string): string {
  return `${publicUrl}/api/v1/channels/${kind}/${publicKey}`;
}

export function wechatInboxView(account: { inbox: InboxRow; row: AccountRow }, publicUrl: string) {
  return {
    inbox: inboxView(account.inbox, publicUrl),
    appId: account.row.appId,
    openKfid: account.row.openKfid,
    mode: account.row.mode,
    welcomeText: account.row.welcomeText,
    menuTopics: account.row.menuTopics,
    quotaPerWindow: account.row.quotaPerWindow,
    callbackUrl: callbackUrl(publicUrl, account.row.kind, account.inbox.publicKey),
  };
}

export async function createWechatInbox(
  db: Executor,
  box: SecretBox,
  workspaceId: string,
  input: CreateWechatInboxRequest,
): Promise<WechatAccount> {
  aesKeyOf(input.encodingAESKey);
  if (input.kind === 'wecom' && !input.openKfid)
    throw new AppError(400, 'validation_failed', 'a WeCom inbox needs the open_kfid of its customer-service account');
  const inbox = await createInbox(db, workspaceId, {
    kind: input.kind,
    name: input.name,
    defaultTeamId: input.defaultTeamId,
    settings: { appId: input.appId, mode: input.mode },
  });
  const [row] = await db
    .insert(wechatAccounts)
    .values({
      inboxId: inbox.id,
      workspaceId,
      kind: input.kind,
      appId: input.appId,
      openKfid: input.openKfid,
      mode: input.mode,
      secrets: sealSecrets(box, input),
      welcomeText: input.welcomeText,
      menuTopics: input.menuTopics,
      quotaPerWindow: input.quotaPerWindow,
    })
    .returning();
  await db.insert(wechatTokens).values({ inboxId: inbox.id, workspaceId });
  return { inbox, row: row!, secrets: openSecrets(box, row!.secrets) };
}

export async function getWechatAccount(db: Executor, box: SecretBox, workspaceId: string, inboxId: string): Promise<WechatAccount> {
  const [found] = await db
    .select({ inbox: inboxes, row: wechatAccounts })
    .from(wechatAccounts)
    .innerJoin(inboxes, eq(inboxes.id, wechatAccounts.inboxId))
    .where(and(eq(wechatAccounts.workspaceId, workspaceId), eq(wechatAccounts.inboxId, inboxId)));
  if (!found) throw notFound('WeChat inbox');
  return { ...found, secrets: openSecrets(box, found.row.secrets) };
}

/** For the public callback: an enabled account by its inbox's public key. */
export async function findAccountByKey(
  db: Executor,
  box: SecretBox,
  kind: 'wechat' | 'wecom',
  publicKey: string,
): Promise<WechatAccount | undefined> {
  const [found] = await db
    .select({ inbox: inboxes, row: wechatAccounts })
    .from(wechatAccounts)
    .innerJoin(inboxes, eq(inboxes.id, wechatAccounts.inboxId))
    .where(and(eq(inboxes.publicKey, publicKey), eq(inboxes.kind, kind), eq(inboxes.enabled, true)));
  return found ? { ...found, secrets: openSecrets(box, found.row.secrets) } : undefined;
}

/** The account behind a conversation's inbox (for delivery); undefined when it is not a WeChat inbox. */
export async function findAccountByInbox(db: Executor, box: SecretBox, inboxId: string): Promise<WechatAccount | undefined> {
  const [found] = await db
    .select({ inbox: inboxes, row: wechatAccounts })
    .from(wechatAccounts)
    .innerJoin(inboxes, eq(inboxes.id, wechatAccounts.inboxId))
    .where(eq(wechatAccounts.inboxId, inboxId));
  return found ? { ...found, secrets: openSecrets(box, found.row.secrets) } : undefined;
}

export async function updateWechatInbox(
  db: Executor,
  box: SecretBox,
  workspaceId: string,
  inboxId: string,
  input: Partial<
    WechatSecrets & {
      appId: string;
      mode: AccountRow['mode'];
      welcomeText: string | null;
      menuTopics: Record<string, string>;
      quotaPerWindow: number;
      openKfid: string | null;
    }
  >,
): Promise<WechatAccount> {
  const current = await getWechatAccount(db, box, workspaceId, inboxId);
  if (input.encodingAESKey) aesKeyOf(input.encodingAESKey);
  const secrets = { ...current.secrets };
  for (const name of ['appSecret', 'token', 'encodingAESKey'] as const) if (input[name]) secrets[name] = input[name];
  const credentialsChanged = input.appSecret !== undefined || input.appId !== undefined;
  await db
    .update(wechatAccounts)
    .set({
      ...(input.appId !== undefined ? { appId: input.appId } : {}),
      ...(input.mode !== undefined ? { mode: input.mode } : {}),
      ...(input.welcomeText !== undefined ? { welcomeText: input.welcomeText } : {}),
      ...(input.menuTopics !== undefined ? { menuTopics: input.menuTopics } : {}),
      ...(input.quotaPerWindow !== undefined ? { quotaPerWindow: input.quotaPerWindow } : {}),
      ...(input.openKfid !== undefined ? { openKfid: input.openKfid } : {}),
      secrets: sealSecrets(box, secrets),
    })
    .where(eq(wechatAccounts.inboxId, inboxId));
  // A new AppID or secret makes the cached token useless.
  if (credentialsChanged)
    await db.update(wechatTokens).set({ accessToken: null, expiresAt: null }).where(eq(wechatTokens.inboxId, inboxId));
  if (input.appId !== undefined || input.mode !== undefined) {
    await updateInbox(db, workspaceId, inboxId, {
      settings: { appId: input.appId ?? current.row.appId, mode: input.mode ?? current.row.mode },
    });
  }
  await getInbox(db, workspaceId, inboxId);
  return getWechatAccount(db, box, workspaceId, inboxId);
}

export async function touchInbound(db: Executor, inboxId: string): Promise<void> {
  await db
    .update(wechatAccounts)
    .set({ lastInboundAt: sql`now()` })
    .where(eq(wechatAccounts.inboxId, inboxId));
}

/** Encrypts the secrets of accounts stored before encryption at rest (run at start-up; idempotent). */
export async function sealPlaintextSecrets(db: Executor, box: SecretBox): Promise<number> {
  const rows = await db
    .select({ inboxId: wechatAccounts.inboxId, secrets: wechatAccounts.secrets })
    .from(wechatAccounts)
    .where(sql`not (${wechatAccounts.secrets} ? 'sealed')`);
  for (const row of rows) {
    if (!isPlaintext(row.secrets)) continue;
    await db
      .update(wechatAccounts)
      .set({ secrets: sealSecrets(box, openSecrets(box, row.secrets)) })
      .where(and(eq(wechatAccounts.inboxId, row.inboxId), sql`not (${wechatAccounts.secrets} ? 'sealed')`));
  }
  return rows.length;
}
