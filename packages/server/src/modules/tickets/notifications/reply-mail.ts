import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.js';
import type { ConversationRow, MessageRow } from '../../conversations/views.js';
import { ticketComments, tickets } from '../schema.js';
import { composeNotification, type ComposedNotification } from './compose.js';

/**
 * "Agent replied" is not a second mail: it is the reply's own email, dressed by the template.
 * For an agent's public reply on a ticket (a ticket comment that is this channel message) that
 * goes out by email — on an email conversation, or to the address of a help-center request or
 * left message — this returns the filled-in template (its body holds `{{reply.text}}`); null
 * for any other message (a reply written in the conversation itself, a bot's, a system notice),
 * or when the template is disabled: then the reply goes out plain, as before.
 */
export async function ticketReplyMail(
  ctx: Pick<AppContext, 'db' | 'config'>,
  conversation: ConversationRow,
  message: MessageRow,
): Promise<ComposedNotification | null> {
  if (message.senderType !== 'agent' || message.kind !== 'out') return null;
  const [row] = await ctx.db
    .select({ ticket: tickets })
    .from(ticketComments)
    .innerJoin(tickets, eq(tickets.id, ticketComments.ticketId))
    .where(
      and(
        eq(ticketComments.workspaceId, conversation.workspaceId),
        eq(ticketComments.messageId, message.id),
        eq(ticketComments.visibility, 'public'),
        eq(ticketComments.authorType, 'agent'),
      ),
    );
  if (!row) return null;
  return composeNotification(
    ctx,
    row.ticket,
    'agent_replied',
    { 'reply.text': message.text, 'agent.name': message.senderName ?? '' },
    { conversation },
  );
}
