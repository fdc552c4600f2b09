import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import type { HttpClient } from './support/http.js';
import { fillPath, jsonSchemaOf, mentionsUuid, pathParams, sampleOf } from './support/samples.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let home: WorkspaceFixture;
let other: WorkspaceFixture;

beforeAll(async () => {
  server = await startTestServer();
  home = await createWorkspaceFixture(server.ctx.db, server.url, 'home');
  other = await createWorkspaceFixture(server.ctx.db, server.url, 'other');
});
afterAll(() => server?.stop());

/**
 * Walks every registered workspace route (routes added by later issues are picked up
 * automatically) as an admin of `home`, pointing at things that belong to `other`.
 * Each attempt must be a 404 that changes nothing; lists must never show the other's ids.
 */
describe('tenant isolation on every route', () => {
  const workspaceRoutes = () => server.routes.filter((route) => route.url.includes(':workspaceId'));
  const otherIds = () => Object.values(other.ids);
  const callers = (): [string, HttpClient][] => [
    ['session', home.clients.admin],
    ['token', home.tokenClients.admin],
  ];

  it('another workspace id in the path is a 404 for every route', async () => {
    const before = await fingerprint(server.database.url);
    const failures: string[] = [];
    for (const route of workspaceRoutes()) {
      const bodySchema = jsonSchemaOf(route, 'body');
      for (const [kind, client] of callers()) {
        for (const id of otherIds()) {
          const path = fillPath(route.url, { workspaceId: other.workspaceId }, () => id);
          const body = bodySchema ? sampleOf(bodySchema, () => id) : undefined;
          const response = await client.request(route.method, path, body);
          if (response.status !== 404) failures.push(`${kind} ${route.method} ${path} → ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint(server.database.url)).toEqual(before);
  }, 180_000); // every route × every id × two callers: grows with the API

  it("another workspace's entity ids, in the path or the body, are a 404 within your own workspace", async () => {
    const before = await fingerprint(server.database.url);
    const failures: string[] = [];
    let checked = 0;
    for (const route of workspaceRoutes()) {
      const bodySchema = jsonSchemaOf(route, 'body');
      const hasEntityParam = pathParams(route.url).some((name) => name !== 'workspaceId');
      if (!hasEntityParam && !mentionsUuid(bodySchema)) continue;
      for (const [kind, client] of callers()) {
        for (const id of otherIds()) {
          const path = fillPath(route.url, { workspaceId: home.workspaceId }, () => id);
          const body = bodySchema ? sampleOf(bodySchema, () => id) : undefined;
          const response = await client.request(route.method, path, body);
          checked += 1;
          if (response.status !== 404)
            failures.push(`${kind} ${route.method} ${path} ${JSON.stringify(body)} → ${response.status} ${JSON.stringify(response.body)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    expect(await fingerprint(server.database.url)).toEqual(before);
  }, 180_000);

  it("lists in your workspace never contain another workspace's ids", async () => {
    for (const route of workspaceRoutes().filter((entry) => entry.method === 'GET' && pathParams(entry.url).length === 1)) {
      const response = await home.clients.admin.get(fillPath(route.url, { workspaceId: home.workspaceId }, () => ''));
      expect(response.status, route.url).toBe(200);
      const text = JSON.stringify(response.body);
      for (const id of otherIds()) expect(text, `${route.url} leaks ${id}`).not.toContain(id);
    }
  });
});
