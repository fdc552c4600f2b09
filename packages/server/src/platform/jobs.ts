import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

/** Serialises queue set-up across processes: concurrent pg-boss createQueue calls can deadlock. */
const JOB_SETUP_LOCK_KEY = 7_426_003;

/** A job that runs on a cron schedule, once per schedule across all server processes. */
export interface RecurringJob {
  name: string;
  /** Cron expression, evaluated in UTC by pg-boss. */
  cron: string;
  run(): Promise<void>;
}

export interface Jobs {
  boss: PgBoss;
  start(recurring: RecurringJob[]): Promise<void>;
  /** Waits for running jobs to finish (up to `timeoutMs`), then stops fetching new ones. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * pg-boss keeps jobs in PostgreSQL (schema `pgboss`): no extra service, retries and
 * schedules shared by every node. Modules contribute RecurringJobs; one-off jobs later use
 * `boss.send` / `boss.work` the same way.
 */
export function createJobs(connectionString: string, pool: pg.Pool, logger: Logger): Jobs {
  const boss = new PgBoss({ connectionString, max: 3, application_name: 'huiliu-jobs' });
  const log = logger.child({ component: 'jobs' });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  return {
    boss,
    async start(recurring) {
      const lock = await pool.connect();
      try {
        await lock.query('SELECT pg_advisory_lock($1)', [JOB_SETUP_LOCK_KEY]);
        await boss.start();
        for (const job of recurring) {
          if (!(await boss.getQueue(job.name))) await boss.createQueue(job.name);
          await boss.schedule(job.name, job.cron);
        }
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [JOB_SETUP_LOCK_KEY]).catch(() => undefined);
        lock.release();
      }
      for (const job of recurring) {
        await boss.work(job.name, async () => {
          const started = Date.now();
          await job.run();
          log.info({ job: job.name, ms: Date.now() - started }, 'recurring job done');
        });
      }
      log.info({ recurring: recurring.map((job) => job.name) }, 'job queue started');
    },
    async stop(timeoutMs) {
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },
  };
}
