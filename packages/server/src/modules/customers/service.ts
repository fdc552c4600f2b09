import type { CustomerQuery, IdentityKind } from '@huiliu/contracts';
import { and, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import type { Executor } from '../users/service.js';
import { displayLabel, latestContexts } from './label.js';
import { customerIdentities, customerIdentityClaims, customers, type ClaimSource, type VerifiedVia } from './schema.js';

export type CustomerRow = typeof customers.$inferSelect;
type IdentityRow = typeof customerIdentities.$inferSelect;
type ClaimRow = typeof customerIdentityClaims.$inferSelect;

/** Proven identities first, then the claims (unverified) that are not also proven. */
export function customerView(row: CustomerRow, identities: IdentityRow[], claims: ClaimRow[] = [], context: Record<string, unknown> = {}) {
  const proven = new Set(identities.map((identity) => `${identity.kind}:${identity.value}`));
  return {
    id: row.id,
    number: row.number,
    label: displayLabel(row, context),
    name: row.name,
    tier: row.tier,
    tags: row.tags,
    attributes: row.attributes,
    identities: [
      ...identities.map((identity) => ({
        id: identity.id,
        kind: identity.kind,
        value: identity.value,
        verified: identity.verified,
        verifiedVia: identity.verifiedVia,
        createdAt: identity.createdAt.toISOString(),
      })),
      ...claims
        .filter((claim) => !proven.has(`${claim.kind}:${claim.value}`))
        .map((claim) => ({
          id: claim.id,
          kind: claim.kind,
          value: claim.value,
          verified: false,
          verifiedVia: null,
          createdAt: claim.createdAt.toISOString(),
        })),
    ],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getCustomer(db: Executor, workspaceId: string, customerId: string) {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId), isNull(customers.mergedIntoId)));
  if (!row) throw notFound('customer');
  const identities = await db
    .select()
    .from(customerIdentities)
    .where(and(eq(customerIdentities.workspaceId, workspaceId), eq(customerIdentities.customerId, customerId)))
    .orderBy(customerIdentities.createdAt);
  const claims = await db
    .select()
    .from(customerIdentityClaims)
    .where(and(eq(customerIdentityClaims.workspaceId, workspaceId), eq(customerIdentityClaims.customerId, customerId)))
    .orderBy(customerIdentityClaims.createdAt);
  const contexts = await latestContexts(db, workspaceId, [row.id]);
  return customerView(row, identities, claims, contexts.get(row.id));
}

/** Canonical form of an identity value, so that the same person is found whatever the spelling. */
export function normaliseIdentity(kind: IdentityKind, value: string): string {
  const trimmed = value.trim();
  if (kind === 'email') return trimmed.toLowerCase();
  if (kind === 'phone') return trimmed.replace(/[\s()-]/g, '');
  return trimmed;
}

export async function findCustomerIdByIdentity(db: Executor, workspaceId: string, kind: IdentityKind, value: string) {
  const [row] = await db
    .select({ customerId: customerIdentities.customerId })
    .from(customerIdentities)
    .where(
      and(
        eq(customerIdentities.workspaceId, workspaceId),
        eq(customerIdentities.kind, kind),
        eq(customerIdentities.value, normaliseIdentity(kind, value)),
      ),
    );
  return row?.customerId;
}

/** A proven identity: how it was proven is required, so nothing unproven can become one by default. */
export interface IdentityInput {
  kind: IdentityKind;
  value: string;
  verifiedVia: VerifiedVia;
}

/** What a channel hands the inbound path: proven by the channel itself unless it says otherwise. */
export type ChannelIdentity = Omit<IdentityInput, 'verifiedVia'> & { verifiedVia?: VerifiedVia };

/**
 * The customer behind an identity, created with it when new. Safe under concurrency: two
 * first contacts from the same identity at once end with one customer (the unique index
 * decides, the loser reads the winner's row).
 */
