import type { CreateSavedViewRequest, SavedView, UpdateSavedViewRequest } from '@huiliu/contracts';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { notFound } from '../../../platform/errors.js';
import type { MemberContext } from '../../auth/access.js';
import type { Executor } from '../../users/service.js';
import { tickets } from '../schema.js';
import { visibleTo, type TicketViewer } from '../visibility.js';
import { assertFilterReferences, filterConditions } from './filter.js';
import { assertMayOwn, readableBy } from './ownership.js';
import { ticketViews } from './schema.js';

export type SavedViewRow = typeof ticketViews.$inferSelect;

export function savedViewView(row: SavedViewRow): SavedView {
  return {
    id: row.id,
    name: row.name,
    shared: row.ownerId === null,
    ownerId: row.ownerId,
    filter: row.filter,
    sort: row.sort,
    position: row.position,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const asMember = (viewer: TicketViewer): MemberContext => ({
  workspaceId: viewer.workspaceId,
  userId: viewer.userId,
  role: 'agent',
  tokenId: null,
});

/** A view the viewer may use (shared, or their own), or 404. */
export async function getSavedView(db: Executor, viewer: TicketViewer | MemberContext, id: string, lock = false): Promise<SavedViewRow> {
  const member = 'role' in viewer ? viewer : asMember(viewer);
  const query = db
    .select()
    .from(ticketViews)
    .where(and(readableBy(member, ticketViews), eq(ticketViews.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('view');
  return row;
}

/** Shared views first, then the viewer's own, each by position then name. */
export function listSavedViews(db: Executor, member: MemberContext) {
  return db
    .select()
    .from(ticketViews)
    .where(readableBy(member, ticketViews))
    .orderBy(sql`${ticketViews.ownerId} is not null`, asc(ticketViews.position), asc(ticketViews.name), asc(ticketViews.id));
}

export async function createSavedView(db: Executor, member: MemberContext, input: CreateSavedViewRequest) {
  // Another workspace's ids are a 404 before anything else is judged.
  await assertFilterReferences(db, member.workspaceId, input.filter);
  assertMayOwn(member, input.shared);
  const [row] = await db
    .insert(ticketViews)
    .values({
      workspaceId: member.workspaceId,
      name: input.name,
      ownerId: input.shared ? null : member.userId,
      filter: input.filter,
      sort: input.sort,
      position: input.position,
    })
    .returning();
  return row!;
}

export async function updateSavedView(db: Executor, member: MemberContext, id: string, change: UpdateSavedViewRequest) {
  const current = await getSavedView(db, member, id, true);
  assertMayOwn(member, current.ownerId === null);
  if (change.shared !== undefined) assertMayOwn(member, change.shared);
  if (change.filter) await assertFilterReferences(db, member.workspaceId, change.filter);
  const [row] = await db
    .update(ticketViews)
    .set({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.filter !== undefined && { filter: change.filter }),
      ...(change.sort !== undefined && { sort: change.sort }),
      ...(change.position !== undefined && { position: change.position }),
      // Sharing hands the view to the workspace; un-sharing makes it the one who did it's own.
      ...(change.shared !== undefined && { ownerId: change.shared ? null : member.userId }),
      updatedAt: sql`now()`,
    })
    .where(eq(ticketViews.id, current.id))
    .returning();
  return { before: current, after: row! };
}

export async function deleteSavedView(db: Executor, member: MemberContext, id: string) {
  const current = await getSavedView(db, member, id, true);
  assertMayOwn(member, current.ownerId === null);
  await db.delete(ticketViews).where(eq(ticketViews.id, current.id));
  return current;
}

/** How many tickets each view holds for this viewer (what they may see, `me` being them). */
export async function savedViewCounts(db: Executor, viewer: TicketViewer, views: SavedViewRow[]) {
  const items = [];
  for (const view of views) {
    const [row] = await db
      .select({ count: count() })
      .from(tickets)
      .where(and(eq(tickets.workspaceId, viewer.workspaceId), visibleTo(db, viewer), ...filterConditions(viewer, view.filter)));
    items.push({ viewId: view.id, count: row!.count });
  }
  return items;
}
