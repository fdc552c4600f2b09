import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/modules/inboxes/service.js';
import { startClocks, type Subject } from '../../src/modules/sla/clocks.js';
import { createPolicy } from '../../src/modules/sla/service.js';
import { createWorkspace } from '../../src/modules/workspaces/service.js';
import { runMigrations } from '../../src/platform/db/migrate.js';
import { createDatabase, createPool, type Database } from '../../src/platform/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/ports.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { SLOW_UNDER_LOAD } from '../support/timeouts.js';

/**
 * What the clocks run on, and how many: two clocks each (first response, resolution). The issue's
 * case is 2,000 tickets; conversations run the same clocks, with fewer to keep CI short.
 */
const CASES: { type: Subject['type']; subjects: number }[] = [
  { type: 'ticket', subjects: Number(process.env.SLA_CLUSTER_TICKETS ?? 2000) },
  { type: 'conversation', subjects: Number(process.env.SLA_CLUSTER_CONVERSATIONS ?? 500) },
];
/** How far the injected clock moves per scheduler tick: the most a warning or breach may be late. */
const TICK_MS = 60_000;
const MINUTE = 60_000;
const T0 = new Date('2026-03-02T01:00:00.000Z');
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/**
 * Three server processes sweep the same SLA clocks (4,000 on tickets) while an injected clock (a file all
 * three read) moves forward one tick at a time; one process is killed with SIGKILL midway.
 * From the outbox: every warning and every breach fired exactly once, never early, and at most
 * one tick late in the clock's own terms. No test step waits for a due time: the clock is moved.
 */
