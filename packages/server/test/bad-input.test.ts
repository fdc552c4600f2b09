import { ErrorBody } from '@huiliu/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../src/modules/auth/access.js';
import { fingerprint, queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import type { HttpResponse } from './support/http.js';
import { fillPath, jsonSchemaOf, pathParams, randomParam, sampleOf, withNul, wrongTypes } from './support/samples.js';
import { WALKS_EVERY_ROUTE } from './support/timeouts.js';
import { startTestServer, type TestServer } from './support/server.js';

const BODY_LIMIT = 64 * 1024;
let server: TestServer;
let ws: WorkspaceFixture;
let wechatKey: string;

beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
  const wechat = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/wechat-inboxes/${ws.ids.wechatInbox}`);
  wechatKey = wechat.body.inbox.publicKey;
});
/** Every table's digest, but the WeChat call log and last error, where refused callbacks are recorded by design. */
async function storedData() {
  const { wechat_call_log: _log, wechat_accounts: _accounts, ...digests } = await fingerprint(server.database.url);
  const accounts = await queryRows(
    server.database.url,
    `SELECT to_jsonb(a) - 'last_error' - 'last_error_at' AS row FROM wechat_accounts a ORDER BY inbox_id`,
  );
  return { ...digests, accounts };
}
const unixNow = () => Math.floor(Date.now() / 1000);
afterAll(() => server?.stop());

const hasBody = (route: RouteEntry) => ['POST', 'PUT', 'PATCH'].includes(route.method);
const takesMultipart = (route: RouteEntry) => ((route.schema?.consumes as string[] | undefined) ?? []).includes('multipart/form-data');
const takesXml = (route: RouteEntry) => route.method === 'POST' && route.url.includes('/channels/');

/** A multipart upload cut off before its closing boundary (the client went away, or lied). */
const TRUNCATED_MULTIPART = [
  '--huiliu-boundary',
  'Content-Disposition: form-data; name="file"; filename="截断.txt"',
  'Content-Type: text/plain',
  '',
  `被截断的上传 ${'x'.repeat(64 * 1024)}`,
].join('\r\n');
/** Deeper than the XML parser's recursion can take (it used to overflow the stack: 500). */
const DEEP_XML = `<xml>${'<a>'.repeat(6000)}x${'</a>'.repeat(6000)}</xml>`;

/**
 * Every registered route, called as an admin with malformed JSON, wrong types, missing
 * fields, an oversize body, unknown ids, ids that are not ids and bad query strings:
 * always a 4xx with the error shape, never a 500, and the database unchanged.
 */
describe('bad input on every route', () => {
  it('is refused with a clear 4xx and changes nothing stored', WALKS_EVERY_ROUTE, async () => {
    const before = await storedData();
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
      if (takesMultipart(route)) {
        expect4xx(
          `${label} truncated multipart`,
          await client.request(route.method, path, undefined, {
            rawBody: TRUNCATED_MULTIPART,
            headers: { 'content-type': 'multipart/form-data; boundary=huiliu-boundary', 'x-visitor-token': 'x'.repeat(40) },
          }),
        );
      }
      if (takesXml(route)) {
        // The inbox's real callback URL: its body is parsed before the signature can be checked.
        const callback = fillPath(route.url, { publicKey: wechatKey }, randomParam);
        const xml = { 'content-type': 'text/xml' };
        const cases = { 'XML nested too deep': DEEP_XML, 'NUL in XML': '<xml><Content>a\u0000b</Content></xml>' };
        for (const [what, rawBody] of Object.entries(cases)) {
          expect4xx(
            `${label} ${what}`,
            await client.request(route.method, `${callback}?timestamp=${unixNow()}`, undefined, { rawBody, headers: xml }),
          );
        }
      }
      if (bodySchema) {
        // NUL (U+0000) in every string of an otherwise valid body: PostgreSQL cannot store it in text.
        const valid = sampleOf(bodySchema);
        const poisoned = withNul(valid);
        if (JSON.stringify(poisoned) !== JSON.stringify(valid)) {
          expect4xx(`${label} NUL in text fields`, await client.request(route.method, path, poisoned), 400);
        }
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
      const query = jsonSchemaOf(route, 'querystring') as { properties?: Record<string, { type?: unknown }> } | undefined;
      for (const [name, property] of Object.entries(query?.properties ?? {})) {
        if (property.type !== 'string' && property.type !== undefined) continue;
        expect4xx(`${label} NUL in ?${name}`, await client.request(route.method, `${path}?${name}=a%00b`, undefined), 400);
      }
      if (entityParams.length > 0) {
        const withNulParams = fillPath(route.url, { workspaceId: ws.workspaceId }, () => 'a\u0000b');
        expect4xx(`${label} NUL in path`, await client.request(route.method, withNulParams, hasBody(route) ? {} : undefined));
      }
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
    expect(await storedData()).toEqual(before);
    // What did change: refused callbacks are logged on their inbox, as refusals.
    const logged = await queryRows<{ ok: boolean }>(server.database.url, 'SELECT ok FROM wechat_call_log');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((row) => !row.ok)).toBe(true);
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
