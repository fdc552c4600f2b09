import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWechatInbox } from '../../src/channels/wechat/accounts.js';
import { WechatDouble } from '../../src/channels/wechat/double/server.js';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import { createWorkspace } from '../../src/modules/workspaces/service.js';
import { createDatabase, createPool } from '../../src/platform/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/ports.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { TEST_SECRETS_KEY, testSecretBox } from '../support/wechat.js';

const CORP_ID = 'wwcrash000000001';
const SECRET = 'crash-secret-123';
const TOKEN = 'crashToken';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const KFID = 'wkCRASH0000000000000000000000001';
const TOTAL = 1500;

let double: WechatDouble;
let database: TestDatabase;
let server: ServerProcess | undefined;
let pool: ReturnType<typeof createPool>;
let publicKey: string;
let inboxId: string;
let env: Record<string, string>;

async function count(): Promise<number> {
  const { rows } = await pool.query<{ count: number }>('select count(*)::int as count from messages where idempotency_key like $1', [
    `wecom:${inboxId}:%`,
  ]);
  return rows[0]!.count;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 400_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  double = new WechatDouble();
  await double.start();
  double.registerApp(CORP_ID, SECRET);
  database = await createTestDatabase();
  env = {
    DATABASE_URL: database.url,
    HUILIU_DEMO: 'false',
    WECHAT_API_BASE: double.url,
    WECOM_API_BASE: double.url,
    SECRETS_KEY: TEST_SECRETS_KEY,
  };
  server = await spawnServer({ ...env, PORT: String(await freePort()) });
  pool = createPool(database.url, 2, pino({ level: 'silent' }));
  const db = createDatabase(pool);
  const workspace = await createWorkspace(db, { name: '崩溃测试', slug: `crash-${randomBytes(3).toString('hex')}` });
  const account = await createWechatInbox(db, testSecretBox(), workspace.id, {
    kind: 'wecom',
    name: '微信客服',
    defaultTeamId: null,
    appId: CORP_ID,
    appSecret: SECRET,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    openKfid: KFID,
    mode: 'safe',
    welcomeText: null,
    menuTopics: {},
    quotaPerWindow: 5,
  });
  publicKey = account.inbox.publicKey;
  inboxId = account.inbox.id;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await pool?.end();
  await database?.drop();
  await double?.stop();
});

describe('a WeCom pull when the process is killed', () => {
  it('resumes after a restart from the saved cursor: nothing lost, nothing doubled', async () => {
    double.queueKf(
      KFID,
      Array.from({ length: TOTAL }, (_, index) => ({
        msgid: `CRASH_${index}`,
        open_kfid: KFID,
        external_userid: `wmCrash${index % 40}`,
        send_time: Math.floor(Date.now() / 1000),
        origin: 3,
        msgtype: 'text',
        text: { content: `第 ${index} 条` },
      })),
    );
    const driver = new WechatDriver({
      callbackUrl: `${server!.url}/api/v1/channels/wecom/${publicKey}`,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appId: CORP_ID,
      mode: 'safe',
    });
    expect((await driver.wecomNotice(KFID)).body).toBe('success');
    await until(async () => (await count()) >= 200, 'part of the pull');
    await server!.stop('SIGKILL');
    const stored = await count();
    expect(stored).toBeLessThan(TOTAL);

    server = await spawnServer({ ...env, PORT: String(await freePort()) });
    await until(async () => {
      const { rows } = await pool.query<{ pending: boolean }>(
        'select pull_requested_at is not null as pending from wechat_accounts where inbox_id = $1',
        [inboxId],
      );
      return !rows[0]!.pending && (await count()) === TOTAL;
    }, 'the whole pull');
    const { rows } = await pool.query<{ text: string }>("select text from messages where idempotency_key like $1 and kind = 'in'", [
      `wecom:${inboxId}:%`,
    ]);
    expect(rows).toHaveLength(TOTAL);
    expect(new Set(rows.map((row) => row.text)).size).toBe(TOTAL);
    const { rows: cursor } = await pool.query<{ sync_cursor: string }>('select sync_cursor from wechat_accounts where inbox_id = $1', [
      inboxId,
    ]);
    expect(cursor[0]!.sync_cursor).toBe(`C${TOTAL}`);
  }, 600_000);
});
