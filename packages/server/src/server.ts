import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from './platform/logger.js';
import { buildApp, type BuiltApp } from './app.js';
import { ConnectorRegistry } from './channels/connector.js';
import type { Config } from './config.js';
import { DEMO_PASSWORD, DEMO_PEOPLE, seedDemoIfEmpty } from './demo/seed.js';
import { recurringJobs } from './jobs.js';
import { RoutingService } from './modules/routing/service.js';
import type { AppContext } from './platform/context.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './platform/db/embedded.js';
import { runMigrations } from './platform/db/migrate.js';
import { createDatabase, createPool } from './platform/db/pool.js';
import { createJobs, type Jobs } from './platform/jobs.js';
import { createMailer } from './platform/mailer.js';
import { OutboxRelay } from './platform/outbox/relay.js';
import { createRealtime, type Realtime } from './platform/realtime.js';
import { originAllowed } from './modules/auth/origins.js';
import { LocalFileStorage } from './platform/storage.js';
import { EmailChannel } from './channels/email/fetcher.js';
import { loadSecretBox } from './platform/secrets.js';

export { createLogger };

export interface RunningServer extends BuiltApp {
  url: string;
  ctx: AppContext;
  realtime: Realtime;
  jobs: Jobs;
  demoSeeded: boolean;
  /** Graceful stop: no new connections, in-flight requests and jobs finish, then the database closes. */
  close(): Promise<void>;
}

/** Starts everything one Huiliu process needs, in order, and returns a handle to stop it. */
export async function startServer(config: Config, logger: Logger = createLogger(config)): Promise<RunningServer> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.EMBEDDED_PG_PORT, logger });
    databaseUrl = embedded.url;
  }
  const pool = createPool(databaseUrl, config.DATABASE_POOL_SIZE, logger);
  try {
    await runMigrations(pool, logger);
    const db = createDatabase(pool);
    const demoSeeded = config.HUILIU_DEMO ? await seedDemoIfEmpty(db, { history: config.HUILIU_DEMO_HISTORY }) : false;
    const mailer = createMailer(config.SMTP_URL, config.SMTP_FROM, logger);
    const realtime = await createRealtime(config.REDIS_URL, logger, (origin, host) => originAllowed(origin, host, config));
    const outbox = new OutboxRelay(db, pool, logger);
    const storage = new LocalFileStorage(path.join(config.dataDir, 'files'));
    const secrets = loadSecretBox(config.SECRETS_KEY, config.dataDir, (message) => logger.warn(message));
    const routing = new RoutingService({ config, db, pool, realtime, outbox, logger });
    const ctx: AppContext = {
      config,
      pool,
      db,
      logger,
      mailer,
      realtime,
      outbox,
      storage,
      connectors: new ConnectorRegistry(),
      routing,
      secrets,
    };
    const built = await buildApp(ctx);
    const jobs = createJobs(databaseUrl, pool, logger);
    await jobs.start(recurringJobs(ctx));
    await outbox.start();
    ctx.routing.start();
    const email = new EmailChannel(ctx, config.EMAIL_POLL_SECONDS * 1000, { smtpHost: config.INBOUND_SMTP_HOST ?? config.HOST });
    email.start();
    await built.app.listen({ port: config.PORT, host: config.HOST });
    const { port } = built.app.server.address() as AddressInfo;
    const url = `http://localhost:${port}`;
    // Without PUBLIC_URL the links Huiliu hands out (WeChat callback, invites, portal) name the
    // port it really listens on, also when PORT=0 let the system choose one.
    if (!config.PUBLIC_URL) config.publicUrl = url;

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await realtime.close();
        await built.app.close();
        await ctx.routing.stop();
        await email.stop();
        await outbox.stop();
        await jobs.stop(config.SHUTDOWN_TIMEOUT_MS);
        mailer.close();
        await pool.end();
        await embedded?.stop();
      })());
    return { ...built, url, ctx, realtime, jobs, demoSeeded, close };
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

export function demoBanner(url: string): string {
  const width = Math.max(...DEMO_PEOPLE.map((person) => person.email.length));
  return [
    '',
    `  汇流 Huiliu is running at ${url}`,
    `  API docs: ${url}/api/docs`,
    '',
    `  Demo workspace 汇流商城 — every demo login uses the password: ${DEMO_PASSWORD}`,
    ...DEMO_PEOPLE.map((person) => `    ${person.email.padEnd(width)}  ${person.role.padEnd(10)}  ${person.name}`),
    '',
  ].join('\n');
}
