import { ErrorBody, IdentityCodeSent, IdentityVerified, RequestIdentityCode, VerifyIdentityCode } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { unauthorized } from '../../platform/errors.js';
import { rooms } from '../../platform/realtime.js';
import { requestIdentityCode, verifyIdentityCode, type VerificationDeps } from '../../modules/customers/verification.js';
import { findVisitorByToken } from './visitors.js';

const errors = { '4xx': ErrorBody };

/**
 * A visitor proves an email address they typed is theirs with a one-time code sent to it. Until
 * then the address is only a claim: it reaches nobody and merges with nobody.
 */
export const widgetIdentityRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const deps: VerificationDeps = { db: ctx.db, secrets: ctx.secrets, send: (mail) => ctx.mailer.send(mail) };
    const visitorOf = async (request: FastifyRequest) => {
      const token = request.headers['x-visitor-token'];
      const visitor = typeof token === 'string' && token.length < 200 ? await findVisitorByToken(ctx.db, token) : undefined;
      if (!visitor) throw unauthorized('send the visitor token in the x-visitor-token header');
      return visitor;
    };

    app.post(
      '/widget/identity/code',
      {
        config: { access: 'public', rateLimit: { max: ctx.config.WIDGET_VERIFY_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['widget'],
          summary: 'Send a one-time code to an email address the visitor says is theirs (header x-visitor-token)',
          body: RequestIdentityCode,
          response: { 202: IdentityCodeSent, ...errors },
        },
      },
      async (request, reply) => {
        const visitor = await visitorOf(request);
        const sent = await requestIdentityCode(deps, visitor, request.body);
        return reply.code(202).send(sent);
      },
    );

    app.post(
      '/widget/identity/verify',
      {
        config: { access: 'public', rateLimit: { max: ctx.config.WIDGET_VERIFY_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['widget'],
          summary: 'Prove an email address with the code sent to it; joins the customer who already has it (header x-visitor-token)',
          body: VerifyIdentityCode,
          response: { 200: IdentityVerified, ...errors },
        },
      },
      async (request) => {
        const visitor = await visitorOf(request);
        const result = await verifyIdentityCode(deps, visitor, request.body);
        // The visitor is now another customer: their open tabs reconnect (the widget does so by
        // itself) and come back as that customer, with its history.
        if (result.merged) ctx.realtime.visitors.in(rooms.customer(visitor.customerId)).disconnectSockets(true);
        return result;
      },
    );
  };
