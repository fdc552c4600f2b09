import {
  HeldReply,
  CreateTicketFromConversationRequest,
  CreateTicketHeaders,
  CreateTicketRequest,
  ErrorBody,
  EscalateTicketRequest,
  HandBackTicketRequest,
  Ticket,
  TicketComment,
  TicketCommentRequest,
  TicketDetail,
  TicketQuery,
  UpdateTicketRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
  roleHas,
} from '@huiliu/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { conflict } from '../../platform/errors.js';
import { memberOf } from '../auth/access.js';
import { publishMessage } from '../conversations/events.js';
import { findUserById } from '../users/service.js';
import { addTicketComment } from './commands/add-comment.js';
import { reviewById } from '../reviews/queue.js';
import { createTicketFromConversation } from './commands/create-from-conversation.js';
import { createTicket, findByIdempotencyKey, isTicketIdempotencyConflict } from './commands/create-ticket.js';
import { escalateTicket } from './commands/escalate.js';
import { handBackTicket } from './commands/hand-back.js';
import { updateTicket } from './commands/update-ticket.js';
import { publishTicketChanged } from './history.js';
import { notifyAssigned } from './notify.js';
import { listTickets, loadTicket, ticketDetail } from './queries.js';
import { commentView, ticketView, type TicketActor, type TicketRow } from './views.js';
import type { TicketViewer } from './visibility.js';

const errors = { '4xx': ErrorBody };
const tags = ['tickets'];

export function viewerOf(request: FastifyRequest): TicketViewer {
  const member = memberOf(request);
  return { workspaceId: member.workspaceId, userId: member.userId, readAll: roleHas(member.role, 'tickets.read_all') };
}

export async function actorOf(ctx: AppContext, request: FastifyRequest): Promise<TicketActor> {
  const member = memberOf(request);
  if (!member.userId) return { type: 'agent', id: null, name: 'API' };
  const user = await findUserById(ctx.db, member.userId);
  return { type: 'agent', id: member.userId, name: user?.name ?? null };
}

