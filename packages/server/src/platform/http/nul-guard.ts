import { findNul } from '@huiliu/contracts';
import type { FastifyInstance } from 'fastify';
import { nulRefused } from '../errors.js';

/**
 * One guard for every route, with or without a schema: path parameters, the query string and
 * the parsed body (JSON, or the raw text of an XML callback) are refused with a 400 when any
 * string or key in them holds a NUL. Registered before the routes so every route inherits it.
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found =
      findNul(request.params, 'params') ??
      findNul(request.query, 'querystring') ??
      (typeof request.body === 'object' || typeof request.body === 'string' ? findNul(request.body, 'body') : null);
    if (found) throw nulRefused(found);
  });
}
