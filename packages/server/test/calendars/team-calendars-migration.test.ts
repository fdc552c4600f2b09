import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTeam } from '../../src/modules/teams/service.js';
import { MIGRATIONS_DIR } from '../../src/platform/db/migrate.js';
import { createDatabase, createPool } from '../../src/platform/db/pool.js';
import type { TestDatabase } from '../support/database.js';
import { databaseBeforeMigration, type DatabaseBeforeMigration } from '../support/migrations.js';
import pino from 'pino';

/**
 * The team-calendars migration on a database from before it: each team with business hours
 * gets a calendar "<team> 营业时间" with the same zone, hours and dates (a name already taken
 * gets " (2)", " (3)"), a team without hours stays always open.
 */
describe('migration: team business hours onto calendars', () => {
  let database: TestDatabase;
  let client: pg.Client;
  let old: DatabaseBeforeMigration | undefined;

  beforeAll(async () => {
    old = await databaseBeforeMigration('_team_calendars');
    ({ database, client } = old);
  }, 120_000);
  afterAll(async () => {
    await old?.close();
  });

  it('gives each team with hours its own calendar and points the team at it', async () => {
    const one = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await client.query<T>(text, values)).rows[0]!;
    const workspace = async (slug: string) =>
      (await one<{ id: string }>(`insert into workspaces (name, slug) values ($1, $1) returning id`, [slug])).id;
    const ws = await workspace('team-cal-a');
    const otherWs = await workspace('team-cal-b');
    const team = async (workspaceId: string, name: string, hours: unknown) =>
      (
        await one<{ id: string }>(`insert into teams (workspace_id, name, business_hours) values ($1, $2, $3) returning id`, [
          workspaceId,
          name,
          hours === null ? null : JSON.stringify(hours),
        ])
      ).id;
    const office = {
      timezone: 'Asia/Shanghai',
      weekly: {
        mon: [
          ['09:00', '12:00'],
          ['13:00', '18:00'],
        ],
        sat: [['22:00', '06:00']],
      },
      holidays: ['2026-10-02', '2026-10-01', '2026-10-01'],
    };
    const berlin = { timezone: 'Europe/Berlin', weekly: { fri: [['08:00', '16:00']] } };
    // Names the migration would pick are taken already: by a calendar, and by the " (2)" after it.
    await client.query(`insert into calendars (workspace_id, name, timezone, weekly) values ($1, '售后服务 营业时间', 'UTC', '{}')`, [ws]);
    await client.query(`insert into calendars (workspace_id, name, timezone, weekly) values ($1, '售后服务 营业时间 (2)', 'UTC', '{}')`, [
      ws,
    ]);
    const aftersales = await team(ws, '售后服务', office);
    const presales = await team(ws, '售前咨询', berlin);
    const always = await team(ws, '值班', null);
    // The same team name in another workspace: names are unique per workspace only.
    const elsewhere = await team(otherWs, '售后服务', berlin);

    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });

    const calendarOf = async (teamId: string) =>
      one<{
        calendar_id: string | null;
        name: string | null;
        workspace_id: string | null;
        timezone: string;
        weekly: unknown;
        holidays: unknown;
      }>(
        `select t.calendar_id, c.name, c.workspace_id, c.timezone, c.weekly, c.holidays from teams t left join calendars c on c.id = t.calendar_id where t.id = $1`,
        [teamId],
      );
    expect(await calendarOf(aftersales)).toEqual({
      calendar_id: expect.any(String),
      name: '售后服务 营业时间 (3)',
      workspace_id: ws,
      timezone: 'Asia/Shanghai',
      weekly: office.weekly,
      holidays: [
        { kind: 'date', name: '', date: '2026-10-01' },
        { kind: 'date', name: '', date: '2026-10-02' },
      ],
    });
    expect(await calendarOf(presales)).toMatchObject({
      name: '售前咨询 营业时间',
      timezone: 'Europe/Berlin',
      weekly: berlin.weekly,
      holidays: [],
    });
    expect(await calendarOf(elsewhere)).toMatchObject({ name: '售后服务 营业时间', workspace_id: otherWs });
    expect((await calendarOf(always)).calendar_id).toBeNull();
    expect(Number((await one<{ n: string }>(`select count(*) as n from calendars`)).n)).toBe(5);

    // The API shows the same hours as before, now read from the calendar.
    const pool = createPool(database.url, 2, pino({ level: 'silent' }));
    try {
      const team = await getTeam(createDatabase(pool), ws, aftersales);
      expect(team.businessHours).toEqual({ timezone: 'Asia/Shanghai', weekly: office.weekly, holidays: ['2026-10-01', '2026-10-02'] });
    } finally {
      await pool.end();
    }
    // A calendar a team uses cannot be deleted.
    await expect(client.query(`delete from calendars where id = $1`, [(await calendarOf(presales)).calendar_id])).rejects.toThrow(
      /teams_calendar_id_calendars_id_fk/,
    );
  });
});
