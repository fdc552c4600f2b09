import {
  AcceptInviteRequest,
  ChangePasswordRequest,
  ErrorBody,
  InviteInfo,
  LoginRequest,
  Password,
  PasswordResetConfirm,
  PasswordResetRequest,
  SessionResponse,
  TokenParams,
  UpdateProfileRequest,
  DEFAULT_USER_PREFERENCES,
  type UserPreferences,
} from '@huiliu/contracts';
import { eq, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { AppError, conflict, notFound, unauthorized } from '../../platform/errors.js';
import { users } from '../users/schema.js';
import { addMembership, createUser, findUserByEmail, findUserById, listMembershipsOfUser, type Executor } from '../users/service.js';
import { addTeamMember } from '../teams/service.js';
import { publishMessage } from '../conversations/events.js';
import { restorePresenceAtLogin } from '../routing/presence-restore.js';
import { sessionOf } from './access.js';
import { endAgentSockets } from './agent-sockets.js';
import { findOpenInvite, markInviteAccepted } from './invites.js';
import { notifyLoginThrottled } from './login-alerts.js';
import { assertPasswordAllowed } from './password-policy.js';
import { admitLoginAttempt, isKnownSource, loginSucceeded, recordLoginAttempt } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { consumePasswordReset, createPasswordReset, RESET_TTL_MINUTES } from './password-resets.js';
import { createSession, revokeSessionByToken, revokeUserSessions, SESSION_COOKIE } from './sessions.js';

/** Stored preferences over the defaults. */
export function preferencesOf(stored: Record<string, unknown>): UserPreferences {
  const saved = stored as Partial<UserPreferences>;
  return {
    notifications: { ...DEFAULT_USER_PREFERENCES.notifications, ...saved.notifications },
    enterToSend: saved.enterToSend ?? DEFAULT_USER_PREFERENCES.enterToSend,
  };
}

export async function currentUser(db: Executor, userId: string) {
  const user = await findUserById(db, userId);
  if (!user) throw unauthorized();
  const memberships = await listMembershipsOfUser(db, userId);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    locale: user.locale,
    preferences: preferencesOf(user.preferences),
    memberships,
  };
}

const errors = { '4xx': ErrorBody };

