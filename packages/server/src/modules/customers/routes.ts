import {
  AddIdentityRequest,
  Customer,
  CustomerQuery,
  ErrorBody,
  MergeCustomersRequest,
  PageQuery,
  TimelineItem,
  UpdateCustomerRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import { customerTimeline } from '../conversations/queries.js';
import { mergeCustomers } from './merge.js';
import { addIdentity, getCustomer, listCustomers, updateCustomer } from './service.js';
import { AppError } from '../../platform/errors.js';

const errors = { '4xx': ErrorBody };

export const customerRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/customers';

    app.get(
      base,
      {
        config: { access: 'customers.read' },
        schema: {
          tags: ['customers'],
          summary: 'Find customers by name or any identity (email, phone, WeChat openid, external id…)',
          params: WorkspaceParams,
          querystring: PageQuery.extend(CustomerQuery.shape),
          response: { 200: page(Customer), ...errors },
        },
      },
      async (request) => listCustomers(ctx.db, memberOf(request).workspaceId, request.query),
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'customers.read' },
        schema: {
          tags: ['customers'],
          summary: 'Read a customer with every identity',
          params: WorkspaceEntityParams,
          response: { 200: Customer, ...errors },
        },
      },
      async (request) => getCustomer(ctx.db, memberOf(request).workspaceId, request.params.id),
    );

    app.get(
      `${base}/:id/timeline`,
      {
        config: { access: 'customers.read' },
        schema: {
          tags: ['customers'],
          summary: 'Every conversation of the customer on every channel (merged customers’ too), newest first',
          params: WorkspaceEntityParams,
          querystring: PageQuery,
          response: { 200: page(TimelineItem), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        // A cursor this API never returned is a 400, whoever the customer.
        if (request.query.cursor) decodeCursor(request.query.cursor);
        const customer = await getCustomer(ctx.db, workspaceId, request.params.id);
        return customerTimeline(ctx.db, workspaceId, customer.id, request.query);
      },
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'customers.manage' },
        schema: {
          tags: ['customers'],
          summary: 'Edit name, tier, tags and attributes (null removes an attribute)',
          params: WorkspaceEntityParams,
          body: UpdateCustomerRequest,
          response: { 200: Customer, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = await getCustomer(tx, workspaceId, request.params.id);
          const after = await updateCustomer(tx, workspaceId, request.params.id, request.body);
          await recordAudit(tx, request, { action: 'customer.update', targetType: 'customer', targetId: after.id, before, after });
          return after;
        }),
    );

    app.post(
      `${base}/:id/identities`,
      {
        config: { access: 'customers.manage' },
        schema: {
          tags: ['customers'],
          summary:
            "Record the customer's email or phone (trusted: verified via agent). One that belongs to another customer is refused with 409: merge them instead",
          params: WorkspaceEntityParams,
          body: AddIdentityRequest,
          response: { 201: Customer, ...errors },
        },
      },
      async (request, reply) => {
        const result = await ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = await getCustomer(tx, workspaceId, request.params.id);
          const owner = await addIdentity(tx, workspaceId, before.id, { ...request.body, verifiedVia: 'agent' });
          // An agent's word is trusted for this customer, but never silently makes two customers one.
          if (owner !== before.id)
            throw new AppError(
              409,
              'identity_taken',
              'another customer already has this address; merge the two customers if they are one person',
              {
                customerId: owner,
              },
            );
          const after = await getCustomer(tx, workspaceId, before.id);
          await recordAudit(tx, request, { action: 'customer.identity_add', targetType: 'customer', targetId: after.id, before, after });
          return after;
        });
        return reply.code(201).send(result);
      },
    );

    app.post(
      `${base}/:id/merge`,
      {
        config: { access: 'customers.merge' },
        schema: {
          tags: ['customers'],
          summary:
            'Merge another customer into this one: identities, conversations and history move here (needs confirm: true; cannot be undone)',
          params: WorkspaceEntityParams,
          body: MergeCustomersRequest,
          response: { 200: Customer, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const source = await getCustomer(tx, workspaceId, request.body.sourceCustomerId);
          const target = await getCustomer(tx, workspaceId, request.params.id);
          await mergeCustomers(tx, workspaceId, { sourceId: source.id, targetId: target.id });
          const after = await getCustomer(tx, workspaceId, target.id);
          await recordAudit(tx, request, {
            action: 'customer.merge',
            targetType: 'customer',
            targetId: target.id,
            before: { source, target },
            after,
          });
          return after;
        }),
    );
  };
