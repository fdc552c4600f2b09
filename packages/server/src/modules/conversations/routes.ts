import {
  HeldReply,
  MessageRouteParams,
  AssignRequest,
  Conversation,
  ConversationQuery,
  ErrorBody,
  MarkReadRequest,
  Message,
  MessagesQuery,
  NoteRequest,
  PageQuery,
  PriorityRequest,
  ReplyRequest,
  ResolveRequest,
  TagsRequest,
  TransferRequest,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { badRequest, conflict } from '../../platform/errors.js';
import { memberOf } from '../auth/access.js';
import { assertDispositionUsable } from '../dispositions/service.js';
import { claimAttachments } from '../files/service.js';
import { assertMayHandle } from './ownership.js';
import { holdIfReviewed } from '../reviews/hold.js';
import { reviewById } from '../reviews/queue.js';
import { recordRoutingEvent } from '../routing/events.js';
import { findUserById } from '../users/service.js';
import { assignConversation, markRead, reopenConversation, resolveConversation, setPriority, setTags, type Actor } from './commands.js';
import { retryDelivery } from './delivery.js';
import { publishMessage, publishStatus, publishTyping } from './events.js';
import { getConversation, listConversations } from './queries.js';
import { messageView } from './views.js';
import { appendMessage, lockConversation, messagesAfter, type Appended } from './write-path.js';

const errors = { '4xx': ErrorBody };

async function actorOf(ctx: AppContext, request: FastifyRequest): Promise<Actor> {
  const member = memberOf(request);
  if (!member.userId) return { type: 'agent', id: null, name: 'API' };
  const user = await findUserById(ctx.db, member.userId);
  return { type: 'agent', id: member.userId, name: user?.name ?? null };
}

export const conversationRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const base = '/workspaces/:workspaceId/conversations';

    /** Runs a change in one transaction, then publishes it. */
    const commit = async (work: (tx: Parameters<Parameters<typeof ctx.db.transaction>[0]>[0]) => Promise<Appended>) => {
      const appended = await ctx.db.transaction(work);
      if (!appended.duplicate) publishMessage(ctx.realtime, appended.conversation, appended.message);
      return appended;
    };

    app.get(
      base,
      {
        config: { access: 'conversations.read' },
        schema: {
          tags: ['conversations'],
          summary: 'List and filter conversations, newest first',
          params: WorkspaceParams,
          querystring: PageQuery.extend(ConversationQuery.shape),
          response: { 200: page(Conversation), ...errors },
        },
      },
      async (request) => {
        const member = memberOf(request);
        const assigneeId = request.query.assigneeId === 'me' ? (member.userId ?? 'none') : request.query.assigneeId;
        // `mine`: the caller's teams (an API token belongs to none).
        const { teamId, ...rest } = request.query;
        const teams = teamId === 'mine' ? { teamsOf: member.userId ?? null } : { teamId };
        return listConversations(ctx.db, member.workspaceId, { ...rest, ...teams, assigneeId });
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'conversations.read' },
        schema: {
          tags: ['conversations'],
          summary: 'Read a conversation',
          params: WorkspaceEntityParams,
          response: { 200: Conversation, ...errors },
        },
      },
      async (request) => (await getConversation(ctx.db, memberOf(request).workspaceId, request.params.id)).view,
    );

    app.get(
      `${base}/:id/messages`,
      {
        config: { access: 'conversations.read' },
        schema: {
          tags: ['conversations'],
          summary: 'Messages after a sequence number, in order (page forward with afterSeq)',
          params: WorkspaceEntityParams,
          querystring: MessagesQuery,
          response: { 200: z.object({ items: z.array(Message), lastSeq: z.number().int() }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { row } = await getConversation(ctx.db, workspaceId, request.params.id);
        const rows = await messagesAfter(ctx.db, workspaceId, row.id, request.query.afterSeq, request.query.limit);
        return { items: rows.map(messageView), lastSeq: row.lastSeq };
      },
    );

    app.post(
      `${base}/:id/messages`,
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags: ['conversations'],
          summary: 'Reply to the customer (sent through the conversation’s channel; 202 when a review policy holds it for approval)',
          params: WorkspaceEntityParams,
          body: ReplyRequest,
          response: { 201: Message, 200: Message, 202: HeldReply, ...errors },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const { workspaceId, userId } = member;
        const actor = await actorOf(ctx, request);
        const { body } = request;
        const idempotencyKey = body.clientMessageId ? `agent:${actor.id ?? 'api'}:${body.clientMessageId}` : null;
        const outcome = await ctx.db.transaction(async (tx) => {
          const conversation = await lockConversation(tx, workspaceId, request.params.id);
          assertMayHandle(member, conversation);
          if (conversation.state === 'resolved') throw conflict('the conversation is resolved; reopen it to reply');
          if (body.cc && conversation.channel !== 'email') throw badRequest('cc is for email conversations only');
          const attachments = await claimAttachments(tx, workspaceId, body.attachmentIds, `user:${userId ?? 'api'}`);
          const deliveryOptions = body.cc ? { cc: body.cc } : null;
          // A review policy may hold it: then it is no message yet, and nothing reaches the channel.
          const held = await holdIfReviewed(tx, {
            workspaceId,
            conversation,
            author: actor,
            ...(member.userId ? {} : { authorRole: member.role }),
            text: body.text,
            attachments,
            deliveryOptions,
            clientMessageId: body.clientMessageId ?? null,
            idempotencyKey,
          });
          if (held) return { held };
          const appended = await appendMessage(
            tx,
            workspaceId,
            conversation.id,
            {
              kind: 'out',
              text: body.text,
              attachments,
              senderType: 'agent',
              senderId: actor.id,
              senderName: actor.name,
              clientMessageId: body.clientMessageId ?? null,
              idempotencyKey,
              deliveryOptions,
            },
            conversation,
          );
          return { appended };
        });
        if (outcome.held)
          return reply.code(202).send({ held: true as const, review: await reviewById(ctx.db, workspaceId, outcome.held.id) });
        const appended = outcome.appended!;
        if (!appended.duplicate) publishMessage(ctx.realtime, appended.conversation, appended.message);
        return reply.code(appended.duplicate ? 200 : 201).send(messageView(appended.message));
      },
    );

    app.post(
      `${base}/:id/messages/:messageId/retry`,
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags: ['conversations'],
          summary: 'Send a failed reply again (after a permanent delivery failure was fixed)',
          params: MessageRouteParams,
          response: { 200: Message, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const message = await ctx.db.transaction(async (tx) => {
          assertMayHandle(memberOf(request), await lockConversation(tx, workspaceId, request.params.id));
          return retryDelivery(tx, workspaceId, request.params.id, request.params.messageId);
        });
        const { row } = await getConversation(ctx.db, workspaceId, request.params.id);
        publishStatus(ctx.realtime, row, [message], 'sent');
        return messageView(message);
      },
    );

    app.post(
      `${base}/:id/notes`,
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags: ['conversations'],
          summary: 'Add a private note, visible to agents only',
          params: WorkspaceEntityParams,
          body: NoteRequest,
          response: { 201: Message, 200: Message, ...errors },
        },
      },
      async (request, reply) => {
        const { workspaceId } = memberOf(request);
        const actor = await actorOf(ctx, request);
        const appended = await commit((tx) =>
          appendMessage(tx, workspaceId, request.params.id, {
            kind: 'note',
            text: request.body.text,
            senderType: 'agent',
            senderId: actor.id,
            senderName: actor.name,
            clientMessageId: request.body.clientMessageId ?? null,
            idempotencyKey: request.body.clientMessageId ? `note:${actor.id ?? 'api'}:${request.body.clientMessageId}` : null,
          }),
        );
        return reply.code(appended.duplicate ? 200 : 201).send(messageView(appended.message));
      },
    );

    /** Actions that take a conversation out of its owner's hands; tags and priority stay open to colleagues. */
    const OWNER_ACTIONS = new Set(['assign', 'transfer', 'resolve', 'reopen']);
    const action = <Body extends z.ZodType>(
      path: string,
      summary: string,
      body: Body,
      run: (
        tx: Parameters<Parameters<typeof ctx.db.transaction>[0]>[0],
        workspaceId: string,
        id: string,
        actor: Actor,
        input: z.infer<Body>,
      ) => Promise<Appended>,
    ) =>
      app.post(
        `${base}/:id/${path}`,
        {
          config: { access: 'conversations.manage' },
          schema: { tags: ['conversations'], summary, params: WorkspaceEntityParams, body, response: { 200: Conversation, ...errors } },
        },
        async (request) => {
          const member = memberOf(request);
          const { workspaceId } = member;
          const actor = await actorOf(ctx, request);
          await commit(async (tx) => {
            if (OWNER_ACTIONS.has(path)) assertMayHandle(member, await lockConversation(tx, workspaceId, request.params.id));
            return run(tx, workspaceId, request.params.id, actor, request.body as z.infer<Body>);
          });
          return (await getConversation(ctx.db, workspaceId, request.params.id)).view;
        },
      );

    action(
      'assign',
      'Assign to an agent (or unassign with null), optionally moving to a team',
      AssignRequest,
      async (tx, ws, id, actor, input) => {
        const before = await lockConversation(tx, ws, id);
        const appended = await assignConversation(tx, ws, id, actor, input);
        // Taking a waiting conversation by hand answers it, as the router's assignment would.
        if (input.assigneeId && before.state === 'queued')
          await recordRoutingEvent(tx, {
            workspaceId: ws,
            type: 'assigned',
            conversationId: id,
            userId: input.assigneeId,
            teamId: appended.conversation.teamId,
            details: { algorithm: 'manual', by: actor.id, waitedMs: before.queuedAt ? Date.now() - before.queuedAt.getTime() : null },
          });
        return appended;
      },
    );
    action(
      'transfer',
      'Transfer to an agent or a team, with a note for the receiver',
      TransferRequest,
      async (tx, ws, id, actor, input) => {
        const appended = await assignConversation(
          tx,
          ws,
          id,
          actor,
          { assigneeId: input.assigneeId ?? null, ...(input.teamId ? { teamId: input.teamId } : {}) },
          { type: 'transferred', details: { note: input.note ?? null } },
        );
        if (!input.note) return appended;
        return appendMessage(
          tx,
          ws,
          id,
          { kind: 'note', text: input.note, senderType: 'agent', senderId: actor.id, senderName: actor.name },
          appended.conversation,
        );
      },
    );
    action(
      'resolve',
      'Resolve, with an optional wrap-up (an enabled disposition code of the workspace, and a summary)',
      ResolveRequest,
      async (tx, ws, id, actor, input) => {
        // An unknown conversation is a 404 before a bad code is a 422.
        await lockConversation(tx, ws, id);
        if (input.disposition) await assertDispositionUsable(tx, ws, input.disposition);
        return resolveConversation(tx, ws, id, actor, input);
      },
    );
    action('reopen', 'Reopen a resolved conversation', z.object({}).default({}), (tx, ws, id, actor) =>
      reopenConversation(tx, ws, id, actor),
    );
    action('tags', 'Replace the conversation’s tags', TagsRequest, (tx, ws, id, actor, input) => setTags(tx, ws, id, actor, input.tags));
    action('priority', 'Set the priority', PriorityRequest, (tx, ws, id, actor, input) => setPriority(tx, ws, id, actor, input.priority));

    app.post(
      `${base}/:id/read`,
      {
        config: { access: 'conversations.read' },
        schema: {
          tags: ['conversations'],
          summary: 'Mark the customer’s messages read up to a sequence number',
          params: WorkspaceEntityParams,
          body: MarkReadRequest,
          response: { 200: z.object({ updated: z.number().int() }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { row } = await getConversation(ctx.db, workspaceId, request.params.id);
        const changed = await markRead(ctx.db, workspaceId, row.id, 'agent', request.body.upToSeq);
        publishStatus(ctx.realtime, row, changed, 'read');
        return { updated: changed.length };
      },
    );

    app.post(
      `${base}/:id/typing`,
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags: ['conversations'],
          summary: 'Tell the customer the agent is (or stopped) typing',
          params: WorkspaceEntityParams,
          body: z.object({ typing: z.boolean() }),
          response: { 200: z.object({ ok: z.literal(true) }), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { row } = await getConversation(ctx.db, workspaceId, request.params.id);
        const actor = await actorOf(ctx, request);
        publishTyping(ctx.realtime, row, 'agent', request.body.typing, actor.name);
        return { ok: true as const };
      },
    );
  };
