import type { AppContext } from '../../platform/context.js';
import { clockOf, type Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/pool.js';
import { sweepBreaches, sweepWarnings } from './clocks.js';

/**
 * Sweeps until nothing more is due: a full batch means more may be waiting, so the next batch
 * follows at once instead of a tick later. Breaches first, then warnings (a warning for a
 * clock that is already due is not sent). Each batch is its own transaction (a node killed
 * mid-batch rolls back only that batch), and each reads the clock afresh.
 */
export async function drainDueClocks(db: Database, clock: Clock, batch: number): Promise<{ breached: number; warned: number }> {
  const drain = async (sweep: typeof sweepBreaches) => {
    let total = 0;
    for (;;) {
      const swept = await db.transaction((tx) => sweep(tx, clock.now(), batch));
      total += swept;
      if (swept < batch) return total;
    }
  };
  const breached = await drain(sweepBreaches);
  const warned = await drain(sweepWarnings);
  return { breached, warned };
}

/**
 * Every node sweeps every SLA_SWEEP_INTERVAL_MS on the configured clock; a sweep that is still
 * running when the next tick comes is not started twice.
 */
export function startSlaSweeper(ctx: AppContext): { stop(): void } {
  const clock = clockOf(ctx.config);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    drainDueClocks(ctx.db, clock, ctx.config.SLA_SWEEP_BATCH)
      .then((swept) => {
        if (swept.breached + swept.warned > 0) ctx.logger.info(swept, 'SLA clocks swept');
      })
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'SLA sweep failed; the next one retries'))
      .finally(() => (running = false));
  }, ctx.config.SLA_SWEEP_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
