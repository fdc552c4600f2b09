import { sql } from 'drizzle-orm';
import type { Executor } from '../../modules/users/service.js';
import { outbox } from './schema.js';

export const OUTBOX_CHANNEL = 'huiliu_outbox';

/**
 * Records an event in the caller's transaction. NOTIFY is transactional too: the relay on every
 * node is woken when (and only if) the transaction commits.
 */
export async function writeOutbox(db: Executor, workspaceId: string, topic: string, payload: Record<string, unknown>): Promise<void> {
  // One round trip for both.
  await db.execute(sql`with added as (insert into ${outbox} (workspace_id, topic, payload) values (${workspaceId}, ${topic}, ${JSON.stringify(payload)}::jsonb))
    select pg_notify(${OUTBOX_CHANNEL}, ${topic})`);
}

/** Processed events are kept a week for inspection, then dropped. */
export async function deleteProcessedOutbox(db: Executor): Promise<number> {
  const result = await db.execute(sql`delete from ${outbox} where processed_at < now() - interval '7 days'`);
  return result.rowCount ?? 0;
}
