import { deleteExpiredNonces } from './channels/wechat/nonces.js';
import { resolveIdleBotConversations } from './modules/bot/idle.js';
import { deleteOldLoginAttempts } from './modules/auth/login-throttle.js';
import { deleteDeadSessions, sessionLimits } from './modules/auth/sessions.js';
import type { AppContext } from './platform/context.js';
import { deleteProcessedOutbox } from './platform/outbox/outbox.js';
import type { RecurringJob } from './platform/jobs.js';
import { rollUpAll } from './modules/reports/rollup.js';
import { resumeStaleBulkJobs } from './modules/tickets/views-macros/bulk.js';

/** Every module's recurring jobs. */
export function recurringJobs(ctx: AppContext): RecurringJob[] {
  const reports: RecurringJob[] = ctx.config.REPORTS_ROLLUP
    ? [
        {
          // Closed hours into report_hourly, from the events past the watermark (docs/metrics.md).
          name: 'reports.rollup',
          cron: '*/5 * * * *',
          async run() {
            const hours = await rollUpAll(ctx.db, new Date());
            if (hours > 0) ctx.logger.info({ hours }, 'report hours rolled up');
          },
        },
      ]
    : [];
  return [
    ...reports,
    {
      name: 'auth.session-cleanup',
      cron: '*/15 * * * *',
      async run() {
        const sessions = await deleteDeadSessions(ctx.db, sessionLimits(ctx.config));
        const attempts = await deleteOldLoginAttempts(ctx.db);
        ctx.logger.info({ sessions, attempts }, 'expired sessions and old login attempts removed');
      },
    },
    {
      name: 'bot.idle-resolve',
      cron: '* * * * *',
      async run() {
        const changed = await resolveIdleBotConversations(ctx);
        if (changed.length > 0) ctx.logger.info({ resolved: changed.length }, 'idle bot conversations resolved');
      },
    },
    {
      name: 'wechat.nonce-cleanup',
      cron: '*/10 * * * *',
      async run() {
        const deleted = await deleteExpiredNonces(ctx.db);
        if (deleted > 0) ctx.logger.info({ deleted }, 'expired WeChat callback nonces removed');
      },
    },
    {
      name: 'tickets.bulk-resume',
      cron: '* * * * *',
      async run() {
        const resumed = await resumeStaleBulkJobs(ctx);
        if (resumed > 0) ctx.logger.info({ resumed }, 'interrupted ticket bulk jobs resumed');
      },
    },
    {
      name: 'outbox.cleanup',
      cron: '17 3 * * *',
      async run() {
        ctx.logger.info({ deleted: await deleteProcessedOutbox(ctx.db) }, 'old outbox events removed');
      },
    },
  ];
}
