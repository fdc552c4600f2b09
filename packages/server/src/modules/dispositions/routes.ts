import {
  CreateDispositionCodeRequest,
  DispositionCode,
  DispositionCodeQuery,
  ErrorBody,
  NoContent,
  UpdateDispositionCodeRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audited } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { createDisposition, deleteDisposition, dispositionView, getDisposition, listDispositions, updateDisposition } from './service.js';

const errors = { '4xx': ErrorBody };
const targetType = 'disposition_code';

export const dispositionRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/disposition-codes';

    app.get(
      base,
      {
        config: { access: 'dispositions.read' },
        schema: {
          tags: ['wrap-up'],
          summary: 'Disposition codes for the wrap-up, oldest first (enabled=true: only the ones that can be chosen)',
          params: WorkspaceParams,
          querystring: DispositionCodeQuery,
          response: { 200: z.object({ items: z.array(DispositionCode) }), ...errors },
        },
      },
      async (request) => ({
        items: (await listDispositions(ctx.db, memberOf(request).workspaceId, request.query.enabled)).map(dispositionView),
      }),
    );

    app.post(
      base,
      {
        config: { access: 'dispositions.manage' },
        schema: {
          tags: ['wrap-up'],
          summary: 'Add a disposition code (unique in the workspace)',
          params: WorkspaceParams,
          body: CreateDispositionCodeRequest,
          response: { 201: DispositionCode, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'disposition.create', targetType }, async (tx) => ({
          after: dispositionView(await createDisposition(tx, workspaceId, request.body)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'dispositions.manage' },
        schema: {
          tags: ['wrap-up'],
          summary: 'Rename, relabel, enable or disable a disposition code',
          params: WorkspaceEntityParams,
          body: UpdateDispositionCodeRequest,
          response: { 200: DispositionCode, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'disposition.update', targetType }, async (tx) => ({
          before: dispositionView(await getDisposition(tx, workspaceId, request.params.id)),
          after: dispositionView(await updateDisposition(tx, workspaceId, request.params.id, request.body)),
        }));
        return after;
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: { access: 'dispositions.manage' },
        schema: {
          tags: ['wrap-up'],
          summary: 'Delete a disposition code (resolved conversations keep the code they were given)',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        await audited(ctx.db, request, { action: 'disposition.delete', targetType }, async (tx) => ({
          before: dispositionView(await deleteDisposition(tx, workspaceId, request.params.id)),
        }));
        return reply.code(204).send(null);
      },
    );
  };