describe.each(CASES)('SLA timers on three processes, on $subjects of type $type', ({ type: SUBJECT_TYPE, subjects: SUBJECTS }) => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let db: Database;
  const servers: ServerProcess[] = [];
  const clockDir = mkdtempSync(path.join(os.tmpdir(), 'huiliu-clock-'));
  const clockFile = path.join(clockDir, 'now');
  const setClock = (at: Date) => writeFileSync(clockFile, at.toISOString());
  let workspaceId: string;

  const sql = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as T[];

  /** Real cases for the clocks to run on, of SUBJECT_TYPE, with mixed priorities. */
  async function createSubjects(count: number): Promise<{ id: string; priority: (typeof PRIORITIES)[number] }[]> {
    const inbox = await createInbox(db, workspaceId, { kind: 'api', name: '接口', defaultTeamId: null, settings: {} });
    const customers = await sql<{ id: string }>(`insert into customers (workspace_id) select $1 from generate_series(1, $2) returning id`, [
      workspaceId,
      count,
    ]);
    const priorityOf = (index: number) => PRIORITIES[index % PRIORITIES.length]!;
    const rows =
      SUBJECT_TYPE === 'conversation'
        ? await sql<{ id: string }>(
            `insert into conversations (workspace_id, inbox_id, channel, customer_id, state, priority, queued_at)
             select $1, $2, 'api', c.id, 'queued', (array['low','normal','high','urgent'])[(c.n - 1) % 4 + 1], now()
             from unnest($3::uuid[]) with ordinality as c(id, n) order by c.n returning id`,
            [workspaceId, inbox.id, customers.map((customer) => customer.id)],
          )
        : await sql<{ id: string }>(
            `insert into tickets (workspace_id, number, subject, priority, requester_id, source_channel)
             select $1, c.n, '工单' || c.n, (array['low','normal','high','urgent'])[(c.n - 1) % 4 + 1], c.id, 'api'
             from unnest($2::uuid[]) with ordinality as c(id, n) order by c.n returning id`,
            [workspaceId, customers.map((customer) => customer.id)],
          );
    return rows.map((row, index) => ({ id: row.id, priority: priorityOf(index) }));
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const logger = pino({ level: 'silent' });
    pool = createPool(database.url, 10, logger);
    await runMigrations(pool, logger);
    db = createDatabase(pool);
    workspaceId = (await createWorkspace(db, { name: 'SLA 集群', slug: `sla-cluster-${randomUUID().slice(0, 8)}` })).id;
    await createPolicy(db, workspaceId, {
      name: '全部',
      description: '',
      enabled: true,
      conditions: {},
      targets: {
        first_response: { minutes: { low: 40, normal: 30, high: 20, urgent: 10 }, businessTime: false },
        resolution: { minutes: { low: 60, normal: 50, high: 40, urgent: 30 }, businessTime: false },
      },
      calendarId: null,
      warnBeforeMinutes: 5,
      pauseStatuses: ['pending', 'on_hold'],
    });
    const subjects = await createSubjects(SUBJECTS);
    // Started over 20 minutes at odd seconds: due times fall everywhere inside the ticks.
    for (const [index, subject] of subjects.entries()) {
      const startedAt = new Date(T0.getTime() + ((index * 7_919) % (20 * MINUTE)));
      await startClocks(
        db,
        { workspaceId, type: SUBJECT_TYPE, id: subject.id },
        { channel: 'api', inboxId: '', priority: subject.priority, customerTier: 'normal', customerTags: [] },
        ['first_response', 'resolution'],
        'opened',
        startedAt,
      );
    }
    setClock(T0);
    servers.push(
      ...(await Promise.all(
        [0, 1, 2].map(async () =>
          spawnServer({
            DATABASE_URL: database.url,
            PORT: String(await freePort()),
            HUILIU_DEMO: 'false',
            LOG_LEVEL: 'warn',
            HUILIU_CLOCK_FILE: clockFile,
            SLA_SWEEP_INTERVAL_MS: '100',
            // Small batches: many transactions per tick, so the kill lands amid some.
            SLA_SWEEP_BATCH: '25',
          }),
        ),
      )),
    );
  }, SLOW_UNDER_LOAD.timeout);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await pool?.end();
    await database?.drop();
    rmSync(clockDir, { recursive: true, force: true });
  });

  const until = async (check: () => Promise<boolean>, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const fired = async () => Number((await sql<{ n: string }>(`select count(*) as n from outbox where topic like 'sla.%'`))[0]!.n);
  /** Nothing the sweep should have fired by `now` is still waiting. */
  const caughtUp = async (now: Date) =>
    Number(
      (
        await sql<{ n: string }>(
          `select count(*) as n from sla_targets where status = 'active'
           and (due_at < $1 or (warned_at is null and warn_at <= $1 and due_at >= $1))`,
          [now],
        )
      )[0]!.n,
    ) === 0;

  it('fires every warning and breach exactly once, at most one tick late, with a process killed midway', SLOW_UNDER_LOAD, async () => {
    const targets = await sql<{ id: string; due_at: Date; warn_at: Date }>(
      `select id, due_at, warn_at from sla_targets where workspace_id = $1 and subject_type = $2`,
      [workspaceId, SUBJECT_TYPE],
    );
    expect(targets).toHaveLength(SUBJECTS * 2);
    expect(targets.every((target) => target.warn_at !== null)).toBe(true);
    const lastDue = Math.max(...targets.map((target) => target.due_at.getTime()));
    const expected = targets.length * 2;

    let now = T0;
    let killed = false;
    while (now.getTime() <= lastDue) {
      now = new Date(now.getTime() + TICK_MS);
      const before = await fired();
      setClock(now);
      if (!killed && before >= expected / 2) {
        // Midway: once this tick's sweeps are under way, one process dies without a goodbye.
        await until(async () => (await fired()) > before || (await caughtUp(now)));
        await servers[0]!.stop('SIGKILL');
        killed = true;
      }
      await until(() => caughtUp(now));
    }
    expect(killed).toBe(true);
    expect(servers[0]!.child.signalCode).toBe('SIGKILL');

    const events = await sql<{ topic: string; target: string; due: string; fired: string; n: string }>(
      `select topic, payload->>'targetId' as target, min(payload->>'dueAt') as due, min(payload->>'firedAt') as fired, count(*) as n
       from outbox where topic in ('sla.warning', 'sla.breached') group by topic, payload->>'targetId'`,
    );
    const byTopic = (topic: string) => new Map(events.filter((event) => event.topic === topic).map((event) => [event.target, event]));
    const warnings = byTopic('sla.warning');
    const breaches = byTopic('sla.breached');
    expect(events.filter((event) => Number(event.n) !== 1)).toEqual([]);
    expect(warnings.size).toBe(targets.length);
    expect(breaches.size).toBe(targets.length);

    const lateness: { kind: string; id: string; late: number }[] = [];
    for (const target of targets) {
      const breach = breaches.get(target.id)!;
      const warning = warnings.get(target.id)!;
      expect(Date.parse(breach.due)).toBe(target.due_at.getTime());
      lateness.push({ kind: 'breach', id: target.id, late: Date.parse(breach.fired) - target.due_at.getTime() });
      lateness.push({ kind: 'warning', id: target.id, late: Date.parse(warning.fired) - target.warn_at.getTime() });
    }
    // A breach fires after its due time (a reply exactly at the due time is still in time), a warning at or after its time.
    expect(lateness.filter(({ kind, late }) => (kind === 'breach' ? late <= 0 : late < 0))).toEqual([]);
    expect(lateness.filter(({ late }) => late > TICK_MS)).toEqual([]);

    const states = await sql<{ status: string; on_due: boolean; n: string }>(
      `select status, breached_at = due_at as on_due, count(*) as n from sla_targets group by 1, 2`,
    );
    expect(states.map((row) => [row.status, row.on_due, Number(row.n)])).toEqual([['breached', true, targets.length]]);
    // The survivors are still up and sweeping.
    expect(servers.slice(1).every((server) => server.child.exitCode === null)).toBe(true);
  });
});
