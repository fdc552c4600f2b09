import { randomBytes } from 'node:crypto';
import type { Attachment } from '@huiliu/contracts';
import type { ArrivalOrder } from '../../platform/arrival-order.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { publishMessage } from '../../modules/conversations/events.js';
import { receiveInbound } from '../../modules/conversations/inbound.js';
import type { MessageRow } from '../../modules/conversations/views.js';
import { getBotSettings } from '../../modules/bot/settings.js';
import type { Executor } from '../../modules/users/service.js';
import { touchInbound, type WechatAccount } from './accounts.js';
import type { WechatApi } from './api.js';
import { assertSignature, decryptMessage, encryptMessage, msgSignature, WechatCryptoError } from './crypto.js';
import { touchFollower } from './followers.js';
import { logCall } from './log.js';
import { assertNotReplayed } from './nonces.js';
import { fetchInboundMedia } from './media.js';
import { awaitPassiveReply, passiveReplyFor } from './passive.js';
import { wechatSeenEvents } from './schema.js';
import { wechatTextOf } from './text.js';
import { buildEncryptedEnvelope, buildPassiveReply, field, parseXml, toWechatMessage, WechatXmlError, type WechatMessage } from './xml.js';
import { findByIdempotencyKey, messagesAfter } from '../../modules/conversations/write-path.js';

export interface CallbackQuery {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
  encrypt_type?: string;
  msg_signature?: string;
  openid?: string;
}

export interface OfficialDeps {
  ctx: AppContext;
  api: WechatApi;
  passiveWaitMs: number;
  /** Keeps each follower's messages in arrival order while they are stored. */
  arrivalOrder: ArrivalOrder;
}

/** What WeChat expects when there is nothing to say: the literal `success` (an empty body works too). */
export const SUCCESS = 'success';

/** Maps a protocol failure to a 4xx the caller (and the log) can read. */
export function protocolError(error: unknown): AppError | undefined {
  if (error instanceof WechatCryptoError) {
    return error.code === 'bad_signature'
      ? new AppError(401, 'bad_signature', 'the WeChat signature does not match (check the Token)')
      : new AppError(400, `bad_message_${error.code}`, `the encrypted message could not be opened: ${error.message}`);
  }
  if (error instanceof WechatXmlError) return new AppError(400, 'bad_xml', error.message);
  return undefined;
}

/** GET: WeChat checks the URL — echo `echostr` when the signature is right. */
export function verifyOfficialUrl(account: WechatAccount, query: CallbackQuery): string {
  assertSignature(query.signature, account.secrets.token, query.timestamp ?? '', query.nonce ?? '');
  if (typeof query.echostr !== 'string') throw new AppError(400, 'missing_echostr', 'echostr is missing');
  return query.echostr;
}

/** Opens a callback body: checks the signature(s), decrypts when encrypted; returns the message XML. */
export function openOfficialEnvelope(account: WechatAccount, query: CallbackQuery, body: string): { xml: string; encrypted: boolean } {
  const { token, encodingAESKey } = account.secrets;
  const timestamp = query.timestamp ?? '';
  const nonce = query.nonce ?? '';
  const outer = parseXml(body);
  const encrypt = field(outer, 'Encrypt');
  if (query.encrypt_type === 'aes' || (encrypt !== undefined && account.row.mode === 'safe')) {
    if (!encrypt) throw new WechatXmlError('<Encrypt> is missing');
    assertSignature(query.msg_signature, token, timestamp, nonce, encrypt);
    return { xml: decryptMessage(encodingAESKey, account.row.appId, encrypt), encrypted: true };
  }
  if (account.row.mode === 'safe') throw new AppError(400, 'encryption_required', 'this inbox is in safe mode: messages must be encrypted');
  assertSignature(query.signature, token, timestamp, nonce);
  return { xml: body, encrypted: false };
}

function sealReply(account: WechatAccount, xml: string, encrypted: boolean): string {
  if (!encrypted) return xml;
  const encrypt = encryptMessage(account.secrets.encodingAESKey, account.row.appId, xml);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE());
  return buildEncryptedEnvelope(encrypt, msgSignature(account.secrets.token, timestamp, nonce, encrypt), timestamp, nonce);
}

function textReply(account: WechatAccount, message: WechatMessage, text: string, encrypted: boolean): string {
  const xml = buildPassiveReply(message.fromUserName, message.toUserName, Math.floor(Date.now() / 1000), { type: 'text', content: text });
  return sealReply(account, xml, encrypted);
}

/** The text stored for a message, and which media to fetch. */
function describe(message: WechatMessage): { text: string; media?: { id: string; kind: 'image' | 'voice' | 'video' } } | undefined {
  switch (message.type) {
    case 'text':
      return { text: message.content };
    case 'image':
      return { text: '', media: { id: message.mediaId, kind: 'image' } };
    case 'voice':
      return { text: message.recognition ?? '[语音]', media: { id: message.mediaId, kind: 'voice' } };
    case 'video':
    case 'shortvideo':
      return { text: '[视频]', media: { id: message.mediaId, kind: 'video' } };
    case 'location':
      return { text: `[位置] ${message.label} (${message.latitude}, ${message.longitude})` };
    case 'link':
      return { text: `[链接] ${message.title}\n${message.url}` };
    default:
      return undefined;
  }
}

/** Remembers an event; false when it was seen before (a retry). */
async function firstSighting(deps: OfficialDeps, account: WechatAccount, key: string): Promise<boolean> {
  const inserted = await deps.ctx.db
    .insert(wechatSeenEvents)
    .values({ workspaceId: account.inbox.workspaceId, inboxId: account.inbox.id, key })
    .onConflictDoNothing()
    .returning({ key: wechatSeenEvents.key });
  return inserted.length > 0;
}

