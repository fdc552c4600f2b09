import type { TicketQuery } from '@huiliu/contracts';
import { and, asc, desc, eq, getTableColumns, inArray, or, sql, type SQL } from 'drizzle-orm';
import { encodeCursor, keyset } from '../../platform/http/pagination.js';
import { notFound } from '../../platform/errors.js';
import { getConversation } from '../conversations/queries.js';
import { dueSoonestPage, encodeDueCursor, slaDueKey, slaSummaryColumn } from '../sla/summary.js';
import { messageView } from '../conversations/views.js';
import { messagesAfter } from '../conversations/write-path.js';
import type { Executor } from '../users/service.js';
import { staleFields } from './fields/values.js';
import { ticketComments, ticketConversations, ticketEvents, tickets } from './schema.js';
import { commentView, eventView, ticketView, type TicketListRow, type TicketRow } from './views.js';
import { visibleTo, type TicketViewer } from './visibility.js';
import { filterConditions, filterOfQuery, sortedPage } from './views-macros/filter.js';
import { getSavedView } from './views-macros/saved-views.js';
import { ticketTextCondition, ticketTsQuery, tsMatch } from './search.js';

/** The newest messages of each linked conversation the ticket page shows. */
const TRANSCRIPT_LIMIT = 500;

/** A ticket the viewer may see (locked for update when asked), or 404. */
export async function loadTicket(db: Executor, viewer: TicketViewer, id: string, lock = false): Promise<TicketRow> {
  const query = db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, viewer.workspaceId), eq(tickets.id, id), visibleTo(db, viewer)));
  const [row] = lock ? await query.for('update', { of: tickets }) : await query;
  if (!row) throw notFound('ticket');
  return row;
}

export async function listTickets(db: Executor, viewer: TicketViewer, query: TicketQuery) {
  const list = await ticketListQuery(db, viewer, query);
  if (list.newestFirst) {
    const rows = await list.newestFirst;
    if (list.newestFirstIsEnough(rows)) return list.page(rows);
  }
  return list.page(await list.statement);
}

/**
 * How many of the newest tickets (of those the other filters keep) a text search looks through
 * before it asks the full-text index. A common word is in many of them and the page is found
 * there in milliseconds, where the index would hand over every match (100,000 at a million
 * tickets) to be sorted by date; a rare one is not, and the index answers it quickly.
 */
const NEWEST_FIRST_WINDOW = 2000;

/**
 * The list/search statement on its own (one round trip, no count) and how its rows become a page,
 * so bench/ticket-search can run exactly this SQL directly on the database beside the API.
 */
