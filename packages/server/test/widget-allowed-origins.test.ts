import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originAllowed } from '../src/channels/widget/allowed-origins.js';
import { fingerprint } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
});
afterAll(async () => {
  await server?.stop();
});

const config = (origin?: string) => fetch(`${server.url}/api/v1/widget/config?inboxKey=${inboxKey}`, { headers: origin ? { origin } : {} });
const session = (origin?: string, visitorToken?: string) =>
  fetch(`${server.url}/api/v1/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ inboxKey, ...(visitorToken ? { visitorToken } : {}), context: {} }),
  });

/** Whether the visitor socket connects, sending the Origin a browser on `origin` would. */
function socketConnects(visitorToken: string, origin: string): Promise<{ connected: boolean; reason?: string }> {
  const socket = io(`${server.url}/widget`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { visitorToken },
    extraHeaders: { origin },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ connected: false, reason: error.message });
    });
  });
}

describe('origin patterns', () => {
  const own = 'http://127.0.0.1:3000';
  it('an empty list allows any site; a request without an Origin is not a page on another site', () => {
    expect(originAllowed([], 'https://anything.example', own)).toBe(true);
    expect(originAllowed(['https://shop.example.com'], undefined, own)).toBe(true);
  });
  it('matches exact origins, with the default port as browsers send it, and Huiliu’s own pages', () => {
    const list = ['https://shop.example.com', 'http://localhost:8080', 'https://m.example.com:443'];
    expect(originAllowed(list, 'https://shop.example.com', own)).toBe(true);
    expect(originAllowed(list, 'http://shop.example.com', own)).toBe(false);
    expect(originAllowed(list, 'https://shop.example.com:8443', own)).toBe(false);
    expect(originAllowed(list, 'http://localhost:8080', own)).toBe(true);
    expect(originAllowed(list, 'https://m.example.com', own)).toBe(true);
    expect(originAllowed(list, own, own)).toBe(true);
    expect(originAllowed(list, 'null', own)).toBe(false);
  });
  it('a wildcard is every subdomain, never a look-alike domain or the bare one', () => {
    const list = ['https://*.example.com'];
    expect(originAllowed(list, 'https://a.example.com', own)).toBe(true);
    expect(originAllowed(list, 'https://a.b.example.com', own)).toBe(true);
    expect(originAllowed(list, 'https://example.com', own)).toBe(false);
    expect(originAllowed(list, 'https://evilexample.com', own)).toBe(false);
    expect(originAllowed(list, 'https://example.com.evil.net', own)).toBe(false);
    expect(originAllowed(list, 'http://a.example.com', own)).toBe(false);
    expect(originAllowed(list, 'https://a.example.com:8443', own)).toBe(false);
  });
});

describe('an inbox that lists its sites', () => {
  it('refuses a bad pattern with the reason and stores nothing', async () => {
    const before = await fingerprint(server.database.url);
    for (const bad of ['shop.example.com', 'https://shop.example.com/chat', 'ftp://shop.example.com', 'https://*']) {
      const answer = await ws.clients.admin.patch(api(`/inboxes/${ws.ids.inbox}`), { settings: { allowedOrigins: [bad] } });
      expect(answer.status, bad).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('https://shop.example.com');
    }
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('runs on a listed site and refuses another one on the config, the session and the socket', async () => {
    // A visitor who started while the inbox allowed any site.
    const earlier = (await (await session('https://other.example')).json()) as { visitorToken: string };
    expect(earlier.visitorToken).toBeTruthy();

    const saved = await ws.clients.admin.patch(api(`/inboxes/${ws.ids.inbox}`), {
      settings: { allowedOrigins: ['https://Shop.Example.com', 'https://*.tea.example'] },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.allowedOrigins).toEqual(['https://shop.example.com', 'https://*.tea.example']);
    // Other settings are untouched by the patch.
    expect(saved.body.settings.csatEnabled).toBe(true);

    expect((await config('https://shop.example.com')).status).toBe(200);
    expect((await config('https://m.tea.example')).status).toBe(200);
    expect((await config()).status).toBe(200);
    const refusedConfig = await config('https://other.example');
    expect(refusedConfig.status).toBe(403);
    // The refusal is readable by the page, so the site's developer learns why.
    expect(refusedConfig.headers.get('access-control-allow-origin')).toBe('https://other.example');
    expect(((await refusedConfig.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');

    const before = await fingerprint(server.database.url);
    const refusedSession = await session('https://other.example');
    expect(refusedSession.status).toBe(403);
    expect(((await refusedSession.json()) as { error: { message: string } }).error.message).toContain('https://other.example');
    expect(await fingerprint(server.database.url)).toEqual(before);

    const allowed = (await (await session('https://shop.example.com')).json()) as { visitorToken: string };
    expect(await socketConnects(allowed.visitorToken, 'https://shop.example.com')).toEqual({ connected: true });
    // A token got earlier (or carried to another site) does not open the chat there.
    expect(await socketConnects(earlier.visitorToken, 'https://other.example')).toEqual({
      connected: false,
      reason: 'origin_not_allowed',
    });
    expect(await socketConnects(earlier.visitorToken, 'https://shop.example.com')).toEqual({ connected: true });

    // Emptied, the list allows any site again.
    expect((await ws.clients.admin.patch(api(`/inboxes/${ws.ids.inbox}`), { settings: { allowedOrigins: [] } })).status).toBe(200);
    expect((await config('https://other.example')).status).toBe(200);
  });
});