export const authRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    /** Starts a fresh session (rotating any old one) and sets its cookie. */
    async function startSession(request: FastifyRequest, reply: FastifyReply, userId: string) {
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) endAgentSockets(ctx.realtime, { reason: 'session_gone', sessionIds: await revokeSessionByToken(ctx.db, previous) });
      const { token } = await createSession(ctx.db, { userId, ip: request.ip, userAgent: request.headers['user-agent'] });
      // Every way in (a password login, an invite accepted with an existing account) gives the
      // agent back their chosen presence, per each workspace's policy.
      const restored = await restorePresenceAtLogin(ctx.db, userId);
      for (const item of restored) publishMessage(ctx.realtime, item.conversation, item.message);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.cookieSecure,
        path: '/',
        maxAge: Math.min(ctx.config.SESSION_IDLE_MINUTES * 60, ctx.config.SESSION_MAX_AGE_HOURS * 3600),
      });
      return { user: await currentUser(ctx.db, userId), tokenWorkspaceId: null };
    }

    app.post(
      '/auth/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Log in with email and password; sets the session cookie',
          body: LoginRequest,
          response: { 200: SessionResponse, ...errors },
        },
      },
      async (request, reply) => {
        const { email, password } = request.body;
        const user = await findUserByEmail(ctx.db, email);
        const knownSource = await isKnownSource(ctx.db, user?.id, request.ip);
        const admitted = await admitLoginAttempt(ctx.db, ctx.config, { email, ip: request.ip, knownSource });
        const valid = await verifyPassword(user?.passwordHash, password);
        const hasWorkspace = valid && user ? (await listMembershipsOfUser(ctx.db, user.id)).length > 0 : false;
        await recordLoginAttempt(ctx.db, email, request.ip, valid && hasWorkspace);
        if (valid) await loginSucceeded(ctx.db, admitted);
        else if (admitted.reachedLimit && user) await notifyLoginThrottled(ctx, user, request.ip);
        if (!user || !valid) throw new AppError(401, 'invalid_credentials', 'wrong email or password');
        if (!hasWorkspace)
          throw new AppError(403, 'account_inactive', 'this account is not an active member of any workspace; ask your admin');
        return startSession(request, reply, user.id);
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['auth'], summary: 'Log out: revokes this session', response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        const token = request.cookies[SESSION_COOKIE];
        if (token) endAgentSockets(ctx.realtime, { reason: 'session_gone', sessionIds: await revokeSessionByToken(ctx.db, token) });
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['auth'], summary: 'The logged-in user and their workspaces', response: { 200: SessionResponse, ...errors } },
      },
      async (request) => ({ user: await currentUser(ctx.db, sessionOf(request).userId), tokenWorkspaceId: null }),
    );

    app.patch(
      '/auth/me',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Update your name, interface language or console preferences (notifications, enter-to-send)',
          body: UpdateProfileRequest,
          response: { 200: SessionResponse, ...errors },
        },
      },
      async (request) => {
        const { userId } = sessionOf(request);
        const { preferences, ...profile } = request.body;
        await ctx.db.transaction(async (tx) => {
          const [user] = await tx.select({ preferences: users.preferences }).from(users).where(eq(users.id, userId)).for('update');
          const current = preferencesOf(user?.preferences ?? {});
          const merged = preferences
            ? { ...current, ...preferences, notifications: { ...current.notifications, ...preferences.notifications } }
            : undefined;
          await tx
            .update(users)
            .set({ ...profile, ...(merged ? { preferences: merged } : {}) })
            .where(eq(users.id, userId));
        });
        return { user: await currentUser(ctx.db, userId), tokenWorkspaceId: null };
      },
    );

    app.post(
      '/auth/password',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Change your password; every other session of yours is logged out',
          body: ChangePasswordRequest,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { userId, sessionId } = sessionOf(request);
        const user = await findUserById(ctx.db, userId);
        if (!user || !(await verifyPassword(user.passwordHash, request.body.currentPassword))) {
          throw new AppError(403, 'wrong_password', 'the current password is wrong');
        }
        assertPasswordAllowed(request.body.newPassword, user);
        const passwordHash = await hashPassword(request.body.newPassword);
        const revoked = await ctx.db.transaction(async (tx) => {
          await tx
            .update(users)
            .set({ passwordHash, passwordChangedAt: sql`now()` })
            .where(eq(users.id, userId));
          return revokeUserSessions(tx, userId, sessionId);
        });
        endAgentSockets(ctx.realtime, { reason: 'session_gone', sessionIds: revoked });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/auth/password-reset',
      {
        config: { access: 'public', rateLimit: { max: 5, timeWindow: '15 minutes' } },
        schema: {
          tags: ['auth'],
          summary: 'Email a password-reset link (always answers 202, whether or not the address has an account)',
          body: PasswordResetRequest,
          response: { 202: z.object({ accepted: z.literal(true) }), ...errors },
        },
      },
      async (request, reply) => {
        const user = await findUserByEmail(ctx.db, request.body.email);
        if (user && ctx.mailer.configured) {
          const { token } = await createPasswordReset(ctx.db, user.id);
          await ctx.mailer
            .send({
              to: user.email,
              subject: '重置汇流密码 / Reset your Huiliu password',
              text: `${ctx.config.publicUrl}/reset-password?token=${token}\n\n${RESET_TTL_MINUTES} 分钟内有效。Valid for ${RESET_TTL_MINUTES} minutes.`,
            })
            .catch((error: unknown) => request.log.error({ err: error }, 'password-reset mail failed'));
        }
        return reply.code(202).send({ accepted: true });
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        config: { access: 'public', rateLimit: { max: 10, timeWindow: '15 minutes' } },
        schema: {
          tags: ['auth'],
          summary: 'Set a new password with a reset token; every session of the user is logged out',
          body: PasswordResetConfirm,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const passwordHash = await hashPassword(request.body.newPassword);
        const revoked = await ctx.db.transaction(async (tx) => {
          const userId = await consumePasswordReset(tx, request.body.token);
          if (!userId) throw new AppError(400, 'invalid_token', 'this reset link is unknown, used or expired; ask for a new one');
          // Refused inside the transaction, so a weak choice leaves the link usable for a better one.
          const user = await findUserById(tx, userId);
          if (user) assertPasswordAllowed(request.body.newPassword, user);
          await tx
            .update(users)
            .set({ passwordHash, passwordChangedAt: sql`now()` })
            .where(eq(users.id, userId));
          return revokeUserSessions(tx, userId);
        });
        endAgentSockets(ctx.realtime, { reason: 'session_gone', sessionIds: revoked });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/invites/:token',
      {
        config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: { tags: ['auth'], summary: 'What an invite link is for', params: TokenParams, response: { 200: InviteInfo, ...errors } },
      },
      async (request) => {
        const found = await findOpenInvite(ctx.db, request.params.token);
        if (!found) throw notFound('invite (it may be used, revoked or expired)');
        return {
          email: found.invite.email,
          role: found.invite.role,
          workspaceName: found.workspaceName,
          expiresAt: found.invite.expiresAt.toISOString(),
        };
      },
    );

    app.post(
      '/invites/:token/accept',
      {
        config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: 'Accept an invite: creates the account (or, for an existing account, checks its password) and logs in',
          params: TokenParams,
          body: AcceptInviteRequest,
          response: { 200: SessionResponse, ...errors },
        },
      },
      async (request, reply) => {
        const found = await findOpenInvite(ctx.db, request.params.token);
        if (!found) throw notFound('invite (it may be used, revoked or expired)');
        const { invite } = found;
        const existing = await findUserByEmail(ctx.db, invite.email);
        if (existing) {
          // Checking an existing account's password here is a login in all but name: the same budgets apply.
          const knownSource = await isKnownSource(ctx.db, existing.id, request.ip);
          const admitted = await admitLoginAttempt(ctx.db, ctx.config, { email: existing.email, ip: request.ip, knownSource });
          if (!(await verifyPassword(existing.passwordHash, request.body.password))) {
            if (admitted.reachedLimit) await notifyLoginThrottled(ctx, existing, request.ip);
            throw new AppError(403, 'wrong_password', 'an account with this email exists; enter its password to join the workspace');
          }
          await loginSucceeded(ctx.db, admitted);
        }
        if (!existing) {
          const policy = Password.safeParse(request.body.password);
          if (!policy.success) throw new AppError(400, 'weak_password', `password: ${policy.error.issues[0]?.message ?? 'too weak'}`);
          assertPasswordAllowed(request.body.password, { email: invite.email, name: request.body.name });
        }
        const passwordHash = existing ? null : await hashPassword(request.body.password);
        const userId = await ctx.db.transaction(async (tx) => {
          if (!(await markInviteAccepted(tx, invite.id))) throw conflict('this invite was just accepted');
          const user = existing ?? (await createUser(tx, { email: invite.email, name: request.body.name, passwordHash: passwordHash! }));
          await addMembership(tx, { workspaceId: invite.workspaceId, userId: user.id, role: invite.role });
          for (const teamId of invite.teamIds) await addTeamMember(tx, invite.workspaceId, teamId, user.id);
          return user.id;
        });
        return startSession(request, reply, userId);
      },
    );
  };
