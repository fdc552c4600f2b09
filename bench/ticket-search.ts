/**
 * bench/ticket-search: 1,000,000 tickets (Chinese and English, seeded), then 200 mixed searches —
 * full text with status and/or assignee filters, some on their second page — through the real
 * HTTP route (`GET …/tickets?q=…`) with a supervisor's session, beside exactly the same SQL (the
 * statements `ticketListQuery` builds: the newest-first walk, then the full search when the walk
 * did not fill the page) run directly on the database in the same run, interleaved.
 * Prints p50/p99 of both and ends with one JSON line; ratio = API p99 ÷ direct SQL p99.
 *
 * Options (environment): TICKETS (1000000; e.g. TICKETS=20000 for a smoke test), SEARCHES (200),
 * BENCH_SEED (17), BENCH_EXPLAIN=1 (print the plan of the slowest direct searches).
 * Uses DATABASE_URL's server (a database of its own, dropped at the end) or an embedded one.
 */
import { pathToFileURL } from 'node:url';
import { TicketQuery } from '@huiliu/contracts';
import pg from 'pg';
import pino from 'pino';
import { createSession, SESSION_COOKIE } from '../packages/server/src/modules/auth/sessions.js';
import { ticketListQuery } from '../packages/server/src/modules/tickets/queries.js';
import { createDatabase, createPool } from '../packages/server/src/platform/db/pool.js';
import { benchDatabases } from './support/database.js';
import { percentile, round, startBenchServer } from './support/process.js';
import { EN, seeded, seedTickets, ZH, type Seeded } from './ticket-search/seed.js';

interface Search {
  kind: string;
  params: Record<string, string>;
}

/** Words agents type: common and rare, Chinese (also phrases jieba cuts differently) and English, order numbers. */
function searches(count: number, tickets: number, seed: number, data: Seeded): Search[] {
  const r = seeded(seed + 1);
  const zhWords = [
    '退款',
    '发票',
    '耳机',
    '充电器',
    '物流',
    '快递丢件',
    '无法充电',
    '扫地机器人',
    '投影仪',
    '电池鼓包',
    '杭州',
    '上门维修',
  ];
  const zhPhrases = ['退款申请', '屏幕碎裂', '固件升级', '重复扣款', '蓝牙配对'];
  const enWords = ['refund', 'charger', 'invoice', 'wifi', 'cracked screen', 'firmware update', 'parcel lost', 'projector'];
  const statuses = ['open', 'pending', 'new', 'solved', 'closed', 'on_hold'];
  const list: Search[] = [];
  for (let i = 0; i < count; i++) {
    const roll = r.next();
    let kind: string;
    let q: string;
    if (roll < 0.35) [kind, q] = ['zh word', r.pick(zhWords, 1)];
    else if (roll < 0.5) [kind, q] = ['zh phrase', r.pick(zhPhrases, 1)];
    else if (roll < 0.6) [kind, q] = ['zh two words', `${r.pick(ZH.products, 1)} ${r.pick(['退款', '维修', '发票', '换货'], 1)}`];
    else if (roll < 0.85) [kind, q] = ['en', r.pick(enWords, 1)];
    else if (roll < 0.92) [kind, q] = ['en two words', `${r.pick(EN.products, 1).split(' ')[0]!} refund`];
    else [kind, q] = ['order number', `B${1_000_000 + 1 + r.int(tickets)}`];
    const params: Record<string, string> = { q };
    const filter = r.next();
    if (filter < 0.4) params.status = r.pick(statuses, 1);
    else if (filter < 0.7) params.assigneeId = r.next() < 0.8 ? r.pick(data.agentIds, 1) : 'none';
    else if (filter < 0.9) {
      params.status = r.pick(statuses, 1);
      params.assigneeId = r.pick(data.agentIds, 1);
    }
    list.push({ kind: `${kind}${params.status ? ' +status' : ''}${params.assigneeId ? ' +assignee' : ''}`, params });
  }
  return list;
}

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

