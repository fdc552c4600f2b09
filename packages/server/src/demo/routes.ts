import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { firstWidgetInbox } from '../modules/inboxes/service.js';
import { workspaces } from '../modules/workspaces/schema.js';
import { DEMO_SLUG } from './seed.js';
import { demoShopPage } from './shop-page.js';

const WIDGET_BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../widget/dist/widget.js');

/** `/widget.js` (the embeddable bundle) and `/demo`, a fake shop with the widget on it. */
export const demoRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.get('/widget.js', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
      try {
        const info = await stat(WIDGET_BUNDLE);
        reply
          .header('content-type', 'application/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .header('last-modified', info.mtime.toUTCString())
          // The bundle is loaded by other sites' pages.
          .header('cross-origin-resource-policy', 'cross-origin');
        return reply.send(await readFile(WIDGET_BUNDLE));
      } catch {
        return reply.code(503).type('text/plain').send('The widget is not built yet: run `npm run build` (npm start does it).');
      }
    });

    app.get('/demo', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
      const [demo] = await ctx.db.select().from(workspaces).where(eq(workspaces.slug, DEMO_SLUG));
      const inbox = demo ? await firstWidgetInbox(ctx.db, demo.id) : undefined;
      if (!inbox) {
        return reply.code(404).type('text/plain; charset=utf-8').send('No demo workspace here (HUILIU_DEMO=false). 演示工作区未启用。');
      }
      return reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:",
        )
        .send(demoShopPage(inbox.publicKey));
    });
  };
