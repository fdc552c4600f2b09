import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { knowledgeIndexes } from '../src/modules/knowledge/live-index.js';
import { recordUnanswered } from '../src/modules/knowledge/learning.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let empty: WorkspaceFixture;
const api = (fixture: WorkspaceFixture, path: string) => `/api/v1/workspaces/${fixture.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'assist');
  empty = await createWorkspaceFixture(server.ctx.db, server.url, 'empty');
  // The fixture adds one FAQ; the "empty" workspace loses it.
  await empty.clients.admin.delete(api(empty, `/knowledge/faqs/${empty.ids.kbFaq}`));
  await ws.clients.admin.post(api(ws, '/knowledge/faqs'), {
    question: '下单后多久发货？',
    similarQuestions: ['什么时候能发货', '订单还没发货', '付款了怎么还不发货'],
    answer: '16:00 前付款当天发货。',
  });
  await ws.clients.admin.post(api(ws, '/knowledge/faqs'), {
    question: '怎么开发票？',
    similarQuestions: ['电子发票在哪里下载', '公司报销需要发票'],
    answer: '在订单详情申请发票。',
  });
});
afterAll(() => server?.stop());

async function settled(fixture: WorkspaceFixture, question: string) {
  const indexes = knowledgeIndexes(server.ctx);
  for (let i = 0; i < 500; i++) {
    const knowledge = await indexes.get(fixture.workspaceId);
    if ([...knowledge.faqs.values()].some((faq) => faq.question === question)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`FAQ "${question}" never reached the index`);
}

describe('agent assist', () => {
  it("suggests the best FAQs for the customer's last message, and records the one used", async () => {
    await settled(ws, '下单后多久发货？');
    // The fixture's conversation opened with "你好，我的订单还没发货".
    const response = await ws.clients.agent.get(api(ws, `/conversations/${ws.ids.conversation}/suggestions`));
    expect(response.status).toBe(200);
    expect(response.body.query).toBe('你好，我的订单还没发货');
    expect(response.body.knowledgeBaseEmpty).toBe(false);
    expect(response.body.suggestions.length).toBeGreaterThan(0);
    expect(response.body.suggestions.length).toBeLessThanOrEqual(3);
    const best = response.body.suggestions[0];
    expect(best).toMatchObject({ question: '下单后多久发货？', answer: '16:00 前付款当天发货。' });

    const used = await ws.clients.agent.post(api(ws, `/conversations/${ws.ids.conversation}/suggestions/used`), {
      faqId: best.faqId,
      query: response.body.query,
    });
    expect(used.status).toBe(204);
    const metrics = await ws.clients.supervisor.get(api(ws, '/bot/metrics'));
    expect(metrics.body.suggestionsUsed).toBe(1);
    const foreign = await ws.clients.agent.post(api(ws, `/conversations/${ws.ids.conversation}/suggestions/used`), {
      faqId: empty.ids.kbCategory,
    });
    expect(foreign.status).toBe(404);
  });

  it('says so when the knowledge base is empty', async () => {
    const indexes = knowledgeIndexes(server.ctx);
    for (let i = 0; i < 500 && (await indexes.get(empty.workspaceId)).size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const response = await empty.clients.agent.get(api(empty, `/conversations/${empty.ids.conversation}/suggestions`));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ query: '你好，我的订单还没发货', suggestions: [], knowledgeBaseEmpty: true });
  });
});

describe('learning loop', () => {
  it('collects questions with counts by normalised text, and one click adds one to an FAQ or starts a new FAQ', async () => {
    const db = server.ctx.db;
    await recordUnanswered(db, ws.workspaceId, '发票能寄纸质的吗？', 'low_confidence');
    await recordUnanswered(db, ws.workspaceId, '发票能寄纸质的吗', 'unanswered');
    await recordUnanswered(db, ws.workspaceId, '发票能寄纸质的吗！', 'downvoted');
    await recordUnanswered(db, ws.workspaceId, '可以用数字人民币吗', 'unanswered');
    const list = await ws.clients.supervisor.get(api(ws, '/knowledge/unanswered'));
    expect(list.status).toBe(200);
    const paper = list.body.find((q: { normalized: string }) => q.normalized === '发票能寄纸质的吗');
    expect(paper).toMatchObject({ count: 3, reasons: { low_confidence: 1, unanswered: 1, downvoted: 1 }, status: 'open' });
    expect(list.body[0].id).toBe(paper.id); // most frequent first
    expect((await ws.clients.agent.get(api(ws, '/knowledge/unanswered'))).status).toBe(403);

    const invoice = (await ws.clients.admin.get(api(ws, '/knowledge/faqs?q=开发票'))).body.items[0];
    const added = await ws.clients.supervisor.post(api(ws, `/knowledge/unanswered/${paper.id}/add-to-faq`), { faqId: invoice.id });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ status: 'handled', faqId: invoice.id });
    const faq = await ws.clients.admin.get(api(ws, `/knowledge/faqs/${invoice.id}`));
    expect(faq.body.similarQuestions).toContain('发票能寄纸质的吗？');

    const digital = list.body.find((q: { normalized: string }) => q.normalized === '可以用数字人民币吗');
    const created = await ws.clients.supervisor.post(api(ws, `/knowledge/unanswered/${digital.id}/create-faq`), {
      answer: '支持数字人民币支付。',
    });
    expect(created.status).toBe(201);
    expect(created.body.faq).toMatchObject({ question: '可以用数字人民币吗', answer: '支持数字人民币支付。' });
    await settled(ws, '可以用数字人民币吗');
    const knowledge = await knowledgeIndexes(server.ctx).get(ws.workspaceId);
    expect(knowledge.search('能用数字人民币付款吗', 1)[0]?.faq.id).toBe(created.body.faq.id);
    const remaining = await ws.clients.supervisor.get(api(ws, '/knowledge/unanswered'));
    expect(remaining.body.map((q: { id: string }) => q.id)).not.toContain(digital.id);
    const handled = await ws.clients.supervisor.get(api(ws, '/knowledge/unanswered?status=handled'));
    expect(handled.body.map((q: { id: string }) => q.id).sort()).toEqual([paper.id, digital.id].sort());
  });

  it('the bot collects what it could not answer on its own', async () => {
    await ws.clients.admin.put(api(ws, `/inboxes/${ws.ids.inbox}/bot`), { enabled: true });
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const received = await receiveInbound(server.ctx.db, {
      inbox,
      identity: { kind: 'email', value: 'someone-new@example.test' },
      idempotencyKey: 'assist-learning-1',
      text: '你们支持火星配送吗',
    });
    expect(received.created).toBe(true);
    const list = await ws.clients.supervisor.get(api(ws, '/knowledge/unanswered'));
    expect(list.body.map((q: { text: string }) => q.text)).toContain('你们支持火星配送吗');
  });
});
