import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import type { AgentSocketHandler } from '../auth/agent-gateway.js';
import { findUserById } from '../users/service.js';
import { publishTyping } from './events.js';
import { conversations } from './schema.js';
import { messageView } from './views.js';
import { messagesAfter } from './write-path.js';

const Typing = z.object({ conversationId: z.uuid(), typing: z.boolean() });
const Subscribe = z.object({ conversationId: z.uuid() });
/** One sync answer's most messages; a console further behind refetches the conversation over HTTP (paginated). */
const AGENT_SYNC_PAGE_SIZE = 100;
const Sync = z.object({ conversationId: z.uuid(), afterSeq: z.number().int().min(0) });

/** Agent console events over the socket: typing, and catching up after a reconnect. */
export function conversationSocketHandler(ctx: AppContext): AgentSocketHandler {
  return (socket, data) => {
    const conversationOf = async (conversationId: string) => {
      const [row] = await ctx.db.select().from(conversations).where(eq(conversations.id, conversationId));
      return row && data.workspaces.has(row.workspaceId) ? row : undefined;
    };

    socket.on('typing', async (payload: unknown) => {
      const parsed = Typing.safeParse(payload);
      if (!parsed.success) return;
      const conversation = await conversationOf(parsed.data.conversationId).catch(() => undefined);
      if (!conversation) return;
      const user = await findUserById(ctx.db, data.userId);
      publishTyping(ctx.realtime, conversation, 'agent', parsed.data.typing, user?.name ?? null);
    });

    // Supervisors watching one conversation (and, later, agents who see only some) subscribe to it.
    socket.on('subscribe', async (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (response: unknown) => void) : () => undefined;
      const parsed = Subscribe.safeParse(payload);
      const conversation = parsed.success ? await conversationOf(parsed.data.conversationId).catch(() => undefined) : undefined;
      if (!conversation) return reply({ ok: false, error: { code: 'not_found', message: 'conversation not found' } });
      await socket.join(rooms.conversation(conversation.id));
      reply({ ok: true, data: { lastSeq: conversation.lastSeq } });
    });

    socket.on('sync', async (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (response: unknown) => void) : () => undefined;
      const parsed = Sync.safeParse(payload);
      if (!parsed.success) return reply({ ok: false, error: { code: 'validation_failed', message: parsed.error.message } });
      try {
        const conversation = await conversationOf(parsed.data.conversationId);
        if (!conversation) return reply({ ok: false, error: { code: 'not_found', message: 'conversation not found' } });
        const rows = await messagesAfter(ctx.db, conversation.workspaceId, conversation.id, parsed.data.afterSeq, AGENT_SYNC_PAGE_SIZE);
        reply({ ok: true, data: { messages: rows.map(messageView) } });
      } catch (error) {
        ctx.logger.error({ err: error }, 'agent sync failed');
        reply({ ok: false, error: { code: 'internal', message: 'could not load messages' } });
      }
    });
  };
}
