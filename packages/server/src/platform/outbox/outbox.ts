import { sql } from 'drizzle-orm';
import type { Executor } from '../../modules/users/service.js';
import { outbox } from './schema.js';

export const OUTBOX_CHANNEL = 'huiliu_outbox';

/**
 * Records an event in the caller's transaction. NOTIFY is transactional too: the relay on every
 * node is woken when (and only if) the transaction commits.
 */
export async function writeOutbox(db: Executor, workspaceId: string, topic: string, payload: Record<string, unknown>): Promise<void> {
  // One round trip for both. `tx` tells events of one change apart from the next change's; a change
  // made by an automation carries its chain (see withChain).
  await db.execute(sql`with added as (insert into ${outbox} (workspace_id, topic, payload) values (${workspaceId}, ${topic},
      ${JSON.stringify(payload)}::jsonb || jsonb_build_object('tx', txid_current()::text) || case when coalesce(current_setting(${CHAIN_SETTING}, true), '') = '' then '{}'::jsonb
        else jsonb_build_object('chain', current_setting(${CHAIN_SETTING}, true)::jsonb) end))
    select pg_notify(${OUTBOX_CHANNEL}, ${topic})`);
}

const CHAIN_SETTING = 'huiliu.chain';

/** Which automated steps led to a change: every event written in the same transaction carries it, so a reaction to it knows how deep it is. */
export interface EventChain {
  depth: number;
  /** Names of what acted, outermost first (e.g. automation ids). */
  steps: string[];
}

/** Marks the rest of the caller's transaction as a step of `chain`: every outbox event it writes carries it. */
export async function withChain(db: Executor, chain: EventChain): Promise<void> {
  await db.execute(sql`select set_config(${CHAIN_SETTING}, ${JSON.stringify(chain)}, true)`);
}

/** The chain an event was written under ({ depth: 0 } for an event no automation caused). */
export function chainOf(payload: Record<string, unknown>): EventChain {
  const chain = payload.chain as Partial<EventChain> | undefined;
  return { depth: Number(chain?.depth ?? 0) || 0, steps: Array.isArray(chain?.steps) ? chain.steps.map(String) : [] };
}

/** Processed events are kept a week for inspection, then dropped. */
export async function deleteProcessedOutbox(db: Executor): Promise<number> {
  const result = await db.execute(sql`delete from ${outbox} where processed_at < now() - interval '7 days'`);
  return result.rowCount ?? 0;
}
