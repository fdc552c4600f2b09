import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/** How the connection to a mail server is secured: implicit TLS, STARTTLS upgrade, or none (tests, local relays). */
export const EmailSecurity = z.enum(['tls', 'starttls', 'none']);
export type EmailSecurity = z.infer<typeof EmailSecurity>;

const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[a-zA-Z0-9.:-]+$/, 'a host name or IP address');
const Port = z.number().int().min(1).max(65535);
const Secret = z.string().min(1).max(1024);
const Address = z.email().max(254);

export const ImapSettingsInput = z.object({
  host: Host,
  port: Port.default(993),
  security: EmailSecurity.default('tls'),
  user: z.string().min(1).max(320),
  /** Write-only: never returned. Omit on update to keep the stored one. */
  password: Secret.optional(),
  folder: z.string().min(1).max(200).default('INBOX'),
  /** Mark fetched messages \Seen on the server. */
  markSeen: z.boolean().default(true),
});

export const SmtpSettingsInput = z.object({
  host: Host,
  port: Port.default(465),
  security: EmailSecurity.default('tls'),
  /** Omit for a relay without authentication. */
  user: z.string().min(1).max(320).optional(),
  password: Secret.optional(),
  fromName: z.string().max(100).default(''),
  fromAddress: Address,
  replyTo: Address.nullable().default(null),
});

const emailFields = {
  imap: ImapSettingsInput.nullable(),
  smtp: SmtpSettingsInput.nullable(),
  /** Appended to every reply (plain text; shown as paragraphs in the HTML part). */
  signature: z.string().max(5000),
  /** A built-in SMTP server on this port for teams that forward mail to Huiliu instead of IMAP. */
  inboundSmtp: z.object({ enabled: z.boolean(), port: Port }).nullable(),
  /** A reply to a resolved conversation within this many hours reopens it; later it starts a new one linked to it. */
  reopenWindowHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 365),
  /** Larger messages are not imported (kept as a failed import). */
  maxMessageBytes: z
    .number()
    .int()
    .min(10 * 1024)
    .max(200 * 1024 * 1024),
  /** Automatic replies to one sender per hour at most; beyond it nothing automatic is sent (stops mail loops). */
  autoReplyLimitPerHour: z.number().int().min(0).max(1000),
  /** Whether a new email thread becomes a ticket by itself (`every_thread`) or only when an agent makes one (`never`). */
  createTickets: z.enum(['never', 'every_thread']),
};

/** What an admin sends to configure an email inbox. */
export const EmailSettingsInput = z.object({
  imap: emailFields.imap.default(null),
  smtp: emailFields.smtp.default(null),
  signature: emailFields.signature.default(''),
  inboundSmtp: emailFields.inboundSmtp.default(null),
  reopenWindowHours: emailFields.reopenWindowHours.default(168),
  maxMessageBytes: emailFields.maxMessageBytes.default(25 * 1024 * 1024),
  autoReplyLimitPerHour: emailFields.autoReplyLimitPerHour.default(5),
  createTickets: emailFields.createTickets.default('never'),
});
/** A change to an email inbox's settings: only the fields given change (a whole `imap` or `smtp` block at a time). */
export const EmailSettingsPatch = z.object(emailFields).partial().strict();
export type EmailSettingsInput = z.infer<typeof EmailSettingsInput>;

/** An email inbox's settings as the API shows them: passwords replaced by whether one is stored. */
export const EmailSettings = EmailSettingsInput.extend({
  imap: ImapSettingsInput.omit({ password: true }).extend({ passwordSet: z.boolean() }).nullable(),
  smtp: SmtpSettingsInput.omit({ password: true }).extend({ passwordSet: z.boolean() }).nullable(),
});
export type EmailSettings = z.infer<typeof EmailSettings>;

export const TestConnectionRequest = z.object({ direction: z.enum(['imap', 'smtp']) });

/** Why a connection test failed, in categories an admin can act on. */
export const ConnectionErrorKind = z.enum(['auth_failed', 'tls_failed', 'host_unreachable', 'timeout', 'not_configured', 'other']);

export const TestConnectionResult = z.object({
  ok: z.boolean(),
  error: ConnectionErrorKind.nullable(),
  message: z.string(),
});

/** An inbound mail that could not be imported; the raw message is kept for inspection. */
export const FailedImport = z.object({
  id: Id,
  inboxId: Id,
  source: z.string(),
  reason: z.string(),
  subject: z.string().nullable(),
  from: z.string().nullable(),
  size: z.number().int(),
  createdAt: Timestamp,
});

/** The email side of a message: headers, sanitised HTML, the quoted history split off. */
/** Who a reply in an email conversation goes to unless the agent changes the CC line (reply-all). */
export const EmailRecipients = z.object({
  to: z.string().nullable(),
  cc: z.array(z.string()),
});

export const EmailDetails = z.object({
  messageId: z.string(),
  direction: z.enum(['in', 'out']),
  subject: z.string(),
  from: z.string().nullable(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  inReplyTo: z.string().nullable(),
  /** Sanitised HTML, safe to render (no scripts, inline images point at stored files). */
  html: z.string().nullable(),
  /** The quoted earlier messages under the new text, collapsed by the console. */
  quotedText: z.string(),
  autoSubmitted: z.boolean(),
  /** True when the original is downloadable as .eml. */
  rawAvailable: z.boolean(),
});