export async function findOrCreateCustomer(
  db: Executor,
  workspaceId: string,
  identity: ChannelIdentity,
  profile: { name?: string | null } = {},
): Promise<string> {
  const value = normaliseIdentity(identity.kind, identity.value);
  const existing = await findCustomerIdByIdentity(db, workspaceId, identity.kind, value);
  if (existing) return existing;
  const [created] = await db
    .insert(customers)
    .values({ workspaceId, name: profile.name ?? null })
    .returning({ id: customers.id });
  const claimed = await db
    .insert(customerIdentities)
    .values({
      workspaceId,
      customerId: created!.id,
      kind: identity.kind,
      value,
      verified: true,
      verifiedVia: identity.verifiedVia ?? 'channel',
    })
    .onConflictDoNothing()
    .returning({ customerId: customerIdentities.customerId });
  if (claimed[0]) return claimed[0].customerId;
  await db.delete(customers).where(eq(customers.id, created!.id));
  return (await findCustomerIdByIdentity(db, workspaceId, identity.kind, value))!;
}

/**
 * Attaches a proven identity to a customer unless it already belongs to someone (returns the
 * owner: the caller decides whether a different owner means a merge, a refusal or nothing).
 * The customer's own claim of the same value, now proven, is dropped.
 */
export async function addIdentity(db: Executor, workspaceId: string, customerId: string, identity: IdentityInput): Promise<string> {
  const value = normaliseIdentity(identity.kind, identity.value);
  await db
    .insert(customerIdentities)
    .values({ workspaceId, customerId, kind: identity.kind, value, verified: true, verifiedVia: identity.verifiedVia })
    .onConflictDoNothing();
  const owner = (await findCustomerIdByIdentity(db, workspaceId, identity.kind, value))!;
  if (owner === customerId && (identity.kind === 'email' || identity.kind === 'phone'))
    await db
      .delete(customerIdentityClaims)
      .where(
        and(
          eq(customerIdentityClaims.customerId, customerId),
          eq(customerIdentityClaims.kind, identity.kind),
          eq(customerIdentityClaims.value, value),
        ),
      );
  return owner;
}

/**
 * Records what a customer says their email or phone is. A claim is only shown (as unverified);
 * it never finds, merges or reaches anyone, so it may name someone else's address without
 * harm. Nothing is recorded when the customer already has it as a proven identity.
 */
export async function addClaim(
  db: Executor,
  workspaceId: string,
  customerId: string,
  claim: { kind: 'email' | 'phone'; value: string; source: ClaimSource },
): Promise<void> {
  const value = normaliseIdentity(claim.kind, claim.value);
  if (!value) return;
  if ((await findCustomerIdByIdentity(db, workspaceId, claim.kind, value)) === customerId) return;
  await db
    .insert(customerIdentityClaims)
    .values({ workspaceId, customerId, kind: claim.kind, value, source: claim.source })
    .onConflictDoNothing();
}

export async function updateCustomer(
  db: Executor,
  workspaceId: string,
  customerId: string,
  input: { name?: string | null; tier?: 'normal' | 'vip'; tags?: string[]; attributes?: Record<string, unknown> },
) {
  const { attributes, ...rest } = input;
  const updated = await db
    .update(customers)
    .set({
      ...rest,
      // Attributes are merged key by key; a null value removes the key.
      ...(attributes ? { attributes: sql`jsonb_strip_nulls(${customers.attributes} || ${JSON.stringify(attributes)}::jsonb)` } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, customerId), isNull(customers.mergedIntoId)))
    .returning({ id: customers.id });
  if (updated.length === 0) throw notFound('customer');
  return getCustomer(db, workspaceId, customerId);
}

