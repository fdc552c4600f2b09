import { DEFAULT_WORKSPACE_SETTINGS } from '@huiliu/contracts';
import { sql, type SQL } from 'drizzle-orm';
import { customers } from '../customers/schema.js';
import { workspaces } from '../workspaces/schema.js';

type Weight = keyof typeof DEFAULT_WORKSPACE_SETTINGS.queueWeights;

/** One of the workspace's queue weights (its setting, else the default), read in the same statement. */
function weight(workspaceId: string, key: Weight): SQL {
  return sql`coalesce((select (${workspaces.settings}->'queueWeights'->>${key})::int from ${workspaces} where ${workspaces.id} = ${workspaceId}), ${DEFAULT_WORKSPACE_SETTINGS.queueWeights[key]})`;
}

/** The queue priority of a conversation, from its customer's tier and its own priority, by the workspace's weights. */
export function queuePriorityOf(workspaceId: string, customerId: string, priority: Exclude<Weight, 'vip'>): SQL {
  const tierWeight = sql`(select case when ${customers.tier} = 'vip' then ${weight(workspaceId, 'vip')} else 0 end from ${customers} where ${customers.id} = ${customerId})`;
  return sql`coalesce(${tierWeight}, 0) + ${weight(workspaceId, priority)}`;
}
