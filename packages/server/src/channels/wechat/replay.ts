import { AppError } from '../../platform/errors.js';

/**
 * Refuses a signed callback whose `timestamp` is further than `windowSeconds` from now: a
 * captured callback cannot be replayed later, as its signature covers the timestamp. WeChat's
 * own retries (three within about 15 seconds, same timestamp) stay inside the window and are
 * deduplicated by MsgId instead.
 */
export function assertFreshTimestamp(timestamp: string | undefined, windowSeconds: number, nowMs = Date.now()): void {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new AppError(400, 'bad_timestamp', 'the callback has no valid timestamp');
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (skew > windowSeconds) {
    throw new AppError(
      401,
      'stale_callback',
      `the callback's timestamp is ${Math.round(skew)} s away from now (allowed: ${windowSeconds} s); replayed, or the clock is wrong`,
    );
  }
}
