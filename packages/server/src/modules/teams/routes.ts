import {
  CreateTeamRequest,
  ErrorBody,
  NoContent,
  PageQuery,
  Team,
  TeamMemberParams,
  TeamMemberRequest,
  UpdateTeamRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { audited, recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { activeRole } from '../users/service.js';
import { addTeamMember, createTeam, deleteTeam, getTeam, listTeams, removeTeamMember, updateTeam } from './service.js';

const errors = { '4xx': ErrorBody };

export const teamRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/teams',
      {
        config: { access: 'teams.read' },
        schema: {
          tags: ['teams'],
          summary: 'List teams',
          params: WorkspaceParams,
          querystring: PageQuery,
          response: { 200: page(Team), ...errors },
        },
      },
      async (request) => listTeams(ctx.db, memberOf(request).workspaceId, request.query),
    );

    app.post(
      '/workspaces/:workspaceId/teams',
      {
        config: { access: 'teams.manage' },
        schema: {
          tags: ['teams'],
          summary: 'Create a team',
          params: WorkspaceParams,
          body: CreateTeamRequest,
          response: { 201: Team, ...errors },
        },
      },
      async (request, reply) => {
        const { after } = await audited(ctx.db, request, { action: 'team.create', targetType: 'team' }, async (tx) => ({
          after: await createTeam(tx, memberOf(request).workspaceId, request.body),
        }));
        return reply.code(201).send(after);
      },
    );

    app.get(
      '/workspaces/:workspaceId/teams/:id',
      {
        config: { access: 'teams.read' },
        schema: { tags: ['teams'], summary: 'Read a team', params: WorkspaceEntityParams, response: { 200: Team, ...errors } },
      },
      async (request) => getTeam(ctx.db, memberOf(request).workspaceId, request.params.id),
    );

    app.patch(
      '/workspaces/:workspaceId/teams/:id',
      {
        config: { access: 'teams.manage' },
        schema: {
          tags: ['teams'],
          summary: 'Rename or describe a team',
          params: WorkspaceEntityParams,
          body: UpdateTeamRequest,
          response: { 200: Team, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'team.update', targetType: 'team' }, async (tx) => ({
          before: await getTeam(tx, workspaceId, request.params.id),
          after: await updateTeam(tx, workspaceId, request.params.id, request.body),
        }));
        return after;
      },
    );

    app.delete(
      '/workspaces/:workspaceId/teams/:id',
      {
        config: { access: 'teams.manage' },
        schema: { tags: ['teams'], summary: 'Delete a team', params: WorkspaceEntityParams, response: { 204: NoContent, ...errors } },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        await audited(ctx.db, request, { action: 'team.delete', targetType: 'team' }, async (tx) => {
          const before = await getTeam(tx, workspaceId, request.params.id);
          await deleteTeam(tx, workspaceId, request.params.id);
          return { before };
        });
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/workspaces/:workspaceId/teams/:id/members/:userId',
      {
        config: { access: 'teams.manage' },
        schema: {
          tags: ['teams'],
          summary: 'Add a workspace member to a team with a proficiency 1–5 (or change it)',
          params: TeamMemberParams,
          body: TeamMemberRequest,
          response: { 200: Team, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const { id, userId } = request.params;
          await getTeam(tx, workspaceId, id);
          if (!(await activeRole(tx, userId, workspaceId))) throw notFound('member');
          if (await addTeamMember(tx, workspaceId, id, userId, request.body.proficiency)) {
            await recordAudit(tx, request, {
              action: 'team.member.add',
              targetType: 'team',
              targetId: id,
              after: { userId, proficiency: request.body.proficiency },
            });
          }
          return getTeam(tx, workspaceId, id);
        }),
    );

    app.delete(
      '/workspaces/:workspaceId/teams/:id/members/:userId',
      {
        config: { access: 'teams.manage' },
        schema: { tags: ['teams'], summary: 'Remove a member from a team', params: TeamMemberParams, response: { 200: Team, ...errors } },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const { id, userId } = request.params;
          await getTeam(tx, workspaceId, id);
          if (!(await removeTeamMember(tx, workspaceId, id, userId))) throw notFound('team member');
          await recordAudit(tx, request, { action: 'team.member.remove', targetType: 'team', targetId: id, before: { userId } });
          return getTeam(tx, workspaceId, id);
        }),
    );
  };
