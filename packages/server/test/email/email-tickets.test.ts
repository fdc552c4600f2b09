import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../support/database.js';
import { dovecotMissing, startDovecot, type Dovecot } from '../support/dovecot.js';
import { clientReply, composeEmail } from '../support/email.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

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
  `tickets from an email inbox set to every_thread, through Dovecot IMAP and SMTP${missing ? ` — skipped: ${missing}` : ''}`,
  () => {
    let dovecot: Dovecot;
    let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
    let server: TestServer;
    let ws: WorkspaceFixture;
    const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
    const ticketsFrom = (address: string) =>
      queryRows<{ id: string; number: number; subject: string; conversation_id: string }>(
        server.database.url,
        `select t.id, t.number, t.subject, l.conversation_id from tickets t
           join ticket_conversations l on l.ticket_id = t.id
           join customer_identities i on i.customer_id = t.requester_id and i.kind = 'email'
          where t.workspace_id = $1 and i.value = $2 order by t.number`,
        [ws.workspaceId, address],
      );

    beforeAll(async () => {
      dovecot = await startDovecot();
      smtp = await startSmtpCapture();
      server = await startTestServer({ EMAIL_POLL_SECONDS: '1' });
      ws = await createWorkspaceFixture(server.ctx.db, server.url, 'email-tickets');
      const created = await ws.clients.admin.post(api('/inboxes'), {
        kind: 'email',
        name: '工单邮箱',
        defaultTeamId: ws.teamId,
        settings: {
          imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password },
          smtp: {
            host: '127.0.0.1',
            port: Number(new URL(smtp.url).port),
            security: 'none',
            fromName: '汇流客服',
            fromAddress: 'support@huiliu.test',
          },
          createTickets: 'every_thread',
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      await smtp?.close();
      await dovecot?.stop();
    });

    it('a new mail becomes a ticket; the public reply goes out threaded and the customer’s answer lands on the ticket', async () => {
      await dovecot.append(
        await composeEmail({
          from: '"赵敏" <zhaomin@example.com>',
          to: 'support@huiliu.test',
          subject: '空调不制冷',
          messageId: '<aircon-1@example.com>',
          text: '上个月装的空调，这两天完全不制冷了。',
        }),
      );
      const [ticket] = await until(async () => {
        const rows = await ticketsFrom('zhaomin@example.com');
        return rows.length ? rows : undefined;
      }, 'the ticket');
      expect(ticket!.subject).toBe('空调不制冷');

      const reply = await ws.clients.admin.post(api(`/tickets/${ticket!.id}/comments`), {
        visibility: 'public',
        text: '您好，师傅明天上午上门检修。',
        status: 'pending',
      });
      expect(reply.status).toBe(201);
      const sent = await until(async () => smtp.mails.find((mail) => mail.to.includes('zhaomin@example.com')), 'the reply mail');
      const parsed = await simpleParser(sent.raw);
      expect(parsed.inReplyTo).toBe('<aircon-1@example.com>');
      // One mail, the reply itself, dressed by the "agent replied" template; the thread's subject stays.
      expect(parsed.subject).toMatch(/^Re: 空调不制冷 \[#/);
      expect(parsed.text).toContain('您好，师傅明天上午上门检修。');
      expect(parsed.text).toContain(`工单 #${ticket!.number}：`);
      expect(smtp.mails.filter((mail) => mail.to.includes('zhaomin@example.com'))).toHaveLength(1);

      await dovecot.append(
        await clientReply(parsed.messageId!.replace(/^<|>$/g, ''), {
          from: '"赵敏" <zhaomin@example.com>',
          subject: `Re: ${parsed.subject}`,
          messageId: '<aircon-2@example.com>',
          text: '好的，明天上午家里有人。',
        }),
      );
      const thread = await until(async () => {
        const rows = await queryRows<{ text: string }>(
          server.database.url,
          `select text from ticket_comments where ticket_id = $1 order by created_at`,
          [ticket!.id],
        );
        return rows.some((row) => row.text.includes('明天上午家里有人')) ? rows : undefined;
      }, 'the answer on the ticket');
      expect(thread.map((row) => row.text)).toContain('您好，师傅明天上午上门检修。');
      // Pending on the customer: their answer opens it again. Still one ticket for the thread.
      const [after] = await queryRows(server.database.url, `select status from tickets where id = $1`, [ticket!.id]);
      expect(after!.status).toBe('open');
      expect(await ticketsFrom('zhaomin@example.com')).toHaveLength(1);

      // Another thread from the same sender is another case.
      await dovecot.append(
        await composeEmail({
          from: '"赵敏" <zhaomin@example.com>',
          to: 'support@huiliu.test',
          subject: '发票',
          messageId: '<invoice-1@example.com>',
          text: '请开具增值税发票。',
        }),
      );
      const both = await until(async () => {
        const rows = await ticketsFrom('zhaomin@example.com');
        return rows.length === 2 ? rows : undefined;
      }, 'the second ticket');
      expect(both.map((row) => row.subject)).toEqual(['空调不制冷', '发票']);
      expect(both[0]!.conversation_id).not.toBe(both[1]!.conversation_id);
    });
  },
);
