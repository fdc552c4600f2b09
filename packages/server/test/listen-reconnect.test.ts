import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeIndexes } from '../src/modules/knowledge/live-index.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'listen');
});
afterAll(() => server?.stop());

const rows = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => queryRows<T>(server.database.url, text, values);

async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The server's LISTEN connections, as PostgreSQL sees them. */
const listeners = () =>
  rows<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`);

describe('losing the LISTEN connection', () => {
  it('neither crashes the server nor leaves the knowledge index stale: it reconnects and catches up', async () => {
    const api = `/api/v1/workspaces/${ws.workspaceId}/knowledge`;
    const created = await ws.clients.admin.post(`${api}/faqs`, {
      question: '发票怎么开',
      similarQuestions: ['怎么申请发票'],
      answer: '在订单详情页点击申请发票。',
    });
    expect(created.status).toBe(201);
    const indexes = knowledgeIndexes(server.ctx);
    await eventually(async () => (await indexes.get(ws.workspaceId)).faqs.has(created.body.id), 'indexed');

    const before = await listeners();
    expect(before.length).toBeGreaterThanOrEqual(2); // the outbox relay and the knowledge index
    await rows(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`);
    // An edit whose notice nobody hears: written straight to the table, as if sent while the
    // connection was down.
    await rows(`UPDATE kb_faqs SET answer = $1 WHERE id = $2`, ['打开订单详情，点击“申请发票”。', created.body.id]);

    await eventually(async () => {
      const now = await listeners();
      return now.length >= before.length && now.every((row) => !before.some((old) => old.pid === row.pid));
    }, 'listening again on new connections');
    await eventually(
      async () => (await indexes.get(ws.workspaceId)).faqs.get(created.body.id)?.answer === '打开订单详情，点击“申请发票”。',
      'the missed edit is seen after the reconnect',
    );

    // Notices flow again: an edit through the API reaches the index.
    await ws.clients.admin.patch(`${api}/faqs/${created.body.id}`, { answer: '订单完成后可申请电子发票。' });
    await eventually(
      async () => (await indexes.get(ws.workspaceId)).faqs.get(created.body.id)?.answer === '订单完成后可申请电子发票。',
      'a later edit arrives by notice',
    );
    expect((await ws.clients.admin.get('/api/v1/auth/me')).status).toBe(200);
  });
});
