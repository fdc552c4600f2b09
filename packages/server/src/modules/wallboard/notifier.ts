import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';
import type { AgentSocketHandler } from '../auth/agent-gateway.js';
import { roleHas, type Role } from '@huiliu/contracts';

/** Outbox topics after which the wallboard's numbers may have changed. */
const TOPICS = [
  'conversation.created',
  'conversation.assigned',
  'conversation.unassigned',
  'conversation.transferred',
  'conversation.requeued',
  'conversation.resolved',
  'conversation.reopened',
  'routing.presence_changed',
];

/**
 * Calls `emit` for a key at most once per interval: the first call at once, calls within the
 * interval folded into one at its end. Pure timing logic, unit-tested with fake timers.
 */
export class Throttle {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (key: string) => void,
  ) {}

  call(key: string): void {
    if (this.pending.has(key)) return;
    const wait = (this.last.get(key) ?? -Infinity) + this.intervalMs - Date.now();
    if (wait <= 0) return this.fire(key);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.fire(key);
    }, wait);
    timer.unref();
    this.pending.set(key, timer);
  }

  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private fire(key: string): void {
    this.last.set(key, Date.now());
    if (this.last.size > 10_000) this.last.clear();
    this.emit(key);
  }
}

/**
 * Tells supervisors' consoles (room `wallboard:<workspaceId>` on `/agent`) that the wallboard
 * changed, at most once a second per workspace and process. The outbox hands each event to one
 * process; the Socket.IO adapter carries the emit to sockets on every process.
 */
export function subscribeWallboard(ctx: AppContext): Throttle {
  const throttle = new Throttle(1000, (workspaceId) =>
    ctx.realtime.agents.to(rooms.wallboard(workspaceId)).emit('wallboard:changed', { workspaceId, at: new Date().toISOString() }),
  );
  for (const topic of TOPICS) ctx.outbox.subscribe(topic, async (event) => throttle.call(event.workspaceId));
  return throttle;
}

/** Supervisors and admins join their workspaces' wallboard rooms when their console connects. */
export function wallboardSocketHandler(): AgentSocketHandler {
  return (socket, data) => {
    const allowed = [...data.workspaces].filter(([, role]) => roleHas(role as Role, 'wallboard.read')).map(([id]) => rooms.wallboard(id));
    if (allowed.length > 0) void socket.join(allowed);
  };
}
