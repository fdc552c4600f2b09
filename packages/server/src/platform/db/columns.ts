import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Millisecond precision, so a timestamp survives the round trip through a JS Date (cursors). */
export const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const createdAt = () =>
  timestampMs('created_at')
    .notNull()
    .default(sql`now()`);

export const primaryId = () =>
  uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`);
