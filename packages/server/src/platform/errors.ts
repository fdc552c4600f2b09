import { NUL_MESSAGE } from '@huiliu/contracts';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/** An error a client can act on: carries its HTTP status and a stable machine-readable code. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what = 'resource') => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'your role does not allow this action') => new AppError(403, 'forbidden', message);
export const unauthorized = (message = 'log in first, or send a valid API token') => new AppError(401, 'unauthorized', message);
export const conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);
export const unprocessable = (message: string, details?: unknown) => new AppError(422, 'unprocessable', message, details);

/** The 400 for a value with a NUL in it (see `findNul`), shaped like every other validation failure. */
export const nulRefused = (path: string) =>
  new AppError(400, 'validation_failed', `invalid request: ${path}: ${NUL_MESSAGE}`, [{ path, message: NUL_MESSAGE }]);

/** PostgreSQL error codes that mean the client sent something impossible, not that we broke. */
const PG_CLIENT_ERRORS: Record<string, [number, string, string]> = {
  '23505': [409, 'conflict', 'this already exists'],
  '23503': [404, 'not_found', 'a referenced resource does not exist'],
  // An ON DELETE RESTRICT key still pointing at the row (PostgreSQL 15+ reports it apart from 23503).
  '23001': [409, 'in_use', 'something still uses this; change that first'],
  '22P02': [400, 'bad_request', 'a value has the wrong format'],
  '22001': [400, 'bad_request', 'a value is too long'],
  '54000': [400, 'bad_request', 'a value is too large'],
  // NUL in text (22021) or in jsonb (22P05): refused at the edge already; this is the backstop.
  '22021': [400, 'bad_request', 'a value contains a character that cannot be stored (NUL)'],
  '22P05': [400, 'bad_request', 'a value contains a character that cannot be stored (NUL)'],
};

/** Foreign keys that refuse a delete because something still uses the row: a conflict, not a missing row. */
const IN_USE_CONSTRAINTS = new Set(['sla_policies_calendar_id_calendars_id_fk', 'teams_calendar_id_calendars_id_fk']);

/** What a unique or foreign-key constraint means to the person who hit it. */
export const CONSTRAINT_MESSAGES: Record<string, string> = {
  workspaces_slug_unique: 'a workspace with this slug already exists',
  users_email_unique: 'an account with this email already exists',
  teams_workspace_name_unique: 'a team with this name already exists',
  canned_responses_workspace_shortcut_unique: 'a canned response with this shortcut already exists',
  disposition_codes_workspace_code_unique: 'a disposition code with this code already exists',
  calendars_workspace_name_unique: 'a calendar with this name already exists',
  sla_policies_workspace_name_unique: 'an SLA policy with this name already exists',
  sla_policies_calendar_id_calendars_id_fk: 'the calendar is used by an SLA policy; choose another calendar there first',
  teams_calendar_id_calendars_id_fk: "the calendar is used by a team's business hours; choose another calendar for the team first",
};

const FASTIFY_CLIENT_ERRORS: Record<string, [string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['malformed_json', 'the request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed_json', 'the request body is empty but its content type is JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'the request body is larger than allowed'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad_request', 'the Content-Length header does not match the body'],
};

/**
 * What the multipart parser (busboy) throws on a body that breaks the format: a missing
 * boundary, a part or the whole form cut off before its closing boundary, a bad part header.
 * They are plain errors with no status, so they are recognised by message.
 */
const MULTIPART_FAILURE =
  /^(Multipart: |Unexpected end of (multipart data|form|file)|\w+ terminated early due to unexpected end|Malformed part header)/;

export function isMultipartFailure(error: unknown): boolean {
  return error instanceof Error && !(error instanceof AppError) && MULTIPART_FAILURE.test(error.message);
}

export const malformedMultipart = (reason: string) =>
  new AppError(400, 'malformed_multipart', `the multipart/form-data body is malformed (${reason}); send the whole form again`);

interface BranchIssue {
  path: PropertyKey[];
  message: string;
  errors?: BranchIssue[][];
}

/**
 * A value that matches no member of a union is, to zod, just "Invalid input". Say instead what
 * is wrong with it as the member it came closest to: the one whose first problem lies deepest
 * in the value (it matched the most before failing), then the one with the fewest problems.
 */
function explainIssue(path: string[], message: string, params: unknown): { path: string[]; message: string }[] {
  const branches = (params as { errors?: BranchIssue[][] } | undefined)?.errors;
  if (!Array.isArray(branches) || branches.length === 0) return [{ path, message }];
  const depth = (issues: BranchIssue[]) => Math.max(...issues.map((issue) => issue.path.length));
  const closest = [...branches].filter((issues) => issues.length > 0).sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
  if (!closest) return [{ path, message }];
  return closest.flatMap((issue) => explainIssue([...path, ...issue.path.map(String)], issue.message, issue));
}

/** Every error leaves as `{"error": {"code", "message", "details"}}`; only our own bugs are 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      request.log.info({ code: error.code, status: error.statusCode }, error.message);
      if (error.headers) reply.headers(error.headers);
      return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.flatMap((issue) =>
        explainIssue(issue.instancePath.split('/').filter(Boolean), issue.message ?? 'invalid value', issue.params).map((explained) => ({
          path: [error.validationContext, ...explained.path].join('.'),
          message: explained.message,
        })),
      );
      request.log.info({ details }, 'request validation failed');
      return reply.code(400).send({
        error: {
          code: 'validation_failed',
          message: `invalid ${error.validationContext ?? 'request'}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
          details,
        },
      });
    }
    if (isMultipartFailure(error)) {
      request.log.info({ reason: error.message }, 'malformed multipart body');
      const mapped = malformedMultipart(error.message);
      return reply.code(400).send({ error: { code: mapped.code, message: mapped.message } });
    }
    const fastifyMapping = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (fastifyMapping) {
      request.log.info({ code: error.code }, error.message);
      return reply.code(error.statusCode ?? 400).send({ error: { code: fastifyMapping[0], message: fastifyMapping[1] } });
    }
    // Drizzle wraps the driver's error; the PostgreSQL code is on the cause.
    const pgError = ((error as { cause?: unknown }).cause ?? error) as { code?: string; constraint?: string; detail?: string };
    const pgMapping = typeof pgError.code === 'string' ? PG_CLIENT_ERRORS[pgError.code] : undefined;
    if (pgMapping && !isResponseSerializationError(error)) {
      request.log.info({ pgCode: pgError.code, constraint: pgError.constraint }, 'database refused the request');
      const message = (pgError.constraint && CONSTRAINT_MESSAGES[pgError.constraint]) || pgMapping[2];
      const [status, code] = pgError.constraint && IN_USE_CONSTRAINTS.has(pgError.constraint) ? [409, 'in_use'] : pgMapping;
      return reply
        .code(status)
        .send({ error: { code, message, details: pgError.constraint ? { constraint: pgError.constraint } : undefined } });
    }
    if (error.statusCode === 429) {
      return reply.code(429).send({ error: { code: 'rate_limited', message: error.message } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ code: error.code }, error.message);
      return reply.code(error.statusCode).send({ error: { code: 'bad_request', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal', message: 'something went wrong on our side; it has been logged' } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
}
