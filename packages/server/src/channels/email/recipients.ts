import { MAX_REPLY_CC } from '@huiliu/contracts';
import { and, desc, eq } from 'drizzle-orm';
import type { ConversationRow } from '../../modules/conversations/views.js';
import { identityOf } from '../../modules/customers/service.js';
import type { StoredEmailSettings } from '../../modules/inboxes/email-settings.js';
import type { Executor } from '../../modules/users/service.js';
import { emailMessages } from './schema.js';

/** The customer's last mail, as far as addressing goes. */
interface LastInbound {
  fromAddress: string | null;
  toAddresses: string[];
  ccAddresses: string[];
}

/** The addresses that are this inbox itself: a reply never copies them back to us, and they are no conversation's participant. */
export function ownAddresses(settings: StoredEmailSettings): string[] {
  return [settings.smtp?.fromAddress, settings.smtp?.replyTo, settings.imap?.user].filter(
    (value): value is string => typeof value === 'string' && value.includes('@'),
  );
}

/**
 * Who a reply goes to: the customer (the sender of their last mail, else their known address),
 * and as CC either what the agent chose or — reply-all — everyone else on that last mail. This
 * inbox and the customer never appear on the CC line, no address twice; an automatic message
 * (bot, out-of-hours) answers the sender alone (RFC 3834).
 */
export function replyRecipients(input: {
  lastIn: LastInbound | undefined;
  customerAddress: string | null;
  own: string[];
  chosenCc: string[] | undefined;
  automatic: boolean;
}): { to: string | null; cc: string[] } {
  const to = input.lastIn?.fromAddress ?? input.customerAddress;
  if (input.automatic) return { to, cc: [] };
  const proposed = input.chosenCc ?? [...(input.lastIn?.toAddresses ?? []), ...(input.lastIn?.ccAddresses ?? [])];
  const left = new Set([to, ...input.own].filter((value): value is string => value !== null).map((value) => value.toLowerCase()));
  const cc: string[] = [];
  for (const address of proposed) {
    const key = address.trim().toLowerCase();
    if (!key || left.has(key)) continue;
    left.add(key);
    cc.push(address.trim());
  }
  // The API refuses a longer list; a reply-all default is cut to the same length.
  return { to, cc: cc.slice(0, MAX_REPLY_CC) };
}

/** The customer's last mail in the conversation (its sender and who else was on it). */
async function lastInbound(db: Executor, conversationId: string) {
  const [row] = await db
    .select()
    .from(emailMessages)
    .where(and(eq(emailMessages.conversationId, conversationId), eq(emailMessages.direction, 'in')))
    .orderBy(desc(emailMessages.createdAt))
    .limit(1);
  return row;
}

/** `replyRecipients` for a conversation, read from its mail and customer; with the last mail, which the reply answers. */
export async function recipientsOf(
  db: Executor,
  conversation: Pick<ConversationRow, 'id' | 'workspaceId' | 'customerId'>,
  settings: StoredEmailSettings,
  choice: { chosenCc?: string[]; automatic: boolean },
) {
  const lastIn = await lastInbound(db, conversation.id);
  const customerAddress = lastIn?.fromAddress
    ? null
    : ((await identityOf(db, conversation.workspaceId, conversation.customerId, 'email')) ?? null);
  const { to, cc } = replyRecipients({
    lastIn,
    customerAddress,
    own: ownAddresses(settings),
    chosenCc: choice.chosenCc,
    automatic: choice.automatic,
  });
  return { to, cc, lastIn };
}
