import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDGET_PAGE_SIZE } from '@huiliu/contracts';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { EventBudget, TokenBuckets } from '../src/platform/event-budget.js';
import type { Socket } from 'socket.io-client';
import { connectSocket, emitAck } from './support/chat.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Far more than any budget's burst: without one, every one of these is answered. */
const FLOOD = 300;
const FLOODER_IP = '203.0.113.7';
/** PUBLIC_REQUESTS_PER_IP_PER_SECOND for this server: a burst of twice that, refilled at that rate. */
const PER_IP = 20;
const OTHER_IP = '198.51.100.2';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;

beforeAll(async () => {
  // Forwarded addresses tell the flooder from the other visitor, both on 127.0.0.1 here.
  server = await startTestServer({
    TRUST_PROXY: 'true',
    WIDGET_SESSIONS_PER_MINUTE: '1000',
    PUBLIC_REQUESTS_PER_IP_PER_SECOND: String(PER_IP),
  });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
  inboxKey = (await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`)).body.publicKey;
});
afterAll(async () => server?.stop());

/** A visitor as the widget makes one, from the given (forwarded) address. */
async function visitorFrom(ip: string) {
  const response = await fetch(`${server.url}/api/v1/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ inboxKey, context: { pageUrl: 'https://shop.example/', language: 'zh-CN' } }),
  });
  expect(response.status).toBe(200);
  const session = (await response.json()) as { visitorToken: string; customerId: string };
  const socket = await connectSocket(`${server.url}/widget`, {
    auth: { visitorToken: session.visitorToken },
    extraHeaders: { 'x-forwarded-for': ip },
  });
  return { session, socket };
}

type Answer = Awaited<ReturnType<typeof emitAck>>;
const refused = (answers: Answer[]) => answers.filter((answer) => answer.error?.code === 'rate_limited');
/** A flooder that keeps on is dropped: what was still in flight is never answered. */
const unanswered = { ok: false, error: { code: 'disconnected', message: 'no answer' } };
const floodAck = (socket: Socket, event: string, payload: unknown): Promise<Answer> =>
  (payload === undefined ? socket.timeout(5_000).emitWithAck(event) : socket.timeout(5_000).emitWithAck(event, payload)).catch(
    () => unanswered,
  );

