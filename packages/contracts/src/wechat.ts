import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { Inbox } from './inboxes.js';

/** How the Official Account's callbacks are protected (set the same on the WeChat admin page). */
export const WechatMode = z.enum(['plain', 'compatible', 'safe']);

const Credentials = {
  /** AppID (Official Account) or CorpID (WeCom). */
  appId: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'an AppID such as wx1234567890abcdef, or a CorpID'),
  /** AppSecret, or the WeCom customer-service Secret. Never returned by the API. */
  appSecret: z.string().min(8).max(128),
  /** The callback Token (3–32 letters and digits). */
  token: z.string().regex(/^[A-Za-z0-9]{3,32}$/, '3 to 32 letters and digits'),
  /** The 43-character EncodingAESKey. */
  encodingAESKey: z.string().regex(/^[A-Za-z0-9]{43}$/, '43 letters and digits'),
};

const Behaviour = {
  mode: WechatMode,
  /** Sent as the passive reply to a new follower (公众号) or when a WeCom session starts. */
  welcomeText: z.string().trim().max(600).nullable(),
  /** Custom-menu CLICK key → routing topic. */
  menuTopics: z.record(z.string().min(1).max(128), z.string().trim().min(1).max(50)),
  /** Messages allowed per 48 hours after the customer's last message (WeChat's quota). */
  quotaPerWindow: z.number().int().min(1).max(100),
};

export const CreateWechatInboxRequest = z.object({
  kind: z.enum(['wechat', 'wecom']),
  name: z.string().trim().min(1).max(100),
  defaultTeamId: Id.nullable().default(null),
  ...Credentials,
  /** WeCom: the customer-service account's open_kfid. */
  openKfid: z.string().min(1).max(64).nullable().default(null),
  mode: Behaviour.mode.default('safe'),
  welcomeText: Behaviour.welcomeText.default(null),
  menuTopics: Behaviour.menuTopics.default({}),
  quotaPerWindow: Behaviour.quotaPerWindow.default(5),
});
export type CreateWechatInboxRequest = z.infer<typeof CreateWechatInboxRequest>;

export const UpdateWechatInboxRequest = z
  .object({ ...Credentials, ...Behaviour, openKfid: z.string().min(1).max(64).nullable() })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

export const WechatInbox = z.object({
  inbox: Inbox,
  appId: z.string(),
  openKfid: z.string().nullable(),
  mode: WechatMode,
  welcomeText: z.string().nullable(),
  menuTopics: z.record(z.string(), z.string()),
  quotaPerWindow: z.number().int(),
  /** Paste this into the WeChat admin page (服务器地址 URL). */
  callbackUrl: z.string(),
});

export const WechatLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Entries older than this id (page backwards). */
  before: z.coerce.number().int().positive().optional(),
});

export const WechatLogEntry = z.object({
  id: z.number().int(),
  direction: z.enum(['in', 'out']),
  operation: z.string(),
  ok: z.boolean(),
  errcode: z.number().int().nullable(),
  detail: z.string(),
  createdAt: Timestamp,
});

export const WechatHealth = z.object({
  lastInboundAt: Timestamp.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: Timestamp.nullable(),
  token: z.object({ state: z.enum(['none', 'valid', 'expired']), expiresAt: Timestamp.nullable(), fetches: z.number().int() }),
});

/** What the composer shows before replying on a WeChat conversation. */
export const WechatWindow = z.object({
  subscribed: z.boolean(),
  /** When the 48-hour window closes (null: the customer never wrote). */
  windowEndsAt: Timestamp.nullable(),
  windowOpen: z.boolean(),
  quota: z.number().int(),
  remaining: z.number().int(),
});
