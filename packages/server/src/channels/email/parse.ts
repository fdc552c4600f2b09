import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { splitQuoted } from './quotes.js';

export interface ParsedAttachment {
  fileName: string | undefined;
  contentType: string;
  content: Buffer;
  /** Content-ID without brackets, for inline (`cid:`) images. */
  contentId: string | null;
  inline: boolean;
}

export interface Bounce {
  /** Message-ID of the message that bounced, when the report says. */
  originalMessageId: string | null;
  /** e.g. `5.1.1 <x@example.com>: user unknown`. */
  reason: string;
  permanent: boolean;
}

export interface ParsedEmail {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  /** Plain text: the whole body (from the HTML when there is no text part). */
  text: string;
  /** The new part of a reply and the quoted history under it. */
  body: string;
  quoted: string;
  /** The HTML part as sent (not yet safe: sanitise with `sanitiseEmailHtml` after resolving `cid:`). */
  html: string | null;
  attachments: ParsedAttachment[];
  /** RFC 3834 and friends: an automatic message that must never get an automatic answer. */
  automatic: boolean;
  bounce: Bounce | null;
}

/** PostgreSQL refuses U+0000 in text and jsonb, and mail can carry it; the raw .eml keeps the original bytes. */
export const withoutNul = (value: string) => value.replaceAll('\u0000', '');

/**
 * A Message-ID as stored and compared. One longer than any real client makes would not fit the
 * unique indexes it is looked up by (PostgreSQL refuses an index row over ~2.7 kB, every time:
 * the mailbox would be stuck on it), so it is replaced by its digest — the same on each
 * reference to it, which keeps threading.
 */
const MAX_MESSAGE_ID_BYTES = 250;
function storableMessageId(value: string): string {
  if (Buffer.byteLength(value) <= MAX_MESSAGE_ID_BYTES) return value;
  return `sha256.${createHash('sha256').update(value).digest('hex')}@huiliu.invalid`;
}

/** `<a@b>` → `a@b`. */
export function bareMessageId(value: string): string {
  return storableMessageId(withoutNul(value).trim().replace(/^<|>$/g, '').trim());
}

function messageIdList(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const all = Array.isArray(value) ? value : [value];
  return all
    .flatMap((item) => item.match(/<[^<>\s]+>/g) ?? [item])
    .map(bareMessageId)
    .filter(Boolean);
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const all = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return all
    .flatMap((group) => group.value)
    .flatMap((entry) => (entry.address ? [withoutNul(entry.address).toLowerCase()] : []))
    .filter(Boolean);
}

function headerText(value: HeaderValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value && 'value' in value && typeof value.value === 'string') return value.value;
  return String(value);
}

const VALID_ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)$/i;

function isAutomatic(mail: ParsedMail, fromAddress: string | null): boolean {
  const header = (name: string) => headerText(mail.headers.get(name)).trim().toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (['bulk', 'list', 'junk', 'auto_reply'].includes(header('precedence'))) return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || mail.headers.has('x-autoresponse')) return true;
  if (header('x-auto-response-suppress').includes('all') && /auto/i.test(header('x-ms-exchange-generated-message-source'))) return true;
  if (mail.headers.has('list-id') || mail.headers.has('list-unsubscribe')) return true;
  if (fromAddress && DAEMON.test(fromAddress.split('@')[0]!)) return true;
  return false;
}

function reportType(mail: ParsedMail): string | null {
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (contentType?.value?.toLowerCase() !== 'multipart/report') return null;
  return contentType.params?.['report-type']?.toLowerCase() ?? '';
}

