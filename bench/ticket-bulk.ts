/**
 * bench/ticket-bulk: the throughput of a 500-ticket bulk update (`POST …/tickets/bulk`, priority
 * and assignee on each ticket, then polled until done), beside the same two changes made the way
 * an agent would without it — one `PATCH …/tickets/{id}` per ticket, one after another — on
 * another 500 tickets of the same workspace, in the same run. Both write the same rows and the
 * same events (each change is a ticket event and an outbox row). Prints tickets/s of both and
 * ends with one JSON line; ratio = bulk tickets/s ÷ one-by-one tickets/s (higher is better).
 *
 * Options (environment): TICKETS (5000 seeded, the two sets are taken from them), ROUNDS (3;
 * each round takes fresh tickets), BENCH_SEED (17). Uses DATABASE_URL's server (a database of its
 * own, dropped at the end) or an embedded one.
 */
import { MAX_BULK_TICKETS } from '@huiliu/contracts';
import pg from 'pg';
import pino from 'pino';
import { createSession, SESSION_COOKIE } from '../packages/server/src/modules/auth/sessions.js';
import { createDatabase, createPool } from '../packages/server/src/platform/db/pool.js';
import { benchDatabases } from './support/database.js';
import { round, startBenchServer } from './support/process.js';
import { seedTickets } from './ticket-search/seed.js';

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

export async function run(): Promise<Record<string, unknown>> {
  const tickets = Number(process.env.TICKETS ?? 5_000);
  const rounds = Number(process.env.ROUNDS ?? 3);
  const seed = Number(process.env.BENCH_SEED ?? 17);
  const size = MAX_BULK_TICKETS;
  if (tickets < rounds * size * 2) throw new Error(`TICKETS must be at least ${rounds * size * 2} for ${rounds} rounds`);
  console.log(`ticket-bulk: ${size} tickets per bulk job, ${rounds} rounds, ${tickets.toLocaleString('en')} seeded (seed ${seed})`);
  const databases = await benchDatabases();
  try {
    const url = await databases.create();
    // One server start applies the migrations.
    await (await startBenchServer(url)).stop();
    const data = await seedTickets(url, tickets, seed, (line) => console.log(line));
    const pool = createPool(url, 2, pino({ level: 'warn' }));
    const db = createDatabase(pool);
    const { token } = await createSession(db, { userId: data.userId, ip: '127.0.0.1', userAgent: 'bench' });
    await pool.end();
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    // The tickets both ways change, in a fixed order, made open and normal first (closed and
    // merged ones are read-only; an urgent one would not change), so each change is a real one.
    const open = (
      await direct.query<{ id: string }>(
        `update tickets set status = 'open', priority = 'normal', assignee_id = null
          where id in (select id from tickets where workspace_id = $1 and merged_into_id is null order by id limit $2)
          returning id`,
        [data.workspaceId, rounds * size * 2],
      )
    ).rows
      .map((row) => row.id)
      .sort();
    await direct.end();
    if (open.length < rounds * size * 2) throw new Error(`only ${open.length} changeable tickets were seeded`);

    const server = await startBenchServer(url);
    const api = `${server.url}/api/v1/workspaces/${data.workspaceId}`;
    const headers = { cookie: `${SESSION_COOKIE}=${token}`, 'content-type': 'application/json' };
    const call = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${api}${route}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
      const answer = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    try {
      const bulkRates: number[] = [];
      const singleRates: number[] = [];
      for (let roundIndex = 0; roundIndex < rounds; roundIndex++) {
        const assigneeId = data.agentIds[roundIndex % data.agentIds.length]!;
        const bulkSet = open.slice(roundIndex * size * 2, roundIndex * size * 2 + size);
        const singleSet = open.slice(roundIndex * size * 2 + size, (roundIndex + 1) * size * 2);
        // Alternate which goes first, so neither always finds a warmer database.
        const bulk = async () => {
          const started = process.hrtime.bigint();
          const job = await call('POST', '/tickets/bulk', {
            ticketIds: bulkSet,
            actions: [
              { type: 'priority', priority: 'urgent' },
              { type: 'assignee', assigneeId },
            ],
          });
          let status = job;
          while (status.status !== 'done') {
            await new Promise((resolve) => setTimeout(resolve, 20));
            status = await call('GET', `/tickets/bulk/${job.id as string}`);
          }
          const elapsed = seconds(started);
          if (status.changed !== size) throw new Error(`the bulk job changed ${String(status.changed)} of ${size}`);
          bulkRates.push(size / elapsed);
        };
        const single = async () => {
          const started = process.hrtime.bigint();
          for (const id of singleSet) await call('PATCH', `/tickets/${id}`, { priority: 'urgent', assigneeId });
          singleRates.push(size / seconds(started));
        };
        if (roundIndex % 2 === 0) {
          await bulk();
          await single();
        } else {
          await single();
          await bulk();
        }
        console.log(
          `  round ${roundIndex + 1}: bulk ${round(bulkRates.at(-1)!, 1)} tickets/s, one by one ${round(singleRates.at(-1)!, 1)} tickets/s`,
        );
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const line = {
        bench: 'ticket-bulk',
        tickets: size,
        rounds,
        tickets_per_s: round(median(bulkRates), 1),
        baseline: { tickets_per_s: round(median(singleRates), 1), kind: 'one PATCH per ticket, sequential' },
        ratio: round(median(bulkRates) / median(singleRates), 3),
      };
      console.log(JSON.stringify(line));
      return line;
    } finally {
      await server.stop();
    }
  } finally {
    await databases.close();
  }
}
