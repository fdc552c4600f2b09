import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUESTS_PER_IP } from '../../src/modules/tickets/web-form/routes.js';
import { fingerprint, queryRows } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let ws: WorkspaceFixture;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The form page as a browser gets it, and the one-time key in it. */
async function openForm(slug: string) {
  const response = await fetch(`${server.url}/help/${slug}/requests/new`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const html = await response.text();
  const key = /name="requestKey" value="([^"]+)"/.exec(html)?.[1];
  expect(key).toBeDefined();
  return { html, key: key! };
}

function form(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append('attachment', file ? new Blob([file.bytes], { type: file.type }) : new Blob([]), file?.name ?? '');
  return body;
}

const post = (slug: string, body: FormData) => fetch(`${server.url}/help/${slug}/requests`, { method: 'POST', body });

const valid = (key: string, email = `buyer-${randomUUID().slice(0, 8)}@example.com`) => ({
  requestKey: key,
  name: '陈静',
  email,
  subject: '发票开错了抬头',
  description: '上周的订单 20261130 发票抬头写成了个人，需要改成公司：汇流科技有限公司。',
  website: '',
});

const ticketNumberIn = (html: string) => Number(/data-testid="ticket-number">#(\d+)</.exec(html)?.[1]);

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ SMTP_URL: smtp.url, SMTP_FROM: 'Huiliu <no-reply@huiliu.test>' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-form');
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close?.();
});

