import type { Attachment, NotificationLocale } from '@huiliu/contracts';
import { eq } from 'drizzle-orm';
import type { InboxRow } from '../../../channels/connector.js';
import type { AppContext } from '../../../platform/context.js';
import { receiveLeftMessage } from '../../conversations/left-message.js';
import { findByIdempotencyKey } from '../../conversations/write-path.js';
import { addClaim } from '../../customers/service.js';
import { createTicketFromConversation } from '../commands/create-from-conversation.js';
import { publishTicketChanged } from '../history.js';
import { ticketConversations, tickets } from '../schema.js';
import type { TicketRow } from '../views.js';
import type { HelpWorkspace } from './page.js';

export interface WebRequest {
  requestKey: string;
  name: string;
  email: string;
  subject: string;
  description: string;
  /** The ticket form the customer chose, and its values (already checked against its fields). */
  formId?: string | null;
  fields?: Record<string, unknown>;
  /** The browser's language (Accept-Language), when it is one the requester emails have: they are written in it. */
  locale?: NotificationLocale | null;
}

/** The message key of a help-center request: the form's one-time key, so a double submit finds the first. */
export const requestMessageKey = (requestKey: string) => `help-request:${requestKey}`;

/** The ticket an earlier submit of this form already made, if any. */
export async function earlierRequestTicket(db: AppContext['db'], workspaceId: string, requestKey: string): Promise<TicketRow | null> {
  const message = await findByIdempotencyKey(db, workspaceId, requestMessageKey(requestKey));
  if (!message) return null;
  const [row] = await db
    .select({ ticket: tickets })
    .from(ticketConversations)
    .innerJoin(tickets, eq(tickets.id, ticketConversations.ticketId))
    .where(eq(ticketConversations.conversationId, message.conversationId));
  return row?.ticket ?? null;
}

/**
 * A help-center request is a left message on the workspace's chat inbox, from a customer of its
 * own (the typed address is a claim and never finds or merges anyone), turned into a ticket in the
 * same transaction. Being a left message with an address, the agents' public replies on it go
 * to that address by email, for this conversation only — the rule of the widget's form.
 */
export async function submitWebRequest(
  ctx: AppContext,
  workspace: HelpWorkspace,
  inbox: InboxRow,
  request: WebRequest,
  attachments: Attachment[],
): Promise<{ ticket: TicketRow; created: boolean }> {
  let opened: TicketRow | undefined;
  const key = requestMessageKey(request.requestKey);
  const { received } = await receiveLeftMessage(
    ctx.db,
    {
      inbox,
      // One customer per request: the form proves nothing about who sent it.
      identity: { kind: 'visitor', value: key, verifiedVia: 'channel' },
      idempotencyKey: key,
      text: request.description,
      attachments,
      senderName: request.name,
      context: { helpRequest: { subject: request.subject, ...(request.locale ? { locale: request.locale } : {}) } },
    },
    { email: request.email, name: request.name },
    async (tx, conversation) => {
      const { ticket, created } = await createTicketFromConversation(tx, {
        workspaceId: workspace.id,
        conversationId: conversation.id,
        actor: { type: 'system', id: null, name: null },
        subject: request.subject,
        // The customer is not in a chat: the "ticket received" email (from the outbox, once the
        // ticket is committed) tells them the number.
        notifyCustomer: false,
        sourceChannel: 'web_form',
        formId: request.formId ?? null,
        fields: request.fields,
      });
      if (created) {
        opened = ticket;
        await addClaim(tx, workspace.id, conversation.customerId, { kind: 'email', value: request.email, source: 'offline_form' });
      }
      return null;
    },
  );
  if (opened) {
    publishTicketChanged(ctx.realtime, [opened]);
    return { ticket: opened, created: true };
  }
  const earlier = await earlierRequestTicket(ctx.db, workspace.id, request.requestKey);
  if (!earlier) throw new Error(`help-center request ${received.message.id} has no ticket`);
  return { ticket: earlier, created: false };
}
