/**
 * bench/routing: a burst of conversations (default 10,000) queued at once for online agents
 * (default 500, capacity 20 each), routed by 1 and by 3 server processes. Prints assignments/s
 * and p50/p99 time-to-assign (queued → assigned), checks the event log for double assignments
 * and over-capacity agents, beside the bare locking primitive (the same claims with no routing
 * logic) with as many loops as processes, measured in the same run; ends with one JSON line.
 *
 * Options (environment): BENCH_CONVERSATIONS (10000), BENCH_AGENTS (500), BENCH_CAPACITY (20).
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { baselineClaims } from './routing/baseline.js';
import { seedBurst, wakeRouters } from './routing/seed.js';
import { benchDatabases } from './support/database.js';
import { percentile, round, startBenchServer } from './support/process.js';

interface RoutingResult {
  assignments_per_s: number;
  p50_ms: number;
  p99_ms: number;
  double_assignments: number;
  over_capacity: number;
}

async function emptyDatabase(create: () => Promise<string>): Promise<string> {
  const url = await create();
  // Start and stop one server to apply the migrations.
  await (await startBenchServer(url)).stop();
  return url;
}

async function measure(
  url: string,
  processes: number,
  load: { agents: number; conversations: number; capacity: number },
): Promise<RoutingResult> {
  const { workspaceId } = await seedBurst(url, load);
  const servers = await Promise.all(Array.from({ length: processes }, async () => startBenchServer(url)));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = Date.now();
    await wakeRouters(url, workspaceId);
    const target = Math.min(load.conversations, load.agents * load.capacity);
    for (;;) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM routing_events WHERE workspace_id = $1 AND type = 'assigned'`, [
        workspaceId,
      ]);
      if (rows[0].n >= target || Date.now() - started > 600_000) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const events = await client.query(
      `SELECT e.conversation_id, e.user_id, extract(epoch from (e.created_at - c.queued_at)) * 1000 AS wait_ms, extract(epoch from e.created_at) * 1000 AS at_ms
       FROM routing_events e JOIN conversations c ON c.id = e.conversation_id WHERE e.workspace_id = $1 AND e.type = 'assigned' ORDER BY e.id`,
      [workspaceId],
    );
    const waits = events.rows.map((row) => Number(row.wait_ms)).sort((a, b) => a - b);
    const span =
      (Math.max(...events.rows.map((row) => Number(row.at_ms))) - Math.min(...events.rows.map((row) => Number(row.at_ms)))) / 1000;
    const seen = new Set<string>();
    let doubles = 0;
    const perAgent = new Map<string, number>();
    for (const row of events.rows) {
      if (seen.has(row.conversation_id)) doubles += 1;
      seen.add(row.conversation_id);
      perAgent.set(row.user_id, (perAgent.get(row.user_id) ?? 0) + 1);
    }
    return {
      assignments_per_s: round(events.rows.length / Math.max(span, 0.001), 1),
      p50_ms: round(percentile(waits, 50)),
      p99_ms: round(percentile(waits, 99)),
      double_assignments: doubles,
      over_capacity: [...perAgent.values()].filter((count) => count > load.capacity).length,
    };
  } finally {
    await client.end();
    await Promise.all(servers.map((server) => server.stop()));
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const load = {
    conversations: Number(process.env.BENCH_CONVERSATIONS ?? 10_000),
    agents: Number(process.env.BENCH_AGENTS ?? 500),
    capacity: Number(process.env.BENCH_CAPACITY ?? 20),
  };
  console.log(`routing: ${load.conversations} conversations queued at once, ${load.agents} agents × capacity ${load.capacity}`);
  const databases = await benchDatabases();
  try {
    const results: Record<number, RoutingResult & { baseline_claims_per_s: number }> = {};
    for (const processes of [1, 3]) {
      const result = await measure(await emptyDatabase(() => databases.create()), processes, load);
      const baselineUrl = await emptyDatabase(() => databases.create());
      const { workspaceId } = await seedBurst(baselineUrl, load);
      const claims = await baselineClaims(baselineUrl, workspaceId, processes);
      results[processes] = { ...result, baseline_claims_per_s: round(claims, 1) };
      console.log(`${processes} process(es):`, results[processes]);
    }
    const three = results[3]!;
    const line = {
      bench: 'routing',
      processes: 3,
      conversations: load.conversations,
      agents: load.agents,
      assignments_per_s: three.assignments_per_s,
      p50_ms: three.p50_ms,
      p99_ms: three.p99_ms,
      double_assignments: three.double_assignments,
      over_capacity: three.over_capacity,
      single_process: {
        assignments_per_s: results[1]!.assignments_per_s,
        p50_ms: results[1]!.p50_ms,
        p99_ms: results[1]!.p99_ms,
        baseline_claims_per_s: results[1]!.baseline_claims_per_s,
      },
      baseline: { claims_per_s: three.baseline_claims_per_s },
      ratio: round(three.assignments_per_s / three.baseline_claims_per_s, 3),
    };
    console.log(JSON.stringify(line));
    return line;
  } finally {
    await databases.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
  process.exit(0);
}
