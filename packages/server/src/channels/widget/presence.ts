import type { AppContext } from '../../platform/context.js';
import { rooms, type Realtime } from '../../platform/realtime.js';
import { customersSeenBefore } from './visitors.js';

/**
 * Whether any agent of the workspace has the console open, on any server process.
 * Replaced by real presence (online/busy/away) and team membership when routing lands.
 */
export async function agentsOnline(realtime: Realtime, workspaceId: string): Promise<boolean> {
  const sockets = await realtime.agents.in(rooms.workspace(workspaceId)).fetchSockets();
  return sockets.length > 0;
}

/**
 * Of these customers, the ones gone from the widget for `seconds`: no socket open on any
 * server process, and last seen (connected or left) longer ago than that.
 */
export async function widgetCustomersGone(
  ctx: Pick<AppContext, 'db' | 'realtime'>,
  workspaceId: string,
  customerIds: string[],
  seconds: number,
): Promise<Set<string>> {
  const gone = new Set<string>();
  for (const customerId of await customersSeenBefore(ctx.db, workspaceId, customerIds, seconds)) {
    const sockets = await ctx.realtime.visitors.in(rooms.customer(customerId)).fetchSockets();
    if (sockets.length === 0) gone.add(customerId);
  }
  return gone;
}
