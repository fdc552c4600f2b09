import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '../db/pool.js';
import { PgListener } from '../db/pg-listener.js';
import { OUTBOX_CHANNEL } from './outbox.js';
import { outbox } from './schema.js';

export interface OutboxEvent {
  id: number;
  workspaceId: string;
  topic: string;
  payload: Record<string, unknown>;
}

export type OutboxHandler = (event: OutboxEvent) => Promise<void>;

const BATCH = 100;
const SWEEP_MS = 1_000;
const COALESCE_MS = 10;
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Hands outbox events to the handlers subscribed to their topic, at least once, in id order per
 * batch. Rows are claimed with FOR UPDATE SKIP LOCKED, so every node can run a relay and each
 * event is processed by one of them. A failing event is retried with exponential backoff.
 */
export class OutboxRelay {
  private readonly handlers = new Map<string, OutboxHandler[]>();
  private listener: PgListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {}

  subscribe(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async start(): Promise<void> {
    // The sweep finds anything committed while the connection was down; a reconnect just looks now.
    this.listener = new PgListener(this.pool, this.logger, [OUTBOX_CHANNEL], {
      onNotification: () => this.kickSoon(),
      onReconnect: () => this.kick(),
    });
    await this.listener.start();
    this.timer = setInterval(() => this.kick(), SWEEP_MS);
    this.kick();
  }

  /**
   * Under load every committed message notifies; gathering the events of a few milliseconds into
   * one pass costs that much latency and saves a transaction per event.
   */
  private kickSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.kick();
    }, COALESCE_MS);
  }

  /** Runs a pass now, or right after the one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.error({ err: error }, 'outbox relay pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.pending);
    await this.running;
    await this.listener?.stop();
  }

  private async drain(): Promise<void> {
    for (let processed = BATCH; processed === BATCH && !this.stopped;) {
      processed = await this.db.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(outbox)
          .where(and(isNull(outbox.processedAt), lte(outbox.availableAt, sql`now()`)))
          .orderBy(asc(outbox.id))
          .limit(BATCH)
          .for('update', { skipLocked: true });
        const done: number[] = [];
        for (const row of rows) {
          const handlers = this.handlers.get(row.topic) ?? [];
          try {
            for (const handler of handlers)
              await handler({ id: row.id, workspaceId: row.workspaceId, topic: row.topic, payload: row.payload });
            done.push(row.id);
          } catch (error) {
            const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** row.attempts);
            this.logger.warn({ err: error, topic: row.topic, id: row.id, attempts: row.attempts + 1 }, 'outbox handler failed; will retry');
            await tx
              .update(outbox)
              .set({
                attempts: row.attempts + 1,
                lastError: String(error).slice(0, 1000),
                availableAt: sql`now() + make_interval(secs => ${backoff / 1000})`,
              })
              .where(eq(outbox.id, row.id));
          }
        }
        // One statement marks the whole batch, instead of one per event.
        if (done.length > 0)
          await tx
            .update(outbox)
            .set({ processedAt: sql`now()` })
            .where(inArray(outbox.id, done));
        return rows.length;
      });
    }
  }
}
