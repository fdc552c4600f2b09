import { and, desc, eq, notInArray } from 'drizzle-orm';
import { appendMessage, lockConversation } from '../../conversations/write-path.js';
import type { Executor } from '../../users/service.js';
import { addComment, changeStatus } from '../history.js';
import { ticketConversations, tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import { ticketLinks } from './schema.js';

/** What each incident's requester reads on their channel (both languages: the workspace may serve either). */
export const incidentSolvedNotice = (incident: number, problem: number) =>
  `导致您问题的故障（工单 #${problem}）已经解决，您的工单 #${incident} 已标记为已解决；如果仍有问题，直接回复即可。` +
  `The fault behind your ticket #${incident} (problem #${problem}) is fixed, so your ticket is solved; reply here if anything is still wrong.`;

/**
 * A problem was solved in this transaction: each incident linked to it that is still open is
 * solved too, and its requester is told on their channel (the normal reply path: a message on
 * the incident's most recently linked conversation, with its outbox row). An incident with no
 * conversation gets an internal note saying nobody could be told.
 */
export async function solveLinkedIncidents(db: Executor, problem: TicketRow, actor: TicketActor): Promise<TicketRow[]> {
  const incidents = await db
    .select({ id: tickets.id })
    .from(ticketLinks)
    .innerJoin(tickets, eq(tickets.id, ticketLinks.toTicketId))
    .where(
      and(
        eq(ticketLinks.workspaceId, problem.workspaceId),
        eq(ticketLinks.kind, 'problem_incident'),
        eq(ticketLinks.fromTicketId, problem.id),
        notInArray(tickets.status, ['solved', 'closed']),
      ),
    )
    .orderBy(tickets.number);
  const solved: TicketRow[] = [];
  for (const { id } of incidents) {
    const [link] = await db
      .select({ conversationId: ticketConversations.conversationId })
      .from(ticketConversations)
      .where(eq(ticketConversations.ticketId, id))
      .orderBy(desc(ticketConversations.createdAt))
      .limit(1);
    // Conversation before ticket, the inbound path's lock order.
    if (link) await lockConversation(db, problem.workspaceId, link.conversationId);
    const [incident] = await db.select().from(tickets).where(eq(tickets.id, id)).for('update');
    if (!incident || incident.status === 'solved' || incident.status === 'closed') continue;
    const text = incidentSolvedNotice(incident.number, problem.number);
    if (link) {
      const notice = await appendMessage(db, problem.workspaceId, link.conversationId, { kind: 'out', text, senderType: 'system' });
      await addComment(db, incident, actor, {
        visibility: 'public',
        text,
        conversationId: link.conversationId,
        messageId: notice.message.id,
      });
    } else {
      await addComment(db, incident, actor, {
        visibility: 'internal',
        text: `问题工单 #${problem.number} 已解决，本工单随之解决；本工单没有关联会话，客户未收到通知。Solved with problem #${problem.number}; no linked conversation, so the requester was not told.`,
      });
    }
    solved.push(
      await changeStatus(db, incident, actor, 'solved', { reason: 'problem_solved', problemId: problem.id, problemNumber: problem.number }),
    );
  }
  return solved;
}
