import { ErrorBody } from '@huiliu/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../src/modules/auth/access.js';
import { fingerprint } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import type { HttpResponse } from './support/http.js';
import { fillPath, jsonSchemaOf, pathParams, randomParam, sampleOf, wrongTypes } from './support/samples.js';
import { startTestServer, type TestServer } from './support/server.js';

const BODY_LIMIT = 64 * 1024;
let server: TestServer;
let ws: WorkspaceFixture;

beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
});
afterAll(() => server?.stop());

const hasBody = (route: RouteEntry) => ['POST', 'PUT', 'PATCH'].includes(route.method);

/**
 * Every registered route, called as an admin with malformed JSON, wrong types, missing
 * fields, an oversize body, unknown ids, ids that are not ids and bad query strings:
 * always a 4xx with the error shape, never a 500, and the database unchanged.
 */
// Walks every route × every id: its time grows with the API, and more so on a loaded machine.
const GENERATED_TEST_TIMEOUT_MS = 300_000;

describe('bad input on every route', { timeout: GENERATED_TEST_TIMEOUT_MS }, () => {
  it('is refused with a clear 4xx and changes nothing stored', async () => {
    const before = await fingerprint(server.database.url);
    const failures: string[] = [];
    let checked = 0;
    const expect4xx = (label: string, response: HttpResponse, exactly?: number) => {
      checked += 1;
      const shapeOk = ErrorBody.safeParse(response.body).success;
      // A public route's rate limit may answer first; that is a clear 4xx too.
      const rateLimited = response.status === 429 && response.body?.error?.code === 'rate_limited';
      const statusOk = rateLimited || (exactly ? response.status === exactly : response.status >= 400 && response.status < 500);
      if (!shapeOk || !statusOk) failures.push(`${label} → ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
    };
    const client = ws.clients.admin;

    for (const route of server.routes) {
      const path = fillPath(route.url, { workspaceId: ws.workspaceId }, randomParam);
      const label = `${route.method} ${route.url}`;
      const bodySchema = jsonSchemaOf(route, 'body');

      if (hasBody(route)) {
        expect4xx(`${label} malformed JSON`, await client.request(route.method, path, undefined, { rawBody: '{"name": "未闭合' }), 400);
        expect4xx(
          `${label} oversize`,
          await client.request(route.method, path, undefined, { rawBody: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT + 10) }) }),
          413,
        );
        expect4xx(
          `${label} not JSON`,
          await client.request(route.method, path, undefined, {
            rawBody: 'name=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
          415,
        );
      }
      if (bodySchema) {
        expect4xx(`${label} array`, await client.request(route.method, path, [1, 2, 3]));
        const sample = sampleOf(bodySchema);
        expect4xx(`${label} wrong types`, await client.request(route.method, path, wrongTypes(sample)));
        if ((bodySchema as { required?: string[] }).required?.length) {
          expect4xx(`${label} missing fields`, await client.request(route.method, path, {}), 400);
        }
        const properties = (bodySchema as { properties?: Record<string, unknown> }).properties ?? {};
        if ('name' in properties || 'email' in properties) {
          // A wrong-typed name next to markup in the email: refused for the type, markup or not.
          expect4xx(
            `${label} XSS and control characters`,
            await client.request(route.method, path, { ...(sample as object), name: 1, email: '<script>alert(1)</script>' }),
          );
        }
      }
      const entityParams = pathParams(route.url).filter((name) => name !== 'workspaceId');
      if (entityParams.length > 0) {
        // Unknown ids with an otherwise valid request: 404 (or an earlier 4xx such as a rate limit).
        const valid = bodySchema ? sampleOf(bodySchema) : undefined;
        expect4xx(`${label} unknown ids`, await client.request(route.method, path, valid));
        const garbled = fillPath(route.url, { workspaceId: ws.workspaceId }, () => "not-an-id'; drop table users; --");
        expect4xx(`${label} ids that are not ids`, await client.request(route.method, garbled, valid));
      }
      if (route.url.includes(':workspaceId')) {
        expect4xx(
          `${label} workspace id that is not an id`,
          await client.request(
            route.method,
            route.url.replace(':workspaceId', '..%2F..%2Fetc%2Fpasswd').replace(/:(\w+)/g, 'x'),
            undefined,
          ),
        );
      }
      const query = jsonSchemaOf(route, 'querystring') as { properties?: Record<string, unknown> } | undefined;
      if (query?.properties?.limit) {
        expect4xx(`${label} bad limit`, await client.request(route.method, `${path}?limit=abc`, undefined), 400);
        expect4xx(`${label} limit out of range`, await client.request(route.method, `${path}?limit=100000`, undefined), 400);
      }
      if (query?.properties?.cursor) {
        const forged = Buffer.from('["x","y"]').toString('base64url');
        expect4xx(`${label} forged cursor`, await client.request(route.method, `${path}?cursor=${forged}`, undefined), 400);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('an unknown route is a 404 with the error shape', async () => {
    const response = await ws.clients.admin.get('/api/v1/no-such-thing');
    expect(response.status).toBe(404);
    expect(ErrorBody.parse(response.body).error.code).toBe('not_found');
  });

  it('validation errors name the field and the reason', async () => {
    const response = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/invites`, { email: 'not-an-email', role: 'king' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    const paths = response.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.role']));
  });

  it('a duplicate is a 409 with a message a person understands', async () => {
    const first = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/teams`, { name: '重复的组' });
    expect(first.status).toBe(201);
    const again = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/teams`, { name: '重复的组' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('a team with this name already exists');
  });
});
