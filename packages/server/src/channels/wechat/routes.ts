import {
  CreateWechatInboxRequest,
  ErrorBody,
  UpdateWechatInboxRequest,
  WechatHealth,
  WechatInbox,
  WechatLogEntry,
  WechatLogQuery,
  WechatWindow,
  WorkspaceEntityParams,
  WorkspaceParams,
} from '@huiliu/contracts';
import { eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../platform/errors.js';
import { recordAudit } from '../../modules/audit/service.js';
import { memberOf } from '../../modules/auth/access.js';
import { getConversation } from '../../modules/conversations/queries.js';
import {
  createWechatInbox,
  findAccountByKey,
  getWechatAccount,
  updateWechatInbox,
  wechatInboxView,
  type WechatAccount,
} from './accounts.js';
import type { WechatApi } from './api.js';
import { followerOfCustomer, windowOf } from './followers.js';
import { listCallLog, logCall } from './log.js';
import { handleOfficialCallback, protocolError, verifyOfficialUrl, type OfficialDeps } from './official.js';
import { wechatTokens } from './schema.js';
import { openWecomNotice, verifyWecomUrl, type WecomPuller } from './wecom.js';
import { assertNotReplayed } from './nonces.js';
import { assertFreshTimestamp } from './replay.js';

const errors = { '4xx': ErrorBody };

/** WeChat's callbacks are small; anything bigger is refused before it is read. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;

const CallbackParams = z.object({ publicKey: z.string().min(1).max(64) });
const CallbackQuery = z.object({
  signature: z.string().max(128).optional(),
  msg_signature: z.string().max(128).optional(),
  timestamp: z.string().max(32).optional(),
  nonce: z.string().max(64).optional(),
  echostr: z.string().max(4096).optional(),
  encrypt_type: z.string().max(16).optional(),
  openid: z.string().max(128).optional(),
});

export interface WechatChannelDeps extends OfficialDeps {
  puller: WecomPuller;
}

/** The public callback URLs (WeChat calls them) and the console's management routes. */
export const wechatRoutes = (deps: WechatChannelDeps): FastifyPluginAsyncZod =>
  async function (app) {
    const { ctx } = deps;
    app.addContentTypeParser(
      ['text/xml', 'application/xml'],
      { parseAs: 'string', bodyLimit: CALLBACK_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );

    const accountByKey = async (kind: 'wechat' | 'wecom', publicKey: string) => {
      const account = await findAccountByKey(ctx.db, ctx.secrets, kind, publicKey);
      if (!account) throw notFound('WeChat inbox (check the callback URL)');
      return account;
    };
    /** Logs a refused callback and turns protocol errors into 4xx. */
    const refuse = async (account: WechatAccount, operation: string, error: unknown): Promise<never> => {
      const mapped = protocolError(error) ?? (error instanceof AppError ? error : undefined);
      if (!mapped) throw error;
      await logCall(ctx.db, account.inbox.workspaceId, account.inbox.id, { direction: 'in', operation, ok: false, detail: mapped.message });
      throw mapped;
    };
    const sendText = (reply: FastifyReply, body: string, type = 'text/plain; charset=utf-8') => reply.type(type).send(body);
    const callbackConfig = {
      access: 'public' as const,
      rateLimit: {
        max: 3000,
        timeWindow: '1 minute',
        keyGenerator: (request: { ip: string; params: unknown }) =>
          `${request.ip}:${(request.params as { publicKey?: string }).publicKey ?? ''}`,
      },
    };

    for (const kind of ['wechat', 'wecom'] as const) {
      app.get(
        `/channels/${kind}/:publicKey`,
        {
          config: callbackConfig,
          schema: {
            tags: ['channels'],
            summary:
              kind === 'wechat' ? 'WeChat Official Account URL check (echoes echostr)' : 'WeCom URL check (answers the decrypted echostr)',
            params: CallbackParams,
            querystring: CallbackQuery,
          },
        },
        async (request, reply) => {
          const account = await accountByKey(kind, request.params.publicKey);
          try {
            assertFreshTimestamp(request.query.timestamp, ctx.config.WECHAT_REPLAY_WINDOW_SECONDS);
            const answer = kind === 'wechat' ? verifyOfficialUrl(account, request.query) : verifyWecomUrl(account, request.query);
            await logCall(ctx.db, account.inbox.workspaceId, account.inbox.id, { direction: 'in', operation: 'url_check', ok: true });
            return sendText(reply, answer);
          } catch (error) {
            return refuse(account, 'url_check', error);
          }
        },
      );

      app.post(
        `/channels/${kind}/:publicKey`,
        {
          bodyLimit: CALLBACK_BODY_LIMIT,
          config: callbackConfig,
          schema: {
            tags: ['channels'],
            summary:
              kind === 'wechat'
                ? 'WeChat Official Account callback (messages and events)'
                : 'WeCom customer-service callback (a notice to pull messages)',
            params: CallbackParams,
            querystring: CallbackQuery,
          },
        },
        async (request, reply) => {
          const account = await accountByKey(kind, request.params.publicKey);
          if (typeof request.body !== 'string') {
            return refuse(account, 'callback', new AppError(415, 'unsupported_media_type', 'WeChat callbacks are XML (text/xml)'));
          }
          try {
            assertFreshTimestamp(request.query.timestamp, ctx.config.WECHAT_REPLAY_WINDOW_SECONDS);
            if (kind === 'wechat') {
              const answer = await handleOfficialCallback(deps, account, request.query, request.body);
              return sendText(reply, answer, answer.startsWith('<xml>') ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8');
            }
            const notice = openWecomNotice(account, request.query, request.body);
            const signed = { timestamp: request.query.timestamp ?? '', nonce: request.query.nonce ?? '' };
            await assertNotReplayed(ctx.db, account, signed, request.body, ctx.config.WECHAT_REPLAY_WINDOW_SECONDS);
            await logCall(ctx.db, account.inbox.workspaceId, account.inbox.id, { direction: 'in', operation: 'kf.notice', ok: true });
            await deps.puller.request(account, notice.syncToken);
            return sendText(reply, 'success');
          } catch (error) {
            return refuse(account, 'callback', error);
          }
        },
      );
    }

    const base = '/workspaces/:workspaceId/wechat-inboxes';
    const view = (account: WechatAccount) => wechatInboxView(account, ctx.config.publicUrl);

    app.post(
      base,
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'Create a WeChat Official Account (wechat) or WeCom customer-service (wecom) inbox',
          params: WorkspaceParams,
          body: CreateWechatInboxRequest,
          response: { 201: WechatInbox, ...errors },
        },
      },
      async (request, reply) => {
        const account = await ctx.db.transaction(async (tx) => {
          const created = await createWechatInbox(tx, ctx.secrets, memberOf(request).workspaceId, request.body);
          await recordAudit(tx, request, { action: 'inbox.create', targetType: 'inbox', targetId: created.inbox.id, after: view(created) });
          return created;
        });
        return reply.code(201).send(view(account));
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'inboxes.read' },
        schema: {
          tags: ['inboxes'],
          summary: 'A WeChat inbox with its callback URL (secrets are never returned)',
          params: WorkspaceEntityParams,
          response: { 200: WechatInbox, ...errors },
        },
      },
      async (request) => view(await getWechatAccount(ctx.db, ctx.secrets, memberOf(request).workspaceId, request.params.id)),
    );

    app.patch(
      `${base}/:id`,
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'Change a WeChat inbox (credentials, mode, welcome text, menu topics, quota)',
          params: WorkspaceEntityParams,
          body: UpdateWechatInboxRequest,
          response: { 200: WechatInbox, ...errors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const account = await updateWechatInbox(tx, ctx.secrets, memberOf(request).workspaceId, request.params.id, request.body);
          await recordAudit(tx, request, { action: 'inbox.update', targetType: 'inbox', targetId: account.inbox.id, after: view(account) });
          return view(account);
        }),
    );

    app.get(
      `${base}/:id/log`,
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'Inbound callbacks and outbound API calls of the inbox, newest first (no secrets)',
          params: WorkspaceEntityParams,
          querystring: WechatLogQuery,
          response: { 200: z.object({ items: z.array(WechatLogEntry) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        await getWechatAccount(ctx.db, ctx.secrets, workspaceId, request.params.id);
        return { items: await listCallLog(ctx.db, workspaceId, request.params.id, request.query) };
      },
    );

    app.get(
      `${base}/:id/health`,
      {
        config: { access: 'inboxes.read' },
        schema: {
          tags: ['inboxes'],
          summary: 'Last message, last error and access-token state of the inbox',
          params: WorkspaceEntityParams,
          response: { 200: WechatHealth, ...errors },
        },
      },
      async (request) => {
        const account = await getWechatAccount(ctx.db, ctx.secrets, memberOf(request).workspaceId, request.params.id);
        const [token] = await ctx.db.select().from(wechatTokens).where(eq(wechatTokens.inboxId, account.inbox.id));
        const expiresAt = token?.expiresAt ?? null;
        return {
          lastInboundAt: account.row.lastInboundAt?.toISOString() ?? null,
          lastError: account.row.lastError,
          lastErrorAt: account.row.lastErrorAt?.toISOString() ?? null,
          token: {
            state: !token?.accessToken
              ? ('none' as const)
              : expiresAt && expiresAt.getTime() > Date.now()
                ? ('valid' as const)
                : ('expired' as const),
            expiresAt: expiresAt?.toISOString() ?? null,
            fetches: token?.fetches ?? 0,
          },
        };
      },
    );

    app.get(
      '/workspaces/:workspaceId/conversations/:id/wechat-window',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags: ['conversations'],
          summary: 'For a WeChat conversation: how much of the 48-hour window and the message quota is left',
          params: WorkspaceEntityParams,
          response: { 200: WechatWindow, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { row } = await getConversation(ctx.db, workspaceId, request.params.id);
        if (row.channel !== 'wechat' && row.channel !== 'wecom')
          throw new AppError(409, 'not_wechat', 'this conversation is not on a WeChat channel');
        const account = await getWechatAccount(ctx.db, ctx.secrets, workspaceId, row.inboxId);
        return windowOf(await followerOfCustomer(ctx.db, account.inbox.id, row.customerId), account.row.quotaPerWindow);
      },
    );
  };

export type { WechatApi };
