import {
  ErrorBody,
  TicketNotificationEvent,
  TicketNotificationEventParams,
  TicketNotificationTemplate,
  TicketNotificationTemplateList,
  UpdateTicketNotificationTemplateRequest,
  WorkspaceParams,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import { audited } from '../../audit/service.js';
import { memberOf } from '../../auth/access.js';
import { listNotificationTemplates, saveNotificationTemplate } from './templates.js';

const errors = { '4xx': ErrorBody };
const tags = ['tickets'];

/** The requester emails (ticket received, agent replied, solved): admins read and change them. */
export const ticketNotificationRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const path = '/workspaces/:workspaceId/ticket-notification-templates';

    app.get(
      path,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'The requester emails of tickets, in zh-CN and en (the shipped defaults where none was saved)',
          params: WorkspaceParams,
          response: { 200: TicketNotificationTemplateList, ...errors },
        },
      },
      async (request) => ({ items: await listNotificationTemplates(ctx.db, memberOf(request).workspaceId) }),
    );

    app.put(
      `${path}/:event`,
      {
        config: { access: 'tickets.configure' },
        schema: {
          tags,
          summary: 'Change one requester email: enabled, subject and body per language (unknown placeholders are 400)',
          params: TicketNotificationEventParams,
          body: UpdateTicketNotificationTemplateRequest,
          response: { 200: TicketNotificationTemplate, ...errors },
        },
      },
      async (request) => {
        const { workspaceId, userId } = memberOf(request);
        const event = TicketNotificationEvent.safeParse(request.params.event);
        if (!event.success) throw notFound('ticket notification template');
        const { after } = await audited(
          ctx.db,
          request,
          { action: 'ticket_notification_template.update', targetType: 'ticket_notification_template' },
          async (tx) => {
            const { before, after } = await saveNotificationTemplate(tx, workspaceId, userId, event.data, request.body);
            return { before: { id: before.event, ...before }, after: { id: after.event, ...after } };
          },
        );
        const { id: _id, ...view } = after;
        return view;
      },
    );
  };
