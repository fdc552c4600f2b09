import type pg from 'pg';
import type { Logger } from 'pino';

export interface ListenerHandlers {
  onNotification(channel: string, payload: string): void;
  /**
   * Called after the connection came back. Notices sent while it was away are lost for good
   * (PostgreSQL does not queue them for a listener that is gone), so whatever the owner keeps
   * up to date by them must be re-read from the tables.
   */
  onReconnect?(): void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;

/**
 * One connection held for LISTEN, that outlives losing it. A database restart, a failover or an
 * idle-connection killer ends the connection: a checked-out pg client then emits `error` with
 * nobody listening, which would crash the process, and notices would silently stop. This
 * reconnects with backoff and tells the owner, so it can catch up on what it missed.
 */
export class PgListener {
  private client: pg.PoolClient | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly channels: readonly string[],
    private readonly handlers: ListenerHandlers,
  ) {}

  /** Connects and listens; fails if the database cannot be reached now (start-up should fail). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether the connection is up and listening (for tests and health). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client.query('UNLISTEN *').catch(() => undefined);
    client.release();
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (message) => {
      if (message.payload !== undefined) this.handlers.onNotification(message.channel, message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      // Channel names are our own constants, never user input: identifiers cannot be bound.
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (this.stopped) {
      client.release();
      return;
    }
    this.client = client;
  }

  private lost(client: pg.PoolClient, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    // Releasing with an error makes the pool destroy the connection instead of reusing it.
    client.release(error);
    if (this.stopped) return;
    this.logger.warn({ err: error, channels: this.channels }, 'listen connection lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      if (this.stopped) return;
      this.connect().then(
        () => {
          if (this.stopped) return;
          this.attempt = 0;
          this.logger.info({ channels: this.channels }, 'listening again');
          this.handlers.onReconnect?.();
        },
        (error: unknown) => {
          this.logger.warn({ err: error, channels: this.channels }, 'listen reconnect failed');
          if (!this.stopped) this.scheduleReconnect();
        },
      );
    }, delay);
    this.retryTimer.unref();
  }
}
