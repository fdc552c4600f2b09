import {
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
import { getCustomer, listCustomers, updateCustomer } from './service.js';

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
