import { randomUUID } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TICKET_NOTIFICATIONS } from '@huiliu/contracts';
import { csatToken } from '../../src/modules/tickets/csat/token.js';
import { fingerprint, outboxSettled, queryRows } from '../support/database.js';
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

function multipart(fields: Record<string, string>, withFile = false) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (withFile) body.append('attachment', new Blob([]), '');
  return body;
}

/** Submits the help-center form as a browser does; returns the ticket. */
async function submitRequest(email: string, subject: string, headers: Record<string, string> = {}, on: WorkspaceFixture = ws) {
  const page = await (await fetch(`${server.url}/help/${on.slug}/requests/new`)).text();
  const requestKey = /name="requestKey" value="([^"]+)"/.exec(page)![1]!;
  const response = await fetch(`${server.url}/help/${on.slug}/requests`, {
    method: 'POST',
    body: multipart(
      { requestKey, name: '赵敏', email, subject, description: '收到的商品外包装破损，里面的杯子碎了一只。', website: '' },
      true,
    ),
    headers,
  });
  expect(response.status).toBe(200);
  const number = Number(/data-testid="ticket-number">#(\d+)</.exec(await response.text())![1]);
  const [row] = await queryRows(server.database.url, `select id from tickets where workspace_id = $1 and number = $2`, [
    on.workspaceId,
    number,
  ]);
  return { id: row!.id as string, number };
}

/** Every mail to `to`, parsed, oldest first. */
const mailsTo = (to: string): Promise<ParsedMail[]> =>
  Promise.all(smtp.mails.filter((mail) => mail.to.includes(to)).map((mail) => simpleParser(mail.raw)));

async function mailTo(to: string, containing: string): Promise<ParsedMail> {
  return until(async () => (await mailsTo(to)).find((mail) => mail.text?.includes(containing)), `a mail to ${to} with "${containing}"`);
}

const csatLinkIn = (mail: ParsedMail) => /https?:\/\/\S+\/csat\/\S+/.exec(mail.text ?? '')?.[0];

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ SMTP_URL: smtp.url, SMTP_FROM: 'Huiliu <no-reply@huiliu.test>' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-notify');
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close?.();
});

