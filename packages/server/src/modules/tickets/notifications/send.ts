import type { TicketNotificationEvent } from '@huiliu/contracts';
import { and, eq } from 'drizzle-orm';
import { emailMessages } from '../../../channels/email/schema.js';
import type { AppContext } from '../../../platform/context.js';
import type { OutboxEvent } from '../../../platform/outbox/relay.js';
import { workspaces } from '../../workspaces/schema.js';
import { ticketConversations, tickets } from '../schema.js';
import type { TicketRow } from '../views.js';
import { csatToken } from '../csat/token.js';
import { csatPath } from '../csat/page.js';
import { composeNotification, type ComposedNotification } from './compose.js';
import { ticketNotificationDeliveries } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'config' | 'mailer' | 'logger' | 'secrets' | 'outbox'>;

/** Sources whose requester is told by email that the ticket exists (a chat customer is told in the chat). */
const RECEIVED_SOURCES = new Set<TicketRow['sourceChannel']>(['web_form', 'email', 'api']);

/**
 * Sends one requester email once: the delivery row is claimed (unique per workspace and key)
 * before the mail goes out, so an outbox event handled twice sends nothing the second time; a
 * failed send lets go of the claim and throws, and the outbox's retry sends it again.
 */
async function sendOnce(ctx: Ctx, ticket: TicketRow, event: TicketNotificationEvent, dedupeKey: string, mail: ComposedNotification) {
  const [claimed] = await ctx.db
    .insert(ticketNotificationDeliveries)
    .values({ workspaceId: ticket.workspaceId, ticketId: ticket.id, event, dedupeKey, toAddress: mail.to, locale: mail.locale })
    .onConflictDoNothing()
    .returning({ id: ticketNotificationDeliveries.id });
  if (!claimed) return;
  try {
    await ctx.mailer.send({ to: mail.to, subject: mail.subject, text: mail.text });
  } catch (error) {
    await ctx.db.delete(ticketNotificationDeliveries).where(eq(ticketNotificationDeliveries.id, claimed.id));
    throw error;
  }
}

/** An email ticket opened by an autoresponder or a mailing list gets no "received" mail: it would answer a robot, maybe forever. */
async function openedByAutomaticMail(ctx: Ctx, ticket: TicketRow): Promise<boolean> {
  const rows = await ctx.db
    .select({ automatic: emailMessages.autoSubmitted })
    .from(ticketConversations)
    .innerJoin(emailMessages, and(eq(emailMessages.conversationId, ticketConversations.conversationId), eq(emailMessages.direction, 'in')))
    .where(eq(ticketConversations.ticketId, ticket.id));
  return rows.some((row) => row.automatic);
}

async function onTicketEvent(ctx: Ctx, event: OutboxEvent) {
  const { ticketId, eventId, type, data } = event.payload as { ticketId: string; eventId: string; type: string; data?: { to?: string } };
  const solved = type === 'status_changed' && data?.to === 'solved';
  if (type !== 'created' && !solved) return;
  const [ticket] = await ctx.db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, event.workspaceId), eq(tickets.id, ticketId)));
  if (!ticket || ticket.mergedIntoId) return;
  if (!ctx.mailer.configured) {
    ctx.logger.warn({ ticketId }, 'a ticket notification is due but no SMTP_URL is set to send it');
    return;
  }
  if (type === 'created') {
    if (!RECEIVED_SOURCES.has(ticket.sourceChannel)) return;
    if (ticket.sourceChannel === 'email' && (await openedByAutomaticMail(ctx, ticket))) return;
    const mail = await composeNotification(ctx, ticket, 'ticket_received');
    if (mail) await sendOnce(ctx, ticket, 'ticket_received', `ticket_received:${ticket.id}`, mail);
    return;
  }
  const [workspace] = await ctx.db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, ticket.workspaceId));
  const csatUrl = `${ctx.config.publicUrl}${csatPath(workspace!, csatToken(ctx.secrets, ticket, new Date()))}`;
  const mail = await composeNotification(ctx, ticket, 'ticket_solved', { 'csat.url': csatUrl });
  if (mail) await sendOnce(ctx, ticket, 'ticket_solved', `ticket_solved:${eventId}`, mail);
}

/**
 * The requester's "ticket received" and "solved" emails, from the ticket history's outbox
 * events: sent only once the change committed, at least once, never twice. ("Agent replied" is
 * the reply's own email: see `reply-mail.ts`.)
 */
export function subscribeTicketNotifications(ctx: Ctx): void {
  ctx.outbox.subscribe('ticket.event', (event) => onTicketEvent(ctx, event));
}
