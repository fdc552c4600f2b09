import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_SMTP_LIMITS } from '../../src/channels/email/smtp-listener.js';
import { queryRows } from '../support/database.js';
import { composeEmail } from '../support/email.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { freePort } from '../support/ports.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.js';

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every file under `dir`, recursively: what the server wrote to disk. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

describe('email security: thread hijack, inbound SMTP limits, NUL bytes', () => {
  let server: TestServer;
  let capture: Awaited<ReturnType<typeof startSmtpCapture>>;
  let ws: WorkspaceFixture;
  let inboxId: string;
  let smtpPort: number;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'huiliu-email-security-'));
  const api = (p: string) => `/api/v1/workspaces/${ws.workspaceId}${p}`;

  /** A real SMTP client delivering to Huiliu's inbound listener, as an MTA (or an attacker) would. */
  const send = async (mail: Mail.Options) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    try {
      return await transport.sendMail({ to: 'support@huiliu.test', ...mail });
    } finally {
      transport.close();
    }
  };
  const storedByMessageId = async (messageId: string) => {
    const [row] = await queryRows<{ id: string; conversation_id: string; text: string }>(
      server.database.url,
      'select id, conversation_id, text from messages where idempotency_key = $1',
      [`email:${inboxId}:${messageId}`],
    );
    return row;
  };
  const timeline = async (conversationId: string) =>
    queryRows<{ id: string; kind: string; text: string; event: Record<string, unknown> | null }>(
      server.database.url,
      'select id, kind, text, event from messages where conversation_id = $1 order by seq',
      [conversationId],
    );
  const failedImports = async () =>
    queryRows<{ reason: string; size: number }>(server.database.url, 'select reason, size from email_failed_imports where inbox_id = $1', [
      inboxId,
    ]);

  beforeAll(async () => {
    capture = await startSmtpCapture();
    server = await startTestServer({ EMAIL_POLL_SECONDS: '1', DATA_DIR: dataDir, PRESENCE_GRACE_SECONDS: '3600' });
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'mailsec');
    smtpPort = await freePort();
    const created = await ws.clients.admin.post(api('/inboxes'), {
      kind: 'email',
      name: '售后邮箱',
      defaultTeamId: ws.teamId,
      settings: {
        smtp: {
          host: '127.0.0.1',
          port: Number(new URL(capture.url).port),
          security: 'none',
          fromName: '汇流客服',
          fromAddress: 'support@huiliu.test',
        },
        inboundSmtp: { enabled: true, port: smtpPort },
        maxMessageBytes: 64 * 1024,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    inboxId = created.body.id;
    await until(
      () =>
        new Promise<boolean>((resolve) => {
          const connection = new SMTPConnection({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
          connection.on('error', () => resolve(false));
          connection.connect(() => {
            connection.quit();
            resolve(true);
          });
        }),
      'inbound SMTP listener up',
    );
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await capture?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('threading never trusts a guessable value', () => {
    let victim: { conversationId: string; number: number };
    let replySubject: string;
    let replyMessageId: string;

    const agentReply = async (text: string) => {
      const sentBefore = capture.mails.length;
      const reply = await ws.clients.agent.post(api(`/conversations/${victim.conversationId}/messages`), { text });
      expect(reply.status).toBe(201);
      return until(async () => capture.mails.length > sentBefore && capture.mails.at(-1), 'reply sent');
    };

    beforeAll(async () => {
      await send({
        from: '王芳 <wangfang@example.com>',
        cc: 'boss@example.com',
        subject: '订单 1001 退款',
        messageId: '<victim-1@example.com>',
        text: '我的退款什么时候到账？',
      });
      const stored = (await storedByMessageId('victim-1@example.com'))!;
      const [row] = await queryRows<{ number: number }>(server.database.url, 'select number from conversations where id = $1', [
        stored.conversation_id,
      ]);
      victim = { conversationId: stored.conversation_id, number: Number(row!.number) };
      const sent = await simpleParser((await agentReply('您好，退款将在 3 个工作日内到账。')).raw);
      replySubject = sent.subject!;
      replyMessageId = sent.messageId!;
    });

    it('signs the subject token: the conversation number alone is not enough', () => {
      expect(replySubject).toMatch(new RegExp(`^Re: 订单 1001 退款 \\[#${victim.number}-[0-9a-f]{12}\\]$`));
    });

    it("refuses a stranger's mail that names the conversation (number, forged or leaked token, leaked headers): a new conversation, noted for the agent, and the reply still goes to the customer only", async () => {
      const before = await timeline(victim.conversationId);
      const leakedToken = replySubject.match(/\[#\d+(?:-[0-9a-f]{12})?\]/)?.[0] ?? '';
      const attacks: { mail: Mail.Options; reason: string }[] = [
        { mail: { subject: `Re: 订单 1001 退款 [#${victim.number}]` }, reason: 'unverified_token' },
        { mail: { subject: `Re: 订单 1001 退款 [#${victim.number}-0123456789ab]` }, reason: 'unverified_token' },
        { mail: { subject: `Re: 订单 1001 退款 ${leakedToken}` }, reason: 'not_participant' },
        {
          mail: { subject: 'Re: 订单 1001 退款', inReplyTo: replyMessageId, references: ['<victim-1@example.com>', replyMessageId] },
          reason: 'not_participant',
        },
        { mail: { subject: '退款', inReplyTo: '<victim-1@example.com>' }, reason: 'not_participant' },
      ];
      for (const [index, attack] of attacks.entries()) {
        const messageId = `evil-${index}@evil.example`;
        await send({
          from: '客服主管 <attacker@evil.example>',
          messageId: `<${messageId}>`,
          text: '退款请改打到这个账户：6222 0000 1111 2222',
          ...attack.mail,
        });
        const stored = await storedByMessageId(messageId);
        expect(stored, `attack ${index} stored`).toBeDefined();
        expect(stored!.conversation_id, `attack ${index}`).not.toBe(victim.conversationId);
        const note = (await timeline(stored!.conversation_id)).find((message) => message.kind === 'event');
        expect(note?.event, `attack ${index}`).toEqual({
          type: 'email_thread_refused',
          mentionedConversationId: victim.conversationId,
          mentionedNumber: victim.number,
          reason: attack.reason,
        });
      }
      expect(await timeline(victim.conversationId)).toEqual(before);

      const next = await agentReply('已为您加急处理。');
      expect(next.to.sort()).toEqual(['boss@example.com', 'wangfang@example.com']);
      expect(capture.mails.some((mail) => mail.to.includes('attacker@evil.example'))).toBe(false);
    });

    it('a forged From with only the number cannot join either (the From line proves nothing)', async () => {
      await send({
        from: '王芳 <wangfang@example.com>',
        messageId: '<spoofed-1@evil.example>',
        subject: `Re: 订单 1001 退款 [#${victim.number}]`,
        text: '请改寄到新地址',
      });
      const stored = (await storedByMessageId('spoofed-1@evil.example'))!;
      expect(stored.conversation_id).not.toBe(victim.conversationId);
      expect((await timeline(stored.conversation_id)).find((message) => message.kind === 'event')?.event).toMatchObject({
        reason: 'unverified_token',
        mentionedNumber: victim.number,
      });
    });

    it('still threads the participants: the customer by headers or by the signed token alone, a CC by headers', async () => {
      const replies: Mail.Options[] = [
        { from: 'wangfang@example.com', messageId: '<victim-2@example.com>', subject: `Re: ${replySubject}`, inReplyTo: replyMessageId },
        { from: 'wangfang@example.com', messageId: '<victim-3@example.com>', subject: `回复: ${replySubject}` },
        { from: 'boss@example.com', messageId: '<boss-1@example.com>', subject: 'Re: 订单 1001 退款', inReplyTo: '<victim-1@example.com>' },
      ];
      for (const reply of replies) {
        await send({ text: '收到，谢谢。', ...reply });
        const stored = await storedByMessageId(String(reply.messageId).slice(1, -1));
        expect(stored?.conversation_id, String(reply.messageId)).toBe(victim.conversationId);
      }
      expect(
        (await timeline(victim.conversationId)).some(
          (message) => message.kind === 'event' && message.event?.type === 'email_thread_refused',
        ),
      ).toBe(false);
    });

    it('shows the refusal to agents through the API', async () => {
      const stored = (await storedByMessageId('evil-0@evil.example'))!;
      const list = await ws.clients.agent.get(api(`/conversations/${stored.conversation_id}/messages`));
      expect(list.status).toBe(200);
      expect(list.body.items.map((message: { kind: string; event: unknown }) => message.kind)).toEqual(['in', 'event']);
    });
  });

  describe('the inbound SMTP listener', () => {
    it('listens only on the configured interface (HOST=127.0.0.1)', async () => {
      const elsewhere = [
        '::1',
        ...Object.values(os.networkInterfaces())
          .flat()
          .filter((entry) => entry && !entry.internal && entry.family === 'IPv4')
          .map((entry) => entry!.address),
      ];
      for (const host of elsewhere) {
        const outcome = await new Promise<string>((resolve) => {
          const connection = new SMTPConnection({ host, port: smtpPort, ignoreTLS: true, connectionTimeout: 5000 });
          connection.on('error', (error: Error & { code?: string }) => resolve(`refused: ${error.code ?? error.message}`));
          connection.connect(() => {
            connection.quit();
            resolve('connected');
          });
        });
        expect(outcome, host).toMatch(/^refused/);
      }
    });

    it('refuses a message over the size limit with 552 and stores nothing of it', async () => {
      const [{ count: messagesBefore }] = (await queryRows<{ count: number }>(
        server.database.url,
        'select count(*)::int as count from messages',
      )) as [{ count: number }];
      const failedBefore = await failedImports();
      const filesBefore = filesUnder(path.join(dataDir, 'files'));
      const huge = await composeEmail({
        from: 'flood@example.com',
        to: 'support@huiliu.test',
        subject: '超大邮件',
        messageId: '<huge-1@example.com>',
        text: 'x'.repeat(3 * 1024 * 1024),
      });
      const error = await send({ envelope: { from: 'flood@example.com', to: ['support@huiliu.test'] }, raw: huge }).then(
        () => null,
        (failure: Error & { responseCode?: number }) => failure,
      );
      expect(error?.responseCode).toBe(552);
      expect(await storedByMessageId('huge-1@example.com')).toBeUndefined();
      expect(await failedImports()).toEqual(failedBefore);
      expect(filesUnder(path.join(dataDir, 'files'))).toEqual(filesBefore);
      const [{ count: messagesAfter }] = (await queryRows<{ count: number }>(
        server.database.url,
        'select count(*)::int as count from messages',
      )) as [{ count: number }];
      expect(messagesAfter).toBe(messagesBefore);
    });

    it('limits the connections of one client', async () => {
      const open: SMTPConnection[] = [];
      const connect = () =>
        new Promise<SMTPConnection | (Error & { responseCode?: number })>((resolve) => {
          const connection = new SMTPConnection({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
          connection.on('error', (error: Error & { responseCode?: number }) => resolve(error));
          connection.connect(() => resolve(connection));
        });
      try {
        for (let i = 0; i < INBOUND_SMTP_LIMITS.connectionsPerClient; i += 1) {
          const connection = await connect();
          expect(connection).toBeInstanceOf(SMTPConnection);
          open.push(connection as SMTPConnection);
        }
        const refused = await connect();
        expect(refused).toBeInstanceOf(Error);
        expect((refused as Error).message).toMatch(/421/);
        open.pop()!.quit();
        // A closed connection frees its place.
        const again = await until(async () => {
          const connection = await connect();
          return connection instanceof SMTPConnection ? connection : undefined;
        }, 'a place again');
        open.push(again);
      } finally {
        for (const connection of open) connection.quit();
      }
    });

    it('limits the recipients of one message', async () => {
      const recipients = Array.from({ length: INBOUND_SMTP_LIMITS.recipientsPerMessage + 5 }, (_, i) => `rcpt${i}@huiliu.test`);
      const info = await send({
        from: 'many@example.com',
        to: recipients,
        subject: '群发',
        text: '很多收件人',
        messageId: '<many-1@example.com>',
      });
      expect(info.accepted).toHaveLength(INBOUND_SMTP_LIMITS.recipientsPerMessage);
      expect(info.rejected).toHaveLength(5);
      expect((info as unknown as { rejectedErrors: { responseCode: number }[] }).rejectedErrors[0]!.responseCode).toBe(452);
    });
  });

  describe('a NUL byte in a mail', () => {
    it('is stored with the NUL stripped from its text, and the original kept byte for byte', async () => {
      const raw = await composeEmail({
        from: '"李\u0000雷" <lilei@example.com>',
        to: 'support@huiliu.test',
        subject: '发票\u0000问题',
        messageId: '<nul-1@example.com>',
        textEncoding: 'base64',
        text: '请帮我\u0000开发票。',
        html: '<p>请帮我\u0000开发票。</p>',
        attachments: [{ filename: 'a\u0000.txt', content: Buffer.from('x\u0000y') }],
      });
      // Encoded (base64, RFC 2047), so the NUL survives the SMTP transfer and is there once decoded.
      expect((await simpleParser(raw)).text).toContain('\u0000');
      await send({ envelope: { from: 'lilei@example.com', to: ['support@huiliu.test'] }, raw });
      const stored = (await storedByMessageId('nul-1@example.com'))!;
      expect(stored.text).toBe('请帮我开发票。');
      const details = await ws.clients.agent.get(api(`/conversations/${stored.conversation_id}/messages/${stored.id}/email`));
      expect(details.body.subject).toBe('发票问题');
      expect(details.body.html).toContain('请帮我开发票。');
      const eml = await fetch(`${server.url}${api(`/conversations/${stored.conversation_id}/messages/${stored.id}/eml`)}`, {
        headers: { cookie: ws.clients.agent.cookie! },
      });
      expect(Buffer.from(await eml.arrayBuffer()).equals(raw)).toBe(true);
    });
  });
});

const missing = dovecotMissing();

describe.skipIf(missing !== undefined)(`a poison message on IMAP${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let dovecot: Dovecot;
  let server: TestServer;

  beforeAll(async () => {
    dovecot = await startDovecot();
    server = await startTestServer({ EMAIL_POLL_SECONDS: '1' });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await dovecot?.stop();
  });

  it('neither blocks the mailbox nor is retried forever: a NUL byte and an absurd Message-ID are imported, a message the database refuses is a failed import', async () => {
    const ws = await createWorkspaceFixture(server.ctx.db, server.url, 'poison');
    const created = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/inboxes`, {
      kind: 'email',
      name: '售后邮箱',
      settings: { imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password } },
    });
    expect(created.status).toBe(201);
    const inboxId = created.body.id as string;
    // Some refusal nobody foresaw, for good: the database itself turns this one message down.
    await queryRows(server.database.url, `alter table messages add constraint poison_refused check (position('毒丸' in text) = 0)`);
    // Random CJK does not compress: over the size PostgreSQL allows in an index entry, on every try.
    const hugeId = `${Array.from({ length: 900 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join('')}@example.com`;
    const mails = [
      composeEmail({
        from: 'nul@example.com',
        to: 'support@huiliu.test',
        subject: '空\u0000字符',
        messageId: '<imap-nul@example.com>',
        textEncoding: 'base64',
        text: '含\u0000空字符',
      }),
      composeEmail({
        from: 'longid@example.com',
        to: 'support@huiliu.test',
        subject: '长编号',
        messageId: `<${hugeId}>`,
        text: '很长的 Message-ID',
      }),
      composeEmail({
        from: 'poison@example.com',
        to: 'support@huiliu.test',
        subject: '毒丸',
        messageId: '<imap-poison@example.com>',
        text: '毒丸',
      }),
      composeEmail({
        from: 'after@example.com',
        to: 'support@huiliu.test',
        subject: '之后',
        messageId: '<imap-after@example.com>',
        text: '后面的邮件',
      }),
    ];
    for (const mail of mails) await dovecot.append(await mail);
    const texts = async () =>
      (
        await queryRows<{ text: string }>(
          server.database.url,
          `select text from messages where kind = 'in' and idempotency_key like $1 order by created_at`,
          [`email:${inboxId}:%`],
        )
      ).map((row) => row.text);
    await until(async () => (await texts()).includes('后面的邮件'), 'the mail after the poison imported', 30_000);
    expect(await texts()).toEqual(['含空字符', '很长的 Message-ID', '后面的邮件']);
    const failed = await queryRows<{ reason: string; from_address: string }>(
      server.database.url,
      'select reason, from_address from email_failed_imports where inbox_id = $1',
      [inboxId],
    );
    expect(failed).toEqual([{ reason: expect.stringMatching(/refused it \(23514\).*poison_refused/), from_address: 'poison@example.com' }]);
    const [state] = await queryRows<{ last_uid: string }>(
      server.database.url,
      'select last_uid from email_mailbox_state where inbox_id = $1',
      [inboxId],
    );
    expect(Number(state!.last_uid)).toBe(4);
  }, 60_000);
});
