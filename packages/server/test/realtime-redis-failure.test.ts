import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { redisReachable } from './support/redis.js';
import { createRealtime } from '../src/platform/realtime.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const hasRedis = await redisReachable(REDIS_URL);

describe.skipIf(!hasRedis)('real-time fan-out when Redis is gone', () => {
  const rejections: unknown[] = [];
  const record = (reason: unknown) => rejections.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('a broadcast that cannot reach Redis is logged, not an unhandled rejection that would end the process', async () => {
    process.on('unhandledRejection', record);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const realtime = await createRealtime(REDIS_URL, logger);
    await realtime.close();

    // After shutdown began (or while Redis is down) the adapter still publishes room broadcasts.
    realtime.agents.to('ws:somewhere').emit('message', { text: 'lost, but harmless' });
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(rejections).toEqual([]);
    expect(warnings.some((line) => line.includes('could not be published'))).toBe(true);
  });
});