export async function ticketListQuery(db: Executor, viewer: TicketViewer, query: TicketQuery) {
  const view = query.viewId ? await getSavedView(db, viewer, query.viewId) : null;
  const sort = query.sort ?? view?.sort ?? 'newest';
  // The text of the search apart from the other filters, for the newest-first walk below.
  const { q: queryText, ...queryFilter } = filterOfQuery(query);
  const { q: viewText, ...viewFilter } = view?.filter ?? {};
  const texts = [queryText, viewText].filter((text): text is string => Boolean(text));
  const conditions: (SQL | undefined)[] = [
    eq(tickets.workspaceId, viewer.workspaceId),
    visibleTo(db, viewer),
    ...filterConditions(viewer, queryFilter),
    ...(view ? filterConditions(viewer, viewFilter) : []),
  ];
  if (query.requesterId) conditions.push(eq(tickets.requesterId, query.requesterId));
  if (query.conversationId)
    conditions.push(
      inArray(
        tickets.id,
        db
          .select({ id: ticketConversations.ticketId })
          .from(ticketConversations)
          .where(eq(ticketConversations.conversationId, query.conversationId)),
      ),
    );
  // Every list item carries its SLA summary; `sla_due` sorts by it.
  const dueKey = slaDueKey('ticket');
  const { searchText: _text, searchVector: _vector, ...listColumns } = getTableColumns(tickets);
  const columns = { ...listColumns, slaDue: dueKey, sla: slaSummaryColumn('ticket') };
  const withSla = (row: TicketListRow & { sla: unknown }) => ({ ...ticketView(row), sla: row.sla as ReturnType<typeof ticketView>['sla'] });
  type ListRow = TicketListRow & { slaDue: Date; sla: unknown };
  // Each sort brings its keyset condition, its order and how the last row becomes the next cursor.
  const order: { where: SQL | undefined; orderBy: SQL[]; cursorOf: (row: ListRow) => string } =
    sort === 'sla_due'
      ? { ...dueSoonestPage(dueKey, 'ticket', query.cursor), cursorOf: (row) => encodeDueCursor(row.slaDue, row.id) }
      : sort !== 'newest'
        ? (({ where, orderBy, encode }) => ({ where, orderBy, cursorOf: encode }))(sortedPage(sort, query.cursor))
        : { ...keyset({ createdAt: tickets.createdAt, id: tickets.id }, query.cursor), cursorOf: encodeCursor };
  const statement = db
    .select(columns)
    .from(tickets)
    .where(and(...conditions, ...texts.map(ticketTextCondition), order.where))
    .orderBy(...order.orderBy)
    .limit(query.limit + 1);
  // A text search, newest first: the page from the newest tickets, if it is there. The LIMIT
  // keeps the walk a subquery of its own (PostgreSQL does not flatten it), so no estimate of how
  // common the words are can turn it into a full-text scan of every match.
  const tsQueries = texts.map(ticketTsQuery);
  let newestFirst: typeof statement | undefined;
  if (sort === 'newest' && texts.length > 0 && tsQueries.every((text) => text !== null)) {
    const newest = db
      .select({ id: tickets.id, createdAt: tickets.createdAt, vector: sql`${tickets.searchVector}`.as('vector') })
      .from(tickets)
      .where(and(...conditions, order.where))
      .orderBy(...order.orderBy)
      .limit(NEWEST_FIRST_WINDOW)
      .as('newest');
    const hits = db
      .select({ id: newest.id })
      .from(newest)
      .where(and(...tsQueries.map((text) => tsMatch(newest.vector, text!))))
      .orderBy(desc(newest.createdAt), desc(newest.id))
      .limit(query.limit + 1);
    newestFirst = db
      .select(columns)
      .from(tickets)
      .where(inArray(tickets.id, hits))
      .orderBy(...order.orderBy) as unknown as typeof statement;
  }
  return {
    statement,
    /** The newest-first walk, when the list is a text search newest first; `statement` is the answer when it is not enough. */
    newestFirst,
    /** A full page (and the row that says there is another) was in the window: it is the answer. */
    newestFirstIsEnough: (rows: unknown[]) => rows.length > query.limit,
    page(rows: Awaited<typeof statement>) {
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return { items: items.map(withSla), nextCursor: rows.length > query.limit && last ? order.cursorOf(last) : null };
    },
  };
}

/** The ticket with its thread, its history and the transcripts of its linked conversations. */
export async function ticketDetail(db: Executor, viewer: TicketViewer, id: string) {
  const row = await loadTicket(db, viewer, id);
  const [comments, events, links] = await Promise.all([
    db
      .select()
      .from(ticketComments)
      // A merged duplicate's thread shows on the ticket it was merged into, in time order.
      .where(
        or(
          eq(ticketComments.ticketId, row.id),
          inArray(
            ticketComments.ticketId,
            db
              .select({ id: tickets.id })
              .from(tickets)
              .where(and(eq(tickets.workspaceId, row.workspaceId), eq(tickets.mergedIntoId, row.id))),
          ),
        ),
      )
      .orderBy(asc(ticketComments.createdAt), asc(ticketComments.id)),
    db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, row.id)).orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id)),
    linkedConversations(db, row.workspaceId, row.id),
  ]);
  const conversations = [];
  for (const link of links) {
    const { row: conversation } = await getConversation(db, row.workspaceId, link.conversationId);
    const transcript = await messagesAfter(
      db,
      row.workspaceId,
      conversation.id,
      Math.max(0, conversation.lastSeq - TRANSCRIPT_LIMIT),
      TRANSCRIPT_LIMIT,
    );
    conversations.push({
      id: conversation.id,
      number: conversation.number,
      channel: conversation.channel,
      state: conversation.state,
      linkedAt: link.createdAt.toISOString(),
      messages: transcript.map(messageView),
    });
  }
  return {
    ...ticketView(row),
    comments: comments.map(commentView),
    events: events.map(eventView),
    conversations,
    staleFields: await staleFields(db, row.workspaceId, row.fields),
  };
}

/** The conversations linked to a ticket, oldest link first. */
export function linkedConversations(db: Executor, workspaceId: string, ticketId: string) {
  return db
    .select()
    .from(ticketConversations)
    .where(and(eq(ticketConversations.workspaceId, workspaceId), eq(ticketConversations.ticketId, ticketId)))
    .orderBy(asc(ticketConversations.createdAt));
}

/** The ticket a conversation is linked to, if any. */
export async function ticketOfConversation(db: Executor, workspaceId: string, conversationId: string) {
  const [link] = await db
    .select({ ticketId: ticketConversations.ticketId })
    .from(ticketConversations)
    .where(and(eq(ticketConversations.workspaceId, workspaceId), eq(ticketConversations.conversationId, conversationId)));
  return link?.ticketId;
}