describe('a visitor flooding the widget socket', () => {
  let other: Awaited<ReturnType<typeof visitorFrom>>;
  let otherConversation: string;

  beforeAll(async () => {
    other = await visitorFrom(OTHER_IP);
    const sent = await emitAck(other.socket, 'message:send', { clientMessageId: randomUUID(), text: '你好，我的快递到哪了' });
    expect(sent.ok).toBe(true);
    otherConversation = sent.data.conversation.id;
  });
  afterAll(() => other?.socket.close());

  const kinds: [string, (conversationId: string) => unknown][] = [
    ['history', () => undefined],
    ['sync', (conversationId) => ({ conversationId, afterSeq: 0 })],
    ['read', (conversationId) => ({ conversationId, upToSeq: 1 })],
    ['typing', () => ({ typing: true })],
    ['csat:submit', () => ({ conversationId: randomUUID(), rating: 5 })],
    ['conversation:end', () => ({ conversationId: randomUUID() })],
    ['message:send', () => ({ clientMessageId: randomUUID(), text: '刷屏' })],
    ['offline:submit', () => ({ clientMessageId: randomUUID(), text: '留言刷屏', email: 'flood@example.test' })],
  ];

  for (const [event, payload] of kinds) {
    it(`refuses a flood of ${event} with rate_limited and keeps serving the other visitor`, async () => {
      const flooder = await visitorFrom(FLOODER_IP);
      try {
        const first = await emitAck(flooder.socket, 'message:send', { clientMessageId: randomUUID(), text: '在吗' });
        const conversationId = first.data.conversation.id as string;
        const messagesBefore = await countMessages(flooder.session.customerId);

        const payloads = Array.from({ length: FLOOD }, () => payload(conversationId));
        const flood = Promise.all(payloads.map((body) => floodAck(flooder.socket, event, body)));
        // Meanwhile the other visitor's reads and messages are answered, not refused.
        const served = await Promise.all([
          emitAck(other.socket, 'history'),
          emitAck(other.socket, 'sync', { conversationId: otherConversation, afterSeq: 0 }),
          emitAck(other.socket, 'typing', { typing: false }),
        ]);
        const answers = await flood;

        for (const answer of served) expect(answer.ok, JSON.stringify(answer)).toBe(true);
        const rateLimited = refused(answers);
        // The burst is answered, the rest refused at once with how long to wait, and one who keeps on is dropped.
        expect(rateLimited.length).toBeGreaterThan(0);
        expect(
          answers.filter((answer) => answer.ok || (answer.error?.code !== 'rate_limited' && answer.error?.code !== 'disconnected')).length,
        ).toBeLessThan(FLOOD / 3);
        expect(flooder.socket.connected).toBe(false);
        for (const answer of rateLimited) expect((answer.error as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
        // Nothing refused was stored (one accepted may have lost its ack when the flooder was dropped).
        const refusedIds = payloads
          .filter((_, index) => answers[index]!.error?.code === 'rate_limited')
          .map((body) => (body as { clientMessageId?: string } | undefined)?.clientMessageId)
          .filter((id): id is string => Boolean(id));
        if (event === 'message:send' || event === 'offline:submit') expect(refusedIds.length).toBeGreaterThan(0);
        const storedRefused = await queryRows(server.database.url, 'SELECT 1 FROM messages WHERE client_message_id = ANY($1)', [
          refusedIds,
        ]);
        expect(storedRefused).toEqual([]);
        expect(await countMessages(flooder.session.customerId)).toBeLessThanOrEqual(messagesBefore + FLOOD - rateLimited.length);
      } finally {
        flooder.socket.close();
      }
    });
  }

  it('counts all tabs of one visitor together, and the other visitor is not in their budget', async () => {
    const flooder = await visitorFrom(FLOODER_IP);
    const token = (flooder.socket as unknown as { auth: { visitorToken: string } }).auth.visitorToken;
    const tabs = await Promise.all(
      [1, 2, 3].map(() =>
        connectSocket(`${server.url}/widget`, { auth: { visitorToken: token }, extraHeaders: { 'x-forwarded-for': FLOODER_IP } }),
      ),
    );
    try {
      // Each tab alone stays under a connection's burst; together they are over the visitor's.
      const answers = (
        await Promise.all(tabs.map((tab) => Promise.all(Array.from({ length: 35 }, () => emitAck(tab, 'typing', { typing: true })))))
      ).flat();
      expect(refused(answers).length).toBeGreaterThan(0);
      expect((await emitAck(other.socket, 'typing', { typing: false })).ok).toBe(true);
    } finally {
      for (const tab of tabs) tab.close();
      flooder.socket.close();
    }
  });

  it('an agent socket flooding sync is refused too', async () => {
    const socket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: ws.clients.agent.cookie ?? '' } });
    try {
      const answers = await Promise.all(
        Array.from({ length: FLOOD }, () => floodAck(socket, 'sync', { conversationId: ws.ids.conversation, afterSeq: 0 })),
      );
      expect(refused(answers).length).toBeGreaterThan(0);
      expect(answers.filter((answer) => answer.ok).length).toBeLessThan(FLOOD / 3);
    } finally {
      socket.close();
    }
  });
});

async function countMessages(customerId: string): Promise<number> {
  const rows = await queryRows<{ count: string }>(
    server.database.url,
    `SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = $1 AND m.kind = 'in'`,
    [customerId],
  );
  return Number(rows[0]!.count);
}

