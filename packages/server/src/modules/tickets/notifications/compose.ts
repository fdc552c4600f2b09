import {
  renderNotificationText,
  type NotificationLocale,
  type NotificationText,
  type NotificationValues,
  type TicketNotificationEvent,
} from '@huiliu/contracts';
import { and, desc, eq } from 'drizzle-orm';
import type { AppContext } from '../../../platform/context.js';
import { leftMessageOf } from '../../conversations/left-message.js';
import { conversations } from '../../conversations/schema.js';
import type { ConversationRow } from '../../conversations/views.js';
import { customerIdentities, customers } from '../../customers/schema.js';
import { workspaces } from '../../workspaces/schema.js';
import type { Executor } from '../../users/service.js';
import { portalPath } from '../portal/page.js';
import { ticketConversations } from '../schema.js';
import type { TicketRow } from '../views.js';
import { notificationTemplate } from './templates.js';

export interface ComposedNotification {
  to: string;
  locale: NotificationLocale;
  subject: string;
  text: string;
}

/** `zh`, `zh-Hans-CN`, `en-GB`… to the two languages the templates have; anything else is unknown. */
export function notificationLocaleOf(value: unknown): NotificationLocale | null {
  if (typeof value !== 'string') return null;
  const tag = value.trim().toLowerCase();
  if (tag.startsWith('zh')) return 'zh-CN';
  if (tag.startsWith('en')) return 'en';
  return null;
}

/** The ticket's most recently linked conversation (the one replies go out on). */
async function latestConversation(db: Executor, ticket: TicketRow): Promise<ConversationRow | undefined> {
  const [row] = await db
    .select({ conversation: conversations })
    .from(ticketConversations)
    .innerJoin(conversations, eq(conversations.id, ticketConversations.conversationId))
    .where(and(eq(ticketConversations.workspaceId, ticket.workspaceId), eq(ticketConversations.ticketId, ticket.id)))
    .orderBy(desc(ticketConversations.createdAt))
    .limit(1);
  return row?.conversation;
}

/**
 * Where the requester's emails go: the address typed on the help-center form (or a left
 * message) for that request — the customer asked to be answered there — else the requester's
 * proven email identity. A typed claim elsewhere is no address to write to.
 */
async function recipientOf(db: Executor, ticket: TicketRow, conversation: ConversationRow | undefined) {
  const left = conversation ? leftMessageOf(conversation)?.email : null;
  if (left) return left;
  const [identity] = await db
    .select({ value: customerIdentities.value })
    .from(customerIdentities)
    .where(
      and(
        eq(customerIdentities.workspaceId, ticket.workspaceId),
        eq(customerIdentities.customerId, ticket.requesterId),
        eq(customerIdentities.kind, 'email'),
      ),
    )
    .orderBy(desc(customerIdentities.createdAt))
    .limit(1);
  return identity?.value ?? null;
}

/**
 * The customer's language when anything tells it — the help-center form's browser language, the
 * widget visitor's, a `locale` attribute on the customer — else the workspace's default.
 */
function localeOf(
  conversation: ConversationRow | undefined,
  requester: { attributes: Record<string, unknown> } | undefined,
  workspaceLocale: NotificationLocale,
): NotificationLocale {
  const help = conversation?.context.helpRequest as { locale?: unknown } | undefined;
  return (
    notificationLocaleOf(help?.locale) ??
    notificationLocaleOf(conversation?.context.language) ??
    notificationLocaleOf(requester?.attributes.locale) ??
    workspaceLocale
  );
}

/**
 * The requester email for one event on one ticket, filled in, in the customer's language; null
 * when the event's template is disabled or nobody has an address to write to.
 */
export async function composeNotification(
  ctx: Pick<AppContext, 'db' | 'config'>,
  ticket: TicketRow,
  event: TicketNotificationEvent,
  extra: NotificationValues = {},
  options: { conversation?: ConversationRow } = {},
): Promise<ComposedNotification | null> {
  const template = await notificationTemplate(ctx.db, ticket.workspaceId, event);
  if (!template.enabled) return null;
  const conversation = options.conversation ?? (await latestConversation(ctx.db, ticket));
  const to = await recipientOf(ctx.db, ticket, conversation);
  if (!to) return null;
  const [workspace] = await ctx.db.select().from(workspaces).where(eq(workspaces.id, ticket.workspaceId));
  const [requester] = await ctx.db.select().from(customers).where(eq(customers.id, ticket.requesterId));
  const left = conversation ? leftMessageOf(conversation) : null;
  const locale = localeOf(conversation, requester, workspace!.locale);
  const values: NotificationValues = {
    'ticket.number': `#${ticket.number}`,
    'ticket.subject': ticket.subject,
    'ticket.status': ticket.status,
    'requester.name': requester?.name ?? left?.name ?? '',
    'workspace.name': workspace!.name,
    'portal.url': `${ctx.config.publicUrl}${portalPath(workspace!)}`,
    ...extra,
  };
  const rendered: NotificationText = renderNotificationText(event, template.templates[locale], values);
  return { to, locale, subject: rendered.subject.replace(/[\r\n]+/g, ' '), text: rendered.body };
}
