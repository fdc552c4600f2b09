import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

export const customers = pgTable(
  'customers',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name'),
    tier: text('tier', { enum: ['normal', 'vip'] })
      .notNull()
      .default('normal'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'`),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    /** Set when this customer was merged into another: kept so old references can be followed. */
    mergedIntoId: uuid('merged_into_id'),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [index('customers_workspace_idx').on(table.workspaceId, table.createdAt)],
);

/** One customer, many channel identities; each (kind, value) belongs to one customer per workspace. */
export const customerIdentities = pgTable(
  'customer_identities',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['visitor', 'email', 'phone', 'wechat_openid', 'wechat_unionid', 'external'] }).notNull(),
    value: text('value').notNull(),
    verified: boolean('verified').notNull().default(false),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('customer_identities_unique').on(table.workspaceId, table.kind, table.value),
    index('customer_identities_customer_idx').on(table.customerId),
  ],
);
