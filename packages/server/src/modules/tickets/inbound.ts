import { eq } from 'drizzle-orm';
import type { InboxRow } from '../../channels/connector.js';
import type { AppContext } from '../../platform/context.js';
import type { Database } from '../../platform/db/pool.js';
import { registerInboundHook, type Received } from '../conversations/inbound.js';
import { storedEmailSettings } from '../inboxes/email-settings.js';
import type { Executor } from '../users/service.js';
import { createTicketFromConversation } from './commands/create-from-conversation.js';
import { receiveCustomerMessage } from './commands/receive-customer-message.js';
import { publishTicketChanged } from './history.js';
import { notifyAgent } from './notify.js';
import { ticketConversations } from './schema.js';
import type { TicketRow } from './views.js';

const SUBJECT_LENGTH = 200;

/** An email inbox set to `every_thread` turns each new thread into a ticket. */
const ticketsEveryThread = (inbox: InboxRow) =>
  inbox.kind === 'email' && storedEmailSettings(inbox.settings).createTickets === 'every_thread';

/**
 * A new conversation the customer's message started on such an inbox, not already joined to a
 * ticket (a reply to a ticket's mail, a late reply to an old thread), becomes a ticket; the
 * conversation's link makes the thread's later replies land on it.
 */
async function ticketForNewThread(tx: Executor, received: Received, inbox: InboxRow): Promise<TicketRow | null> {
  if (!received.created || !ticketsEveryThread(inbox)) return null;
  const [linked] = await tx
    .select({ id: ticketConversations.id })
    .from(ticketConversations)
    .where(eq(ticketConversations.conversationId, received.conversation.id));
  if (linked) return null;
  // The mail's subject line names the case better than its first sentence.
  const subject = received.conversation.context.subject;
  const { ticket, created } = await createTicketFromConversation(tx, {
    workspaceId: received.conversation.workspaceId,
    conversationId: received.conversation.id,
    actor: { type: 'system', id: null, name: null },
    subject: typeof subject === 'string' && subject.trim() ? subject.trim().slice(0, SUBJECT_LENGTH) : undefined,
    // An automatic mail back to every new sender would answer autoresponders and lists too.
    notifyCustomer: false,
  });
  return created ? ticket : null;
}

/**
 * Customer messages on a conversation linked to a ticket join the ticket's thread in the same
 * transaction as the message itself. A savepoint keeps the customer's message if the ticket
 * side fails: a message acknowledged to a customer is never lost because of a ticket.
 */
export function registerTicketInbound(ctx: AppContext): void {
  registerInboundHook(ctx.db, {
    async afterMessage(tx, received, inbound) {
      if (received.duplicate) return undefined;
      const previous = received.created ? received.conversation.context.previousConversationId : undefined;
      try {
        const { changed, replied } = await (tx as Database).transaction(async (savepoint) => {
          const outcome = await receiveCustomerMessage(savepoint, {
            conversation: received.conversation,
            message: received.message,
            previousConversationId: typeof previous === 'string' ? previous : null,
            created: received.created,
          });
          const opened = await ticketForNewThread(savepoint, received, inbound.inbox);
          // The ticket the message joined is the last one changed: its assignee hears the customer wrote.
          const joined = received.message.kind === 'in' ? outcome.changed.at(-1) : undefined;
          return { changed: opened ? [...outcome.changed, opened] : outcome.changed, replied: joined };
        });
        return changed.length
          ? () => {
              publishTicketChanged(ctx.realtime, changed);
              if (replied?.assigneeId) notifyAgent(ctx.realtime, replied.assigneeId, 'customer_replied', replied);
            }
          : undefined;
      } catch (error) {
        ctx.logger.error({ err: error, conversationId: received.conversation.id }, 'customer message not added to its ticket');
        return undefined;
      }
    },
  });
}
