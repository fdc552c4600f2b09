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

const APP_ID = 'wxcluster0000001';
const SECRET = 'cluster-secret-123';
const TOKEN = 'clusterToken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

let double: WechatDouble;
let database: TestDatabase;
const servers: ServerProcess[] = [];
let pool: ReturnType<typeof createPool>;
let publicKey: string;

beforeAll(async () => {
  double = new WechatDouble();
  await double.start();
  double.registerApp(APP_ID, SECRET);
  // Slow token answers: two fetches at once would overlap and be counted.
  double.tokenDelayMs = 300;
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url,
    HUILIU_DEMO: 'false',
    WECHAT_API_BASE: double.url,
    WECOM_API_BASE: double.url,
    WECHAT_PASSIVE_WAIT_MS: '200',
    SECRETS_KEY: TEST_SECRETS_KEY,
  };
  // One after the other, so the first applies the migrations.
  servers.push(await spawnServer({ ...env, PORT: String(await freePort()) }));
  servers.push(await spawnServer({ ...env, PORT: String(await freePort()) }));
  pool = createPool(database.url, 2, pino({ level: 'silent' }));
  const db = createDatabase(pool);
  const workspace = await createWorkspace(db, { name: '集群测试', slug: `cluster-${randomBytes(3).toString('hex')}` });
  const account = await createWechatInbox(db, testSecretBox(), workspace.id, {
    kind: 'wechat',
    name: '公众号',
    defaultTeamId: null,
    appId: APP_ID,
    appSecret: SECRET,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    openKfid: null,
    mode: 'plain',
    welcomeText: null,
    menuTopics: {},
    quotaPerWindow: 5,
  });
  publicKey = account.inbox.publicKey;
}, 180_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await pool?.end();
  await database?.drop();
  await double?.stop();
});

/** Image callbacks to both processes at once: each fetches the image, which needs the token. */
async function imagesToBoth(count: number) {
  const mediaId = double.putMedia(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(32)]), 'image/jpeg');
  const posts = [];
  for (let index = 0; index < count; index++) {
    const server = servers[index % servers.length]!;
    const driver = new WechatDriver({
      callbackUrl: `${server.url}/api/v1/channels/wechat/${publicKey}`,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appId: APP_ID,
      mode: 'plain',
    });
    posts.push(
      driver.post({
        ToUserName: 'gh_double',
        FromUserName: `oCluster${index}`,
        CreateTime: Math.floor(Date.now() / 1000),
        MsgType: 'image',
        PicUrl: 'http://x/1.jpg',
        MediaId: mediaId,
        MsgId: String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
      }),
    );
  }
  const answers = await Promise.all(posts);
  expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
}

describe('the access_token across two server processes', () => {
  it('is fetched by one process at a time, and once per expiry', async () => {
    await imagesToBoth(12);
    expect(double.tokenFetches).toBe(1);
    expect(double.maxConcurrentTokenFetches).toBe(1);
    // WeChat expires the token: every call now answers 42001; both processes refresh, one fetches.
    double.expireTokens();
    await imagesToBoth(12);
    expect(double.tokenFetches).toBe(2);
    expect(double.maxConcurrentTokenFetches).toBe(1);
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ count: number }>(
        "select count(*)::int as count from messages where kind = 'in' and jsonb_array_length(attachments) = 1",
      );
      expect(rows[0]!.count).toBe(24);
    } finally {
      client.release();
    }
  }, 120_000);
});
