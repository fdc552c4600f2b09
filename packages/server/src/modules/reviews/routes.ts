import {
  ApproveReviewRequest,
  ApproveWithEditRequest,
  ErrorBody,
  PageQuery,
  RejectReviewRequest,
  ReplyReview,
  ReviewQuery,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
  roleHas,
} from '@huiliu/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { memberOf } from '../auth/access.js';
import { publishMessage } from '../conversations/events.js';
import { getConversation } from '../conversations/queries.js';
import { publishTicketChanged } from '../tickets/history.js';
import { loadTicket } from '../tickets/queries.js';
import { findUserById } from '../users/service.js';
import type { Executor } from '../users/service.js';
import { approveReview, rejectReview, type Decided, type Decision } from './decide.js';
import { getReview, listReviews, reviewById, type ReviewerContext } from './queue.js';

const errors = { '4xx': ErrorBody };
const tags = ['reviews'];

const reviewerOf = (request: FastifyRequest): ReviewerContext => {
  const { workspaceId, userId, role } = memberOf(request);
  return { workspaceId, userId, role };
};

export const reviewRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/reviews';

    app.get(
      base,
      {
        config: { access: 'reviews.read' },
        schema: {
          tags,
          summary:
            'Held replies, oldest first: the review queue (status=pending), an author’s own (authorId=me), or every one of a conversation or ticket',
          params: WorkspaceParams,
          querystring: PageQuery.extend(ReviewQuery.shape),
          response: { 200: page(ReplyReview), ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        const who = reviewerOf(request);
        const { authorId, conversationId, ticketId, ...rest } = request.query;
        // Whoever may read the case sees what waits for review on it (colleagues too; never the customer).
        if (conversationId) await getConversation(ctx.db, member.workspaceId, conversationId);
        if (ticketId)
          await loadTicket(
            ctx.db,
            { workspaceId: member.workspaceId, userId: member.userId, readAll: roleHas(member.role, 'tickets.read_all') },
            ticketId,
          );
        const author = authorId === 'me' ? (member.userId ?? '00000000-0000-0000-0000-000000000000') : authorId;
        return listReviews(
          ctx.db,
          who,
          { ...rest, conversationId, ticketId, ...(author ? { authorId: author } : {}) },
          !!(conversationId || ticketId),
        );
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'reviews.read' },
        schema: {
          tags,
          summary: 'One held reply and its decision',
          params: WorkspaceEntityParams,
          response: { 200: ReplyReview, ...errors },
        },
      },
      async (request) => getReview(ctx.db, reviewerOf(request), request.params.id),
    );

    /** Runs a decision in one transaction, then tells the consoles (the customer's channel hears from the outbox). */
    const decide = async (request: FastifyRequest, reviewId: string, run: (tx: Executor, decision: Decision) => Promise<Decided>) => {
      const reviewer = reviewerOf(request);
      const user = reviewer.userId ? await findUserById(ctx.db, reviewer.userId) : undefined;
      const decision = { reviewer: { ...reviewer, name: user?.name ?? (reviewer.userId ? null : 'API') }, reviewId };
      const decided = await ctx.db.transaction((tx) => run(tx, decision));
      if (decided.sent && !decided.sent.duplicate) publishMessage(ctx.realtime, decided.sent.conversation, decided.sent.message);
      if (decided.tickets.length) publishTicketChanged(ctx.realtime, decided.tickets);
      return reviewById(ctx.db, reviewer.workspaceId, decided.review.id);
    };

    app.post(
      `${base}/:id/approve`,
      {
        config: { access: 'reviews.decide' },
        schema: {
          tags,
          summary: 'Approve a held reply: it goes out once, as its author wrote it, marked approved by you',
          params: WorkspaceEntityParams,
          body: ApproveReviewRequest,
          response: { 200: ReplyReview, ...errors },
        },
      },
      async (request) => decide(request, request.params.id, (tx, decision) => approveReview(tx, decision)),
    );

    app.post(
      `${base}/:id/approve-with-edit`,
      {
        config: { access: 'reviews.decide' },
        schema: {
          tags,
          summary: 'Edit a held reply and approve it: your text goes out; the author’s original is kept for audit',
          params: WorkspaceEntityParams,
          body: ApproveWithEditRequest,
          response: { 200: ReplyReview, ...errors },
        },
      },
      async (request) => decide(request, request.params.id, (tx, decision) => approveReview(tx, decision, request.body.text)),
    );

    app.post(
      `${base}/:id/reject`,
      {
        config: { access: 'reviews.decide' },
        schema: {
          tags,
          summary: 'Reject a held reply with a reason for its author; nothing reaches the customer',
          params: WorkspaceEntityParams,
          body: RejectReviewRequest,
          response: { 200: ReplyReview, ...errors },
        },
      },
      async (request) => decide(request, request.params.id, (tx, decision) => rejectReview(tx, decision, request.body.reason)),
    );
  };
