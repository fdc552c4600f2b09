import { resolveIdleBotConversations } from './modules/bot/idle.js';
import { deleteOldLoginAttempts } from './modules/auth/login-throttle.js';
import { deleteDeadSessions } from './modules/auth/sessions.js';
import type { AppContext } from './platform/context.js';
import { deleteProcessedOutbox } from './platform/outbox/outbox.js';
import type { RecurringJob } from './platform/jobs.js';

/** Every module's recurring jobs. */
export function recurringJobs(ctx: AppContext): RecurringJob[] {
  return [
    {
      name: 'auth.session-cleanup',
      cron: '*/15 * * * *',
      async run() {
        const sessions = await deleteDeadSessions(ctx.db, ctx.config.SESSION_IDLE_MINUTES);
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
      name: 'outbox.cleanup',
      cron: '17 3 * * *',
      async run() {
        ctx.logger.info({ deleted: await deleteProcessedOutbox(ctx.db) }, 'old outbox events removed');
      },
    },
  ];
}
