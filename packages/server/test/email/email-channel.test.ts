import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeEmail, emailFixture, htmlWithInlineImage, clientReply } from '../support/email.js';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { createTestDatabase, queryRows } from '../support/database.js';
import { spawnServer } from '../support/process.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { startSmtpCapture } from '../support/smtp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const missing = dovecotMissing();

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

describe.skipIf(missing !== undefined)(
  `email channel against Dovecot IMAP and an SMTP capture${missing ? ` — skipped: ${missing}` : ''}`,
  () => {
    let dovecot: Dovecot;
    let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
    let server: TestServer;
    let ws: WorkspaceFixture;
    let inboxId: string;
    const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

    const conversationsOf = async (address: string) =>
      queryRows<{ id: string; number: number; state: string; assignee_id: string | null; context: Record<string, unknown> }>(
        server.database.url,
        `select c.id, c.number, c.state, c.assignee_id, c.context from conversations c
         join customer_identities i on i.customer_id = c.customer_id and i.kind = 'email'
        where c.workspace_id = $1 and i.value = $2 order by c.created_at`,
        [ws.workspaceId, address],
      );
    const messagesOf = async (conversationId: string) =>
      (await ws.clients.agent.get(api(`/conversations/${conversationId}/messages`))).body.items as {
        id: string;
        kind: string;
        text: string;
        delivery: string;
        failureReason: string | null;
        attachments: { name: string; url: string }[];
      }[];

    beforeAll(async () => {
      dovecot = await startDovecot();
      smtp = await startSmtpCapture({ reject: /^bounce-me@/ });
      server = await startTestServer({ EMAIL_POLL_SECONDS: '1', PRESENCE_GRACE_SECONDS: '3600' });
      ws = await createWorkspaceFixture(server.ctx.db, server.url, 'email');
      const smtpPort = Number(new URL(smtp.url).port);
      const created = await ws.clients.admin.post(api('/inboxes'), {
        kind: 'email',
        name: '客服邮箱',
        defaultTeamId: ws.teamId,
        settings: {
          imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password },
          smtp: { host: '127.0.0.1', port: smtpPort, security: 'none', fromName: '汇流客服', fromAddress: 'support@huiliu.test' },
          signature: '汇流商城客服中心\n400-800-1234',
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      inboxId = created.body.id;
      expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      await smtp?.close();
      await dovecot?.stop();
    });

    it('keeps passwords encrypted and never returns them', async () => {
      const read = await ws.clients.admin.get(api(`/inboxes/${inboxId}`));
      expect(read.body.settings.imap).toMatchObject({ host: dovecot.host, user: dovecot.user, passwordSet: true });
      expect(read.body.settings.smtp).toMatchObject({ fromAddress: 'support@huiliu.test', passwordSet: false });
      expect(JSON.stringify(read.body)).not.toMatch(/password"|passwordEnc|mail-secret/);
      const [row] = await queryRows<{ settings: string }>(server.database.url, 'select settings::text from inboxes where id = $1', [
        inboxId,
      ]);
      expect(row!.settings).not.toContain(dovecot.password);
      expect(row!.settings).toMatch(/"passwordEnc": "v1:/);
      // A change that leaves the password out keeps it.
      const changed = await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), {
        settings: { signature: '汇流商城客服中心\n400-800-1234' },
      });
      expect(changed.body.settings.imap.passwordSet).toBe(true);
    });

    it('tests the connections with clear error categories', async () => {
      const smtpPort = Number(new URL(smtp.url).port);
      const good = await ws.clients.admin.post(api(`/inboxes/${inboxId}/test-connection`), { direction: 'imap' });
      expect(good.body).toMatchObject({ ok: true, error: null });
      expect((await ws.clients.admin.post(api(`/inboxes/${inboxId}/test-connection`), { direction: 'smtp' })).body).toMatchObject({
        ok: true,
      });
      // A disabled second inbox, so the fetcher leaves it alone while we break its settings.
      const other = await ws.clients.admin.post(api('/inboxes'), {
        kind: 'email',
        name: '测试连接',
        settings: {
          imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: 'wrong-password' },
          smtp: { host: '127.0.0.1', port: smtpPort, security: 'tls', fromAddress: 'test@huiliu.test' },
        },
      });
      await ws.clients.admin.patch(api(`/inboxes/${other.body.id}`), { enabled: false });
      const test = (direction: string) => ws.clients.admin.post(api(`/inboxes/${other.body.id}/test-connection`), { direction });
      expect((await test('imap')).body).toMatchObject({ ok: false, error: 'auth_failed' });
      expect((await test('smtp')).body).toMatchObject({ ok: false, error: 'tls_failed' });
      await ws.clients.admin.patch(api(`/inboxes/${other.body.id}`), {
        settings: { imap: { host: '127.0.0.1', port: 1, security: 'none', user: 'x', password: 'y' } },
      });
      expect((await test('imap')).body).toMatchObject({ ok: false, error: 'host_unreachable' });
      const widget = ws.ids.inbox!;
      expect((await ws.clients.admin.post(api(`/inboxes/${widget}/test-connection`), { direction: 'imap' })).status).toBe(409);
    });

    let conversationId: string;
    let conversationNumber: number;
    let outboundMessageId: string;
    let replySubject: string;

    it('imports a customer email into a conversation assigned to an agent', async () => {
      const raw = await htmlWithInlineImage();
      await dovecot.append(raw);
      const [conversation] = await until(async () => {
        const rows = await conversationsOf('sunli@example.com');
        return rows.length > 0 && rows[0]!.assignee_id ? rows : undefined;
      }, 'conversation assigned');
      expect(conversation).toMatchObject({ state: 'assigned', assignee_id: ws.users.agent.id });
      expect(conversation!.context).toMatchObject({ subject: '商品破损，附照片', autoReply: true });
      conversationId = conversation!.id;
      conversationNumber = conversation!.number;
      const messages = await messagesOf(conversationId);
      const first = messages.find((message) => message.kind === 'in')!;
      expect(first.text).toContain('收到的杯子有裂痕');
      expect(first.attachments.map((attachment) => attachment.name)).toEqual(['订单截图.pdf']);
      const details = await ws.clients.agent.get(api(`/conversations/${conversationId}/messages/${first.id}/email`));
      expect(details.body).toMatchObject({ messageId: 'inline-0001@example.com', cc: ['boss@example.com'], rawAvailable: true });
      expect(details.body.html).toMatch(/<img src="\/files\/[^"]+\/photo\.png"/);
      expect(details.body.html).not.toMatch(/script|onclick|tracker/);
      const image = await fetch(`${server.url}${details.body.html.match(/src="([^"]+)"/)[1]}`);
      expect(image.status).toBe(200);
      const eml = await fetch(`${server.url}${api(`/conversations/${conversationId}/messages/${first.id}/eml`)}`, {
        headers: { cookie: ws.clients.agent.cookie! },
      });
      expect(eml.headers.get('content-type')).toBe('message/rfc822');
      expect(Buffer.from(await eml.arrayBuffer()).equals(raw)).toBe(true);
      expect((await fetch(`${server.url}${api(`/conversations/${conversationId}/messages/${first.id}/eml`)}`)).status).toBe(401);
    });

    it("sends the agent's reply by SMTP with threading headers, both parts and the signature, to all on the customer's mail", async () => {
      // Reply-all unless the agent changes it: the customer, and whoever they copied — never this inbox itself.
      const recipients = await ws.clients.agent.get(api(`/conversations/${conversationId}/email/recipients`));
      expect(recipients.body).toEqual({ to: 'sunli@example.com', cc: ['boss@example.com'] });
      const reply = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), {
        text: '您好，非常抱歉！我们马上为您补发一个新的杯子。',
      });
      expect(reply.status).toBe(201);
      const mail = await until(async () => smtp.mails.find((item) => item.to.includes('sunli@example.com')), 'reply captured');
      expect(mail.to.sort()).toEqual(['boss@example.com', 'sunli@example.com']);
      const parsed = await simpleParser(mail.raw);
      expect(parsed.headers.get('cc')).toMatchObject({ value: [{ address: 'boss@example.com' }] });
      outboundMessageId = `huiliu.${reply.body.id}@huiliu.test`;
      expect(parsed.messageId).toBe(`<${outboundMessageId}>`);
      expect(parsed.inReplyTo).toBe('<inline-0001@example.com>');
      expect(parsed.references).toEqual('<inline-0001@example.com>');
      expect(parsed.subject).toMatch(new RegExp(`^Re: 商品破损，附照片 \\[#${conversationNumber}-[0-9a-f]{12}\\]$`));
      replySubject = parsed.subject!;
      expect(parsed.from?.value[0]).toMatchObject({ address: 'support@huiliu.test', name: '汇流客服' });
      expect(parsed.text).toContain('我们马上为您补发一个新的杯子。\n\n-- \n汇流商城客服中心');
      expect(parsed.html).toContain('<p>您好，非常抱歉！我们马上为您补发一个新的杯子。</p>');
      expect(parsed.headers.get('auto-submitted')).toBeUndefined();
    });

    it("threads the customer's reply into the same conversation, quote split off", async () => {
      await dovecot.append(await clientReply(outboundMessageId, { messageId: '<reply-0001@example.com>' }));
      const messages = await until(async () => {
        const all = await messagesOf(conversationId);
        return all.filter((message) => message.kind === 'in').length === 2 ? all : undefined;
      }, 'reply joined');
      const reply = messages.filter((message) => message.kind === 'in')[1]!;
      expect(reply.text).toBe('好的，那我等换货。');
      const details = await ws.clients.agent.get(api(`/conversations/${conversationId}/messages/${reply.id}/email`));
      expect(details.body.quotedText).toMatch(/写道：\n> 您好，我们会为您换一个新的。/);
      expect(await conversationsOf('sunli@example.com')).toHaveLength(1);
    });

    it('threads a reply whose headers were stripped by the signed subject token', async () => {
      await dovecot.append(
        await composeEmail({
          from: 'sunli@example.com',
          to: 'support@huiliu.test',
          subject: `回复: ${replySubject}`,
          messageId: '<stripped-0002@example.com>',
          text: '另外，发票也请一起寄来。',
        }),
      );
      await until(
        async () => (await messagesOf(conversationId)).some((message) => message.text === '另外，发票也请一起寄来。'),
        'token reply',
      );
      expect(await conversationsOf('sunli@example.com')).toHaveLength(1);
    });

    it('marks the outbound message failed on a bounce, and an agent can retry it', async () => {
      const dsn = emailFixture('dsn-bounce.eml').toString('utf8').replace('out-0001@huiliu.test', outboundMessageId);
      await dovecot.append(Buffer.from(dsn));
      const failed = await until(async () => {
        const message = (await messagesOf(conversationId)).find((item) => item.kind === 'out');
        return message?.delivery === 'failed' ? message : undefined;
      }, 'bounce marks failed');
      expect(failed.failureReason).toMatch(/^bounced: 5\.1\.1 <nobody@example.org>/);
      const sent = () => smtp.mails.filter((item) => item.to.includes('sunli@example.com'));
      expect(sent()).toHaveLength(1);
      const retried = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages/${failed.id}/retry`));
      expect(retried.status).toBe(200);
      expect(retried.body.delivery).toBe('sent');
      expect((await ws.clients.agent.post(api(`/conversations/${conversationId}/messages/${failed.id}/retry`))).status).toBe(409);
      // Sent again, as the same message (same Message-ID), once.
      const again = await until(async () => (sent().length === 2 ? sent()[1] : undefined), 'sent again');
      expect((await simpleParser(again.raw)).messageId).toBe(`<${outboundMessageId}>`);
    });

    it('a permanent SMTP refusal fails the reply with the reason; retry sends it again', async () => {
      await dovecot.append(
        await composeEmail({ from: 'bounce-me@example.com', to: 'support@huiliu.test', subject: '查询物流', text: '我的快递到哪了？' }),
      );
      const [conversation] = await until(async () => {
        const rows = await conversationsOf('bounce-me@example.com');
        return rows.length ? rows : undefined;
      }, 'conversation');
      const reply = await ws.clients.agent.post(api(`/conversations/${conversation!.id}/messages`), { text: '已经在路上了。' });
      const failed = await until(async () => {
        const message = (await messagesOf(conversation!.id)).find((item) => item.id === reply.body.id);
        return message?.delivery === 'failed' ? message : undefined;
      }, 'failed');
      expect(failed.failureReason).toMatch(/550/);
      const retried = await ws.clients.agent.post(api(`/conversations/${conversation!.id}/messages/${failed.id}/retry`));
      expect(retried.body.delivery).toBe('sent');
      await until(async () => {
        const message = (await messagesOf(conversation!.id)).find((item) => item.id === reply.body.id);
        return message?.delivery === 'failed' ? message : undefined;
      }, 'failed again');
    });

    it('sends to the CC line the agent chose: others added, the customer and this inbox left out, none at all; bad addresses are refused', async () => {
      const sent = async (cc: string[] | undefined, text: string) => {
        const reply = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text, ...(cc ? { cc } : {}) });
        expect(reply.status, JSON.stringify(reply.body)).toBe(201);
        const mail = await until(async () => smtp.mails.find((item) => item.raw.includes(`huiliu.${reply.body.id}@`)), 'reply captured');
        const parsed = await simpleParser(mail.raw);
        const ccLine = parsed.headers.get('cc') as { value: { address: string }[] } | undefined;
        return { rcpt: [...mail.to].sort(), cc: ccLine?.value.map((entry) => entry.address) ?? [] };
      };
      expect(await sent(['Wang@Example.com', 'sunli@example.com', 'support@huiliu.test', 'wang@example.com'], '已抄送仓库。')).toEqual({
        rcpt: ['Wang@example.com', 'sunli@example.com'],
        cc: ['Wang@example.com'],
      });
      expect(await sent([], '只发给您。')).toEqual({ rcpt: ['sunli@example.com'], cc: [] });
      // What went out is on record with the message.
      const before = await messagesOf(conversationId);
      const last = before.filter((message) => message.kind === 'out').at(-2)!;
      const details = await ws.clients.agent.get(api(`/conversations/${conversationId}/messages/${last.id}/email`));
      expect(details.body).toMatchObject({ direction: 'out', to: ['sunli@example.com'], cc: ['Wang@Example.com'] });

      for (const cc of [['not-an-address'], Array.from({ length: 21 }, (_, i) => `p${i}@example.com`)]) {
        const refused = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '不会发出', cc });
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toContain('cc');
      }
      expect(await messagesOf(conversationId)).toHaveLength(before.length);
      // Not an email conversation: nothing to copy anyone on.
      const visitor = await startVisitor(server.url, (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey);
      const chat = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '在吗？' });
      visitor.socket.close();
      const widgetConversation = chat.data.conversation.id;
      const refused = await ws.clients.agent.post(api(`/conversations/${widgetConversation}/messages`), {
        text: 'x',
        cc: ['a@example.com'],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toBe('cc is for email conversations only');
      expect((await ws.clients.agent.get(api(`/conversations/${widgetConversation}/email/recipients`))).status).toBe(409);
    });

    it('sends a burst of replies over a few reused connections, and a changed SMTP server at once', async () => {
      const sentTo = (capture: typeof smtp, ids: string[]) =>
        ids.every((id) => capture.mails.some((mail) => mail.raw.includes(`huiliu.${id}@`)));
      const before = smtp.connections;
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: `第 ${i + 1} 条`, cc: [] }),
        ),
      );
      const ids = replies.map((reply) => reply.body.id as string);
      await until(async () => sentTo(smtp, ids), 'burst captured');
      // One connection per message without reuse; a pooled transport opens at most three.
      expect(smtp.connections - before).toBeLessThanOrEqual(3);

      const moved = await startSmtpCapture();
      try {
        const port = Number(new URL(moved.url).port);
        const smtpSettings = { host: '127.0.0.1', port, security: 'none', fromName: '汇流客服', fromAddress: 'support@huiliu.test' };
        expect((await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { smtp: smtpSettings } })).status).toBe(200);
        const reply = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '换了发信服务器。', cc: [] });
        await until(async () => sentTo(moved, [reply.body.id]), 'sent through the new server');
        expect(sentTo(smtp, [reply.body.id])).toBe(false);
      } finally {
        const port = Number(new URL(smtp.url).port);
        const smtpSettings = { host: '127.0.0.1', port, security: 'none', fromName: '汇流客服', fromAddress: 'support@huiliu.test' };
        await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { smtp: smtpSettings } });
        // And back: the next reply goes to the first server, and the transport to the second is let go.
        const reply = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '换回原来的服务器。', cc: [] });
        await until(async () => sentTo(smtp, [reply.body.id]), 'sent through the first server again');
        await moved.close();
      }
    });

    it('never auto-replies to an out-of-office message, and keeps it', async () => {
      await dovecot.append(emailFixture('out-of-office.eml'));
      const [conversation] = await until(async () => {
        const rows = await conversationsOf('zhaomin@example.com');
        return rows.length ? rows : undefined;
      }, 'ooo imported');
      expect(conversation!.context.autoReply).toBe(false);
      const [details] = await queryRows(server.database.url, 'select auto_submitted from email_messages where header_message_id = $1', [
        'ooo-0001@example.com',
      ]);
      expect(details).toEqual({ auto_submitted: true });
    });

    it('keeps a malformed message as a failed import and goes on with the next', async () => {
      const malformed = emailFixture('malformed.eml');
      await dovecot.append(malformed);
      await dovecot.append(
        await composeEmail({ from: 'next@example.com', to: 'support@huiliu.test', subject: '下一封', text: '还在吗？' }),
      );
      await until(async () => (await conversationsOf('next@example.com')).length === 1, 'next imported');
      const list = await ws.clients.admin.get(api('/email/failed-imports'));
      const failed = list.body.items.find((item: { reason: string }) => item.reason === 'missing or invalid From address');
      expect(failed).toMatchObject({ inboxId, size: malformed.length });
      expect(failed.source).toMatch(/^imap:INBOX:\d+:\d+$/);
      const raw = await fetch(`${server.url}${api(`/email/failed-imports/${failed.id}/raw`)}`, {
        headers: { cookie: ws.clients.admin.cookie! },
      });
      expect(Buffer.from(await raw.arrayBuffer()).equals(malformed)).toBe(true);
      expect((await ws.clients.agent.get(api('/email/failed-imports'))).status).toBe(403);
    });
  },
);

describe.skipIf(missing !== undefined)(`IMAP import across restarts${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let dovecot: Dovecot;
  let server: TestServer | undefined;
  const env = { EMAIL_POLL_SECONDS: '1' };

  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await server?.stop();
    await dovecot?.stop();
  });

  it('neither re-imports nor skips when the server stops between fetches or loses its progress', async () => {
    const database = await createTestDatabase();
    server = await startTestServer(env, database);
    const ws = await createWorkspaceFixture(server.ctx.db, server.url, 'restart');
    const created = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/inboxes`, {
      kind: 'email',
      name: '售后邮箱',
      settings: { imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password } },
    });
    expect(created.status).toBe(201);
    const mail = (index: number) =>
      composeEmail({
        from: `customer${index}@example.com`,
        to: 'support@huiliu.test',
        subject: `第 ${index} 封`,
        messageId: `<restart-${index}@example.com>`,
        text: `消息 ${index}`,
      });
    const imported = async () =>
      (
        await queryRows<{ key: string }>(
          database.url,
          `select idempotency_key as key from messages where workspace_id = $1 and kind = 'in' and idempotency_key like $2`,
          [ws.workspaceId, `email:${created.body.id}:%`],
        )
      ).map((row) => row.key);
    for (const index of [1, 2, 3]) await dovecot.append(await mail(index));
    await until(async () => (await imported()).length === 3, 'first three');

    // Stopped between fetches; mail keeps arriving meanwhile.
    await server.stop();
    for (const index of [4, 5, 6]) await dovecot.append(await mail(index));
    server = await startTestServer(env, database);
    await until(async () => (await imported()).length === 6, 'all six');

    // Progress lost after a crash (import committed, UID not yet recorded): the same messages come again.
    await queryRows(database.url, 'update email_mailbox_state set last_uid = 2');
    await dovecot.append(await mail(7));
    await until(async () => (await imported()).length >= 7, 'seventh');
    const keys = await imported();
    expect(keys.sort()).toEqual([1, 2, 3, 4, 5, 6, 7].map((index) => `email:${created.body.id}:restart-${index}@example.com`).sort());
    const [state] = await queryRows<{ last_uid: string }>(database.url, 'select last_uid from email_mailbox_state');
    expect(Number(state!.last_uid)).toBe(7);
    await server.stop();
    await database.drop();
    server = undefined;
  }, 120_000);

  it('a server process killed with SIGKILL mid-import loses and doubles nothing', async () => {
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, PORT: '0', HUILIU_DEMO: 'false', EMAIL_POLL_SECONDS: '1', SECRETS_KEY: 'ab'.repeat(32) };
    // Set up through an in-process server (it would only poll after a minute), then stop it.
    const setup = await startTestServer({ SECRETS_KEY: env.SECRETS_KEY }, database);
    const ws = await createWorkspaceFixture(setup.ctx.db, setup.url, 'kill');
    const created = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/inboxes`, {
      kind: 'email',
      name: '批量邮箱',
      settings: {
        imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password, folder: 'Bulk' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await setup.stop();
    let child: Awaited<ReturnType<typeof spawnServer>> | undefined;
    try {
      const imap = await dovecot.client();
      await imap.mailboxCreate('Bulk');
      const total = 40;
      for (let index = 1; index <= total; index++)
        await imap.append(
          'Bulk',
          await composeEmail({
            from: `bulk${index}@example.com`,
            to: 'support@huiliu.test',
            subject: `批量 ${index}`,
            messageId: `<bulk-${index}@example.com>`,
            text: `第 ${index} 封`,
          }),
        );
      await imap.logout();
      const keys = async () =>
        (
          await queryRows<{ key: string }>(
            database.url,
            `select idempotency_key as key from messages where workspace_id = $1 and idempotency_key like 'email:%bulk-%'`,
            [ws.workspaceId],
          )
        ).map((row) => row.key);
      child = await spawnServer(env);
      await until(async () => (await keys()).length >= 3, 'import under way');
      child.child.kill('SIGKILL');
      await child.exited;
      const atKill = (await keys()).length;
      child = await spawnServer(env);
      await until(async () => (await keys()).length >= total, 'all imported', 60_000);
      const all = await keys();
      expect(all).toHaveLength(total);
      expect(new Set(all).size).toBe(total);
      expect(atKill).toBeGreaterThanOrEqual(3);
    } finally {
      await child?.stop();
      await database.drop();
    }
  }, 180_000);
});
