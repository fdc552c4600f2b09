import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestServer extends RunningServer {
  database: TestDatabase;
  stop(): Promise<void>;
}

/** A real Huiliu server on a random port over a fresh database (or `shared`); `env` overrides configuration. */
export async function startTestServer(env: Record<string, string> = {}, shared?: TestDatabase): Promise<TestServer> {
  const database = shared ?? (await createTestDatabase());
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    HUILIU_DEMO: 'false',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '5',
    ...env,
  });
  const server = await startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return {
    ...server,
    database,
    async stop() {
      await server.close();
      // A database passed in belongs to the caller, who drops it after every server on it stopped.
      if (!shared) await database.drop();
    },
  };
}
