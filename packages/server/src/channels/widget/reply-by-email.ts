import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { leftMessageOf } from '../../modules/conversations/left-message.js';
import type { ConversationRow, MessageRow } from '../../modules/conversations/views.js';
import { getInbox } from '../../modules/inboxes/service.js';
import { ticketReplyMail } from '../../modules/tickets/notifications/reply-mail.js';
import { widgetEmailReplies } from './schema.js';

export type EmailReplyOutcome = 'sent' | 'already_sent' | 'not_applicable' | 'no_mailer';

function mailOf(inboxName: string, conversation: ConversationRow, message: MessageRow) {
  const subject = `回复：您的留言 Re: your message [#${conversation.number}] · ${inboxName}`;
  const text = [
    '您好，这是我们对您留言的回复：',
    'Hello, this is our reply to the message you left:',
    '',
    message.text,
    '',
    '-- ',
    `${message.senderName ?? inboxName}（${inboxName}）`,
    // A help-center request has no chat to go back to.
    conversation.context.helpRequest
      ? '如需补充，请在帮助中心再次提交请求并注明本邮件主题。To add something, submit a request in our help center again and quote this subject.'
      : '如需继续沟通，请回到网站的在线客服窗口。To continue, open the chat on our website again.',
  ].join('\n');
  return { subject, text };
}

/**
 * An agent's reply to a left message whose customer is not on the widget goes to the address
 * they gave on the form, through the server's mailer (SMTP_URL). Only agents' replies, only on
 * a left-message conversation with an email, and once per message: the row is claimed before
 * sending, so a redelivery from the outbox sends nothing twice; a failed send lets go of it so
 * the outbox's retry sends again. The address serves this conversation's replies only — the
 * customer asked for them there — and is never taken as who the customer is.
 */
export async function replyByEmail(
  ctx: Pick<AppContext, 'db' | 'mailer' | 'logger' | 'config'>,
  conversation: ConversationRow,
  message: MessageRow,
): Promise<EmailReplyOutcome> {
  const left = leftMessageOf(conversation);
  if (!left?.email || message.senderType !== 'agent' || message.kind !== 'out' || !message.text.trim()) return 'not_applicable';
  if (!ctx.mailer.configured) {
    ctx.logger.warn({ conversationId: conversation.id }, 'a left message was answered but no SMTP_URL is set to email the reply');
    return 'no_mailer';
  }
  const [claimed] = await ctx.db
    .insert(widgetEmailReplies)
    .values({
      messageId: message.id,
      workspaceId: conversation.workspaceId,
      conversationId: conversation.id,
      toAddress: left.email,
      via: 'mailer',
    })
    .onConflictDoNothing()
    .returning({ messageId: widgetEmailReplies.messageId });
  if (!claimed) return 'already_sent';
  try {
    // A ticket's public reply is dressed by the workspace's "agent replied" template (when enabled).
    const templated = await ticketReplyMail(ctx, conversation, message);
    const inbox = await getInbox(ctx.db, conversation.workspaceId, conversation.inboxId);
    const mail = templated ? { subject: templated.subject, text: templated.text } : mailOf(inbox.name, conversation, message);
    await ctx.mailer.send({ to: left.email, ...mail });
  } catch (error) {
    await ctx.db
      .delete(widgetEmailReplies)
      .where(and(eq(widgetEmailReplies.messageId, message.id), eq(widgetEmailReplies.workspaceId, conversation.workspaceId)));
    throw error;
  }
  return 'sent';
}
