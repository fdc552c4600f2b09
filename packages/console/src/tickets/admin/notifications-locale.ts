import i18n from '../../lib/i18n';

/** Strings of the requester-email templates page and the ticket's CSAT card, under `ticketNotifications`; English has the same keys (type-checked). */
const zhCN = {
  menu: '工单通知邮件',
  title: '工单通知邮件',
  hint: '客户在这些时刻收到的邮件：工单已受理、客服回复（就是回复邮件本身）、工单已解决（附满意度评价链接）。按客户的语言发送，不知道时用工作区默认语言。',
  events: {
    ticket_received: '已受理',
    agent_replied: '客服回复',
    ticket_solved: '已解决（满意度评价）',
  },
  eventHints: {
    ticket_received: '通过帮助中心表单、邮件或 API 创建工单、且客户有邮箱时发送。从会话创建的工单在会话里告知客户。',
    agent_replied:
      '工单的公开回复通过邮件送达时（邮件渠道，或帮助中心表单、留言的邮箱），回复邮件使用此模板；正文必须包含 {{reply}}。关闭后回复仍会发出，只是不套用模板。',
    ticket_solved: '工单变为「已解决」时发送；{{csat}} 是 30 天内有效、只能评价一次的链接。',
  },
  enabled: '发送这封邮件',
  subject: '主题',
  body: '正文',
  variables: '可用变量（点击插入正文）',
  preview: '预览（示例数据）',
  save: '保存',
  saved: '已保存',
  restore: '恢复默认',
  isDefault: '默认模板',
  customized: '已修改',
  required: '请填写',
  csat: {
    title: '满意度评价',
    none: '客户尚未评价',
    rating: '{{rating}} / 5 分',
    ratedAt: '评价时间',
    comment: '客户意见',
  },
  csatEvent: '客户评价：{{rating}} / 5',
};

const en: typeof zhCN = {
  menu: 'Ticket emails',
  title: 'Ticket emails to customers',
  hint: 'What customers receive: ticket received, an agent replied (the reply email itself), ticket solved (with a satisfaction rating link). Sent in the customer’s language, else the workspace default.',
  events: {
    ticket_received: 'Received',
    agent_replied: 'Agent replied',
    ticket_solved: 'Solved (CSAT)',
  },
  eventHints: {
    ticket_received:
      'Sent when a ticket is created from the help-center form, an email or the API and the customer has an email address. A ticket made from a conversation is announced in the conversation.',
    agent_replied:
      'A public ticket reply delivered by email (the email channel, or the address of a help-center request or left message) uses this template; the body must contain {{reply}}. Disabled, the reply still goes out, without the template.',
    ticket_solved: 'Sent when a ticket becomes solved; {{csat}} is a link that rates once and works for 30 days.',
  },
  enabled: 'Send this email',
  subject: 'Subject',
  body: 'Body',
  variables: 'Placeholders (click to add to the body)',
  preview: 'Preview (sample data)',
  save: 'Save',
  saved: 'Saved',
  restore: 'Restore default',
  isDefault: 'Default',
  customized: 'Customized',
  required: 'Required',
  csat: {
    title: 'Customer satisfaction',
    none: 'The customer has not rated yet',
    rating: '{{rating}} / 5',
    ratedAt: 'Rated at',
    comment: 'Comment',
  },
  csatEvent: 'customer rated {{rating}} / 5',
};

i18n.addResourceBundle('zh-CN', 'translation', { ticketNotifications: zhCN }, true, false);
i18n.addResourceBundle('en', 'translation', { ticketNotifications: en }, true, false);
