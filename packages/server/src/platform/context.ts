import type pg from 'pg';
import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../channels/connector.js';
import type { Config } from '../config.js';
import type { RoutingService } from '../modules/routing/service.js';
import type { Database } from './db/pool.js';
import type { Mailer } from './mailer.js';
import type { OutboxRelay } from './outbox/relay.js';
import type { Realtime } from './realtime.js';
import type { SecretBox } from './secrets.js';
import type { FileStorage } from './storage.js';

/** What every module is given: the shared infrastructure, never another module's tables. */
export interface AppContext {
  config: Config;
  pool: pg.Pool;
  db: Database;
  logger: Logger;
  mailer: Mailer;
  realtime: Realtime;
  outbox: OutboxRelay;
  storage: FileStorage;
  /** Encrypts secrets kept in the database (mail passwords…). */
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  routing: RoutingService;
}
