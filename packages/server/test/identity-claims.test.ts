import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipientsOf } from '../src/channels/email/recipients.js';
import { storedEmailSettings } from '../src/modules/inboxes/email-settings.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { connectSocket, emitAck, startVisitor } from './support/chat.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startSmtpCapture } from './support/smtp.js';

async function until<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Issue 15, item 2: an email or phone a visitor types is a claim. It must never make them the
 * owner of that address — not receive the owner's mail, nor the agents' replies to it — until
 * they prove it with a one-time code sent there (through real SMTP, as here).
 */
describe('identity claims: typed addresses are unverified until proven', () => {
  let server: TestServer;
  // One real SMTP server stands for the outside world's mailboxes: the inbox's replies and the system mail (codes) land here.
  let capture: Awaited<ReturnType<typeof startSmtpCapture>>;
  let ws: WorkspaceFixture;
  let widgetKey: string;
  let emailInboxId: string;
  let smtpPort: number;
  const api = (p: string) => `/api/v1/workspaces/${ws.workspaceId}${p}`;

  /** A real SMTP client delivering to Huiliu's inbound listener, as the victim's mail provider would. */
  const sendMail = async (mail: Mail.Options) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    try {
      return await transport.sendMail({ to: 'support@claims.test', ...mail });
    } finally {
      transport.close();
    }
  };
  const storedMail = (messageId: string) =>
    until(
      async () =>
        (
          await queryRows<{ conversation_id: string; customer_id: string }>(
            server.database.url,
            `select m.conversation_id, c.customer_id from messages m join conversations c on c.id = m.conversation_id
             where m.idempotency_key = $1`,
            [`email:${emailInboxId}:${messageId}`],
          )
        )[0],
      `mail ${messageId} stored`,
    );
  const mailsTo = (address: string) => capture.mails.filter((mail) => mail.to.includes(address));
  const codeSentTo = (address: string) => {
    const raw = mailsTo(address)
      .at(-1)
      ?.raw.replace(/=\r?\n/g, '');
    return raw?.match(/\b(\d{6})\b/)?.[1];
  };
  const widgetPost = (path: string, token: string | undefined, body: unknown) =>
    fetch(`${server.url}/api/v1/widget/identity/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'x-visitor-token': token } : {}) },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
  const customer = async (id: string) => (await ws.clients.agent.get(api(`/customers/${id}`))).body;
  /** A visitor who typed `email` in the pre-chat form with their first message. */
  const claimant = async (email: string) => {
    const visitor = await startVisitor(server.url, widgetKey);
    const sent = await emitAck(visitor.socket, 'message:send', {
      clientMessageId: randomUUID(),
      text: '你好，我的订单怎么还没到？',
      preChat: { name: '张先生', email },
    });
    expect(sent.ok, JSON.stringify(sent.error)).toBe(true);
    return { ...visitor, conversationId: sent.data.conversation.id as string };
  };

  beforeAll(async () => {
    capture = await startSmtpCapture({ reject: /^unreachable@/ });
    server = await startTestServer({
      SMTP_URL: capture.url,
      SMTP_FROM: 'Huiliu <no-reply@claims.test>',
      PRESENCE_GRACE_SECONDS: '3600',
      EMAIL_POLL_SECONDS: '1',
      // Every request here comes from one IP: the per-IP budget is not what these tests are about.
      WIDGET_VERIFY_PER_MINUTE: '1000',
    });
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'claims');
    widgetKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
    smtpPort = await freePort();
    const created = await ws.clients.admin.post(api('/inboxes'), {
      kind: 'email',
      name: '客服邮箱',
      defaultTeamId: ws.teamId,
      settings: {
        smtp: {
          host: '127.0.0.1',
          port: Number(new URL(capture.url).port),
          security: 'none',
          fromName: '汇流客服',
          fromAddress: 'support@claims.test',
        },
        inboundSmtp: { enabled: true, port: smtpPort },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    emailInboxId = created.body.id;
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
  });

  describe('the attack: a visitor claims victim@example.com in the pre-chat form', () => {
    let attacker: Awaited<ReturnType<typeof claimant>>;
    let victim: { conversationId: string; customerId: string };

    beforeAll(async () => {
      attacker = await claimant('Victim@Example.com');
    });
    afterAll(() => attacker?.socket.close());

    it('keeps the typed address as an unverified claim on the visitor', async () => {
      const person = await customer(attacker.session.customerId);
      expect(person.identities).toContainEqual(
        expect.objectContaining({ kind: 'email', value: 'victim@example.com', verified: false, verifiedVia: null }),
      );
      const proven = await queryRows(server.database.url, `select 1 from customer_identities where kind = 'email' and value = $1`, [
        'victim@example.com',
      ]);
      expect(proven).toHaveLength(0);
    });

    it("the victim's mail starts a separate customer, proven by the mail itself; the visitor is not sent it", async () => {
      const sent = await sendMail({
        from: '李女士 <victim@example.com>',
        subject: '退款进度',
        text: '我的退款什么时候到账？订单号 8823。',
      });
      victim = await storedMail(sent.messageId.replace(/^<|>$/g, '')).then((row) => ({
        conversationId: row.conversation_id,
        customerId: row.customer_id,
      }));
      expect(victim.customerId).not.toBe(attacker.session.customerId);
      const person = await customer(victim.customerId);
      expect(person.identities).toContainEqual(
        expect.objectContaining({ kind: 'email', value: 'victim@example.com', verified: true, verifiedVia: 'channel' }),
      );
      // The exact identity look-up (what an integration uses) finds the victim, never the claimant.
      const found = await ws.clients.agent.get(api('/customers?identityKind=email&identityValue=victim@example.com'));
      expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([victim.customerId]);
    });

    it("an agent's reply goes to the victim by email and never to the visitor's widget", async () => {
      const reply = await ws.clients.agent.post(api(`/conversations/${victim.conversationId}/messages`), {
        text: '您好，退款将在 3 个工作日内到账。',
      });
      expect(reply.status).toBe(201);
      await until(async () => mailsTo('victim@example.com').some((mail) => /^In-Reply-To:/im.test(mail.raw)), 'reply mailed');
      // A reply in the visitor's own chat after that: once it arrives, anything sent earlier would have too.
      const own = await ws.clients.agent.post(api(`/conversations/${attacker.conversationId}/messages`), { text: '请问您的订单号是？' });
      await attacker.inbox.waitFor('message', (event) => event.message.id === own.body.id);
      const seen = attacker.inbox.events.filter((event) => event.payload?.conversationId === victim.conversationId);
      expect(seen).toEqual([]);
      expect(JSON.stringify(attacker.inbox.events)).not.toContain('8823');
      // …nor can the visitor read the victim's conversation by asking for it.
      const sync = await emitAck(attacker.socket, 'sync', { conversationId: victim.conversationId, afterSeq: 0 });
      expect(sync).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });

    it("a reply in the visitor's chat is not emailed to the claimed address", async () => {
      const inbox = await getInbox(server.ctx.db, ws.workspaceId, emailInboxId);
      const conversation = { id: randomUUID(), workspaceId: ws.workspaceId, customerId: attacker.session.customerId };
      // Where an email reply to the claimant would go, were there one: nowhere, the claim is no address.
      const { to } = await recipientsOf(server.ctx.db, conversation, storedEmailSettings(inbox.settings), { automatic: false });
      expect(to).toBeNull();
      const before = mailsTo('victim@example.com').length;
      attacker.socket.close();
      const reply = await ws.clients.agent.post(api(`/conversations/${attacker.conversationId}/messages`), {
        text: '您离开了，我们稍后回复。',
      });
      expect(reply.status).toBe(201);
      await until(
        async () =>
          (await queryRows<{ delivery: string }>(server.database.url, 'select delivery from messages where id = $1', [reply.body.id]))[0]
            ?.delivery === 'sent',
        'reply handled by the widget connector',
      );
      expect(mailsTo('victim@example.com')).toHaveLength(before);
    });

    it('the claimant cannot prove the address without the code sent to it', async () => {
      const asked = await widgetPost('code', attacker.session.visitorToken, { kind: 'email', value: 'victim@example.com' });
      expect(asked.status).toBe(202);
      const code = codeSentTo('victim@example.com')!;
      const wrong = code === '000000' ? '000001' : '000000';
      const guess = await widgetPost('verify', attacker.session.visitorToken, { kind: 'email', value: 'victim@example.com', code: wrong });
      expect(guess).toMatchObject({ status: 400, body: { error: { code: 'code_invalid', details: { attemptsLeft: 4 } } } });
      const person = await customer(attacker.session.customerId);
      expect(person.identities.find((identity: { kind: string }) => identity.kind === 'email')).toMatchObject({ verified: false });
    });

    it('the real owner, proving it with the mailed code, joins the customer of that address with its history', async () => {
      const owner = await startVisitor(server.url, widgetKey);
      await emitAck(owner.socket, 'message:send', {
        clientMessageId: randomUUID(),
        text: '我之前发过邮件',
        preChat: { email: 'victim@example.com' },
      });
      const asked = await widgetPost('code', owner.session.visitorToken, { kind: 'email', value: 'victim@example.com' });
      expect(asked.status).toBe(202);
      const code = codeSentTo('victim@example.com')!;
      expect(code).toMatch(/^\d{6}$/);
      // Stored as a keyed hash, never the code itself.
      const stored = await queryRows<{ code_hash: string }>(
        server.database.url,
        'select code_hash from identity_verification_codes where customer_id = $1',
        [owner.session.customerId],
      );
      expect(stored.map((row) => row.code_hash)).not.toContain(code);
      const closed = new Promise<string>((resolve) => owner.socket.once('disconnect', resolve));
      const verified = await widgetPost('verify', owner.session.visitorToken, { kind: 'email', value: 'victim@example.com', code });
      expect(verified).toMatchObject({ status: 200, body: { customerId: victim.customerId, merged: true } });
      // Open tabs are sent to reconnect: they come back as the merged customer.
      expect(await closed).toBe('io server disconnect');
      const again = await connectSocket(`${server.url}/widget`, { auth: { visitorToken: owner.session.visitorToken } });
      const history = await emitAck(again, 'history');
      expect(history.ok).toBe(true);
      const resumed = await fetch(`${server.url}/api/v1/widget/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inboxKey: widgetKey, visitorToken: owner.session.visitorToken }),
      }).then((response) => response.json() as Promise<{ customerId: string }>);
      expect(resumed.customerId).toBe(victim.customerId);
      again.close();
      // The code is spent.
      const reuse = await widgetPost('verify', owner.session.visitorToken, { kind: 'email', value: 'victim@example.com', code });
      expect(reuse).toMatchObject({ status: 400, body: { error: { code: 'no_code' } } });
      // The claimant is still not the victim.
      const attackerNow = await customer(attacker.session.customerId);
      expect(
        attackerNow.identities.some((identity: { verified: boolean; kind: string }) => identity.kind === 'email' && identity.verified),
      ).toBe(false);
    });
  });

  describe('one-time codes', () => {
    it('happy path: the code from the mail proves the address; later mail from it reaches this customer', async () => {
      const visitor = await claimant('new.customer@example.com');
      const asked = await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'New.Customer@example.com' });
      expect(asked).toMatchObject({ status: 202, body: { sentTo: 'new.customer@example.com', expiresAt: expect.any(String) } });
      const mail = mailsTo('new.customer@example.com').at(-1)!;
      expect(mail.raw).toContain('no-reply@claims.test');
      const code = codeSentTo('new.customer@example.com')!;
      const verified = await widgetPost('verify', visitor.session.visitorToken, { kind: 'email', value: 'new.customer@example.com', code });
      expect(verified).toMatchObject({ status: 200, body: { customerId: visitor.session.customerId, merged: false } });
      const person = await customer(visitor.session.customerId);
      const emails = person.identities.filter((identity: { kind: string }) => identity.kind === 'email');
      expect(emails).toEqual([expect.objectContaining({ value: 'new.customer@example.com', verified: true, verifiedVia: 'otp' })]);
      const sent = await sendMail({ from: 'new.customer@example.com', subject: '补充信息', text: '补充一下地址。' });
      const stored = await storedMail(sent.messageId.replace(/^<|>$/g, ''));
      expect(stored.customer_id).toBe(visitor.session.customerId);
      visitor.socket.close();
    });

    it('a wrong code is refused and counted; after five, even the right code is refused', async () => {
      const visitor = await claimant('guess@example.com');
      await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'guess@example.com' });
      const code = codeSentTo('guess@example.com')!;
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      // Twenty guesses at once: exactly five are checked.
      const guesses = await Promise.all(
        Array.from({ length: 20 }, () =>
          widgetPost('verify', visitor.session.visitorToken, { kind: 'email', value: 'guess@example.com', code: wrong }),
        ),
      );
      expect(guesses.filter((guess) => guess.status === 400 && guess.body.error?.code === 'code_invalid')).toHaveLength(5);
      expect(guesses.filter((guess) => guess.status === 429 && guess.body.error?.code === 'too_many_attempts')).toHaveLength(15);
      const right = await widgetPost('verify', visitor.session.visitorToken, { kind: 'email', value: 'guess@example.com', code });
      expect(right).toMatchObject({ status: 429, body: { error: { code: 'too_many_attempts' } } });
      const person = await customer(visitor.session.customerId);
      expect(person.identities.find((identity: { kind: string }) => identity.kind === 'email')).toMatchObject({ verified: false });
      visitor.socket.close();
    });

    it('an expired code is refused', async () => {
      const visitor = await claimant('late@example.com');
      await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'late@example.com' });
      const code = codeSentTo('late@example.com')!;
      // Ten minutes pass (moved in the database rather than waited for).
      await queryRows(
        server.database.url,
        `update identity_verification_codes set expires_at = now() - interval '1 second' where customer_id = $1`,
        [visitor.session.customerId],
      );
      const late = await widgetPost('verify', visitor.session.visitorToken, { kind: 'email', value: 'late@example.com', code });
      expect(late).toMatchObject({ status: 400, body: { error: { code: 'code_expired' } } });
      const person = await customer(visitor.session.customerId);
      expect(person.identities.find((identity: { kind: string }) => identity.kind === 'email')).toMatchObject({ verified: false });
      visitor.socket.close();
    });

    it('a newer code replaces the older one', async () => {
      const visitor = await claimant('twice@example.com');
      await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'twice@example.com' });
      const first = codeSentTo('twice@example.com')!;
      await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'twice@example.com' });
      const second = codeSentTo('twice@example.com')!;
      if (first !== second) {
        const old = await widgetPost('verify', visitor.session.visitorToken, { kind: 'email', value: 'twice@example.com', code: first });
        expect(old).toMatchObject({ status: 400, body: { error: { code: 'code_invalid' } } });
      }
      const ok = await widgetPost('verify', visitor.session.visitorToken, { kind: 'email', value: 'twice@example.com', code: second });
      expect(ok.status).toBe(200);
      visitor.socket.close();
    });

    it('asking too often is refused with 429 and sends nothing', async () => {
      const visitor = await claimant('often@example.com');
      for (let i = 0; i < 3; i += 1)
        expect((await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'often@example.com' })).status).toBe(202);
      const before = mailsTo('often@example.com').length;
      const fourth = await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'often@example.com' });
      expect(fourth).toMatchObject({ status: 429, body: { error: { code: 'too_many_codes' } } });
      expect(mailsTo('often@example.com')).toHaveLength(before);
      visitor.socket.close();
    });

    it('a code the mail server refuses is a 503 and leaves no code to guess', async () => {
      const visitor = await claimant('unreachable@example.com');
      const asked = await widgetPost('code', visitor.session.visitorToken, { kind: 'email', value: 'unreachable@example.com' });
      expect(asked).toMatchObject({ status: 503, body: { error: { code: 'verification_unavailable' } } });
      const open = await queryRows(
        server.database.url,
        'select 1 from identity_verification_codes where customer_id = $1 and consumed_at is null',
        [visitor.session.customerId],
      );
      expect(open).toHaveLength(0);
      visitor.socket.close();
    });

    it('bad input gets a clear 4xx and stores nothing', async () => {
      const visitor = await claimant('input@example.com');
      const token = visitor.session.visitorToken;
      const countCodes = async () =>
        Number((await queryRows<{ n: string }>(server.database.url, 'select count(*) as n from identity_verification_codes'))[0]!.n);
      const before = await countCodes();
      expect((await widgetPost('code', token, { kind: 'email', value: 'not an address' })).status).toBe(400);
      expect((await widgetPost('code', token, { kind: 'phone', value: '+8613800000000' })).status).toBe(400);
      expect((await widgetPost('code', token, { kind: 'email', value: 'a\u0000b@example.com' })).status).toBe(400);
      expect((await widgetPost('code', undefined, { kind: 'email', value: 'input@example.com' })).status).toBe(401);
      expect((await widgetPost('code', 'hv_not-a-real-token', { kind: 'email', value: 'input@example.com' })).status).toBe(401);
      expect((await widgetPost('verify', token, { kind: 'email', value: 'input@example.com', code: 'abc' })).status).toBe(400);
      expect((await widgetPost('verify', token, { kind: 'email', value: 'input@example.com', code: '1234567' })).status).toBe(400);
      expect(await widgetPost('verify', token, { kind: 'email', value: 'input@example.com', code: '123456' })).toMatchObject({
        status: 400,
        body: { error: { code: 'no_code' } },
      });
      expect(await countCodes()).toBe(before);
      visitor.socket.close();
    });
  });

  describe('other ways an identity is written', () => {
    it('a leave-a-message email is a claim too', async () => {
      const visitor = await startVisitor(server.url, widgetKey);
      const left = await emitAck(visitor.socket, 'offline:submit', {
        clientMessageId: randomUUID(),
        name: '王女士',
        email: 'offline-victim@example.com',
        phone: '+86 138 0013 8000',
        text: '请回电话',
      });
      expect(left.ok, JSON.stringify(left.error)).toBe(true);
      const person = await customer(visitor.session.customerId);
      expect(
        person.identities
          .filter((identity: { verified: boolean }) => !identity.verified)
          .map((identity: { value: string }) => identity.value)
          .sort(),
      ).toEqual(['+8613800138000', 'offline-victim@example.com']);
      const sent = await sendMail({ from: 'offline-victim@example.com', subject: '你好', text: '你好' });
      const stored = await storedMail(sent.messageId.replace(/^<|>$/g, ''));
      expect(stored.customer_id).not.toBe(visitor.session.customerId);
      visitor.socket.close();
    });

    it("an agent's entry is trusted for that customer, but never silently takes another customer's address", async () => {
      const visitor = await claimant('phone-caller@example.com');
      const id = visitor.session.customerId;
      const added = await ws.clients.agent.post(api(`/customers/${id}/identities`), { kind: 'email', value: 'Phone-Caller@example.com' });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      const emails = added.body.identities.filter((identity: { kind: string }) => identity.kind === 'email');
      // The agent confirmed the visitor's own claim: one identity, no claim left beside it.
      expect(emails).toEqual([expect.objectContaining({ value: 'phone-caller@example.com', verified: true, verifiedVia: 'agent' })]);
      const audit = await queryRows(
        server.database.url,
        `select 1 from audit_log where action = 'customer.identity_add' and target_id = $1`,
        [id],
      );
      expect(audit).toHaveLength(1);

      const other = await sendMail({ from: 'someone.else@example.com', subject: '咨询', text: '你好' });
      const owner = (await storedMail(other.messageId.replace(/^<|>$/g, ''))).customer_id;
      const before = await customer(id);
      const taken = await ws.clients.agent.post(api(`/customers/${id}/identities`), { kind: 'email', value: 'someone.else@example.com' });
      expect(taken).toMatchObject({ status: 409, body: { error: { code: 'identity_taken', details: { customerId: owner } } } });
      expect(await customer(id)).toEqual(before);
      expect((await customer(owner)).identities).toContainEqual(
        expect.objectContaining({ value: 'someone.else@example.com', verifiedVia: 'channel' }),
      );

      for (const body of [
        { kind: 'email', value: 'not-an-address' },
        { kind: 'wechat_openid', value: 'o123' },
        { kind: 'phone', value: 'call me' },
        { kind: 'email' },
      ])
        expect((await ws.clients.agent.post(api(`/customers/${id}/identities`), body)).status).toBe(400);
      expect(await customer(id)).toEqual(before);
      visitor.socket.close();
    });

    it("a host site's unsigned profile email is a claim, its signed user id an identity", async () => {
      const { signIdentity } = await import('../src/channels/widget/identity.js');
      const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
      const timestamp = Math.floor(Date.now() / 1000);
      const visitor = await startVisitor(server.url, widgetKey, {
        identity: {
          userId: 'member-claims-1',
          timestamp,
          signature: signIdentity(inbox.secret, 'member-claims-1', timestamp),
          email: 'profile@example.com',
        },
      });
      const person = await customer(visitor.session.customerId);
      expect(person.identities).toContainEqual(
        expect.objectContaining({ kind: 'external', value: 'member-claims-1', verified: true, verifiedVia: 'hmac' }),
      );
      expect(person.identities).toContainEqual(expect.objectContaining({ kind: 'email', value: 'profile@example.com', verified: false }));
      visitor.socket.close();
    });
  });
});
