import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIdentity } from '../../src/channels/widget/identity.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import {
  consumeLoginToken,
  issueLoginToken,
  LINK_TTL_MINUTES,
  LINKS_PER_EMAIL,
  LINK_REQUESTS_PER_IP,
} from '../../src/modules/tickets/portal/service.js';
import { startVisitor } from '../support/chat.js';
import { fingerprint, outboxSettled, queryRows } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;
const api = (fixture: WorkspaceFixture, path: string) => `/api/v1/workspaces/${fixture.workspaceId}${path}`;
const sql = <T = Record<string, any>>(text: string, values: unknown[] = []) => queryRows(server.database.url, text, values) as Promise<T[]>;

async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const multipart = (fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (file) body.append('attachment', new Blob([file.bytes], { type: file.type }), file.name);
  return body;
};

/** A help-center request (the real form), answered with the ticket number. */
async function submitRequest(fixture: WorkspaceFixture, email: string, subject: string) {
  const html = await (await fetch(`${server.url}/help/${fixture.slug}/requests/new`)).text();
  const requestKey = /name="requestKey" value="([^"]+)"/.exec(html)![1]!;
  const response = await fetch(`${server.url}/help/${fixture.slug}/requests`, {
    method: 'POST',
    body: multipart({ requestKey, name: '王芳', email, subject, description: `${subject}，请尽快处理。`, website: '' }),
  });
  expect(response.status).toBe(200);
  const number = Number(/data-testid="ticket-number">#(\d+)</.exec(await response.text())![1]);
  const [row] = await sql(`select id from tickets where workspace_id = $1 and number = $2`, [fixture.workspaceId, number]);
  return { number, id: row!.id as string };
}

