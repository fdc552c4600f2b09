import { Attachment, ErrorBody, MAX_ENCODED_FILE_NAME_LENGTH, WorkspaceParams } from '@huiliu/contracts';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { memberOf } from '../auth/access.js';
import { servedContentType } from './names.js';
import { findFileByAccess, storeUpload, type UploadPolicy } from './service.js';

/** What agents may attach: broader than a public widget allows, still no executables or HTML. */
export const AGENT_UPLOAD_POLICY: UploadPolicy = {
  maxBytes: 25 * 1024 * 1024,
  contentTypes: [
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'application/pdf',
    'text/plain',
    'text/csv',
    'application/zip',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ],
};

/** The one file part of a multipart request, or a clear 4xx. */
export async function singleFilePart(request: FastifyRequest) {
  if (!request.isMultipart())
    throw new AppError(415, 'unsupported_media_type', 'send the file as multipart/form-data with a field named "file"');
  const part = await request.file();
  if (!part) throw new AppError(400, 'file_missing', 'the form has no file field');
  return part;
}

export const fileRoutes = (ctx: AppContext): FastifyPluginAsyncZod =>
  async function (app) {
    app.post(
      '/api/v1/workspaces/:workspaceId/files',
      {
        config: { access: 'conversations.reply' },
        schema: {
          tags: ['files'],
          summary: 'Upload an attachment (multipart field "file"); use its id in a reply',
          consumes: ['multipart/form-data'],
          params: WorkspaceParams,
          response: { 201: Attachment, ...{ '4xx': ErrorBody } },
        },
      },
      async (request, reply) => {
        const member = memberOf(request);
        const part = await singleFilePart(request);
        const attachment = await storeUpload(ctx.db, ctx.storage, {
          workspaceId: member.workspaceId,
          uploadedBy: `user:${member.userId ?? 'api'}`,
          fileName: part.filename,
          contentType: part.mimetype,
          stream: part.file,
          policy: AGENT_UPLOAD_POLICY,
        });
        return reply.code(201).send(attachment);
      },
    );

    app.get(
      '/files/:id/:accessKey/:name',
      {
        config: { access: 'public' },
        schema: {
          hide: true,
          params: z.object({ id: z.uuid(), accessKey: z.string().max(64), name: z.string().max(MAX_ENCODED_FILE_NAME_LENGTH) }),
        },
      },
      async (request, reply) => {
        const file = await findFileByAccess(ctx.db, request.params.id, request.params.accessKey);
        if (!file) throw notFound('file');
        const served = servedContentType(file.contentType);
        const disposition = served.inline ? 'inline' : 'attachment';
        reply
          .header('content-type', served.type)
          .header('content-length', String(file.size))
          .header(
            'content-disposition',
            `${disposition}; filename="${file.name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          )
          .header('cache-control', 'private, max-age=86400')
          .header('content-security-policy', "default-src 'none'; sandbox");
        return reply.send(await ctx.storage.get(file.storageKey));
      },
    );
  };
