import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { inboxes } from '../../modules/inboxes/schema.js';
import { workspaceIdColumn } from '../../modules/workspaces/schema.js';

/**
 * One WeChat account behind an inbox: an Official Account (kind `wechat`) or a WeCom customer
 * service account (kind `wecom`). Secrets live in `secrets`, written and read only through
 * `secrets.ts`, and never returned by the API.
 */
export const wechatAccounts = pgTable('wechat_accounts', {
  inboxId: uuid('inbox_id')
    .primaryKey()
    .references(() => inboxes.id, { onDelete: 'cascade' }),
  workspaceId: workspaceIdColumn(),
  kind: text('kind', { enum: ['wechat', 'wecom'] }).notNull(),
  /** The AppID (Official Account) or CorpID (WeCom): the receiver id inside encrypted messages. */
  appId: text('app_id').notNull(),
  /** WeCom: the customer-service account (open_kfid) this inbox serves. */
  openKfid: text('open_kfid'),
  mode: text('mode', { enum: ['plain', 'compatible', 'safe'] })
    .notNull()
    .default('safe'),
  /** Sealed { appSecret, token, encodingAESKey }. */
  secrets: jsonb('secrets').$type<Record<string, string>>().notNull(),
  welcomeText: text('welcome_text'),
  /** Custom-menu CLICK key → routing topic (put on the conversation's pre-chat `topic`). */
  menuTopics: jsonb('menu_topics').$type<Record<string, string>>().notNull().default({}),
  /** Messages allowed per 48-hour window after the customer's last message. */
  quotaPerWindow: integer('quota_per_window').notNull().default(5),
  /** WeCom: the sync_msg cursor, saved after every page. */
  syncCursor: text('sync_cursor'),
  /** WeCom: the token of the latest callback notice, and when a pull was asked for (cleared when done). */
  syncToken: text('sync_token'),
  pullRequestedAt: timestampMs('pull_requested_at'),
  lastInboundAt: timestampMs('last_inbound_at'),
  lastError: text('last_error'),
  lastErrorAt: timestampMs('last_error_at'),
  createdAt: createdAt(),
});

/** The access_token of an account: one holder for the whole cluster (row lock while fetching). */
export const wechatTokens = pgTable('wechat_tokens', {
  inboxId: uuid('inbox_id')
    .primaryKey()
    .references(() => inboxes.id, { onDelete: 'cascade' }),
  workspaceId: workspaceIdColumn(),
  accessToken: text('access_token'),
  expiresAt: timestampMs('expires_at'),
  fetchedAt: timestampMs('fetched_at'),
  fetches: integer('fetches').notNull().default(0),
});

/** A WeChat user of an account (OpenID, or WeCom external_userid) and what they allow us to send. */
export const wechatFollowers = pgTable(
  'wechat_followers',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    openId: text('open_id').notNull(),
    unionId: text('union_id'),
    customerId: uuid('customer_id').notNull(),
    subscribed: boolean('subscribed').notNull().default(true),
    scene: text('scene'),
    /** The customer's last message or event: opens the 48-hour window. */
    lastInteractionAt: timestampMs('last_interaction_at'),
    /** Messages sent since then (the quota). */
    sentSinceInteraction: integer('sent_since_interaction').notNull().default(0),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('wechat_followers_open_id_unique').on(table.inboxId, table.openId),
    index('wechat_followers_customer_idx').on(table.inboxId, table.customerId),
  ],
);

/**
 * While a callback waits for the first reply to answer passively, outbound deliveries on the
 * conversation hold back (deferred) until `until`.
 */
export const wechatPassiveWindows = pgTable('wechat_passive_windows', {
  conversationId: uuid('conversation_id').primaryKey(),
  workspaceId: workspaceIdColumn(),
  triggerMessageId: uuid('trigger_message_id').notNull(),
  afterSeq: integer('after_seq').notNull(),
  until: timestampMs('until').notNull(),
});

/** Who sends an outbound message: the passive reply or the API. The first claim wins, so nothing goes twice. */
export const wechatOutboundClaims = pgTable('wechat_outbound_claims', {
  messageId: uuid('message_id').primaryKey(),
  workspaceId: workspaceIdColumn(),
  via: text('via', { enum: ['passive', 'api'] }).notNull(),
  triggerMessageId: uuid('trigger_message_id'),
  sentAt: timestampMs('sent_at'),
  createdAt: createdAt(),
});

/** Events already handled (FromUserName + CreateTime + event), so WeChat's retries are no-ops. */
export const wechatSeenEvents = pgTable(
  'wechat_seen_events',
  {
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.inboxId, table.key] })],
);

/** Every inbound callback and outbound API call of an inbox, without secrets: for troubleshooting. */
export const wechatCallLog = pgTable(
  'wechat_call_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    operation: text('operation').notNull(),
    ok: boolean('ok').notNull(),
    errcode: integer('errcode'),
    detail: text('detail').notNull().default(''),
    createdAt: createdAt(),
  },
  (table) => [index('wechat_call_log_inbox_idx').on(table.inboxId, table.id)],
);

/**
 * Signed callbacks already accepted, by the signed `timestamp` and `nonce`, with a digest of
 * the body: plain mode signs no body, so a captured query must not carry another body. Kept
 * until the timestamp leaves the replay window (then the timestamp check refuses it anyway).
 */
export const wechatCallbackNonces = pgTable(
  'wechat_callback_nonces',
  {
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    timestamp: text('timestamp').notNull(),
    nonce: text('nonce').notNull(),
    bodyDigest: text('body_digest').notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.inboxId, table.timestamp, table.nonce] }),
    index('wechat_callback_nonces_expires_idx').on(table.expiresAt),
  ],
);