/** A DSN (RFC 3464): which message bounced and why. */
async function readBounce(mail: ParsedMail): Promise<Bounce | null> {
  if (reportType(mail) !== 'delivery-status') return null;
  const status = mail.attachments.find((part) => part.contentType.toLowerCase() === 'message/delivery-status');
  // mailparser shows a message/delivery-status part as text; some versions as an attachment.
  const fields = status?.content.toString('utf8') ?? mail.text ?? '';
  const field = (name: string) =>
    fields
      .match(new RegExp(`^${name}:\\s*(.+(?:\\r?\\n[ \\t].+)*)`, 'im'))?.[1]
      ?.replace(/\s+/g, ' ')
      .trim();
  const action = field('Action')?.toLowerCase();
  if (action && action !== 'failed' && action !== 'delayed') return null;
  const code = field('Status') ?? '';
  const diagnostic = field('Diagnostic-Code')?.replace(/^smtp;\s*/i, '');
  const recipient = field('Final-Recipient')?.replace(/^rfc822;\s*/i, '');
  let originalMessageId: string | null = null;
  const original = mail.attachments.find((part) => ['message/rfc822', 'text/rfc822-headers'].includes(part.contentType.toLowerCase()));
  if (original) originalMessageId = (await simpleParser(original.content)).messageId ?? null;
  const reason = [code, recipient ? `<${recipient}>` : '', diagnostic ?? mail.text?.trim().split('\n')[0] ?? ''].filter(Boolean).join(' ');
  return {
    originalMessageId: originalMessageId ? bareMessageId(originalMessageId) : null,
    reason: withoutNul(reason).slice(0, 1000) || 'the message bounced',
    permanent: action !== 'delayed' && !code.startsWith('4'),
  };
}

/** Thrown for mail that cannot be imported; the reason is shown to admins. */
export class UnusableEmail extends Error {}

/**
 * Parses a raw RFC 5322 message with mailparser (charsets incl. GB2312/GBK/GB18030/Big5,
 * RFC 2047 encoded words, quoted-printable and base64 bodies, attachments, inline images).
 */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { keepCidLinks: true, skipTextLinks: true, skipImageLinks: true });
  } catch (error) {
    throw new UnusableEmail(`malformed MIME: ${(error as Error).message}`);
  }
  if (mail.headers.size === 0) throw new UnusableEmail('malformed message: no headers');
  const sender = mail.from?.value[0];
  const fromAddress = sender?.address ? withoutNul(sender.address).trim().toLowerCase() : null;
  const bounce = await readBounce(mail);
  if (!bounce && (!fromAddress || !VALID_ADDRESS.test(fromAddress))) throw new UnusableEmail('missing or invalid From address');
  const html = typeof mail.html === 'string' ? withoutNul(mail.html) : null;
  const text = withoutNul(mail.text ?? (html !== null ? htmlToPlain(html) : ''))
    .replace(/\r\n/g, '\n')
    .trim();
  const split = splitQuoted(text);
  return {
    messageId: mail.messageId ? bareMessageId(mail.messageId) : null,
    inReplyTo: messageIdList(mail.inReplyTo)[0] ?? null,
    references: messageIdList(mail.references),
    subject: withoutNul(mail.subject ?? '').trim(),
    from: fromAddress ? { address: fromAddress, name: withoutNul(sender?.name ?? '').trim() || null } : null,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    text,
    body: split.body,
    quoted: split.quoted,
    html,
    attachments: mail.attachments
      .filter((part) => !['message/delivery-status', 'text/rfc822-headers'].includes(part.contentType.toLowerCase()))
      .map((part) => ({
        fileName: part.filename === undefined ? undefined : withoutNul(part.filename),
        contentType: withoutNul(part.contentType),
        content: part.content,
        contentId: part.contentId ? withoutNul(part.contentId).trim().replace(/^<|>$/g, '').trim() : null,
        inline: part.contentDisposition === 'inline' || Boolean(part.related),
      })),
    automatic: bounce !== null || isAutomatic(mail, fromAddress),
    bounce,
  };
}

function htmlToPlain(html: string): string {
  const withBreaks = html.replace(/<(br|\/p|\/div|\/li|\/tr|\/h\d)\b[^>]*>/gi, '\n');
  return sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n');
}

/**
 * HTML safe to show in the console: no scripts, styles, event handlers, forms or frames; links
 * open in a new tab without referrer; images only from our own file URLs (`cid:` images are
 * rewritten to stored files first; remote images, often trackers, are dropped).
 */
export function sanitiseEmailHtml(html: string, cidUrls: Map<string, string>): string {
  const resolved = html.replace(/(["'(])cid:([^"')\s]+)/gi, (match, quote: string, cid: string) => {
    const url = cidUrls.get(decodeURIComponent(cid));
    return url ? `${quote}${url}` : match;
  });
  return sanitizeHtml(resolved, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span'],
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      font: ['color'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src?.startsWith('/files/'),
    transformTags: { a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }) },
  });
}
