import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEmail } from '../../src/channels/email/ingest.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { loadSecretBox, SecretBox } from '../../src/platform/secrets.js';
import { queryRows } from '../support/database.js';
import { composeEmail, emailFixture } from '../support/email.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { freePort } from '../support/ports.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('secrets at rest', () => {
  it('encrypts with AES-256-GCM and refuses a tampered value or a wrong key', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const sealed = box.encrypt('app-password-密码');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('app-password');
    expect(box.decrypt(sealed)).toBe('app-password-密码');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 8)).decrypt(sealed)).toThrow();
    expect(() => loadSecretBox('not-a-key', '/nonexistent', () => undefined)).toThrow(/SECRETS_KEY/);
  });
});

describe('email ingest: loops, rate limit, reopening, limits, inbound SMTP', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let ws: WorkspaceFixture;
  let inboxId: string;
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
  const inbox = () => getInbox(server.ctx.db, ws.workspaceId, inboxId);
  const ingest = async (raw: Buffer) => ingestEmail(server.ctx, await inbox(), raw, 'test');
  const closedReplies = async (conversationId: string) =>
    queryRows(server.database.url, `select id from messages where conversation_id = $1 and idempotency_key like 'closed-reply:%'`, [
      conversationId,
    ]);
  const mail = (from: string, subject: string, extra: Record<string, unknown> = {}) =>
    composeEmail({ from, to: 'support@huiliu.test', subject, text: `${subject} 的内容`, ...extra });

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    server = await startTestServer({ EMAIL_POLL_SECONDS: '1' });
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'loops');
    // The team is closed today: every new conversation would get the closed-hours auto reply.
    const today = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' })
      .format(new Date())
      .slice(0, 3)
      .toLowerCase();
    const other = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].find((day) => day !== today)!;
    await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), {
      businessHours: { timezone: 'Asia/Shanghai', weekly: { [other]: [['09:00', '18:00']] } },
    });
    const created = await ws.clients.admin.post(api('/inboxes'), {
      kind: 'email',
      name: '售后邮箱',
      defaultTeamId: ws.teamId,
      settings: {
        smtp: { host: '127.0.0.1', port: Number(new URL(smtp.url).port), security: 'none', fromAddress: 'support@huiliu.test' },
        autoReplyLimitPerHour: 2,
        maxMessageBytes: 20 * 1024,
      },
    });
    expect(created.status).toBe(201);
    inboxId = created.body.id;
  });
  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  it('answers a person once with the closed-hours reply, marked Auto-Submitted and threaded', async () => {
    const result = await ingest(await mail('person@example.com', '退货', { messageId: '<person-1@example.com>' }));
    expect(result).toMatchObject({ status: 'imported', created: true });
    const captured = await until(async () => smtp.mails.find((item) => item.to.includes('person@example.com')), 'closed reply');
    const parsed = await simpleParser(captured.raw);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.inReplyTo).toBe('<person-1@example.com>');
    expect(parsed.text).toContain('非工作时间');
    // Idempotent on Message-ID.
    expect(await ingest(await mail('person@example.com', '退货', { messageId: '<person-1@example.com>' }))).toMatchObject({
      status: 'duplicate',
    });
  });

  it('never answers an auto-reply, and stops answering a sender over the hourly limit', async () => {
    const ooo = await ingest(emailFixture('out-of-office.eml'));
    const robot = [];
    for (const subject of ['工单 1', '工单 2', '工单 3']) robot.push(await ingest(await mail('robot@example.com', subject)));
    const sentinel = await ingest(await mail('sentinel@example.com', '哨兵'));
    // Replies run from the outbox in order: once the sentinel's reply exists, earlier ones would too.
    await until(
      async () => sentinel.status === 'imported' && (await closedReplies(sentinel.conversationId)).length === 1,
      'sentinel reply',
    );
    expect(ooo.status === 'imported' && (await closedReplies(ooo.conversationId))).toEqual([]);
    const counts = [];
    for (const item of robot) counts.push(item.status === 'imported' ? (await closedReplies(item.conversationId)).length : -1);
    expect(counts).toEqual([1, 1, 0]);
  });

  it('with the bot on, an auto-reply goes to people untouched while a person gets the bot', async () => {
    const bot = await ws.clients.admin.put(api(`/inboxes/${inboxId}/bot`), { enabled: true, greeting: '您好，我是小流。' });
    expect(bot.status).toBe(200);
    try {
      const ooo = await ingest(
        await mail('vacation@example.com', '自动回复：休假中', {
          headers: { 'Auto-Submitted': 'auto-replied' },
          messageId: '<ooo-bot@example.com>',
        }),
      );
      const person = await ingest(await mail('bot-person@example.com', '你好', { messageId: '<bot-person@example.com>' }));
      if (ooo.status !== 'imported' || person.status !== 'imported') throw new Error('not imported');
      const botMessages = (conversationId: string) =>
        queryRows(server.database.url, `select text from messages where conversation_id = $1 and sender_type = 'bot' and kind = 'out'`, [
          conversationId,
        ]);
      const [handedOff] = await queryRows<{ state: string; reason: string }>(
        server.database.url,
        `select state, context->'bot'->>'handoffReason' as reason from conversations where id = $1`,
        [ooo.conversationId],
      );
      expect(handedOff).toEqual({ state: 'queued', reason: 'automatic_message' });
      expect(await botMessages(ooo.conversationId)).toEqual([]);
      expect((await botMessages(person.conversationId)).length).toBeGreaterThan(0);
    } finally {
      await ws.clients.admin.put(api(`/inboxes/${inboxId}/bot`), { enabled: false });
    }
  });

  it('reopens a resolved conversation on a reply within the window, else starts a linked one', async () => {
    const first = await ingest(await mail('again@example.com', '尺码', { messageId: '<again-1@example.com>' }));
    if (first.status !== 'imported') throw new Error('not imported');
    expect((await ws.clients.admin.post(api(`/conversations/${first.conversationId}/resolve`), {})).status).toBe(200);
    const reply = await ingest(
      await mail('again@example.com', 'Re: 尺码', { messageId: '<again-2@example.com>', inReplyTo: '<again-1@example.com>' }),
    );
    expect(reply).toMatchObject({ status: 'imported', conversationId: first.conversationId, created: false });
    const [reopened] = await queryRows(server.database.url, 'select state from conversations where id = $1', [first.conversationId]);
    expect(reopened!.state).not.toBe('resolved');

    expect((await ws.clients.admin.post(api(`/conversations/${first.conversationId}/resolve`), {})).status).toBe(200);
    expect((await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { reopenWindowHours: 0 } })).status).toBe(200);
    const late = await ingest(
      await mail('again@example.com', 'Re: 尺码', { messageId: '<again-3@example.com>', inReplyTo: '<again-2@example.com>' }),
    );
    if (late.status !== 'imported') throw new Error('not imported');
    expect(late.conversationId).not.toBe(first.conversationId);
    const [linked] = await queryRows(server.database.url, 'select context from conversations where id = $1', [late.conversationId]);
    expect(linked!.context.previousConversationId).toBe(first.conversationId);
  });

  it('keeps oversize and sender-less mail as failed imports, once each', async () => {
    const big = await composeEmail({ from: 'big@example.com', to: 'support@huiliu.test', subject: '大附件', text: 'x'.repeat(30 * 1024) });
    const result = await ingest(big);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining("over this inbox's limit of 20480") });
    expect(await ingest(big)).toEqual(result);
    const noFrom = await ingest(Buffer.from('To: support@huiliu.test\r\nSubject: 无发件人\r\n\r\nhello\r\n'));
    expect(noFrom).toMatchObject({ status: 'failed', reason: 'missing or invalid From address' });
    const list = await ws.clients.admin.get(api('/email/failed-imports'));
    expect(list.body.items.filter((item: { inboxId: string }) => item.inboxId === inboxId)).toHaveLength(2);
  });

  it('accepts mail forwarded to its inbound SMTP listener', async () => {
    const port = await freePort();
    expect((await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { inboundSmtp: { enabled: true, port } } })).status).toBe(
      200,
    );
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await until(
      async () =>
        transport
          .sendMail({
            from: '转发 <forwarded@example.com>',
            to: 'support@huiliu.test',
            subject: '转发来的',
            text: '通过 SMTP 转发',
            messageId: '<fwd-1@example.com>',
          })
          .then(() => true)
          .catch(() => false),
      'listener up',
    );
    transport.close();
    const [row] = await queryRows(server.database.url, `select text from messages where idempotency_key = $1`, [
      `email:${inboxId}:fwd-1@example.com`,
    ]);
    expect(row!.text).toBe('通过 SMTP 转发');
  });
});