const likePattern = (value: string) => `%${value.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** The customers whose identity of this kind contains the value. */
const withIdentity = (db: Executor, workspaceId: string, kind: IdentityKind, value: string) =>
  db
    .select({ id: customerIdentities.customerId })
    .from(customerIdentities)
    .where(
      and(
        eq(customerIdentities.workspaceId, workspaceId),
        eq(customerIdentities.kind, kind),
        ilike(customerIdentities.value, likePattern(normaliseIdentity(kind, value))),
      ),
    );

export type CustomerFilter = Omit<CustomerQuery, 'identityKind' | 'identityValue'> & {
  identityKind?: IdentityKind;
  identityValue?: string;
};

/** The WHERE of the directory: every filter given must hold. */
async function customerConditions(db: Executor, workspaceId: string, query: CustomerFilter): Promise<(SQL | undefined)[]> {
  const filters: (SQL | undefined)[] = [eq(customers.workspaceId, workspaceId), isNull(customers.mergedIntoId)];
  if (query.identityKind && query.identityValue) {
    const id = await findCustomerIdByIdentity(db, workspaceId, query.identityKind, query.identityValue);
    filters.push(eq(customers.id, id ?? '00000000-0000-0000-0000-000000000000'));
  }
  if (query.q) {
    const pattern = likePattern(query.q);
    const byIdentity = db
      .select({ id: customerIdentities.customerId })
      .from(customerIdentities)
      .where(and(eq(customerIdentities.workspaceId, workspaceId), ilike(customerIdentities.value, pattern)));
    // An agent searching finds claimants too (shown as unverified); exact identity look-ups above do not.
    const byClaim = db
      .select({ id: customerIdentityClaims.customerId })
      .from(customerIdentityClaims)
      .where(and(eq(customerIdentityClaims.workspaceId, workspaceId), ilike(customerIdentityClaims.value, pattern)));
    filters.push(or(ilike(customers.name, pattern), inArray(customers.id, byIdentity), inArray(customers.id, byClaim)));
  }
  if (query.name) filters.push(ilike(customers.name, likePattern(query.name)));
  if (query.email) filters.push(inArray(customers.id, withIdentity(db, workspaceId, 'email', query.email)));
  if (query.phone) filters.push(inArray(customers.id, withIdentity(db, workspaceId, 'phone', query.phone)));
  if (query.externalId) filters.push(inArray(customers.id, withIdentity(db, workspaceId, 'external', query.externalId)));
  if (query.tag) filters.push(sql`${query.tag} = any(${customers.tags})`);
  if (query.tier) filters.push(eq(customers.tier, query.tier));
  return filters;
}

/** Customer views for rows, with their identities and label facts: two queries for the lot. */
async function viewsOf(db: Executor, workspaceId: string, rows: CustomerRow[]) {
  const ids = rows.map((row) => row.id);
  const identities = ids.length
    ? await db
        .select()
        .from(customerIdentities)
        .where(and(eq(customerIdentities.workspaceId, workspaceId), inArray(customerIdentities.customerId, ids)))
        .orderBy(customerIdentities.createdAt)
    : [];
  const claims = ids.length
    ? await db
        .select()
        .from(customerIdentityClaims)
        .where(and(eq(customerIdentityClaims.workspaceId, workspaceId), inArray(customerIdentityClaims.customerId, ids)))
    : [];
  const contexts = await latestContexts(db, workspaceId, ids);
  return new Map(
    rows.map((row) => [
      row.id,
      customerView(
        row,
        identities.filter((identity) => identity.customerId === row.id),
        claims.filter((claim) => claim.customerId === row.id),
        contexts.get(row.id),
      ),
    ]),
  );
}

export async function listCustomers(db: Executor, workspaceId: string, query: CustomerFilter & { cursor?: string; limit: number }) {
  const page = keyset(customers, query.cursor);
  const filters = await customerConditions(db, workspaceId, query);
  const rows = await db
    .select()
    .from(customers)
    .where(and(...filters, page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const views = await viewsOf(db, workspaceId, rows.slice(0, query.limit));
  return toPage(rows, query.limit, (row) => views.get(row.id)!);
}

/**
 * Every customer the filters match, newest first, a batch at a time (for the CSV export):
 * memory stays bounded by the batch, whatever the directory's size, and `max` caps the whole.
 */
export async function* eachCustomer(db: Executor, workspaceId: string, query: CustomerFilter, options: { batch: number; max: number }) {
  let cursor: string | undefined;
  let sent = 0;
  while (sent < options.max) {
    const limit = Math.min(options.batch, options.max - sent);
    const result = await listCustomers(db, workspaceId, { ...query, cursor, limit });
    for (const item of result.items) yield item;
    sent += result.items.length;
    if (!result.nextCursor) return;
    cursor = result.nextCursor;
  }
}

/** The customer's first proven identity of a kind (e.g. the email address to reply to), if any; claims never. */
export async function identityOf(db: Executor, workspaceId: string, customerId: string, kind: IdentityKind) {
  const [row] = await db
    .select({ value: customerIdentities.value })
    .from(customerIdentities)
    .where(
      and(
        eq(customerIdentities.workspaceId, workspaceId),
        eq(customerIdentities.customerId, customerId),
        eq(customerIdentities.kind, kind),
        eq(customerIdentities.verified, true),
      ),
    )
    .orderBy(customerIdentities.createdAt)
    .limit(1);
  return row?.value;
}
