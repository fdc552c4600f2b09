import type { AppContext } from '../../platform/context.js';
import { publishMessage } from '../conversations/events.js';
import { workspacesWithQueue } from '../conversations/queries.js';
import { rooms } from '../../platform/realtime.js';
import { abandonGoneCustomers, type CustomersGone } from './abandon.js';
import { replyIfClosed } from './closed-reply.js';
import { recordRoutingEvent } from './events.js';
import { queuePositions } from './queue-position.js';
import { routeOnce, type QueueKey } from './router.js';

/** Events after which there may be a conversation to give or an agent to give it to. */
const WAKE_TOPICS = [
  'conversation.created',
  'conversation.resolved',
  'conversation.unassigned',
  'conversation.requeued',
  'conversation.transferred',
  'conversation.reopened',
  'conversation.handed_off',
  'routing.agent_available',
];
const SWEEP_MS = 5_000;
const MAX_STEPS_PER_PASS = 200;

/**
 * Runs routing passes per workspace when something changes (from the outbox, on any node) and
 * in a periodic sweep, so nothing stays stuck if a wake-up is missed.
 */
export class RoutingService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly presence = new Map<string, CustomersGone>();

  constructor(private readonly ctx: Pick<AppContext, 'config' | 'db' | 'pool' | 'realtime' | 'outbox' | 'logger'>) {}

  /** A channel that can tell when its customers have gone (the widget) lets the sweep abandon their waiting conversations. */
  registerCustomerPresence(channel: string, gone: CustomersGone): void {
    this.presence.set(channel, gone);
  }

  start(): void {
    for (const topic of WAKE_TOPICS) this.ctx.outbox.subscribe(topic, async (event) => this.wake(event.workspaceId));
    this.ctx.outbox.subscribe('conversation.created', async (event) => {
      const appended = await replyIfClosed(this.ctx.db, event.workspaceId, String(event.payload.conversationId));
      if (appended) publishMessage(this.ctx.realtime, appended.conversation, appended.message);
    });
    this.ctx.outbox.subscribe('conversation.transferred', async (event) => {
      const { conversationId, assigneeId, teamId, previousAssigneeId, previousTeamId, note } = event.payload as Record<
        string,
        string | null
      >;
      await recordRoutingEvent(this.ctx.db, {
        workspaceId: event.workspaceId,
        type: 'transferred',
        conversationId: conversationId ?? null,
        userId: assigneeId ?? null,
        teamId: teamId ?? null,
        details: { from: { userId: previousAssigneeId, teamId: previousTeamId }, note, outboxId: event.id },
      });
    });
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all(this.running.values());
  }

  /** Routes the workspace now (or right after the pass in progress). */
  wake(workspaceId: string): void {
    if (this.stopped) return;
    if (this.running.has(workspaceId)) {
      this.again.add(workspaceId);
      return;
    }
    const pass = this.pass(workspaceId)
      .catch((error: unknown) => this.ctx.logger.error({ err: error, workspaceId }, 'routing pass failed'))
      .finally(() => {
        this.running.delete(workspaceId);
        if (this.again.delete(workspaceId)) this.wake(workspaceId);
      });
    this.running.set(workspaceId, pass);
  }

  private async pass(workspaceId: string): Promise<void> {
    // Queues found full in this pass; a later wake-up (an agent freed or online) starts afresh.
    const blocked: QueueKey[] = [];
    for (let step = 0; step < MAX_STEPS_PER_PASS && !this.stopped; step++) {
      const result = await routeOnce(this.ctx.db, workspaceId, blocked);
      if (result.empty) break;
      blocked.push(...result.blocked);
      for (const { appended } of result.assigned) publishMessage(this.ctx.realtime, appended.conversation, appended.message);
      // Only queues that were blocked, or that other routers hold: leave it to the next wake-up.
      if (result.assigned.length === 0 && !result.contended && result.blocked.length === 0) break;
    }
    await this.publishQueue(workspaceId);
  }

  /** Tells each waiting customer where they stand and how long it may take. */
  private async publishQueue(workspaceId: string): Promise<void> {
    for (const entry of await queuePositions(this.ctx.db, workspaceId)) {
      this.ctx.realtime.visitors.to(rooms.customer(entry.customerId)).emit('queue', {
        conversationId: entry.conversationId,
        position: entry.position,
        estimatedWaitSeconds: entry.estimatedWaitSeconds,
      });
    }
  }

  private async sweep(): Promise<void> {
    const workspaces = await workspacesWithQueue(this.ctx.db).catch(() => [] as string[]);
    for (const workspaceId of workspaces) {
      await this.abandon(workspaceId);
      this.wake(workspaceId);
    }
  }

  /** Ends the waiting conversations of customers gone longer than QUEUE_ABANDON_SECONDS. */
  async abandon(workspaceId: string): Promise<void> {
    if (this.stopped) return;
    try {
      const changed = await abandonGoneCustomers(this.ctx.db, workspaceId, this.ctx.config.QUEUE_ABANDON_SECONDS, this.presence);
      for (const appended of changed) publishMessage(this.ctx.realtime, appended.conversation, appended.message);
    } catch (error) {
      this.ctx.logger.error({ err: error, workspaceId }, 'abandonment sweep failed');
    }
  }
}
