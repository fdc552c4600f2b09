import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EventBudget, type BudgetScopes } from '../event-budget.js';

/** A family of public routes and how its callers are counted. */
interface PublicGroup {
  name: string;
  /** Route URL prefixes (as registered, with parameters) that belong to it. */
  prefixes: string[];
  /** The scopes one request pays in. */
  scopes(request: FastifyRequest): BudgetScopes;
}

const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string | undefined> | undefined)?.[name];

/**
 * Widget and help-center callers are people (count by IP, and the tenant they hit); webhook
 * callers are a provider's few servers posting for many accounts, so they are counted by the
 * account (`publicKey`) — a per-IP budget would throttle WeChat itself.
 */
const GROUPS: PublicGroup[] = [
  { name: 'widget', prefixes: ['/api/v1/widget/'], scopes: (request) => ({ ip: request.ip }) },
  { name: 'help', prefixes: ['/help/'], scopes: (request) => ({ ip: request.ip, workspace: param(request, 'slug') }) },
  { name: 'webhook', prefixes: ['/api/v1/channels/'], scopes: (request) => ({ workspace: param(request, 'publicKey') }) },
];

export interface PublicBudgetConfig {
  PUBLIC_REQUESTS_PER_IP_PER_SECOND: number;
}

/**
 * Every public widget, help-center and webhook route pays from a budget in an `onRequest`
 * hook: before the body is parsed or the database read, so a refusal (429 with Retry-After) is
 * the cheapest answer the server gives. The per-route limits some routes declare stay as well,
 * tighter where a route is dear (sessions, uploads).
 */
export function registerPublicBudget(app: FastifyInstance, config: PublicBudgetConfig): void {
  const ip = config.PUBLIC_REQUESTS_PER_IP_PER_SECOND;
  const budgets = new Map(
    GROUPS.map((group) => [
      group.name,
      new EventBudget(`http-${group.name}`, {
        connection: { burst: 1, perSecond: 1 },
        principal: { burst: 1, perSecond: 1 },
        ip: { burst: ip * 2, perSecond: ip },
        // One tenant's (or one webhook account's) traffic from everyone together.
        workspace: { burst: ip * 20, perSecond: ip * 10 },
      }),
    ]),
  );
  app.addHook('onRoute', (route) => {
    const group = GROUPS.find((candidate) => candidate.prefixes.some((prefix) => route.url.startsWith(prefix)));
    if (!group) return;
    const budget = budgets.get(group.name)!;
    const hooks = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [
      async (request, reply) => {
        const refusal = budget.spend(group.scopes(request));
        if (!refusal) return;
        const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
        return reply
          .code(429)
          .header('retry-after', String(seconds))
          .send({
            error: {
              code: 'rate_limited',
              message: `too many requests; try again in ${seconds} s`,
              details: { retryAfterMs: refusal.retryAfterMs },
            },
          });
      },
      ...hooks,
    ];
  });
}
