import { and, desc, eq, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { badRequest } from '../errors.js';

interface CursorPosition {
  createdAt: Date;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw badRequest('the cursor is not one this API returned; start again without it');
  }
}

/**
 * Keyset pagination, newest first, on (created_at, id): stable under inserts, no OFFSET scans.
 * Returns the WHERE condition for the page after `cursor` and the ORDER BY to use.
 */
export function keyset(columns: { createdAt: AnyColumn; id: AnyColumn }, cursor: string | undefined) {
  const orderBy = [desc(columns.createdAt), desc(columns.id)];
  if (!cursor) return { where: undefined as SQL | undefined, orderBy };
  const position = decodeCursor(cursor);
  const where = or(lt(columns.createdAt, position.createdAt), and(eq(columns.createdAt, position.createdAt), lt(columns.id, position.id)));
  return { where, orderBy };
}

/** Rows were fetched with limit + 1: the extra row only says whether there is a next page. */
export function toPage<Row extends CursorPosition, Item>(rows: Row[], limit: number, map: (row: Row) => Item) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
