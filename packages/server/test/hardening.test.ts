import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { MAX_FILE_NAME_LENGTH } from '@huiliu/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { hashToken } from '../src/platform/secrets.js';
import { addMembership, createUser } from '../src/modules/users/service.js';
import { fingerprint, outboxSettled, queryRows } from './support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;

beforeAll(async () => {
  server = await startTestServer({ SESSION_MAX_AGE_HOURS: '12' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
});
afterAll(() => server?.stop());

const sql = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => queryRows<T>(server.database.url, text, values);

/** An address of this machine that is not loopback: what another machine on the network would connect to. */
const networkAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((item) => item && !item.internal && item.family === 'IPv4')?.address;

describe('password policy', () => {
  // A user of its own: a password change logs out the user's other sessions, the fixture's clients among them.
  const user = { id: '', email: 'wang.xiaoming@example.test', name: 'Wang Xiaoming' };
  beforeAll(async () => {
    user.id = (await createUser(server.ctx.db, { email: user.email, name: user.name, passwordHash: await hashPassword(PASSWORD) })).id;
    await addMembership(server.ctx.db, { workspaceId: ws.workspaceId, userId: user.id, role: 'agent' });
  });

  async function changeTo(newPassword: string) {
    const client = new HttpClient(server.url);
    await client.login(user.email, PASSWORD);
    return client.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword });
  }

  it('refuses short, common and self-describing passwords with a reason, and keeps the old one', async () => {
    const before = await sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
    const short = await changeTo('abc123xyz');
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('at least 10 characters');
    for (const common of ['1234567890', 'qwertyuiop', 'Password123', 'iloveyou12']) {
      const answer = await changeTo(common);
      expect(answer.status, common).toBe(400);
      expect(answer.body.error.code).toBe('weak_password');
    }
    const local = user.email.split('@')[0]!;
    for (const own of [user.email, `${local}-2024`, `${local.toUpperCase()}!!`, 'xiaoming wang 88', 'WangXiaoming2024']) {
      const answer = await changeTo(own);
      expect(answer.status, own).toBe(400);
      expect(answer.body.error.message).toMatch(/email address or name/);
    }
    expect(await sql(`SELECT password_hash FROM users WHERE id = $1`, [user.id])).toEqual(before);
    // A good one still goes through.
    expect((await changeTo('蓝色的海 rides 7 waves')).status).toBe(204);
    await new HttpClient(server.url).login(user.email, '蓝色的海 rides 7 waves');
  });

  it('applies to new accounts from invites, by the invitee’s own name', async () => {
    const invite = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/invites`, {
      email: 'zhangsan.new@example.test',
      role: 'agent',
    });
    const token = String(invite.body.url).split('/invite/')[1];
    const byName = await new HttpClient(server.url).post(`/api/v1/invites/${token}/accept`, {
      name: 'Zhang San',
      password: 'zhangsan-is-me',
    });
    expect(byName.status).toBe(400);
    expect(byName.body.error.code).toBe('weak_password');
    const tooShort = await new HttpClient(server.url).post(`/api/v1/invites/${token}/accept`, { name: 'Zhang San', password: 'short1' });
    expect(tooShort.status).toBe(400);
    expect(await sql(`SELECT 1 FROM users WHERE email = 'zhangsan.new@example.test'`)).toEqual([]);
    expect(
      (await new HttpClient(server.url).post(`/api/v1/invites/${token}/accept`, { name: 'Zhang San', password: 'pale-moon-over-pier-9' }))
        .status,
    ).toBe(200);
  });
});

describe('session lifetime', () => {
  it('ends a session in daily use once it is older than SESSION_MAX_AGE_HOURS', async () => {
    const client = new HttpClient(server.url);
    await client.login(ws.users.agent.email, PASSWORD);
    expect((await client.get('/api/v1/auth/me')).status).toBe(200);
    // Logged in 13 hours ago and active a moment ago: idle it is not.
    const token = client.cookie!.split('=')[1]!;
    await sql(`UPDATE sessions SET created_at = now() - interval '13 hours', last_seen_at = now() WHERE token_hash = $1`, [
      hashToken(token),
    ]);
    const expired = await client.get('/api/v1/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('session_expired');
  });
});

describe('conversations of a colleague', () => {
  let colleague: HttpClient;
  const conversation = (path = '') => `/api/v1/workspaces/${ws.workspaceId}/conversations/${ws.ids.conversation}${path}`;

  beforeAll(async () => {
    const user = await createUser(server.ctx.db, {
      email: 'colleague@example.test',
      name: '同事',
      passwordHash: await hashPassword(PASSWORD),
    });
    await addMembership(server.ctx.db, { workspaceId: ws.workspaceId, userId: user.id, role: 'agent' });
    colleague = new HttpClient(server.url);
    await colleague.login('colleague@example.test', PASSWORD);
    const assigned = await ws.clients.admin.post(conversation('/assign'), { assigneeId: ws.users.agent.id });
    expect(assigned.status).toBe(200);
    await outboxSettled(server.database.url);
  });

  it('an agent cannot reply to, resolve, reopen, take or transfer another agent’s conversation', async () => {
    const before = await fingerprint(server.database.url);
    const attempts = [
      colleague.post(conversation('/messages'), { text: '我来替他回复' }),
      colleague.post(conversation('/resolve'), {}),
      colleague.post(conversation('/reopen'), {}),
      colleague.post(conversation('/assign'), { assigneeId: null }),
      colleague.post(conversation('/transfer'), { teamId: ws.teamId }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    }
    expect(await fingerprint(server.database.url)).toEqual(before);
    // An internal note to the colleague stays possible.
    expect((await colleague.post(conversation('/notes'), { text: '客户之前找过我' })).status).toBe(201);
  });

  it('the owner and a supervisor can; an unassigned conversation is anyone’s to take', async () => {
    expect((await ws.clients.agent.post(conversation('/messages'), { text: '您好，已为您查询' })).status).toBe(201);
    expect((await ws.clients.supervisor.post(conversation('/messages'), { text: '主管补充说明' })).status).toBe(201);
    expect((await ws.clients.supervisor.post(conversation('/assign'), { assigneeId: null })).status).toBe(200);
    const taken = await colleague.post(conversation('/assign'), { assigneeId: (await colleague.get('/api/v1/auth/me')).body.user.id });
    expect(taken.status).toBe(200);
    expect((await colleague.post(conversation('/resolve'), {})).status).toBe(200);
    // Now the first agent is the colleague.
    expect((await ws.clients.agent.post(conversation('/reopen'), {})).status).toBe(403);
  });
});

describe('attachment names', () => {
  async function upload(name: string) {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('%PDF-1.4 long name')], { type: 'application/pdf' }), name);
    const response = await fetch(`${server.url}/api/v1/workspaces/${ws.workspaceId}/files`, {
      method: 'POST',
      headers: { cookie: ws.clients.agent.cookie! },
      body: form,
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { name: string; url: string };
  }

  it('a file uploaded under a long name can be downloaded by the URL the upload returned', async () => {
    for (const name of [`${'a'.repeat(110)}.pdf`, `${'发票'.repeat(30)}.pdf`, `${'😀'.repeat(150)}.pdf`, `${'x'.repeat(300)}.pdf`]) {
      const attachment = await upload(name);
      expect(Array.from(attachment.name).length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
      expect(attachment.name.endsWith('.pdf')).toBe(true);
      const download = await fetch(`${server.url}${attachment.url}`);
      expect(download.status, name.slice(0, 20)).toBe(200);
      expect(await download.text()).toBe('%PDF-1.4 long name');
    }
  });
});

describe('operations endpoints by default', () => {
  it('/metrics without METRICS_TOKEN answers this machine only, not a request through a proxy', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    const proxied = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
  });

  it.skipIf(!networkAddress)(
    'binds to loopback unless HOST is set, so the published demo password is not reachable from the network',
    async () => {
      const local = await startTestServer({ HOST: '' }, server.database);
      try {
        const { address, port } = local.app.server.address() as AddressInfo;
        expect(address).toBe('127.0.0.1');
        await expect(fetch(`http://${networkAddress}:${port}/healthz`)).rejects.toThrow();
      } finally {
        await local.stop();
      }
      const exposed = await startTestServer({ HOST: '0.0.0.0' }, server.database);
      try {
        const { port } = exposed.app.server.address() as AddressInfo;
        expect((await fetch(`http://${networkAddress}:${port}/healthz`)).status).toBe(200);
        // Reached from the network, /metrics still says no without its token.
        expect((await fetch(`http://${networkAddress}:${port}/metrics`)).status).toBe(403);
      } finally {
        await exposed.stop();
      }
    },
  );
});
