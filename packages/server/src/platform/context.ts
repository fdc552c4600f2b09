import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from './db/pool.js';
import type { Mailer } from './mailer.js';

/** What every module is given: the shared infrastructure, never another module's tables. */
export interface AppContext {
  config: Config;
  pool: pg.Pool;
  db: Database;
  logger: Logger;
  mailer: Mailer;
}
