import { Attachment, ErrorBody, StartVisitorSessionRequest, VisitorSession, WidgetConfig, WidgetConfigQuery } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound, unauthorized } from '../../platform/errors.js';
import { getBotSettings } from '../../modules/bot/settings.js';
import { findOpenConversation } from '../../modules/conversations/commands.js';
import { singleFilePart } from '../../modules/files/routes.js';
import { storeUpload } from '../../modules/files/service.js';
import { findEnabledInboxByKey, getInbox, widgetSettingsOf } from '../../modules/inboxes/service.js';
import { calendarNextOpening, isCalendarOpen } from '../../modules/routing/business-hours.js';
import { teamCalendar } from '../../modules/teams/service.js';
import { assertOriginAllowed } from './allowed-origins.js';
import { agentsOnline } from './presence.js';
import { verifyIdentity } from './identity.js';
import { findVisitorByToken, startVisitorSession } from './visitors.js';

const errors = { '4xx': ErrorBody };

/**
 * The visitor's city from the reverse proxy's geo-IP header, when one is configured and the proxy
 * is trusted (anyone can send the header straight to the server). Proxies send it URL-encoded.
 */
function geoCity(headers: Record<string, string | string[] | undefined>, config: AppContext['config']): { city?: string } {
  if (!config.GEO_CITY_HEADER || !config.TRUST_PROXY) return {};
  const raw = headers[config.GEO_CITY_HEADER];
  if (typeof raw !== 'string' || !raw.trim()) return {};
  let city = raw;
  try {
    city = decodeURIComponent(raw);
  } catch {
    // Not URL-encoded after all: kept as sent.
  }
  return { city: city.trim().slice(0, 60) };
}

/** The widget's public HTTP entry points; everything after the session goes over the socket. */
export const widgetRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const inboxByKey = async (key: string) => {
      const inbox = await findEnabledInboxByKey(ctx.db, key, 'widget');
      if (!inbox) throw notFound('chat (check the data-inbox-key of the widget script)');
      return inbox;
    };

    app.get(
      '/widget/config',
      {
        config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags: ['widget'],
          summary: 'Appearance and behaviour of a widget inbox',
          querystring: WidgetConfigQuery,
          response: { 200: WidgetConfig, ...errors },
        },
      },
      async (request) => {
        const inbox = await inboxByKey(request.query.inboxKey);
        const settings = widgetSettingsOf(inbox);
        assertOriginAllowed(settings.allowedOrigins, request.headers.origin, ctx.config.publicUrl);
        const calendar = await teamCalendar(ctx.db, inbox.defaultTeamId);
        const open = isCalendarOpen(calendar);
        const bot = await getBotSettings(ctx.db, inbox.workspaceId, inbox.id);
        return {
          inboxId: inbox.id,
          name: inbox.name,
          color: settings.color,
          greeting: settings.greeting,
          offlineMessage: settings.offlineMessage,
          preChatForm: settings.preChatForm,
          attachments: settings.attachments,
          requireIdentity: settings.requireIdentity,
          csatEnabled: settings.csatEnabled,
          online: open && (await agentsOnline(ctx.realtime, inbox.workspaceId)),
          opensAt: open ? null : (calendarNextOpening(calendar)?.toISOString() ?? null),
          bot: { enabled: bot.enabled, name: bot.name },
          emailVerification: ctx.mailer.configured,
        };
      },
    );

    app.post(
      '/widget/sessions',
      {
        config: { access: 'public', rateLimit: { max: ctx.config.WIDGET_SESSIONS_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['widget'],
          summary: 'Start or resume a visitor (anonymous, or identified by a signature from the host site)',
          body: StartVisitorSessionRequest,
          response: { 200: VisitorSession, ...errors },
        },
      },
      async (request) => {
        const { inboxKey, visitorToken, identity, context } = request.body;
        const inbox = await inboxByKey(inboxKey);
        const settings = widgetSettingsOf(inbox);
        assertOriginAllowed(settings.allowedOrigins, request.headers.origin, ctx.config.publicUrl);
        if (identity) verifyIdentity(inbox.secret, identity, settings.identityMaxAgeSeconds);
        else if (settings.requireIdentity) throw new AppError(401, 'identity_required', 'this chat needs a signed identity from the site');
        const { token, visitor } = await startVisitorSession(ctx.db, inbox, {
          token: visitorToken,
          verified: identity ? { userId: identity.userId, name: identity.name, email: identity.email, phone: identity.phone } : undefined,
          context: {
            ...context,
            ip: request.ip,
            userAgent: context.userAgent ?? request.headers['user-agent'],
            ...geoCity(request.headers, ctx.config),
          },
        });
        const open = await findOpenConversation(ctx.db, inbox.workspaceId, inbox.id, visitor.customerId);
        return {
          visitorToken: token,
          visitorId: visitor.visitorId,
          customerId: visitor.customerId,
          verified: Boolean(identity),
          conversationId: open?.id ?? null,
        };
      },
    );

    app.post(
      '/widget/attachments',
      {
        config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags: ['widget'],
          summary: 'Upload a file as a visitor (header x-visitor-token; multipart field "file")',
          consumes: ['multipart/form-data'],
          response: { 201: Attachment, ...errors },
        },
      },
      async (request, reply) => {
        const token = request.headers['x-visitor-token'];
        const visitor = typeof token === 'string' ? await findVisitorByToken(ctx.db, token) : undefined;
        if (!visitor) throw unauthorized('send the visitor token in the x-visitor-token header');
        const inbox = await getInbox(ctx.db, visitor.workspaceId, visitor.inboxId);
        const part = await singleFilePart(request);
        const attachment = await storeUpload(ctx.db, ctx.storage, {
          workspaceId: visitor.workspaceId,
          uploadedBy: `customer:${visitor.customerId}`,
          fileName: part.filename,
          contentType: part.mimetype,
          stream: part.file,
          policy: widgetSettingsOf(inbox).attachments,
        });
        return reply.code(201).send(attachment);
      },
    );
  };
