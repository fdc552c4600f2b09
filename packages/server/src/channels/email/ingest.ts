import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Attachment } from '@huiliu/contracts';
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { mergeConversationContext } from '../../modules/conversations/commands.js';
import { markDeliveryFailed } from '../../modules/conversations/delivery.js';
import { publishMessage } from '../../modules/conversations/events.js';
import { receiveInbound } from '../../modules/conversations/inbound.js';
import { conversations, messages } from '../../modules/conversations/schema.js';
import { findByIdempotencyKey } from '../../modules/conversations/write-path.js';
import { storeReceivedFile } from '../../modules/files/service.js';
import { storedEmailSettings } from '../../modules/inboxes/email-settings.js';
import type { InboxRow } from '../connector.js';
import { parseEmail, sanitiseEmailHtml, UnusableEmail, type ParsedEmail } from './parse.js';
import { emailFailedImports, emailMessages } from './schema.js';

export type EmailContext = Pick<AppContext, 'db' | 'storage' | 'realtime' | 'logger'>;

export type IngestOutcome =
  | { status: 'imported'; conversationId: string; messageId: string; created: boolean }
  | { status: 'duplicate'; conversationId: string | null; messageId: string | null }
  | { status: 'bounce'; failedMessageId: string | null }
  | { status: 'failed'; reason: string; failedImportId: string };

/** The Message-ID Huiliu gives an outgoing message: derived from the message id, on the inbox's own domain. */
export function outboundMessageId(messageId: string, fromAddress: string): string {
  return `huiliu.${messageId}@${fromAddress.split('@')[1] ?? 'huiliu.local'}`;
}
const OWN_MESSAGE_ID = /^huiliu\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i;
const SUBJECT_TOKEN = /\[#(\d{1,15})\]/;

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
      reason: reason.slice(0, 1000),
      subject: hints.subject?.slice(0, 500) ?? null,
      fromAddress: hints.from?.slice(0, 320) ?? null,
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

/** The conversation a reply belongs to: by In-Reply-To / References, else by the `[#123]` subject token. */
async function findThread(ctx: EmailContext, inbox: InboxRow, mail: ParsedEmail): Promise<string | null> {
  const candidates = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((id): id is string => Boolean(id)))].slice(
    0,
    50,
  );
  if (candidates.length > 0) {
    const [known] = await ctx.db
      .select({ conversationId: emailMessages.conversationId })
      .from(emailMessages)
      .where(
        and(
          eq(emailMessages.workspaceId, inbox.workspaceId),
          eq(emailMessages.inboxId, inbox.id),
          inArray(emailMessages.headerMessageId, candidates),
        ),
      )
      .orderBy(desc(emailMessages.createdAt))
      .limit(1);
    if (known) return known.conversationId;
    // One of ours whose record was not written (a crash right after sending): the id says which message.
    const ownIds = candidates.flatMap((id) => id.match(OWN_MESSAGE_ID)?.[1] ?? []);
    if (ownIds.length > 0) {
      const [own] = await ctx.db
        .select({ conversationId: messages.conversationId })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.workspaceId, inbox.workspaceId), eq(conversations.inboxId, inbox.id), inArray(messages.id, ownIds)))
        .limit(1);
      if (own) return own.conversationId;
    }
  }
  const token = mail.subject.match(SUBJECT_TOKEN)?.[1];
  if (token) {
    const [byNumber] = await ctx.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(eq(conversations.workspaceId, inbox.workspaceId), eq(conversations.inboxId, inbox.id), eq(conversations.number, Number(token))),
      );
    if (byNumber) return byNumber.id;
  }
  return null;
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
  const ownId = bounce.originalMessageId?.match(OWN_MESSAGE_ID)?.[1];
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
  if (mail.bounce) return handleBounce(ctx, inbox, raw, source, mail);

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
  const threadId = await findThread(ctx, inbox, mail);
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

  const appended = await receiveInbound(ctx.db, {
    inbox,
    identity: { kind: 'email', value: from.address },
    idempotencyKey,
    text,
    attachments,
    senderName: from.name ?? from.address,
    context: { subject: mail.subject, email: from.address, autoReply },
    thread: { conversationId: threadId, reopenWithinMs: settings.reopenWindowHours * 3_600_000 },
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
    },
  });
  if (appended.duplicate) {
    await ctx.storage.delete(rawStorageKey);
    return { status: 'duplicate', conversationId: appended.conversation.id, messageId: appended.message.id };
  }
  publishMessage(ctx.realtime, appended.conversation, appended.message);
  return { status: 'imported', conversationId: appended.conversation.id, messageId: appended.message.id, created: appended.created };
}
