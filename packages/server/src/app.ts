import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { MAX_ENCODED_FILE_NAME_LENGTH } from '@huiliu/contracts';
import type { Registry } from 'prom-client';
import { auditRoutes } from './modules/audit/routes.js';
import { registerAccessControl, type RouteEntry } from './modules/auth/access.js';
import { workspaceAccessRoutes } from './modules/auth/admin-routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { teamRoutes } from './modules/teams/routes.js';
import { memberRoutes } from './modules/users/routes.js';
import { workspaceRoutes } from './modules/workspaces/routes.js';
import { emailConnector } from './channels/email/connector.js';
import { emailRoutes } from './channels/email/routes.js';
import { widgetConnector } from './channels/widget/connector.js';
import { registerWidgetGateway } from './channels/widget/gateway.js';
import { widgetRoutes } from './channels/widget/routes.js';
import { widgetIdentityRoutes } from './channels/widget/identity-routes.js';
import { WechatApi } from './channels/wechat/api.js';
import { wechatConnector } from './channels/wechat/connector.js';
import { wechatRoutes } from './channels/wechat/routes.js';
import { WecomPuller } from './channels/wechat/wecom.js';
import { sealPlaintextSecrets } from './channels/wechat/accounts.js';
import { widgetCustomersGone } from './channels/widget/presence.js';
import { moveVisitors } from './channels/widget/visitors.js';
import { registerAgentGateway } from './modules/auth/agent-gateway.js';
import { conversationSocketHandler } from './modules/conversations/agent-events.js';
import { moveConversations } from './modules/conversations/commands.js';
import { subscribeDelivery } from './modules/conversations/delivery.js';
import { conversationRoutes } from './modules/conversations/routes.js';
import { registerMergeParticipant } from './modules/customers/merge.js';
import { customerRoutes } from './modules/customers/routes.js';
import { fileRoutes } from './modules/files/routes.js';
import { inboxRoutes } from './modules/inboxes/routes.js';
import { registerBot } from './modules/bot/engine.js';
import { botRoutes } from './modules/bot/routes.js';
import { knowledgeIndexes } from './modules/knowledge/live-index.js';
import { helpCenterRoutes } from './modules/knowledge/help-center.js';
import { ticketRequestRoutes } from './modules/tickets/web-form/routes.js';
import { portalRoutes } from './modules/tickets/portal/routes.js';
import { ticketCsatRoutes } from './modules/tickets/csat/routes.js';
import { ticketNotificationRoutes } from './modules/tickets/notifications/routes.js';
import { subscribeTicketNotifications } from './modules/tickets/notifications/send.js';
import { knowledgeRoutes } from './modules/knowledge/routes.js';
import { customerExportRoutes } from './modules/customers/export-routes.js';
import { conversationExportRoutes } from './modules/conversations/export-routes.js';
import { presenceSocketHandler } from './modules/routing/presence-gateway.js';
import { PresenceLapse } from './modules/routing/presence-lapse.js';
import { routingRuleRoutes } from './modules/routing/rule-routes.js';
import { routingRoutes } from './modules/routing/routes.js';
import { calendarRoutes } from './modules/calendars/routes.js';
import { subscribeConversationClocks } from './modules/sla/conversation-clocks.js';
import { slaRoutes } from './modules/sla/routes.js';
import { automationRoutes } from './modules/automations/routes.js';
import { callbackRoutes } from './modules/callbacks/routes.js';
import { moveCallbackTasks } from './modules/callbacks/service.js';
import { subscribeCallbacks } from './modules/callbacks/triggers.js';
import { subscribeAutomations } from './modules/automations/subscriber.js';
import { cannedRoutes } from './modules/canned/routes.js';
import { dispositionRoutes } from './modules/dispositions/routes.js';
import { subscribeWallboard, wallboardSocketHandler } from './modules/wallboard/notifier.js';
import { wallboardRoutes } from './modules/wallboard/routes.js';
import { staffingRoutes } from './modules/staffing/routes.js';
import { reportRoutes } from './modules/reports/routes.js';
import { moveTickets } from './modules/tickets/commands/move-tickets.js';
import { registerTicketInbound } from './modules/tickets/inbound.js';
import { ticketFieldRoutes } from './modules/tickets/fields/routes.js';
import { ticketRoutes } from './modules/tickets/routes.js';
import { ticketLinkRoutes } from './modules/tickets/links/routes.js';
import { customerTicketRoutes } from './modules/tickets/customer/routes.js';
import { ticketViewMacroRoutes } from './modules/tickets/views-macros/routes.js';
import { reviewPolicyRoutes } from './modules/reviews/policy-routes.js';
import { reviewRoutes } from './modules/reviews/routes.js';
import { subscribeReviewLive } from './modules/reviews/live.js';
import { demoRoutes } from './demo/routes.js';
import { ArrivalOrder } from './platform/arrival-order.js';
import type { AppContext } from './platform/context.js';
import { registerErrorHandling } from './platform/errors.js';
import { registerConsole } from './platform/http/console.js';
import { registerHealth } from './platform/http/health.js';
import { registerPublicBudget } from './platform/http/public-budget.js';
import { registerMetrics } from './platform/http/metrics.js';
import { registerNulGuard } from './platform/http/nul-guard.js';
import { registerWidgetCors } from './platform/http/widget-cors.js';
import { skipRealtimePath } from './platform/realtime.js';

