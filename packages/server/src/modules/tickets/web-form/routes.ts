import type { Attachment } from '@huiliu/contracts';
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { storeUpload } from '../../files/service.js';
import { inboxes } from '../../inboxes/schema.js';
import { widgetSettingsOf } from '../../inboxes/service.js';
import { notFoundPage } from '../../knowledge/help-center.js';
import { workspaces } from '../../workspaces/schema.js';
import { HONEYPOT_FIELD, requestFormPage, requestReceivedPage, sendRequestPage, type RequestFormValues } from './page.js';
import { notificationLocaleOf } from '../notifications/compose.js';
import { earlierRequestTicket, submitWebRequest } from './submit.js';
import { offeredForms, readFieldValues, type OfferedForm } from './fields.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Submissions per IP per help center: a person sends a few requests, a script many. */
export const REQUESTS_PER_IP = { max: 5, timeWindow: '10 minutes' } as const;

const trimmed = (max: number, message: string) => z.string().trim().min(1, message).max(max, message);

const RequestForm = z.object({
  requestKey: z.string().uuid('表单已失效，请刷新页面后重试。The form expired; reload the page and try again.'),
  name: trimmed(100, '请填写姓名（最多 100 字）。Enter your name (up to 100 characters).'),
  email: z
    .string()
    .trim()
    .max(254, '请填写有效的邮箱地址。Enter a valid email address.')
    .email('请填写有效的邮箱地址。Enter a valid email address.'),
  subject: trimmed(200, '请填写主题（最多 200 字）。Enter a subject (up to 200 characters).'),
  description: trimmed(10_000, '请描述您的问题（最多 10000 字）。Describe your problem (up to 10,000 characters).'),
});

type Verdict =
  | { kind: 'bot' }
  | { kind: 'invalid'; errors: string[]; values: RequestFormValues }
  | { kind: 'duplicate'; ticketNumber: number }
  | { kind: 'ok'; request: z.infer<typeof RequestForm> & { formId: string | null; fields: Record<string, unknown> } };

/**
 * The help center's "submit a request" (提交工单) page. The form posts multipart (it may carry a
 * file); the fields come before the file, so everything is judged — bot, bad input, double
 * submit — before a byte of the file is stored: a refused request stores nothing.
 */
