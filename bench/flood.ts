/**
 * bench/flood: while one visitor floods every widget event kind as fast as one socket can
 * (history and sync on a 500-message conversation, read, typing, csat, end, messages, offline
 * messages, unknown events), how long do other visitors wait for their acks? Measures their p99
 * ack time unloaded and then under the flood, in the same run against the same server; the ratio
 * is the result (target ≤ 1.2). Ends with one JSON line.
 *
 * Options (environment): BENCH_FLOOD_DURATION_S (15), BENCH_FLOOD_VISITORS (5 measured visitors),
 * BENCH_FLOOD_INFLIGHT (200 flood events in flight). DATABASE_URL to use your PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { benchDatabases } from './support/database.js';
import { REPO_ROOT, freePort, percentile, round, spawnTs } from './support/process.js';
import { receiveInbound } from '../packages/server/src/modules/conversations/inbound.js';
import { findEnabledInboxByKey } from '../packages/server/src/modules/inboxes/service.js';
import { createDatabase, createPool } from '../packages/server/src/platform/db/pool.js';
import pino from 'pino';

const SERVER_MAIN = path.join(REPO_ROOT, 'packages/server/src/main.ts');
/** Each measured visitor asks this often: within their own budget, as a real widget is. */
const ASK_EVERY_MS = 250;