describe('widget history in pages', () => {
  it('answers a long conversation a bounded page at a time, with a cursor that reaches every message once', async () => {
    const visitor = await visitorFrom(OTHER_IP);
    try {
      const first = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '第 1 条' });
      const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
      const visitorId = (
        await queryRows<{ visitor_id: string }>(server.database.url, 'SELECT visitor_id FROM widget_visitors WHERE customer_id = $1', [
          visitor.session.customerId,
        ])
      )[0]!.visitor_id;
      const total = WIDGET_PAGE_SIZE * 2 + 50;
      for (let n = 2; n <= total; n++) {
        await receiveInbound(server.ctx.db, {
          inbox,
          identity: { kind: 'visitor', value: visitorId },
          customerId: visitor.session.customerId,
          idempotencyKey: `flood-page-${visitor.session.customerId}-${n}`,
          text: `第 ${n} 条`,
        });
      }

      const history = await emitAck(visitor.socket, 'history');
      expect(history.ok).toBe(true);
      expect(history.data.conversation.id).toBe(first.data.conversation.id);
      expect(history.data.messages.length).toBeLessThanOrEqual(WIDGET_PAGE_SIZE);
      const texts: string[] = history.data.messages.filter((m: any) => m.kind === 'in').map((m: any) => m.text);
      let cursor: number | null = history.data.nextAfterSeq;
      let pages = 1;
      while (cursor !== null) {
        const page = await emitAck(visitor.socket, 'sync', { conversationId: first.data.conversation.id, afterSeq: cursor });
        expect(page.ok).toBe(true);
        expect(page.data.messages.length).toBeLessThanOrEqual(WIDGET_PAGE_SIZE);
        texts.push(...page.data.messages.filter((m: any) => m.kind === 'in').map((m: any) => m.text));
        cursor = page.data.nextAfterSeq;
        pages++;
      }
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(texts).toEqual(Array.from({ length: total }, (_, i) => `第 ${i + 1} 条`));
    } finally {
      visitor.socket.close();
    }
  });
});

describe('public HTTP routes under a flood', () => {
  it('answers 429 with Retry-After to the flooding address, and still serves another', async () => {
    const slug = ws.slug;
    const started = performance.now();
    const flood = await Promise.all(
      Array.from({ length: FLOOD }, () => fetch(`${server.url}/help/${slug}`, { headers: { 'x-forwarded-for': FLOODER_IP } })),
    );
    const limited = flood.filter((response) => response.status === 429);
    // The address may spend its burst plus the refill over however long the flood took (a busy
    // machine takes longer, and refills more): every answer beyond that must be a 429.
    const seconds = (performance.now() - started) / 1000;
    const allowed = Math.ceil(PER_IP * 2 + PER_IP * seconds) + 1;
    expect(limited.length).toBeGreaterThan(0);
    expect(FLOOD - limited.length).toBeLessThanOrEqual(allowed);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited[0]!.json()) as any).error.code).toBe('rate_limited');
    const other = await fetch(`${server.url}/help/${slug}`, { headers: { 'x-forwarded-for': OTHER_IP } });
    expect(other.status).not.toBe(429);

    const widget = await Promise.all(
      Array.from({ length: FLOOD }, () =>
        fetch(`${server.url}/api/v1/widget/config?inboxKey=${inboxKey}`, { headers: { 'x-forwarded-for': '192.0.2.55' } }),
      ),
    );
    expect(widget.filter((response) => response.status === 429).length).toBeGreaterThan(0);
  });
});

describe('the event budget', () => {
  const rule = { burst: 4, perSecond: 1 };
  it('spends from every scope or from none, so a refused caller leaves the shared ones to others', () => {
    let now = 0;
    const budget = new EventBudget(
      't',
      { connection: rule, principal: rule, ip: { burst: 6, perSecond: 1 }, workspace: rule },
      new TokenBuckets(() => now),
    );
    const a = { principal: 'a', ip: 'x' };
    const b = { principal: 'b', ip: 'x' };
    for (let i = 0; i < 4; i++) expect(budget.spend(a)).toBeUndefined();
    // a is out, and told to come back when a token has refilled; a's refusals cost the shared IP nothing.
    for (let i = 0; i < 100; i++) expect(budget.spend(a)).toEqual({ error: 'rate_limited', retryAfterMs: 1000 });
    expect(budget.spend(b)).toBeUndefined();
    expect(budget.spend(b)).toBeUndefined();
    // Now the IP is out for everybody on it, not for another address.
    expect(budget.spend({ principal: 'c', ip: 'x' })?.error).toBe('rate_limited');
    expect(budget.spend({ principal: 'c', ip: 'y' })).toBeUndefined();
    now += 1000;
    expect(budget.spend(a)).toBeUndefined();
    expect(budget.spend(a)?.error).toBe('rate_limited');
  });
});
