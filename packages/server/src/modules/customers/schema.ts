import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

export const customers = pgTable(
  'customers',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    /** Short readable number for the anonymous ("访客 4821"): agents tell visitors apart by it. */
    number: bigserial('number', { mode: 'number' }).notNull(),
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

/**
 * How an identity was proven: `channel` — the channel itself carries it (the sender of an inbound
 * mail, a WeChat OpenID, the widget's own visitor id); `hmac` — signed by the host site;
 * `otp` — the customer typed a one-time code sent to it; `agent` — entered by an agent, trusted
 * by the workspace.
 */
export const VERIFIED_VIA = ['channel', 'hmac', 'otp', 'agent'] as const;
export type VerifiedVia = (typeof VERIFIED_VIA)[number];

/**
 * One customer, many channel identities; each (kind, value) belongs to one customer per workspace.
 * Only proven identities live here: they are what contacts are matched, merged and delivered by.
 * What a visitor merely typed is a claim (`customer_identity_claims`).
 */
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
    /** How it was proven; null only on rows from before identities were proven (none after the backfill). */
    verifiedVia: text('verified_via', { enum: VERIFIED_VIA }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('customer_identities_unique').on(table.workspaceId, table.kind, table.value),
    index('customer_identities_customer_idx').on(table.customerId),
  ],
);

export const CLAIM_SOURCES = ['pre_chat', 'offline_form', 'host_profile', 'code_request'] as const;
export type ClaimSource = (typeof CLAIM_SOURCES)[number];

/**
 * An email address or phone number a customer typed (or a host site passed along unsigned): shown
 * to agents as unverified, never used to find, merge or reach anyone. Several customers may claim
 * the same value; proving it (a one-time code) turns it into an identity.
 */
export const customerIdentityClaims = pgTable(
  'customer_identity_claims',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['email', 'phone'] }).notNull(),
    value: text('value').notNull(),
    source: text('source', { enum: CLAIM_SOURCES }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('customer_identity_claims_unique').on(table.customerId, table.kind, table.value),
    index('customer_identity_claims_value_idx').on(table.workspaceId, table.kind, table.value),
  ],
);

/**
 * A one-time code sent to a claimed address: stored as a keyed hash, valid for minutes, a few
 * attempts. `attempts` is counted in the same statement that checks it, so parallel guesses
 * cannot exceed the limit.
 */
export const identityVerificationCodes = pgTable(
  'identity_verification_codes',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['email'] }).notNull(),
    value: text('value').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestampMs('expires_at').notNull(),
    /** Set when used or replaced by a newer code: it is then no good any more. */
    consumedAt: timestampMs('consumed_at'),
    createdAt: createdAt(),
  },
  (table) => [
    index('identity_verification_codes_customer_idx').on(table.customerId, table.createdAt),
    index('identity_verification_codes_value_idx').on(table.workspaceId, table.kind, table.value, table.createdAt),
  ],
);
