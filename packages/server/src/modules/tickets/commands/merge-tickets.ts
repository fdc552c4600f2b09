import { and, desc, eq, sql } from 'drizzle-orm';
import { AppError } from '../../../platform/errors.js';
import { appendMessage, lockConversation } from '../../conversations/write-path.js';
import type { Executor } from '../../users/service.js';
import { addComment, recordEvent, statusChange } from '../history.js';
import { loadTicket } from '../queries.js';
import { ticketConversations, tickets } from '../schema.js';
import type { TicketActor, TicketRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';

/** Duplicates folded into one ticket by an agent. */
export interface MergeTicketsInput {
  viewer: TicketViewer;
  actor: TicketActor;
  targetId: string;
  sourceIds: string[];
  notifyRequester: boolean;
  allowDifferentRequesters: boolean;
}

export interface Merged {
  target: TicketRow;
  sources: TicketRow[];
}

/** What a source's requester reads on their channel (both languages: the workspace may serve either). */
export const mergeNotice = (source: number, target: number) =>
  `您的工单 #${source} 与工单 #${target} 是同一个问题，已合并到 #${target}，我们会在那里继续处理并回复您。` +
  `Your ticket #${source} is the same matter as #${target} and was merged into it; we will follow up there.`;

const sourceNote = (target: TicketRow) => `已合并到工单 #${target.number}（${target.subject}）。Merged into ticket #${target.number}.`;
const targetNote = (source: TicketRow, conversations: number) =>
  `工单 #${source.number}（${source.subject}）已合并到本工单：其对话记录显示在本工单中，${conversations} 个关联会话已转到本工单。` +
  `Ticket #${source.number} was merged into this ticket: its thread shows here and its ${conversations} linked conversation(s) moved here.`;

/**
 * Merges duplicates into the target, in one transaction: each source is closed with
 * `mergedIntoId` (its thread then shows on the target in time order — read, not copied, so
 * nothing is doubled), its linked conversations move to the target (what the customer writes
 * next lands there), followers and tags join the target's, and both sides get a note and an
 * event. The source's requester is told on their channel by the normal reply path.
 *
 * Refused: a source that is the target (422), a closed ticket on either side (409: closed is a
 * record; an already merged ticket is closed), another customer's ticket without
 * `allowDifferentRequesters` (409), and any ticket the agent cannot see (404).
 */
export async function mergeTickets(db: Executor, input: MergeTicketsInput): Promise<Merged> {
  const { viewer, actor } = input;
  await loadTicket(db, viewer, input.targetId);
  const sourceIds = [...new Set(input.sourceIds)];
  for (const id of sourceIds) await loadTicket(db, viewer, id);
  if (sourceIds.includes(input.targetId))
    throw new AppError(422, 'merge_into_self', 'a ticket cannot be merged into itself; choose another target');

  // Conversation before ticket, the inbound path's lock order, so the two never deadlock.
  const noticeOn = new Map<string, string>();
  if (input.notifyRequester)
    for (const id of sourceIds) {
      const [link] = await db
        .select({ conversationId: ticketConversations.conversationId })
        .from(ticketConversations)
        .where(and(eq(ticketConversations.workspaceId, viewer.workspaceId), eq(ticketConversations.ticketId, id)))
        .orderBy(desc(ticketConversations.createdAt))
        .limit(1);
      if (link) noticeOn.set(id, link.conversationId);
    }
  for (const conversationId of [...new Set(noticeOn.values())].sort()) await lockConversation(db, viewer.workspaceId, conversationId);

  // Tickets in id order: two merges over the same tickets lock them in the same order.
  const locked = new Map<string, TicketRow>();
  for (const id of [input.targetId, ...sourceIds].sort()) locked.set(id, await loadTicket(db, viewer, id, true));
  let target = locked.get(input.targetId)!;
  const sources = sourceIds.map((id) => locked.get(id)!).sort((a, b) => a.number - b.number);

  if (target.status === 'closed')
    throw new AppError(409, 'ticket_closed', `ticket #${target.number} is closed and read-only; merge into an open ticket`);
  for (const source of sources) {
    if (source.status === 'closed')
      throw new AppError(
        409,
        'ticket_closed',
        source.mergedIntoId
          ? `ticket #${source.number} was already merged into another ticket`
          : `ticket #${source.number} is closed and read-only; a closed ticket cannot be merged`,
      );
    if (source.requesterId !== target.requesterId && !input.allowDifferentRequesters)
      throw new AppError(
        409,
        'different_requesters',
        `ticket #${source.number} has another requester than #${target.number}; send allowDifferentRequesters: true to merge anyway (that customer will read the target's public replies)`,
      );
  }

  const merged: TicketRow[] = [];
  for (const source of sources) {
    const conversationId = noticeOn.get(source.id);
    if (conversationId) {
      const notice = await appendMessage(db, viewer.workspaceId, conversationId, {
        kind: 'out',
        text: mergeNotice(source.number, target.number),
        senderType: 'system',
      });
      await addComment(db, source, actor, {
        visibility: 'public',
        text: notice.message.text,
        conversationId,
        messageId: notice.message.id,
      });
    }
    await addComment(db, source, actor, { visibility: 'internal', text: sourceNote(target) });

    const moved = await db
      .update(ticketConversations)
      .set({ ticketId: target.id })
      .where(and(eq(ticketConversations.workspaceId, viewer.workspaceId), eq(ticketConversations.ticketId, source.id)))
      .returning({ conversationId: ticketConversations.conversationId });
    // Tickets merged into this source earlier follow it, so the target shows their threads too.
    await db
      .update(tickets)
      .set({ mergedIntoId: target.id })
      .where(and(eq(tickets.workspaceId, viewer.workspaceId), eq(tickets.mergedIntoId, source.id)));
    const [closed] = await db
      .update(tickets)
      .set({ ...statusChange('closed'), mergedIntoId: target.id, updatedAt: sql`now()` })
      .where(eq(tickets.id, source.id))
      .returning();
    await recordEvent(db, source, actor, 'status_changed', { from: source.status, to: 'closed', reason: 'merged' });
    await recordEvent(db, source, actor, 'merged', { intoId: target.id, intoNumber: target.number, notified: Boolean(conversationId) });
    merged.push(closed!);

    const followerIds = [...new Set([...target.followerIds, ...source.followerIds])];
    const tags = [...new Set([...target.tags, ...source.tags])];
    const [grown] = await db
      .update(tickets)
      .set({ followerIds, tags, searchText: sql`${tickets.searchText} || ' ' || ${source.searchText}`, updatedAt: sql`now()` })
      .where(eq(tickets.id, target.id))
      .returning();
    target = grown!;
    await addComment(db, target, actor, { visibility: 'internal', text: targetNote(source, moved.length) });
    await recordEvent(db, target, actor, 'merged_in', {
      sourceId: source.id,
      sourceNumber: source.number,
      conversationIds: moved.map((row) => row.conversationId),
    });
  }
  return { target: await loadTicket(db, viewer, target.id), sources: merged };
}
