import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;

beforeAll(async () => {
  server = await startTestServer({ METRICS_TOKEN: 'metrics-token-0123456789' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
});
afterAll(() => server?.stop());

describe('operations endpoints', () => {
  it('/healthz and /readyz', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('/readyz says 503 when the migrations are not all applied', async () => {
    const saved = await server.ctx.pool.query('SELECT * FROM drizzle.__drizzle_migrations');
    await server.ctx.pool.query('DELETE FROM drizzle.__drizzle_migrations');
    try {
      const notReady = await fetch(`${server.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(((await notReady.json()) as { reason: string }).reason).toMatch(/migrations/);
    } finally {
      for (const row of saved.rows) {
        await server.ctx.pool.query('INSERT INTO drizzle.__drizzle_migrations (id, hash, created_at) VALUES ($1, $2, $3)', [
          row.id,
          row.hash,
          row.created_at,
        ]);
      }
    }
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('/metrics exposes route latency, the database pool and event-loop lag, behind its token', async () => {
    await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/teams`);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(
      /huiliu_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/workspaces\/:workspaceId\/teams",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/huiliu_db_pool_connections \d+/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds \d/);
  });

  it('serves the OpenAPI document generated from the zod schemas, and a browsable UI', async () => {
    const spec = (await (await fetch(`${server.url}/api/docs/json`)).json()) as any;
    expect(spec.openapi).toMatch(/^3\./);
    const login = spec.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(Object.keys(spec.paths).length).toBeGreaterThan(15);
    const ui = await fetch(`${server.url}/api/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('sets security headers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBeTruthy();
  });
});

describe('real-time gateway', () => {
  it('accepts Socket.IO connections on the same port', async () => {
    const socket = connect(server.url, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    expect(socket.connected).toBe(true);
    socket.close();
  });
});
