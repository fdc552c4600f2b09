import { and, eq, inArray, isNotNull, lt, ne, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import type { AgentSocketHandler } from '../auth/agent-gateway.js';
import { publishMessage } from '../conversations/events.js';
import { setPresence } from './presence.js';
import { agentStates } from './schema.js';

type LapseContext = Pick<AppContext, 'config' | 'db' | 'realtime' | 'logger'>;

/**
 * Presence that outlives its node. The disconnect timer in presence-gateway.ts lives in the
 * process that held the socket: a node killed (-9, OOM, power) or restarted takes its timers
 * along, and its agents stayed online and kept getting assignments. So every node stamps
 * `last_connected_at` for the agents it holds a console socket for, and every node sweeps for
 * agents not online anywhere whose stamp is older than the grace period, setting them offline
 * (their conversations go back to the queue) as the disconnect timer would have.
 */
export class PresenceLapse {
  /** Local console sockets per user. */
  private readonly connected = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly ctx: LapseContext) {}

  /** Stamps often enough that a live agent is never older than the grace period between two stamps. */
  get intervalMs(): number {
    return Math.min(20_000, Math.max(500, Math.floor((this.ctx.config.PRESENCE_GRACE_SECONDS * 1000) / 3)));
  }

  socketHandler(): AgentSocketHandler {
    return (socket, data) => {
      this.connected.set(data.userId, (this.connected.get(data.userId) ?? 0) + 1);
      void this.stamp([data.userId]);
      socket.on('disconnect', () => {
        const left = (this.connected.get(data.userId) ?? 1) - 1;
        if (left > 0) this.connected.set(data.userId, left);
        else this.connected.delete(data.userId);
      });
    };
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    await this.stamp([...this.connected.keys()]);
    await this.sweep();
  }

  private async stamp(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.ctx.db
      .update(agentStates)
      .set({ lastConnectedAt: sql`now()` })
      .where(inArray(agentStates.userId, userIds))
      .catch((error: unknown) => this.ctx.logger.warn({ err: error }, 'could not record agents as connected'));
  }

  /** Sets offline every agent no node has stamped for the grace period; returns how many. */
  async sweep(): Promise<number> {
    const grace = sql`now() - make_interval(secs => ${this.ctx.config.PRESENCE_GRACE_SECONDS})`;
    // Presence set with no console ever connected (API clients) has no stamp and is left alone.
    const stale = () =>
      and(
        ne(agentStates.status, 'offline'),
        isNotNull(agentStates.lastConnectedAt),
        lt(agentStates.lastConnectedAt, grace),
        lt(agentStates.statusSince, grace),
      );
    let lapsed = 0;
    try {
      const candidates = await this.ctx.db
        .select({ workspaceId: agentStates.workspaceId, userId: agentStates.userId })
        .from(agentStates)
        .where(stale());
      for (const { workspaceId, userId } of candidates) {
        // The stamp is the cheap test; the rooms are the truth (a stamp can be late on a busy node).
        if ((await this.ctx.realtime.agents.in(rooms.user(userId)).fetchSockets()).length > 0) continue;
        const { requeued, changed } = await this.ctx.db.transaction(async (tx) => {
          const [still] = await tx
            .select({ userId: agentStates.userId })
            .from(agentStates)
            .where(and(eq(agentStates.workspaceId, workspaceId), eq(agentStates.userId, userId), stale()))
            .for('update');
          if (!still) return { requeued: [], changed: false };
          return { ...(await setPresence(tx, workspaceId, userId, 'offline')), changed: true };
        });
        if (changed) lapsed++;
        for (const item of requeued) publishMessage(this.ctx.realtime, item.conversation, item.message);
      }
      if (lapsed > 0) this.ctx.logger.info({ lapsed }, 'agents with no live console connection set offline');
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'presence lapse sweep failed');
    }
    return lapsed;
  }
}
