import { asc, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { readAttachments } from '../../modules/files/service.js';
import { storedEmailSettings } from '../../modules/inboxes/email-settings.js';
import { getInbox } from '../../modules/inboxes/service.js';
import { ticketReplyMail } from '../../modules/tickets/notifications/reply-mail.js';
import type { ConversationRow, MessageRow } from '../../modules/conversations/views.js';
import type { ChannelConnector, DeliveryOutcome } from '../connector.js';
import { outboundMessageId } from './ingest.js';
import { recipientsOf } from './recipients.js';
import { emailMessages } from './schema.js';
import { SmtpTransports } from './smtp-pool.js';
import { ANY_TOKEN, threadToken } from './thread-token.js';

const REPLY_PREFIX = /^\s*((re|fw|fwd|aw|sv|答复|回复|转发)\s*[:：]\s*)+/i;

/** `Re: <subject> [#number-mac]`: the customer's client threads it, and the signed token threads their answer even without headers. */
export function replySubject(subject: string, token: string): string {
  const base = subject.replace(REPLY_PREFIX, '').replace(ANY_TOKEN, ' ').trim() || '您的咨询 Your enquiry';
  return `Re: ${base} ${token}`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function htmlOf(text: string, signature: string): string {
  const paragraphs = (value: string) =>
    value
      .split(/\n{2,}/)
      .map((part) => `<p>${escapeHtml(part).replace(/\n/g, '<br>')}</p>`)
      .join('\n');
  return `<!doctype html><html><body>${paragraphs(text)}${signature ? `\n<div class="signature" style="color:#666">${paragraphs(signature)}</div>` : ''}</body></html>`;
}

/** Tells a permanent SMTP refusal (5xx: fail the message, an agent may retry) from a transient problem (retry with backoff). */
function permanentFailure(error: unknown): string | null {
  const err = error as { responseCode?: number; response?: string; message?: string };
  if (typeof err.responseCode === 'number' && err.responseCode >= 500) return `${err.response ?? err.message ?? 'refused'}`.slice(0, 1000);
  return null;
}

/**
 * Email outbound: an agent's (or the bot's) message goes out by SMTP as a reply in the customer's
 * thread. At least once, idempotent by message id: the Message-ID is derived from Huiliu's
 * message id, and a message recorded as sent is not sent again.
 */
export function emailConnector(ctx: Pick<AppContext, 'db' | 'storage' | 'secrets' | 'logger' | 'config'>): ChannelConnector {
  const transports = new SmtpTransports(ctx.secrets);
  return {
    kind: 'email',
    close: async () => transports.close(),
    async deliver(conversation: ConversationRow, message: MessageRow, options: { retry?: boolean } = {}): Promise<DeliveryOutcome> {
      const workspaceId = conversation.workspaceId;
      const [already] = await ctx.db.select({ id: emailMessages.id }).from(emailMessages).where(eq(emailMessages.messageId, message.id));
      if (already && !options.retry) return { delivery: 'sent' };
      const inbox = await getInbox(ctx.db, workspaceId, conversation.inboxId);
      const settings = storedEmailSettings(inbox.settings);
      if (!settings.smtp) return { delivery: 'failed', reason: 'no SMTP server is configured for this inbox' };
      const automatic = message.senderType === 'system' || message.senderType === 'bot';
      const { to, cc, lastIn } = await recipientsOf(ctx.db, conversation, settings, { chosenCc: message.deliveryOptions?.cc, automatic });
      if (!to) return { delivery: 'failed', reason: 'the customer has no email address' };
      const thread = await ctx.db
        .select({ headerMessageId: emailMessages.headerMessageId })
        .from(emailMessages)
        .where(eq(emailMessages.conversationId, conversation.id))
        .orderBy(asc(emailMessages.createdAt));
      const references = thread.map((row) => row.headerMessageId).slice(-20);
      const inReplyTo = lastIn?.headerMessageId ?? references.at(-1);
      const subject = replySubject(lastIn?.subject ?? String(conversation.context.subject ?? ''), threadToken(ctx.secrets, conversation));
      const headerMessageId = outboundMessageId(message.id, settings.smtp.fromAddress);
      const attachments = await readAttachments(
        ctx.db,
        ctx.storage,
        workspaceId,
        message.attachments.map((attachment) => attachment.id),
      );
      // A ticket's public reply is dressed by the "agent replied" template; the subject stays the
      // thread's (with its token), so the customer's client and our threading keep the thread.
      const body = (await ticketReplyMail(ctx, conversation, message))?.text ?? message.text;
      const text = settings.signature ? `${body}\n\n-- \n${settings.signature}` : body;
      try {
        await transports.send(inbox.id, settings.smtp, {
          from: { name: settings.smtp.fromName || inbox.name, address: settings.smtp.fromAddress },
          ...(settings.smtp.replyTo ? { replyTo: settings.smtp.replyTo } : {}),
          to,
          ...(cc.length ? { cc } : {}),
          subject,
          text,
          html: htmlOf(body, settings.signature),
          messageId: `<${headerMessageId}>`,
          ...(inReplyTo ? { inReplyTo: `<${inReplyTo}>` } : {}),
          ...(references.length ? { references: references.map((id) => `<${id}>`) } : {}),
          attachments: attachments.map((file) => ({ filename: file.name, content: file.content, contentType: file.contentType })),
          headers: automatic ? { 'Auto-Submitted': 'auto-replied' } : {},
        });
      } catch (error) {
        const reason = permanentFailure(error);
        ctx.logger.warn(
          { inboxId: inbox.id, messageId: message.id, permanent: reason !== null, code: (error as { code?: string }).code },
          'email send failed',
        );
        if (reason) return { delivery: 'failed', reason };
        throw error; // transient: the outbox retries with backoff
      }
      await ctx.db
        .insert(emailMessages)
        .values({
          workspaceId,
          inboxId: inbox.id,
          conversationId: conversation.id,
          messageId: message.id,
          direction: 'out',
          headerMessageId,
          inReplyTo: inReplyTo ?? null,
          references,
          subject,
          fromAddress: settings.smtp.fromAddress,
          toAddresses: [to],
          ccAddresses: cc,
          autoSubmitted: automatic,
        })
        .onConflictDoNothing();
      return { delivery: 'sent' };
    },
  };
}