export async function run(): Promise<Record<string, unknown>> {
  const tickets = Number(process.env.TICKETS ?? 1_000_000);
  const count = Number(process.env.SEARCHES ?? 200);
  const seed = Number(process.env.BENCH_SEED ?? 17);
  console.log(`ticket-search: ${tickets.toLocaleString('en')} tickets, ${count} searches (seed ${seed})`);
  const databases = await benchDatabases();
  try {
    const url = await databases.create();
    // One server start applies the migrations; the load runs with no server beside it.
    await (await startBenchServer(url)).stop();
    const data = await seedTickets(url, tickets, seed, (line) => console.log(line));

    const pool = createPool(url, 2, pino({ level: 'warn' }));
    const db = createDatabase(pool);
    const { token } = await createSession(db, { userId: data.userId, ip: '127.0.0.1', userAgent: 'bench' });
    const viewer = { workspaceId: data.workspaceId, userId: data.userId, readAll: true };
    const server = await startBenchServer(url);
    const baseUrl = server.url;
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    try {
      const list = searches(count, tickets, seed, data);
      type Statement = { sql: string; params: unknown[] };
      /** The statements the API runs: the newest-first walk (when it applies), then the full search if the walk is not enough. */
      const statements = async (params: Record<string, string>) => {
        const list = await ticketListQuery(db, viewer, TicketQuery.parse(params));
        return {
          newestFirst: list.newestFirst?.toSQL() as Statement | undefined,
          full: list.statement.toSQL() as Statement,
          enough: list.newestFirstIsEnough,
        };
      };
      /** The full search alone, for EXPLAIN. */
      const statement = async (params: Record<string, string>) => (await statements(params)).full;
      const viaSql = async (params: Record<string, string>) => {
        const { newestFirst, full, enough } = await statements(params);
        const started = process.hrtime.bigint();
        let result = newestFirst ? await direct.query({ text: newestFirst.sql, values: newestFirst.params }) : undefined;
        if (!result || !enough(result.rows)) result = await direct.query({ text: full.sql, values: full.params });
        return { ms: ms(started), ids: result.rows.slice(0, Number(params.limit ?? 50)).map((row) => row.id as string) };
      };
      const viaApi = async (params: Record<string, string>) => {
        const started = process.hrtime.bigint();
        const response = await fetch(`${baseUrl}/api/v1/workspaces/${data.workspaceId}/tickets?${new URLSearchParams(params)}`, {
          headers: { cookie: `${SESSION_COOKIE}=${token}` },
        });
        const body = (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
        const elapsed = ms(started);
        if (response.status !== 200) throw new Error(`search ${JSON.stringify(params)}: ${response.status} ${JSON.stringify(body)}`);
        return { ms: elapsed, ids: body.items.map((item) => item.id), nextCursor: body.nextCursor };
      };
      // Some searches ask for the second page, with the cursor the first page returned.
      const pick = seeded(seed + 2);
      for (const search of list) {
        if (pick.next() >= 0.15) continue;
        const first = await viaApi(search.params);
        if (first.nextCursor) {
          search.params.cursor = first.nextCursor;
          search.kind += ' +page 2';
        }
      }
      // Warm-up: the same searches once each way (caches, V8), not measured.
      for (const search of list) {
        await viaSql(search.params);
        await viaApi(search.params);
      }
      const api: number[] = [];
      const sqlTimes: { ms: number; search: Search }[] = [];
      const byKind = new Map<string, { api: number[]; sql: number[] }>();
      let mismatches = 0;
      let empty = 0;
      for (const [i, search] of list.entries()) {
        // Alternate which goes first, so neither always finds the other's pages freshly cached.
        const [a, s] =
          i % 2 === 0
            ? [await viaApi(search.params), await viaSql(search.params)]
            : await viaSql(search.params).then(async (s) => [await viaApi(search.params), s] as const);
        if (a.ids.join() !== s.ids.join()) mismatches += 1;
        if (a.ids.length === 0) empty += 1;
        api.push(a.ms);
        sqlTimes.push({ ms: s.ms, search });
        const kind = byKind.get(search.kind) ?? { api: [], sql: [] };
        kind.api.push(a.ms);
        kind.sql.push(s.ms);
        byKind.set(search.kind, kind);
      }
      const sortedApi = [...api].sort((x, y) => x - y);
      const sortedSql = sqlTimes.map((t) => t.ms).sort((x, y) => x - y);
      for (const [kind, times] of [...byKind].sort()) {
        console.log(
          `  ${kind.padEnd(34)} n=${String(times.api.length).padStart(3)}  api max ${round(Math.max(...times.api), 1)} ms  sql max ${round(Math.max(...times.sql), 1)} ms`,
        );
      }
      console.log(`  empty results: ${empty} of ${list.length}; API and SQL results differ: ${mismatches}`);
      if (mismatches > 0) throw new Error(`${mismatches} searches returned different tickets through the API and directly`);
      const slowest = [...sqlTimes].sort((x, y) => y.ms - x.ms).slice(0, 5);
      console.log('  slowest direct searches:');
      for (const { ms: time, search } of slowest) console.log(`    ${round(time, 1)} ms  ${JSON.stringify(search.params)}`);
      if (process.env.BENCH_EXPLAIN) {
        for (const { search } of slowest) {
          const { sql, params: values } = await statement(search.params);
          const plan = await direct.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, values });
          console.log(`\n${JSON.stringify(search.params)}\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}`);
        }
      }
      const p99 = round(percentile(sortedApi, 99));
      const baselineP99 = round(percentile(sortedSql, 99));
      console.log(
        `  API p50 ${round(percentile(sortedApi, 50))} ms p99 ${p99} ms; direct SQL p50 ${round(percentile(sortedSql, 50))} ms p99 ${baselineP99} ms`,
      );
      const line = {
        bench: 'ticket-search',
        tickets,
        p50_ms: round(percentile(sortedApi, 50)),
        p99_ms: p99,
        baseline: { p99_ms: baselineP99 },
        ratio: round(p99 / baselineP99, 3),
      };
      console.log(JSON.stringify(line));
      return line;
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
