import {
  ErrorBody,
  Member,
  NoContent,
  PageQuery,
  PasswordResetLink,
  UpdateMemberRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import { recordAudit } from '../audit/service.js';
import { memberOf } from '../auth/access.js';
import { createPasswordReset } from '../auth/password-resets.js';
import { endAgentSockets, type SocketEnd } from '../auth/agent-sockets.js';
import { revokeUserSessions } from '../auth/sessions.js';
import { removeFromAllTeams } from '../teams/service.js';
import { publishMessage } from '../conversations/events.js';
import type { Appended } from '../conversations/write-path.js';
import { setPresence } from '../routing/presence.js';
import { memberships } from './schema.js';
import { countActiveAdmins, memberRow, memberRows, type Executor } from './service.js';

const errors = { '4xx': ErrorBody };

type MemberRow = NonNullable<Awaited<ReturnType<typeof memberRow>>>;
const memberView = (row: MemberRow) => ({ ...row, joinedAt: row.joinedAt.toISOString() });

async function getMember(db: Executor, workspaceId: string, userId: string) {
  const row = await memberRow(db, workspaceId, userId);
  if (!row) throw notFound('member');
  return memberView(row);
}

/**
 * Someone deactivated or removed everywhere is logged out at once, not at their next idle expiry.
 * Returns how their open sockets must end once the change commits: their session is gone, or
 * (still a member elsewhere) they reconnect, so the socket joins only the workspaces left.
 */
async function endSessionsIfNoWorkspaceLeft(db: Executor, userId: string): Promise<SocketEnd> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.active, true)));
  if ((row?.count ?? 0) > 0) return { reason: 'access_changed', userIds: [userId] };
  return { reason: 'session_gone', sessionIds: await revokeUserSessions(db, userId), userIds: [userId] };
}

/** A workspace must always keep at least one active admin, or nobody could manage it. */
async function assertAdminRemains(
  db: Executor,
  workspaceId: string,
  member: { role: string; active: boolean },
  change: { role?: string; active?: boolean; removed?: boolean },
) {
  const losesAdmin =
    member.role === 'admin' &&
    member.active &&
    (change.removed || change.active === false || (change.role !== undefined && change.role !== 'admin'));
  if (losesAdmin && (await countActiveAdmins(db, workspaceId)) <= 1) throw conflict('a workspace needs at least one active admin');
}

export const memberRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/members',
      {
        config: { access: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'List members with their roles and teams',
          params: WorkspaceParams,
          querystring: PageQuery,
          response: { 200: page(Member), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { cursor, limit } = request.query;
        const pageQuery = keyset({ createdAt: memberships.createdAt, id: memberships.userId }, cursor);
        // One query for the page, not one per member.
        const rows = await memberRows(ctx.db, workspaceId, pageQuery.where)
          .orderBy(...pageQuery.orderBy)
          .limit(limit + 1);
        return toPage(
          rows.map((row) => ({ ...row, createdAt: row.joinedAt, id: row.userId })),
          limit,
          ({ createdAt: _createdAt, id: _id, ...row }) => memberView(row),
        );
      },
    );

    app.get(
      '/workspaces/:workspaceId/members/:id',
      {
        config: { access: 'members.read' },
        schema: { tags: ['members'], summary: 'Read a member', params: WorkspaceEntityParams, response: { 200: Member, ...errors } },
      },
      async (request) => getMember(ctx.db, memberOf(request).workspaceId, request.params.id),
    );

    app.patch(
      '/workspaces/:workspaceId/members/:id',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'Change a member’s role, or deactivate / reactivate them',
          params: WorkspaceEntityParams,
          body: UpdateMemberRequest,
          response: { 200: Member, ...errors },
        },
      },
      async (request) => {
        // A deactivated agent's open conversations go back to the queue.
        const requeued: Appended[] = [];
        let socketEnd: SocketEnd | undefined;
        const result = await ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = await getMember(tx, workspaceId, request.params.id);
          await assertAdminRemains(tx, workspaceId, before, request.body);
          await tx
            .update(memberships)
            .set(request.body)
            .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, request.params.id)));
          const after = await getMember(tx, workspaceId, request.params.id);
          if (!after.active) socketEnd = await endSessionsIfNoWorkspaceLeft(tx, after.userId);
          // A new role changes what the socket may hear (the wallboard): it reconnects with the new one.
          else if (after.role !== before.role) socketEnd = { reason: 'access_changed', userIds: [after.userId] };
          if (!after.active) {
            requeued.push(...(await setPresence(tx, workspaceId, after.userId, 'offline')).requeued);
          }
          await recordAudit(tx, request, { action: 'member.update', targetType: 'user', targetId: after.userId, before, after });
          return after;
        });
        if (socketEnd) endAgentSockets(ctx.realtime, socketEnd);
        for (const item of requeued) publishMessage(ctx.realtime, item.conversation, item.message);
        return result;
      },
    );

    app.delete(
      '/workspaces/:workspaceId/members/:id',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'Remove a member from the workspace',
          params: WorkspaceEntityParams,
          response: { 204: NoContent, ...errors },
        },
      },
      async (request, reply) => {
        const requeued: Appended[] = [];
        const socketEnd = await ctx.db.transaction(async (tx) => {
          const { workspaceId } = memberOf(request);
          const before = await getMember(tx, workspaceId, request.params.id);
          await assertAdminRemains(tx, workspaceId, before, { removed: true });
          await removeFromAllTeams(tx, workspaceId, request.params.id);
          await tx.delete(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, request.params.id)));
          const end = await endSessionsIfNoWorkspaceLeft(tx, before.userId);
          requeued.push(...(await setPresence(tx, workspaceId, before.userId, 'offline')).requeued);
          await recordAudit(tx, request, { action: 'member.remove', targetType: 'user', targetId: before.userId, before });
          return end;
        });
        endAgentSockets(ctx.realtime, socketEnd);
        for (const item of requeued) publishMessage(ctx.realtime, item.conversation, item.message);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/workspaces/:workspaceId/members/:id/password-reset-link',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'Make a one-time password-reset link for a member (to hand over when no SMTP server is configured)',
          params: WorkspaceEntityParams,
          response: { 201: PasswordResetLink, ...errors },
        },
      },
      async (request, reply) => {
        const link = await ctx.db.transaction(async (tx) => {
          const member = await getMember(tx, memberOf(request).workspaceId, request.params.id);
          const { token, expiresAt } = await createPasswordReset(tx, member.userId);
          await recordAudit(tx, request, { action: 'member.password_reset_link', targetType: 'user', targetId: member.userId });
          return { url: `${ctx.config.publicUrl}/reset-password?token=${token}`, expiresAt: expiresAt.toISOString() };
        });
        return reply.code(201).send(link);
      },
    );
  };
