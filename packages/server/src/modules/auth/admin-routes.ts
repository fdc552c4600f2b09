import {
  ApiToken,
  CreateApiTokenRequest,
  CreatedApiToken,
  CreatedInvite,
  CreateInviteRequest,
  ErrorBody,
  Invite,
  NoContent,
  PageQuery,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import { hashToken, newToken } from '../../platform/secrets.js';
import { recordAudit } from '../audit/service.js';
import { assertTeamsInWorkspace } from '../teams/service.js';
import { activeRole, findUserByEmail } from '../users/service.js';
import { memberOf } from './access.js';
import { createInvite, INVITE_TTL_DAYS, inviteView } from './invites.js';
import { apiTokens, invites } from './schema.js';

const errors = { '4xx': ErrorBody };
const API_TOKEN_PREFIX = 'hl_';

type TokenRow = typeof apiTokens.$inferSelect;
const tokenView = (row: TokenRow) => ({
  id: row.id,
  name: row.name,
  role: row.role,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** Invites and API tokens: how people and programs get into a workspace. */
export const workspaceAccessRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/invites',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'List invites',
          params: WorkspaceParams,
          querystring: PageQuery,
          response: { 200: page(Invite), ...errors },
        },
      },
      async (request) => {
        const { cursor, limit } = request.query;
        const pageQuery = keyset(invites, cursor);
        const rows = await ctx.db
          .select()
          .from(invites)
          .where(and(eq(invites.workspaceId, memberOf(request).workspaceId), isNull(invites.revokedAt), pageQuery.where))
          .orderBy(...pageQuery.orderBy)
          .limit(limit + 1);
        return toPage(rows, limit, inviteView);
      },
    );

    app.post(
      '/workspaces/:workspaceId/invites',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: `Invite someone by email; the one-time link (valid ${INVITE_TTL_DAYS} days) is returned, and emailed when SMTP is configured`,
          params: WorkspaceParams,
          body: CreateInviteRequest,
          response: { 201: CreatedInvite, ...errors },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const existing = await findUserByEmail(ctx.db, request.body.email);
        if (existing && (await activeRole(ctx.db, existing.id, member.workspaceId)))
          throw conflict('this person is already a member of the workspace');
        const { token, invite } = await ctx.db.transaction(async (tx) => {
          await assertTeamsInWorkspace(tx, member.workspaceId, request.body.teamIds);
          const created = await createInvite(tx, { ...request.body, workspaceId: member.workspaceId, invitedByUserId: member.userId });
          await recordAudit(tx, request, {
            action: 'invite.create',
            targetType: 'invite',
            targetId: created.invite.id,
            after: inviteView(created.invite),
          });
          return created;
        });
        const url = `${ctx.config.publicUrl}/invite/${token}`;
        const emailed = await ctx.mailer
          .send({
            to: invite.email,
            subject: '加入汇流 / You are invited to Huiliu',
            text: `${url}\n\n${INVITE_TTL_DAYS} 天内有效。Valid for ${INVITE_TTL_DAYS} days.`,
          })
          .catch((error: unknown) => {
            request.log.error({ err: error }, 'invite mail failed; the link is still returned to the admin');
            return false;
          });
        return reply.code(201).send({ ...inviteView(invite), url, emailed });
      },
    );

    app.delete(
      '/workspaces/:workspaceId/invites/:id',
      {
        config: { access: 'members.manage' },
        schema: { tags: ['members'], summary: 'Revoke an invite', params: WorkspaceEntityParams, response: { 204: NoContent, ...errors } },
      },
      async (request, reply) => {
        await ctx.db.transaction(async (tx) => {
          const [row] = await tx
            .update(invites)
            .set({ revokedAt: sql`now()` })
            .where(
              and(
                eq(invites.workspaceId, memberOf(request).workspaceId),
                eq(invites.id, request.params.id),
                isNull(invites.revokedAt),
                isNull(invites.acceptedAt),
              ),
            )
            .returning();
          if (!row) throw notFound('open invite');
          await recordAudit(tx, request, { action: 'invite.revoke', targetType: 'invite', targetId: row.id, before: inviteView(row) });
        });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/workspaces/:workspaceId/api-tokens',
      {
        config: { access: 'tokens.manage' },
        schema: {
          tags: ['api-tokens'],
          summary: 'List API tokens (never their secrets)',
          params: WorkspaceParams,
          querystring: PageQuery,
          response: { 200: page(ApiToken), ...errors },
        },
      },
      async (request) => {
        const { cursor, limit } = request.query;
        const pageQuery = keyset(apiTokens, cursor);
        const rows = await ctx.db
          .select()
          .from(apiTokens)
          .where(and(eq(apiTokens.workspaceId, memberOf(request).workspaceId), pageQuery.where))
          .orderBy(...pageQuery.orderBy)
          .limit(limit + 1);
        return toPage(rows, limit, tokenView);
      },
    );

    app.post(
      '/workspaces/:workspaceId/api-tokens',
      {
        config: { access: 'tokens.manage' },
        schema: {
          tags: ['api-tokens'],
          summary: 'Create an API token with a role; the secret is shown only in this response',
          params: WorkspaceParams,
          body: CreateApiTokenRequest,
          response: { 201: CreatedApiToken, ...errors },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const token = newToken(API_TOKEN_PREFIX);
        const row = await ctx.db.transaction(async (tx) => {
          const [created] = await tx
            .insert(apiTokens)
            .values({
              workspaceId: member.workspaceId,
              ...request.body,
              prefix: token.slice(0, 10),
              tokenHash: hashToken(token),
              createdByUserId: member.userId,
            })
            .returning();
          await recordAudit(tx, request, {
            action: 'api_token.create',
            targetType: 'api_token',
            targetId: created!.id,
            after: tokenView(created!),
          });
          return created!;
        });
        return reply.code(201).send({ ...tokenView(row), token });
      },
    );

    app.delete(
      '/workspaces/:workspaceId/api-tokens/:id',
      {
        config: { access: 'tokens.manage' },
        schema: {
          tags: ['api-tokens'],
          summary: 'Revoke an API token',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        await ctx.db.transaction(async (tx) => {
          const [row] = await tx
            .update(apiTokens)
            .set({ revokedAt: sql`now()` })
            .where(
              and(
                eq(apiTokens.workspaceId, memberOf(request).workspaceId),
                eq(apiTokens.id, request.params.id),
                isNull(apiTokens.revokedAt),
              ),
            )
            .returning();
          if (!row) throw notFound('active API token');
          await recordAudit(tx, request, { action: 'api_token.revoke', targetType: 'api_token', targetId: row.id, before: tokenView(row) });
        });
        return reply.code(204).send(null);
      },
    );
  };
