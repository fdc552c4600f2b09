import type { AppContext } from '../../platform/context.js';
import { readWorkspaceFile } from '../../modules/files/service.js';
import type { ChannelConnector, DeliveryOutcome } from '../connector.js';
import { findAccountByInbox, type WechatAccount } from './accounts.js';
import { OUTSIDE_WINDOW, OVER_QUOTA, type WechatApi } from './api.js';
import { countSent, followerOfCustomer, windowOf } from './followers.js';
import { claim, claimOf, DeferredDelivery, markSent, passiveWindowOpen } from './passive.js';
import { wechatTextOf } from './text.js';
import type { MessageRow } from '../../modules/conversations/views.js';

export const REASONS = {
  window:
    '超出 48 小时回复窗口：客户 48 小时内未发消息，微信不允许再主动发送 (45015) / outside the 48-hour window: the customer has not written for 48 hours (45015)',
  quota:
    '已达 48 小时内的发送上限，需等客户再次发消息 (45047) / over the quota of messages per 48 hours; wait for the customer to write again (45047)',
  unsubscribed: '客户已取消关注，无法发送 / the customer unfollowed the account; nothing can be sent',
  noFollower: '找不到该客户的微信身份 / no WeChat user for this customer on this inbox',
};

/** WeChat wants message ids of at most 32 characters: a UUID without its dashes. */
export const wecomMsgId = (messageId: string) => messageId.replaceAll('-', '');

/**
 * Outbound for Official Account (`message/custom/send`) and WeCom (`kf/send_msg`) inboxes.
 * Called at least once per message from the outbox: a message answered passively, or already
 * sent, is not sent again; while a callback may still answer passively, delivery is deferred.
 */
export function wechatConnector(ctx: AppContext, api: WechatApi, kind: 'wechat' | 'wecom'): ChannelConnector {
  return {
    kind,
    async deliver(conversation, message): Promise<DeliveryOutcome> {
      const existing = await claimOf(ctx.db, message.id);
      if (existing?.via === 'passive' || existing?.sentAt) return { delivery: 'delivered' };
      if (!existing) {
        if (await passiveWindowOpen(ctx.db, conversation.id, message)) throw new DeferredDelivery();
        if (!(await claim(ctx.db, conversation.workspaceId, message.id, 'api'))) return { delivery: 'delivered' };
      }
      const account = await findAccountByInbox(ctx.db, ctx.secrets, conversation.inboxId);
      if (!account) return { delivery: 'failed', reason: 'the inbox is no longer a WeChat inbox' };
      const follower = await followerOfCustomer(ctx.db, account.inbox.id, conversation.customerId);
      if (!follower) return { delivery: 'failed', reason: REASONS.noFollower };
      if (!follower.subscribed && kind === 'wechat') return { delivery: 'failed', reason: REASONS.unsubscribed };
      const window = windowOf(follower, account.row.quotaPerWindow);
      if (!window.windowOpen) return { delivery: 'failed', reason: REASONS.window };
      if (window.remaining <= 0) return { delivery: 'failed', reason: REASONS.quota };

      const bodies = await messageBodies(ctx, api, account, conversation.workspaceId, message);
      for (const body of bodies) {
        const result =
          kind === 'wecom'
            ? await api.call(account, 'kf.send_msg', '/cgi-bin/kf/send_msg', {
                touser: follower.openId,
                open_kfid: account.row.openKfid,
                msgid: bodies.length > 1 ? `${wecomMsgId(message.id).slice(0, 30)}${bodies.indexOf(body)}` : wecomMsgId(message.id),
                ...body,
              })
            : await api.call(account, 'custom.send', '/cgi-bin/message/custom/send', { touser: follower.openId, ...body });
        const errcode = typeof result.errcode === 'number' ? result.errcode : 0;
        if (errcode === OUTSIDE_WINDOW) return { delivery: 'failed', reason: REASONS.window };
        if (errcode === OVER_QUOTA) return { delivery: 'failed', reason: REASONS.quota };
        if (errcode === -1) throw new Error(`WeChat is busy (-1): ${result.errmsg ?? ''}`);
        if (errcode !== 0)
          return { delivery: 'failed', reason: `微信拒绝了消息 / WeChat refused the message (${errcode}: ${result.errmsg ?? ''})` };
      }
      await markSent(ctx.db, message.id);
      await countSent(ctx.db, follower.id);
      return { delivery: 'delivered' };
    },
  };
}

/** Text first, then each image (uploaded as temporary media, sent by media_id). */
async function messageBodies(
  ctx: AppContext,
  api: WechatApi,
  account: WechatAccount,
  workspaceId: string,
  message: MessageRow,
): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  const text = wechatTextOf(message);
  if (text.trim()) bodies.push({ msgtype: 'text', text: { content: text } });
  for (const attachment of message.attachments) {
    if (!attachment.contentType.startsWith('image/')) {
      bodies.push({ msgtype: 'text', text: { content: `[附件] ${attachment.name}` } });
      continue;
    }
    const file = await readWorkspaceFile(ctx.db, ctx.storage, workspaceId, attachment.id);
    const form = new FormData();
    form.append('media', new Blob([file.bytes], { type: file.contentType }), file.name);
    const uploaded = await api.call(account, 'media.upload', '/cgi-bin/media/upload', form, { type: 'image' });
    if (typeof uploaded.media_id !== 'string') throw new Error(`image upload failed: ${uploaded.errcode} ${uploaded.errmsg}`);
    bodies.push({ msgtype: 'image', image: { media_id: uploaded.media_id } });
  }
  return bodies;
}
