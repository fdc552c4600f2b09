export * from './common.js';
export * from './permissions.js';
export * from './auth.js';
export * from './workspaces.js';
export * from './customers.js';
export * from './conversations.js';
export * from './inboxes.js';
export * from './widget.js';
export * from './wechat.js';
export * from './canned-responses.js';
export * from './dispositions.js';
export * from './supervision.js';
export * from './staffing.js';
export * from './knowledge.js';
export * from './email.js';
export * from './markdown.js';
export * from './calendars.js';
export * from './sla.js';
export { SlaSummary, SlaSort, type SlaChangedEvent } from './sla-summary.js';
export * from './ticket-fields.js';
export * from './tickets.js';
export * from './ticket-links.js';
export * from './text.js';
export * from './automations.js';
export * from './callbacks.js';
export * from './ticket-views.js';
export * from './macro-text.js';
export * from './ticket-notifications.js';
export {
  DEFAULT_TICKET_NOTIFICATIONS,
  NOTIFICATION_LOCALES,
  REPLY_TEXT_VARIABLE,
  SAMPLE_NOTIFICATION_VALUES,
  TICKET_NOTIFICATION_EVENTS,
  TICKET_NOTIFICATION_VARIABLES,
  renderNotificationText,
  templateProblems,
  type NotificationValues,
  type TemplateProblem,
} from './ticket-notification-text.js';
export * from './reviews.js';
export * from './reports.js';
