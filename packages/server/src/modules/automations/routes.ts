import {
  Automation,
  AutomationRun,
  AutomationRunQuery,
  CreateAutomationRequest,
  DryRunRequest,
  DryRunResult,
  ErrorBody,
  NoContent,
  ReorderAutomationsRequest,
  roleHas,
  UpdateAutomationRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audited } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { getConversation } from '../conversations/queries.js';
import { loadTicket } from '../tickets/queries.js';
import {
  automationView,
  createAutomation,
  deleteAutomation,
  dryRun,
  getAutomation,
  listAutomations,
  listRuns,
  reorderAutomations,
  runView,
  updateAutomation,
} from './service.js';

const errors = { '4xx': ErrorBody };
const targetType = 'automation';
const tags = ['automations'];

export const automationRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/automations';

    app.get(
      base,
      {
        config: { access: 'automations.read' },
        schema: {
          tags,
          summary: 'Automations in running order (each event runs the matching enabled rules first to last)',
          params: WorkspaceParams,
          response: { 200: z.object({ items: z.array(Automation) }), ...errors },
        },
      },
      async (request) => ({ items: (await listAutomations(ctx.db, memberOf(request).workspaceId)).map(automationView) }),
    );

    app.post(
      base,
      {
        config: { access: 'automations.manage' },
        schema: {
          tags,
          summary: 'Add an automation (last in the order)',
          params: WorkspaceParams,
          body: CreateAutomationRequest,
          response: { 201: Automation, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'automation.create', targetType }, async (tx) => ({
          after: automationView(await createAutomation(tx, ctx.secrets, workspaceId, request.body)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.put(
      `${base}/order`,
      {
        config: { access: 'automations.manage' },
        schema: {
          tags,
          summary: 'Set the running order: every automation id of the workspace, first runs first',
          params: WorkspaceParams,
          body: ReorderAutomationsRequest,
          response: { 200: z.object({ items: z.array(Automation) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { items } = await audited(ctx.db, request, { action: 'automation.reorder', targetType }, async (tx) => {
          const before = (await listAutomations(tx, workspaceId)).map((rule) => rule.id);
          const reordered = (await reorderAutomations(tx, workspaceId, request.body.ids)).map(automationView);
          return {
            before: { id: workspaceId, order: before },
            after: { id: workspaceId, order: reordered.map((rule) => rule.id) },
            items: reordered,
          };
        });
        return { items };
      },
    );

    app.post(
      `${base}/dry-run`,
      {
        config: { access: 'automations.read' },
        schema: {
          tags,
          summary: 'Which rules would act on the 100 most recently updated tickets now, and what they would do (nothing is written)',
          params: WorkspaceParams,
          body: DryRunRequest,
          response: { 200: DryRunResult, ...errors },
        },
      },
      async (request) => dryRun(ctx.db, memberOf(request).workspaceId, request.body.automation, new Date()),
    );

    app.get(
      `${base}/runs`,
      {
        config: { access: 'automations.read' },
        schema: {
          tags,
          summary: 'The execution log, newest first: each firing with its trigger, conditions and actions',
          params: WorkspaceParams,
          querystring: AutomationRunQuery,
          response: { 200: z.object({ items: z.array(AutomationRun) }), ...errors },
        },
      },
      async (request) => ({ items: (await listRuns(ctx.db, memberOf(request).workspaceId, request.query)).map(runView) }),
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'automations.read' },
        schema: { tags, summary: 'One automation', params: WorkspaceEntityParams, response: { 200: Automation, ...errors } },
      },
      async (request) => automationView(await getAutomation(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'automations.manage' },
        schema: {
          tags,
          summary: 'Change an automation (a webhook secret sent back masked is kept)',
          params: WorkspaceEntityParams,
          body: UpdateAutomationRequest,
          response: { 200: Automation, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'automation.update', targetType }, async (tx) => ({
          before: automationView(await getAutomation(tx, workspaceId, request.params.id)),
          after: automationView(await updateAutomation(tx, ctx.secrets, workspaceId, request.params.id, request.body)),
        }));
        return after;
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: { access: 'automations.manage' },
        schema: {
          tags,
          summary: 'Delete an automation (its log entries stay, with its name)',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        await audited(ctx.db, request, { action: 'automation.delete', targetType }, async (tx) => ({
          before: automationView(await deleteAutomation(tx, workspaceId, request.params.id)),
        }));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/workspaces/:workspaceId/tickets/:id/automation-runs',
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Why did this happen? The automations that fired on a ticket, newest first',
          params: WorkspaceEntityParams,
          response: { 200: z.object({ items: z.array(AutomationRun) }), ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        await loadTicket(
          ctx.db,
          { workspaceId: member.workspaceId, userId: member.userId, readAll: roleHas(member.role, 'tickets.read_all') },
          request.params.id,
        );
        return { items: (await listRuns(ctx.db, member.workspaceId, { ticketId: request.params.id, limit: 100 })).map(runView) };
      },
    );

    app.get(
      '/workspaces/:workspaceId/conversations/:id/automation-runs',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags,
          summary: 'Why did this happen? The automations that fired on a conversation, newest first',
          params: WorkspaceEntityParams,
          response: { 200: z.object({ items: z.array(AutomationRun) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        await getConversation(ctx.db, workspaceId, request.params.id);
        return { items: (await listRuns(ctx.db, workspaceId, { conversationId: request.params.id, limit: 100 })).map(runView) };
      },
    );
  };
