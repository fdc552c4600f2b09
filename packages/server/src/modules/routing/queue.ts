import { sql, type SQL } from 'drizzle-orm';
import { customers } from '../customers/schema.js';
import { QUEUE_WEIGHTS } from './choose.js';

/** The queue priority of a conversation, from its customer's tier and its own priority. */
export function queuePriorityOf(customerId: string, priority: keyof typeof QUEUE_WEIGHTS & string): SQL {
  const tierWeight = sql`(select case when ${customers.tier} = 'vip' then ${QUEUE_WEIGHTS.vip} else 0 end from ${customers} where ${customers.id} = ${customerId})`;
  return sql`coalesce(${tierWeight}, 0) + ${QUEUE_WEIGHTS[priority as 'normal'] ?? 0}`;
}
