import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/modules/auth/passwords.js';
import { createUser } from '../src/modules/users/service.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient, type HttpResponse } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startSmtpCapture } from './support/smtp.js';

// Attacks from several machines: the server trusts X-Forwarded-For, as behind the documented proxy.
let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let ws: WorkspaceFixture;

const PER_SOURCE = 5;
const PER_IP = 20;
const TOTAL = 8;
const BASE_SECONDS = 30;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({
    SMTP_URL: smtp.url,
    TRUST_PROXY: 'true',
    DATABASE_POOL_SIZE: '10',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_SOURCE),
    LOGIN_MAX_FAILURES_PER_IP: String(PER_IP),
    LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL: String(TOTAL),
    LOGIN_DELAY_BASE_SECONDS: String(BASE_SECONDS),
  });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
});

afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

beforeEach(async () => {
  await sql(`DELETE FROM login_throttles`);
  await sql(`DELETE FROM login_attempts`);
});

const sql = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => queryRows<T>(server.database.url, text, values);

function loginFrom(ip: string, email: string, password: string): Promise<HttpResponse> {
  return new HttpClient(server.url).request('POST', '/api/v1/auth/login', { email, password }, { headers: { 'x-forwarded-for': ip } });
}

/** How many attempts for the account got as far as the password check (each is recorded after it). */
async function checkedAttempts(email: string): Promise<number> {
  const [row] = await sql<{ count: number }>(`SELECT count(*)::int AS count FROM login_attempts WHERE email = $1`, [email]);
  return row!.count;
}

describe('login throttling', () => {
  it('of 200 parallel wrong guesses only the limit are checked; the owner elsewhere still logs in and is told', async () => {
    const owner = ws.users.agent.email;
    const mailsBefore = smtp.mails.filter((mail) => mail.to.includes(owner)).length;
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => loginFrom('203.0.113.7', owner, `guess-${i}-wrong`)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(PER_SOURCE);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(await checkedAttempts(owner)).toBeLessThanOrEqual(PER_SOURCE);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.body.error.code).toBe('too_many_login_attempts');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // Even the right password is refused from the guessing source…
    expect((await loginFrom('203.0.113.7', owner, PASSWORD)).status).toBe(429);
    // …but not from the owner's own machine: the guesser cannot lock the owner out.
    expect((await loginFrom('198.51.100.20', owner, PASSWORD)).status).toBe(200);

    // The owner hears of it by mail, and admins see it in the audit log.
    const mails = smtp.mails.filter((mail) => mail.to.includes(owner));
    expect(mails.length).toBe(mailsBefore + 1);
    expect(mails.at(-1)!.raw).toContain('203.0.113.7');
    const audit = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/audit-log?action=auth.login_throttled`);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: 'auth.login_throttled', targetType: 'user', targetId: ws.users.agent.id, ip: '203.0.113.7' }),
    ]);
  });

  it('each further attempt after the block doubles the delay instead of locking for a fixed time', async () => {
    const email = ws.users.supervisor.email;
    const source = '203.0.113.50';
    const key = `account-source:${email}|${source}`;
    const delay = async () => {
      const [row] = await sql<{ seconds: number }>(
        `SELECT round(extract(epoch FROM blocked_until - updated_at))::int AS seconds FROM login_throttles WHERE key = $1`,
        [key],
      );
      return row?.seconds;
    };
    for (let i = 0; i < PER_SOURCE; i++) expect((await loginFrom(source, email, `wrong-${i}-password`)).status).toBe(401);
    expect((await loginFrom(source, email, 'wrong-again-password')).status).toBe(429);
    expect(await delay()).toBe(BASE_SECONDS);

    const blockEnds = () => sql(`UPDATE login_throttles SET blocked_until = now() - interval '1 second' WHERE key = $1`, [key]);
    await blockEnds();
    // One attempt is checked once the block is over; failing, it blocks for twice as long.
    expect((await loginFrom(source, email, 'wrong-6-password')).status).toBe(401);
    expect(await delay()).toBe(BASE_SECONDS * 2);
    expect((await loginFrom(source, email, PASSWORD)).status).toBe(429);
    await blockEnds();
    expect((await loginFrom(source, email, 'wrong-7-password')).status).toBe(401);
    expect(await delay()).toBe(BASE_SECONDS * 4);
    expect(await checkedAttempts(email)).toBe(PER_SOURCE + 2);

    // The right password after the block ends the streak for this source.
    await blockEnds();
    expect((await loginFrom(source, email, PASSWORD)).status).toBe(200);
    expect(await sql(`SELECT 1 FROM login_throttles WHERE key = $1`, [key])).toEqual([]);
  });

  it('guesses spread over many sources are capped for the account, but not for a source the owner used before', async () => {
    const email = ws.users.admin.email;
    expect((await loginFrom('198.51.100.77', email, PASSWORD)).status).toBe(200);
    const answers = [];
    for (let i = 0; i < TOTAL + 4; i++) answers.push((await loginFrom(`192.0.2.${i + 1}`, email, `spread-${i}-wrong`)).status);
    expect(answers.filter((status) => status === 401).length).toBe(TOTAL);
    expect(answers.slice(TOTAL)).toEqual([429, 429, 429, 429]);
    expect(await checkedAttempts(email)).toBe(1 + TOTAL);
    expect((await loginFrom('198.51.100.77', email, PASSWORD)).status).toBe(200);
  });

  it('one source guessing across many accounts is limited too', async () => {
    const statuses = [];
    for (let i = 0; i < PER_IP + 2; i++) statuses.push((await loginFrom('203.0.113.99', `nobody${i}@example.test`, 'x')).status);
    expect(statuses.filter((status) => status === 401).length).toBe(PER_IP);
    expect(statuses.slice(PER_IP)).toEqual([429, 429]);
  });

  it('accepting an invite with an existing account’s password is throttled like a login', async () => {
    // An account elsewhere: an invite to it asks for that account's password.
    const { email } = await createUser(server.ctx.db, {
      email: 'elsewhere@example.test',
      name: '外部用户',
      passwordHash: await hashPassword(PASSWORD),
    });
    const statuses: number[] = [];
    for (let i = 0; i < PER_SOURCE + 2; i++) {
      const invite = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/invites`, { email, role: 'agent' });
      expect(invite.status).toBe(201);
      const token = String(invite.body.url).split('/invite/')[1];
      const answer = await new HttpClient(server.url).request(
        'POST',
        `/api/v1/invites/${token}/accept`,
        { name: '猜密码的人', password: `invite-guess-${i}` },
        { headers: { 'x-forwarded-for': '203.0.113.123' } },
      );
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, PER_SOURCE)).toEqual(Array(PER_SOURCE).fill(403));
    expect(statuses.slice(PER_SOURCE)).toEqual([429, 429]);
  });
});
