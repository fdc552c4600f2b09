import { readFileSync } from 'node:fs';

/** Where a background job gets "now" from. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock read from a file that holds one ISO instant, re-read on every call: tests and
 * benchmarks move the time of several server processes at once by rewriting the file, so a
 * timer due in an hour fires without anybody waiting an hour. A file that cannot be read or
 * parsed is an error, never a silent fall-back to the system time.
 */
export function fileClock(file: string): Clock {
  return {
    now() {
      const text = readFileSync(file, 'utf8').trim();
      const instant = new Date(text);
      if (Number.isNaN(instant.getTime())) throw new Error(`the clock file ${file} does not hold an ISO instant: ${JSON.stringify(text)}`);
      return instant;
    },
  };
}

/** The clock the configuration names: HUILIU_CLOCK_FILE (tests only) or the system's. */
export const clockOf = (config: { HUILIU_CLOCK_FILE?: string | undefined }): Clock =>
  config.HUILIU_CLOCK_FILE ? fileClock(config.HUILIU_CLOCK_FILE) : systemClock;
