import { sql } from 'drizzle-orm';
import type { Executor } from '../users/service.js';

/** The first number a workspace hands out: five digits read well on the phone (#10001). */
export const FIRST_TICKET_NUMBER = 10001;

/**
 * The workspace's next ticket number, taken in the caller's transaction. The counter row stays
 * locked until commit, so concurrent creates queue for it and get distinct numbers, and a
 * rolled-back create gives its number back.
 */
export async function nextTicketNumber(db: Executor, workspaceId: string): Promise<number> {
  const result = await db.execute<{ last_number: number }>(sql`
    insert into ticket_counters (workspace_id, last_number) values (${workspaceId}, ${FIRST_TICKET_NUMBER})
    on conflict (workspace_id) do update set last_number = ticket_counters.last_number + 1
    returning last_number`);
  return Number(result.rows[0]!.last_number);
}
