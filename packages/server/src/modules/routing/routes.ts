import {
  AgentPresence,
  ErrorBody,
  NoContent,
  SetCapacityRequest,
  SetPresenceRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { recordAudit } from '../audit/service.js';
import { publishMessage } from '../conversations/events.js';
import { memberOf } from '../auth/access.js';
import { activeRole } from '../users/service.js';
import { listPresence, setPresence } from './presence.js';
import { agentCapacities } from './schema.js';

const errors = { '4xx': ErrorBody };

const presenceView = (row: {
  userId: string;
  status: 'online' | 'busy' | 'away' | 'offline';
  statusSince: Date;
  lastAssignedAt: Date | null;
}) => ({
  userId: row.userId,
  status: row.status,
  statusSince: row.statusSince.toISOString(),
  lastAssignedAt: row.lastAssignedAt?.toISOString() ?? null,
});

export const routingRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.put(
      '/workspaces/:workspaceId/presence/me',
      {
        config: { access: 'presence.set' },
        schema: {
          tags: ['routing'],
          summary: 'Set your presence: online, busy, away or offline',
          params: WorkspaceParams,
          body: SetPresenceRequest,
          response: { 200: AgentPresence, ...errors },
        },
      },
      async (request) => {
        const { workspaceId, userId } = memberOf(request);
        if (!userId) throw new AppError(422, 'no_presence', 'API tokens have no presence; log in as the agent');
        const { row, requeued } = await ctx.db.transaction((tx) =>
          setPresence(tx, workspaceId, userId, request.body.status, { chosen: true }),
        );
        for (const item of requeued) publishMessage(ctx.realtime, item.conversation, item.message);
        return presenceView(row);
      },
    );

    app.get(
      '/workspaces/:workspaceId/presence',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['routing'],
          summary: 'Every agent’s presence',
          params: WorkspaceParams,
          response: { 200: z.object({ items: z.array(AgentPresence) }), ...errors },
        },
      },
      async (request) => ({ items: (await listPresence(ctx.db, memberOf(request).workspaceId)).map(presenceView) }),
    );

    app.put(
      '/workspaces/:workspaceId/members/:id/capacity',
      {
        config: { access: 'routing.manage' },
        schema: {
          tags: ['routing'],
          summary: 'Override how many open conversations of a channel an agent takes at once',
          params: WorkspaceEntityParams,
          body: SetCapacityRequest,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        if (!(await activeRole(ctx.db, request.params.id, workspaceId))) throw notFound('member');
        await ctx.db.transaction(async (tx) => {
          await tx
            .insert(agentCapacities)
            .values({ workspaceId, userId: request.params.id, ...request.body })
            .onConflictDoUpdate({
              target: [agentCapacities.workspaceId, agentCapacities.userId, agentCapacities.channel],
              set: { capacity: request.body.capacity },
            });
          await recordAudit(tx, request, {
            action: 'member.capacity',
            targetType: 'user',
            targetId: request.params.id,
            after: request.body,
          });
        });
        ctx.routing.wake(workspaceId);
        return reply.code(204).send(null);
      },
    );
  };
