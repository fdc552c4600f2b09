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
import { recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { createDisposition, deleteDisposition, dispositionView, getDisposition, listDispositions, updateDisposition } from './service.js';

const errors = { '4xx': ErrorBody };

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
        const view = await ctx.db.transaction(async (tx) => {
          const created = dispositionView(await createDisposition(tx, workspaceId, request.body));
          await recordAudit(tx, request, {
            action: 'disposition.create',
            targetType: 'disposition_code',
            targetId: created.id,
            after: created,
          });
          return created;
        });
        return reply.code(201).send(view);
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
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = dispositionView(await getDisposition(tx, workspaceId, request.params.id));
          const after = dispositionView(await updateDisposition(tx, workspaceId, request.params.id, request.body));
          await recordAudit(tx, request, {
            action: 'disposition.update',
            targetType: 'disposition_code',
            targetId: after.id,
            before,
            after,
          });
          return after;
        }),
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
        await ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = dispositionView(await deleteDisposition(tx, workspaceId, request.params.id));
          await recordAudit(tx, request, { action: 'disposition.delete', targetType: 'disposition_code', targetId: before.id, before });
        });
        return reply.code(204).send(null);
      },
    );
  };
