import { z } from 'zod';
import { Id } from './common.js';
import { Attachment, Conversation, DeliveryState, Message, MessageText } from './conversations.js';
import { PreChatField } from './inboxes.js';

/**
 * The web-chat widget's protocol: a little HTTP to start, then Socket.IO namespace `/widget`
 * authenticated with the visitor token (`auth: { visitorToken }`).
 */

export const WidgetConfigQuery = z.object({ inboxKey: z.string().min(8).max(100) });

export const WidgetConfig = z.object({
  inboxId: Id,
  name: z.string(),
  color: z.string(),
  greeting: z.object({ 'zh-CN': z.string(), en: z.string() }),
  offlineMessage: z.object({ 'zh-CN': z.string(), en: z.string() }),
  preChatForm: z.object({ enabled: z.boolean(), fields: z.array(PreChatField) }),
  attachments: z.object({ maxBytes: z.number().int(), contentTypes: z.array(z.string()) }),
  requireIdentity: z.boolean(),
  csatEnabled: z.boolean(),
  /** Whether the inbox's team is open and has an agent online now. */
  online: z.boolean(),
  /** When the team is closed: when it opens again (ISO time), else null. */
  opensAt: z.string().nullable(),
  /**
   * The inbox's bot, when it is on: the widget opens on the chat at any hour (the bot answers
   * even with nobody online) and shows the leave-a-message form only when a person is wanted.
   */
  bot: z.object({ enabled: z.boolean(), name: z.string() }),
  /** Whether the server can mail one-time codes: the widget offers "verify your email" only then. */
  emailVerification: z.boolean(),
});

export const VisitorContext = z.object({
  pageUrl: z.string().max(2000).optional(),
  pageTitle: z.string().max(500).optional(),
  referrer: z.string().max(2000).optional(),
  userAgent: z.string().max(1000).optional(),
  language: z.string().max(35).optional(),
  screen: z.string().max(20).optional(),
  timezone: z.string().max(64).optional(),
});

/** Signed by the host site: HMAC-SHA256(inbox secret, userId + timestamp), hex. */
export const SignedIdentity = z.object({
  userId: z.string().min(1).max(200),
  timestamp: z.number().int().describe('Unix seconds'),
  signature: z.string().regex(/^[0-9a-f]{64}$/i, 'hex HMAC-SHA256'),
  name: z.string().max(200).optional(),
  email: z.email().max(254).optional(),
  phone: z.string().max(40).optional(),
});

export const StartVisitorSessionRequest = z.object({
  inboxKey: z.string().min(8).max(100),
  /** A token from an earlier session on this browser (localStorage), to keep the same visitor. */
  visitorToken: z.string().min(10).max(200).optional(),
  identity: SignedIdentity.optional(),
  context: VisitorContext.default({}),
});

export const VisitorSession = z.object({
  visitorToken: z.string(),
  visitorId: z.string(),
  customerId: Id,
  verified: z.boolean(),
  /** The open conversation, if any (its history comes over the socket). */
  conversationId: Id.nullable(),
});

/** The visitor asks for a one-time code to prove an email address they typed is theirs. */
export const RequestIdentityCode = z.object({
  kind: z.literal('email'),
  value: z.email().max(254),
});

export const IdentityCodeSent = z.object({
  sentTo: z.string(),
  expiresAt: z.string(),
});

export const VerifyIdentityCode = RequestIdentityCode.extend({
  code: z.string().regex(/^[0-9]{6}$/, 'the 6-digit code from the mail'),
});

export const IdentityVerified = z.object({
  /** The customer the visitor now is: another one when the address belonged to an existing customer (merged). */
  customerId: Id,
  merged: z.boolean(),
});

// ---- socket events: visitor → server (each with an acknowledgement) ----

export const WidgetSend = z.object({
  clientMessageId: z.string().min(1).max(100),
  text: MessageText.default(''),
  attachmentIds: z.array(Id).max(10).default([]),
  /** Answers to the pre-chat form, sent with the first message. */
  preChat: z.record(z.string().max(20), z.string().max(200)).optional(),
});

export const WidgetTyping = z.object({ typing: z.boolean() });
export const WidgetRead = z.object({ conversationId: Id, upToSeq: z.number().int().min(0) });
export const WidgetSync = z.object({ conversationId: Id, afterSeq: z.number().int().min(0) });
/** Most messages one `history` or `sync` answer carries; the rest come page by page after `nextAfterSeq`. */
export const WIDGET_PAGE_SIZE = 100;
/** `history` takes no payload, or where to continue from. */
export const WidgetHistoryRequest = z.object({ afterSeq: z.number().int().min(0).default(0) }).optional();
export const WidgetCsat = z.object({
  conversationId: Id,
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(2000).default(''),
});
/** The visitor ends the chat (“结束对话”); one still waiting for an agent counts as abandoned. */
export const WidgetEndConversation = z.object({ conversationId: Id });

export const WidgetOfflineMessage = z.object({
  clientMessageId: z.string().min(1).max(100),
  name: z.string().max(100).optional(),
  email: z.email().max(254).optional(),
  phone: z.string().max(40).optional(),
  text: MessageText.refine((text) => text.trim().length > 0, 'write a message'),
});

/** Every acknowledgement: ok with data, or a clear error. */
/** A refusal for going too fast (`rate_limited`) says when to try again. */
export type WidgetAck<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; retryAfterMs?: number } };

export const WidgetConversation = Conversation.pick({
  id: true,
  state: true,
  lastSeq: true,
  csat: true,
  createdAt: true,
  resolvedAt: true,
});

export const WidgetHistory = z.object({
  conversation: WidgetConversation.nullable(),
  messages: z.array(Message),
  /** Where the next page starts (ask `sync` with it as `afterSeq`); null when this was the last. */
  nextAfterSeq: z.number().int().nullable(),
});

// ---- socket events: server → visitor ----

export const WidgetServerEvents = {
  /** A new message in the visitor's conversation (agent reply, system event, or the visitor's own from another tab). */
  message: z.object({ conversationId: Id, seq: z.number().int(), message: Message }),
  messageStatus: z.object({ conversationId: Id, messageId: Id, seq: z.number().int(), delivery: DeliveryState }),
  typing: z.object({ conversationId: Id, typing: z.boolean(), name: z.string().nullable() }),
  conversation: z.object({ conversation: WidgetConversation }),
  /** While waiting for an agent: place in the team's queue and the estimated wait (null: unknown). */
  queue: z.object({ conversationId: Id, position: z.number().int().positive(), estimatedWaitSeconds: z.number().int().nullable() }),
};

export const UploadedAttachment = Attachment;
