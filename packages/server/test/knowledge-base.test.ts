import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeIndexes } from '../src/modules/knowledge/live-index.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let database: TestDatabase;
let nodeA: TestServer;
let nodeB: TestServer;
let ws: WorkspaceFixture;
let api: string;

beforeAll(async () => {
  database = await createTestDatabase();
  nodeA = await startTestServer({}, database);
  nodeB = await startTestServer({}, database);
  ws = await createWorkspaceFixture(nodeA.ctx.db, nodeA.url);
  api = `/api/v1/workspaces/${ws.workspaceId}/knowledge`;
});
afterAll(async () => {
  await nodeA?.stop();
  await nodeB?.stop();
  await database?.drop();
});

/** Polls until `check` holds (an edit travels by NOTIFY); fails after a generous wait. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('knowledge base API', () => {
  it('creates categories, articles and FAQs; agents read, only admins and supervisors manage', async () => {
    const category = await ws.clients.supervisor.post(`${api}/categories`, { name: '售后' });
    expect(category.status).toBe(201);
    const refused = await ws.clients.agent.post(`${api}/faqs`, { question: '怎么退货', answer: '七天无理由' });
    expect(refused.status).toBe(403);
    const faq = await ws.clients.admin.post(`${api}/faqs`, {
      question: '怎么申请退货？',
      similarQuestions: ['我想退货', '退货流程是什么', '我想退货'],
      answer: '在 **我的订单** 里点 [申请退货](https://shop.example/returns)。',
      categoryId: category.body.id,
    });
    expect(faq.status).toBe(201);
    expect(faq.body.similarQuestions).toEqual(['我想退货', '退货流程是什么']);
    const duplicate = await ws.clients.admin.post(`${api}/faqs`, { question: '怎么申请退货？', answer: 'x' });
    expect(duplicate.status).toBe(409);
    const badWindow = await ws.clients.admin.post(`${api}/faqs`, {
      question: '双十一活动',
      answer: 'x',
      validFrom: '2026-11-12T00:00:00Z',
      validTo: '2026-11-11T00:00:00Z',
    });
    expect(badWindow.status).toBe(400);
    const list = await ws.clients.agent.get(`${api}/faqs?q=退货流程`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([faq.body.id]);

    const article = await ws.clients.admin.post(`${api}/articles`, {
      title: '退货政策',
      body: '# 七天无理由退货',
      categoryId: category.body.id,
    });
    expect(article.status).toBe(201);
    expect(article.body.status).toBe('draft');
    const published = await ws.clients.admin.patch(`${api}/articles/${article.body.id}`, { status: 'published' });
    expect(published.body.status).toBe('published');
    const listed = (await ws.clients.agent.get(`${api}/articles?status=published`)).body.items;
    expect(listed.map((item: { id: string }) => item.id)).toEqual([article.body.id]);
  });

  it('imports a 1,000-row CSV with 10 bad rows: 990 kept, the 10 reported with row and reason', async () => {
    const lines = ['标准问,相似问,答案,分类'];
    const bad = new Map<number, string>();
    for (let i = 0; i < 1000; i++) {
      const row = i + 2; // the header is row 1, as a spreadsheet shows it
      if (i % 200 === 7) {
        lines.push(`,问法${i},答案${i},批量`);
        bad.set(row, '标准问 (question) is empty');
      } else if (i % 200 === 42) {
        lines.push(`批量问题${i},问法${i}|另一种问法${i},,批量`);
        bad.set(row, '答案 (answer) is empty');
      } else {
        lines.push(`批量问题${i},"问法${i}|另一种问法${i}","答案${i}，含逗号",批量`);
      }
    }
    const response = await ws.clients.admin.post(`${api}/faqs/import`, { format: 'csv', content: lines.join('\n') });
    expect(response.status).toBe(200);
    expect(response.body.created).toBe(990);
    expect(response.body.updated).toBe(0);
    expect(response.body.errors).toEqual([...bad].map(([row, reason]) => ({ row, reason })));
    const categories = await ws.clients.admin.get(`${api}/categories`);
    expect(categories.body.map((c: { name: string }) => c.name)).toContain('批量');
    const one = await ws.clients.admin.get(`${api}/faqs?q=批量问题5&limit=200`);
    const faq = one.body.items.find((item: { question: string }) => item.question === '批量问题5');
    expect(faq.similarQuestions).toEqual(['问法5', '另一种问法5']);
    expect(faq.answer).toBe('答案5，含逗号');
  });

  it('reads one similar question per row, English headers, and JSON; export round-trips', async () => {
    const csv = [
      'question,similar,answer,category',
      '发票怎么开,开发票,在订单详情申请电子发票,发票',
      '发票怎么开,能开专票吗,,',
      '发票怎么开,发票抬头写错了,,',
    ].join('\r\n');
    const imported = await ws.clients.admin.post(`${api}/faqs/import`, { format: 'csv', content: csv });
    expect(imported.body).toEqual({ created: 1, updated: 0, errors: [] });
    const json = JSON.stringify([
      { 标准问: '优惠券怎么用', 相似问: '优惠券|券怎么用', 答案: '结算时自动抵扣', 分类: '优惠' },
      { question: '发票怎么开', similarQuestions: ['要发票'], answer: '在订单详情申请电子发票' },
      'not an object',
    ]);
    const fromJson = await ws.clients.admin.post(`${api}/faqs/import`, { format: 'json', content: json });
    expect(fromJson.body).toEqual({ created: 1, updated: 1, errors: [{ row: 3, reason: 'not an object' }] });
    const exported = await ws.clients.agent.get(`${api}/faqs/export?format=json`);
    const invoice = exported.body.find((item: { question: string }) => item.question === '发票怎么开');
    expect(invoice).toMatchObject({ similarQuestions: ['开发票', '能开专票吗', '发票抬头写错了', '要发票'], category: '发票' });
    const asCsv = await ws.clients.agent.get(`${api}/faqs/export?format=csv`);
    expect(asCsv.headers.get('content-type')).toContain('text/csv');
    expect(String(asCsv.body)).toContain('发票怎么开,开发票|能开专票吗|发票抬头写错了|要发票,在订单详情申请电子发票,发票');
    const broken = await ws.clients.admin.post(`${api}/faqs/import`, { format: 'csv', content: 'foo,bar\n1,2' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toContain('标准问');
  });
});

describe('live FAQ index on every node', () => {
  // A workspace of its own: the one above holds the 1,000-row import, slow to train on a busy machine.
  beforeAll(async () => {
    ws = await createWorkspaceFixture(nodeA.ctx.db, nodeA.url, 'live');
    api = `/api/v1/workspaces/${ws.workspaceId}/knowledge`;
  });

  it('reflects a create, an edit and a delete on both nodes, and keeps a brand term whole', async () => {
    const [a, b] = [knowledgeIndexes(nodeA.ctx), knowledgeIndexes(nodeB.ctx)];
    const [onA] = [await a.get(ws.workspaceId), await b.get(ws.workspaceId)];
    expect(onA.segment('我的汇流星云耳机坏了')).not.toContain('汇流星云耳机');

    const created = await ws.clients.admin.post(`${api}/faqs`, {
      question: '汇流星云耳机怎么配对',
      similarQuestions: ['汇流星云耳机连不上蓝牙', '耳机配对失败'],
      answer: '长按耳机盒按钮三秒。',
      terms: ['汇流星云耳机'],
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const node of [a, b]) {
      await eventually(
        async () => (await node.get(ws.workspaceId)).search('汇流星云耳机连不上', 1)[0]?.faq.id === id,
        'the new FAQ is found',
      );
    }
    const knowledge = await b.get(ws.workspaceId);
    expect(knowledge.segment('我的汇流星云耳机坏了')).toContain('汇流星云耳机');

    await ws.clients.admin.patch(`${api}/faqs/${id}`, { answer: '打开耳机盒，长按按钮五秒。' });
    for (const node of [a, b]) {
      await eventually(
        async () => (await node.get(ws.workspaceId)).faqs.get(id)?.answer === '打开耳机盒，长按按钮五秒。',
        'the edit is seen',
      );
    }
    await ws.clients.admin.patch(`${api}/faqs/${id}`, { enabled: false });
    for (const node of [a, b]) {
      await eventually(async () => !(await node.get(ws.workspaceId)).faqs.has(id), 'a disabled FAQ leaves the index');
    }
    await ws.clients.admin.patch(`${api}/faqs/${id}`, { enabled: true });
    await eventually(async () => (await a.get(ws.workspaceId)).faqs.has(id), 'enabled again');
    expect((await ws.clients.admin.delete(`${api}/faqs/${id}`)).status).toBe(204);
    for (const node of [a, b]) {
      await eventually(async () => !(await node.get(ws.workspaceId)).faqs.has(id), 'the delete is seen');
      expect((await node.get(ws.workspaceId)).search('汇流星云耳机连不上', 3).map((hit) => hit.faq.id)).not.toContain(id);
    }
  });

  it('does not answer with an FAQ outside its validity window', async () => {
    const created = await ws.clients.admin.post(`${api}/faqs`, {
      question: '双十二活动什么时候开始',
      similarQuestions: ['双十二有什么优惠'],
      answer: '12 月 12 日零点开始。',
      validFrom: '2099-12-01T00:00:00+08:00',
    });
    const knowledge = knowledgeIndexes(nodeA.ctx);
    await eventually(async () => (await knowledge.get(ws.workspaceId)).faqs.has(created.body.id), 'indexed');
    const hits = (await knowledge.get(ws.workspaceId)).search('双十二活动什么时候开始', 5);
    expect(hits.map((hit) => hit.faq.id)).not.toContain(created.body.id);
    const later = (await knowledge.get(ws.workspaceId)).search('双十二活动什么时候开始', 5, new Date('2099-12-05T00:00:00Z'));
    expect(later[0]?.faq.id).toBe(created.body.id);
  });
});
