import { WidgetSettings, type Attachment } from '@huiliu/contracts';
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { constantTimeEqual } from '../../../platform/secrets.js';
import { findVisitorByToken } from '../../../channels/widget/visitors.js';
import { publishMessage } from '../../conversations/events.js';
import { customerIdentities, customers } from '../../customers/schema.js';
import { storeUpload } from '../../files/service.js';
import { inboxes } from '../../inboxes/schema.js';
import { widgetSettingsOf } from '../../inboxes/service.js';
import { notFoundPage } from '../../knowledge/help-center.js';
import { workspaces } from '../../workspaces/schema.js';
import { replyFromPortal } from '../commands/reply-from-portal.js';
import { publishTicketChanged } from '../history.js';
import { sendRequestPage } from '../web-form/page.js';
import type { HelpWorkspace } from '../web-form/page.js';
import {
  confirmSignInPage,
  linkInvalidPage,
  linkSentPage,
  portalPath,
  signInPage,
  ticketListPage,
  ticketNotFoundPage,
  ticketPage,
} from './page.js';
import {
  consumeLoginToken,
  endPortalSession,
  findPortalSession,
  hasPortalTickets,
  issueLoginToken,
  LINK_REQUESTS_PER_IP,
  LINK_TTL_MINUTES,
  normaliseEmail,
  portalTicket,
  portalTickets,
  publicThread,
  type PortalPrincipal,
} from './service.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const NUMBER = /^[1-9][0-9]{0,9}$/;
/** The portal's cookie: its own name and path, so it is never an agent session and never sent outside the portal. */
export const PORTAL_COOKIE = 'huiliu_portal';
/** Widget visitors asking for a portal link, per IP per minute. */
const WIDGET_LINKS_PER_MINUTE = 10;
/** Identities a widget customer must hold to open the portal from the widget: proven by the host site or by a code. */
const PORTAL_VERIFIED_VIA = ['hmac', 'otp'] as const;

const EmailField = z.string().trim().min(1).max(254).email();
const TOKEN = z.string().regex(/^hlp_[A-Za-z0-9_-]{43}$/);
const GONE = '没有这个帮助中心 / No such help center';

export interface PortalClock {
  now(): Date;
}

/**
 * The customer portal (我的工单) in the help center: sign-in by a one-time link mailed to the
 * customer (or handed to a widget visitor with a verified identity), then the customer's own
 * tickets, their public threads, and replies with an attachment. Everything is server-rendered
 * like the rest of the help center; forms are multipart (the API's one form encoding) and carry
 * a CSRF token bound to the session, on top of the SameSite cookie.
 */