function connect(url: string, options: Record<string, unknown>) {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  return new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function openVisitor(base: string, inboxKey: string, ip: string) {
  const response = await fetch(`${base}/api/v1/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ inboxKey }),
  });
  const session = (await response.json()) as { visitorToken: string; customerId: string };
  const socket = await connect(`${base}/widget`, { auth: { visitorToken: session.visitorToken }, extraHeaders: { 'x-forwarded-for': ip } });
  return { session, socket };
}

/** Measured visitors each ask for their conversation and say they are typing, in turn, for `durationMs`. */
async function measure(visitors: { socket: Socket; conversationId: string }[], durationMs: number) {
  const times: number[] = [];
  let errors = 0;
  const until = Date.now() + durationMs;
  await Promise.all(
    visitors.map(async ({ socket, conversationId }, index) => {
      await new Promise((resolve) => setTimeout(resolve, (index * ASK_EVERY_MS) / visitors.length));
      for (let n = 0; Date.now() < until; n++) {
        const started = performance.now();
        const answer = (await (
          n % 2 === 0
            ? socket.timeout(60_000).emitWithAck('sync', { conversationId, afterSeq: 0 })
            : socket.timeout(60_000).emitWithAck('typing', { typing: n % 4 === 1 })
        ).catch(() => ({ ok: false }))) as { ok: boolean };
        times.push(performance.now() - started);
        if (!answer.ok) errors++;
        await new Promise((resolve) => setTimeout(resolve, ASK_EVERY_MS));
      }
    }),
  );
  times.sort((a, b) => a - b);
  return { samples: times.length, errors, p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)) };
}

/**
 * One visitor sending every kind of event, keeping `inflight` unanswered at all times; dropped
 * for flooding, they connect again at once and carry on, as an attacker would.
 */
function flood(open: () => Promise<Socket>, conversationId: string, inflight: number) {
  const kinds: [string, () => unknown][] = [
    ['history', () => undefined],
    ['sync', () => ({ conversationId, afterSeq: 0 })],
    ['read', () => ({ conversationId, upToSeq: 500 })],
    ['typing', () => ({ typing: true })],
    ['csat:submit', () => ({ conversationId, rating: 1 })],
    ['conversation:end', () => ({ conversationId: randomUUID() })],
    ['message:send', () => ({ clientMessageId: randomUUID(), text: '刷屏' })],
    ['offline:submit', () => ({ clientMessageId: randomUUID(), text: '刷屏' })],
    ['no-such-event', () => ({})],
  ];
  let running = true;
  const counts = { sent: 0, refused: 0, reconnects: 0, refusedConnections: 0 };
  let current: Promise<Socket | undefined> | undefined;
  const socketNow = (): Promise<Socket | undefined> => {
    current ??= open().then(
      (socket) => {
        counts.reconnects++;
        socket.once('disconnect', () => (current = undefined));
        return socket;
      },
      () => {
        counts.refusedConnections++;
        current = undefined;
        return undefined;
      },
    );
    return current;
  };
  const one = async (): Promise<void> => {
    while (running) {
      const socket = await socketNow();
      if (!socket?.connected) continue;
      const [event, payload] = kinds[counts.sent++ % kinds.length]!;
      const body = payload();
      // An unknown event is never answered unless refused: it must not hold a slot for ever.
      const answer = (await (
        body === undefined ? socket.timeout(2_000).emitWithAck(event) : socket.timeout(2_000).emitWithAck(event, body)
      ).catch(() => undefined)) as { error?: { code?: string } } | undefined;
      if (answer?.error?.code === 'rate_limited') counts.refused++;
    }
  };
  const workers = Array.from({ length: inflight }, one);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      (await current)?.close();
      return counts;
    },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const durationMs = Number(process.env.BENCH_FLOOD_DURATION_S ?? 15) * 1000;
  const measured = Number(process.env.BENCH_FLOOD_VISITORS ?? 5);
  const inflight = Number(process.env.BENCH_FLOOD_INFLIGHT ?? 200);
  console.log(`flood: ${measured} visitors measured for ${durationMs / 1000} s unloaded, then as long under one visitor's flood`);
  const databases = await benchDatabases();
  const databaseUrl = await databases.create();
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
      // Visitors on different addresses, as they are in the field.
      TRUST_PROXY: 'true',
      REDIS_URL: '',
    },
    /is running at/,
  );
  const base = `http://127.0.0.1:${port}`;
  const pool = createPool(databaseUrl, 4, pino({ level: 'warn' }));
  try {
    const db = createDatabase(pool);
    const config = (
      await (
        await fetch(`${base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@huiliu.demo', password: 'huiliu-demo' }),
        })
      ).headers.getSetCookie()
    )
      .find((cookie) => cookie.startsWith('huiliu_session='))!
      .split(';')[0]!;
    const me = (await (await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: config } })).json()) as {
      user: { memberships: { workspaceId: string }[] };
    };
    const workspaceId = me.user.memberships[0]!.workspaceId;
    const inboxes = (await (await fetch(`${base}/api/v1/workspaces/${workspaceId}/inboxes`, { headers: { cookie: config } })).json()) as {
      items: { publicKey: string; kind: string }[];
    };
    const inboxKey = inboxes.items.find((inbox) => inbox.kind === 'widget')!.publicKey;
    const inbox = (await findEnabledInboxByKey(db, inboxKey, 'widget'))!;

    // The flooder's conversation has 500 messages, as in the report that found the problem.
    const flooder = await openVisitor(base, inboxKey, '203.0.113.66');
    const first = (await flooder.socket.emitWithAck('message:send', { clientMessageId: randomUUID(), text: '你好' })) as {
      data: { conversation: { id: string } };
    };
    const floodConversation = first.data.conversation.id;
    const visitorRow = await pool.query<{ visitor_id: string }>('SELECT visitor_id FROM widget_visitors WHERE customer_id = $1', [
      flooder.session.customerId,
    ]);
    for (let n = 2; n <= 500; n++) {
      await receiveInbound(db, {
        inbox,
        identity: { kind: 'visitor', value: visitorRow.rows[0]!.visitor_id },
        customerId: flooder.session.customerId,
        idempotencyKey: `bench-flood-${n}`,
        text: `第 ${n} 条消息`,
      });
    }

    const visitors: { socket: Socket; conversationId: string }[] = [];
    for (let i = 0; i < measured; i++) {
      const visitor = await openVisitor(base, inboxKey, `198.51.100.${i + 1}`);
      const sent = (await visitor.socket.emitWithAck('message:send', { clientMessageId: randomUUID(), text: '请问发货了吗' })) as {
        data: { conversation: { id: string } };
      };
      visitors.push({ socket: visitor.socket, conversationId: sent.data.conversation.id });
    }

    const unloaded = await measure(visitors, durationMs);
    console.log('unloaded:', unloaded);
    const token = (flooder.socket as unknown as { auth: { visitorToken: string } }).auth.visitorToken;
    flooder.socket.close();
    const flooding = flood(
      () => connect(`${base}/widget`, { auth: { visitorToken: token }, extraHeaders: { 'x-forwarded-for': '203.0.113.66' } }),
      floodConversation,
      inflight,
    );
    const loaded = await measure(visitors, durationMs);
    const floodCounts = await flooding.stop();
    console.log('under the flood:', loaded, 'flood:', floodCounts);
    for (const visitor of visitors) visitor.socket.close();

    const result = {
      bench: 'flood',
      visitors: measured,
      unloaded: { p50_ms: unloaded.p50_ms, p99_ms: unloaded.p99_ms, samples: unloaded.samples },
      loaded: { p50_ms: loaded.p50_ms, p99_ms: loaded.p99_ms, samples: loaded.samples, errors: loaded.errors },
      flood_events: floodCounts.sent,
      flood_refused: floodCounts.refused,
      flood_connections: floodCounts.reconnects,
      flood_connections_refused: floodCounts.refusedConnections,
      ratio: round(loaded.p99_ms / unloaded.p99_ms),
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await pool.end();
    await server.stop();
    await databases.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
  process.exit(0);
}
