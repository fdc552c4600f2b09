import { and, eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { messages } from '../conversations/schema.js';
import { appendMessage, lockConversation, type Appended } from '../conversations/write-path.js';
import { teamCalendar } from '../teams/service.js';
import type { Executor } from '../users/service.js';
import { calendarNextOpening, isCalendarOpen } from './business-hours.js';

/** What a customer who writes outside the team's hours is told, in their language. */
export function closedMessage(language: string | undefined, opensAt: Date | null, timezone: string): string {
  const chinese = !language || language.toLowerCase().startsWith('zh');
  if (!opensAt)
    return chinese ? '您好，现在是非工作时间，我们会尽快回复您。' : 'Hi, we are closed right now. We will reply as soon as we can.';
  const when = new Intl.DateTimeFormat(chinese ? 'zh-CN' : 'en', {
    timeZone: timezone,
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(opensAt);
  return chinese
    ? `您好，现在是非工作时间。我们将于 ${when} 上班后尽快回复您。`
    : `Hi, we are closed right now. We open again ${when} and will reply then.`;
}

/**
 * A conversation that starts while its team is closed gets an automatic reply with the time the
 * team opens. Runs from the outbox, so it is idempotent: a conversation gets one such reply.
 */
export async function replyIfClosed(db: Database, workspaceId: string, conversationId: string): Promise<Appended | undefined> {
  return db.transaction(async (tx) => {
    const conversation = await lockConversation(tx, workspaceId, conversationId);
    // The bot speaks for itself (and offers to leave a message when it hands off while closed).
    if (!conversation.teamId || conversation.state === 'resolved' || conversation.state === 'bot') return undefined;
    // Never answer a robot (RFC 3834: auto-replies, bounces, list mail, a sender over its rate limit).
    if (conversation.context.autoReply === false) return undefined;
    const calendar = await teamCalendar(tx, conversation.teamId);
    if (!calendar || isCalendarOpen(calendar)) return undefined;
    const [already] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.idempotencyKey, `closed-reply:${conversation.id}`)));
    if (already) return undefined;
    const language = typeof conversation.context.language === 'string' ? conversation.context.language : undefined;
    return appendMessage(
      tx,
      workspaceId,
      conversation.id,
      {
        kind: 'out',
        text: closedMessage(language, calendarNextOpening(calendar), calendar.timezone),
        senderType: 'system',
        idempotencyKey: `closed-reply:${conversation.id}`,
      },
      conversation,
    );
  });
}

/** Whether the team (the conversation's) is within its business calendar now, holidays included; no team or no calendar: open. */
export async function teamOpenNow(db: Executor, teamId: string | null, at: Date = new Date()): Promise<boolean> {
  return isCalendarOpen(await teamCalendar(db, teamId), at);
}
