import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestServer extends RunningServer {
  database: TestDatabase;
  /** The server's latest warnings and errors (JSON lines), for a failing test to show what the server saw. */
  recentProblems(): string[];
  stop(): Promise<void>;
}

const KEPT_PROBLEMS = 40;

/**
 * The test server's logger: warnings and errors are kept (the last few) so a failing browser
 * test can print them; with TEST_LOG_LEVEL set, everything at that level goes to stdout too.
 */
function testLogger() {
  const kept: string[] = [];
  const echoLevel = process.env.TEST_LOG_LEVEL;
  const keep = new Writable({
    write(chunk: Buffer, _encoding, done) {
      kept.push(chunk.toString().trimEnd());
      if (kept.length > KEPT_PROBLEMS) kept.shift();
      done();
    },
  });
  const streams: pino.StreamEntry[] = [{ level: 'warn', stream: keep }];
  if (echoLevel && echoLevel !== 'silent') streams.push({ level: echoLevel as pino.Level, stream: process.stdout });
  const level = echoLevel && echoLevel !== 'silent' && pino.levels.values[echoLevel]! < pino.levels.values.warn! ? echoLevel : 'warn';
  return { logger: pino({ level }, pino.multistream(streams)), kept };
}

/** A real Huiliu server on a random port over a fresh database (or `shared`); `env` overrides configuration. */
export async function startTestServer(env: Record<string, string> = {}, shared?: TestDatabase): Promise<TestServer> {
  const database = shared ?? (await createTestDatabase());
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    HUILIU_DEMO: 'false',
    // Tests that use the demo workspace count on its conversations starting empty; the history tests turn it on.
    HUILIU_DEMO_HISTORY: 'false',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '5',
    ...env,
  });
  const { logger, kept } = testLogger();
  const server = await startServer(config, logger);
  return {
    ...server,
    database,
    recentProblems: () => [...kept],
    async stop() {
      await server.close();
      // A database passed in belongs to the caller, who drops it after every server on it stopped.
      if (!shared) await database.drop();
    },
  };
}
