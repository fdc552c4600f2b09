import {
  WidgetCsat,
  WidgetEndConversation,
  WidgetOfflineMessage,
  WidgetRead,
  WidgetSend,
  WidgetSync,
  WidgetTyping,
  type WidgetAck,
} from '@huiliu/contracts';
import { and, desc, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { ArrivalOrder } from '../../platform/arrival-order.js';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { rooms } from '../../platform/realtime.js';
import { endConversationByCustomer, findOpenConversation, markRead, rateConversation } from '../../modules/conversations/commands.js';
import { publishMessage, publishStatus, publishTyping } from '../../modules/conversations/events.js';
import { receiveInbound } from '../../modules/conversations/inbound.js';
import { conversations } from '../../modules/conversations/schema.js';
import { customerMessageView, visibleToCustomer, widgetConversationView } from '../../modules/conversations/views.js';
import { messagesAfter } from '../../modules/conversations/write-path.js';
import { addIdentity, updateCustomer } from '../../modules/customers/service.js';
import { claimAttachments } from '../../modules/files/service.js';
import { getInbox } from '../../modules/inboxes/service.js';
import { findVisitorByToken, touchVisitor, type VisitorRow } from './visitors.js';

interface VisitorSocketData {
  visitor: VisitorRow;
}

type Ack<T> = (response: WidgetAck<T>) => void;

/** Messages a visitor may send in a burst before being told to slow down. */
const BURST = 10;
/** …and how fast that allowance refills, per second. */
const REFILL_PER_SECOND = 1;
const HISTORY_LIMIT = 500;
const INBOX_CACHE_MS = 30_000;

/**
 * A token bucket per visitor, in this process: a visitor's sockets are on one node in practice,
 * and the limit only has to stop floods, not count exactly.
 */
class FloodGuard {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  take(key: string): boolean {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: BURST, at: now };
    bucket.tokens = Math.min(BURST, bucket.tokens + ((now - bucket.at) / 1000) * REFILL_PER_SECOND);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.buckets.clear();
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function failure(error: unknown): WidgetAck<never> {
  if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message } };
  if (error instanceof z.ZodError) {
    const message = error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`).join('; ');
    const tooLong = error.issues.some((issue) => issue.code === 'too_big' && issue.path[0] === 'text');
    return { ok: false, error: { code: tooLong ? 'message_too_long' : 'validation_failed', message } };
  }
  return { ok: false, error: { code: 'internal', message: 'something went wrong on our side; please try again' } };
}

/** The visitor side of the real-time gateway: namespace `/widget`, authenticated by visitor token. */
export function registerWidgetGateway(ctx: AppContext): void {
  const arrivalOrder = new ArrivalOrder();
  const guard = new FloodGuard();
  const namespace = ctx.realtime.visitors;

  namespace.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { visitorToken?: unknown }).visitorToken;
      const visitor = typeof token === 'string' && token.length < 200 ? await findVisitorByToken(ctx.db, token) : undefined;
      if (!visitor) return next(new Error('unknown visitor token; start a session first'));
      (socket.data as VisitorSocketData).visitor = visitor;
      next();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'widget socket authentication failed');
      next(new Error('could not authenticate'));
    }
  });

  namespace.on('connection', (socket: Socket) => {
    const { visitor } = socket.data as VisitorSocketData;
    void socket.join(rooms.customer(visitor.customerId));
    // When the customer was last here: a queued conversation whose customer stays gone is abandoned.
    const touch = () =>
      void touchVisitor(ctx.db, visitor.id).catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not touch visitor'));
    touch();
    socket.on('disconnect', touch);

    /** Wraps a handler: validates the payload, answers the ack, never throws into Socket.IO. */
    const handle = <Schema extends z.ZodType, Result>(
      event: string,
      schema: Schema | null,
      run: (input: z.infer<Schema>) => Promise<Result>,
    ) => {
      socket.on(event, async (...args: unknown[]) => {
        const ack = (typeof args.at(-1) === 'function' ? args.at(-1) : () => undefined) as Ack<Result>;
        try {
          const input = schema ? schema.parse(args[0]) : undefined;
          ack({ ok: true, data: await run(input as z.infer<Schema>) });
        } catch (error) {
          if (!(error instanceof AppError) && !(error instanceof z.ZodError))
            ctx.logger.error({ err: error, event }, 'widget event failed');
          ack(failure(error));
        }
      });
    };

    // The inbox is read once per socket and refreshed now and then, not on every message.
    let inboxCache: { row: Awaited<ReturnType<typeof getInbox>>; at: number } | undefined;
    const inboxOf = async () => {
      if (!inboxCache || Date.now() - inboxCache.at > INBOX_CACHE_MS)
        inboxCache = { row: await getInbox(ctx.db, visitor.workspaceId, visitor.inboxId), at: Date.now() };
      return inboxCache.row;
    };

    /** The conversation must be this customer's: no reading others' by guessing ids. */
    const ownConversation = async (conversationId: string) => {
      const [row] = await ctx.db
        .select()
        .from(conversations)
        .where(
          and(
            eq(conversations.workspaceId, visitor.workspaceId),
            eq(conversations.id, conversationId),
            eq(conversations.customerId, visitor.customerId),
          ),
        );
      if (!row) throw notFound('conversation');
      return row;
    };

    const currentConversation = async () => {
      const open = await findOpenConversation(ctx.db, visitor.workspaceId, visitor.inboxId, visitor.customerId);
      if (open) return open;
      const [latest] = await ctx.db
        .select()
        .from(conversations)
        .where(
          and(
            eq(conversations.workspaceId, visitor.workspaceId),
            eq(conversations.inboxId, visitor.inboxId),
            eq(conversations.customerId, visitor.customerId),
          ),
        )
        .orderBy(desc(conversations.createdAt))
        .limit(1);
      return latest;
    };

    const visibleAfter = async (conversationId: string, afterSeq: number) =>
      (await messagesAfter(ctx.db, visitor.workspaceId, conversationId, afterSeq, HISTORY_LIMIT, false))
        .filter(visibleToCustomer)
        .map(customerMessageView);

    handle('history', null, async () => {
      const conversation = await currentConversation();
      if (!conversation) return { conversation: null, messages: [] };
      return { conversation: widgetConversationView(conversation), messages: await visibleAfter(conversation.id, 0) };
    });

    handle('sync', WidgetSync, async (input) => {
      const conversation = await ownConversation(input.conversationId);
      return { messages: await visibleAfter(conversation.id, input.afterSeq) };
    });

    const send = (input: {
      clientMessageId: string;
      text: string;
      attachmentIds?: string[];
      preChat?: Record<string, string>;
      name?: string;
    }) => {
      // Refused at once: a flood does not queue up behind the messages being stored.
      if (!guard.take(visitor.id)) throw new AppError(429, 'rate_limited', 'you are sending messages too fast; wait a moment');
      // The widget sends without waiting for the previous answer: one customer's messages (any
      // tab) are stored in the order they came.
      return arrivalOrder.run(visitor.customerId, async () => {
        const inbox = await inboxOf();
        const attachments = await claimAttachments(
          ctx.db,
          visitor.workspaceId,
          input.attachmentIds ?? [],
          `customer:${visitor.customerId}`,
        );
        if (!input.text.trim() && attachments.length === 0) throw new AppError(400, 'empty_message', 'write a message or attach a file');
        const appended = await receiveInbound(ctx.db, {
          inbox,
          identity: { kind: 'visitor', value: visitor.visitorId },
          customerId: visitor.customerId,
          idempotencyKey: `widget:${visitor.customerId}:${input.clientMessageId}`,
          clientMessageId: input.clientMessageId,
          text: input.text,
          attachments,
          senderName: input.name ?? null,
          context: visitor.context,
          preChat: input.preChat,
        });
        if (!appended.duplicate) publishMessage(ctx.realtime, appended.conversation, appended.message);
        return appended;
      });
    };

    handle('message:send', WidgetSend, async (input) => {
      const appended = await send(input);
      if (input.preChat) await applyPreChat(input.preChat);
      return { message: customerMessageView(appended.message), conversation: widgetConversationView(appended.conversation) };
    });

    /** Pre-chat answers name the customer and add their contact identities. */
    const applyPreChat = async (preChat: Record<string, string>) => {
      if (preChat.name)
        await updateCustomer(ctx.db, visitor.workspaceId, visitor.customerId, { name: preChat.name.slice(0, 200) }).catch(() => undefined);
      if (preChat.email) await addIdentity(ctx.db, visitor.workspaceId, visitor.customerId, { kind: 'email', value: preChat.email });
      if (preChat.phone) await addIdentity(ctx.db, visitor.workspaceId, visitor.customerId, { kind: 'phone', value: preChat.phone });
    };

    handle('offline:submit', WidgetOfflineMessage, async (input) => {
      const appended = await send({ clientMessageId: input.clientMessageId, text: input.text, name: input.name });
      await applyPreChat({
        ...(input.name ? { name: input.name } : {}),
        ...(input.email ? { email: input.email } : {}),
        ...(input.phone ? { phone: input.phone } : {}),
      });
      return { conversationId: appended.conversation.id };
    });

    handle('typing', WidgetTyping, async (input) => {
      const conversation = await findOpenConversation(ctx.db, visitor.workspaceId, visitor.inboxId, visitor.customerId);
      if (conversation) publishTyping(ctx.realtime, conversation, 'customer', input.typing, null);
      return null;
    });

    handle('read', WidgetRead, async (input) => {
      const conversation = await ownConversation(input.conversationId);
      const changed = await markRead(ctx.db, visitor.workspaceId, conversation.id, 'customer', input.upToSeq);
      publishStatus(ctx.realtime, conversation, changed, 'read');
      return { updated: changed.length };
    });

    handle('csat:submit', WidgetCsat, async (input) => {
      const conversation = await ownConversation(input.conversationId);
      const appended = await ctx.db.transaction((tx) =>
        rateConversation(tx, visitor.workspaceId, conversation.id, input.rating, input.comment),
      );
      publishMessage(ctx.realtime, appended.conversation, appended.message);
      return { conversation: widgetConversationView(appended.conversation) };
    });

    handle('conversation:end', WidgetEndConversation, async (input) => {
      const conversation = await ownConversation(input.conversationId);
      const { appended } = (await ctx.db.transaction((tx) =>
        endConversationByCustomer(tx, visitor.workspaceId, conversation.id, 'customer_ended'),
      ))!;
      publishMessage(ctx.realtime, appended.conversation, appended.message);
      return { conversation: widgetConversationView(appended.conversation) };
    });

    // Malformed or unknown events are ignored rather than crashing anything.
    socket.onAny((event: unknown) => {
      if (typeof event !== 'string') socket.disconnect(true);
    });
  });
}
