import { eq, sql } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { workspaces } from './schema.js';

export type WorkspaceRow = typeof workspaces.$inferSelect;

export const workspaceView = (row: WorkspaceRow) => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  timezone: row.timezone,
  locale: row.locale,
  createdAt: row.createdAt.toISOString(),
});

export async function getWorkspace(db: Executor, workspaceId: string) {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) throw notFound('workspace');
  return row;
}

export async function createWorkspace(db: Executor, input: { name: string; slug: string; timezone?: string; locale?: 'zh-CN' | 'en' }) {
  const [row] = await db.insert(workspaces).values(input).returning();
  return row!;
}

export async function updateWorkspace(
  db: Executor,
  workspaceId: string,
  input: { name?: string; timezone?: string; locale?: 'zh-CN' | 'en' },
) {
  const [row] = await db
    .update(workspaces)
    .set({ ...input, updatedAt: sql`now()` })
    .where(eq(workspaces.id, workspaceId))
    .returning();
  if (!row) throw notFound('workspace');
  return row;
}

export async function countWorkspaces(db: Executor): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(workspaces);
  return row?.count ?? 0;
}
