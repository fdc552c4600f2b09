/**
 * bench/reports: a year of a 50-agent center (CONVERSATIONS conversations with their queue,
 * assignment, reply and resolution events, 10 % abandoned), rolled up, then the overview report
 * for 30 days by day and for a year by month through the real HTTP route with a supervisor's
 * session, beside the same counts computed by one direct SQL query over the raw events (the
 * facts query of the reports module, summed by bucket) in the same run.
 * Prints p50/p99 of both and ends with one JSON line; ratio = baseline p99 ÷ API p99.
 *
 * Options (environment): CONVERSATIONS (100000; the figure is 1000000), RUNS (20 API
 * calls per report), BASELINE_RUNS (3 direct queries per report: they are slow by design).
 * Uses DATABASE_URL's server (a database of its own, dropped at the end) or an embedded one.
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import pino from 'pino';
import { createSession, SESSION_COOKIE } from '../packages/server/src/modules/auth/sessions.js';
import { factsQuery } from '../packages/server/src/modules/reports/facts.js';
import { rollUp } from '../packages/server/src/modules/reports/rollup.js';
import { createDatabase, createPool } from '../packages/server/src/platform/db/pool.js';
import { benchDatabases } from './support/database.js';
import { percentile, round, startBenchServer } from './support/process.js';
import { seedYear } from './reports/seed.js';

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const TZ = 'Asia/Shanghai';

export async function run(): Promise<Record<string, unknown>> {
  const conversations = Number(process.env.CONVERSATIONS ?? 100_000);
  const runs = Number(process.env.RUNS ?? 20);
  const baselineRuns = Number(process.env.BASELINE_RUNS ?? 3);
  console.log(`reports: ${conversations.toLocaleString('en')} conversations over a year, 50 agents`);
  const databases = await benchDatabases();
  try {
    const url = await databases.create();
    await (await startBenchServer(url)).stop();
    const pool = createPool(url, 2, pino({ level: 'warn' }));
    const db = createDatabase(pool);
    const started = process.hrtime.bigint();
    const seeded = await seedYear(db, conversations);
    console.log(`  seeded in ${round(ms(started) / 1000, 1)} s`);
    const rolling = process.hrtime.bigint();
    const hours = await rollUp(db, seeded.workspaceId, seeded.end);
    console.log(`  rolled up ${hours} hours in ${round(ms(rolling) / 1000, 1)} s`);
    const { token } = await createSession(db, { userId: seeded.supervisorId, ip: '127.0.0.1', userAgent: 'bench' });
    const server = await startBenchServer(url);
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    const dialect = new PgDialect();
    try {
      const day = (offset: number) => new Date(seeded.end.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
      const reports = [
        { name: '30 days by day', from: day(30), to: day(1), bucket: 'day' },
        { name: 'a year by month', from: day(365), to: day(1), bucket: 'month' },
      ];
      const api: number[] = [];
      const baseline: number[] = [];
      const per: Record<string, unknown> = {};
      for (const report of reports) {
        const params = new URLSearchParams({ period: 'custom', from: report.from, to: report.to, bucket: report.bucket, compare: 'false' });
        const viaApi = async () => {
          const t = process.hrtime.bigint();
          const response = await fetch(`${server.url}/api/v1/workspaces/${seeded.workspaceId}/reports/overview?${params}`, {
            headers: { cookie: `${SESSION_COOKIE}=${token}` },
          });
          const body = (await response.json()) as {
            rows: { totals: Record<string, number | null> }[];
            period: { start: string; end: string };
          };
          if (response.status !== 200) throw new Error(`report ${report.name}: ${response.status} ${JSON.stringify(body)}`);
          return { ms: ms(t), offered: body.rows[0]!.totals.offered, period: body.period };
        };
        const { period } = await viaApi();
        // The baseline: the same facts, straight from the events, summed by the same buckets in one statement.
        const query = dialect.sqlToQuery(sql`select date_trunc(${report.bucket}, f.t, ${TZ}) as bucket, sum(f.offered)::float8 as offered,
            sum(f.answered)::float8 as answered, sum(f.answer_wait_ms)::float8 as wait, sum(f.handle_ms)::float8 as handle
          from (${factsQuery(seeded.workspaceId, new Date(period.start), new Date(period.end))}) f group by 1 order by 1`);
        const viaSql = async () => {
          const t = process.hrtime.bigint();
          const result = await direct.query({ text: query.sql, values: query.params as unknown[] });
          return { ms: ms(t), offered: result.rows.reduce((sum, row) => sum + Number(row.offered), 0) };
        };
        const apiTimes: number[] = [];
        let offered = 0;
        for (let i = 0; i < runs; i++) {
          const result = await viaApi();
          apiTimes.push(result.ms);
          offered = result.offered ?? 0;
        }
        const sqlTimes: number[] = [];
        let sqlOffered = 0;
        for (let i = 0; i < baselineRuns; i++) {
          const result = await viaSql();
          sqlTimes.push(result.ms);
          sqlOffered = result.offered;
        }
        if (offered !== sqlOffered) throw new Error(`${report.name}: the API says ${offered} offered, the direct query ${sqlOffered}`);
        apiTimes.sort((a, b) => a - b);
        sqlTimes.sort((a, b) => a - b);
        api.push(...apiTimes);
        baseline.push(...sqlTimes);
        per[report.name] = {
          offered,
          api_p50_ms: round(percentile(apiTimes, 50)),
          api_p99_ms: round(percentile(apiTimes, 99)),
          sql_p50_ms: round(percentile(sqlTimes, 50)),
        };
        console.log(
          `  ${report.name}: ${offered} offered; API p50 ${round(percentile(apiTimes, 50))} ms, p99 ${round(percentile(apiTimes, 99))} ms; ` +
            `direct SQL over the events p50 ${round(percentile(sqlTimes, 50))} ms`,
        );
      }
      api.sort((a, b) => a - b);
      baseline.sort((a, b) => a - b);
      const p99 = round(percentile(api, 99));
      const baselineP99 = round(percentile(baseline, 99));
      const result = {
        bench: 'reports',
        conversations,
        p99_ms: p99,
        reports: per,
        baseline: { p99_ms: baselineP99 },
        ratio: round(baselineP99 / p99),
      };
      console.log(JSON.stringify(result));
      return result;
    } finally {
      await direct.end();
      await server.stop();
      await pool.end();
    }
  } finally {
    await databases.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
  process.exit(0);
}
