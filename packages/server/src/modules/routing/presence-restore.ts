import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { workspaces } from '../workspaces/schema.js';
import { workspaceSettings } from '../workspaces/service.js';
import { setPresence } from './presence.js';
import { agentStates } from './schema.js';
import type { requeueAgentConversations } from '../conversations/commands.js';

type Requeued = Awaited<ReturnType<typeof requeueAgentConversations>>;

/**
 * At login, each workspace whose policy is 'remember' gives the agent back the status they last
 * chose (an agent who went offline by closing the tab comes back online); under 'offline' they
 * start offline, as an agent must then choose to take conversations.
 */
export async function restorePresenceAtLogin(db: Database, userId: string): Promise<Requeued> {
  return restorePresence(db, userId, 'login');
}

/**
 * A session that starts without a login — the console opened again on a cookie that is still
 * valid — gets the same under 'remember': an agent set offline by the system (tab closed, grace
 * period over) comes back with what they chose. Under 'offline' nothing changes here: a console
 * reconnecting must not knock an agent offline who went online in this session.
 */
export async function restorePresenceOnResume(db: Database, userId: string, workspaceIds: string[]): Promise<Requeued> {
  if (workspaceIds.length === 0) return [];
  return restorePresence(db, userId, 'resume', workspaceIds);
}

async function restorePresence(db: Database, userId: string, how: 'login' | 'resume', workspaceIds?: string[]): Promise<Requeued> {
  const rows = await db
    .select({
      workspaceId: agentStates.workspaceId,
      status: agentStates.status,
      chosen: agentStates.chosenStatus,
      settings: workspaces.settings,
    })
    .from(agentStates)
    .innerJoin(workspaces, eq(workspaces.id, agentStates.workspaceId))
    .where(
      and(
        eq(agentStates.userId, userId),
        isNotNull(agentStates.chosenStatus),
        workspaceIds ? inArray(agentStates.workspaceId, workspaceIds) : undefined,
      ),
    );
  const requeued: Requeued = [];
  for (const row of rows) {
    const policy = workspaceSettings(row).presenceOnLogin;
    if (how === 'resume' && (policy !== 'remember' || row.status !== 'offline')) continue;
    const target = policy === 'remember' ? row.chosen! : 'offline';
    if (target === row.status) continue;
    const result = await db.transaction((tx) => setPresence(tx, row.workspaceId, userId, target));
    requeued.push(...result.requeued);
  }
  return requeued;
}

/** How long a workspace lets an agent be without a console connection before setting them offline. */
export function graceSeconds(settings: Record<string, unknown>, serverDefault: number): number {
  return workspaceSettings({ settings }).presenceGraceSeconds ?? serverDefault;
}
