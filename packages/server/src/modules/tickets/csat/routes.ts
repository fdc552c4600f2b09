import { and, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { notFoundPage } from '../../knowledge/help-center.js';
import { workspaces } from '../../workspaces/schema.js';
import { rateTicket } from '../commands/rate-ticket.js';
import { publishTicketChanged } from '../history.js';
import { tickets } from '../schema.js';
import { sendRequestPage, type HelpWorkspace } from '../web-form/page.js';
import { csatAlreadyRatedPage, csatFormPage, csatLinkInvalidPage, csatThanksPage } from './page.js';
import { checkCsatToken } from './token.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const GONE = '没有这个帮助中心 / No such help center';
/** Rating posts per IP per help center: a customer rates a few tickets, a script many. */
const RATINGS_PER_IP = { max: 20, timeWindow: '10 minutes' } as const;

const RatingForm = z.object({
  rating: z.coerce
    .number({ error: '请选择 1 到 5 分。Choose a rating from 1 to 5.' })
    .int('请选择 1 到 5 分。Choose a rating from 1 to 5.')
    .min(1, '请选择 1 到 5 分。Choose a rating from 1 to 5.')
    .max(5, '请选择 1 到 5 分。Choose a rating from 1 to 5.'),
  comment: z.string().max(2000, '意见最多 2000 字。The comment is at most 2,000 characters.').default(''),
});

export interface CsatClock {
  now(): Date;
}

/**
 * The public rating page of a solved ticket (服务评价), linked from the solved email: the signed
 * token names the ticket; the page shows a form, and only its post stores the rating (once).
 */
export const ticketCsatRoutes =
  (ctx: AppContext, clock: CsatClock = { now: () => new Date() }): FastifyPluginAsync =>
  async (app) => {
    const html = (reply: FastifyReply, status: number, body: string) => sendRequestPage(reply, status, body);
    const workspaceBySlug = async (slug: string): Promise<HelpWorkspace | undefined> => {
      if (!SLUG.test(slug)) return undefined;
      const [row] = await ctx.db
        .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug })
        .from(workspaces)
        .where(eq(workspaces.slug, slug));
      return row;
    };

    /** The ticket the link names, or the page that says why there is none. */
    const resolve = async (reply: FastifyReply, slug: string, token: string) => {
      const workspace = await workspaceBySlug(slug);
      if (!workspace) return { done: notFoundPage(reply, GONE) };
      const check = checkCsatToken(ctx.secrets, workspace.id, token, clock.now());
      if (!check.ok)
        return { done: html(reply, check.reason === 'expired' ? 410 : 400, csatLinkInvalidPage(workspace, check.reason === 'expired')) };
      const [ticket] = await ctx.db
        .select()
        .from(tickets)
        .where(and(eq(tickets.workspaceId, workspace.id), eq(tickets.id, check.ticketId)));
      if (!ticket) return { done: html(reply, 400, csatLinkInvalidPage(workspace, false)) };
      if (ticket.csatRating !== null) return { done: html(reply, 409, csatAlreadyRatedPage(workspace)) };
      return { workspace, ticket };
    };

    const readFields = async (request: FastifyRequest) => {
      if (!request.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'send the form as multipart/form-data');
      const fields: Record<string, string> = {};
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (typeof part.value === 'string' && part.fieldname.length <= 50) fields[part.fieldname] = part.value;
        } else part.file.resume();
      }
      return fields;
    };

    app.get<{ Params: { slug: string; token: string } }>(
      '/help/:slug/csat/:token',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const found = await resolve(reply, request.params.slug, request.params.token);
        if ('done' in found) return found.done;
        return html(reply, 200, csatFormPage(found.workspace, request.params.token, found.ticket));
      },
    );

    app.post<{ Params: { slug: string; token: string } }>(
      '/help/:slug/csat/:token',
      {
        config: {
          access: 'public',
          rateLimit: {
            ...RATINGS_PER_IP,
            keyGenerator: (request: FastifyRequest) => `ticket-csat:${request.ip}:${(request.params as { slug?: string }).slug ?? ''}`,
          },
        },
        schema: { hide: true },
      },
      async (request, reply) => {
        const found = await resolve(reply, request.params.slug, request.params.token);
        if ('done' in found) return found.done;
        const fields = await readFields(request);
        const parsed = RatingForm.safeParse(fields);
        if (!parsed.success)
          return html(
            reply,
            400,
            csatFormPage(
              found.workspace,
              request.params.token,
              found.ticket,
              [...new Set(parsed.error.issues.map((issue) => issue.message))],
              { rating: fields.rating, comment: (fields.comment ?? '').slice(0, 2000) },
            ),
          );
        try {
          const rated = await ctx.db.transaction((tx) =>
            rateTicket(tx, { workspaceId: found.workspace.id, ticketId: found.ticket.id, ...parsed.data }),
          );
          publishTicketChanged(ctx.realtime, [rated]);
          return html(reply, 200, csatThanksPage(found.workspace, parsed.data.rating));
        } catch (error) {
          // Two posts raced past the check above: the second finds the first rating under the lock.
          if (error instanceof AppError && error.code === 'already_rated') return html(reply, 409, csatAlreadyRatedPage(found.workspace));
          throw error;
        }
      },
    );
  };
