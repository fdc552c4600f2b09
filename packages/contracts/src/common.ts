import { z } from 'zod';

/** Every error response has this shape, whatever the status code. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Id = z.uuid();

export const IdParams = z.object({ id: Id });

export const Timestamp = z.string().describe('ISO 8601 date-time');

/** Query string of every list endpoint: opaque cursor pagination. */
export const PageQuery = z.object({
  cursor: z.string().max(512).optional().describe('Opaque cursor from the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page'),
  });
}

export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

/** The shortest new password accepted (NIST SP 800-63B asks for 8 at least; a contact center's logins guard customers' data). */
export const PASSWORD_MIN_LENGTH = 10;

/** A new password's length; the server also refuses common passwords and the user's own email or name. */
export const Password = z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(256);

export const Email = z
  .email()
  .max(254)
  .transform((value) => value.trim().toLowerCase());

/** Body schema of a 204 response. */
export const NoContent = z.null();
