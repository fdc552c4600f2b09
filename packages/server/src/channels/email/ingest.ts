import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Attachment } from '@huiliu/contracts';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { mergeConversationContext } from '../../modules/conversations/commands.js';
import { markDeliveryFailed } from '../../modules/conversations/delivery.js';
import { publishMessage } from '../../modules/conversations/events.js';
import type { ConversationRow, MessageRow } from '../../modules/conversations/views.js';
import type { Executor } from '../../modules/users/service.js';
import { appendMessage, findByIdempotencyKey } from '../../modules/conversations/write-path.js';
import { receiveInbound } from '../../modules/conversations/inbound.js';
import { storeReceivedFile } from '../../modules/files/service.js';
import { storedEmailSettings, type StoredEmailSettings } from '../../modules/inboxes/email-settings.js';
import type { InboxRow } from '../connector.js';
import { parseEmail, sanitiseEmailHtml, UnusableEmail, withoutNul, type ParsedEmail } from './parse.js';
import { permanentFailure } from './failures.js';
import { ownAddresses } from './recipients.js';
import { emailFailedImports, emailMessages } from './schema.js';
import { findThread, ownMessageId, type RefusedThread } from './threading.js';

export type EmailContext = Pick<AppContext, 'db' | 'storage' | 'realtime' | 'logger' | 'secrets'>;

export type IngestOutcome =
  | { status: 'imported'; conversationId: string; messageId: string; created: boolean }
  | { status: 'duplicate'; conversationId: string | null; messageId: string | null }
  | { status: 'bounce'; failedMessageId: string | null }
  | { status: 'failed'; reason: string; failedImportId: string };

