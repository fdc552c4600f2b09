import type { TicketFilter, TicketQuery, TicketSort } from '@huiliu/contracts';
import { and, arrayContains, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { badRequest, notFound } from '../../../platform/errors.js';
import { teams } from '../../teams/schema.js';
import { memberships } from '../../users/schema.js';
import type { Executor } from '../../users/service.js';
import { ticketEvents, tickets } from '../schema.js';
import { ticketTextCondition } from '../search.js';
import type { TicketListRow } from '../views.js';
import type { TicketViewer } from '../visibility.js';

const olderThan = (column: SQL | typeof tickets.createdAt, hours: number) => sql`${column} < now() - (${hours} * interval '1 hour')`;

/** When the ticket entered its current status: its last status change, or its creation. */
const statusSince = sql`coalesce((select max(${ticketEvents.createdAt}) from ${ticketEvents} where ${ticketEvents.ticketId} = ${tickets.id} and ${ticketEvents.type} = 'status_changed'), ${tickets.createdAt})`;

/**
 * The SQL of a ticket filter, for the viewer (`me` is them). The one translation used by the
 * list endpoint, saved views, their counts and bulk actions over a view.
 */
export function filterConditions(viewer: TicketViewer, filter: TicketFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(inArray(tickets.status, filter.status));
  if (filter.priority) conditions.push(inArray(tickets.priority, filter.priority));
  if (filter.type) conditions.push(inArray(tickets.type, filter.type));
  if (filter.assignee) {
    const ids = filter.assignee.flatMap((value) =>
      value === 'me' ? (viewer.userId ? [viewer.userId] : []) : value === 'none' ? [] : [value],
    );
    const alternatives: SQL[] = [];
    if (ids.length) alternatives.push(inArray(tickets.assigneeId, ids));
    if (filter.assignee.includes('none')) alternatives.push(isNull(tickets.assigneeId));
    conditions.push(alternatives.length ? or(...alternatives)! : sql`false`);
  }
  if (filter.team) {
    const ids = filter.team.filter((value) => value !== 'none');
    const alternatives: SQL[] = [];
    if (ids.length) alternatives.push(inArray(tickets.teamId, ids));
    if (filter.team.includes('none')) alternatives.push(isNull(tickets.teamId));
    conditions.push(or(...alternatives)!);
  }
  if (filter.tags) conditions.push(arrayContains(tickets.tags, filter.tags));
  for (const age of filter.age ?? []) {
    if (age.field === 'status') conditions.push(and(eq(tickets.status, age.status), olderThan(statusSince, age.olderThanHours))!);
    else conditions.push(olderThan(age.field === 'created' ? tickets.createdAt : tickets.updatedAt, age.olderThanHours));
  }
  if (filter.q) conditions.push(ticketTextCondition(filter.q));
  return conditions;
}

/** The list endpoint's single-valued query parameters as a filter. */
export function filterOfQuery(query: TicketQuery): TicketFilter {
  return {
    ...(query.status && { status: [query.status] }),
    ...(query.priority && { priority: [query.priority] }),
    ...(query.type && { type: [query.type] }),
    ...(query.assigneeId && { assignee: [query.assigneeId] }),
    ...(query.teamId && { team: [query.teamId] }),
    ...(query.tag && { tags: [query.tag] }),
    ...(query.q && { q: query.q }),
  };
}

/** Teams and agents a filter names must be this workspace's: another's is "not found". */
export async function assertFilterReferences(db: Executor, workspaceId: string, filter: TicketFilter): Promise<void> {
  const teamIds = [...new Set((filter.team ?? []).filter((value) => value !== 'none'))];
  if (teamIds.length) {
    const rows = await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), inArray(teams.id, teamIds)));
    if (rows.length !== teamIds.length) throw notFound('team');
  }
  const userIds = [...new Set((filter.assignee ?? []).filter((value) => value !== 'me' && value !== 'none'))];
  if (userIds.length) {
    const rows = await db
      .select({ id: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds)));
    if (rows.length !== userIds.length) throw notFound('agent');
  }
}

const PRIORITY_RANK = { low: 0, normal: 1, high: 2, urgent: 3 } as const;
const priorityRank = sql`(case ${tickets.priority} when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end)`;

interface SortKey {
  expr: SQL;
  cast: 'timestamptz' | 'int' | 'uuid';
  of: (row: TicketListRow) => string | number;
}
const created: SortKey = { expr: sql`${tickets.createdAt}`, cast: 'timestamptz', of: (row) => row.createdAt.toISOString() };
const updated: SortKey = { expr: sql`${tickets.updatedAt}`, cast: 'timestamptz', of: (row) => row.updatedAt.toISOString() };
const id: SortKey = { expr: sql`${tickets.id}`, cast: 'uuid', of: (row) => row.id };

/** Every key of one sort runs in one direction, so a row comparison gives the keyset page. */
const SORTS: Record<Exclude<TicketSort, 'newest' | 'sla_due'>, { keys: SortKey[]; direction: 'asc' | 'desc' }> = {
  oldest: { keys: [created, id], direction: 'asc' },
  updated: { keys: [updated, id], direction: 'desc' },
  least_recently_updated: { keys: [updated, id], direction: 'asc' },
  priority: { keys: [{ expr: priorityRank, cast: 'int', of: (row) => PRIORITY_RANK[row.priority] }, created, id], direction: 'desc' },
  number: { keys: [{ expr: sql`${tickets.number}`, cast: 'int', of: (row) => row.number }, id], direction: 'desc' },
};

/** Keyset paging for the sorts other than `newest` (which keeps the list's original cursor). */
export function sortedPage(sort: Exclude<TicketSort, 'newest' | 'sla_due'>, cursor: string | undefined) {
  const { keys, direction } = SORTS[sort];
  const orderBy = keys.map((key) => (direction === 'asc' ? asc(key.expr) : desc(key.expr)));
  const encode = (row: TicketListRow) => Buffer.from(JSON.stringify([sort, keys.map((key) => key.of(row))])).toString('base64url');
  let where: SQL | undefined;
  if (cursor) {
    let values: unknown[];
    try {
      const [cursorSort, parsed] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, unknown[]];
      if (cursorSort !== sort || !Array.isArray(parsed) || parsed.length !== keys.length) throw new Error('other sort');
      values = parsed;
      keys.forEach((key, index) => {
        const value = values[index];
        const ok =
          key.cast === 'int'
            ? Number.isSafeInteger(value)
            : key.cast === 'uuid'
              ? typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value)
              : typeof value === 'string' && !Number.isNaN(new Date(value).getTime());
        if (!ok) throw new Error('bad value');
      });
    } catch {
      throw badRequest('the cursor is not one this API returned for this sort; start again without it');
    }
    const left = sql.join(
      keys.map((key) => key.expr),
      sql`, `,
    );
    const right = sql.join(
      keys.map((key, index) => sql`${values[index]}::${sql.raw(key.cast)}`),
      sql`, `,
    );
    where = direction === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
  }
  return { where, orderBy, encode };
}
