import { and, eq, inArray, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import type { BusinessHours } from '../routing/business-hours.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import type { Executor } from '../users/service.js';
import { teamMembers, teams } from './schema.js';

const memberIds = sql<
  string[]
>`coalesce((select array_agg(${teamMembers.userId} order by ${teamMembers.createdAt}) from ${teamMembers} where ${teamMembers.teamId} = ${teams.id}), '{}')`;

const members = sql<
  { userId: string; proficiency: number }[]
>`coalesce((select json_agg(json_build_object('userId', ${teamMembers.userId}, 'proficiency', ${teamMembers.proficiency}) order by ${teamMembers.createdAt}) from ${teamMembers} where ${teamMembers.teamId} = ${teams.id}), '[]')`;

const teamColumns = {
  id: teams.id,
  name: teams.name,
  description: teams.description,
  algorithm: teams.algorithm,
  overflowTeamId: teams.overflowTeamId,
  overflowAfterSeconds: teams.overflowAfterSeconds,
  stickyHours: teams.stickyHours,
  businessHours: teams.businessHours,
  serviceLevelTargetSeconds: teams.serviceLevelTargetSeconds,
  createdAt: teams.createdAt,
  memberIds,
  members,
};

type TeamRow = {
  id: string;
  name: string;
  description: string;
  algorithm: 'least_busy' | 'longest_idle' | 'round_robin' | 'skills_first' | 'manual';
  overflowTeamId: string | null;
  overflowAfterSeconds: number | null;
  stickyHours: number;
  businessHours: BusinessHours | null;
  serviceLevelTargetSeconds: number | null;
  createdAt: Date;
  memberIds: string[];
  members: { userId: string; proficiency: number }[];
};
const teamView = (row: TeamRow) => ({ ...row, createdAt: row.createdAt.toISOString() });

export async function listTeams(db: Executor, workspaceId: string, query: { cursor?: string; limit: number }) {
  const page = keyset(teams, query.cursor);
  const rows = await db
    .select(teamColumns)
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  return toPage(rows, query.limit, teamView);
}

export async function getTeam(db: Executor, workspaceId: string, teamId: string) {
  const [row] = await db
    .select(teamColumns)
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)));
  if (!row) throw notFound('team');
  return teamView(row);
}

export async function createTeam(db: Executor, workspaceId: string, input: { name: string; description: string }) {
  const [row] = await db
    .insert(teams)
    .values({ workspaceId, ...input })
    .returning({ id: teams.id });
  return getTeam(db, workspaceId, row!.id);
}

export async function updateTeam(
  db: Executor,
  workspaceId: string,
  teamId: string,
  input: Partial<
    Pick<
      TeamRow,
      | 'name'
      | 'description'
      | 'algorithm'
      | 'overflowTeamId'
      | 'overflowAfterSeconds'
      | 'stickyHours'
      | 'businessHours'
      | 'serviceLevelTargetSeconds'
    >
  >,
) {
  if (input.overflowTeamId === teamId) throw new AppError(422, 'overflow_to_self', 'a team cannot overflow to itself');
  if (input.overflowTeamId) await assertTeamsInWorkspace(db, workspaceId, [input.overflowTeamId]);
  const updated = await db
    .update(teams)
    .set(input)
    .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)))
    .returning({ id: teams.id });
  if (updated.length === 0) throw notFound('team');
  return getTeam(db, workspaceId, teamId);
}

export async function deleteTeam(db: Executor, workspaceId: string, teamId: string) {
  const deleted = await db
    .delete(teams)
    .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)))
    .returning({ id: teams.id });
  if (deleted.length === 0) throw notFound('team');
}

/** Throws 404 unless every id is a team of this workspace. */
export async function assertTeamsInWorkspace(db: Executor, workspaceId: string, teamIds: string[]): Promise<void> {
  if (teamIds.length === 0) return;
  const found = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), inArray(teams.id, teamIds)));
  if (found.length !== new Set(teamIds).size) throw notFound('team');
}

/** Adds a member to a team of the same workspace (or sets their proficiency); a team that no longer exists is skipped. */
export async function addTeamMember(db: Executor, workspaceId: string, teamId: string, userId: string, proficiency = 3): Promise<boolean> {
  const inserted = await db.execute(sql`
    insert into ${teamMembers} (workspace_id, team_id, user_id, proficiency)
    select ${workspaceId}, ${teams.id}, ${userId}, ${proficiency} from ${teams} where ${teams.id} = ${teamId} and ${teams.workspaceId} = ${workspaceId}
    on conflict (team_id, user_id) do update set proficiency = excluded.proficiency
    where ${teamMembers.proficiency} is distinct from excluded.proficiency`);
  return (inserted.rowCount ?? 0) > 0;
}

export async function removeTeamMember(db: Executor, workspaceId: string, teamId: string, userId: string): Promise<boolean> {
  const deleted = await db
    .delete(teamMembers)
    .where(and(eq(teamMembers.workspaceId, workspaceId), eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
    .returning({ userId: teamMembers.userId });
  return deleted.length > 0;
}

export async function removeFromAllTeams(db: Executor, workspaceId: string, userId: string) {
  await db.delete(teamMembers).where(and(eq(teamMembers.workspaceId, workspaceId), eq(teamMembers.userId, userId)));
}

export async function teamBusinessHours(db: Executor, workspaceId: string, teamId: string): Promise<BusinessHours | null> {
  const [row] = await db
    .select({ businessHours: teams.businessHours })
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)));
  return row?.businessHours ?? null;
}
