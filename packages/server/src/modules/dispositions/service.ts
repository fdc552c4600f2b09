import { and, asc, eq, type SQL } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { dispositionCodes } from './schema.js';

type DispositionRow = typeof dispositionCodes.$inferSelect;

export const dispositionView = (row: DispositionRow) => ({
  id: row.id,
  code: row.code,
  label: row.label,
  enabled: row.enabled,
  createdAt: row.createdAt.toISOString(),
});

export async function listDispositions(db: Executor, workspaceId: string, enabled?: boolean) {
  const conditions: (SQL | undefined)[] = [eq(dispositionCodes.workspaceId, workspaceId)];
  if (enabled !== undefined) conditions.push(eq(dispositionCodes.enabled, enabled));
  return db
    .select()
    .from(dispositionCodes)
    .where(and(...conditions))
    .orderBy(asc(dispositionCodes.createdAt), asc(dispositionCodes.code));
}

export async function getDisposition(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(dispositionCodes)
    .where(and(eq(dispositionCodes.workspaceId, workspaceId), eq(dispositionCodes.id, id)));
  if (!row) throw notFound('disposition code');
  return row;
}

export async function createDisposition(db: Executor, workspaceId: string, input: { code: string; label: string; enabled: boolean }) {
  const [row] = await db
    .insert(dispositionCodes)
    .values({ workspaceId, ...input })
    .returning();
  return row!;
}

export async function updateDisposition(
  db: Executor,
  workspaceId: string,
  id: string,
  input: Partial<{ code: string; label: string; enabled: boolean }>,
) {
  const [row] = await db
    .update(dispositionCodes)
    .set(input)
    .where(and(eq(dispositionCodes.workspaceId, workspaceId), eq(dispositionCodes.id, id)))
    .returning();
  if (!row) throw notFound('disposition code');
  return row;
}

export async function deleteDisposition(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .delete(dispositionCodes)
    .where(and(eq(dispositionCodes.workspaceId, workspaceId), eq(dispositionCodes.id, id)))
    .returning();
  if (!row) throw notFound('disposition code');
  return row;
}

/** A wrap-up may only name an enabled code of the workspace. */
export async function assertDispositionUsable(db: Executor, workspaceId: string, code: string): Promise<void> {
  const [row] = await db
    .select({ enabled: dispositionCodes.enabled })
    .from(dispositionCodes)
    .where(and(eq(dispositionCodes.workspaceId, workspaceId), eq(dispositionCodes.code, code)));
  if (!row)
    throw new AppError(422, 'unknown_disposition', `"${code}" is not a disposition code of this workspace; choose one from the list`);
  if (!row.enabled) throw new AppError(422, 'disabled_disposition', `the disposition code "${code}" is disabled; choose another`);
}
