import {
  WidgetCsat,
  WIDGET_PAGE_SIZE,
  WidgetEndConversation,
  WidgetHistoryRequest,
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
import { TokenBuckets } from '../../platform/event-budget.js';
import { rooms } from '../../platform/realtime.js';
import { SOCKET_EVENT_COSTS, connectionBudget, credentialKey, widgetEventBudget } from '../../platform/socket-budgets.js';
import { guardSocket, refuseNulPackets, socketAddress } from '../../platform/socket-guard.js';
import { endConversationByCustomer, findOpenConversation, markRead, rateConversation } from '../../modules/conversations/commands.js';
import { publishMessage, publishStatus, publishTyping } from '../../modules/conversations/events.js';
import { receiveInbound } from '../../modules/conversations/inbound.js';
import { receiveLeftMessage } from '../../modules/conversations/left-message.js';
import { createTicketFromConversation } from '../../modules/tickets/commands/create-from-conversation.js';
import { publishTicketChanged } from '../../modules/tickets/history.js';
import type { TicketRow } from '../../modules/tickets/views.js';
import { conversations } from '../../modules/conversations/schema.js';
import { customerMessageView, visibleToCustomer, widgetConversationView } from '../../modules/conversations/views.js';
import { messagesAfter } from '../../modules/conversations/write-path.js';
import { addClaim, updateCustomer } from '../../modules/customers/service.js';
import { claimAttachments } from '../../modules/files/service.js';
import { getInbox, widgetSettingsOf } from '../../modules/inboxes/service.js';
import { originAllowed } from './allowed-origins.js';
import { findVisitorByToken, touchVisitor, type VisitorRow } from './visitors.js';

interface VisitorSocketData {
  visitor: VisitorRow;
}

type Ack<T> = (response: WidgetAck<T>) => void;

/**
 * Messages a visitor may send: a burst of 10, then one a second. Stricter than the budget every
 * event pays, because each message is stored, routed and shown to an agent.
 */
const MESSAGE_RULE = { burst: 10, perSecond: 1 };
const INBOX_CACHE_MS = 30_000;

function failure(error: unknown): WidgetAck<never> {
  if (error instanceof AppError) {
    const retryAfterMs = (error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    return { ok: false, error: { code: error.code, message: error.message, ...(retryAfterMs ? { retryAfterMs } : {}) } };
  }
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
  const messageBuckets = new TokenBuckets();
  const connections = connectionBudget(ctx.config);
  const budget = widgetEventBudget(ctx.config);
  const namespace = ctx.realtime.visitors;

  namespace.use(async (socket, next) => {
    try {
      // Before the token is looked up: a reconnecting flood is refused without a query.
      const refusal = connections.spend({
        principal: credentialKey(
          typeof (socket.handshake.auth as { visitorToken?: unknown }).visitorToken === 'string'
            ? (socket.handshake.auth as { visitorToken: string }).visitorToken
            : undefined,
        ),
        ip: socketAddress(socket, ctx.config.TRUST_PROXY),
      });
      if (refusal) return next(Object.assign(new Error('rate_limited'), { data: refusal }));
      const token = (socket.handshake.auth as { visitorToken?: unknown }).visitorToken;
      const visitor = typeof token === 'string' && token.length < 200 ? await findVisitorByToken(ctx.db, token) : undefined;
      if (!visitor) return next(new Error('unknown visitor token; start a session first'));
      const inbox = await getInbox(ctx.db, visitor.workspaceId, visitor.inboxId);
      if (!originAllowed(widgetSettingsOf(inbox).allowedOrigins, socket.handshake.headers.origin, ctx.config.publicUrl))
        return next(Object.assign(new Error('origin_not_allowed'), { data: { code: 'origin_not_allowed' } }));
      (socket.data as VisitorSocketData).visitor = visitor;
      next();
    } catch (error) {
      ctx.logger.warn({ err: error }, 'widget socket authentication failed');
      next(new Error('could not authenticate'));
    }
  });

  namespace.on('connection', (socket: Socket) => {
    const { visitor } = socket.data as VisitorSocketData;
    guardSocket(socket, {
      budget,
      scopes: { principal: visitor.id, workspace: visitor.workspaceId },
      costs: SOCKET_EVENT_COSTS,
      trustProxy: ctx.config.TRUST_PROXY,
    });
    refuseNulPackets(socket);
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
          // An event sent with only its ack (`history`) has no payload.
          const payload = typeof args[0] === 'function' ? undefined : args[0];
          const input = schema ? schema.parse(payload) : undefined;
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

    /** One page; the cursor is the last row read, so hidden rows (notes) never end the paging early. */
    const visibleAfter = async (conversationId: string, afterSeq: number) => {
      const rows = await messagesAfter(ctx.db, visitor.workspaceId, conversationId, afterSeq, WIDGET_PAGE_SIZE, false);
      return {
        messages: rows.filter(visibleToCustomer).map(customerMessageView),
        nextAfterSeq: rows.length === WIDGET_PAGE_SIZE ? rows.at(-1)!.seq : null,
      };
    };

    handle('history', WidgetHistoryRequest, async (input) => {
      const conversation = await currentConversation();
      if (!conversation) return { conversation: null, messages: [], nextAfterSeq: null };
      return { conversation: widgetConversationView(conversation), ...(await visibleAfter(conversation.id, input?.afterSeq ?? 0)) };
    });

    handle('sync', WidgetSync, async (input) => {
      const conversation = await ownConversation(input.conversationId);
      return visibleAfter(conversation.id, input.afterSeq);
    });

    const send = (input: {
      clientMessageId: string;
      text: string;
      attachmentIds?: string[];
      preChat?: Record<string, string>;
      name?: string;
      /** The leave-a-message form's contact details: the message is for a person, never the bot. */
      leftMessage?: { email?: string; phone?: string; name?: string };
    }) => {
      // Refused at once: a flood does not queue up behind the messages being stored.
      const retryAfterMs = messageBuckets.take([{ key: visitor.id, rule: MESSAGE_RULE }]);
      if (retryAfterMs > 0) throw new AppError(429, 'rate_limited', 'you are sending messages too fast; wait a moment', { retryAfterMs });
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
        const inbound = {
          inbox,
          identity: { kind: 'visitor' as const, value: visitor.visitorId, verifiedVia: 'channel' as const },
          customerId: visitor.customerId,
          idempotencyKey: `widget:${visitor.customerId}:${input.clientMessageId}`,
          clientMessageId: input.clientMessageId,
          text: input.text,
          attachments,
          senderName: input.name ?? null,
          context: visitor.context,
          preChat: input.preChat,
        };
        if (input.leftMessage) {
          let ticketCreated: TicketRow | undefined;
          // A left message is a case to follow up: it becomes a ticket (the same one for every message left on the conversation).
          const { received, handedOff, also } = await receiveLeftMessage(ctx.db, inbound, input.leftMessage, async (tx, conversation) => {
            const { ticket, created, notice } = await createTicketFromConversation(tx, {
              workspaceId: conversation.workspaceId,
              conversationId: conversation.id,
              actor: { type: 'system', id: null, name: null },
              notifyCustomer: true,
            });
            if (created) ticketCreated = ticket;
            return notice;
          });
          if (handedOff) publishMessage(ctx.realtime, handedOff.conversation, handedOff.message);
          if (also) publishMessage(ctx.realtime, also.conversation, also.message);
          if (ticketCreated) publishTicketChanged(ctx.realtime, [ticketCreated]);
          if (!received.duplicate) publishMessage(ctx.realtime, received.conversation, received.message);
          return received;
        }
        const appended = await receiveInbound(ctx.db, inbound);
        if (!appended.duplicate) publishMessage(ctx.realtime, appended.conversation, appended.message);
        return appended;
      });
    };

    handle('message:send', WidgetSend, async (input) => {
      const appended = await send(input);
      if (input.preChat) await applyPreChat(input.preChat);
      return { message: customerMessageView(appended.message), conversation: widgetConversationView(appended.conversation) };
    });

    /**
     * Pre-chat answers name the customer; an email or phone typed here is only a claim (shown as
     * unverified, never used to find, merge or reach anyone) until the visitor proves it.
     */
    const applyPreChat = async (preChat: Record<string, string>, source: 'pre_chat' | 'offline_form' = 'pre_chat') => {
      if (preChat.name)
        await updateCustomer(ctx.db, visitor.workspaceId, visitor.customerId, { name: preChat.name.slice(0, 200) }).catch(() => undefined);
      if (preChat.email) await addClaim(ctx.db, visitor.workspaceId, visitor.customerId, { kind: 'email', value: preChat.email, source });
      if (preChat.phone) await addClaim(ctx.db, visitor.workspaceId, visitor.customerId, { kind: 'phone', value: preChat.phone, source });
    };

    handle('offline:submit', WidgetOfflineMessage, async (input) => {
      const appended = await send({
        clientMessageId: input.clientMessageId,
        text: input.text,
        name: input.name,
        leftMessage: { email: input.email, phone: input.phone, name: input.name },
      });
      await applyPreChat(
        {
          ...(input.name ? { name: input.name } : {}),
          ...(input.email ? { email: input.email } : {}),
          ...(input.phone ? { phone: input.phone } : {}),
        },
        'offline_form',
      );
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
