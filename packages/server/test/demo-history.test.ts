import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_DAYS } from '../src/demo/history.js';
import { DEMO_PASSWORD, DEMO_SLUG } from '../src/demo/seed.js';
import { workspaces } from '../src/modules/workspaces/schema.js';
import { createTestDatabase, queryRows, type TestDatabase } from './support/database.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

const DAY = 86_400_000;
let database: TestDatabase;
let server: TestServer;
let workspaceId: string;
let supervisor: HttpClient;
const sql = <T = Record<string, unknown>>(text: string, values: unknown[] = []) => queryRows(database.url, text, values) as Promise<T[]>;
const api = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer({ HUILIU_DEMO: 'true', HUILIU_DEMO_HISTORY: 'true' }, database);
  const [demo] = await server.ctx.db.select().from(workspaces).where(eq(workspaces.slug, DEMO_SLUG));
  workspaceId = demo!.id;
  supervisor = new HttpClient(server.url);
  await supervisor.login('supervisor@huiliu.demo', DEMO_PASSWORD);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe('the demo’s sample history', () => {
  it('fills the inbox: a few dozen conversations over several channels and days, resolved and open, many rated', async () => {
    const listed = await supervisor.get(api('/conversations?limit=100'));
    expect(listed.status).toBe(200);
    const items = listed.body.items as { channel: string; state: string; csatRating: number | null; createdAt: string }[];
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(new Set(items.map((item) => item.channel))).toEqual(new Set(['widget', 'email', 'api']));
    const states = new Set(items.map((item) => item.state));
    for (const state of ['resolved', 'queued', 'assigned']) expect(states).toContain(state);
    expect(items.filter((item) => item.csatRating !== null).length).toBeGreaterThanOrEqual(10);
    const days = new Set(items.map((item) => Math.floor((Date.now() - Date.parse(item.createdAt)) / DAY)));
    expect(days.size).toBeGreaterThanOrEqual(7);
    expect(Math.max(...days)).toBeLessThan(HISTORY_DAYS);
  });

  it('tells one consistent story per conversation: messages, customer and routing events follow its start, nothing in the future', async () => {
    const conversations = await sql<{
      id: string;
      created_at: Date;
      last_message_at: Date;
      resolved_at: Date | null;
      first_response_at: Date | null;
      last_seq: number;
      state: string;
      customer_created: Date;
    }>(
      `select c.id, c.created_at, c.last_message_at, c.resolved_at, c.first_response_at, c.last_seq, c.state, cu.created_at as customer_created
         from conversations c join customers cu on cu.id = c.customer_id where c.workspace_id = $1`,
      [workspaceId],
    );
    const now = Date.now();
    for (const conversation of conversations) {
      const messages = await sql<{ seq: number; created_at: Date; kind: string; event: { type?: string } | null }>(
        'select seq, created_at, kind, event from messages where conversation_id = $1 order by seq',
        [conversation.id],
      );
      expect(messages.map((message) => message.seq)).toEqual(messages.map((_, index) => index + 1));
      expect(conversation.last_seq).toBe(messages.length);
      expect(messages[0]!.kind).toBe('in');
      expect(messages[0]!.created_at.getTime()).toBe(conversation.created_at.getTime());
      const times = messages.map((message) => message.created_at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(Math.max(...times)).toBe(conversation.last_message_at.getTime());
      expect(conversation.last_message_at.getTime()).toBeLessThanOrEqual(now);
      expect(conversation.customer_created.getTime()).toBeLessThanOrEqual(conversation.created_at.getTime());
      if (conversation.first_response_at)
        expect(conversation.first_response_at.getTime()).toBeGreaterThan(conversation.created_at.getTime());
      if (conversation.state === 'resolved') {
        expect(conversation.resolved_at!.getTime()).toBeLessThanOrEqual(conversation.last_message_at.getTime());
        expect(messages.some((message) => message.event?.type === 'resolved')).toBe(true);
      } else expect(conversation.resolved_at).toBeNull();
      const events = await sql<{ created_at: Date }>('select created_at from routing_events where conversation_id = $1', [conversation.id]);
      for (const event of events) {
        expect(event.created_at.getTime()).toBeGreaterThanOrEqual(conversation.created_at.getTime());
        expect(event.created_at.getTime()).toBeLessThanOrEqual(conversation.last_message_at.getTime());
      }
    }
  });

  it('gives returning customers a timeline across channels', async () => {
    const [returning] = await sql<{ customer_id: string; channels: number; count: number }>(
      `select customer_id, count(distinct channel)::int as channels, count(*)::int as count from conversations
        where workspace_id = $1 group by customer_id order by 2 desc, 3 desc limit 1`,
      [workspaceId],
    );
    expect(returning!.channels).toBeGreaterThanOrEqual(2);
    const timeline = await supervisor.get(api(`/customers/${returning!.customer_id}/timeline`));
    expect(timeline.status).toBe(200);
    expect(timeline.body.items).toHaveLength(returning!.count);
    const created = (timeline.body.items as { startedAt: string }[]).map((item) => Date.parse(item.startedAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('shows on the wallboard: conversations waiting, and today’s offered and answered as the history has them', async () => {
    const wallboard = await supervisor.get(api('/wallboard'));
    expect(wallboard.status).toBe(200);
    const today = wallboard.body.dayStartedAt as string;
    const [queued] = await sql<{ n: number }>(`select count(*)::int as n from conversations where workspace_id = $1 and state = 'queued'`, [
      workspaceId,
    ]);
    const [flow] = await sql<{ offered: number; answered: number }>(
      `select count(distinct conversation_id) filter (where type = 'queued')::int as offered,
              count(distinct conversation_id) filter (where type = 'assigned')::int as answered
         from routing_events where workspace_id = $1 and created_at >= $2`,
      [workspaceId, today],
    );
    // The waiting ones started waiting today whatever the hour, so today is never empty.
    expect(queued!.n).toBeGreaterThanOrEqual(2);
    expect(wallboard.body.overall.waiting).toBe(queued!.n);
    expect(flow!.offered).toBeGreaterThanOrEqual(queued!.n);
    expect(wallboard.body.overall.offered).toBe(flow!.offered);
    expect(wallboard.body.overall.answered).toBe(flow!.answered);
    expect(wallboard.body.overall.inProgress).toBeGreaterThanOrEqual(1);
  });

  it('has callback tasks for the after-sales agents: overdue ones, one tried already, one done', async () => {
    const listed = await supervisor.get(api('/callback-tasks?limit=100'));
    expect(listed.status).toBe(200);
    const items = listed.body.items as {
      status: string;
      overdue: boolean;
      attemptCount: number;
      reason: string;
      assigneeId: string | null;
    }[];
    expect(items.length).toBeGreaterThanOrEqual(5);
    expect(items.filter((task) => task.overdue).length).toBeGreaterThanOrEqual(2);
    expect(items.some((task) => task.status === 'done')).toBe(true);
    expect(items.some((task) => task.status === 'open' && task.attemptCount > 0)).toBe(true);
    expect(items.every((task) => task.assigneeId && /[\u4e00-\u9fff]/u.test(task.reason))).toBe(true);
  });

  it('is written once: a second start on the same database adds nothing', async () => {
    const count = async () => (await sql<{ n: number }>('select count(*)::int as n from conversations'))[0]!.n;
    const before = await count();
    const again = await startTestServer({ HUILIU_DEMO: 'true', HUILIU_DEMO_HISTORY: 'true' }, database);
    try {
      expect(again.demoSeeded).toBe(false);
      expect(await count()).toBe(before);
    } finally {
      await again.close();
    }
  });

  it('is left out with HUILIU_DEMO_HISTORY=false', async () => {
    const plain = await startTestServer({ HUILIU_DEMO: 'true', HUILIU_DEMO_HISTORY: 'false' });
    try {
      expect(plain.demoSeeded).toBe(true);
      const rows = await queryRows(plain.database.url, 'select count(*)::int as n from conversations', []);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await plain.stop();
    }
  });
});
