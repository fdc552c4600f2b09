import { ErrorBody, PageQuery, TimelineItem, WorkspaceEntityParams, page } from '@huiliu/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../platform/context.js';
import { decodeCursor, keyset, toPage } from '../../../platform/http/pagination.js';
import { getCustomer } from '../../customers/service.js';
import { users } from '../../users/schema.js';
import { viewerOf } from '../routes.js';
import { tickets } from '../schema.js';
import { visibleTo } from '../visibility.js';

const errors = { '4xx': ErrorBody };

/**
 * The customer 360's ticket side: the customer's tickets as timeline items (number, subject,
 * status), newest first, beside the conversations of `/customers/{id}/timeline`. Only the
 * tickets the agent may see; a merged customer's tickets moved to the survivor with the merge.
 * Duplicates merged into another ticket are left out: the ticket they joined stands for them.
 */
export const customerTicketRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/customers/:id/tickets',
      {
        config: { access: 'tickets.read' },
        schema: {
          tags: ['customers', 'tickets'],
          summary: "The customer's tickets for the customer 360 timeline, newest first (the ones you may see)",
          params: WorkspaceEntityParams,
          querystring: PageQuery,
          response: { 200: page(TimelineItem), ...errors },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        if (request.query.cursor) decodeCursor(request.query.cursor);
        const customer = await getCustomer(ctx.db, viewer.workspaceId, request.params.id);
        const position = keyset({ createdAt: tickets.createdAt, id: tickets.id }, request.query.cursor);
        const rows = await ctx.db
          .select({ ticket: tickets, assigneeName: users.name })
          .from(tickets)
          .leftJoin(users, eq(users.id, tickets.assigneeId))
          .where(
            and(
              eq(tickets.workspaceId, viewer.workspaceId),
              eq(tickets.requesterId, customer.id),
              isNull(tickets.mergedIntoId),
              visibleTo(ctx.db, viewer),
              position.where,
            ),
          )
          .orderBy(...position.orderBy)
          .limit(request.query.limit + 1);
        return toPage(
          rows.map((row) => ({ ...row, id: row.ticket.id, createdAt: row.ticket.createdAt })),
          request.query.limit,
          ({ ticket, assigneeName }) => ({
            kind: 'ticket' as const,
            id: ticket.id,
            number: ticket.number,
            channel: ticket.sourceChannel,
            inboxId: null,
            inboxName: null,
            state: ticket.status,
            subject: ticket.subject,
            preview: null,
            startedAt: ticket.createdAt.toISOString(),
            endedAt: ticket.solvedAt?.toISOString() ?? null,
            assigneeId: ticket.assigneeId,
            assigneeName,
            teamId: ticket.teamId,
            disposition: null,
          }),
        );
      },
    );
  };
