import {
  CreateReviewPolicyRequest,
  ErrorBody,
  NoContent,
  ReorderReviewPoliciesRequest,
  ReviewPolicy,
  UpdateReviewPolicyRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audited } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { createPolicy, deletePolicy, getPolicy, listPolicies, policyView, reorderPolicies, updatePolicy } from './service.js';

const errors = { '4xx': ErrorBody };
const targetType = 'review_policy';
const tags = ['reviews'];

export const reviewPolicyRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/review-policies';

    app.get(
      base,
      {
        config: { access: 'reviews.manage' },
        schema: {
          tags,
          summary: 'Review policies in matching order (the first enabled one a public reply meets holds it for review)',
          params: WorkspaceParams,
          response: { 200: z.object({ items: z.array(ReviewPolicy) }), ...errors },
        },
      },
      async (request) => ({ items: (await listPolicies(ctx.db, memberOf(request).workspaceId)).map(policyView) }),
    );

    app.post(
      base,
      {
        config: { access: 'reviews.manage' },
        schema: {
          tags,
          summary: 'Add a review policy (last in the order); it holds replies sent from now on',
          params: WorkspaceParams,
          body: CreateReviewPolicyRequest,
          response: { 201: ReviewPolicy, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'review_policy.create', targetType }, async (tx) => ({
          after: policyView(await createPolicy(tx, workspaceId, request.body)),
        }));
        return reply.code(201).send(after);
      },
    );

    app.put(
      `${base}/order`,
      {
        config: { access: 'reviews.manage' },
        schema: {
          tags,
          summary: 'Set the matching order: every policy id of the workspace, first match first',
          params: WorkspaceParams,
          body: ReorderReviewPoliciesRequest,
          response: { 200: z.object({ items: z.array(ReviewPolicy) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { items } = await audited(ctx.db, request, { action: 'review_policy.reorder', targetType }, async (tx) => {
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
        config: { access: 'reviews.manage' },
        schema: { tags, summary: 'One review policy', params: WorkspaceEntityParams, response: { 200: ReviewPolicy, ...errors } },
      },
      async (request) => policyView(await getPolicy(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'reviews.manage' },
        schema: {
          tags,
          summary: 'Change a review policy; replies it already holds stay in the queue',
          params: WorkspaceEntityParams,
          body: UpdateReviewPolicyRequest,
          response: { 200: ReviewPolicy, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { after } = await audited(ctx.db, request, { action: 'review_policy.update', targetType }, async (tx) => ({
          before: policyView(await getPolicy(tx, workspaceId, request.params.id)),
          after: policyView(await updatePolicy(tx, workspaceId, request.params.id, request.body)),
        }));
        return after;
      },
    );

    app.delete(
      `${base}/:id`,
      {
        config: { access: 'reviews.manage' },
        schema: {
          tags,
          summary: 'Delete a review policy (replies it held stay in the queue under its name)',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        await audited(ctx.db, request, { action: 'review_policy.delete', targetType }, async (tx) => ({
          before: policyView(await deletePolicy(tx, workspaceId, request.params.id)),
        }));
        return reply.code(204).send(null);
      },
    );
  };
