import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { ChannelKind } from './conversations.js';
import { EmailSettingsInput, EmailSettingsPatch } from './email.js';

export const PreChatField = z.object({
  name: z.enum(['name', 'phone', 'email', 'topic']),
  required: z.boolean().default(false),
  /** For `topic`: the choices offered. */
  options: z.array(z.string().min(1).max(50)).max(20).optional(),
});

const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #1677ff');

/**
 * A site the widget may run on: an origin (`https://shop.example.com`, a port if not the
 * default) or all subdomains of one (`https://*.example.com`). Lower-cased, no path.
 */
export const WidgetOriginPattern = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/,
    'a site such as https://shop.example.com or https://*.example.com (no path)',
  );

export const WidgetSettings = z.object({
  color: HexColor.default('#1677ff'),
  greeting: z
    .object({ 'zh-CN': z.string().max(500), en: z.string().max(500) })
    .default({ 'zh-CN': '您好！有什么可以帮您？', en: 'Hi! How can we help?' }),
  preChatForm: z.object({ enabled: z.boolean(), fields: z.array(PreChatField).max(4) }).default({ enabled: false, fields: [] }),
  /** Seconds an identity signature stays valid (replay window). */
  identityMaxAgeSeconds: z.number().int().min(30).max(86_400).default(600),
  /** Refuse visitors who do not carry a valid signed identity. */
  requireIdentity: z.boolean().default(false),
  attachments: z
    .object({
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .max(100 * 1024 * 1024),
      contentTypes: z.array(z.string().max(100)).max(50),
    })
    .default({
      maxBytes: 10 * 1024 * 1024,
      contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain', 'application/zip'],
    }),
  offlineMessage: z.object({ 'zh-CN': z.string().max(500), en: z.string().max(500) }).default({
    'zh-CN': '客服暂时不在线，请留言，我们会在工作时间尽快回复您。',
    en: 'We are offline right now. Leave a message and we will reply as soon as we are back.',
  }),
  csatEnabled: z.boolean().default(true),
  /**
   * The sites whose pages may run this chat (checked against the browser's Origin on the
   * config, the session and the socket); empty: any site.
   */
  allowedOrigins: z.array(WidgetOriginPattern).max(50).default([]),
});
export type WidgetSettings = z.infer<typeof WidgetSettings>;

/**
 * For updates: the same fields without their defaults, so a field left out keeps its stored
 * value (zod fills defaults even in `.partial()`, which would reset every unnamed setting).
 */
export const WidgetSettingsPatch = z
  .object({
    color: WidgetSettings.shape.color.unwrap(),
    greeting: WidgetSettings.shape.greeting.unwrap(),
    preChatForm: WidgetSettings.shape.preChatForm.unwrap(),
    identityMaxAgeSeconds: WidgetSettings.shape.identityMaxAgeSeconds.unwrap(),
    requireIdentity: WidgetSettings.shape.requireIdentity.unwrap(),
    attachments: WidgetSettings.shape.attachments.unwrap(),
    offlineMessage: WidgetSettings.shape.offlineMessage.unwrap(),
    csatEnabled: WidgetSettings.shape.csatEnabled.unwrap(),
    allowedOrigins: WidgetSettings.shape.allowedOrigins.unwrap(),
  })
  .partial();

export const Inbox = z.object({
  id: Id,
  kind: ChannelKind,
  name: z.string(),
  /** Public key used in the embed snippet (widget) or callback URL (webhooks). */
  publicKey: z.string(),
  defaultTeamId: Id.nullable(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  embedSnippet: z.string().nullable(),
  createdAt: Timestamp,
});

/** The channel kinds this server has a connector for: the only ones an inbox can be created for. */
export const ChannelKinds = z.object({ items: z.array(ChannelKind) });

export const InboxSecret = z.object({ secret: z.string() });

export const CreateInboxRequest = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('widget'),
    name: z.string().trim().min(1).max(100),
    defaultTeamId: Id.nullable().default(null),
    settings: WidgetSettings.partial().default({}),
  }),
  z.object({
    kind: z.literal('email'),
    name: z.string().trim().min(1).max(100),
    defaultTeamId: Id.nullable().default(null),
    settings: EmailSettingsInput,
  }),
]);

export const UpdateInboxRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    defaultTeamId: Id.nullable(),
    enabled: z.boolean(),
    /** A widget inbox takes widget settings; an email inbox email settings (a password left out keeps the stored one). */
    settings: z.union([WidgetSettingsPatch.strict(), EmailSettingsPatch]),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