describe('help center: submit a request (提交工单)', () => {
  it('creates a ticket with the attachment, mails the confirmation, and emails the agents’ public replies to that address', async () => {
    const home = await (await fetch(`${server.url}/help/${ws.slug}`)).text();
    expect(home).toContain(`/help/${ws.slug}/requests/new`);
    const { html, key } = await openForm(ws.slug);
    expect(html).toContain('提交工单 Submit a request');
    const fields = valid(key, 'chenjing@example.com');
    const pdf = { name: '发票.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4 invoice') };
    const response = await post(ws.slug, form(fields, pdf));
    expect(response.status).toBe(200);
    const number = ticketNumberIn(await response.text());
    expect(number).toBeGreaterThanOrEqual(10001);

    const [ticket] = await queryRows(
      server.database.url,
      `select t.id, t.subject, t.status, t.requester_id, l.conversation_id from tickets t
         join ticket_conversations l on l.ticket_id = t.id where t.workspace_id = $1 and t.number = $2`,
      [ws.workspaceId, number],
    );
    expect(ticket).toMatchObject({ subject: '发票开错了抬头', status: 'new' });
    const [message] = await queryRows(
      server.database.url,
      `select text, attachments, sender_name from messages where conversation_id = $1 and kind = 'in'`,
      [ticket!.conversation_id],
    );
    expect(message!.text).toBe(fields.description);
    expect(message!.sender_name).toBe('陈静');
    expect(message!.attachments).toHaveLength(1);
    expect(message!.attachments[0]).toMatchObject({ name: '发票.pdf', contentType: 'application/pdf' });

    // The typed address is a claim: it identifies nobody and merges nothing.
    const identities = await queryRows(server.database.url, `select kind from customer_identities where customer_id = $1`, [
      ticket!.requester_id,
    ]);
    expect(identities.map((row) => row.kind)).not.toContain('email');
    const claims = await queryRows(server.database.url, `select value from customer_identity_claims where customer_id = $1`, [
      ticket!.requester_id,
    ]);
    expect(claims.map((row) => row.value)).toEqual(['chenjing@example.com']);

    const confirmation = await until(() => smtp.mails.find((mail) => mail.to.includes('chenjing@example.com')), 'the confirmation');
    const parsed = await simpleParser(confirmation.raw);
    expect(parsed.subject).toContain(`#${number}`);
    // The "ticket received" template, in the workspace's language (the browser named none).
    expect(parsed.text).toContain(`工单号为 #${number}`);
    expect(parsed.text).toContain(`/help/${ws.slug}/portal`);

    const reply = await ws.clients.admin.post(api(`/tickets/${ticket!.id}/comments`), {
      visibility: 'public',
      text: '您好，已为您重开发票，新发票会在三个工作日内寄出。',
    });
    expect(reply.status).toBe(201);
    const answer = await until(async () => {
      for (const mail of smtp.mails.filter((item) => item.to.includes('chenjing@example.com'))) {
        const read = await simpleParser(mail.raw);
        if (read.text?.includes('已为您重开发票')) return read;
      }
      return undefined;
    }, 'the reply by email');
    expect(answer.text).toContain('新发票会在三个工作日内寄出');
    // A ticket's reply is dressed by the "agent replied" template.
    expect(answer.subject).toContain(`[#${number}]`);
    expect(answer.text).toContain(`工单 #${number}：`);
    // An internal note never leaves.
    expect(
      (await ws.clients.admin.post(api(`/tickets/${ticket!.id}/comments`), { visibility: 'internal', text: '财务已确认' })).status,
    ).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const all = await Promise.all(smtp.mails.map((mail) => simpleParser(mail.raw)));
    expect(all.some((mail) => mail.text?.includes('财务已确认'))).toBe(false);
  });

  it('a double submit of one form makes one ticket and one confirmation', async () => {
    const { key } = await openForm(ws.slug);
    const fields = valid(key, 'twice@example.com');
    const [first, second] = await Promise.all([post(ws.slug, form(fields)), post(ws.slug, form(fields))]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const numbers = [ticketNumberIn(await first.text()), ticketNumberIn(await second.text())];
    expect(numbers[0]).toBe(numbers[1]);
    const third = await post(ws.slug, form(fields));
    expect(ticketNumberIn(await third.text())).toBe(numbers[0]);
    const rows = await queryRows(
      server.database.url,
      `select count(*)::int as count from tickets where workspace_id = $1 and number = $2`,
      [ws.workspaceId, numbers[0]],
    );
    expect(rows[0]!.count).toBe(1);
    const customers = await queryRows(
      server.database.url,
      `select count(*)::int as count from customer_identity_claims where workspace_id = $1 and value = 'twice@example.com'`,
      [ws.workspaceId],
    );
    expect(customers[0]!.count).toBe(1);
    // The key is per help center: another workspace's form with it is its own request, and shows
    // nothing of this one.
    const other = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-form-twin');
    const elsewhere = await post(other.slug, form({ ...fields, email: 'twin@example.com' }));
    expect(elsewhere.status).toBe(200);
    const [twin] = await queryRows(
      server.database.url,
      `select t.workspace_id from tickets t where t.workspace_id = $1 and t.subject = $2`,
      [other.workspaceId, fields.subject],
    );
    expect(twin).toBeDefined();
    await until(() => smtp.mails.some((mail) => mail.to.includes('twice@example.com')), 'the confirmation');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.mails.filter((mail) => mail.to.includes('twice@example.com'))).toHaveLength(1);
  });

  it('a filled honeypot is answered 200 and stores nothing, file included', async () => {
    const other = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-form-bot');
    const { key } = await openForm(other.slug);
    const before = await fingerprint(server.database.url);
    const mails = smtp.mails.length;
    const response = await post(
      other.slug,
      form(
        { ...valid(key, 'bot@example.com'), website: 'https://spam.example' },
        {
          name: 'a.pdf',
          type: 'application/pdf',
          bytes: Buffer.from('%PDF-1.4 spam'),
        },
      ),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('已收到您的请求');
    expect(await fingerprint(server.database.url)).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.mails.length).toBe(mails);
  });

  it('bad input is a 4xx with the reason and stores nothing', async () => {
    const other = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-form-bad');
    const { key } = await openForm(other.slug);
    const before = await fingerprint(server.database.url);
    const badEmail = await post(other.slug, form({ ...valid(key), email: 'not-an-address' }));
    expect(badEmail.status).toBe(400);
    const page = await badEmail.text();
    expect(page).toContain('Enter a valid email address');
    expect(page).toContain('陈静'); // the form comes back filled in
    const empty = await post(other.slug, form({ requestKey: key, name: '', email: '', subject: '', description: '' }));
    expect(empty.status).toBe(400);
    const noKey = await post(other.slug, form({ ...valid('not-a-uuid') }));
    expect(noKey.status).toBe(400);
    const longSubject = await post(other.slug, form({ ...valid(key), subject: '长'.repeat(201) }));
    expect(longSubject.status).toBe(400);
    expect(await fingerprint(server.database.url)).toEqual(before);
    // Each help center allows a few submissions per IP: the rest go to a second one.
    const second = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-form-bad2');
    const before2 = await fingerprint(server.database.url);
    const exe = await post(
      second.slug,
      form(valid(key), { name: 'x.exe', type: 'application/x-msdownload', bytes: Buffer.from('MZ....') }),
    );
    expect(exe.status).toBe(415);
    const notMultipart = await fetch(`${server.url}/help/${second.slug}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(valid(key)),
    });
    expect(notMultipart.status).toBe(415);
    const crowded = form(valid(key));
    for (let i = 0; i < 130; i += 1) crowded.append(`extra${i}`, 'x'); // beyond the form route's 120-field limit
    const tooMany = await post(second.slug, crowded);
    expect(tooMany.status).toBeGreaterThanOrEqual(400);
    expect(tooMany.status).toBeLessThan(500);
    const noHelpCenter = await post('no-such-workspace', form(valid(key)));
    expect(noHelpCenter.status).toBe(404);
    expect(await fingerprint(server.database.url)).toEqual(before2);
  });

  it(`refuses more than ${REQUESTS_PER_IP.max} submissions per IP with 429`, async () => {
    const other = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-form-flood');
    for (let i = 0; i < REQUESTS_PER_IP.max; i += 1) {
      const { key } = await openForm(other.slug);
      // Honeypot requests: counted like any, stored never.
      expect((await post(other.slug, form({ ...valid(key), website: 'x' }))).status).toBe(200);
    }
    const { key } = await openForm(other.slug);
    const before = await fingerprint(server.database.url);
    const refused = await post(other.slug, form(valid(key)));
    expect(refused.status).toBe(429);
    expect(await fingerprint(server.database.url)).toEqual(before);
    // Another help center is counted apart.
    const { key: elsewhere } = await openForm(ws.slug);
    expect((await post(ws.slug, form({ ...valid(elsewhere), website: 'x' }))).status).toBe(200);
  });
});
