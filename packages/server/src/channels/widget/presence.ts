import { rooms, type Realtime } from '../../platform/realtime.js';

/**
 * Whether any agent of the workspace has the console open, on any server process.
 * Replaced by real presence (online/busy/away) and team membership when routing lands.
 */
export async function agentsOnline(realtime: Realtime, workspaceId: string): Promise<boolean> {
  const sockets = await realtime.agents.in(rooms.workspace(workspaceId)).fetchSockets();
  return sockets.length > 0;
}