export const ticketRequestRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    /** The help center and the chat inbox its requests arrive on (the oldest enabled one). */
    const target = async (slug: string) => {
      if (!SLUG.test(slug)) return undefined;
      const [row] = await ctx.db
        .select({ workspace: { id: workspaces.id, name: workspaces.name, slug: workspaces.slug }, inbox: inboxes })
        .from(workspaces)
        .innerJoin(inboxes, and(eq(inboxes.workspaceId, workspaces.id), eq(inboxes.kind, 'widget'), eq(inboxes.enabled, true)))
        .where(eq(workspaces.slug, slug))
        .orderBy(asc(inboxes.createdAt))
        .limit(1);
      return row;
    };
    const NO_FORM = '这个帮助中心不接受在线提交工单 / This help center takes no requests';

    app.get<{ Params: { slug: string }; Querystring: { form?: unknown } }>(
      '/help/:slug/requests/new',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const found = await target(request.params.slug);
        if (!found) return notFoundPage(reply, NO_FORM);
        const offered = await offeredForms(ctx.db, found.workspace.id);
        // An unknown or withdrawn form is the general request: the page still works.
        const chosen = offered.find((form) => form.id === request.query.form) ?? null;
        return sendRequestPage(
          reply,
          200,
          requestFormPage(found.workspace, randomUUID(), {}, [], widgetSettingsOf(found.inbox).attachments, { offered, chosen, raw: {} }),
        );
      },
    );

    app.post<{ Params: { slug: string } }>(
      '/help/:slug/requests',
      {
        config: {
          access: 'public',
          rateLimit: {
            ...REQUESTS_PER_IP,
            keyGenerator: (request: FastifyRequest) => `help-request:${request.ip}:${(request.params as { slug?: string }).slug ?? ''}`,
          },
        },
        schema: { hide: true },
      },
      async (request, reply) => {
        const found = await target(request.params.slug);
        if (!found) return notFoundPage(reply, NO_FORM);
        if (!request.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'send the form as multipart/form-data');
        const { workspace, inbox } = found;
        const policy = widgetSettingsOf(inbox).attachments;
        const fields: Record<string, string> = {};
        /** The chosen ticket form's inputs, every value of each (a multi-select sends several). */
        const custom: Record<string, string[]> = {};
        const offered = await offeredForms(ctx.db, workspace.id);
        let chosen: OfferedForm | null = null;
        let verdict: Verdict | undefined;
        const judge = async (): Promise<Verdict> => {
          // A bot's request is answered like a person's, so it learns nothing to work around.
          if (fields[HONEYPOT_FIELD]?.trim()) return { kind: 'bot' };
          const parsed = RequestForm.safeParse(fields);
          const errors = parsed.success ? [] : [...new Set(parsed.error.issues.map((issue) => issue.message))];
          let values: Record<string, unknown> = {};
          if (fields.formId) {
            chosen = offered.find((form) => form.id === fields.formId) ?? null;
            if (!chosen) errors.push('该问题类型已停用，请重新选择。This request type is no longer offered; choose again.');
            else {
              const read = readFieldValues(chosen, custom);
              if (read.ok) values = read.values;
              else errors.push(...read.errors);
            }
          }
          if (!parsed.success || errors.length) {
            const { name, email, subject, description } = fields;
            return { kind: 'invalid', errors, values: { name, email, subject, description } };
          }
          const earlier = await earlierRequestTicket(ctx.db, workspace.id, parsed.data.requestKey);
          if (earlier) return { kind: 'duplicate', ticketNumber: earlier.number };
          return { kind: 'ok', request: { ...parsed.data, formId: chosen?.id ?? null, fields: values } };
        };
        const attachments: Attachment[] = [];
        // The global limit (10 fields) fits the general form; a ticket form adds up to 100 of its own.
        for await (const part of request.parts({ limits: { fields: 120 } })) {
          if (part.type === 'field') {
            if (typeof part.value !== 'string' || part.fieldname.length > 50) continue;
            if (part.fieldname.startsWith('field:')) (custom[part.fieldname] ??= []).push(part.value);
            else fields[part.fieldname] = part.value;
            continue;
          }
          verdict ??= await judge();
          // An empty file input is a part without a name; a refused request keeps none of its file.
          if (!part.filename || verdict.kind !== 'ok') {
            part.file.resume();
            continue;
          }
          attachments.push(
            await storeUpload(ctx.db, ctx.storage, {
              workspaceId: workspace.id,
              uploadedBy: `help-request:${verdict.request.requestKey}`,
              fileName: part.filename,
              contentType: part.mimetype,
              stream: part.file,
              policy,
            }),
          );
        }
        verdict ??= await judge();
        switch (verdict.kind) {
          case 'bot':
            request.log.info({ slug: workspace.slug }, 'help-center request with the honeypot filled: dropped');
            return sendRequestPage(reply, 200, requestReceivedPage(workspace, null));
          case 'invalid':
            return sendRequestPage(
              reply,
              400,
              requestFormPage(
                workspace,
                fields.requestKey && z.string().uuid().safeParse(fields.requestKey).success ? fields.requestKey : randomUUID(),
                verdict.values,
                verdict.errors,
                policy,
                { offered, chosen, raw: custom },
              ),
            );
          case 'duplicate':
            return sendRequestPage(reply, 200, requestReceivedPage(workspace, verdict.ticketNumber));
          case 'ok': {
            const locale = notificationLocaleOf(request.headers['accept-language']);
            const { ticket } = await submitWebRequest(ctx, workspace, inbox, { ...verdict.request, locale }, attachments);
            return sendRequestPage(reply, 200, requestReceivedPage(workspace, ticket.number));
          }
        }
      },
    );
  };
