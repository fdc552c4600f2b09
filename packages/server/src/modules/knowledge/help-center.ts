import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import MarkdownIt from 'markdown-it';
import type { AppContext } from '../../platform/context.js';
import { workspaces } from '../workspaces/schema.js';
import { kbArticles, kbCategories } from './schema.js';
import { searchArticles, type ArticleRow, type CategoryRow } from './service.js';

/**
 * The public help center (帮助中心): server-rendered, mobile-friendly pages at `/help/<slug>` with
 * the workspace's categories, its published public articles, and search. Every value is escaped;
 * article Markdown is rendered with raw HTML disabled and only safe link schemes.
 */

// html: false escapes any markup written in an article; linkify off keeps text as written.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Microsoft YaHei", "Helvetica Neue", sans-serif; color: #1f2329; background: #f5f6f7; line-height: 1.6; }
  header { background: #1677ff; color: #fff; padding: 20px 16px; }
  header a { color: #fff; text-decoration: none; }
  header h1 { margin: 0 0 12px; font-size: 22px; }
  form { display: flex; gap: 8px; max-width: 720px; }
  input[type=search] { flex: 1; min-width: 0; padding: 10px 12px; border: 0; border-radius: 6px; font-size: 16px; }
  button { padding: 10px 16px; border: 0; border-radius: 6px; background: #0e42d2; color: #fff; font-size: 16px; }
  main { max-width: 760px; margin: 0 auto; padding: 16px; }
  section, article { background: #fff; border-radius: 8px; padding: 16px; margin-bottom: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  h2 { font-size: 18px; margin: 0 0 8px; }
  ul { padding-left: 20px; margin: 0; }
  li { margin: 6px 0; }
  a { color: #1677ff; }
  img { max-width: 100%; height: auto; }
  .muted { color: #86909c; font-size: 14px; }
  .breadcrumb { font-size: 14px; margin: 0 0 12px; color: #4e5969; }
  .request-link { display: inline-block; margin-top: 10px; font-size: 14px; }
  form.request-form { flex-direction: column; max-width: none; gap: 4px; }
  .request-form label { font-weight: 600; margin-top: 8px; }
  .request-form input, .request-form textarea { padding: 8px 10px; border: 1px solid #c9cdd4; border-radius: 6px; font-size: 16px; font-family: inherit; }
  .request-form button { margin-top: 12px; align-self: flex-start; }
  .request-form .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
  .errors { color: #cb2634; }
  .request-link + .request-link { margin-left: 16px; }
  .entry-customer { background: #f0f5ff; }
  .status { font-size: 13px; padding: 1px 8px; border-radius: 10px; background: #e8f3ff; color: #0e42d2; }
  form.inline { display: inline; }
`;

export function page(title: string, workspace: { name: string; slug: string }, body: string, query = ''): string {
  const home = `/help/${encodeURIComponent(workspace.slug)}`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1><a href="${home}">${escapeHtml(workspace.name)} · 帮助中心</a></h1>
  <form method="get" action="${home}" role="search">
    <input type="search" name="q" value="${escapeHtml(query)}" placeholder="搜索问题 / Search" aria-label="搜索 Search" maxlength="200">
    <button type="submit">搜索</button>
  </form>
  <a class="request-link" href="${home}/requests/new">提交工单 Submit a request</a>
  <a class="request-link" href="${home}/portal">我的工单 My tickets</a>
</header>
<main>
${body}
</main>
</body>
</html>`;
}

export function notFoundPage(reply: FastifyReply, what: string) {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>404</title></head><body><h1>404</h1><p>${escapeHtml(what)}</p></body></html>`,
    );
}

const articleLink = (slug: string, row: Pick<ArticleRow, 'id' | 'title'>) =>
  `<li><a href="/help/${encodeURIComponent(slug)}/articles/${row.id}">${escapeHtml(row.title)}</a></li>`;

const publicArticle = and(eq(kbArticles.status, 'published'), eq(kbArticles.visibility, 'public'));

function send(reply: FastifyReply, html: string) {
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'public, max-age=60')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src https: data: 'self'; form-action 'self'; base-uri 'none'",
    )
    .send(html);
}

export const helpCenterRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const workspaceBySlug = async (slug: string) => {
      if (!SLUG.test(slug)) return undefined;
      const [row] = await ctx.db
        .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug })
        .from(workspaces)
        .where(eq(workspaces.slug, slug));
      return row;
    };

    app.get<{ Params: { slug: string }; Querystring: { q?: unknown } }>(
      '/help/:slug',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, '没有这个帮助中心 / No such help center');
        const query = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : '';
        if (query) {
          const found = await searchArticles(ctx.db, workspace.id, query, publicArticle);
          const list = found.length
            ? `<ul>${found.map((row) => articleLink(workspace.slug, row)).join('')}</ul>`
            : `<p class="muted">没有找到相关文章，换个说法试试，或联系在线客服。No articles found.</p>`;
          return send(
            reply,
            page(
              `搜索：${query} · ${workspace.name}`,
              workspace,
              `<section><h2>“${escapeHtml(query)}” 的搜索结果</h2>${list}</section>`,
              query,
            ),
          );
        }
        const [categories, articles] = await Promise.all([
          ctx.db
            .select()
            .from(kbCategories)
            .where(eq(kbCategories.workspaceId, workspace.id))
            .orderBy(asc(kbCategories.position), asc(kbCategories.name)),
          ctx.db
            .select({ id: kbArticles.id, title: kbArticles.title, categoryId: kbArticles.categoryId })
            .from(kbArticles)
            .where(and(eq(kbArticles.workspaceId, workspace.id), publicArticle))
            .orderBy(asc(kbArticles.title)),
        ]);
        const sections = [...categories, { id: null, name: '其他 Other' } as Pick<CategoryRow, 'name'> & { id: string | null }]
          .map((category) => {
            const inCategory = articles.filter((row) => row.categoryId === category.id);
            if (inCategory.length === 0) return '';
            const anchor = category.id ? ` id="category-${category.id}"` : '';
            return `<section${anchor}><h2>${escapeHtml(category.name)}</h2><ul>${inCategory.map((row) => articleLink(workspace.slug, row)).join('')}</ul></section>`;
          })
          .join('');
        return send(
          reply,
          page(`${workspace.name} · 帮助中心`, workspace, sections || '<p class="muted">还没有文章。No articles yet.</p>'),
        );
      },
    );

    app.get<{ Params: { slug: string; id: string } }>(
      '/help/:slug/articles/:id',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace || !UUID.test(request.params.id)) return notFoundPage(reply, '没有这篇文章 / No such article');
        const [article] = await ctx.db
          .select()
          .from(kbArticles)
          .where(and(eq(kbArticles.workspaceId, workspace.id), eq(kbArticles.id, request.params.id), publicArticle));
        if (!article) return notFoundPage(reply, '没有这篇文章 / No such article');
        const [category] = article.categoryId
          ? await ctx.db
              .select({ id: kbCategories.id, name: kbCategories.name })
              .from(kbCategories)
              .where(eq(kbCategories.id, article.categoryId))
          : [];
        const home = `/help/${encodeURIComponent(workspace.slug)}`;
        // The way back: to the help center, and to the article's category on it.
        const breadcrumb = `<nav aria-label="面包屑 Breadcrumb" class="breadcrumb"><a href="${home}">帮助中心 Help center</a>${
          category ? ` › <a href="${home}#category-${category.id}">${escapeHtml(category.name)}</a>` : ''
        } › <span aria-current="page">${escapeHtml(article.title)}</span></nav>`;
        const updated = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium' }).format(article.updatedAt);
        return send(
          reply,
          page(
            `${article.title} · ${workspace.name}`,
            workspace,
            `${breadcrumb}<article><p class="muted">${category ? `${escapeHtml(category.name)} · ` : ''}更新于 ${escapeHtml(updated)}</p><h2>${escapeHtml(article.title)}</h2>${markdown.render(article.body)}<p><a href="${home}">← 返回帮助中心 Back to the help center</a></p></article>`,
          ),
        );
      },
    );
  };

/** Published public articles matching a query, for the widget's search before a chat. */
export async function searchPublicArticles(ctx: Pick<AppContext, 'db'>, workspaceId: string, query: string, limit = 5) {
  const rows = await searchArticles(ctx.db, workspaceId, query, publicArticle, limit);
  return rows.map((row) => ({ id: row.id, title: row.title }));
}
