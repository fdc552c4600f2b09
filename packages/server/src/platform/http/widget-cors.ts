import type { FastifyInstance } from 'fastify';

/**
 * Paths a customer's page (any origin) calls or loads: the widget's HTTP API and the files it
 * shows (capability URLs: the access key in the path is the authorisation). `/widget.js` sets
 * its own resource policy. Nothing else — the console's routes authenticate with a cookie and
 * must never be readable from another site.
 */
const CROSS_ORIGIN_API = '/api/v1/widget/';
const CROSS_ORIGIN_FILES = '/files/';

/** What a widget request may send: JSON bodies and the visitor token; no cookies. */
const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = ['content-type', 'x-visitor-token'];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const pathOf = (url: string) => url.split('?')[0] ?? url;

/**
 * CORS for the widget's public routes. The widget authenticates with a visitor token it holds
 * itself (a header or the body), never a cookie, so any page may call these routes and no
 * credentials are allowed (no `Access-Control-Allow-Credentials`): a page that tried to send
 * cookies along would be refused by the browser. The Origin is reflected (with `Vary: Origin`)
 * rather than `*` so a per-inbox allow-list can narrow it here later.
 *
 * A hook rather than routes: preflights (`OPTIONS`) match no route and are answered before
 * routing, access control or the public budget; other methods get their headers and go on.
 */
export function registerWidgetCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url);
    if (path.startsWith(CROSS_ORIGIN_FILES)) {
      // Helmet's default (same-origin) would stop a customer's page from showing an image an agent sent.
      reply.header('cross-origin-resource-policy', 'cross-origin');
      return;
    }
    if (!path.startsWith(CROSS_ORIGIN_API)) return;
    const origin = request.headers.origin;
    if (!origin) return;
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    const requestedMethod = request.headers['access-control-request-method'];
    if (request.method !== 'OPTIONS' || !requestedMethod) return;
    const requestedHeaders = String(request.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    const refused = requestedHeaders.filter((name) => !ALLOWED_HEADERS.includes(name));
    if (!ALLOWED_METHODS.split(', ').includes(String(requestedMethod).toUpperCase()) || refused.length > 0) {
      // No allow headers: the browser refuses the request it asked about; say why to whoever reads it.
      reply.removeHeader('access-control-allow-origin');
      return reply
        .code(403)
        .send({ error: { code: 'cors_refused', message: `the widget API allows ${ALLOWED_METHODS} with ${ALLOWED_HEADERS.join(', ')}` } });
    }
    return reply
      .code(204)
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS.join(', '))
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
      .send();
  });
}
