import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { endConversationByCustomer } from '../conversations/commands.js';
import { conversations } from '../conversations/schema.js';
import { notLeftMessage } from '../conversations/left-message.js';
import type { Appended } from '../conversations/write-path.js';

/** Which of these customers have been gone from a channel for `seconds` (a channel that knows it, like the widget, says). */
export type CustomersGone = (workspaceId: string, customerIds: string[], seconds: number) => Promise<Set<string>>;

/**
 * Conversations still waiting for an agent whose customer left and stayed away for `seconds`
 * are abandoned: ended, with an `abandoned` routing event. Returns what changed, to publish.
 */
export async function abandonGoneCustomers(
  db: Database,
  workspaceId: string,
  seconds: number,
  presence: Map<string, CustomersGone>,
): Promise<Appended[]> {
  const changed: Appended[] = [];
  for (const [channel, gone] of presence) {
    const waiting = await db
      .select({ id: conversations.id, customerId: conversations.customerId })
      .from(conversations)
      .where(
        and(
          eq(conversations.workspaceId, workspaceId),
          eq(conversations.state, 'queued'),
          isNull(conversations.assigneeId),
          sql`${conversations.channel} = ${channel}`,
          sql`${conversations.queuedAt} < now() - make_interval(secs => ${seconds})`,
          // The customer left a message and went away on purpose: it waits for its reply.
          notLeftMessage,
        ),
      );
    if (waiting.length === 0) continue;
    const absent = await gone(workspaceId, [...new Set(waiting.map((row) => row.customerId))], seconds);
    for (const row of waiting.filter((item) => absent.has(item.customerId))) {
      // Re-checked under the conversation's lock: one taken by an agent meanwhile is left alone.
      const result = await db.transaction((tx) => endConversationByCustomer(tx, workspaceId, row.id, 'customer_gone')).catch(() => null);
      if (result) changed.push(result.appended);
    }
  }
  return changed;
}
