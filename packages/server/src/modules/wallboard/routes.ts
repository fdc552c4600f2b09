import { AgentState, AgentStateQuery, ErrorBody, Wallboard, WorkspaceParams } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { memberOf } from '../auth/access.js';
import { assertTeamsInWorkspace } from '../teams/service.js';
import { computeWallboard, listAgentStates } from './service.js';

const errors = { '4xx': ErrorBody };

export const wallboardRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/wallboard',
      {
        config: { access: 'wallboard.read' },
        schema: {
          tags: ['supervision'],
          summary: 'Live queue and today’s service level, per team and overall (listen for wallboard:changed on /agent to refresh)',
          params: WorkspaceParams,
          response: { 200: Wallboard, ...errors },
        },
      },
      async (request) => computeWallboard(ctx.db, memberOf(request).workspaceId),
    );

    app.get(
      '/workspaces/:workspaceId/agents',
      {
        config: { access: 'wallboard.read' },
        schema: {
          tags: ['supervision'],
          summary: 'Every active member’s presence, time in it, and load against capacity per channel',
          params: WorkspaceParams,
          querystring: AgentStateQuery,
          response: { 200: z.object({ items: z.array(AgentState) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        if (request.query.teamId) await assertTeamsInWorkspace(ctx.db, workspaceId, [request.query.teamId]);
        return { items: await listAgentStates(ctx.db, workspaceId, request.query.teamId) };
      },
    );
  };
