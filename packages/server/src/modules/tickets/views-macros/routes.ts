import {
  ApplyMacroRequest,
  ArchivedQuery,
  BulkJob,
  BulkJobDetail,
  BulkTicketHeaders,
  BulkTicketRequest,
  CreateMacroRequest,
  CreateSavedViewRequest,
  ErrorBody,
  Macro,
  MacroPreview,
  roleHas,
  SavedView,
  SavedViewCounts,
  Ticket,
  UpdateMacroRequest,
  UpdateSavedViewRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { audited } from '../../audit/service.js';
import { memberOf } from '../../auth/access.js';
import { publishMessage } from '../../conversations/events.js';
import { findUserById } from '../../users/service.js';
import { publishTicketChanged } from '../history.js';
import { ticketView, type TicketActor } from '../views.js';
import type { TicketViewer } from '../visibility.js';
import { bulkJobDetail, bulkJobView, findBulkByKey, isBulkIdempotencyConflict, runBulkJob, startBulkJob } from './bulk.js';
import { applyActions, previewActions } from './commands/apply-actions.js';
import { createMacro, getMacro, listMacros, macroView, updateMacro, usableMacro } from './macros.js';
import {
  createSavedView,
  deleteSavedView,
  getSavedView,
  listSavedViews,
  savedViewCounts,
  savedViewView,
  updateSavedView,
} from './saved-views.js';

const errors = { '4xx': ErrorBody };
const tags = ['tickets'];
const MacroParams = WorkspaceEntityParams.extend({ macroId: z.uuid() });

function viewerOf(request: FastifyRequest): TicketViewer {
  const member = memberOf(request);
  return { workspaceId: member.workspaceId, userId: member.userId, readAll: roleHas(member.role, 'tickets.read_all') };
}

async function actorOf(ctx: AppContext, request: FastifyRequest): Promise<TicketActor> {
  const member = memberOf(request);
  if (!member.userId) return { type: 'agent', id: null, name: 'API' };
  const user = await findUserById(ctx.db, member.userId);
  return { type: 'agent', id: member.userId, name: user?.name ?? null };
}

/** Saved views, macros and bulk actions on tickets. */
export const ticketViewMacroRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const views = '/workspaces/:workspaceId/views';
    const macros = '/workspaces/:workspaceId/macros';
    const bulk = '/workspaces/:workspaceId/tickets/bulk';

    app.get(
      views,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Saved ticket views: the shared ones, then your own',
          params: WorkspaceParams,
          response: { 200: z.object({ items: z.array(SavedView) }), ...errors },
        },
      },
      async (request) => ({ items: (await listSavedViews(ctx.db, memberOf(request))).map(savedViewView) }),
    );

    app.get(
      `${views}/counts`,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'How many tickets each of your views holds (only tickets you may see; `me` is you)',
          params: WorkspaceParams,
          response: { 200: SavedViewCounts, ...errors },
        },
      },
      async (request) => ({ items: await savedViewCounts(ctx.db, viewerOf(request), await listSavedViews(ctx.db, memberOf(request))) }),
    );

    app.get(
      `${views}/:id`,
      {
        config: { access: 'tickets.read' },
        schema: { tags, summary: 'A saved view', params: WorkspaceEntityParams, response: { 200: SavedView, ...errors } },
      },
      async (request) => savedViewView(await getSavedView(ctx.db, memberOf(request), request.params.id)),
    );

    app.post(
      views,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Save a view (shared ones need tickets.share)',
          params: WorkspaceParams,
          body: CreateSavedViewRequest,
          response: { 201: SavedView, ...errors },
        },
      },
      async (request, reply) => {
        const { after } = await audited(ctx.db, request, { action: 'ticket_view.create', targetType: 'ticket_view' }, async (tx) => ({
          after: await createSavedView(tx, memberOf(request), request.body),
        }));
        return reply.code(201).send(savedViewView(after));
      },
    );

    app.patch(
      `${views}/:id`,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Change a view (your own, or a shared one with tickets.share)',
          params: WorkspaceEntityParams,
          body: UpdateSavedViewRequest,
          response: { 200: SavedView, ...errors },
        },
      },
      async (request) => {
        const { after } = await audited(ctx.db, request, { action: 'ticket_view.update', targetType: 'ticket_view' }, (tx) =>
          updateSavedView(tx, memberOf(request), request.params.id, request.body),
        );
        return savedViewView(after);
      },
    );

    app.delete(
      `${views}/:id`,
      {
        config: { access: 'tickets.read' },
        schema: { tags, summary: 'Delete a view', params: WorkspaceEntityParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await audited(ctx.db, request, { action: 'ticket_view.delete', targetType: 'ticket_view' }, async (tx) => ({
          before: await deleteSavedView(tx, memberOf(request), request.params.id),
        }));
        return reply.code(204).send(null);
      },
    );

    app.get(
      macros,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Macros: the shared ones, then your own (archived=false: the usable ones)',
          params: WorkspaceParams,
          querystring: ArchivedQuery,
          response: { 200: z.object({ items: z.array(Macro) }), ...errors },
        },
      },
      async (request) => ({ items: (await listMacros(ctx.db, memberOf(request), request.query.archived)).map(macroView) }),
    );

    app.get(
      `${macros}/:id`,
      {
        config: { access: 'tickets.read' },
        schema: { tags, summary: 'A macro', params: WorkspaceEntityParams, response: { 200: Macro, ...errors } },
      },
      async (request) => macroView(await getMacro(ctx.db, memberOf(request), request.params.id)),
    );

    app.post(
      macros,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Define a macro: several actions and reply templates in one click (shared ones need tickets.share)',
          params: WorkspaceParams,
          body: CreateMacroRequest,
          response: { 201: Macro, ...errors },
        },
      },
      async (request, reply) => {
        const { after } = await audited(ctx.db, request, { action: 'macro.create', targetType: 'macro' }, async (tx) => ({
          after: await createMacro(tx, memberOf(request), request.body),
        }));
        return reply.code(201).send(macroView(after));
      },
    );

    app.patch(
      `${macros}/:id`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Change or archive a macro (your own, or a shared one with tickets.share)',
          params: WorkspaceEntityParams,
          body: UpdateMacroRequest,
          response: { 200: Macro, ...errors },
        },
      },
      async (request) => {
        const { after } = await audited(ctx.db, request, { action: 'macro.update', targetType: 'macro' }, (tx) =>
          updateMacro(tx, memberOf(request), request.params.id, request.body),
        );
        return macroView(after);
      },
    );

    app.get(
      '/workspaces/:workspaceId/tickets/:id/macros/:macroId/preview',
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: "A macro's notes and replies as they would be on this ticket (variables filled); changes nothing",
          params: MacroParams,
          response: { 200: MacroPreview, ...errors },
        },
      },
      async (request) => {
        const macro = await usableMacro(ctx.db, memberOf(request), request.params.macroId);
        return previewActions(ctx.db, {
          viewer: viewerOf(request),
          actor: await actorOf(ctx, request),
          ticketId: request.params.id,
          actions: macro.actions,
        });
      },
    );

    app.post(
      '/workspaces/:workspaceId/tickets/:id/apply-macro',
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Apply a macro to a ticket: all its actions in one step, or none (4xx with the reason)',
          params: WorkspaceEntityParams,
          body: ApplyMacroRequest,
          response: { 200: Ticket, ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        const actor = await actorOf(ctx, request);
        const applied = await ctx.db.transaction(async (tx) => {
          const macro = await usableMacro(tx, member, request.body.macroId);
          return applyActions(tx, { viewer: viewerOf(request), actor, ticketId: request.params.id, actions: macro.actions });
        });
        for (const message of applied.messages) publishMessage(ctx.realtime, message.conversation, message.message);
        if (applied.changed) publishTicketChanged(ctx.realtime, [applied.ticket]);
        return ticketView(applied.ticket);
      },
    );

    app.post(
      bulk,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary:
            'Apply a macro and/or actions to up to 500 tickets (ids or a view) as a job: 202, progress on the socket (ticket:bulk) and from GET; a retry with the same Idempotency-Key returns the first job (200)',
          params: WorkspaceParams,
          headers: BulkTicketHeaders,
          body: BulkTicketRequest,
          response: { 202: BulkJob, 200: BulkJob, ...errors },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const key = request.headers['idempotency-key'] ?? null;
        const actor = await actorOf(ctx, request);
        let result;
        try {
          result = await ctx.db.transaction((tx) =>
            startBulkJob(tx, { member, viewer: viewerOf(request), actor, request: request.body, idempotencyKey: key }),
          );
        } catch (error) {
          // A concurrent retry with the same key committed first: its job is the answer.
          const earlier = key && isBulkIdempotencyConflict(error) ? await findBulkByKey(ctx.db, member, key) : undefined;
          if (!earlier) throw error;
          result = { job: earlier, created: false };
        }
        if (result.created)
          // After the answer, in this process; the recurring resume job finishes it if this process dies.
          setImmediate(() => void runBulkJob(ctx, result.job.id).catch((error) => ctx.logger.error({ err: error }, 'bulk job stopped')));
        return reply.code(result.created ? 202 : 200).send(bulkJobView(result.job));
      },
    );

    app.get(
      `${bulk}/:id`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: "A bulk job's progress and each ticket's outcome (your own jobs only)",
          params: WorkspaceEntityParams,
          response: { 200: BulkJobDetail, ...errors },
        },
      },
      async (request) => bulkJobDetail(ctx.db, memberOf(request), request.params.id),
    );
  };
