import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { NOTIFICATION_LOCALES, TICKET_NOTIFICATION_EVENTS } from './ticket-notification-text.js';

/**
 * The emails a ticket's requester receives (ticket received, agent replied, solved with a CSAT
 * link): per workspace, per event, in 简体中文 and English, editable by admins. The defaults, the
 * placeholders and the renderer are in `ticket-notification-text.ts` (zod-free, for the console).
 */
export const TicketNotificationEvent = z.enum(TICKET_NOTIFICATION_EVENTS);
export type TicketNotificationEvent = z.infer<typeof TicketNotificationEvent>;
export const NotificationLocale = z.enum(NOTIFICATION_LOCALES);
export type NotificationLocale = z.infer<typeof NotificationLocale>;

export const NotificationText = z.object({
  subject: z.string().trim().min(1).max(300),
  body: z.string().trim().min(1).max(10_000),
});
export type NotificationText = z.infer<typeof NotificationText>;

export const NotificationTexts = z.object({ 'zh-CN': NotificationText, en: NotificationText });
export type NotificationTexts = z.infer<typeof NotificationTexts>;

export const TicketNotificationTemplate = z.object({
  event: TicketNotificationEvent,
  enabled: z.boolean(),
  templates: NotificationTexts,
  /** True until an admin saves this event: the texts are the shipped defaults. */
  isDefault: z.boolean(),
  /** The placeholders this event's texts may use. */
  variables: z.array(z.string()),
  updatedAt: Timestamp.nullable(),
  updatedById: Id.nullable(),
});
export type TicketNotificationTemplate = z.infer<typeof TicketNotificationTemplate>;

export const TicketNotificationTemplateList = z.object({ items: z.array(TicketNotificationTemplate) });

/** A path names an event like an id names a row: an unknown one is a 404, not a 400. */
export const TicketNotificationEventParams = z.object({ workspaceId: Id, event: z.string().max(50) });

export const UpdateTicketNotificationTemplateRequest = z.object({
  enabled: z.boolean(),
  templates: NotificationTexts,
});
export type UpdateTicketNotificationTemplateRequest = z.infer<typeof UpdateTicketNotificationTemplateRequest>;

/** The requester's rating of a solved ticket, from the link in the solved email (once per ticket). */
export const TicketCsat = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  ratedAt: Timestamp,
});
export type TicketCsat = z.infer<typeof TicketCsat>;
