import {
  CreateRoutingRuleRequest,
  ErrorBody,
  NoContent,
  RoutingRule,
  UpdateRoutingRuleRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { assertInboxesInWorkspace } from '../inboxes/service.js';
import { assertTeamsInWorkspace } from '../teams/service.js';
import type { Executor } from '../users/service.js';
import { routingRules, type RoutingConditions } from './schema.js';

const errors = { '4xx': ErrorBody };
type RuleRow = typeof routingRules.$inferSelect;
const ruleView = (row: RuleRow) => ({ ...row, createdAt: row.createdAt.toISOString() });

/** A rule may only name teams and inboxes of its own workspace. */
async function checkReferences(db: Executor, workspaceId: string, rule: { teamId?: string | null; conditions?: RoutingConditions }) {
  if (rule.teamId) await assertTeamsInWorkspace(db, workspaceId, [rule.teamId]);
  await assertInboxesInWorkspace(db, workspaceId, rule.conditions?.inboxIds ?? []);
}

async function getRule(db: Executor, workspaceId: string, id: string) {
  const [row] = await db
    .select()
    .from(routingRules)
    .where(and(eq(routingRules.workspaceId, workspaceId), eq(routingRules.id, id)));
  if (!row) throw notFound('routing rule');
  return row;
}

export const routingRuleRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/routing-rules';

    app.get(
      base,
      {
        config: { access: 'routing.manage' },
        schema: {
          tags: ['routing'],
          summary: 'Routing rules, in the order they are tried',
          params: WorkspaceParams,
          response: { 200: z.object({ items: z.array(RoutingRule) }), ...errors },
        },
      },
      async (request) => {
        const rows = await ctx.db
          .select()
          .from(routingRules)
          .where(eq(routingRules.workspaceId, memberOf(request).workspaceId))
          .orderBy(asc(routingRules.position), asc(routingRules.createdAt));
        return { items: rows.map(ruleView) };
      },
    );

    app.post(
      base,
      {
        config: { access: 'routing.manage' },
        schema: {
          tags: ['routing'],
          summary: 'Add a routing rule',
          params: WorkspaceParams,
          body: CreateRoutingRuleRequest,
          response: { 201: RoutingRule, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const row = await ctx.db.transaction(async (tx) => {
          await checkReferences(tx, workspaceId, request.body);
          const [created] = await tx
            .insert(routingRules)
            .values({ workspaceId, ...request.body })
            .returning();
          await recordAudit(tx, request, {
            action: 'routing_rule.create',
            targetType: 'routing_rule',
            targetId: created!.id,
            after: ruleView(created!),
          });
          return created!;
        });
        return reply.code(201).send(ruleView(row));
      },
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'routing.manage' },
        schema: {
          tags: ['routing'],
          summary: 'Change a routing rule (or its place in the order)',
          params: WorkspaceEntityParams,
          body: UpdateRoutingRuleRequest,
          response: { 200: RoutingRule, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = await getRule(tx, workspaceId, request.params.id);
          await checkReferences(tx, workspaceId, request.body);
          const [after] = await tx
            .update(routingRules)
            .set(request.body)
            .where(and(eq(routingRules.workspaceId, workspaceId), eq(routingRules.id, before.id)))
            .returning();
          await recordAudit(tx, request, {
            action: 'routing_rule.update',
            targetType: 'routing_rule',
            targetId: before.id,
            before: ruleView(before),
            after: ruleView(after!),
          });
          return ruleView(after!);
        }),
    );

    app.delete(
      `${base}/:id`,
      {
        config: { access: 'routing.manage' },
        schema: {
          tags: ['routing'],
          summary: 'Delete a routing rule',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = await getRule(tx, workspaceId, request.params.id);
          await tx.delete(routingRules).where(eq(routingRules.id, before.id));
          await recordAudit(tx, request, {
            action: 'routing_rule.delete',
            targetType: 'routing_rule',
            targetId: before.id,
            before: ruleView(before),
          });
        });
        return reply.code(204).send(null);
      },
    );
  };
