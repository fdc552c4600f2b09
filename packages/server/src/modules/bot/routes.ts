import { BotMetrics, BotMetricsQuery, BotSettings, BotSettingsParams, ErrorBody, WorkspaceParams } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { getInbox } from '../inboxes/service.js';
import { botMetrics } from './metrics.js';
import { getBotSettings, saveBotSettings } from './settings.js';

const errors = { '4xx': ErrorBody };
const tags = ['bot'];

export const botRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/inboxes/:inboxId/bot',
      {
        config: { access: 'inboxes.read' },
        schema: { tags, summary: "Read the inbox's bot settings", params: BotSettingsParams, response: { 200: BotSettings, ...errors } },
      },
      async (request) => {
        const workspaceId = memberOf(request).workspaceId;
        await getInbox(ctx.db, workspaceId, request.params.inboxId);
        return getBotSettings(ctx.db, workspaceId, request.params.inboxId);
      },
    );
    app.put(
      '/workspaces/:workspaceId/inboxes/:inboxId/bot',
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Set up the bot of an inbox (greeting, menu, keyword rules, hand-off keywords, thresholds)',
          params: BotSettingsParams,
          body: BotSettings,
          response: { 200: BotSettings, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const saved = await saveBotSettings(tx, memberOf(request).workspaceId, request.params.inboxId, request.body);
          await recordAudit(tx, request, { action: 'bot.configure', targetType: 'inbox', targetId: request.params.inboxId, after: saved });
          return saved;
        }),
    );
    app.get(
      '/workspaces/:workspaceId/bot/metrics',
      {
        config: { access: 'knowledge.manage' },
        schema: {
          tags,
          summary: 'Bot containment, hand-off rate by reason and helpfulness votes (reports)',
          params: WorkspaceParams,
          querystring: BotMetricsQuery,
          response: { 200: BotMetrics, ...errors },
        },
      },
      async (request) => botMetrics(ctx.db, memberOf(request).workspaceId, new Date(Date.now() - request.query.days * 86_400_000)),
    );
  };
