import { and, eq, gt, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../modules/users/service.js';
import { markDelivered } from '../../modules/conversations/delivery.js';
import { publishStatus } from '../../modules/conversations/events.js';
import { messagesAfter } from '../../modules/conversations/write-path.js';
import type { ConversationRow, MessageRow } from '../../modules/conversations/views.js';
import { wechatOutboundClaims, wechatPassiveWindows } from './schema.js';
import { wechatTextOf } from './text.js';

const POLL_MS = 100;

/** Thrown by deliver() while a callback may still answer the message passively: the outbox retries shortly. */
export class DeferredDelivery extends Error {
  constructor() {
    super('waiting for the passive-reply window of a WeChat callback to close');
    this.name = 'DeferredDelivery';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A reply WeChat can take passively: plain text, nothing attached. */
function passiveEligible(message: MessageRow): boolean {
  return message.kind === 'out' && message.attachments.length === 0 && wechatTextOf(message).trim().length > 0;
}

/**
 * The 5-second rule. After the inbound message is stored, waits up to `waitMs` for the first
 * outbound (bot or agent) message of the conversation after it. If it is one WeChat can take as
 * a passive reply, claims it — a conditional insert that deliver() also races for, so exactly
 * one of the two sends it — and returns it; otherwise undefined (answer `success`, and the API
 * sends whatever comes).
 */
export async function awaitPassiveReply(
  ctx: AppContext,
  conversation: ConversationRow,
  trigger: MessageRow,
  waitMs: number,
): Promise<MessageRow | undefined> {
  const workspaceId = conversation.workspaceId;
  await ctx.db
    .insert(wechatPassiveWindows)
    .values({
      conversationId: conversation.id,
      workspaceId,
      triggerMessageId: trigger.id,
      afterSeq: trigger.seq,
      until: sql`now() + make_interval(secs => ${(waitMs + 500) / 1000})`,
    })
    .onConflictDoUpdate({
      target: wechatPassiveWindows.conversationId,
      set: { triggerMessageId: trigger.id, afterSeq: trigger.seq, until: sql`now() + make_interval(secs => ${(waitMs + 500) / 1000})` },
    });
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const after = await messagesAfter(ctx.db, workspaceId, conversation.id, trigger.seq, 50, false);
      const first = after.find((message) => message.kind === 'out');
      if (first) {
        if (!passiveEligible(first)) return undefined;
        const claimed = await claim(ctx.db, workspaceId, first.id, 'passive', trigger.id);
        if (!claimed) return undefined;
        const changed = await markDelivered(ctx.db, workspaceId, first.id);
        if (changed) publishStatus(ctx.realtime, conversation, [changed], 'delivered');
        return first;
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(POLL_MS);
    }
  } finally {
    await ctx.db
      .delete(wechatPassiveWindows)
      .where(and(eq(wechatPassiveWindows.conversationId, conversation.id), eq(wechatPassiveWindows.triggerMessageId, trigger.id)))
      .catch(() => undefined);
  }
}

/** The message that answered `trigger` passively, for a retried callback to answer the same. */
export async function passiveReplyFor(db: Executor, workspaceId: string, triggerMessageId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ messageId: wechatOutboundClaims.messageId })
    .from(wechatOutboundClaims)
    .where(
      and(
        eq(wechatOutboundClaims.workspaceId, workspaceId),
        eq(wechatOutboundClaims.triggerMessageId, triggerMessageId),
        eq(wechatOutboundClaims.via, 'passive'),
      ),
    );
  return row?.messageId;
}

/** Claims a message for one way of sending; false when the other way has it already. */
export async function claim(
  db: Executor,
  workspaceId: string,
  messageId: string,
  via: 'passive' | 'api',
  triggerMessageId: string | null = null,
) {
  const inserted = await db
    .insert(wechatOutboundClaims)
    .values({ messageId, workspaceId, via, triggerMessageId })
    .onConflictDoNothing()
    .returning({ messageId: wechatOutboundClaims.messageId });
  if (inserted.length > 0) return true;
  const [existing] = await db.select().from(wechatOutboundClaims).where(eq(wechatOutboundClaims.messageId, messageId));
  return existing?.via === via;
}

export async function claimOf(db: Executor, messageId: string) {
  const [row] = await db.select().from(wechatOutboundClaims).where(eq(wechatOutboundClaims.messageId, messageId));
  return row;
}

export async function markSent(db: Executor, messageId: string): Promise<void> {
  await db
    .update(wechatOutboundClaims)
    .set({ sentAt: sql`now()` })
    .where(eq(wechatOutboundClaims.messageId, messageId));
}

/** True while a callback on this conversation may still take `message` as its passive reply. */
export async function passiveWindowOpen(db: Executor, conversationId: string, message: MessageRow): Promise<boolean> {
  const [row] = await db
    .select()
    .from(wechatPassiveWindows)
    .where(and(eq(wechatPassiveWindows.conversationId, conversationId), gt(wechatPassiveWindows.until, sql`now()`)));
  return !!row && message.seq > row.afterSeq;
}
