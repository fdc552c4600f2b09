import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../packages/server/src/platform/db/embedded.js';

export interface BenchDatabases {
  /** A fresh, empty database on the same server. */
  create(): Promise<string>;
  close(): Promise<void>;
}

/** PostgreSQL for a benchmark: the server in DATABASE_URL, or an embedded one in a temp dir. */
export async function benchDatabases(): Promise<BenchDatabases> {
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'huiliu-bench-'));
    const embedded = await startEmbeddedPostgres({
      dataDir,
      port: 54000 + Math.floor(Math.random() * 900),
      logger: pino({ level: 'warn' }),
    });
    adminUrl = embedded.url;
    stopEmbedded = async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const created: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    async create() {
      const name = `huiliu_bench_${randomBytes(5).toString('hex')}`;
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(adminUrl!);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async close() {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await stopEmbedded?.();
    },
  };
}
