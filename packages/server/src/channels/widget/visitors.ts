import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { hashToken, newToken } from '../../platform/secrets.js';
import { addClaim, findOrCreateCustomer } from '../../modules/customers/service.js';
import { mergeCustomers } from '../../modules/customers/merge.js';
import type { Executor } from '../../modules/users/service.js';
import type { InboxRow } from '../connector.js';
import { widgetVisitors } from './schema.js';

export type VisitorRow = typeof widgetVisitors.$inferSelect;

export async function findVisitorByToken(db: Executor, token: string): Promise<VisitorRow | undefined> {
  const [row] = await db
    .select()
    .from(widgetVisitors)
    .where(eq(widgetVisitors.tokenHash, hashToken(token)));
  return row;
}

export interface VerifiedProfile {
  userId: string;
  name?: string;
  email?: string;
  phone?: string;
}

/**
 * Starts or resumes a visitor on this browser. A known token keeps the same visitor (and its
 * history). A verified identity binds the visitor to that customer; an anonymous visitor who
 * then logs in is merged into their account, so their earlier chat follows them.
 */
export async function startVisitorSession(
  db: Database,
  inbox: InboxRow,
  input: { token?: string; verified?: VerifiedProfile; context: Record<string, unknown> },
): Promise<{ token: string; visitor: VisitorRow }> {
  const workspaceId = inbox.workspaceId;
  return db.transaction(async (tx) => {
    let identifiedCustomerId: string | undefined;
    if (input.verified) {
      const { userId, name, email, phone } = input.verified;
      identifiedCustomerId = await findOrCreateCustomer(
        tx,
        workspaceId,
        { kind: 'external', value: userId, verifiedVia: 'hmac' },
        { name },
      );
      // Profile details the host site sent along are outside the signature: claims, not identities.
      if (email) await addClaim(tx, workspaceId, identifiedCustomerId, { kind: 'email', value: email, source: 'host_profile' });
      if (phone) await addClaim(tx, workspaceId, identifiedCustomerId, { kind: 'phone', value: phone, source: 'host_profile' });
    }

    const existing = input.token ? await findVisitorByToken(tx, input.token) : undefined;
    if (existing && existing.inboxId === inbox.id && input.token) {
      let customerId = existing.customerId;
      if (identifiedCustomerId && identifiedCustomerId !== customerId) {
        const anonymous = !(await hasVerifiedIdentity(tx, workspaceId, customerId));
        if (anonymous) await mergeCustomers(tx, workspaceId, { sourceId: customerId, targetId: identifiedCustomerId });
        else return createVisitor(tx, inbox, identifiedCustomerId, input.context);
        customerId = identifiedCustomerId;
      }
      const [visitor] = await tx
        .update(widgetVisitors)
        .set({ customerId, context: input.context, lastSeenAt: sql`now()` })
        .where(eq(widgetVisitors.id, existing.id))
        .returning();
      return { token: input.token, visitor: visitor! };
    }

    if (identifiedCustomerId) return createVisitor(tx, inbox, identifiedCustomerId, input.context);
    const visitorId = `v_${randomBytes(9).toString('base64url')}`;
    const customerId = await findOrCreateCustomer(tx, workspaceId, { kind: 'visitor', value: visitorId, verifiedVia: 'channel' });
    return createVisitor(tx, inbox, customerId, input.context, visitorId);
  });
}

async function createVisitor(
  db: Executor,
  inbox: InboxRow,
  customerId: string,
  context: Record<string, unknown>,
  visitorId = `v_${randomBytes(9).toString('base64url')}`,
) {
  const token = newToken('hv_');
  const [visitor] = await db
    .insert(widgetVisitors)
    .values({ workspaceId: inbox.workspaceId, inboxId: inbox.id, customerId, visitorId, tokenHash: hashToken(token), context })
    .returning();
  return { token, visitor: visitor! };
}

async function hasVerifiedIdentity(db: Executor, workspaceId: string, customerId: string): Promise<boolean> {
  const result = await db.execute(
    // The visitor id is the widget's own (proven by the token) but says nothing about who the person is.
    sql`select 1 from customer_identities where workspace_id = ${workspaceId} and customer_id = ${customerId} and verified and kind <> 'visitor' limit 1`,
  );
  return (result.rowCount ?? 0) > 0;
}

/** Visitors follow their customer when customers are merged. */
export async function moveVisitors(db: Executor, workspaceId: string, sourceId: string, targetId: string) {
  await db
    .update(widgetVisitors)
    .set({ customerId: targetId })
    .where(and(eq(widgetVisitors.workspaceId, workspaceId), eq(widgetVisitors.customerId, sourceId)));
}

/** Marks the visitor as seen now (on connecting and on leaving), for telling when a customer has gone. */
export async function touchVisitor(db: Executor, visitorId: string): Promise<void> {
  await db
    .update(widgetVisitors)
    .set({ lastSeenAt: sql`now()` })
    .where(eq(widgetVisitors.id, visitorId));
}

/**
 * Of these customers, the ones whose every widget visitor was last seen more than `seconds`
 * ago (the caller checks that no socket of theirs is still connected).
 */
export async function customersSeenBefore(db: Executor, workspaceId: string, customerIds: string[], seconds: number): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const rows = await db
    .select({ customerId: widgetVisitors.customerId })
    .from(widgetVisitors)
    .where(and(eq(widgetVisitors.workspaceId, workspaceId), inArray(widgetVisitors.customerId, customerIds)))
    .groupBy(widgetVisitors.customerId)
    .having(sql`max(${widgetVisitors.lastSeenAt}) < now() - make_interval(secs => ${seconds})`);
  return new Set(rows.map((row) => row.customerId));
}
