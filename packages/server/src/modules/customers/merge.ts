import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { customerIdentities, customerIdentityClaims, customers } from './schema.js';

/** A module that keeps rows pointing at customers (conversations, visitors, tickets…). */
export type MergeParticipant = (db: Executor, workspaceId: string, sourceId: string, targetId: string) => Promise<void>;

const participants: MergeParticipant[] = [];

/** Modules register how their rows follow a merged customer; the app wires them at start-up. */
export function registerMergeParticipant(participant: MergeParticipant): void {
  if (!participants.includes(participant)) participants.push(participant);
}

/**
 * Merges `source` into `target` in the caller's transaction: identities, conversations and
 * everything else registered move to the target; tags are united, attributes filled in,
 * the higher tier kept; the source is kept as a tombstone pointing at the target.
 */
export async function mergeCustomers(db: Executor, workspaceId: string, ids: { sourceId: string; targetId: string }) {
  const { sourceId, targetId } = ids;
  if (sourceId === targetId) throw new AppError(422, 'same_customer', 'a customer cannot be merged into itself');
  // Lock both in a fixed order so two opposite merges cannot deadlock.
  const rows = await db
    .select()
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), inArray(customers.id, [sourceId, targetId]), isNull(customers.mergedIntoId)))
    .orderBy(customers.id)
    .for('update');
  const source = rows.find((row) => row.id === sourceId);
  const target = rows.find((row) => row.id === targetId);
  if (!source || !target) throw notFound('customer');

  await db
    .update(customerIdentities)
    .set({ customerId: targetId })
    .where(and(eq(customerIdentities.workspaceId, workspaceId), eq(customerIdentities.customerId, sourceId)));
  // Claims follow as claims (still unverified); one the target already has, or has proven, is dropped.
  await db.execute(sql`
    delete from customer_identity_claims source
    where source.customer_id = ${sourceId}
      and (exists (select 1 from customer_identity_claims target
                   where target.customer_id = ${targetId} and target.kind = source.kind and target.value = source.value)
        or exists (select 1 from customer_identities proven
                   where proven.workspace_id = ${workspaceId} and proven.customer_id = ${targetId}
                     and proven.kind = source.kind and proven.value = source.value))`);
  await db
    .update(customerIdentityClaims)
    .set({ customerId: targetId })
    .where(and(eq(customerIdentityClaims.workspaceId, workspaceId), eq(customerIdentityClaims.customerId, sourceId)));
  await db.execute(sql`
    delete from customer_identity_claims claim
    where claim.customer_id = ${targetId}
      and exists (select 1 from customer_identities proven
                  where proven.workspace_id = ${workspaceId} and proven.customer_id = ${targetId}
                    and proven.kind = claim.kind and proven.value = claim.value)`);
  for (const participant of participants) await participant(db, workspaceId, sourceId, targetId);
  await db
    .update(customers)
    .set({
      name: target.name ?? source.name,
      tier: target.tier === 'vip' || source.tier === 'vip' ? 'vip' : 'normal',
      tags: [...new Set([...target.tags, ...source.tags])],
      attributes: { ...source.attributes, ...target.attributes },
      updatedAt: sql`now()`,
    })
    .where(eq(customers.id, targetId));
  await db
    .update(customers)
    .set({ mergedIntoId: targetId, updatedAt: sql`now()` })
    .where(eq(customers.id, sourceId));
  return { source, target };
}
