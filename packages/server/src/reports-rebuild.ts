import { sql } from 'drizzle-orm';
import pino from 'pino';
import { createDatabase, createPool } from './platform/db/pool.js';
import { rebuildRollup } from './modules/reports/rollup.js';

/*
 * `npm run reports:rebuild [workspaceId…]`: throws the report rollups away and builds them again
 * from the stored events, for the given workspaces or all — after a metric definition changes
 * (a new METRICS_VERSION) or to check them. Needs DATABASE_URL; the server may keep running.
 */
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to the database to rebuild the report rollups of.');
  process.exit(2);
}
const logger = pino({ level: 'warn' });
const pool = createPool(url, 2, logger);
const db = createDatabase(pool);
try {
  const wanted = process.argv.slice(2);
  const ids =
    wanted.length > 0
      ? wanted
      : ((await db.execute(sql`select id from workspaces order by id`)).rows as { id: string }[]).map((row) => row.id);
  for (const id of ids) {
    const hours = await rebuildRollup(db, id, new Date(Date.now() - 2 * 60_000));
    process.stdout.write(`${id}: ${hours} hours rolled up\n`);
  }
} finally {
  await pool.end();
}
