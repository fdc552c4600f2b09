import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.js';
import { buildBrowserBundlesIfMissing } from './e2e.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole run: the one in DATABASE_URL (CI), or else a real
 * embedded one in a throw-away directory. Each test file then creates its own database.
 * The browser tests' console and widget builds are made here, once, if missing.
 */
export default async function setup(project: TestProject) {
  buildBrowserBundlesIfMissing();
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'huiliu-test-'));
  const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger: pino({ level: 'warn' }) });
  project.provide('adminDatabaseUrl', embedded.url);
  return async () => {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
