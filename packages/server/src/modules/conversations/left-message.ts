import { sql } from 'drizzle-orm';
import type { InboundMessage } from '../../channels/connector.js';
import type { Database } from '../../platform/db/pool.js';
import type { Executor } from '../users/service.js';
import { handOffConversation } from './commands.js';
import { receiveInbound, type Received } from './inbound.js';
import { conversations } from './schema.js';
import type { ConversationRow } from './views.js';
import { lockConversation, type Appended } from './write-path.js';

/** What the customer gave on the leave-a-message form, kept on the conversation as `context.leftMessage`. */
export interface LeftMessage {
  email: string | null;
  phone: string | null;
  name: string | null;
  at: string;
}

/** The form's contact details on a conversation, when it holds a left message. */
export function leftMessageOf(conversation: Pick<ConversationRow, 'context'>): LeftMessage | null {
  const value = conversation.context.leftMessage;
  if (!value || typeof value !== 'object') return null;
  const left = value as Partial<LeftMessage>;
  return {
    email: typeof left.email === 'string' ? left.email : null,
    phone: typeof left.phone === 'string' ? left.phone : null,
    name: typeof left.name === 'string' ? left.name : null,
    at: typeof left.at === 'string' ? left.at : '',
  };
}

/** SQL: the conversation holds no left message (the sweeps that end conversations on their own skip those that do). */
export const notLeftMessage = sql`not (${conversations.context} ? 'leftMessage')`;

/**
 * A message left on the widget's form is for a person: it joins the customer's open
 * conversation (or starts one) in the human queue, is marked left-message, and the bot never
 * answers it. A conversation still with the bot is handed off. Nobody ends it but an agent:
 * the idle and abandon sweeps skip it, because the customer was promised a reply.
 */
export async function receiveLeftMessage(
  db: Database,
  inbound: Omit<InboundMessage, 'humanOnly' | 'afterAppend'>,
  contact: { email?: string; phone?: string; name?: string },
  /**
   * More to do in the same transaction once the conversation holds the left message (the
   * channel opens a ticket for it); what it returns is published after commit.
   */
  alsoInTransaction?: (tx: Executor, conversation: ConversationRow) => Promise<Appended | null>,
): Promise<{ received: Received; handedOff: Appended | null; also: Appended | null }> {
  let handedOff: Appended | null = null;
  let also: Appended | null = null;
  const left: LeftMessage = {
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    name: contact.name ?? null,
    at: new Date().toISOString(),
  };
  const received = await receiveInbound(db, {
    ...inbound,
    humanOnly: true,
    afterAppend: async (tx: Executor, appended) => {
      if (appended.conversation.state === 'bot')
        handedOff = await handOffConversation(tx, appended.conversation.workspaceId, appended.conversation.id, {
          reason: 'left_message',
          intent: null,
        });
      // The latest form wins: the customer may correct the address on a second message.
      await tx
        .update(conversations)
        .set({ context: sql`${conversations.context} || ${JSON.stringify({ leftMessage: left })}::jsonb` })
        .where(sql`${conversations.id} = ${appended.conversation.id}`);
      const conversation = await lockConversation(tx, appended.conversation.workspaceId, appended.conversation.id);
      if (alsoInTransaction) also = await alsoInTransaction(tx, conversation);
      return conversation;
    },
  });
  return { received, handedOff, also };
}
