import { AuditEntry, AuditQuery, ErrorBody, PageQuery, WorkspaceParams, page } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { memberOf } from '../auth/access.js';
import { listAudit } from './service.js';

export const auditRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/audit-log',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Admin actions in this workspace, newest first',
          params: WorkspaceParams,
          querystring: PageQuery.extend(AuditQuery.shape),
          response: { 200: page(AuditEntry), '4xx': ErrorBody },
        },
      },
      async (request) => listAudit(ctx.db, memberOf(request).workspaceId, request.query),
    );
  };