describe('ticket notifications: the requester’s emails', () => {
  it('a web-form ticket mails "received" once, in the workspace default or the browser’s language', async () => {
    const zh = await submitRequest('zhaomin@example.com', '杯子碎了');
    const received = await mailTo('zhaomin@example.com', `工单号为 #${zh.number}`);
    expect(received.subject).toContain(`#${zh.number}`);
    expect(received.text).toContain(`/help/${ws.slug}/portal`);
    expect(received.text).not.toContain('We received your request');

    const en = await submitRequest('zhaomin-en@example.com', 'Broken cup', { 'accept-language': 'en-GB,en;q=0.9' });
    const english = await mailTo('zhaomin-en@example.com', `ticket number is #${en.number}`);
    expect(english.subject).toBe(`We received your request [#${en.number}] · 测试工作区 ticket-notify`);

    // A retried outbox job (the event handed over again) sends nothing twice.
    await outboxSettled(server.database.url);
    await queryRows(
      server.database.url,
      `update outbox set processed_at = null where topic = 'ticket.event' and payload->>'ticketId' = $1 and payload->>'type' = 'created'`,
      [zh.id],
    );
    await outboxSettled(server.database.url);
    expect((await mailsTo('zhaomin@example.com')).filter((mail) => mail.text?.includes('工单号为'))).toHaveLength(1);
    const deliveries = await queryRows(
      server.database.url,
      `select event, locale from ticket_notification_deliveries where ticket_id = $1`,
      [zh.id],
    );
    expect(deliveries).toEqual([{ event: 'ticket_received', locale: 'zh-CN' }]);
  });

  it('an API ticket mails "received" to the requester’s proven address', async () => {
    const created = await ws.clients.admin.post(api('/tickets'), { subject: '会员积分没到账', requesterId: ws.ids.customer });
    expect(created.status).toBe(201);
    const mail = await mailTo('customer-ticket-notify@example.test', `工单号为 #${created.body.number}`);
    expect(mail.text).toContain('主题：会员积分没到账');
    const rows = await queryRows(
      server.database.url,
      `select count(*)::int as count from ticket_notification_deliveries where ticket_id = $1`,
      [created.body.id],
    );
    expect(rows[0]!.count).toBe(1);
  });

  it('an agent’s public reply is one email, dressed by the "agent replied" template', async () => {
    const ticket = await submitRequest('reply-me@example.com', '发货太慢');
    await mailTo('reply-me@example.com', '工单号为');
    const reply = await ws.clients.admin.post(api(`/tickets/${ticket.id}/comments`), {
      visibility: 'public',
      text: '您好，包裹已于今天上午发出，单号 SF1234567890。',
    });
    expect(reply.status).toBe(201);
    const mail = await mailTo('reply-me@example.com', 'SF1234567890');
    expect(mail.subject).toBe(`您的工单有新回复 [#${ticket.number}] · 测试工作区 ticket-notify`);
    expect(mail.text).toContain(`工单 #${ticket.number}：`);
    await outboxSettled(server.database.url);
    expect((await mailsTo('reply-me@example.com')).filter((item) => item.text?.includes('SF1234567890'))).toHaveLength(1);
  });

  it('solving mails a CSAT link that rates once; the rating is on the ticket and in its history', async () => {
    const ticket = await submitRequest('rate-me@example.com', '退款进度');
    await mailTo('rate-me@example.com', '工单号为');
    expect((await ws.clients.admin.patch(api(`/tickets/${ticket.id}`), { status: 'solved' })).status).toBe(200);
    const solved = await mailTo('rate-me@example.com', '已解决');
    expect(solved.subject).toContain(`您的工单已解决 [#${ticket.number}]`);
    const link = csatLinkIn(solved)!;
    expect(link).toBeDefined();
    const path = new URL(link).pathname;

    // Opening the link (as a mail scanner would) stores nothing.
    const before = await fingerprint(server.database.url);
    const form = await fetch(`${server.url}${path}`);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('服务评价 Rate our service');
    expect(await fingerprint(server.database.url)).toEqual(before);

    // A rating out of range is refused with the reason, and stores nothing.
    const bad = await fetch(`${server.url}${path}`, { method: 'POST', body: multipart({ rating: '9', comment: '' }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Choose a rating from 1 to 5');
    expect(await fingerprint(server.database.url)).toEqual(before);

    const rated = await fetch(`${server.url}${path}`, { method: 'POST', body: multipart({ rating: '4', comment: '处理得很快，谢谢' }) });
    expect(rated.status).toBe(200);
    expect(await rated.text()).toContain('data-testid="csat-thanks"');

    const detail = await ws.clients.admin.get(api(`/tickets/${ticket.id}`));
    expect(detail.body.csat).toMatchObject({ rating: 4, comment: '处理得很快，谢谢' });
    const event = detail.body.events.find((item: { type: string }) => item.type === 'csat_rated');
    expect(event).toMatchObject({ actorType: 'customer', data: { rating: 4, comment: '处理得很快，谢谢' } });
    // Reports read ticket history from the outbox like every other ticket event.
    const [published] = await queryRows(
      server.database.url,
      `select payload from outbox where topic = 'ticket.event' and payload->>'ticketId' = $1 and payload->>'type' = 'csat_rated'`,
      [ticket.id],
    );
    expect(published!.payload.data).toMatchObject({ rating: 4 });

    // A second rating is refused and changes nothing; the page says why.
    const settled = await fingerprint(server.database.url);
    const again = await fetch(`${server.url}${path}`, { method: 'POST', body: multipart({ rating: '1', comment: '再评一次' }) });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('data-testid="csat-already-rated"');
    expect(await fingerprint(server.database.url)).toEqual(settled);
  });

  it('a bad ticket rating fires the automations’ csat.received trigger', async () => {
    const rule = await ws.clients.admin.post(api('/automations'), {
      name: '工单差评跟进',
      trigger: { type: 'csat.received', maxRating: 2 },
      conditions: { match: 'all', groups: [] },
      actions: [{ kind: 'set_tags', add: ['差评回访'], remove: [] }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const created = await ws.clients.admin.post(api('/tickets'), { subject: '安装师傅迟到', requesterId: ws.ids.customer });
    expect((await ws.clients.admin.patch(api(`/tickets/${created.body.id}`), { status: 'solved' })).status).toBe(200);
    const token = csatToken(server.ctx.secrets, { id: created.body.id, workspaceId: ws.workspaceId }, new Date());
    const rated = await fetch(`${server.url}/help/${ws.slug}/csat/${token}`, {
      method: 'POST',
      body: multipart({ rating: '1', comment: '迟到了两个小时' }),
    });
    expect(rated.status).toBe(200);
    await until(
      async () => (await ws.clients.admin.get(api(`/tickets/${created.body.id}`))).body.tags.includes('差评回访'),
      'the rule’s tag',
    );
  });

  it('a forged, altered, expired or other workspace’s CSAT token is refused and stores nothing', async () => {
    const ticket = await submitRequest('forge@example.com', '发票问题');
    await outboxSettled(server.database.url);
    const other = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-notify-other');
    const valid = csatToken(server.ctx.secrets, { id: ticket.id, workspaceId: ws.workspaceId }, new Date());
    const [id, expires, mac] = valid.split('.');
    const altered = `${id}.${Number(expires) + 86_400}.${mac}`;
    const forged = `${id}.${expires}.${'A'.repeat(43)}`;
    const expired = csatToken(server.ctx.secrets, { id: ticket.id, workspaceId: ws.workspaceId }, new Date(Date.now() - 31 * 86_400_000));
    const before = await fingerprint(server.database.url);
    const tries: [string, string, number][] = [
      [ws.slug, forged, 400],
      [ws.slug, altered, 400],
      [ws.slug, 'not-a-token', 400],
      [ws.slug, expired, 410],
      [other.slug, valid, 400],
    ];
    for (const [slug, token, status] of tries) {
      const response = await fetch(`${server.url}/help/${slug}/csat/${encodeURIComponent(token)}`, {
        method: 'POST',
        body: multipart({ rating: '5', comment: '' }),
      });
      expect(response.status, token).toBe(status);
      expect(await response.text()).toContain('data-testid="csat-link-invalid"');
    }
    const afterOther = await fingerprint(server.database.url);
    // The other workspace's fixture was made before `before`; nothing changed since.
    expect(afterOther).toEqual(before);
    const [row] = await queryRows(server.database.url, `select csat_rating from tickets where id = $1`, [ticket.id]);
    expect(row!.csat_rating).toBeNull();
  });
});

describe('ticket notification templates (admin)', () => {
  const path = () => api('/ticket-notification-templates');

  it('lists the three emails with the shipped defaults, to admins only', async () => {
    const list = await ws.clients.admin.get(path());
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { event: string }) => item.event)).toEqual(['ticket_received', 'agent_replied', 'ticket_solved']);
    const solved = list.body.items.find((item: { event: string }) => item.event === 'ticket_solved');
    expect(solved).toMatchObject({ enabled: true, isDefault: true, templates: DEFAULT_TICKET_NOTIFICATIONS.ticket_solved });
    expect(solved.variables).toContain('csat.url');

    const before = await fingerprint(server.database.url);
    for (const role of ['agent', 'supervisor'] as const) {
      expect((await ws.clients[role].get(path())).status).toBe(403);
      const put = await ws.clients[role].put(`${path()}/ticket_received`, {
        enabled: false,
        templates: DEFAULT_TICKET_NOTIFICATIONS.ticket_received,
      });
      expect(put.status).toBe(403);
    }
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('refuses templates with placeholders the email cannot fill, naming them, and stores nothing', async () => {
    const before = await fingerprint(server.database.url);
    const received = DEFAULT_TICKET_NOTIFICATIONS.ticket_received;
    const typo = await ws.clients.admin.put(`${path()}/ticket_received`, {
      enabled: true,
      templates: { ...received, en: { ...received.en, body: 'Ticket {{ticket.numbr}} is in.' } },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.code).toBe('invalid_template');
    expect(typo.body.error.message).toContain('{{ticket.numbr}}');
    expect(typo.body.error.details).toEqual([expect.objectContaining({ path: 'templates.en.body' })]);

    const noLink = await ws.clients.admin.put(`${path()}/ticket_received`, {
      enabled: true,
      templates: { ...received, 'zh-CN': { ...received['zh-CN'], subject: '评价 {{csat.url}}' } },
    });
    expect(noLink.status).toBe(400);
    expect(noLink.body.error.message).toContain('{{csat.url}}');

    const replied = DEFAULT_TICKET_NOTIFICATIONS.agent_replied;
    const noReply = await ws.clients.admin.put(`${path()}/agent_replied`, {
      enabled: true,
      templates: { ...replied, 'zh-CN': { ...replied['zh-CN'], body: '您有新回复，请登录查看。' } },
    });
    expect(noReply.status).toBe(400);
    expect(noReply.body.error.message).toContain('{{reply.text}}');

    const unknownEvent = await ws.clients.admin.put(`${path()}/ticket_deleted`, { enabled: true, templates: received });
    expect(unknownEvent.status).toBe(404);
    const empty = await ws.clients.admin.put(`${path()}/ticket_received`, {
      enabled: true,
      templates: { ...received, en: { subject: '', body: 'x' } },
    });
    expect(empty.status).toBe(400);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('an edited template is what the next requester receives; a disabled one sends nothing', async () => {
    // A workspace of its own: the form allows 5 requests per IP per help center in 10 minutes.
    const mine = await createWorkspaceFixture(server.ctx.db, server.url, 'ticket-notify-edit');
    const minePath = `/api/v1/workspaces/${mine.workspaceId}/ticket-notification-templates`;
    const edited = {
      'zh-CN': {
        subject: '【{{workspace.name}}】工单 {{ticket.number}} 已受理',
        body: '{{requester.name}} 您好，工单 {{ticket.number}}「{{ticket.subject}}」已受理。进度：{{portal.url}}',
      },
      en: {
        subject: '[{{workspace.name}}] Ticket {{ticket.number}} accepted',
        body: 'Hi {{requester.name}}, ticket {{ticket.number}} is accepted.',
      },
    };
    const saved = await mine.clients.admin.put(`${minePath}/ticket_received`, { enabled: true, templates: edited });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ event: 'ticket_received', isDefault: false, templates: edited });
    const ticket = await submitRequest('edited@example.com', '尺码不合适', {}, mine);
    const mail = await mailTo('edited@example.com', '已受理');
    expect(mail.subject).toBe(`【测试工作区 ticket-notify-edit】工单 #${ticket.number} 已受理`);
    expect(mail.text).toContain(`赵敏 您好，工单 #${ticket.number}「尺码不合适」已受理。`);

    expect((await mine.clients.admin.put(`${minePath}/ticket_received`, { enabled: false, templates: edited })).status).toBe(200);
    const silent = await submitRequest('silent@example.com', '换货', {}, mine);
    await outboxSettled(server.database.url);
    expect(await mailsTo('silent@example.com')).toHaveLength(0);
    // The rest still works: solving that ticket mails the (default) solved email.
    expect(
      (await mine.clients.admin.patch(`/api/v1/workspaces/${mine.workspaceId}/tickets/${silent.id}`, { status: 'solved' })).status,
    ).toBe(200);
    await mailTo('silent@example.com', '已解决');
    // Saved per workspace: another workspace keeps the defaults.
    const other = await createWorkspaceFixture(server.ctx.db, server.url, `ticket-notify-${randomUUID().slice(0, 6)}`);
    const theirs = await other.clients.admin.get(`/api/v1/workspaces/${other.workspaceId}/ticket-notification-templates`);
    expect(theirs.body.items[0]).toMatchObject({ event: 'ticket_received', enabled: true, isDefault: true });
  });
});
