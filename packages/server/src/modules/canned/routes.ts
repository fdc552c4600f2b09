import {
  CannedResponse,
  CannedResponseQuery,
  CreateCannedResponseRequest,
  ErrorBody,
  NoContent,
  PageQuery,
  RenderCannedResponseRequest,
  RenderedCannedResponse,
  UpdateCannedResponseRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { audited } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { cannedView, createCanned, deleteCanned, getCanned, listCanned, renderCanned, updateCanned } from './service.js';

const errors = { '4xx': ErrorBody };
const targetType = 'canned_response';

export const cannedRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/canned-responses';

    app.get(
      base,
      {
        config: { access: 'canned.read' },
        schema: {
          tags: ['canned responses'],
          summary: 'Canned responses you may use, newest first; search shortcut, title and text with q',
          params: WorkspaceParams,
          querystring: PageQuery.extend(CannedResponseQuery.shape),
          response: { 200: page(CannedResponse), ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        return listCanned(ctx.db, member.workspaceId, member, request.query);
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'canned.read' },
        schema: {
          tags: ['canned responses'],
          summary: 'Read a canned response',
          params: WorkspaceEntityParams,
          response: { 200: CannedResponse, ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        return cannedView(await getCanned(ctx.db, member.workspaceId, request.params.id, member));
      },
    );

    app.post(
      `${base}/:id/render`,
      {
        config: { access: 'canned.read' },
        schema: {
          tags: ['canned responses'],
          summary: 'The canned response’s text with its variables filled in for a conversation (and you as the agent)',
          params: WorkspaceEntityParams,
          body: RenderCannedResponseRequest,
          response: { 200: RenderedCannedResponse, ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        return renderCanned(ctx.db, member.workspaceId, request.params.id, member, request.body.conversationId);
      },
    );

    app.post(
      base,
      {
        config: { access: 'canned.manage' },
        schema: {
          tags: ['canned responses'],
          summary: 'Add a canned response (shortcut unique in the workspace)',
          params: WorkspaceParams,
          body: CreateCannedResponseRequest,
          response: { 201: CannedResponse, ...errors },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'canned_response.create', targetType }, async (tx) => ({
          after: cannedView(await createCanned(tx, member.workspaceId, request.body, member.userId)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'canned.manage' },
        schema: {
          tags: ['canned responses'],
          summary: 'Change a canned response',
          params: WorkspaceEntityParams,
          body: UpdateCannedResponseRequest,
          response: { 200: CannedResponse, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'canned_response.update', targetType }, async (tx) => ({
          before: cannedView(await getCanned(tx, workspaceId, request.params.id)),
          after: cannedView(await updateCanned(tx, workspaceId, request.params.id, request.body)),
        }));
        return after;
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: { access: 'canned.manage' },
        schema: {
          tags: ['canned responses'],
          summary: 'Delete a canned response',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        await audited(ctx.db, request, { action: 'canned_response.delete', targetType }, async (tx) => ({
          before: cannedView(await deleteCanned(tx, workspaceId, request.params.id)),
        }));
        return reply.code(204).send(null);
      },
    );
  };