/** The Message-ID Huiliu gives an outgoing message: derived from the message id, on the inbox's own domain. */
export function outboundMessageId(messageId: string, fromAddress: string): string {
  return `huiliu.${messageId}@${fromAddress.split('@')[1] ?? 'huiliu.local'}`;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function storeRaw(ctx: EmailContext, workspaceId: string, raw: Buffer): Promise<string> {
  const key = `${workspaceId}/email/${randomBytes(16).toString('hex')}`;
  await ctx.storage.put(key, Readable.from([raw]));
  return key;
}

/** Keeps an unusable message (raw) with the reason, once per distinct message; the import goes on. */
export async function recordFailedImport(
  ctx: EmailContext,
  inbox: InboxRow,
  raw: Buffer,
  source: string,
  reason: string,
  hints: { subject?: string | null; from?: string | null } = {},
): Promise<IngestOutcome> {
  const rawHash = sha256(raw);
  const existing = async () =>
    (
      await ctx.db
        .select({ id: emailFailedImports.id })
        .from(emailFailedImports)
        .where(and(eq(emailFailedImports.inboxId, inbox.id), eq(emailFailedImports.rawHash, rawHash)))
    )[0];
  const earlier = await existing();
  if (earlier) return { status: 'failed', reason, failedImportId: earlier.id };
  const rawStorageKey = await storeRaw(ctx, inbox.workspaceId, raw);
  const [row] = await ctx.db
    .insert(emailFailedImports)
    .values({
      workspaceId: inbox.workspaceId,
      inboxId: inbox.id,
      source,
      reason: withoutNul(reason).slice(0, 1000),
      subject: hints.subject ? withoutNul(hints.subject).slice(0, 500) : null,
      fromAddress: hints.from ? withoutNul(hints.from).slice(0, 320) : null,
      size: raw.length,
      rawHash,
      rawStorageKey,
    })
    .onConflictDoNothing()
    .returning({ id: emailFailedImports.id });
  if (!row) await ctx.storage.delete(rawStorageKey);
  // The reason only: never the content or addresses beyond the inbox, which may be personal data.
  ctx.logger.warn({ inboxId: inbox.id, source, reason }, 'email not imported');
  return { status: 'failed', reason, failedImportId: row?.id ?? (await existing())!.id };
}

async function handleBounce(ctx: EmailContext, inbox: InboxRow, raw: Buffer, source: string, mail: ParsedEmail): Promise<IngestOutcome> {
  const bounce = mail.bounce!;
  const [original] = bounce.originalMessageId
    ? await ctx.db
        .select({ messageId: emailMessages.messageId })
        .from(emailMessages)
        .where(
          and(
            eq(emailMessages.workspaceId, inbox.workspaceId),
            eq(emailMessages.direction, 'out'),
            eq(emailMessages.headerMessageId, bounce.originalMessageId),
          ),
        )
    : [];
  const ownId = ownMessageId(bounce.originalMessageId);
  const failedMessageId = original?.messageId ?? ownId ?? null;
  if (!failedMessageId)
    return recordFailedImport(ctx, inbox, raw, source, `a delivery report for a message Huiliu did not send: ${bounce.reason}`, {
      subject: mail.subject,
      from: mail.from?.address,
    });
  if (bounce.permanent) await markDeliveryFailed(ctx, inbox.workspaceId, failedMessageId, `bounced: ${bounce.reason}`);
  ctx.logger.info({ inboxId: inbox.id, messageId: failedMessageId, permanent: bounce.permanent }, 'email bounce received');
  return { status: 'bounce', failedMessageId };
}

/**
 * Tells the agent, in the new conversation, that the mail pointed at another one it was not
 * let into (a hijack attempt, or a customer writing from a new address): they can compare.
 */
async function noteRefusedThread(tx: Executor, conversation: ConversationRow, refused: RefusedThread): Promise<MessageRow> {
  const { message } = await appendMessage(
    tx,
    conversation.workspaceId,
    conversation.id,
    {
      kind: 'event',
      senderType: 'system',
      event: {
        type: 'email_thread_refused',
        mentionedConversationId: refused.conversationId,
        mentionedNumber: refused.number,
        reason: refused.reason,
      },
    },
    conversation,
  );
  return message;
}

/**
 * One inbound email, from IMAP or the SMTP listener, through the shared write path: parsed,
 * checked, threaded, its attachments and raw original stored. Idempotent on Message-ID; bad
 * input is kept as a failed import and never thrown.
 */
export async function ingestEmail(ctx: EmailContext, inbox: InboxRow, raw: Buffer, source: string): Promise<IngestOutcome> {
  const settings = storedEmailSettings(inbox.settings);
  if (raw.length > settings.maxMessageBytes)
    return recordFailedImport(
      ctx,
      inbox,
      raw,
      source,
      `the message is ${raw.length} bytes, over this inbox's limit of ${settings.maxMessageBytes}`,
    );
  let mail: ParsedEmail;
  try {
    mail = await parseEmail(raw);
  } catch (error) {
    const reason = error instanceof UnusableEmail ? error.message : `malformed message: ${(error as Error).message}`;
    return recordFailedImport(ctx, inbox, raw, source, reason);
  }
  try {
    return mail.bounce ? await handleBounce(ctx, inbox, raw, source, mail) : await importMail(ctx, inbox, settings, raw, mail);
  } catch (error) {
    const reason = permanentFailure(error);
    if (!reason) throw error; // the caller tries again later (IMAP: next round; SMTP: 451)
    ctx.logger.error({ err: error, inboxId: inbox.id, source }, 'email could not be stored; kept as a failed import');
    return recordFailedImport(ctx, inbox, raw, source, `the message ${reason}`, { subject: mail.subject, from: mail.from?.address });
  }
}

async function importMail(
  ctx: EmailContext,
  inbox: InboxRow,
  settings: StoredEmailSettings,
  raw: Buffer,
  mail: ParsedEmail,
): Promise<IngestOutcome> {
  const workspaceId = inbox.workspaceId;
  const headerMessageId = (mail.messageId ?? `sha256.${sha256(raw)}@huiliu.invalid`).slice(0, 900);
  const idempotencyKey = `email:${inbox.id}:${headerMessageId}`;
  const earlier = await findByIdempotencyKey(ctx.db, workspaceId, idempotencyKey);
  if (earlier) return { status: 'duplicate', conversationId: earlier.conversationId, messageId: earlier.id };
  const [ours] = await ctx.db
    .select({ messageId: emailMessages.messageId, conversationId: emailMessages.conversationId })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.workspaceId, workspaceId),
        eq(emailMessages.inboxId, inbox.id),
        eq(emailMessages.headerMessageId, headerMessageId),
      ),
    );
  // Our own outgoing mail seen again (a Bcc or a copy in the mailbox): already in the conversation.
  if (ours) return { status: 'duplicate', conversationId: ours.conversationId, messageId: ours.messageId };

  const from = mail.from!;
  const thread = await findThread(ctx.db, ctx.secrets, inbox, ownAddresses(settings), mail);
  const [recent] = await ctx.db
    .select({ count: sql<number>`count(*)::int` })
    .from(emailMessages)
    .where(
      and(
        eq(emailMessages.inboxId, inbox.id),
        eq(emailMessages.direction, 'in'),
        eq(emailMessages.fromAddress, from.address),
        gt(emailMessages.createdAt, sql`now() - interval '1 hour'`),
      ),
    );
  const overLimit = (recent?.count ?? 0) >= settings.autoReplyLimitPerHour;
  const autoReply = !mail.automatic && !overLimit;

  // Attachments and inline images go to file storage first; the message then refers to them.
  const uploadedBy = `email:${inbox.id}`;
  const attachments: Attachment[] = [];
  const cidUrls = new Map<string, string>();
  for (const part of mail.attachments) {
    const stored = await storeReceivedFile(ctx.db, ctx.storage, {
      workspaceId,
      uploadedBy,
      fileName: part.fileName ?? (part.contentId ? 'inline' : 'attachment'),
      contentType: part.contentType,
      bytes: part.content,
    });
    const referenced = part.contentId !== null && mail.html?.includes(`cid:${part.contentId}`);
    if (referenced) cidUrls.set(part.contentId!, stored.url);
    else attachments.push(stored);
  }
  const html = mail.html ? sanitiseEmailHtml(mail.html, cidUrls) : null;
  const rawStorageKey = await storeRaw(ctx, workspaceId, raw);
  const text = mail.body || (attachments.length ? '' : mail.subject);

  let refusedNote: MessageRow | undefined;
  const write = receiveInbound(ctx.db, {
    inbox,
    identity: { kind: 'email', value: from.address, verifiedVia: 'channel' },
    idempotencyKey,
    text,
    attachments,
    senderName: from.name ?? from.address,
    context: { subject: mail.subject, email: from.address, autoReply },
    thread: { conversationId: thread.conversationId, reopenWithinMs: settings.reopenWindowHours * 3_600_000 },
    afterAppend: async (tx, stored) => {
      await tx.insert(emailMessages).values({
        workspaceId,
        inboxId: inbox.id,
        conversationId: stored.conversation.id,
        messageId: stored.message.id,
        direction: 'in',
        headerMessageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references.slice(0, 100),
        subject: mail.subject.slice(0, 1000),
        fromAddress: from.address,
        toAddresses: mail.to.slice(0, 100),
        ccAddresses: mail.cc.slice(0, 100),
        html,
        quotedText: mail.quoted,
        autoSubmitted: mail.automatic,
        rawStorageKey,
      });
      if (stored.conversation.context.autoReply !== autoReply)
        await mergeConversationContext(tx, workspaceId, stored.conversation.id, { autoReply });
      if (thread.refused) refusedNote = await noteRefusedThread(tx, stored.conversation, thread.refused);
    },
  });
  // Not stored: the copy of the original would be nobody's (a failed import keeps its own).
  const appended = await write.catch(async (error: unknown) => {
    await ctx.storage.delete(rawStorageKey).catch(() => undefined);
    throw error;
  });
  if (appended.duplicate) {
    await ctx.storage.delete(rawStorageKey);
    return { status: 'duplicate', conversationId: appended.conversation.id, messageId: appended.message.id };
  }
  publishMessage(ctx.realtime, appended.conversation, appended.message);
  if (refusedNote) publishMessage(ctx.realtime, appended.conversation, refusedNote);
  return { status: 'imported', conversationId: appended.conversation.id, messageId: appended.message.id, created: appended.created };
}
