import { queryRows } from './support/database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startSmtpCapture } from './support/smtp.js';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let ws: WorkspaceFixture;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({
    SMTP_URL: smtp.url,
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_IP: '8',
    SESSION_IDLE_MINUTES: '30',
  });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
});

afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

const sql = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => queryRows<T>(server.database.url, text, values);

describe('sessions', () => {
  it('logs in, sets an HttpOnly SameSite=Lax cookie, and logs out', async () => {
    const client = new HttpClient(server.url);
    const login = await client.post('/api/v1/auth/login', { email: ws.users.agent.email.toUpperCase(), password: PASSWORD });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((value) => value.startsWith('huiliu_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(login.body.user.memberships).toEqual([expect.objectContaining({ workspaceId: ws.workspaceId, role: 'agent' })]);

    const me = await client.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(ws.users.agent.email);

    const stolen = client.cookie;
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204);
    const replay = new HttpClient(server.url);
    replay.cookie = stolen;
    const after = await replay.get('/api/v1/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('session_invalid');
  });

  it('rotates the session token at login: the old cookie stops working', async () => {
    const client = new HttpClient(server.url);
    await client.login(ws.users.supervisor.email, PASSWORD);
    const first = client.cookie;
    await client.login(ws.users.supervisor.email, PASSWORD);
    expect(client.cookie).not.toBe(first);
    const old = new HttpClient(server.url);
    old.cookie = first;
    expect((await old.get('/api/v1/auth/me')).status).toBe(401);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
  });

  it('expires a session after the configured inactivity', async () => {
    const client = new HttpClient(server.url);
    await client.login(ws.users.agent.email, PASSWORD);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    await sql(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = $1 AND revoked_at IS NULL`, [
      ws.users.agent.id,
    ]);
    const expired = await client.get('/api/v1/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('session_expired');
    await ws.clients.agent.login(ws.users.agent.email, PASSWORD);
  });

  it('refuses a wrong password and an unknown account with the same answer', async () => {
    const client = new HttpClient(server.url);
    const wrong = await client.post('/api/v1/auth/login', { email: ws.users.admin.email, password: 'not the password' });
    const unknown = await client.post('/api/v1/auth/login', { email: 'nobody@example.test', password: 'whatever' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(client.cookie).toBeUndefined();
  });
});

describe('login rate limit', () => {
  it('blocks the account from this source after repeated failures, even for the right password, with a clear error', async () => {
    const email = ws.users.supervisor.email;
    const client = new HttpClient(server.url);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await client.post('/api/v1/auth/login', { email, password: `wrong ${attempt}` })).status).toBe(401);
    }
    const locked = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_login_attempts');
    expect(locked.body.error.details).toEqual({ scope: 'account' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are unaffected.
    expect((await new HttpClient(server.url).post('/api/v1/auth/login', { email: ws.users.admin.email, password: PASSWORD })).status).toBe(
      200,
    );
    // The window passes: the account works again.
    await sql(`UPDATE login_throttles SET blocked_until = blocked_until - interval '1 day', updated_at = updated_at - interval '1 day'`);
    expect((await client.post('/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('limits failures per IP across accounts', async () => {
    await sql(`DELETE FROM login_throttles`);
    const client = new HttpClient(server.url);
    for (let attempt = 0; attempt < 8; attempt++) {
      expect((await client.post('/api/v1/auth/login', { email: `guess${attempt}@example.test`, password: 'x' })).status).toBe(401);
    }
    const blocked = await client.post('/api/v1/auth/login', { email: ws.users.admin.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.details).toEqual({ scope: 'ip' });
    await sql(`DELETE FROM login_throttles`);
  });
});

describe('invites', () => {
  it('invite → email → accept → login, with team membership', async () => {
    const email = 'new.agent@example.test';
    const invite = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/invites`, {
      email,
      role: 'agent',
      teamIds: [ws.teamId],
    });
    expect(invite.status).toBe(201);
    expect(invite.body.emailed).toBe(true);
    const mailed = smtp.linkSentTo(email);
    expect(mailed).toBe(invite.body.url);
    const token = invite.body.url.split('/invite/')[1];

    const visitor = new HttpClient(server.url);
    const info = await visitor.get(`/api/v1/invites/${token}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ email, role: 'agent' });

    const accepted = await visitor.post(`/api/v1/invites/${token}/accept`, { name: '新坐席', password: 'a-new-password' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user.memberships[0]).toMatchObject({ workspaceId: ws.workspaceId, role: 'agent' });
    expect((await visitor.get('/api/v1/auth/me')).status).toBe(200);

    // One-time: the link cannot be used again.
    expect(
      (await new HttpClient(server.url).post(`/api/v1/invites/${token}/accept`, { name: 'x', password: 'another-password' })).status,
    ).toBe(404);

    const fresh = new HttpClient(server.url);
    await fresh.login(email, 'a-new-password');
    const member = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/members/${accepted.body.user.id}`);
    expect(member.body.teamIds).toEqual([ws.teamId]);
    // The admin action was audited.
    const audit = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/audit-log?action=invite.create`);
    expect(audit.body.items.some((entry: any) => entry.after.email === email && entry.actorUserId === ws.users.admin.id)).toBe(true);
  });

  it('a revoked invite cannot be accepted', async () => {
    const invite = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/invites`, {
      email: 'revoked@example.test',
      role: 'agent',
    });
    expect((await ws.clients.admin.delete(`/api/v1/workspaces/${ws.workspaceId}/invites/${invite.body.id}`)).status).toBe(204);
    const token = invite.body.url.split('/invite/')[1];
    expect(
      (await new HttpClient(server.url).post(`/api/v1/invites/${token}/accept`, { name: 'x', password: 'a-new-password' })).status,
    ).toBe(404);
  });
});

describe('API tokens', () => {
  it('authenticates with Bearer, is scoped to its workspace and role, and stops working when revoked', async () => {
    const created = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/api-tokens`, {
      name: '订单系统',
      role: 'supervisor',
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^hl_/);
    const api = new HttpClient(server.url).withToken(created.body.token);
    expect((await api.get(`/api/v1/workspaces/${ws.workspaceId}/teams`)).status).toBe(200);
    // supervisor may manage teams but not workspace settings
    expect((await api.post(`/api/v1/workspaces/${ws.workspaceId}/teams`, { name: '二线支持' })).status).toBe(201);
    expect((await api.patch(`/api/v1/workspaces/${ws.workspaceId}`, { name: 'hijack' })).status).toBe(403);
    // a token has no user session
    expect((await api.get('/api/v1/auth/me')).status).toBe(403);
    // the secret is never listed
    const listed = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/api-tokens`);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect((await ws.clients.admin.delete(`/api/v1/workspaces/${ws.workspaceId}/api-tokens/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`/api/v1/workspaces/${ws.workspaceId}/teams`)).status).toBe(401);
  });

  it('refuses a malformed Authorization header and an unknown token', async () => {
    const bad = new HttpClient(server.url);
    expect(
      (await bad.request('GET', `/api/v1/workspaces/${ws.workspaceId}/teams`, undefined, { headers: { authorization: 'Basic abc' } }))
        .status,
    ).toBe(401);
    expect((await bad.withToken('hl_unknown').get(`/api/v1/workspaces/${ws.workspaceId}/teams`)).status).toBe(401);
  });
});

describe('passwords', () => {
  it('changing the password revokes every other session but keeps this one', async () => {
    const email = ws.users.agent.email;
    const laptop = new HttpClient(server.url);
    const phone = new HttpClient(server.url);
    await laptop.login(email, PASSWORD);
    await phone.login(email, PASSWORD);
    const wrong = await laptop.post('/api/v1/auth/password', { currentPassword: 'nope', newPassword: 'brand-new-password' });
    expect(wrong.status).toBe(403);
    expect((await laptop.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'brand-new-password' })).status).toBe(204);
    expect((await laptop.get('/api/v1/auth/me')).status).toBe(200);
    expect((await phone.get('/api/v1/auth/me')).status).toBe(401);
    expect((await new HttpClient(server.url).post('/api/v1/auth/login', { email, password: PASSWORD })).status).toBe(401);
    await new HttpClient(server.url).login(email, 'brand-new-password');
    // restore for other tests
    expect((await laptop.post('/api/v1/auth/password', { currentPassword: 'brand-new-password', newPassword: PASSWORD })).status).toBe(204);
  });

  it('resets a forgotten password by emailed link, once, and logs out every session', async () => {
    const email = ws.users.supervisor.email;
    const old = new HttpClient(server.url);
    await old.login(email, PASSWORD);
    const asked = await new HttpClient(server.url).post('/api/v1/auth/password-reset', { email });
    expect(asked.status).toBe(202);
    // unknown addresses get the same answer and no mail
    const before = smtp.mails.length;
    expect((await new HttpClient(server.url).post('/api/v1/auth/password-reset', { email: 'ghost@example.test' })).status).toBe(202);
    const link = smtp.linkSentTo(email)!;
    expect(smtp.mails.length).toBe(before);
    const token = new URL(link).searchParams.get('token');
    const confirm = await new HttpClient(server.url).post('/api/v1/auth/password-reset/confirm', {
      token,
      newPassword: 'reset-password-1',
    });
    expect(confirm.status).toBe(204);
    expect((await old.get('/api/v1/auth/me')).status).toBe(401);
    await new HttpClient(server.url).login(email, 'reset-password-1');
    const again = await new HttpClient(server.url).post('/api/v1/auth/password-reset/confirm', { token, newPassword: 'reset-password-2' });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');
  });
});

describe('membership changes', () => {
  it('lists members page by page with their roles and teams', async () => {
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ws.clients.admin.get(
        `/api/v1/workspaces/${ws.workspaceId}/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((member) => member.userId)).size).toBe(seen.length);
    expect(seen.find((member) => member.userId === ws.users.agent.id)).toMatchObject({ role: 'agent', teamIds: [ws.teamId] });
    expect(seen.find((member) => member.userId === ws.users.admin.id)).toMatchObject({ role: 'admin', teamIds: [] });
  });

  it('a deactivated member loses access at once; the last admin cannot be demoted', async () => {
    const agent = new HttpClient(server.url);
    await agent.login(ws.users.agent.email, PASSWORD);
    const deactivated = await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/members/${ws.users.agent.id}`, {
      active: false,
    });
    expect(deactivated.status).toBe(200);
    expect((await agent.get(`/api/v1/workspaces/${ws.workspaceId}/teams`)).status).toBe(401);
    expect(
      (await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/members/${ws.users.agent.id}`, { active: true })).status,
    ).toBe(200);
    await ws.clients.agent.login(ws.users.agent.email, PASSWORD);

    const demote = await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/members/${ws.users.admin.id}`, { role: 'agent' });
    expect(demote.status).toBe(409);
    const audit = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/audit-log?action=member.update`);
    const entry = audit.body.items.find((item: any) => item.targetId === ws.users.agent.id && item.after.active === false);
    expect(entry).toMatchObject({ before: { active: true }, after: { active: false }, actorUserId: ws.users.admin.id });
    expect(entry.ip).toBeTruthy();
  });
});
