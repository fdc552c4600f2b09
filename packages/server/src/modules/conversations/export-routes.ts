import { ConversationQuery, ErrorBody, WorkspaceParams } from '@huiliu/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { EXPORT_LIMITS, exportFileName, sendCsv } from '../../platform/http/csv.js';
import { memberOf } from '../auth/access.js';
import { listConversations, type ConversationFilter } from './queries.js';

const HEADER = [
  'number',
  'channel',
  'inbox_id',
  'state',
  'priority',
  'customer',
  'customer_id',
  'assignee_id',
  'team_id',
  'tags',
  'csat',
  'csat_comment',
  'last_customer_message',
  'created_at',
  'first_response_at',
  'last_message_at',
  'resolved_at',
  'id',
];

/** Every conversation the filters match, a page at a time, up to the export's cap. */
async function* eachConversation(ctx: AppContext, workspaceId: string, filter: Omit<ConversationFilter, 'limit' | 'cursor'>) {
  let cursor: string | undefined;
  let sent = 0;
  while (sent < EXPORT_LIMITS.max) {
    const page = await listConversations(ctx.db, workspaceId, {
      ...filter,
      cursor,
      limit: Math.min(EXPORT_LIMITS.batch, EXPORT_LIMITS.max - sent),
    });
    for (const item of page.items) yield item;
    sent += page.items.length;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/** Conversations as a CSV file, with the same filters as the inbox views. */
export const conversationExportRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.get(
      '/workspaces/:workspaceId/conversations/export.csv',
      {
        config: { access: 'conversations.export' },
        schema: {
          tags: ['conversations'],
          summary: `Download the conversations the filters match as CSV (newest first, at most ${EXPORT_LIMITS.max})`,
          params: WorkspaceParams,
          querystring: ConversationQuery,
          produces: ['text/csv'],
          response: { '4xx': ErrorBody },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const { teamId, assigneeId, ...rest } = request.query;
        const filter = {
          ...rest,
          ...(teamId === 'mine' ? { teamsOf: member.userId ?? null } : { teamId }),
          assigneeId: assigneeId === 'me' ? (member.userId ?? 'none') : assigneeId,
        };
        async function* rows() {
          for await (const c of eachConversation(ctx, member.workspaceId, filter)) {
            yield [
              c.number,
              c.channel,
              c.inboxId,
              c.state,
              c.priority,
              c.customerName ?? c.customerLabel,
              c.customerId,
              c.assigneeId,
              c.teamId,
              c.tags,
              c.csat?.rating ?? null,
              c.csat?.comment ?? null,
              c.lastCustomerMessagePreview,
              c.createdAt,
              c.firstResponseAt,
              c.lastMessageAt,
              c.resolvedAt,
              c.id,
            ];
          }
        }
        return sendCsv(reply, exportFileName('conversations'), HEADER, rows());
      },
    );
  };
