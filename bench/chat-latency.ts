/**
 * bench/chat-latency: N concurrent widget visitors (default 1,000) each sending a message every
 * few seconds to connected agents. Prints p50/p95/p99 visitor→agent latency and messages/s for
 * Huiliu and, measured in the same run with the same load, for a bare Socket.IO relay that does
 * one INSERT per message; ends with one JSON line.
 *
 * Options (environment): BENCH_VISITORS (1000), BENCH_AGENTS (5), BENCH_DURATION_S (20),
 * BENCH_INTERVAL_S (3). DATABASE_URL to use your PostgreSQL (default: embedded).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { io } from 'socket.io-client';
import { runLoad, type LoadResult } from './chat-latency/load.js';
import { benchDatabases } from './support/database.js';
import { REPO_ROOT, freePort, spawnTs } from './support/process.js';

const SERVER_MAIN = path.join(REPO_ROOT, 'packages/server/src/main.ts');
const RELAY_MAIN = path.join(REPO_ROOT, 'bench/chat-latency/baseline-relay.ts');

function connect(url: string, options: Record<string, unknown>) {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise<typeof socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function measureHuiliu(
  databaseUrl: string,
  load: Omit<Parameters<typeof runLoad>[0], 'openVisitor' | 'openAgent'>,
): Promise<LoadResult> {
  const port = await freePort();
  const server = await spawnTs(
    SERVER_MAIN,
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      HUILIU_DEMO: 'true',
      LOG_LEVEL: 'warn',
      WIDGET_SESSIONS_PER_MINUTE: '1000000',
      // A thousand visitors from this one machine: each is within their own budget, not one address's.
      SOCKET_EVENTS_PER_IP_PER_SECOND: '1000000',
      REDIS_URL: '',
      DATABASE_POOL_SIZE: '20',
    },
    /is running at/,
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    const cookies: string[] = [];
    for (let i = 0; i < load.agents; i++) {
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `agent${(i % 4) + 1}@huiliu.demo`, password: 'huiliu-demo' }),
      });
      cookies.push(
        login.headers
          .getSetCookie()
          .find((cookie) => cookie.startsWith('huiliu_session='))!
          .split(';')[0]!,
      );
    }
    const me = (await (await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: cookies[0]! } })).json()) as {
      user: { memberships: { workspaceId: string }[] };
    };
    const workspaceId = me.user.memberships[0]!.workspaceId;
    const inboxes = (await (
      await fetch(`${base}/api/v1/workspaces/${workspaceId}/inboxes`, { headers: { cookie: cookies[0]! } })
    ).json()) as { items: { publicKey: string }[] };
    const inboxKey = inboxes.items[0]!.publicKey;
    return await runLoad({
      ...load,
      openAgent: (i) => connect(`${base}/agent`, { extraHeaders: { cookie: cookies[i]! } }),
      openVisitor: async () => {
        const response = await fetch(`${base}/api/v1/widget/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inboxKey }),
        });
        const session = (await response.json()) as { visitorToken: string };
        return connect(`${base}/widget`, { auth: { visitorToken: session.visitorToken } });
      },
    });
  } finally {
    await server.stop();
  }
}

async function measureRelay(
  databaseUrl: string,
  load: Omit<Parameters<typeof runLoad>[0], 'openVisitor' | 'openAgent'>,
): Promise<LoadResult> {
  const port = await freePort();
  const relay = await spawnTs(RELAY_MAIN, { DATABASE_URL: databaseUrl, PORT: String(port) }, /relay ready/);
  try {
    const base = `http://127.0.0.1:${port}`;
    return await runLoad({ ...load, openAgent: () => connect(`${base}/agent`, {}), openVisitor: () => connect(`${base}/widget`, {}) });
  } finally {
    await relay.stop();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const load = {
    visitors: Number(process.env.BENCH_VISITORS ?? 1000),
    agents: Number(process.env.BENCH_AGENTS ?? 5),
    durationMs: Number(process.env.BENCH_DURATION_S ?? 20) * 1000,
    intervalMs: Number(process.env.BENCH_INTERVAL_S ?? 3) * 1000,
  };
  console.log(
    `chat-latency: ${load.visitors} visitors, ${load.agents} agents, a message every ${load.intervalMs / 1000} s each, for ${load.durationMs / 1000} s`,
  );
  const databases = await benchDatabases();
  try {
    const baseline = await measureRelay(await databases.create(), load);
    console.log('baseline (bare Socket.IO relay + one INSERT):', baseline);
    const huiliu = await measureHuiliu(await databases.create(), load);
    console.log('huiliu:', huiliu);
    const result = {
      bench: 'chat-latency',
      visitors: load.visitors,
      p50_ms: huiliu.p50_ms,
      p95_ms: huiliu.p95_ms,
      p99_ms: huiliu.p99_ms,
      msgs_per_s: huiliu.msgs_per_s,
      sent: huiliu.sent,
      received: huiliu.received,
      errors: huiliu.errors,
      open_conversations_per_s: huiliu.open_conversations_per_s,
      baseline: { p50_ms: baseline.p50_ms, p99_ms: baseline.p99_ms, msgs_per_s: baseline.msgs_per_s },
      ratio: Math.round((huiliu.p99_ms / baseline.p99_ms) * 100) / 100,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await databases.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
  process.exit(0);
}
