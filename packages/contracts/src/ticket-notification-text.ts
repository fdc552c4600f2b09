// Kept apart from the zod schemas so that browser bundles can use it without zod: the console's
// preview renders exactly as the server does, from the same defaults.
import { fillVariables } from './canned-text.js';

/** The emails a ticket's requester gets: their ticket was received, an agent answered, it was solved. */
export const TICKET_NOTIFICATION_EVENTS = ['ticket_received', 'agent_replied', 'ticket_solved'] as const;
export type TicketNotificationEvent = (typeof TICKET_NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_LOCALES = ['zh-CN', 'en'] as const;
export type NotificationLocale = (typeof NOTIFICATION_LOCALES)[number];

const COMMON = ['ticket.number', 'ticket.subject', 'ticket.status', 'requester.name', 'workspace.name', 'portal.url'] as const;

/** The placeholders each event's subject and body may use; any other `{{…}}` is refused when saved. */
export const TICKET_NOTIFICATION_VARIABLES: Record<TicketNotificationEvent, readonly string[]> = {
  ticket_received: COMMON,
  agent_replied: [...COMMON, 'agent.name', 'reply.text'],
  ticket_solved: [...COMMON, 'csat.url'],
};

/** The reply itself: an "agent replied" body without it would lose the answer, so it is required there. */
export const REPLY_TEXT_VARIABLE = 'reply.text';

export interface NotificationText {
  subject: string;
  body: string;
}
export type NotificationTexts = Record<NotificationLocale, NotificationText>;
export type NotificationValues = Partial<Record<string, string | number | null | undefined>>;

/** What a workspace sends until an admin changes it. */
export const DEFAULT_TICKET_NOTIFICATIONS: Record<TicketNotificationEvent, NotificationTexts> = {
  ticket_received: {
    'zh-CN': {
      subject: '已收到您的请求 [{{ticket.number}}] · {{workspace.name}}',
      body: [
        '{{requester.name}}，您好：',
        '',
        '我们已收到您的请求，工单号为 {{ticket.number}}。我们会尽快处理，并通过此邮箱回复您。',
        '主题：{{ticket.subject}}',
        '',
        '查看工单进度：{{portal.url}}',
        '',
        '-- ',
        '{{workspace.name}}',
      ].join('\n'),
    },
    en: {
      subject: 'We received your request [{{ticket.number}}] · {{workspace.name}}',
      body: [
        'Hello {{requester.name}},',
        '',
        'We received your request; its ticket number is {{ticket.number}}. We will follow it up and answer you at this address.',
        'Subject: {{ticket.subject}}',
        '',
        'Follow your ticket: {{portal.url}}',
        '',
        '-- ',
        '{{workspace.name}}',
      ].join('\n'),
    },
  },
  agent_replied: {
    'zh-CN': {
      subject: '您的工单有新回复 [{{ticket.number}}] · {{workspace.name}}',
      body: ['{{reply.text}}', '', '-- ', '{{agent.name}}（{{workspace.name}}）', '工单 {{ticket.number}}：{{portal.url}}'].join('\n'),
    },
    en: {
      subject: 'New reply on your ticket [{{ticket.number}}] · {{workspace.name}}',
      body: ['{{reply.text}}', '', '-- ', '{{agent.name}} ({{workspace.name}})', 'Ticket {{ticket.number}}: {{portal.url}}'].join('\n'),
    },
  },
  ticket_solved: {
    'zh-CN': {
      subject: '您的工单已解决 [{{ticket.number}}] · {{workspace.name}}',
      body: [
        '{{requester.name}}，您好：',
        '',
        '您的工单 {{ticket.number}}（{{ticket.subject}}）已解决。',
        '请花几秒钟为我们的服务打分：{{csat.url}}',
        '',
        '如果问题仍未解决，直接回复或在此继续：{{portal.url}}',
        '',
        '-- ',
        '{{workspace.name}}',
      ].join('\n'),
    },
    en: {
      subject: 'Your ticket is solved [{{ticket.number}}] · {{workspace.name}}',
      body: [
        'Hello {{requester.name}},',
        '',
        'Your ticket {{ticket.number}} ({{ticket.subject}}) is solved.',
        'Please take a few seconds to rate our service: {{csat.url}}',
        '',
        'If it is not solved for you, answer here: {{portal.url}}',
        '',
        '-- ',
        '{{workspace.name}}',
      ].join('\n'),
    },
  },
};

/** Sample values for previews (the console's, and the docs'). */
export const SAMPLE_NOTIFICATION_VALUES: NotificationValues = {
  'ticket.number': '#10024',
  'ticket.subject': '退款申请：订单 HL2026120601',
  'ticket.status': 'solved',
  'requester.name': '李娜',
  'workspace.name': '汇流演示',
  'portal.url': 'https://support.example.com/help/demo/portal',
  'agent.name': '王芳',
  'reply.text': '您好，退款已原路退回，预计 1–3 个工作日到账。',
  'csat.url': 'https://support.example.com/help/demo/csat/…',
};

/** Fills one template with the event's values (unknown placeholders stay as written). */
export function renderNotificationText(
  event: TicketNotificationEvent,
  text: NotificationText,
  values: NotificationValues,
): NotificationText {
  const known = TICKET_NOTIFICATION_VARIABLES[event];
  return { subject: fillVariables(text.subject, known, values).text, body: fillVariables(text.body, known, values).text };
}

export interface TemplateProblem {
  locale: NotificationLocale;
  part: 'subject' | 'body';
  message: string;
}

/** What makes a template unusable for its event: placeholders it cannot fill, or an "agent replied" body without the reply. */
export function templateProblems(event: TicketNotificationEvent, texts: NotificationTexts): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const known = TICKET_NOTIFICATION_VARIABLES[event];
  for (const locale of NOTIFICATION_LOCALES) {
    for (const part of ['subject', 'body'] as const) {
      const { unknownVariables } = fillVariables(texts[locale][part], known, {});
      for (const name of unknownVariables)
        problems.push({ locale, part, message: `unknown placeholder {{${name}}} (this email may use: ${known.join(', ')})` });
    }
    if (event === 'agent_replied' && !fillVariables(texts[locale].body, [], {}).unknownVariables.includes(REPLY_TEXT_VARIABLE))
      problems.push({ locale, part: 'body', message: `the body must contain {{${REPLY_TEXT_VARIABLE}}}, the reply itself` });
    if (/[\r\n]/.test(texts[locale].subject)) problems.push({ locale, part: 'subject', message: 'the subject must be one line' });
  }
  return problems;
}
