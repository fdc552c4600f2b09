import {
  ChannelKinds,
  CreateInboxRequest,
  ErrorBody,
  Inbox,
  InboxSecret,
  PageQuery,
  UpdateInboxRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { createInbox, getInbox, inboxView, listInboxes, rotateInboxSecret, updateInbox } from './service.js';

const errors = { '4xx': ErrorBody };

export const inboxRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/inboxes';
    const view = (row: Parameters<typeof inboxView>[0]) => inboxView(row, ctx.config.publicUrl);

    app.get(
      base,
      {
        config: { access: 'inboxes.read' },
        schema: {
          tags: ['inboxes'],
          summary: 'List inboxes',
          params: WorkspaceParams,
          querystring: PageQuery,
          response: { 200: page(Inbox), ...errors },
        },
      },
      async (request) => {
        const result = await listInboxes(ctx.db, memberOf(request).workspaceId, request.query);
        return { items: result.items.map(view), nextCursor: result.nextCursor };
      },
    );

    app.get(
      '/workspaces/:workspaceId/channel-kinds',
      {
        config: { access: 'inboxes.read' },
        schema: {
          tags: ['inboxes'],
          summary: 'The channel kinds this server has (what inboxes can be created for and capacities set on)',
          params: WorkspaceParams,
          response: { 200: ChannelKinds, ...errors },
        },
      },
      async () => ({ items: ctx.connectors.kinds() }),
    );

    app.post(
      base,
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'Create an inbox (a web-chat widget or an email address)',
          params: WorkspaceParams,
          body: CreateInboxRequest,
          response: { 201: Inbox, ...errors },
        },
      },
      async (request, reply) => {
        const row = await ctx.db.transaction(async (tx) => {
          const created = await createInbox(tx, memberOf(request).workspaceId, request.body, ctx.secrets);
          await recordAudit(tx, request, { action: 'inbox.create', targetType: 'inbox', targetId: created.id, after: view(created) });
          return created;
        });
        return reply.code(201).send(view(row));
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'inboxes.read' },
        schema: {
          tags: ['inboxes'],
          summary: 'Read an inbox, with its embed snippet',
          params: WorkspaceEntityParams,
          response: { 200: Inbox, ...errors },
        },
      },
      async (request) => view(await getInbox(ctx.db, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'Change an inbox (name, team, appearance, pre-chat form…)',
          params: WorkspaceEntityParams,
          body: UpdateInboxRequest,
          response: { 200: Inbox, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = view(await getInbox(tx, workspaceId, request.params.id));
          const after = view(await updateInbox(tx, workspaceId, request.params.id, request.body, ctx.secrets));
          await recordAudit(tx, request, { action: 'inbox.update', targetType: 'inbox', targetId: after.id, before, after });
          return after;
        }),
    );

    app.get(
      `${base}/:id/secret`,
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'The identity-verification secret your site signs visitor identities with',
          params: WorkspaceEntityParams,
          response: { 200: InboxSecret, ...errors },
        },
      },
      async (request) => ({ secret: (await getInbox(ctx.db, memberOf(request).workspaceId, request.params.id)).secret }),
    );

    app.post(
      `${base}/:id/secret/rotate`,
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'Replace the secret (signatures made with the old one stop working)',
          params: WorkspaceEntityParams,
          response: { 200: InboxSecret, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const row = await rotateInboxSecret(tx, memberOf(request).workspaceId, request.params.id);
          await recordAudit(tx, request, { action: 'inbox.secret.rotate', targetType: 'inbox', targetId: row.id });
          return { secret: row.secret };
        }),
    );
  };