/**
 * POST: one callback. Stores what the customer sent (once, however often WeChat retries), then
 * answers within the 5-second rule: a passive reply if a reply comes in time, else `success`.
 */
export async function handleOfficialCallback(
  deps: OfficialDeps,
  account: WechatAccount,
  query: CallbackQuery,
  body: string,
): Promise<string> {
  const { ctx } = deps;
  const { xml, encrypted } = openOfficialEnvelope(account, query, body);
  const signed = { timestamp: query.timestamp ?? '', nonce: query.nonce ?? '' };
  await assertNotReplayed(ctx.db, account, signed, body, ctx.config.WECHAT_REPLAY_WINDOW_SECONDS);
  const fields = parseXml(xml);
  const message = toWechatMessage(fields);
  const unionId = field(fields, 'UnionId') ?? field(fields, 'UnionID');
  await touchInbound(ctx.db, account.inbox.id);
  await logCall(ctx.db, account.inbox.workspaceId, account.inbox.id, {
    direction: 'in',
    operation: `callback.${message.type}`,
    ok: true,
    detail: `${message.type} from ${message.fromUserName}${'msgId' in message && message.msgId ? ` MsgId ${message.msgId}` : ''}${encrypted ? ' (encrypted)' : ''}`,
  });
  const eventKey = `${message.fromUserName}:${message.createTime}:${message.type}`;

  if (message.type === 'subscribe') {
    const first = await firstSighting(deps, account, eventKey);
    if (first) await touchFollower(ctx.db, account, message.fromUserName, { subscribed: true, scene: message.scene, unionId });
    const welcome = account.row.welcomeText ?? (await botGreeting(ctx.db, account));
    return welcome ? textReply(account, message, welcome, encrypted) : SUCCESS;
  }
  if (message.type === 'unsubscribe') {
    if (await firstSighting(deps, account, eventKey)) {
      await touchFollower(ctx.db, account, message.fromUserName, { subscribed: false, interaction: false });
    }
    return SUCCESS;
  }
  if (message.type === 'scan' || message.type === 'view' || message.type === 'other') {
    if (await firstSighting(deps, account, eventKey)) await touchFollower(ctx.db, account, message.fromUserName, { unionId });
    return SUCCESS;
  }

  // One follower's messages are stored in the order they came: a photo still downloading must
  // not land after the text sent just behind it. (Only the storing: the wait for a passive reply
  // below would eat into the next callback's 5 seconds.)
  const appended = await deps.arrivalOrder.run(`${account.inbox.id}:${message.fromUserName}`, async () => {
    let text: string;
    let attachments: Attachment[] = [];
    let preChat: Record<string, string> | undefined;
    let idempotencyKey: string;
    if (message.type === 'click') {
      const topic = account.row.menuTopics[message.key];
      text = `[菜单] ${topic ?? message.key}`;
      preChat = topic ? { topic } : undefined;
      idempotencyKey = `wechat:${account.inbox.id}:event:${eventKey}`;
    } else {
      const described = describe(message)!;
      text = described.text;
      idempotencyKey = `wechat:${account.inbox.id}:${(message as { msgId: string }).msgId}`;
      const earlier = await findByIdempotencyKey(ctx.db, account.inbox.workspaceId, idempotencyKey);
      if (!earlier && described.media) {
        const attachment = await fetchInboundMedia(ctx, deps.api, account, described.media.id, described.media.kind);
        if (attachment) attachments = [attachment];
        else if (!text) text = '[图片]';
      }
    }
    const follower = await touchFollower(ctx.db, account, message.fromUserName, { unionId });
    return receiveInbound(ctx.db, {
      inbox: account.inbox,
      identity: { kind: 'wechat_openid', value: message.fromUserName, verifiedVia: 'channel' },
      customerId: follower.customerId,
      idempotencyKey,
      text,
      attachments,
      context: { wechat: { openId: message.fromUserName } },
      preChat,
    });
  });
  if (appended.duplicate) {
    // A retry: answer what the first attempt answered, if it had a passive reply.
    const repliedId = await passiveReplyFor(ctx.db, account.inbox.workspaceId, appended.message.id);
    if (!repliedId) return SUCCESS;
    const replied = (
      await messagesAfter(ctx.db, account.inbox.workspaceId, appended.conversation.id, appended.message.seq, 50, false)
    ).find((row: MessageRow) => row.id === repliedId);
    return replied ? textReply(account, message, wechatTextOf(replied), encrypted) : SUCCESS;
  }
  publishMessage(ctx.realtime, appended.conversation, appended.message);
  const reply = await awaitPassiveReply(ctx, appended.conversation, appended.message, deps.passiveWaitMs);
  if (!reply) return SUCCESS;
  await logCall(ctx.db, account.inbox.workspaceId, account.inbox.id, {
    direction: 'out',
    operation: 'passive_reply',
    ok: true,
    detail: `message ${reply.id} answered passively${encrypted ? ' (encrypted)' : ''}`,
  });
  return textReply(account, message, wechatTextOf(reply), encrypted);
}

/** A new follower is greeted by the inbox's own welcome text, else by its bot when the bot is on. */
async function botGreeting(db: Executor, account: WechatAccount): Promise<string | null> {
  const settings = await getBotSettings(db, account.inbox.workspaceId, account.inbox.id);
  return settings.enabled && settings.greeting ? settings.greeting : null;
}
