import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import type { AgentSocketHandler } from '../auth/agent-gateway.js';
import { publishMessage } from '../conversations/events.js';
import { setPresence } from './presence.js';

/**
 * An agent whose every console connection (on any server process) has been gone for the grace
 * period is set offline, and their open conversations go back to the queue. A reload or a
 * short network drop within the grace period changes nothing.
 */
export function presenceSocketHandler(ctx: AppContext): AgentSocketHandler {
  return (socket, data) => {
    socket.on('disconnect', () => {
      const timer = setTimeout(() => {
        void (async () => {
          const remaining = await ctx.realtime.agents.in(rooms.user(data.userId)).fetchSockets();
          if (remaining.length > 0) return;
          for (const workspaceId of data.workspaces.keys()) {
            const { requeued } = await ctx.db.transaction((tx) => setPresence(tx, workspaceId, data.userId, 'offline'));
            for (const item of requeued) publishMessage(ctx.realtime, item.conversation, item.message);
          }
        })().catch((error: unknown) => ctx.logger.error({ err: error, userId: data.userId }, 'could not set a disconnected agent offline'));
      }, ctx.config.PRESENCE_GRACE_SECONDS * 1000);
      timer.unref();
    });
  };
}
