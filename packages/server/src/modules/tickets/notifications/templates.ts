import {
  DEFAULT_TICKET_NOTIFICATIONS,
  TICKET_NOTIFICATION_EVENTS,
  TICKET_NOTIFICATION_VARIABLES,
  templateProblems,
  type NotificationTexts,
  type TicketNotificationEvent,
  type TicketNotificationTemplate,
  type UpdateTicketNotificationTemplateRequest,
} from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import { AppError } from '../../../platform/errors.js';
import type { Executor } from '../../users/service.js';
import { ticketNotificationTemplates } from './schema.js';

type TemplateRow = typeof ticketNotificationTemplates.$inferSelect;

function templateView(event: TicketNotificationEvent, row: TemplateRow | undefined): TicketNotificationTemplate {
  return {
    event,
    enabled: row?.enabled ?? true,
    templates: row?.templates ?? DEFAULT_TICKET_NOTIFICATIONS[event],
    isDefault: !row,
    variables: [...TICKET_NOTIFICATION_VARIABLES[event]],
    updatedAt: row?.updatedAt.toISOString() ?? null,
    updatedById: row?.updatedById ?? null,
  };
}

/** The three requester emails of a workspace, each as saved by an admin or else the shipped default. */
export async function listNotificationTemplates(db: Executor, workspaceId: string): Promise<TicketNotificationTemplate[]> {
  const rows = await db.select().from(ticketNotificationTemplates).where(eq(ticketNotificationTemplates.workspaceId, workspaceId));
  return TICKET_NOTIFICATION_EVENTS.map((event) =>
    templateView(
      event,
      rows.find((row) => row.event === event),
    ),
  );
}

/** The template in force for one event (the default when none was saved). */
export async function notificationTemplate(db: Executor, workspaceId: string, event: TicketNotificationEvent) {
  const [row] = await db
    .select()
    .from(ticketNotificationTemplates)
    .where(and(eq(ticketNotificationTemplates.workspaceId, workspaceId), eq(ticketNotificationTemplates.event, event)));
  return templateView(event, row);
}

/**
 * Saves an admin's texts for one event. A placeholder the event cannot fill (a typo such as
 * `{{ticket.numbr}}`, or `{{csat.url}}` in a mail that has no rating link) would reach the
 * customer as written, so the whole save is refused with each problem named.
 */
export async function saveNotificationTemplate(
  db: Executor,
  workspaceId: string,
  userId: string | null,
  event: TicketNotificationEvent,
  change: UpdateTicketNotificationTemplateRequest,
): Promise<{ before: TicketNotificationTemplate; after: TicketNotificationTemplate }> {
  const problems = templateProblems(event, change.templates as NotificationTexts);
  if (problems.length)
    throw new AppError(
      400,
      'invalid_template',
      `the template cannot be used: ${problems.map((problem) => `${problem.locale} ${problem.part}: ${problem.message}`).join('; ')}`,
      problems.map((problem) => ({ path: `templates.${problem.locale}.${problem.part}`, message: problem.message })),
    );
  const before = await notificationTemplate(db, workspaceId, event);
  const [row] = await db
    .insert(ticketNotificationTemplates)
    .values({ workspaceId, event, enabled: change.enabled, templates: change.templates, updatedById: userId })
    .onConflictDoUpdate({
      target: [ticketNotificationTemplates.workspaceId, ticketNotificationTemplates.event],
      set: { enabled: change.enabled, templates: change.templates, updatedById: userId, updatedAt: sql`now()` },
    })
    .returning();
  return { before, after: templateView(event, row) };
}
