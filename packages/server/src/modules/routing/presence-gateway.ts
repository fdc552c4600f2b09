import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import type { AgentSocketHandler } from '../auth/agent-gateway.js';
import { publishMessage } from '../conversations/events.js';
import { inArray } from 'drizzle-orm';
import { workspaces } from '../workspaces/schema.js';
import { setPresence } from './presence.js';
import { graceSeconds, restorePresenceOnResume } from './presence-restore.js';

/**
 * An agent whose every console connection (on any server process) has been gone for the grace
 * period is set offline, and their open conversations go back to the queue. A reload or a
 * short network drop within the grace period changes nothing.
 */
export function presenceSocketHandler(ctx: AppContext): AgentSocketHandler {
  const goOffline = async (userId: string, workspaceId: string) => {
    const remaining = await ctx.realtime.agents.in(rooms.user(userId)).fetchSockets();
    if (remaining.length > 0) return;
    const { requeued } = await ctx.db.transaction((tx) => setPresence(tx, workspaceId, userId, 'offline'));
    for (const item of requeued) publishMessage(ctx.realtime, item.conversation, item.message);
  };
  return (socket, data) => {
    void restorePresenceOnResume(ctx.db, data.userId, [...data.workspaces.keys()])
      .then((requeued) => {
        for (const item of requeued) publishMessage(ctx.realtime, item.conversation, item.message);
      })
      .catch((error: unknown) => ctx.logger.error({ err: error, userId: data.userId }, 'could not restore an agent’s presence'));
    socket.on('disconnect', () => {
      void (async () => {
        // Each workspace has its own grace period (its setting, else the server's default).
        const ids = [...data.workspaces.keys()];
        if (ids.length === 0) return;
        const rows = await ctx.db
          .select({ id: workspaces.id, settings: workspaces.settings })
          .from(workspaces)
          .where(inArray(workspaces.id, ids));
        for (const row of rows) {
          const timer = setTimeout(
            () => {
              goOffline(data.userId, row.id).catch((error: unknown) =>
                ctx.logger.error({ err: error, userId: data.userId }, 'could not set a disconnected agent offline'),
              );
            },
            graceSeconds(row.settings, ctx.config.PRESENCE_GRACE_SECONDS) * 1000,
          );
          timer.unref();
        }
      })().catch((error: unknown) =>
        ctx.logger.error({ err: error, userId: data.userId }, 'could not schedule a disconnected agent going offline'),
      );
    });
  };
}
