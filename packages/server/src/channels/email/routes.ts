import {
  EmailDetails,
  EmailRecipients,
  ErrorBody,
  FailedImport,
  MessageRouteParams,
  PageQuery,
  TestConnectionRequest,
  TestConnectionResult,
  WorkspaceEntityParams,
  WorkspaceParams,
  page,
} from '@huiliu/contracts';
import { and, eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import { memberOf } from '../../modules/auth/access.js';
import { storedEmailSettings } from '../../modules/inboxes/email-settings.js';
import { getInbox } from '../../modules/inboxes/service.js';
import { getConversation } from '../../modules/conversations/queries.js';
import { recipientsOf } from './recipients.js';
import { emailFailedImports, emailMessages } from './schema.js';
import { testConnection } from './transport.js';

const errors = { '4xx': ErrorBody };

type FailedImportRow = typeof emailFailedImports.$inferSelect;
const failedImportView = (row: FailedImportRow) => ({
  id: row.id,
  inboxId: row.inboxId,
  source: row.source,
  reason: row.reason,
  subject: row.subject,
  from: row.fromAddress,
  size: row.size,
  createdAt: row.createdAt.toISOString(),
});

/** Email-specific routes: connection tests, failed imports, and the email side of messages (.eml). */
export const emailRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    const sendEml = async (reply: FastifyReply, storageKey: string, name: string) => {
      reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="${name}.eml"`)
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; sandbox");
      return reply.send(await ctx.storage.get(storageKey));
    };

    app.post(
      '/workspaces/:workspaceId/inboxes/:id/test-connection',
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: "Test an email inbox's IMAP or SMTP server with the stored settings",
          params: WorkspaceEntityParams,
          body: TestConnectionRequest,
          response: { 200: TestConnectionResult, ...errors },
        },
      },
      async (request) => {
        const inbox = await getInbox(ctx.db, memberOf(request).workspaceId, request.params.id);
        if (inbox.kind !== 'email') throw conflict('only an email inbox has mail servers to test');
        return testConnection(storedEmailSettings(inbox.settings), request.body.direction, ctx.secrets);
      },
    );

    app.get(
      '/workspaces/:workspaceId/email/failed-imports',
      {
        config: { access: 'inboxes.manage' },
        schema: {
          tags: ['inboxes'],
          summary: 'Inbound mail that could not be imported (malformed, no sender, too large), newest first',
          params: WorkspaceParams,
          querystring: PageQuery,
          response: { 200: page(FailedImport), ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const position = keyset(emailFailedImports, request.query.cursor);
        const rows = await ctx.db
          .select()
          .from(emailFailedImports)
          .where(and(eq(emailFailedImports.workspaceId, workspaceId), position.where))
          .orderBy(...position.orderBy)
          .limit(request.query.limit + 1);
        return toPage(rows, request.query.limit, failedImportView);
      },
    );

    app.get(
      '/workspaces/:workspaceId/email/failed-imports/:id/raw',
      {
        config: { access: 'inboxes.manage' },
        schema: { tags: ['inboxes'], summary: 'The raw message of a failed import (.eml)', params: WorkspaceEntityParams },
      },
      async (request, reply) => {
        const [row] = await ctx.db
          .select()
          .from(emailFailedImports)
          .where(and(eq(emailFailedImports.workspaceId, memberOf(request).workspaceId), eq(emailFailedImports.id, request.params.id)));
        if (!row) throw notFound('failed import');
        return sendEml(reply, row.rawStorageKey, `failed-import-${row.id}`);
      },
    );

    const emailOf = async (workspaceId: string, conversationId: string, messageId: string) => {
      const [row] = await ctx.db
        .select()
        .from(emailMessages)
        .where(
          and(
            eq(emailMessages.workspaceId, workspaceId),
            eq(emailMessages.conversationId, conversationId),
            eq(emailMessages.messageId, messageId),
          ),
        );
      if (!row) throw notFound('email message');
      return row;
    };

    app.get(
      '/workspaces/:workspaceId/conversations/:id/messages/:messageId/email',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags: ['conversations'],
          summary: 'The email side of a message: subject, recipients, CC, sanitised HTML, the quoted history',
          params: MessageRouteParams,
          response: { 200: EmailDetails, ...errors },
        },
      },
      async (request) => {
        const row = await emailOf(memberOf(request).workspaceId, request.params.id, request.params.messageId);
        return {
          messageId: row.headerMessageId,
          direction: row.direction,
          subject: row.subject,
          from: row.fromAddress,
          to: row.toAddresses,
          cc: row.ccAddresses,
          inReplyTo: row.inReplyTo,
          html: row.html,
          quotedText: row.quotedText,
          autoSubmitted: row.autoSubmitted,
          rawAvailable: row.rawStorageKey !== null,
        };
      },
    );

    app.get(
      '/workspaces/:workspaceId/conversations/:id/email/recipients',
      {
        config: { access: 'conversations.read' },
        schema: {
          tags: ['conversations'],
          summary: 'Who a reply goes to by default: the customer, and as CC everyone else on their last mail (reply-all)',
          params: WorkspaceEntityParams,
          response: { 200: EmailRecipients, ...errors },
        },
      },
      async (request) => {
        const { workspaceId } = memberOf(request);
        const { row: conversation } = await getConversation(ctx.db, workspaceId, request.params.id);
        if (conversation.channel !== 'email') throw conflict('not an email conversation');
        const inbox = await getInbox(ctx.db, workspaceId, conversation.inboxId);
        const { to, cc } = await recipientsOf(ctx.db, conversation, storedEmailSettings(inbox.settings), { automatic: false });
        return { to, cc };
      },
    );

    app.get(
      '/workspaces/:workspaceId/conversations/:id/messages/:messageId/eml',
      {
        config: { access: 'conversations.read' },
        schema: { tags: ['conversations'], summary: 'The original email as received (.eml)', params: MessageRouteParams },
      },
      async (request, reply) => {
        const row = await emailOf(memberOf(request).workspaceId, request.params.id, request.params.messageId);
        if (!row.rawStorageKey) throw notFound('original email');
        return sendEml(reply, row.rawStorageKey, `message-${row.messageId}`);
      },
    );
  };
