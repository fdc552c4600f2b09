import { PERMISSIONS, roleHas, type Permission, type Role, type RouteAccess } from '@huiliu/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError, forbidden, notFound, unauthorized } from '../../platform/errors.js';
import { activeRole } from '../users/service.js';
import { findApiToken, findSession, SESSION_COOKIE, sessionLimits } from './sessions.js';

export type Principal =
  | { kind: 'session'; userId: string; sessionId: string }
  | { kind: 'token'; tokenId: string; workspaceId: string; role: Role; userId: null };

/** The workspace a request acts in and the role it acts with; set for every permission route. */
export interface MemberContext {
  workspaceId: string;
  role: Role;
  userId: string | null;
  tokenId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    member: MemberContext | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route: a permission from the table, `public`, or `authenticated` (a user session). */
    access?: RouteAccess;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess;
  schema: Record<string, unknown> | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const API_PREFIX = '/api/';

/**
 * RBAC from one declarative place. Every API route must state `config.access`; this refuses to
 * register one that does not, and checks it on every request before the body is even parsed:
 * authentication → workspace membership (404 if not a member: existence is not revealed) → role.
 * The catalogue of routes it builds feeds the role-matrix, tenant-isolation and bad-input tests.
 */
export function registerAccessControl(app: FastifyInstance, ctx: AppContext): RouteEntry[] {
  const catalogue: RouteEntry[] = [];
  app.decorateRequest('principal', null);
  app.decorateRequest('member', null);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX) || route.url.startsWith('/api/docs') || route.method === 'HEAD') return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} does not declare config.access`);
    if (access !== 'public' && access !== 'authenticated') {
      if (!(access in PERMISSIONS)) throw new Error(`route ${route.url} names unknown permission ${access}`);
      if (!route.url.includes(':workspaceId')) throw new Error(`route ${route.url} needs :workspaceId for permission ${access}`);
    }
    for (const method of [route.method].flat()) {
      catalogue.push({ method, url: route.url, access, schema: route.schema as Record<string, unknown> | undefined });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || access === 'public') return;
    request.principal = await authenticate(request, ctx);
    if (!request.principal) throw unauthorized();
    if (access === 'authenticated') {
      if (request.principal.kind !== 'session') throw forbidden('this action needs a logged-in user, not an API token');
      return;
    }
    request.member = await resolveMember(request, request.principal, ctx);
    if (!roleHas(request.member.role, access as Permission)) throw forbidden(`the ${request.member.role} role does not allow ${access}`);
  });

  return catalogue;
}

async function authenticate(request: FastifyRequest, ctx: AppContext): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('the Authorization header must be "Bearer <token>"');
    const token = await findApiToken(ctx.db, match[1]);
    if (!token) throw unauthorized('the API token is unknown or revoked');
    return { kind: 'token', tokenId: token.id, workspaceId: token.workspaceId, role: token.role, userId: null };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const session = await findSession(ctx.db, cookie, sessionLimits(ctx.config));
  if (session.status !== 'valid') {
    throw session.status === 'expired'
      ? new AppError(401, 'session_expired', 'your session expired (after inactivity or its maximum lifetime); log in again')
      : new AppError(401, 'session_invalid', 'your session is no longer valid; log in again');
  }
  return { kind: 'session', userId: session.userId, sessionId: session.sessionId };
}

async function resolveMember(request: FastifyRequest, principal: Principal, ctx: AppContext): Promise<MemberContext> {
  const workspaceId = (request.params as { workspaceId?: string }).workspaceId ?? '';
  if (!UUID.test(workspaceId)) throw notFound('workspace');
  if (principal.kind === 'token') {
    if (principal.workspaceId !== workspaceId) throw notFound('workspace');
    return { workspaceId, role: principal.role, userId: null, tokenId: principal.tokenId };
  }
  const role = await activeRole(ctx.db, principal.userId, workspaceId);
  if (!role) throw notFound('workspace');
  return { workspaceId, role, userId: principal.userId, tokenId: null };
}

/** The member context of a permission route; the access hook guarantees it is set. */
export function memberOf(request: FastifyRequest): MemberContext {
  if (!request.member) throw new Error(`route ${request.url} used memberOf without a permission`);
  return request.member;
}

/** The logged-in user of an `authenticated` route. */
export function sessionOf(request: FastifyRequest): Extract<Principal, { kind: 'session' }> {
  if (request.principal?.kind !== 'session') throw new Error(`route ${request.url} used sessionOf without authentication`);
  return request.principal;
}
