import type { Attachment } from '@huiliu/contracts';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { stripNul } from '@huiliu/contracts';
import type { AppContext } from '../../platform/context.js';
import { markFailed } from '../../modules/conversations/delivery.js';
import { publishMessage, publishStatus } from '../../modules/conversations/events.js';
import { receiveInbound } from '../../modules/conversations/inbound.js';
import { appendMessage, findByIdempotencyKey } from '../../modules/conversations/write-path.js';
import { findAccountByInbox, touchInbound, type WechatAccount } from './accounts.js';
import type { WechatApi } from './api.js';
import { assertSignature, decryptMessage } from './crypto.js';
import { identityOf, touchFollower, type FollowerRow } from './followers.js';
import { logCall } from './log.js';
import { fetchInboundMedia } from './media.js';
import { wechatAccounts, wechatSeenEvents } from './schema.js';
import { field, parseXml, WechatXmlError } from './xml.js';

export interface WecomQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
}

/** GET: WeCom checks the URL with an encrypted echostr; answer its plaintext. */
export function verifyWecomUrl(account: WechatAccount, query: WecomQuery): string {
  const echostr = query.echostr ?? '';
  assertSignature(query.msg_signature, account.secrets.token, query.timestamp ?? '', query.nonce ?? '', echostr);
  return decryptMessage(account.secrets.encodingAESKey, account.row.appId, echostr);
}

/** POST: a notice that messages wait; returns the sync token it carries. */
export function openWecomNotice(
  account: WechatAccount,
  query: WecomQuery,
  body: string,
): { syncToken: string | null; openKfid: string | null } {
  const encrypt = field(parseXml(body), 'Encrypt');
  if (!encrypt) throw new WechatXmlError('<Encrypt> is missing');
  assertSignature(query.msg_signature, account.secrets.token, query.timestamp ?? '', query.nonce ?? '', encrypt);
  const inner = parseXml(decryptMessage(account.secrets.encodingAESKey, account.row.appId, encrypt));
  return { syncToken: field(inner, 'Token') ?? null, openKfid: field(inner, 'OpenKfId') ?? null };
}

interface KfMessage {
  msgid: string;
  open_kfid?: string;
  external_userid?: string;
  send_time?: number;
  origin?: number;
  msgtype: string;
  text?: { content?: string };
  image?: { media_id?: string };
  voice?: { media_id?: string };
  video?: { media_id?: string };
  file?: { media_id?: string };
  location?: { name?: string; address?: string; latitude?: number; longitude?: number };
  link?: { title?: string; url?: string };
  event?: {
    event_type?: string;
    external_userid?: string;
    open_kfid?: string;
    welcome_code?: string;
    fail_msgid?: string;
    fail_type?: number;
    recall_msgid?: string;
    change_type?: number;
  };
}

const PAGE_LIMIT = 1000;
/** sync_msg's answer to an expired or unknown notice token. */
const INVALID_SYNC_TOKEN = 95007;

/**
 * Pulls a WeCom customer-service account's messages with kf/sync_msg: one puller per inbox at
 * a time (a PostgreSQL advisory lock), the cursor saved after every page, looping while
 * `has_more`. Messages are stored by msgid, so a page fetched twice (a crash between storing
 * and saving the cursor) stores nothing twice.
 */
