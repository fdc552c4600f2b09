import { CustomerQuery, ErrorBody, WorkspaceParams } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { EXPORT_LIMITS, exportFileName, sendCsv } from '../../platform/http/csv.js';
import { memberOf } from '../auth/access.js';
import { eachCustomer } from './service.js';

const HEADER = ['number', 'label', 'name', 'tier', 'tags', 'emails', 'phones', 'external_ids', 'created_at', 'id'];

/** The customer directory as a CSV file, with the directory's filters. */
export const customerExportRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/customers/export.csv',
      {
        config: { access: 'customers.export' },
        schema: {
          tags: ['customers'],
          summary: `Download the customers the filters match as CSV (newest first, at most ${EXPORT_LIMITS.max})`,
          params: WorkspaceParams,
          querystring: CustomerQuery,
          produces: ['text/csv'],
          response: { '4xx': ErrorBody },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        async function* rows() {
          for await (const customer of eachCustomer(ctx.db, workspaceId, request.query, EXPORT_LIMITS)) {
            const of = (kind: string) => customer.identities.filter((identity) => identity.kind === kind).map((identity) => identity.value);
            yield [
              customer.number,
              customer.label,
              customer.name,
              customer.tier,
              customer.tags,
              of('email'),
              of('phone'),
              of('external'),
              customer.createdAt,
              customer.id,
            ];
          }
        }
        return sendCsv(reply, exportFileName('customers'), HEADER, rows());
      },
    );
  };
