import { CreateWorkspaceRequest, ErrorBody, UpdateWorkspaceRequest, Workspace, WorkspaceParams } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { recordAudit } from '../audit/service.js';
import { memberOf, sessionOf } from '../auth/access.js';
import { addMembership } from '../users/service.js';
import { createWorkspace, getWorkspace, updateWorkspace, workspaceView } from './service.js';

const errors = { '4xx': ErrorBody };

export const workspaceRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.post(
      '/workspaces',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['workspaces'],
          summary: 'Create a workspace; you become its admin',
          body: CreateWorkspaceRequest,
          response: { 201: Workspace, ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = sessionOf(request);
        const workspace = await ctx.db.transaction(async (tx) => {
          const created = await createWorkspace(tx, request.body);
          await addMembership(tx, { workspaceId: created.id, userId, role: 'admin' });
          return created;
        });
        return reply.code(201).send(workspaceView(workspace));
      },
    );

    app.get(
      '/workspaces/:workspaceId',
      {
        config: { access: 'workspace.read' },
        schema: { tags: ['workspaces'], summary: 'Read the workspace', params: WorkspaceParams, response: { 200: Workspace, ...errors } },
      },
      async (request) => workspaceView(await getWorkspace(ctx.db, memberOf(request).workspaceId)),
    );

    app.patch(
      '/workspaces/:workspaceId',
      {
        config: { access: 'workspace.manage' },
        schema: {
          tags: ['workspaces'],
          summary: 'Change workspace settings',
          params: WorkspaceParams,
          body: UpdateWorkspaceRequest,
          response: { 200: Workspace, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = workspaceView(await getWorkspace(tx, workspaceId));
          const after = workspaceView(await updateWorkspace(tx, workspaceId, request.body));
          await recordAudit(tx, request, { action: 'workspace.update', targetType: 'workspace', targetId: workspaceId, before, after });
          return after;
        }),
    );
  };
