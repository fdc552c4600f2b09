import {
  CreateSlaPolicyRequest,
  ErrorBody,
  NoContent,
  ReorderSlaPoliciesRequest,
  SlaPolicy,
  SlaTarget,
  UpdateSlaPolicyRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  roleHas,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audited } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { getConversation } from '../conversations/queries.js';
import { loadTicket } from '../tickets/queries.js';
import { calendarsFor, remainingMs } from './adjust.js';
import { clocksOf } from './clocks.js';
import { createPolicy, deletePolicy, getPolicy, listPolicies, policyView, reorderPolicies, targetView, updatePolicy } from './service.js';

const errors = { '4xx': ErrorBody };
const targetType = 'sla_policy';
const tags = ['sla'];

export const slaRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/sla-policies';

    app.get(
      base,
      {
        config: { access: 'sla.read' },
        schema: {
          tags,
          summary: 'SLA policies in matching order (the first enabled one whose conditions a case meets applies)',
          params: WorkspaceParams,
          response: { 200: z.object({ items: z.array(SlaPolicy) }), ...errors },
        },
      },
      async (request) => ({ items: (await listPolicies(ctx.db, memberOf(request).workspaceId)).map(policyView) }),
    );

    app.post(
      base,
      {
        config: { access: 'sla.manage' },
        schema: {
          tags,
          summary: 'Add an SLA policy (last in the order); it applies to clocks started from now on',
          params: WorkspaceParams,
          body: CreateSlaPolicyRequest,
          response: { 201: SlaPolicy, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'sla_policy.create', targetType }, async (tx) => ({
          after: policyView(await createPolicy(tx, workspaceId, request.body)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.put(
      `${base}/order`,
      {
        config: { access: 'sla.manage' },
        schema: {
          tags,
          summary: 'Set the matching order: every policy id of the workspace, first match first',
          params: WorkspaceParams,
          body: ReorderSlaPoliciesRequest,
          response: { 200: z.object({ items: z.array(SlaPolicy) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { items } = await audited(ctx.db, request, { action: 'sla_policy.reorder', targetType }, async (tx) => {
          const before = (await listPolicies(tx, workspaceId)).map((policy) => policy.id);
          const reordered = (await reorderPolicies(tx, workspaceId, request.body.ids)).map(policyView);
          return {
            before: { id: workspaceId, order: before },
            after: { id: workspaceId, order: reordered.map((policy) => policy.id) },
            items: reordered,
          };
        });
        return { items };
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'sla.read' },
        schema: { tags, summary: 'One SLA policy', params: WorkspaceEntityParams, response: { 200: SlaPolicy, ...errors } },
      },
      async (request) => policyView(await getPolicy(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'sla.manage' },
        schema: {
          tags,
          summary: 'Change an SLA policy; running clocks keep the targets they started with',
          params: WorkspaceEntityParams,
          body: UpdateSlaPolicyRequest,
          response: { 200: SlaPolicy, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'sla_policy.update', targetType }, async (tx) => ({
          before: policyView(await getPolicy(tx, workspaceId, request.params.id)),
          after: policyView(await updatePolicy(tx, workspaceId, request.params.id, request.body)),
        }));
        return after;
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: { access: 'sla.manage' },
        schema: {
          tags,
          summary: 'Delete an SLA policy (clocks it started keep running and keep its name)',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        await audited(ctx.db, request, { action: 'sla_policy.delete', targetType }, async (tx) => ({
          before: policyView(await deletePolicy(tx, workspaceId, request.params.id)),
        }));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/workspaces/:workspaceId/conversations/:id/sla',
      {
        config: { access: 'sla.read' },
        schema: {
          tags,
          summary: "A conversation's SLA clocks: each target, its due time, and how it ended",
          params: WorkspaceEntityParams,
          response: { 200: z.object({ items: z.array(SlaTarget) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        await getConversation(ctx.db, workspaceId, request.params.id);
        const rows = await clocksOf(ctx.db, { workspaceId, type: 'conversation', id: request.params.id });
        return { items: await withRemaining(rows) };
      },
    );

    app.get(
      '/workspaces/:workspaceId/tickets/:id/sla',
      {
        config: { access: 'sla.read' },
        schema: {
          tags,
          summary:
            "A ticket's SLA clocks: each target, its due time, the business time left, how it ended, and which policy applied and why",
          params: WorkspaceEntityParams,
          response: { 200: z.object({ items: z.array(SlaTarget) }), ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        const viewer = { workspaceId: member.workspaceId, userId: member.userId, readAll: roleHas(member.role, 'tickets.read_all') };
        // Who may not see the ticket may not see its clocks either (404, as for the ticket).
        await loadTicket(ctx.db, viewer, request.params.id);
        const rows = await clocksOf(ctx.db, { workspaceId: member.workspaceId, type: 'ticket', id: request.params.id });
        return { items: await withRemaining(rows) };
      },
    );

    async function withRemaining(rows: Awaited<ReturnType<typeof clocksOf>>) {
      const found = await calendarsFor(ctx.db, rows);
      const now = new Date();
      return rows.map((row) => {
        const calendar = row.businessTime && row.calendarId ? (found.get(row.calendarId) ?? null) : null;
        const open = row.status === 'active' || row.status === 'paused';
        return targetView(row, open ? remainingMs(calendar, row, now) : null);
      });
    }
  };
