import {
  CreateTicketLinkRequest,
  ErrorBody,
  MergeTicketsRequest,
  NoContent,
  Ticket,
  TicketLink,
  TicketLinkList,
  TicketLinkParams,
  WorkspaceEntityParams,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../platform/context.js';
import { linkTickets } from '../commands/link-tickets.js';
import { mergeTickets } from '../commands/merge-tickets.js';
import { unlinkTickets } from '../commands/unlink-tickets.js';
import { publishTicketChanged } from '../history.js';
import { loadTicket } from '../queries.js';
import { actorOf, viewerOf } from '../routes.js';
import { ticketView } from '../views.js';
import { listLinks } from './queries.js';

const errors = { '4xx': ErrorBody };
const tags = ['tickets'];

/** Merge duplicates into one ticket; link related, parent/child and problem/incident tickets. */
export const ticketLinkRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/tickets/:id';

    app.post(
      `${base}/merge`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary:
            'Merge duplicate tickets into this one: their threads show here, their conversations move here, they are closed, each requester is told',
          params: WorkspaceEntityParams,
          body: MergeTicketsRequest,
          response: { 200: Ticket, ...errors },
        },
      },
      async (request) => {
        const actor = await actorOf(ctx, request);
        const result = await ctx.db.transaction((tx) =>
          mergeTickets(tx, { viewer: viewerOf(request), actor, targetId: request.params.id, ...request.body }),
        );
        publishTicketChanged(ctx.realtime, [result.target, ...result.sources]);
        return ticketView(result.target);
      },
    );

    app.get(
      `${base}/links`,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'The tickets linked to this one (related, parent, children, problem, incidents) that you may see',
          params: WorkspaceEntityParams,
          response: { 200: TicketLinkList, ...errors },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        const ticket = await loadTicket(ctx.db, viewer, request.params.id);
        return { items: await listLinks(ctx.db, viewer, ticket) };
      },
    );

    app.post(
      `${base}/links`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Link another ticket as this one’s related ticket, parent, child, problem or incident (201; 200 when already linked)',
          params: WorkspaceEntityParams,
          body: CreateTicketLinkRequest,
          response: { 201: TicketLink, 200: TicketLink, ...errors },
        },
      },
      async (request, reply) => {
        const actor = await actorOf(ctx, request);
        const result = await ctx.db.transaction((tx) =>
          linkTickets(tx, {
            viewer: viewerOf(request),
            actor,
            ticketId: request.params.id,
            type: request.body.type,
            otherId: request.body.ticketId,
          }),
        );
        publishTicketChanged(ctx.realtime, result.tickets);
        return reply.code(result.created ? 201 : 200).send(result.link);
      },
    );

    app.delete(
      `${base}/links/:linkId`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Remove a link of this ticket',
          params: TicketLinkParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const actor = await actorOf(ctx, request);
        const changed = await ctx.db.transaction((tx) =>
          unlinkTickets(tx, { viewer: viewerOf(request), actor, ticketId: request.params.id, linkId: request.params.linkId }),
        );
        publishTicketChanged(ctx.realtime, changed);
        return reply.code(204).send(null);
      },
    );
  };