export class WecomPuller {
  private readonly running = new Set<Promise<void>>();
  private stopped = false;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly api: WechatApi,
  ) {}

  /** Records that a pull is wanted (durably) and starts one unless another node is pulling. */
  async request(account: WechatAccount, syncToken: string | null): Promise<void> {
    await this.ctx.db
      .update(wechatAccounts)
      .set({ syncToken, pullRequestedAt: sql`now()` })
      .where(eq(wechatAccounts.inboxId, account.inbox.id));
    this.start(account.inbox.id);
  }

  start(inboxId: string): void {
    if (this.stopped) return;
    const run = this.run(inboxId)
      .catch((error: unknown) => this.ctx.logger.warn({ err: error, inboxId }, 'WeCom pull failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resumes unfinished pulls now and then every `everyMs` (a failed pull is tried again). */
  startSweeping(everyMs = 60_000): void {
    this.sweep = setInterval(() => {
      this.resumePending().catch((error: unknown) => this.ctx.logger.warn({ err: error }, 'WeCom resume failed'));
    }, everyMs);
    this.sweep.unref();
  }

  /** Resumes pulls that were asked for and not finished (e.g. before a restart). */
  async resumePending(): Promise<void> {
    const pending = await this.ctx.db
      .select({ inboxId: wechatAccounts.inboxId })
      .from(wechatAccounts)
      .where(and(eq(wechatAccounts.kind, 'wecom'), isNotNull(wechatAccounts.pullRequestedAt)));
    for (const row of pending) this.start(row.inboxId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweep);
    await Promise.allSettled([...this.running]);
  }

  private async run(inboxId: string): Promise<void> {
    const client = await this.ctx.pool.connect();
    // Without a listener, losing this connection would crash the process; the pull's own
    // queries then fail and the next notice or sweep starts it again.
    client.on('error', (error) => this.ctx.logger.warn({ err: error, inboxId }, 'WeCom pull lock connection lost'));
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_lock(hashtext('wecom-pull'), hashtext($1)) as locked",
        [inboxId],
      );
      if (!rows[0]?.locked) return;
      try {
        for (;;) {
          const account = await findAccountByInbox(this.ctx.db, this.ctx.secrets, inboxId);
          const requested = account?.row.pullRequestedAt;
          if (!account || !requested || this.stopped) return;
          const finished = await this.pullAll(account);
          if (!finished) return;
          // Done, unless another notice came in meanwhile: then pull again.
          const cleared = await this.ctx.db
            .update(wechatAccounts)
            .set({ pullRequestedAt: null })
            .where(and(eq(wechatAccounts.inboxId, inboxId), eq(wechatAccounts.pullRequestedAt, requested)))
            .returning({ inboxId: wechatAccounts.inboxId });
          if (cleared.length > 0) return;
        }
      } finally {
        await client.query("select pg_advisory_unlock(hashtext('wecom-pull'), hashtext($1))", [inboxId]);
      }
    } finally {
      client.release();
    }
  }

  /** Pulls every page; false when it stopped early (an error or shutdown). */
  private async pullAll(start: WechatAccount): Promise<boolean> {
    let account = start;
    let cursor = account.row.syncCursor ?? '';
    for (;;) {
      if (this.stopped) return false;
      const result = await this.api.call(account, 'kf.sync_msg', '/cgi-bin/kf/sync_msg', {
        cursor,
        ...(account.row.syncToken ? { token: account.row.syncToken } : {}),
        limit: PAGE_LIMIT,
        voice_format: 0,
        open_kfid: account.row.openKfid,
      });
      if (result.errcode === INVALID_SYNC_TOKEN && account.row.syncToken) {
        // The notice's token expired (10 minutes): pull without it.
        await this.ctx.db.update(wechatAccounts).set({ syncToken: null }).where(eq(wechatAccounts.inboxId, account.inbox.id));
        account = { ...account, row: { ...account.row, syncToken: null } };
        continue;
      }
      if (result.errcode && result.errcode !== 0) return false;
      // Each customer's follower row is touched once per page, not once per message.
      const followers = new Map<string, FollowerRow>();
      for (const message of (result.msg_list as KfMessage[] | undefined) ?? []) {
        if (this.stopped) return false;
        await this.handle(account, message, followers);
      }
      if (((result.msg_list as unknown[] | undefined) ?? []).length > 0) await touchInbound(this.ctx.db, account.inbox.id);
      cursor = String(result.next_cursor ?? cursor);
      await this.ctx.db.update(wechatAccounts).set({ syncCursor: cursor }).where(eq(wechatAccounts.inboxId, account.inbox.id));
      if (!result.has_more) return true;
    }
  }

  private async firstSighting(account: WechatAccount, key: string): Promise<boolean> {
    const inserted = await this.ctx.db
      .insert(wechatSeenEvents)
      .values({ workspaceId: account.inbox.workspaceId, inboxId: account.inbox.id, key })
      .onConflictDoNothing()
      .returning({ key: wechatSeenEvents.key });
    return inserted.length > 0;
  }

  private async handle(account: WechatAccount, message: KfMessage, followers: Map<string, FollowerRow>): Promise<void> {
    const { ctx } = this;
    const workspaceId = account.inbox.workspaceId;
    if (message.open_kfid && account.row.openKfid && message.open_kfid !== account.row.openKfid) return;
    if (message.origin === 4 && message.event) {
      await this.handleEvent(account, message);
      return;
    }
    // 3: from the customer. 5: sent by a servicer in the WeCom app (not through Huiliu): skipped.
    if (message.origin !== 3 || !message.external_userid) return;
    const idempotencyKey = `wecom:${account.inbox.id}:${message.msgid}`;
    if (await findByIdempotencyKey(ctx.db, workspaceId, idempotencyKey)) return;
    let text = '';
    let attachments: Attachment[] = [];
    const media = message.image?.media_id ?? message.voice?.media_id ?? message.video?.media_id;
    switch (message.msgtype) {
      case 'text':
        text = message.text?.content ?? '';
        break;
      case 'location':
        text = `[位置] ${message.location?.name ?? ''} ${message.location?.address ?? ''}`.trim();
        break;
      case 'link':
        text = `[链接] ${message.link?.title ?? ''}\n${message.link?.url ?? ''}`;
        break;
      default:
        text = media ? '' : `[${message.msgtype}]`;
    }
    if (media) {
      const kind = message.msgtype === 'voice' ? 'voice' : message.msgtype === 'video' ? 'video' : 'image';
      const attachment = await fetchInboundMedia(ctx, this.api, account, media, kind);
      if (attachment) attachments = [attachment];
      else text ||= `[${message.msgtype}]`;
    }
    let follower = followers.get(message.external_userid);
    if (!follower) {
      follower = await touchFollower(ctx.db, account, message.external_userid);
      followers.set(message.external_userid, follower);
    }
    const appended = await receiveInbound(ctx.db, {
      inbox: account.inbox,
      identity: identityOf(account, message.external_userid),
      customerId: follower.customerId,
      idempotencyKey,
      // A pulled message cannot be refused back to anyone: a NUL is dropped so it is stored, not retried forever.
      text: stripNul(text),
      attachments,
      context: { wecom: { externalUserId: message.external_userid, openKfid: message.open_kfid } },
    });
    if (!appended.duplicate) publishMessage(ctx.realtime, appended.conversation, appended.message);
  }

  private async handleEvent(account: WechatAccount, message: KfMessage): Promise<void> {
    const { ctx } = this;
    const event = message.event!;
    const workspaceId = account.inbox.workspaceId;
    if (!(await this.firstSighting(account, `kf:${message.msgid}`))) return;
    await logCall(ctx.db, workspaceId, account.inbox.id, {
      direction: 'in',
      operation: `kf.event.${event.event_type}`,
      ok: true,
      detail: message.msgid,
    });
    switch (event.event_type) {
      case 'enter_session': {
        if (event.external_userid) await touchFollower(ctx.db, account, event.external_userid);
        if (event.welcome_code && account.row.welcomeText) {
          await this.api.call(account, 'kf.send_msg_on_event', '/cgi-bin/kf/send_msg_on_event', {
            code: event.welcome_code,
            msgid: message.msgid.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32),
            msgtype: 'text',
            text: { content: account.row.welcomeText },
          });
        }
        return;
      }
      case 'msg_send_fail': {
        const id = event.fail_msgid ?? '';
        if (!/^[0-9a-f]{32}$/.test(id)) return;
        const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
        const reason = `微信客服发送失败 / WeCom could not deliver the message (fail_type ${event.fail_type ?? '?'})`;
        const failed = await markFailed(ctx.db, workspaceId, uuid, reason);
        if (failed && event.external_userid) {
          const follower = await touchFollower(ctx.db, account, event.external_userid, { interaction: false });
          publishStatus(
            ctx.realtime,
            { id: failed.conversationId, workspaceId, customerId: follower.customerId },
            [failed],
            'failed',
            reason,
          );
        }
        return;
      }
      case 'recall_msg': {
        const recalled = await findByIdempotencyKey(ctx.db, workspaceId, `wecom:${account.inbox.id}:${event.recall_msgid ?? ''}`);
        if (!recalled) return;
        const appended = await ctx.db.transaction((tx) =>
          appendMessage(tx, workspaceId, recalled.conversationId, {
            kind: 'event',
            senderType: 'system',
            event: { type: 'recalled', messageId: recalled.id },
          }),
        );
        publishMessage(ctx.realtime, appended.conversation, appended.message);
        return;
      }
      default:
        // session_status_change and others: logged above.
        return;
    }
  }
}
