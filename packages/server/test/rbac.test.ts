import { PERMISSIONS, ROLES, roleHas, type Permission, type Role } from '@huiliu/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { fillPath, randomParam } from './support/samples.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
});
afterAll(() => server?.stop());

describe('the permission table', () => {
  it('says what the product promises of each role', () => {
    expect(roleHas('agent', 'members.manage')).toBe(false);
    expect(roleHas('agent', 'teams.manage')).toBe(false);
    expect(roleHas('supervisor', 'teams.manage')).toBe(true);
    expect(roleHas('supervisor', 'workspace.manage')).toBe(false);
    expect(roleHas('supervisor', 'tokens.manage')).toBe(false);
    expect(roleHas('admin', 'audit.read')).toBe(true);
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) expect(roleHas('admin', permission)).toBe(true);
  });
});

// Walks every route × every id: its time grows with the API, and more so on a loaded machine.
const GENERATED_TEST_TIMEOUT_MS = 300_000;

describe('role matrix, generated from the permission table and the registered routes', { timeout: GENERATED_TEST_TIMEOUT_MS }, () => {
  it('every route is allowed or refused with 403 exactly as declared, for sessions and API tokens', async () => {
    expect(server.routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    let checked = 0;
    for (const route of server.routes) {
      if (route.access === 'public') continue;
      const path = fillPath(route.url, { workspaceId: ws.workspaceId }, randomParam);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      for (const role of ROLES as readonly Role[]) {
        for (const kind of ['session', 'token'] as const) {
          let client: HttpClient;
          if (route.access === 'authenticated' && kind === 'session') {
            // a fresh session, since routes like logout end the one they are called with
            client = new HttpClient(server.url);
            await client.login(ws.users[role].email, PASSWORD);
          } else {
            client = kind === 'session' ? ws.clients[role] : ws.tokenClients[role];
          }
          const response = await client.request(route.method, path, body);
          const allowed = route.access === 'authenticated' ? kind === 'session' : roleHas(role, route.access);
          const ok = allowed ? response.status !== 403 && response.status !== 401 && response.status < 500 : response.status === 403;
          checked += 1;
          if (!ok)
            failures.push(`${kind} ${role} ${route.method} ${route.url} → ${response.status} (expected ${allowed ? 'allowed' : '403'})`);
          if (!allowed) expect(response.body.error.code).toBe('forbidden');
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('refuses every non-public route without credentials', async () => {
    const anonymous = new HttpClient(server.url);
    for (const route of server.routes.filter((entry) => entry.access !== 'public')) {
      const response = await anonymous.request(route.method, fillPath(route.url, { workspaceId: ws.workspaceId }, randomParam), undefined);
      expect(response.status, `${route.method} ${route.url}`).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
  });

  it('an agent cannot manage users; a supervisor manages teams but not workspace settings', async () => {
    const base = `/api/v1/workspaces/${ws.workspaceId}`;
    expect((await ws.clients.agent.post(`${base}/invites`, { email: 'x@example.test', role: 'admin' })).status).toBe(403);
    expect((await ws.clients.agent.patch(`${base}/members/${ws.users.agent.id}`, { role: 'admin' })).status).toBe(403);
    expect((await ws.clients.supervisor.post(`${base}/teams`, { name: '夜班' })).status).toBe(201);
    expect((await ws.clients.supervisor.patch(`${base}`, { name: '改名' })).status).toBe(403);
    expect((await ws.clients.agent.get(`${base}/teams`)).status).toBe(200);
  });
});
