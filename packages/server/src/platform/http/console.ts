import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../console/dist');

/** Paths the console's client-side routes never take: they belong to the API, the gateway and the server's own pages. */
const RESERVED = ['/api', '/socket.io', '/widget.js', '/demo', '/files', '/help', '/healthz', '/readyz', '/metrics', '/assets'];

const isReserved = (pathname: string) => RESERVED.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));

/**
 * The agent console: hashed assets under `/assets/` (cached for a year), and `index.html` for
 * every other GET that no server route claims, so client-side routes survive a reload. Reserved
 * prefixes keep the JSON 404. Without a build, `/` says how to make one.
 */
export async function registerConsole(app: FastifyInstance, dist = CONSOLE_DIST): Promise<void> {
  const assets = path.join(dist, 'assets');
  if (existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }

  // The console talks only to its own origin; antd writes its styles at run time.
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "connect-src 'self' ws: wss:",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');

  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (isReserved(pathname)) return reply.callNotFound();
    let html: Buffer;
    try {
      html = await readFile(path.join(dist, 'index.html'));
    } catch {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The console is not built yet: run `npm run build` (npm start does it), then reload.\n控制台尚未构建：请运行 `npm run build`（npm start 会自动构建）后刷新。\n',
        );
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', csp).send(html);
  });
}
