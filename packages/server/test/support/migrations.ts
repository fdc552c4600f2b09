import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { MIGRATIONS_DIR } from '../../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface DatabaseBeforeMigration {
  database: TestDatabase;
  client: pg.Client;
  close(): Promise<void>;
}

/**
 * A fresh database with the migrations up to, not including, the one whose tag ends with
 * `tagSuffix` (found by suffix, so its number may change at merge), for testing a data
 * migration on old-shape rows; apply the rest with `migrate(…, { migrationsFolder: MIGRATIONS_DIR })`.
 */
export async function databaseBeforeMigration(tagSuffix: string): Promise<DatabaseBeforeMigration> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'huiliu-migrations-'));
  cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag.endsWith(tagSuffix));
  if (index <= 0) throw new Error(`no migration after the first has a tag ending with ${tagSuffix}`);
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(journalPath, JSON.stringify(journal));
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await migrate(drizzle(client), { migrationsFolder: folder });
  return {
    database,
    client,
    async close() {
      await client.end();
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
