import type { Holiday } from '@huiliu/contracts';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import { calendars } from '../calendars/schema.js';
import { createCalendar, getCalendar, updateCalendar, type CalendarRow } from '../calendars/service.js';
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

/**
 * The team's hours as the API showed them before calendars: its calendar's zone and weekly
 * hours, with the calendar's one-off dates as the holidays (yearly dates and ranges are the
 * calendar's, seen through calendarId).
 */
const businessHoursOfCalendar = sql<BusinessHours | null>`(select jsonb_build_object(
    'timezone', ${calendars.timezone}, 'weekly', ${calendars.weekly},
    'holidays', coalesce((select jsonb_agg(distinct holiday->>'date') from jsonb_array_elements(${calendars.holidays}) holiday where holiday->>'kind' = 'date'), '[]'::jsonb))
  from ${calendars} where ${calendars.id} = ${teams.calendarId})`;

const teamColumns = {
  id: teams.id,
  name: teams.name,
  description: teams.description,
  algorithm: teams.algorithm,
  overflowTeamId: teams.overflowTeamId,
  overflowAfterSeconds: teams.overflowAfterSeconds,
  stickyHours: teams.stickyHours,
  businessHours: businessHoursOfCalendar,
  calendarId: teams.calendarId,
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
  calendarId: string | null;
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

export async function createTeam(
  db: Executor,
  workspaceId: string,
  input: { name: string; description: string; calendarId?: string | null | undefined },
) {
  // Another workspace's calendar is as unknown as a missing one.
  if (input.calendarId) await getCalendar(db, workspaceId, input.calendarId);
  const [row] = await db
    .insert(teams)
    .values({ workspaceId, name: input.name, description: input.description, calendarId: input.calendarId ?? null })
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
      | 'calendarId'
      | 'serviceLevelTargetSeconds'
    >
  >,
) {
  if (input.overflowTeamId === teamId) throw new AppError(422, 'overflow_to_self', 'a team cannot overflow to itself');
  if (input.overflowTeamId) await assertTeamsInWorkspace(db, workspaceId, [input.overflowTeamId]);
  if (input.businessHours !== undefined && input.calendarId !== undefined)
    throw new AppError(
      422,
      'calendar_or_hours',
      "send either calendarId (use a calendar) or businessHours (edit the team's own calendar), not both",
    );
  if (input.calendarId) await getCalendar(db, workspaceId, input.calendarId);
  const { businessHours, ...columns } = input;
  if (businessHours !== undefined) {
    const [current] = await db
      .select({ name: teams.name, calendarId: teams.calendarId })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)))
      .for('update');
    if (!current) throw notFound('team');
    columns.calendarId = businessHours
      ? (await writeTeamCalendar(db, workspaceId, input.name ?? current.name, current.calendarId, businessHours)).id
      : null;
  }
  const updated = await db
    .update(teams)
    .set(columns)
    .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)))
    .returning({ id: teams.id });
  if (updated.length === 0) throw notFound('team');
  return getTeam(db, workspaceId, teamId);
}

/**
 * The old businessHours write, kept for API clients: it edits the team's calendar (shared ones
 * included: every team and SLA on it sees the change), or makes one for a team without.
 * The hours' dates replace the calendar's one-off dates; its yearly dates and ranges stay.
 */
async function writeTeamCalendar(
  db: Executor,
  workspaceId: string,
  teamName: string,
  calendarId: string | null,
  hours: BusinessHours,
): Promise<CalendarRow> {
  const dates = (names: Map<string, string>): Holiday[] =>
    [...new Set(hours.holidays ?? [])].sort().map((date) => ({ kind: 'date', name: names.get(date) ?? '', date }));
  if (calendarId) {
    const calendar = await getCalendar(db, workspaceId, calendarId, { lock: true });
    const kept = calendar.holidays.filter((holiday) => holiday.kind !== 'date');
    // A date the calendar already had keeps its name (元旦…).
    const names = new Map(calendar.holidays.flatMap((holiday) => (holiday.kind === 'date' ? [[holiday.date, holiday.name] as const] : [])));
    return updateCalendar(db, workspaceId, calendarId, {
      timezone: hours.timezone,
      weekly: hours.weekly,
      holidays: [...kept, ...dates(names)],
    });
  }
  return createCalendar(db, workspaceId, {
    name: await freeCalendarName(db, workspaceId, `${teamName} 营业时间`),
    description: '',
    timezone: hours.timezone,
    weekly: hours.weekly,
    holidays: dates(new Map()),
  });
}

/** `base`, or `base (2)`, `base (3)`… whichever is not yet a calendar of the workspace (as the migration names them). */
export async function freeCalendarName(db: Executor, workspaceId: string, base: string): Promise<string> {
  const taken = new Set(
    (await db.select({ name: calendars.name }).from(calendars).where(eq(calendars.workspaceId, workspaceId))).map((row) => row.name),
  );
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix++) if (!taken.has(`${base} (${suffix})`)) return `${base} (${suffix})`;
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
    .select({ businessHours: businessHoursOfCalendar })
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, teamId)));
  return row?.businessHours ?? null;
}

/** The calendar a team's hours come from (holidays included); null: no team, or always open. */
export async function teamCalendar(db: Executor, teamId: string | null): Promise<CalendarRow | null> {
  if (!teamId) return null;
  const [row] = await db
    .select({ calendar: calendars })
    .from(teams)
    .innerJoin(calendars, eq(calendars.id, teams.calendarId))
    .where(eq(teams.id, teamId));
  return row?.calendar ?? null;
}
