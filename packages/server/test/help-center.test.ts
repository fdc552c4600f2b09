import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const kb = (path: string) => `/api/v1/workspaces/${ws.workspaceId}/knowledge${path}`;
const get = async (path: string) => {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', html: await response.text() };
};

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'help');
});
afterAll(() => server?.stop());

describe('help center', () => {
  it('lists categories with published public articles, renders Markdown, and hides drafts and internal articles', async () => {
    const category = await ws.clients.admin.post(kb('/categories'), { name: '配送说明' });
    const article = await ws.clients.admin.post(kb('/articles'), {
      title: '发货与配送说明',
      body: '## 发货时间\n\n现货商品 **16:00** 前付款当天发货。详见 [物流查询](https://shop.example/track)。',
      categoryId: category.body.id,
      status: 'published',
    });
    await ws.clients.admin.post(kb('/articles'), { title: '草稿：双十一预案', body: '内部', status: 'draft' });
    const internal = await ws.clients.admin.post(kb('/articles'), {
      title: '客服话术（内部）',
      body: '不要外传',
      status: 'published',
      visibility: 'internal',
    });

    const home = await get(`/help/${ws.slug}`);
    expect(home.status).toBe(200);
    expect(home.type).toContain('text/html');
    expect(home.html).toContain('<meta name="viewport"');
    expect(home.html).toContain('配送说明');
    expect(home.html).toContain(`/help/${ws.slug}/articles/${article.body.id}`);
    expect(home.html).not.toContain('双十一预案');
    expect(home.html).not.toContain('客服话术');

    const page = await get(`/help/${ws.slug}/articles/${article.body.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h2>发货时间</h2>');
    expect(page.html).toContain('<strong>16:00</strong>');
    expect(page.html).toContain('<a href="https://shop.example/track">物流查询</a>');
    expect((await get(`/help/${ws.slug}/articles/${internal.body.id}`)).status).toBe(404);
  });

  it('searches Chinese articles by word (segmented full text)', async () => {
    await ws.clients.admin.post(kb('/articles'), { title: '电子发票开具指南', body: '在订单详情申请发票。', status: 'published' });
    const found = await get(`/help/${ws.slug}?q=${encodeURIComponent('怎么开发票')}`);
    expect(found.status).toBe(200);
    expect(found.html).toContain('电子发票开具指南');
    expect(found.html).not.toContain('发货与配送说明');
    const none = await get(`/help/${ws.slug}?q=${encodeURIComponent('火星')}`);
    expect(none.html).toContain('没有找到相关文章');
  });

  it('finds the refund articles for 退款: the query is cut like the index, and an article matches by its category', async () => {
    // As in the demo: the 退货政策 article never says 退款, but it is filed under 退货退款.
    const category = await ws.clients.admin.post(kb('/categories'), { name: '退货退款' });
    const policy = await ws.clients.admin.post(kb('/articles'), {
      title: '退货政策',
      body: '## 七天无理由退货\n\n签收后 7 天内，商品完好即可申请无理由退货。',
      categoryId: category.body.id,
      status: 'published',
    });
    const found = await get(`/help/${ws.slug}?q=${encodeURIComponent('退款')}`);
    expect(found.html).toContain(`/help/${ws.slug}/articles/${policy.body.id}`);
    expect(found.html).not.toContain('没有找到相关文章');
    // …and from the widget's search too.
    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    const widget = await fetch(`${server.url}/api/v1/widget/articles?inboxKey=${inbox.body.publicKey}&q=${encodeURIComponent('怎么退款')}`);
    expect(((await widget.json()) as { articles: { title: string }[] }).articles.map((a) => a.title)).toContain('退货政策');
    // Not every article: one in another category without the word stays out.
    expect(found.html).not.toContain('发货与配送说明');
  });

  it('an article links back to the help center and to its category there', async () => {
    const category = await ws.clients.admin.post(kb('/categories'), { name: '会员积分' });
    const article = await ws.clients.admin.post(kb('/articles'), {
      title: '积分怎么用',
      body: '积分可抵现。',
      categoryId: category.body.id,
      status: 'published',
    });
    const page = await get(`/help/${ws.slug}/articles/${article.body.id}`);
    expect(page.html).toContain(`<a href="/help/${ws.slug}">帮助中心 Help center</a>`);
    expect(page.html).toContain(`<a href="/help/${ws.slug}#category-${category.body.id}">会员积分</a>`);
    expect(page.html).toContain('返回帮助中心');
    const home = await get(`/help/${ws.slug}`);
    expect(home.html).toContain(`id="category-${category.body.id}"`);
  });

  it('escapes everything: titles, bodies, category names and the search query', async () => {
    const category = await ws.clients.admin.post(kb('/categories'), { name: '<img src=x onerror=alert(1)>' });
    const article = await ws.clients.admin.post(kb('/articles'), {
      title: '<script>alert("title")</script>',
      body: '<script>alert("body")</script>\n\n[click](javascript:alert(1))\n\n<iframe src="https://evil.example"></iframe>',
      categoryId: category.body.id,
      status: 'published',
    });
    const home = await get(`/help/${ws.slug}`);
    const page = await get(`/help/${ws.slug}/articles/${article.body.id}`);
    const search = await get(`/help/${ws.slug}?q=${encodeURIComponent('"><script>alert("q")</script>')}`);
    for (const { html } of [home, page, search]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img src=x/i);
      expect(html).not.toMatch(/<iframe/i);
      expect(html).not.toMatch(/href="javascript/i);
    }
    expect(page.html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(search.html).toContain('&lt;script&gt;');
  });

  it("the widget searches the help center's public articles before a chat", async () => {
    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    const search = (q: string, key = inbox.body.publicKey) =>
      fetch(`${server.url}/api/v1/widget/articles?inboxKey=${encodeURIComponent(key)}&q=${encodeURIComponent(q)}`);
    const found = await search('发票怎么开');
    expect(found.status).toBe(200);
    const { articles } = (await found.json()) as { articles: { title: string; url: string }[] };
    expect(articles[0]).toMatchObject({ title: '电子发票开具指南' });
    expect(articles[0]!.url).toMatch(new RegExp(`^/help/${ws.slug}/articles/`));
    expect(articles.map((a) => a.title)).not.toContain('客服话术（内部）');
    expect((await search('发票', 'unknown-key-123')).status).toBe(404);
    expect((await search('')).status).toBe(400);
  });

  it('is a 404 for unknown workspaces and articles', async () => {
    expect((await get('/help/no-such-shop')).status).toBe(404);
    expect((await get('/help/..%2F..%2Fetc')).status).toBe(404);
    expect((await get(`/help/${ws.slug}/articles/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await get(`/help/${ws.slug}/articles/not-an-id`)).status).toBe(404);
    expect((await get(`/help/${ws.slug}/articles/${ws.ids.kbArticle}`)).status).toBe(404); // a draft
  });
});