export const portalRoutes =
  (ctx: AppContext, clock: PortalClock = { now: () => new Date() }): FastifyPluginAsync =>
  async (app) => {
    const workspaceBySlug = async (slug: string): Promise<HelpWorkspace | undefined> => {
      if (!SLUG.test(slug)) return undefined;
      const [row] = await ctx.db
        .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug })
        .from(workspaces)
        .where(eq(workspaces.slug, slug));
      return row;
    };
    /** Uploads follow the help center's chat inbox's policy (the web form's), else the widget defaults. */
    const attachmentPolicy = async (workspaceId: string) => {
      const [inbox] = await ctx.db
        .select()
        .from(inboxes)
        .where(and(eq(inboxes.workspaceId, workspaceId), eq(inboxes.kind, 'widget'), eq(inboxes.enabled, true)))
        .orderBy(asc(inboxes.createdAt))
        .limit(1);
      return inbox ? widgetSettingsOf(inbox).attachments : WidgetSettings.parse({}).attachments;
    };
    // Bound to the session and keyed by the server's secret: a page of another site can neither read nor forge it.
    const csrfOf = (sessionToken: string) => ctx.secrets.mac('portal-csrf', sessionToken).toString('base64url');
    const cookiePath = (workspace: HelpWorkspace) => portalPath(workspace);

    /** The signed-in customer of this help center, if the cookie holds a live session of it. */
    const sessionOf = async (request: FastifyRequest, workspace: HelpWorkspace) => {
      const token = request.cookies[PORTAL_COOKIE];
      if (!token || token.length > 200) return undefined;
      const row = await findPortalSession(ctx.db, workspace.id, token, clock.now());
      if (!row) return undefined;
      const principal: PortalPrincipal = { workspaceId: workspace.id, email: row.email, customerId: row.customerId };
      return { principal, token, csrf: csrfOf(token), row };
    };

    /** The form's text fields (the file, if any, is left to the caller). */
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

    /**
     * A state-changing form post must come from the portal's own pages: the CSRF token of the
     * session, and, when the browser names one, an Origin that is this server.
     */
    const checkForm = (request: FastifyRequest, csrf: string, sent: string | undefined) => {
      const origin = request.headers.origin;
      if (origin && origin !== 'null') {
        let host: string | undefined;
        try {
          host = new URL(origin).host;
        } catch {
          host = undefined;
        }
        const publicHost = new URL(ctx.config.publicUrl).host;
        if (host !== request.headers.host && host !== publicHost)
          throw new AppError(403, 'cross_site_form', 'this form must be sent from the help center');
      }
      if (!sent || !constantTimeEqual(sent, csrf))
        throw new AppError(403, 'csrf_failed', 'the form expired; reload the page and try again');
    };

    const html = (reply: FastifyReply, status: number, body: string) => sendRequestPage(reply, status, body);
    const noTicket = (reply: FastifyReply, workspace: HelpWorkspace) => html(reply, 404, ticketNotFoundPage(workspace));

    app.get<{ Params: { slug: string } }>(
      '/help/:slug/portal',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, GONE);
        const session = await sessionOf(request, workspace);
        if (!session) return html(reply, 200, signInPage(workspace));
        const rows = await portalTickets(ctx.db, session.principal);
        const who = session.principal.email ?? (await customerName(session.principal.customerId!));
        return html(reply, 200, ticketListPage(workspace, who, rows, session.csrf));
      },
    );

    const customerName = async (customerId: string) => {
      const [row] = await ctx.db.select({ name: customers.name }).from(customers).where(eq(customers.id, customerId));
      return row?.name ?? '';
    };

    app.post<{ Params: { slug: string } }>(
      '/help/:slug/portal/login',
      {
        config: {
          access: 'public',
          rateLimit: {
            ...LINK_REQUESTS_PER_IP,
            keyGenerator: (request: FastifyRequest) => `portal-link:${request.ip}:${(request.params as { slug?: string }).slug ?? ''}`,
          },
        },
        schema: { hide: true },
      },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, GONE);
        const fields = await readFields(request);
        const parsed = EmailField.safeParse(fields.email ?? '');
        if (!parsed.success)
          return html(
            reply,
            400,
            signInPage(workspace, ['请填写有效的邮箱地址。Enter a valid email address.'], (fields.email ?? '').slice(0, 254)),
          );
        const email = normaliseEmail(parsed.data);
        const issued = await ctx.db.transaction((tx) =>
          issueLoginToken(tx, { workspaceId: workspace.id, email, ip: request.ip, now: clock.now() }),
        );
        if ('limited' in issued)
          return html(
            reply,
            429,
            signInPage(
              workspace,
              ['该邮箱的登录链接请求过于频繁，请 15 分钟后再试。Too many links for this address; try again in 15 minutes.'],
              email,
            ),
          );
        // The answer is sent before the address is looked at, so neither its words nor its
        // timing tell whether the address has tickets here.
        setImmediate(() => void mailLink(workspace, email, issued.token));
        return html(reply, 200, linkSentPage(workspace));
      },
    );

    const mailLink = async (workspace: HelpWorkspace, email: string, token: string) => {
      try {
        if (!(await hasPortalTickets(ctx.db, workspace.id, email))) return;
        if (!ctx.mailer.configured) {
          ctx.logger.warn({ workspaceId: workspace.id }, 'a portal sign-in link was asked for but no SMTP_URL is set to send it');
          return;
        }
        const url = `${ctx.config.publicUrl}${portalPath(workspace)}/auth?token=${token}`;
        await ctx.mailer.send({
          to: email,
          subject: `登录我的工单 Sign in to your tickets · ${workspace.name}`,
          text: [
            '点击以下链接查看您的工单（' + LINK_TTL_MINUTES + ' 分钟内有效，仅能使用一次）：',
            url,
            '',
            `Open this link to see your tickets (valid for ${LINK_TTL_MINUTES} minutes, once):`,
            '',
            '如果不是您本人操作，请忽略此邮件。If you did not ask for it, ignore this mail.',
            '-- ',
            workspace.name,
          ].join('\n'),
        });
      } catch (error) {
        ctx.logger.error({ err: error, workspaceId: workspace.id }, 'portal sign-in link not sent');
      }
    };

    app.get<{ Params: { slug: string }; Querystring: { token?: unknown } }>(
      '/help/:slug/portal/auth',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, GONE);
        const token = TOKEN.safeParse(request.query.token);
        // Referrer-Policy keeps the token out of any request the page makes.
        reply.header('referrer-policy', 'no-referrer');
        if (!token.success) return html(reply, 400, linkInvalidPage(workspace));
        return html(reply, 200, confirmSignInPage(workspace, token.data));
      },
    );

    app.post<{ Params: { slug: string } }>(
      '/help/:slug/portal/auth',
      {
        config: {
          access: 'public',
          rateLimit: {
            ...LINK_REQUESTS_PER_IP,
            keyGenerator: (request: FastifyRequest) => `portal-auth:${request.ip}:${(request.params as { slug?: string }).slug ?? ''}`,
          },
        },
        schema: { hide: true },
      },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, GONE);
        const fields = await readFields(request);
        const token = TOKEN.safeParse(fields.token);
        const session = token.success ? await consumeLoginToken(ctx.db, workspace.id, token.data, clock.now()) : null;
        if (!session) return html(reply, 400, linkInvalidPage(workspace));
        reply.setCookie(PORTAL_COOKIE, session.sessionToken, {
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.config.cookieSecure,
          path: cookiePath(workspace),
          expires: session.expiresAt,
        });
        return reply.code(303).header('cache-control', 'no-store').redirect(portalPath(workspace), 303);
      },
    );

    app.post<{ Params: { slug: string } }>(
      '/help/:slug/portal/logout',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, GONE);
        const session = await sessionOf(request, workspace);
        const fields = await readFields(request);
        if (session) {
          checkForm(request, session.csrf, fields.csrf);
          await endPortalSession(ctx.db, workspace.id, session.token);
        }
        reply.clearCookie(PORTAL_COOKIE, { path: cookiePath(workspace) });
        return reply.redirect(portalPath(workspace), 303);
      },
    );

    app.get<{ Params: { slug: string; number: string } }>(
      '/help/:slug/portal/tickets/:number',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, GONE);
        const session = await sessionOf(request, workspace);
        // Signed out, another customer's, another workspace's or none at all: the same 404.
        if (!session) return noTicket(reply, workspace);
        const ticket = NUMBER.test(request.params.number)
          ? await portalTicket(ctx.db, session.principal, Number(request.params.number))
          : undefined;
        if (!ticket) return noTicket(reply, workspace);
        const thread = await publicThread(ctx.db, ticket);
        return html(reply, 200, ticketPage(workspace, ticket, thread, session.csrf, randomUUID(), await attachmentPolicy(workspace.id)));
      },
    );

    app.post<{ Params: { slug: string; number: string } }>(
      '/help/:slug/portal/tickets/:number/replies',
      {
        config: {
          access: 'public',
          rateLimit: {
            max: 20,
            timeWindow: '10 minutes',
            keyGenerator: (request: FastifyRequest) => `portal-reply:${request.ip}:${(request.params as { slug?: string }).slug ?? ''}`,
          },
        },
        schema: { hide: true },
      },
      async (request, reply) => {
        const workspace = await workspaceBySlug(request.params.slug);
        if (!workspace) return notFoundPage(reply, GONE);
        const session = await sessionOf(request, workspace);
        if (!session) return noTicket(reply, workspace);
        const number = NUMBER.test(request.params.number) ? Number(request.params.number) : null;
        const ticket = number ? await portalTicket(ctx.db, session.principal, number) : undefined;
        if (!ticket) return noTicket(reply, workspace);
        if (!request.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'send the form as multipart/form-data');
        const policy = await attachmentPolicy(workspace.id);
        const fields: Record<string, string> = {};
        const attachments: Attachment[] = [];
        let judged: string[] | undefined;
        const judge = () => {
          checkForm(request, session.csrf, fields.csrf);
          const problems: string[] = [];
          if (!z.string().uuid().safeParse(fields.replyKey).success)
            problems.push('表单已失效，请刷新页面后重试。The form expired; reload the page and try again.');
          if ((fields.text ?? '').length > 10_000) problems.push('回复最多 10000 字。A reply is at most 10,000 characters.');
          return problems;
        };
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (typeof part.value === 'string' && part.fieldname.length <= 50) fields[part.fieldname] = part.value;
            continue;
          }
          // Everything is judged before a byte of the file is stored: a refused reply keeps no file.
          judged ??= judge();
          if (!part.filename || judged.length) {
            part.file.resume();
            continue;
          }
          attachments.push(
            await storeUpload(ctx.db, ctx.storage, {
              workspaceId: workspace.id,
              uploadedBy: `portal:${session.row.id}`,
              fileName: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              policy,
            }),
          );
        }
        judged ??= judge();
        const text = (fields.text ?? '').trim();
        if (!judged.length && !text && !attachments.length) judged.push('请填写回复内容或添加附件。Write a reply or attach a file.');
        if (judged.length) {
          const thread = await publicThread(ctx.db, ticket);
          return html(reply, 400, ticketPage(workspace, ticket, thread, session.csrf, randomUUID(), policy, judged));
        }
        const replied = await ctx.db.transaction((tx) =>
          replyFromPortal(tx, {
            principal: session.principal,
            number: ticket.number,
            text,
            attachments,
            replyKey: fields.replyKey!,
            senderName: null,
          }),
        );
        if (replied.message) publishMessage(ctx.realtime, replied.message.conversation, replied.message.message);
        if (replied.changed.length) publishTicketChanged(ctx.realtime, replied.changed);
        // A closed ticket's reply went to its follow-up: show the ticket that has it.
        const shown = replied.changed.find((row) => row.followUpOfId === ticket.id) ?? ticket;
        return reply.redirect(`${portalPath(workspace)}/tickets/${shown.number}`, 303);
      },
    );

    /**
     * The widget opens the portal for a visitor whose customer holds a proven identity (the host
     * site's signature or a one-time code): a one-time link for that customer, opened in a new tab.
     */
    app.post(
      '/api/v1/widget/portal-link',
      {
        config: { access: 'public', rateLimit: { max: WIDGET_LINKS_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['widget'],
          summary: 'A one-time customer-portal sign-in link for a verified widget visitor (header x-visitor-token)',
        },
      },
      async (request, reply) => {
        const header = request.headers['x-visitor-token'];
        const visitor = typeof header === 'string' && header.length < 200 ? await findVisitorByToken(ctx.db, header) : undefined;
        if (!visitor) throw new AppError(401, 'unauthorized', 'send the visitor token in the x-visitor-token header');
        const verified = await ctx.db
          .select({ via: customerIdentities.verifiedVia })
          .from(customerIdentities)
          .where(and(eq(customerIdentities.workspaceId, visitor.workspaceId), eq(customerIdentities.customerId, visitor.customerId)));
        if (!verified.some((row) => (PORTAL_VERIFIED_VIA as readonly string[]).includes(row.via ?? '')))
          throw new AppError(
            403,
            'not_verified',
            'sign in on the host site or verify your email in the chat first; or ask for a link by email in the help center',
          );
        const [workspace] = await ctx.db
          .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug })
          .from(workspaces)
          .where(eq(workspaces.id, visitor.workspaceId));
        const issued = await ctx.db.transaction((tx) =>
          issueLoginToken(tx, { workspaceId: visitor.workspaceId, customerId: visitor.customerId, ip: request.ip, now: clock.now() }),
        );
        if ('limited' in issued || !workspace) throw new AppError(429, 'rate_limited', 'too many links');
        return reply.code(201).send({
          url: `${ctx.config.publicUrl}${portalPath(workspace)}/auth?token=${issued.token}`,
          expiresAt: issued.expiresAt.toISOString(),
        });
      },
    );
  };