export const ticketRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/tickets';
    const changed = (...rows: TicketRow[]) => publishTicketChanged(ctx.realtime, rows);

    app.get(
      base,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'List tickets newest first: filters combine with full-text q (Chinese and English)',
          params: WorkspaceParams,
          querystring: TicketQuery,
          response: { 200: page(Ticket), ...errors },
        },
      },
      async (request) => listTickets(ctx.db, viewerOf(request), request.query),
    );

    app.post(
      base,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Create a ticket (integrations: send an Idempotency-Key; a retry returns the first ticket with 200)',
          params: WorkspaceParams,
          headers: CreateTicketHeaders,
          body: CreateTicketRequest,
          response: { 201: Ticket, 200: Ticket, ...errors },
        },
      },
      async (request, reply) => {
        const viewer = viewerOf(request);
        const actor = await actorOf(ctx, request);
        const key = request.headers['idempotency-key'] ?? null;
        const attempt = () =>
          ctx.db.transaction((tx) =>
            createTicket(tx, { ...request.body, workspaceId: viewer.workspaceId, actor, sourceChannel: 'api', idempotencyKey: key }),
          );
        let result;
        try {
          result = await attempt();
        } catch (error) {
          // A concurrent retry with the same key committed first: ours rolled back, theirs is the answer.
          if (!key || !isTicketIdempotencyConflict(error)) throw error;
          const earlier = await findByIdempotencyKey(ctx.db, viewer.workspaceId, key);
          if (!earlier) throw error;
          result = { ticket: earlier, created: false };
        }
        if (result.created) {
          changed(result.ticket);
          notifyAssigned(ctx.realtime, null, result.ticket, actor.id);
        } else
          await loadTicket(ctx.db, viewer, result.ticket.id).catch(() => {
            throw conflict('this Idempotency-Key was already used for a ticket you cannot see; use a new key');
          });
        return reply.code(result.created ? 201 : 200).send(ticketView(result.ticket));
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'tickets.read' },
        schema: {
          tags,
          summary: 'Read a ticket with its thread, history and linked conversations (with transcripts)',
          params: WorkspaceEntityParams,
          response: { 200: TicketDetail, ...errors },
        },
      },
      async (request) => ticketDetail(ctx.db, viewerOf(request), request.params.id),
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Change status, priority, type, assignee, team, followers, tags or due date (closed tickets are read-only)',
          params: WorkspaceEntityParams,
          body: UpdateTicketRequest,
          response: { 200: Ticket, ...errors },
        },
      },
      async (request) => {
        const actor = await actorOf(ctx, request);
        const others: TicketRow[] = [];
        // Read before, for the new assignee's notification only (the change itself is judged under lock).
        const before =
          request.body.assigneeId === undefined ? undefined : (await loadTicket(ctx.db, viewerOf(request), request.params.id)).assigneeId;
        const row = await ctx.db.transaction((tx) =>
          updateTicket(tx, { viewer: viewerOf(request), actor, ticketId: request.params.id, change: request.body, changed: others }),
        );
        changed(row, ...others);
        if (before !== undefined) notifyAssigned(ctx.realtime, before, row, actor.id);
        return ticketView(row);
      },
    );

    app.post(
      `${base}/:id/comments`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: "Reply to the customer on the linked conversation's channel (public) or add an internal note",
          params: WorkspaceEntityParams,
          body: TicketCommentRequest,
          response: { 201: TicketComment, 202: HeldReply, ...errors },
        },
      },
      async (request, reply) => {
        const actor = await actorOf(ctx, request);
        const others: TicketRow[] = [];
        const result = await ctx.db.transaction((tx) =>
          addTicketComment(tx, { viewer: viewerOf(request), actor, ticketId: request.params.id, ...request.body, changed: others }),
        );
        // A review policy held the public reply: it waits in the review queue, the customer sees nothing yet.
        if (result.held)
          return reply.code(202).send({ held: true as const, review: await reviewById(ctx.db, result.held.workspaceId, result.held.id) });
        if (result.message) publishMessage(ctx.realtime, result.message.conversation, result.message.message);
        changed(result.ticket, ...others);
        return reply.code(201).send(commentView(result.comment!));
      },
    );

    app.post(
      `${base}/:id/escalate`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Escalate to a tier-2 team with a reason (required) and a summary',
          params: WorkspaceEntityParams,
          body: EscalateTicketRequest,
          response: { 200: Ticket, ...errors },
        },
      },
      async (request) => {
        const actor = await actorOf(ctx, request);
        const row = await ctx.db.transaction((tx) =>
          escalateTicket(tx, { viewer: viewerOf(request), actor, ticketId: request.params.id, ...request.body }),
        );
        changed(row);
        return ticketView(row);
      },
    );

    app.post(
      `${base}/:id/hand-back`,
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Hand an escalated ticket back to the team and agent that escalated it',
          params: WorkspaceEntityParams,
          body: HandBackTicketRequest,
          response: { 200: Ticket, ...errors },
        },
      },
      async (request) => {
        const actor = await actorOf(ctx, request);
        const row = await ctx.db.transaction((tx) =>
          handBackTicket(tx, { viewer: viewerOf(request), actor, ticketId: request.params.id, ...request.body }),
        );
        changed(row);
        return ticketView(row);
      },
    );

    app.post(
      '/workspaces/:workspaceId/conversations/:id/ticket',
      {
        config: { access: 'tickets.manage' },
        schema: {
          tags,
          summary: 'Turn a conversation into a ticket in one click (the customer is told the number); 200 with the ticket it already has',
          params: WorkspaceEntityParams,
          body: CreateTicketFromConversationRequest,
          response: { 201: Ticket, 200: Ticket, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const actor = await actorOf(ctx, request);
        const result = await ctx.db.transaction((tx) =>
          createTicketFromConversation(tx, { ...request.body, workspaceId, actor, conversationId: request.params.id }),
        );
        if (result.notice) publishMessage(ctx.realtime, result.notice.conversation, result.notice.message);
        if (result.created) changed(result.ticket);
        return reply.code(result.created ? 201 : 200).send(ticketView(result.ticket));
      },
    );
  };
