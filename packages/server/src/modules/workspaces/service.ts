import { DEFAULT_WORKSPACE_SETTINGS, type WorkspaceSettings } from '@huiliu/contracts';
import { eq, sql } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { workspaces } from './schema.js';

export type WorkspaceRow = typeof workspaces.$inferSelect;

/** The stored settings over the defaults: a setting never set reads as its default. */
export function workspaceSettings(row: Pick<WorkspaceRow, 'settings'>): WorkspaceSettings {
  const stored = row.settings as Partial<WorkspaceSettings>;
  return {
    serviceLevelTargetSeconds: stored.serviceLevelTargetSeconds ?? DEFAULT_WORKSPACE_SETTINGS.serviceLevelTargetSeconds,
    defaultCapacities: { ...DEFAULT_WORKSPACE_SETTINGS.defaultCapacities, ...stored.defaultCapacities },
    queueWeights: { ...DEFAULT_WORKSPACE_SETTINGS.queueWeights, ...stored.queueWeights },
    presenceOnLogin: stored.presenceOnLogin ?? DEFAULT_WORKSPACE_SETTINGS.presenceOnLogin,
    presenceGraceSeconds: stored.presenceGraceSeconds ?? DEFAULT_WORKSPACE_SETTINGS.presenceGraceSeconds,
  };
}

export const workspaceView = (row: WorkspaceRow) => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  timezone: row.timezone,
  locale: row.locale,
  settings: workspaceSettings(row),
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
  input: {
    name?: string;
    timezone?: string;
    locale?: 'zh-CN' | 'en';
    serviceLevelTargetSeconds?: number;
    defaultCapacities?: Partial<WorkspaceSettings['defaultCapacities']>;
    queueWeights?: Partial<WorkspaceSettings['queueWeights']>;
    presenceOnLogin?: WorkspaceSettings['presenceOnLogin'];
    presenceGraceSeconds?: number | null;
  },
) {
  const { serviceLevelTargetSeconds, defaultCapacities, queueWeights, presenceOnLogin, presenceGraceSeconds, ...columns } = input;
  const current = await getWorkspace(db, workspaceId);
  const stored = current.settings as Partial<WorkspaceSettings>;
  const settings = {
    ...stored,
    ...(serviceLevelTargetSeconds !== undefined ? { serviceLevelTargetSeconds } : {}),
    ...(defaultCapacities ? { defaultCapacities: { ...stored.defaultCapacities, ...defaultCapacities } } : {}),
    ...(queueWeights ? { queueWeights: { ...stored.queueWeights, ...queueWeights } } : {}),
    ...(presenceOnLogin !== undefined ? { presenceOnLogin } : {}),
    ...(presenceGraceSeconds !== undefined ? { presenceGraceSeconds } : {}),
  };
  const [row] = await db
    .update(workspaces)
    .set({ ...columns, settings, updatedAt: sql`now()` })
    .where(eq(workspaces.id, workspaceId))
    .returning();
  if (!row) throw notFound('workspace');
  return row;
}

export async function countWorkspaces(db: Executor): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(workspaces);
  return row?.count ?? 0;
}
