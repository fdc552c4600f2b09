import type { IdentityKind } from '@huiliu/contracts';
import { and, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { keyset, toPage } from '../../platform/http/pagination.js';
import type { Executor } from '../users/service.js';
import { customerIdentities, customers } from './schema.js';

export type CustomerRow = typeof customers.$inferSelect;
type IdentityRow = typeof customerIdentities.$inferSelect;

export function customerView(row: CustomerRow, identities: IdentityRow[]) {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    tags: row.tags,
    attributes: row.attributes,
    identities: identities.map((identity) => ({
      id: identity.id,
      kind: identity.kind,
      value: identity.value,
      verified: identity.verified,
      createdAt: identity.createdAt.toISOString(),
    })),
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
  return customerView(row, identities);
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

export interface IdentityInput {
  kind: IdentityKind;
  value: string;
  verified?: boolean;
}

/**
 * The customer behind an identity, created with it when new. Safe under concurrency: two
 * first contacts from the same identity at once end with one customer (the unique index
 * decides, the loser reads the winner's row).
 */
export async function findOrCreateCustomer(
  db: Executor,
  workspaceId: string,
  identity: IdentityInput,
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
    .values({ workspaceId, customerId: created!.id, kind: identity.kind, value, verified: identity.verified ?? false })
    .onConflictDoNothing()
    .returning({ customerId: customerIdentities.customerId });
  if (claimed[0]) return claimed[0].customerId;
  await db.delete(customers).where(eq(customers.id, created!.id));
  return (await findCustomerIdByIdentity(db, workspaceId, identity.kind, value))!;
}

/** Attaches an identity to a customer unless it already belongs to someone (returns the owner). */
export async function addIdentity(db: Executor, workspaceId: string, customerId: string, identity: IdentityInput): Promise<string> {
  const value = normaliseIdentity(identity.kind, identity.value);
  await db
    .insert(customerIdentities)
    .values({ workspaceId, customerId, kind: identity.kind, value, verified: identity.verified ?? false })
    .onConflictDoNothing();
  return (await findCustomerIdByIdentity(db, workspaceId, identity.kind, value))!;
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

export async function listCustomers(
  db: Executor,
  workspaceId: string,
  query: { cursor?: string; limit: number; q?: string; identityKind?: IdentityKind; identityValue?: string },
) {
  const page = keyset(customers, query.cursor);
  const filters: (SQL | undefined)[] = [eq(customers.workspaceId, workspaceId), isNull(customers.mergedIntoId), page.where];
  if (query.identityKind && query.identityValue) {
    const id = await findCustomerIdByIdentity(db, workspaceId, query.identityKind, query.identityValue);
    filters.push(eq(customers.id, id ?? '00000000-0000-0000-0000-000000000000'));
  }
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const byIdentity = db
      .select({ id: customerIdentities.customerId })
      .from(customerIdentities)
      .where(and(eq(customerIdentities.workspaceId, workspaceId), ilike(customerIdentities.value, pattern)));
    filters.push(or(ilike(customers.name, pattern), inArray(customers.id, byIdentity)));
  }
  const rows = await db
    .select()
    .from(customers)
    .where(and(...filters))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const identities = rows.length
    ? await db
        .select()
        .from(customerIdentities)
        .where(
          and(
            eq(customerIdentities.workspaceId, workspaceId),
            inArray(
              customerIdentities.customerId,
              rows.map((row) => row.id),
            ),
          ),
        )
    : [];
  return toPage(rows, query.limit, (row) =>
    customerView(
      row,
      identities.filter((identity) => identity.customerId === row.id),
    ),
  );
}

/** The customer's first identity of a kind (e.g. their email address), if any. */
export async function identityOf(db: Executor, workspaceId: string, customerId: string, kind: IdentityKind) {
  const [row] = await db
    .select({ value: customerIdentities.value })
    .from(customerIdentities)
    .where(
      and(
        eq(customerIdentities.workspaceId, workspaceId),
        eq(customerIdentities.customerId, customerId),
        eq(customerIdentities.kind, kind),
      ),
    )
    .orderBy(customerIdentities.createdAt)
    .limit(1);
  return row?.value;
}