export const API_PREFIX = '/api/v1';

export interface BuiltApp {
  app: FastifyInstance;
  /** Every API route with its declared access: drives the RBAC, tenant and bad-input tests. */
  routes: RouteEntry[];
  metrics: Registry;
}

/** Assembles the HTTP application from the platform plugins and the domain modules. */
export async function buildApp(ctx: AppContext): Promise<BuiltApp> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: ctx.config.BODY_LIMIT_BYTES,
    trustProxy: ctx.config.TRUST_PROXY,
    // On shutdown, idle keep-alive connections are closed at once; in-flight requests finish.
    forceCloseConnections: 'idle',
    // The router measures path segments before decoding; a download URL carries the encoded file name.
    routerOptions: { maxParamLength: MAX_ENCODED_FILE_NAME_LENGTH },
    // Socket.IO and Fastify share one HTTP server (one port). Engine.io answers its own path
    // (long-polling) from its 'request' listener; Fastify must not answer it a second time.
    serverFactory: (handler) => ctx.realtime.httpServer.on('request', skipRealtimePath(handler)),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerNulGuard(app);

  await app.register(helmet, { global: true });
  // After helmet: the widget's cross-origin headers override its same-origin defaults.
  registerWidgetCors(app);
  // Access control reads the session cookie, so it hooks in after the cookie parser.
  await app.register(cookie);
  const routes = registerAccessControl(app, ctx);
  await app.register(rateLimit, { global: false });
  // Before any route is added: it hooks into each public one as it is registered.
  registerPublicBudget(app, ctx.config);
  await app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Huiliu API', description: 'Huiliu (汇流) omnichannel contact center REST API', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'huiliu_session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (hl_…)' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  registerHealth(app, ctx.pool);
  const metrics = registerMetrics(app, ctx.pool, ctx.config.METRICS_TOKEN);

  const wechatApi = new WechatApi(ctx.db, { wechatBase: ctx.config.WECHAT_API_BASE, wecomBase: ctx.config.WECOM_API_BASE });
  const wecomPuller = new WecomPuller(ctx, wechatApi);
  app.addHook('onReady', async () => {
    await sealPlaintextSecrets(ctx.db, ctx.secrets);
    void wecomPuller.resumePending().catch((error: unknown) => ctx.logger.warn({ err: error }, 'WeCom resume failed'));
    wecomPuller.startSweeping();
  });
  app.addHook('onClose', () => wecomPuller.stop());

  await app.register(
    async (api) => {
      await api.register(authRoutes(ctx));
      await api.register(workspaceRoutes(ctx));
      await api.register(memberRoutes(ctx));
      await api.register(workspaceAccessRoutes(ctx));
      await api.register(teamRoutes(ctx));
      await api.register(auditRoutes(ctx));
      await api.register(inboxRoutes(ctx));
      await api.register(customerRoutes(ctx));
      await api.register(customerExportRoutes(ctx));
      await api.register(conversationRoutes(ctx));
      await api.register(conversationExportRoutes(ctx));
      await api.register(widgetRoutes(ctx));
      await api.register(widgetIdentityRoutes(ctx));
      await api.register(routingRoutes(ctx));
      await api.register(routingRuleRoutes(ctx));
      await api.register(
        wechatRoutes({
          ctx,
          api: wechatApi,
          passiveWaitMs: ctx.config.WECHAT_PASSIVE_WAIT_MS,
          arrivalOrder: new ArrivalOrder(),
          puller: wecomPuller,
        }),
      );
      await api.register(cannedRoutes(ctx));
      await api.register(dispositionRoutes(ctx));
      await api.register(calendarRoutes(ctx));
      await api.register(slaRoutes(ctx));
      await api.register(wallboardRoutes(ctx));
      await api.register(staffingRoutes(ctx));
      await api.register(reportRoutes(ctx));
      await api.register(knowledgeRoutes(ctx));
      await api.register(botRoutes(ctx));
      await api.register(emailRoutes(ctx));
      await api.register(ticketRoutes(ctx));
      await api.register(ticketLinkRoutes(ctx));
      await api.register(customerTicketRoutes(ctx));
      await api.register(ticketFieldRoutes(ctx));
      await api.register(ticketNotificationRoutes(ctx));
      await api.register(automationRoutes(ctx));
      await api.register(callbackRoutes(ctx));
      await api.register(ticketViewMacroRoutes(ctx));
      await api.register(reviewRoutes(ctx));
      await api.register(reviewPolicyRoutes(ctx));
    },
    { prefix: API_PREFIX },
  );
  await app.register(fileRoutes(ctx));
  await app.register(demoRoutes(ctx));
  await app.register(helpCenterRoutes(ctx));
  await app.register(ticketRequestRoutes(ctx));
  await app.register(portalRoutes(ctx));
  await app.register(ticketCsatRoutes(ctx));
  // Last: the console's client-side routes take whatever GET no other route claims.
  await registerConsole(app);

  // Cross-module wiring: merges move everyone's rows, connectors deliver replies, sockets authenticate.
  registerMergeParticipant(moveConversations);
  registerMergeParticipant(moveVisitors);
  registerMergeParticipant(moveTickets);
  registerMergeParticipant(moveCallbackTasks);
  ctx.connectors.register(widgetConnector(ctx));
  ctx.connectors.register(wechatConnector(ctx, wechatApi, 'wechat'));
  ctx.connectors.register(wechatConnector(ctx, wechatApi, 'wecom'));
  ctx.connectors.register(emailConnector(ctx));
  app.addHook('onClose', () => ctx.connectors.close());
  subscribeDelivery(ctx);
  subscribeTicketNotifications(ctx);
  subscribeReviewLive(ctx);
  const wallboard = subscribeWallboard(ctx);
  app.addHook('onClose', async () => wallboard.stop());
  const slaClocks = subscribeConversationClocks(ctx);
  app.addHook('onClose', async () => slaClocks.stop());
  const automationEngine = subscribeAutomations(ctx);
  subscribeCallbacks(ctx);
  app.addHook('onClose', async () => automationEngine.stop());
  const presenceLapse = new PresenceLapse(ctx);
  app.addHook('onReady', async () => presenceLapse.start());
  app.addHook('onClose', () => presenceLapse.stop());
  const agentGateway = registerAgentGateway(ctx, [
    conversationSocketHandler(ctx),
    presenceSocketHandler(ctx),
    presenceLapse.socketHandler(),
    wallboardSocketHandler(),
  ]);
  app.addHook('onClose', async () => agentGateway.stop());
  registerWidgetGateway(ctx);
  ctx.routing.registerCustomerPresence('widget', (workspaceId, customerIds, seconds) =>
    widgetCustomersGone(ctx, workspaceId, customerIds, seconds),
  );
  registerBot(ctx);
  registerTicketInbound(ctx);
  // Every node keeps each workspace's FAQ index in memory and hears every FAQ edit.
  const knowledge = knowledgeIndexes(ctx);
  await knowledge.start();
  app.addHook('onClose', () => knowledge.stop());
  return { app, routes, metrics };
}
