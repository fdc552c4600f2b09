import { randomBytes } from 'node:crypto';
import { PassThrough, pipeline, Readable, Transform } from 'node:stream';
import { and, eq, inArray } from 'drizzle-orm';
import type { Attachment } from '@huiliu/contracts';
import { AppError, isMultipartFailure, malformedMultipart, notFound } from '../../platform/errors.js';
import { constantTimeEqual } from '../../platform/secrets.js';
import type { FileStorage } from '../../platform/storage.js';
import type { Executor } from '../users/service.js';
import { contentMatchesType, sanitiseFileName } from './names.js';
import { files } from './schema.js';

export interface UploadPolicy {
  maxBytes: number;
  contentTypes: string[];
}

type FileRow = typeof files.$inferSelect;

export function attachmentView(row: FileRow): Attachment {
  return {
    id: row.id,
    name: row.name,
    contentType: row.contentType,
    size: row.size,
    url: `/files/${row.id}/${row.accessKey}/${encodeURIComponent(row.name)}`,
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Counts bytes as they pass and fails the stream once the limit is crossed. */
function sizeLimit(maxBytes: number) {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new AppError(413, 'attachment_too_large', `files may be at most ${formatBytes(maxBytes)}`));
      else callback(null, chunk);
    },
  });
}

/** Resolves with at least `bytes` bytes from the start of the stream (less if it ends), leaving it paused. */
function readHead(source: Readable, bytes: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    // A stream the parser already failed (or closed) emits nothing more: do not wait for it.
    if (source.errored || source.destroyed) return reject(source.errored ?? new Error('Unexpected end of multipart data'));
    const onClose = () => reject(source.errored ?? new Error('Unexpected end of multipart data'));
    const finish = (ended: boolean) => {
      source.off('data', onData).off('end', onEnd).off('error', reject).off('close', onClose);
      source.pause();
      resolve({ head: Buffer.concat(chunks), ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) finish(false);
    };
    const onEnd = () => finish(true);
    source.on('data', onData).once('end', onEnd).once('error', reject).once('close', onClose);
  });
}

/** Checks the declared type against the file's first bytes, then hands on the whole stream. */
async function checkedStream(source: Readable, contentType: string): Promise<Readable> {
  const { head, ended } = await readHead(source, 16);
  if (!contentMatchesType(contentType, head)) {
    source.resume();
    throw new AppError(415, 'attachment_type_mismatch', `the file's content is not ${contentType}`);
  }
  const out = new PassThrough();
  out.write(head);
  if (ended) out.end();
  // pipeline, not pipe: it keeps an error listener on `out` even after the consumer has given
  // up on it, so a form cut off late is never an uncaught error.
  else pipeline(source, out, () => undefined);
  return out;
}

export async function storeUpload(
  db: Executor,
  storage: FileStorage,
  input: {
    workspaceId: string;
    uploadedBy: string;
    fileName: string | undefined;
    contentType: string;
    stream: Readable;
    policy: UploadPolicy;
  },
): Promise<Attachment> {
  // A form cut off mid-file makes the parser fail the file stream, possibly before or between
  // our own listeners: catch it from the start, so it is a 400 and never an uncaught error.
  let sourceError: Error | undefined;
  input.stream.on('error', (error: Error) => (sourceError ??= error));
  const contentType = input.contentType.toLowerCase().split(';')[0]!.trim();
  if (!input.policy.contentTypes.includes(contentType)) {
    input.stream.resume();
    throw new AppError(
      415,
      'attachment_type_not_allowed',
      `files of type ${contentType} are not accepted here; allowed: ${input.policy.contentTypes.join(', ')}`,
    );
  }
  const storageKey = `${input.workspaceId}/${randomBytes(16).toString('hex')}`;
  let size: number;
  try {
    const checked = await checkedStream(input.stream, contentType);
    size = await storage.put(storageKey, checked, [sizeLimit(input.policy.maxBytes)]);
  } catch (error) {
    input.stream.resume();
    if (error instanceof AppError) throw error;
    if ((error as { statusCode?: number }).statusCode === 413) throw new AppError(413, 'attachment_too_large', 'the file is too large');
    if (sourceError && isMultipartFailure(sourceError)) throw malformedMultipart(sourceError.message);
    throw error;
  }
  const [row] = await db
    .insert(files)
    .values({
      workspaceId: input.workspaceId,
      accessKey: randomBytes(18).toString('base64url'),
      name: sanitiseFileName(input.fileName),
      contentType,
      size,
      storageKey,
      uploadedBy: input.uploadedBy,
    })
    .returning();
  return attachmentView(row!);
}

/** The attachments a sender may use in a message: their own uploads in this workspace. */
export async function claimAttachments(db: Executor, workspaceId: string, ids: string[], uploadedBy: string): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(files)
    .where(and(eq(files.workspaceId, workspaceId), inArray(files.id, ids), eq(files.uploadedBy, uploadedBy)));
  if (rows.length !== new Set(ids).size) throw notFound('attachment');
  return ids.map((id) => attachmentView(rows.find((row) => row.id === id)!));
}

export async function findFileByAccess(db: Executor, id: string, accessKey: string) {
  const [row] = await db.select().from(files).where(eq(files.id, id));
  return row && constantTimeEqual(row.accessKey, accessKey) ? row : undefined;
}

/**
 * Stores bytes a connector received (an email attachment, an inline image) as a file of the
 * workspace. No type policy: the sender chose what to attach; the name is sanitised and the
 * download is served as an attachment like every other file.
 */
export async function storeReceivedFile(
  db: Executor,
  storage: FileStorage,
  input: { workspaceId: string; uploadedBy: string; fileName: string | undefined; contentType: string; bytes: Buffer },
): Promise<Attachment> {
  const storageKey = `${input.workspaceId}/${randomBytes(16).toString('hex')}`;
  const size = await storage.put(storageKey, Readable.from([input.bytes]));
  const [row] = await db
    .insert(files)
    .values({
      workspaceId: input.workspaceId,
      accessKey: randomBytes(18).toString('base64url'),
      name: sanitiseFileName(input.fileName),
      contentType: input.contentType.toLowerCase().split(';')[0]!.trim() || 'application/octet-stream',
      size,
      storageKey,
      uploadedBy: input.uploadedBy,
    })
    .returning();
  return attachmentView(row!);
}

/** The stored bytes of attachments (by id) of a workspace, for sending them on (email). */
export async function readAttachments(db: Executor, storage: FileStorage, workspaceId: string, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(files)
    .where(and(eq(files.workspaceId, workspaceId), inArray(files.id, ids)));
  return Promise.all(
    rows.map(async (row) => {
      const chunks: Buffer[] = [];
      for await (const chunk of await storage.get(row.storageKey)) chunks.push(chunk as Buffer);
      return { name: row.name, contentType: row.contentType, content: Buffer.concat(chunks) };
    }),
  );
}

/** A file of the workspace with its bytes, for a connector that sends it on (a WeChat image). */
export async function readWorkspaceFile(db: Executor, storage: FileStorage, workspaceId: string, fileId: string) {
  const [file] = await readAttachments(db, storage, workspaceId, [fileId]);
  if (!file) throw notFound('attachment');
  return { name: file.name, contentType: file.contentType, bytes: file.content };
}