const askLink = (slug: string, email: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/help/${slug}/portal/login`, { method: 'POST', body: multipart({ email }), headers });

/** Signs in the way a customer does: ask for a link, open the mailed link, press Continue. Returns the cookie. */
async function signIn(slug: string, typed: string) {
  // The link goes to the address as the portal keeps it: lower-cased.
  const email = typed.toLowerCase();
  // The requests' own emails (ticket received) must have gone before the link is told apart from them.
  await outboxSettled(server.database.url);
  const before = smtp.mails.filter((mail) => mail.to.includes(email)).length;
  expect((await askLink(slug, typed)).status).toBe(200);
  await until(() => smtp.mails.filter((mail) => mail.to.includes(email)).length > before, `the link to ${email}`);
  const link = smtp.linkSentTo(email)!;
  return openLink(link);
}

async function openLink(link: string) {
  const url = new URL(link);
  const page = await fetch(`${server.url}${url.pathname}${url.search}`);
  expect(page.status).toBe(200);
  const token = /name="token" value="([^"]+)"/.exec(await page.text())![1]!;
  const signed = await fetch(`${server.url}${url.pathname}`, { method: 'POST', body: multipart({ token }), redirect: 'manual' });
  expect(signed.status).toBe(303);
  const cookie = signed.headers.get('set-cookie')!;
  return { cookie: cookie.split(';')[0]!, header: cookie, token, path: url.pathname };
}

const portalGet = (path: string, cookie?: string) =>
  fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });

/** The ticket page and the form's CSRF token and one-time reply key. */
async function ticketPage(slug: string, number: number, cookie: string) {
  const response = await portalGet(`/help/${slug}/portal/tickets/${number}`, cookie);
  const html = await response.text();
  return {
    status: response.status,
    html,
    csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    replyKey: /name="replyKey" value="([^"]+)"/.exec(html)?.[1] ?? '',
  };
}

const reply = (
  slug: string,
  number: number,
  cookie: string,
  fields: Record<string, string>,
  file?: { name: string; type: string; bytes: Buffer },
  headers: Record<string, string> = {},
) =>
  fetch(`${server.url}/help/${slug}/portal/tickets/${number}/replies`, {
    method: 'POST',
    body: multipart(fields, file),
    headers: { cookie, ...headers },
    redirect: 'manual',
  });

let ticketA: { number: number; id: string };
let ticketB: { number: number; id: string };
let ticketOther: { number: number; id: string };
/** Wang Fang's portal session, signed in by the first test (links per address are limited). */
let wangfang: string;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ SMTP_URL: smtp.url, SMTP_FROM: 'Huiliu <no-reply@huiliu.test>' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'portal');
  other = await createWorkspaceFixture(server.ctx.db, server.url, 'portal-other');
  ticketA = await submitRequest(ws, 'wangfang@example.com', '耳机左耳没有声音');
  ticketB = await submitRequest(ws, 'someone-else@example.com', '发票抬头错误');
  // The same address in another workspace: that workspace's ticket stays there.
  ticketOther = await submitRequest(other, 'wangfang@example.com', '另一家店的订单');
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close?.();
});

describe('customer portal: one-time sign-in link', () => {
  it('signs in by the mailed link (once), with a scoped httpOnly SameSite cookie, and lists only the customer’s tickets', async () => {
    const session = await signIn(ws.slug, 'WangFang@Example.com');
    wangfang = session.cookie;
    const mail = await simpleParser(smtp.mails.filter((item) => item.to.includes('wangfang@example.com')).at(-1)!.raw);
    expect(mail.text).toContain('15 分钟内有效');
    expect(mail.text).toContain('valid for 15 minutes');
    expect(session.header).toMatch(/HttpOnly/i);
    expect(session.header).toMatch(/SameSite=Lax/i);
    expect(session.header).toContain(`Path=/help/${ws.slug}/portal`);
    expect(session.cookie.startsWith('huiliu_portal=')).toBe(true);

    // Only the hash of the link's token is stored.
    const stored = await sql(`select token_hash from portal_login_tokens where workspace_id = $1`, [ws.workspaceId]);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.some((row) => row.token_hash === session.token)).toBe(false);
    const dump =
      JSON.stringify(await sql(`select * from portal_login_tokens`)) + JSON.stringify(await sql(`select * from portal_sessions`));
    expect(dump).not.toContain(session.token);
    expect(dump).not.toContain(session.cookie.split('=')[1]!);

    const list = await (await portalGet(`/help/${ws.slug}/portal`, session.cookie)).text();
    expect(list).toContain(`#${ticketA.number} 耳机左耳没有声音`);
    expect(list).toContain('已提交 Submitted');
    expect(list).not.toContain('发票抬头错误');
    expect(list).not.toContain('另一家店的订单');

    // Single use: the same link again signs nobody in.
    const again = await fetch(`${server.url}${session.path}`, {
      method: 'POST',
      body: multipart({ token: session.token }),
      redirect: 'manual',
    });
    expect(again.status).toBe(400);
    expect(again.headers.get('set-cookie')).toBeNull();
    // The cookie is no agent session.
    expect((await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: session.cookie } })).status).toBe(401);
  });

  it('answers the same for an unknown address and mails it nothing', async () => {
    const known = await askLink(ws.slug, 'wangfang@example.com');
    const unknown = await askLink(ws.slug, 'nobody-here@example.com');
    expect(unknown.status).toBe(known.status);
    expect(await unknown.text()).toBe(await known.text());
    const knownCount = smtp.mails.filter((mail) => mail.to.includes('wangfang@example.com')).length;
    // The known address's mail is the marker that the unknown one's turn has passed.
    await until(() => smtp.mails.filter((mail) => mail.to.includes('wangfang@example.com')).length >= knownCount, 'the known link');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.mails.some((mail) => mail.to.includes('nobody-here@example.com'))).toBe(false);
    // A typed-only claim (pre-chat) is no proof: B's address does not reach A's ticket and vice versa.
    const rows = await sql(`select count(*)::int as n from portal_login_tokens where email = 'nobody-here@example.com'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('limits links per address (whoever asks) and per IP', async () => {
    const email = `limit-${randomUUID().slice(0, 6)}@example.com`;
    for (let index = 0; index < LINKS_PER_EMAIL.max; index += 1) expect((await askLink(other.slug, email)).status).toBe(200);
    const refused = await askLink(other.slug, email);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many links for this address');

    const fresh = await createWorkspaceFixture(server.ctx.db, server.url, `portal-ip-${randomUUID().slice(0, 4)}`);
    for (let index = 0; index < LINK_REQUESTS_PER_IP.max; index += 1)
      expect((await askLink(fresh.slug, `ip-${index}@example.com`)).status).toBe(200);
    expect((await askLink(fresh.slug, 'ip-last@example.com')).status).toBe(429);
  });

  it('a link expires after its time (injected clock), and a bad token is refused without a session', async () => {
    const now = new Date();
    const issued = await server.ctx.db.transaction((tx) =>
      issueLoginToken(tx, { workspaceId: ws.workspaceId, email: 'expiry@example.com', ip: '203.0.113.9', now }),
    );
    if ('limited' in issued) throw new Error('limited');
    const later = new Date(now.getTime() + (LINK_TTL_MINUTES * 60 + 1) * 1000);
    expect(await consumeLoginToken(server.ctx.db, ws.workspaceId, issued.token, later)).toBeNull();
    // Another workspace's help center cannot spend it either.
    expect(await consumeLoginToken(server.ctx.db, other.workspaceId, issued.token, now)).toBeNull();
    expect(await consumeLoginToken(server.ctx.db, ws.workspaceId, issued.token, now)).not.toBeNull();

    const forged = await fetch(`${server.url}/help/${ws.slug}/portal/auth`, {
      method: 'POST',
      body: multipart({ token: `hlp_${'A'.repeat(43)}` }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('set-cookie')).toBeNull();
    // Opening the link (GET) does not spend it: mail scanners prefetch links.
    const link = await server.ctx.db.transaction((tx) =>
      issueLoginToken(tx, { workspaceId: ws.workspaceId, email: 'x-scan@example.com', ip: '203.0.113.9', now: new Date() }),
    );
    if ('limited' in link) throw new Error('limited');
    for (let index = 0; index < 2; index += 1)
      expect((await fetch(`${server.url}/help/${ws.slug}/portal/auth?token=${link.token}`)).status).toBe(200);
    expect(await consumeLoginToken(server.ctx.db, ws.workspaceId, link.token, new Date())).not.toBeNull();
  });
});

describe('customer portal: thread and replies', () => {
  it('shows the public thread, never internal notes, and the customer’s reply with an attachment lands on the ticket and reopens it', async () => {
    const agentReply = await ws.clients.admin.post(api(ws, `/tickets/${ticketA.id}/comments`), {
      visibility: 'public',
      text: '您好，请您把耳机的购买凭证发给我们，我们为您安排换新。',
      status: 'pending',
    });
    expect(agentReply.status).toBe(201);
    expect(
      (await ws.clients.admin.post(api(ws, `/tickets/${ticketA.id}/comments`), { visibility: 'internal', text: '内部备注：疑似批次问题' }))
        .status,
    ).toBe(201);
    const cookie = wangfang;
    const page = await ticketPage(ws.slug, ticketA.number, cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('请您把耳机的购买凭证发给我们');
    expect(page.html).toContain('耳机左耳没有声音，请尽快处理。');
    expect(page.html).toContain('待您回复 Awaiting your reply');
    expect(page.html).not.toContain('疑似批次问题');

    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const sent = await reply(
      ws.slug,
      ticketA.number,
      cookie,
      { csrf: page.csrf, replyKey: page.replyKey, text: '凭证已附上，谢谢！' },
      {
        name: '购买凭证.png',
        type: 'image/png',
        bytes: png,
      },
    );
    expect(sent.status).toBe(303);
    // The same form sent twice stores one reply.
    const twice = await reply(ws.slug, ticketA.number, cookie, { csrf: page.csrf, replyKey: page.replyKey, text: '凭证已附上，谢谢！' });
    expect(twice.status).toBe(303);

    const detail = await ws.clients.admin.get(api(ws, `/tickets/${ticketA.id}`));
    expect(detail.body.status).toBe('open');
    const customerComments = detail.body.comments.filter(
      (comment: any) => comment.authorType === 'customer' && comment.text === '凭证已附上，谢谢！',
    );
    expect(customerComments).toHaveLength(1);
    expect(customerComments[0].visibility).toBe('public');
    const [message] = await sql(`select kind, text, attachments, sender_type from messages where id = $1`, [customerComments[0].messageId]);
    expect(message).toMatchObject({ kind: 'in', sender_type: 'customer', text: '凭证已附上，谢谢！' });
    expect(message!.attachments[0]).toMatchObject({ name: '购买凭证.png', contentType: 'image/png' });
    expect(detail.body.events.some((event: any) => event.type === 'status_changed' && event.data?.reason === 'customer_replied')).toBe(
      true,
    );

    const after = await ticketPage(ws.slug, ticketA.number, cookie);
    expect(after.html).toContain('凭证已附上，谢谢！');
    expect(after.html).toContain('购买凭证.png');
    expect(after.html).toContain('处理中 In progress');
  });

  it('refuses a reply without the session’s CSRF token or from another site, storing nothing', async () => {
    const cookie = wangfang;
    const page = await ticketPage(ws.slug, ticketA.number, cookie);
    const before = await fingerprint(server.database.url);
    const noToken = await reply(ws.slug, ticketA.number, cookie, { replyKey: randomUUID(), text: '伪造的回复' });
    expect(noToken.status).toBe(403);
    const wrongToken = await reply(ws.slug, ticketA.number, cookie, { csrf: 'x'.repeat(43), replyKey: randomUUID(), text: '伪造的回复' });
    expect(wrongToken.status).toBe(403);
    const crossSite = await reply(
      ws.slug,
      ticketA.number,
      cookie,
      { csrf: page.csrf, replyKey: randomUUID(), text: '伪造的回复' },
      undefined,
      {
        origin: 'https://evil.example',
      },
    );
    expect(crossSite.status).toBe(403);
    const noSession = await reply(ws.slug, ticketA.number, '', { csrf: page.csrf, replyKey: randomUUID(), text: '伪造的回复' });
    expect(noSession.status).toBe(404);
    // (The outbox drains in the background: compare what a reply would write.)
    const after = await fingerprint(server.database.url);
    for (const table of ['messages', 'ticket_comments', 'ticket_events', 'tickets', 'files'])
      expect(after[table], table).toBe(before[table]);
  });

  it('never shows another customer’s ticket or another workspace’s: 404, and replies to them store nothing', async () => {
    const cookie = wangfang;
    const page = await ticketPage(ws.slug, ticketA.number, cookie);
    expect((await ticketPage(ws.slug, ticketB.number, cookie)).status).toBe(404);
    expect((await ticketPage(ws.slug, 99_999, cookie)).status).toBe(404);
    // Another workspace's ticket — the same customer address there, the same cookie sent along.
    expect((await ticketPage(other.slug, ticketOther.number, cookie)).status).toBe(404);
    const before = await fingerprint(server.database.url);
    expect((await reply(ws.slug, ticketB.number, cookie, { csrf: page.csrf, replyKey: randomUUID(), text: '越权' })).status).toBe(404);
    expect((await reply(other.slug, ticketOther.number, cookie, { csrf: page.csrf, replyKey: randomUUID(), text: '越权' })).status).toBe(
      404,
    );
    const after = await fingerprint(server.database.url);
    for (const table of ['messages', 'ticket_comments', 'ticket_events', 'tickets', 'files'])
      expect(after[table], table).toBe(before[table]);
    const list = await (await portalGet(`/help/${other.slug}/portal`, cookie)).text();
    expect(list).not.toContain('另一家店的订单');
  });

  it('signing out ends the session', async () => {
    const { cookie } = await signIn(ws.slug, 'wangfang@example.com');
    const html = await (await portalGet(`/help/${ws.slug}/portal`, cookie)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const out = await fetch(`${server.url}/help/${ws.slug}/portal/logout`, {
      method: 'POST',
      body: multipart({ csrf }),
      headers: { cookie },
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    expect((await ticketPage(ws.slug, ticketA.number, cookie)).status).toBe(404);
  });
});

describe('customer portal from the widget', () => {
  it('a visitor with a host-signed identity gets a one-time link to their own tickets; an anonymous visitor does not', async () => {
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const anonymous = await startVisitor(server.url, inbox.publicKey);
    const refused = await fetch(`${server.url}/api/v1/widget/portal-link`, {
      method: 'POST',
      headers: { 'x-visitor-token': anonymous.session.visitorToken },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe('not_verified');
    anonymous.socket.close();

    const timestamp = Math.floor(Date.now() / 1000);
    const member = await startVisitor(server.url, inbox.publicKey, {
      identity: { userId: 'member-portal-1', timestamp, signature: signIdentity(inbox.secret, 'member-portal-1', timestamp) },
    });
    const created = await ws.clients.admin.post(api(ws, '/tickets'), {
      subject: '会员积分没有到账',
      requesterId: member.session.customerId,
    });
    expect(created.status).toBe(201);
    const linked = await fetch(`${server.url}/api/v1/widget/portal-link`, {
      method: 'POST',
      headers: { 'x-visitor-token': member.session.visitorToken },
    });
    expect(linked.status).toBe(201);
    const { url } = (await linked.json()) as { url: string };
    const session = await openLink(url);
    const list = await (await portalGet(`/help/${ws.slug}/portal`, session.cookie)).text();
    expect(list).toContain('会员积分没有到账');
    expect(list).not.toContain('耳机左耳没有声音');
    member.socket.close();
    expect((await fetch(`${server.url}/api/v1/widget/portal-link`, { method: 'POST' })).status).toBe(401);
  });
});
