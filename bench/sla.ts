/**
 * bench/sla: 100,000 open SLA clocks due over the coming hour; the clock is advanced an hour at
 * once, and the sweep (the production drain: set-based claim, outbox rows in bulk, batches of
 * SLA_SWEEP_BATCH) breaches them all, in as many loops as nodes (default 3). Prints breaches per
 * second and the lag from the moment each clock became due (when the clock moved) to its
 * `sla.breached` event, beside a bare `SELECT … WHERE due_at <= now() FOR UPDATE SKIP LOCKED`
 * claim loop (then `UPDATE … SET status = 'breached'` of what it got) over the same rows in a
 * copy of the same database, with as many loops and the same batch, in the same run; checks
 * every clock fired exactly once; ends with one JSON line.
 *
 * Options (environment): BENCH_SLA_TARGETS (100000), BENCH_SLA_LOOPS (3), BENCH_SLA_BATCH (500).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { drainDueClocks } from '../packages/server/src/modules/sla/sweeper.js';
import type { Clock } from '../packages/server/src/platform/clock.js';
import { runMigrations } from '../packages/server/src/platform/db/migrate.js';
import { createDatabase, createPool } from '../packages/server/src/platform/db/pool.js';
import { benchDatabases } from './support/database.js';
import { percentile, round } from './support/process.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-06-01T02:00:00.000Z');

async function seed(client: pg.Client, targets: number): Promise<string> {
  const workspaceId = randomUUID();
  await client.query(`INSERT INTO workspaces (id, name, slug) VALUES ($1, 'SLA 压测', $2)`, [
    workspaceId,
    `bench-${workspaceId.slice(0, 8)}`,
  ]);
  // Due evenly over the hour after T0; each started 30 minutes before it is due, warned already.
  await client.query(
    `INSERT INTO sla_targets (workspace_id, subject_type, subject_id, metric, origin, policy_name, business_time, target_minutes,
                              started_at, due_at, warn_at, warned_at)
     SELECT $1, 'conversation', gen_random_uuid(), 'first_response', 'opened', '压测', false, 30,
            d - interval '30 minutes', d, d - interval '15 minutes', d - interval '15 minutes'
     FROM (SELECT $2::timestamptz + (n * ($3::float8 / $4)) * interval '1 millisecond' AS d FROM generate_series(1, $4) n) due`,
    [workspaceId, T0, HOUR, targets],
  );
  for (const table of ['sla_targets', 'outbox']) await client.query(`VACUUM ANALYZE ${table}`);
  return workspaceId;
}

/**
 * The bare primitive on the same table and rows: claim due clocks in batches with SELECT … FOR
 * UPDATE SKIP LOCKED and mark them breached, nothing else (no event, no engine).
 */
async function baselineClaims(url: string, loops: number, batch: number): Promise<{ claims: number; seconds: number }> {
  const pool = new pg.Pool({ connectionString: url, max: loops });
  let claims = 0;
  const started = performance.now();
  const loop = async () => {
    for (;;) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const due = await client.query<{ id: string }>(
          `SELECT id FROM sla_targets WHERE status = 'active' AND due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batch],
        );
        if (due.rows.length > 0)
          await client.query(`UPDATE sla_targets SET status = 'breached' WHERE id = ANY($1::uuid[])`, [due.rows.map((row) => row.id)]);
        await client.query('COMMIT');
        claims += due.rows.length;
        if (due.rows.length < batch) return;
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return { claims, seconds };
}

export async function run(): Promise<Record<string, unknown>> {
  const targets = Number(process.env.BENCH_SLA_TARGETS ?? 100_000);
  const loops = Number(process.env.BENCH_SLA_LOOPS ?? 3);
  const batch = Number(process.env.BENCH_SLA_BATCH ?? 500);
  console.log(`sla: ${targets} open clocks due within the hour, the clock advanced an hour; ${loops} sweep loops, batches of ${batch}`);
  const databases = await benchDatabases();
  const url = await databases.create();
  const baselineUrl = await databases.create();
  const logger = pino({ level: 'warn' });
  const pool = createPool(url, loops + 1, logger);
  const client = new pg.Client({ connectionString: url });
  try {
    // The same schema and the same rows for both.
    const baselinePool = createPool(baselineUrl, 1, logger);
    await runMigrations(baselinePool, logger);
    await baselinePool.end();
    const baselineClient = new pg.Client({ connectionString: baselineUrl });
    await baselineClient.connect();
    await seed(baselineClient, targets);
    await baselineClient.end();
    await runMigrations(pool, logger);
    await client.connect();
    await seed(client, targets);

    // The clock jumps an hour: every clock is due at this instant, in real terms.
    const clock: Clock = { now: () => new Date(T0.getTime() + HOUR + 1) };
    const db = createDatabase(pool);
    const movedAt = Date.now();
    const started = performance.now();
    const swept = await Promise.all(Array.from({ length: loops }, () => drainDueClocks(db, clock, batch)));
    const seconds = (performance.now() - started) / 1000;
    const breached = swept.reduce((sum, result) => sum + result.breached, 0);

    const events = await client.query<{ lag_ms: string; n: string }>(
      `SELECT extract(epoch FROM (created_at - to_timestamp($1 / 1000.0))) * 1000 AS lag_ms, count(*) OVER (PARTITION BY payload->>'targetId') AS n
       FROM outbox WHERE topic = 'sla.breached'`,
      [movedAt],
    );
    const lags = events.rows.map((row) => Number(row.lag_ms)).sort((a, b) => a - b);
    const duplicates = events.rows.filter((row) => Number(row.n) !== 1).length;
    const open = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla_targets WHERE status = 'active'`);
    if (breached !== targets || events.rows.length !== targets || duplicates > 0 || open.rows[0]!.n > 0)
      throw new Error(
        `exactly-once broken: ${breached} breached, ${events.rows.length} events, ${duplicates} doubled, ${open.rows[0]!.n} open`,
      );

    const baseline = await baselineClaims(baselineUrl, loops, batch);
    if (baseline.claims !== targets) throw new Error(`the baseline claimed ${baseline.claims} of ${targets}`);
    const firedPerS = breached / seconds;
    const claimsPerS = baseline.claims / baseline.seconds;
    console.log({
      sweep: { breached, seconds: round(seconds, 2), p50_lag_ms: round(percentile(lags, 50)), p99_lag_ms: round(percentile(lags, 99)) },
      baseline: { claims: baseline.claims, seconds: round(baseline.seconds, 2) },
    });
    const line = {
      bench: 'sla',
      targets,
      loops,
      batch,
      fired_per_s: round(firedPerS, 1),
      p50_lag_ms: round(percentile(lags, 50)),
      p99_lag_ms: round(percentile(lags, 99)),
      duplicates,
      baseline: { claims_per_s: round(claimsPerS, 1) },
      ratio: round(firedPerS / claimsPerS, 3),
    };
    console.log(JSON.stringify(line));
    return line;
  } finally {
    await client.end().catch(() => undefined);
    await pool.end();
    await databases.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
  process.exit(0);
}
