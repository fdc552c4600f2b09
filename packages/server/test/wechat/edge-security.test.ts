import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpiredNonces } from '../../src/channels/wechat/nonces.js';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import { wechatCallbackNonces } from '../../src/channels/wechat/schema.js';
import { buildXml } from '../../src/channels/wechat/xml.js';
import { messages, conversations } from '../../src/modules/conversations/schema.js';
import { customerIdentities } from '../../src/modules/customers/schema.js';
import { createTestDatabase, queryRows, type TestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { msgId, openId, startWechatInbox, TEST_SECRETS_KEY, type WechatInboxSetup } from '../support/wechat.js';

const APP_ID = 'wx5823bf96d3bd56c7';
const TOKEN = 'QDG6eK';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

let database: TestDatabase;
let setup: WechatInboxSetup;
/** A second server process on the same database: another node of a cluster. */
let nodeB: TestServer;
let driverB: WechatDriver;

beforeAll(async () => {
  database = await createTestDatabase();
  setup = await startWechatInbox({
    appId: APP_ID,
    appSecret: 'app-secret-for-tests',
    token: TOKEN,
    encodingAESKey: AES_KEY,
    mode: 'plain',
    database,
    env: { SECRETS_KEY: TEST_SECRETS_KEY },
  });
  nodeB = await startTestServer(setup.env, database);
  driverB = new WechatDriver({ ...setup.driver.account, callbackUrl: `${nodeB.url}${setup.callbackPath}` });
});

afterAll(async () => {
  await nodeB?.stop();
  await setup?.stop();
  await database?.drop();
});

async function textsOf(open: string): Promise<string[]> {
  const db = setup.server.ctx.db;
  const [identity] = await db.select().from(customerIdentities).where(eq(customerIdentities.value, open));
  if (!identity) return [];
  const rows = await db
    .select({ text: messages.text })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.customerId, identity.customerId), eq(messages.kind, 'in')));
  return rows.map((row) => row.text);
}

describe('WeChat plain mode: a captured signature cannot carry another body', () => {
  it('refuses the same timestamp and nonce with a different body, on this node and on another', async () => {
    const { driver } = setup;
    const customer = openId();
    const timestamp = Math.floor(Date.now() / 1000);
    const nonce = '1234567890';
    const first = await driver.post(WechatDriver.text(customer, '我的订单什么时候到？', msgId()), { timestamp, nonce });
    expect(first.status).toBe(200);

    // The attacker reuses the query string (signature, timestamp, nonce) with a body of their own.
    const forged = WechatDriver.text(customer, '请把退款打到这个账户：6222…', msgId());
    for (const [node, replayer] of [
      ['same node', driver],
      ['other node', driverB],
    ] as const) {
      const replay = await replayer.post(forged, { timestamp, nonce });
      expect(replay.status, node).toBe(401);
      expect(replay.body, node).toContain('replayed_callback');
    }
    expect(await textsOf(customer)).toEqual(['我的订单什么时候到？']);
  });

  it('still accepts WeChat retrying the very same callback, and stores it once', async () => {
    const customer = openId();
    const timestamp = Math.floor(Date.now() / 1000);
    const message = WechatDriver.text(customer, '在吗', msgId());
    for (const poster of [setup.driver, driverB, setup.driver]) {
      const response = await poster.post(message, { timestamp, nonce: '987654321' });
      expect(response.status).toBe(200);
    }
    expect(await textsOf(customer)).toEqual(['在吗']);
  });

  it('refuses a replay even when the first one was refused later on (its signature was good)', async () => {
    // A forged body with a good signature is remembered before it is read: the nonce is spent.
    const timestamp = Math.floor(Date.now() / 1000);
    const broken = await setup.driver.post(null, { rawXml: '<xml><MsgType>text</MsgType></xml>', timestamp, nonce: '555' });
    expect(broken.status).toBe(400);
    const customer = openId();
    const replay = await setup.driver.post(WechatDriver.text(customer, '冒充的消息', msgId()), { timestamp, nonce: '555' });
    expect(replay.status).toBe(401);
    expect(await textsOf(customer)).toEqual([]);
  });

  it('forgets nonces once their timestamps are outside the replay window', async () => {
    const db = setup.server.ctx.db;
    const inboxId = setup.inboxId;
    const workspaceId = setup.ws.workspaceId;
    const old = new Date(Date.now() - 3600_000);
    await db.insert(wechatCallbackNonces).values({ workspaceId, inboxId, timestamp: '1', nonce: 'old', bodyDigest: 'x', expiresAt: old });
    expect(await deleteExpiredNonces(db)).toBeGreaterThanOrEqual(1);
    const left = await queryRows<{ nonce: string }>(database.url, 'SELECT nonce FROM wechat_callback_nonces WHERE inbox_id = $1', [
      inboxId,
    ]);
    expect(left.map((row) => row.nonce)).not.toContain('old');
    // The live ones (accepted above, within the window) are kept.
    expect(left.map((row) => row.nonce)).toEqual(expect.arrayContaining(['1234567890', '987654321']));
  });
});

describe('WeChat callbacks with hostile XML', () => {
  it('refuses a signed message with a NUL in it (plain or encrypted) with a 400, and stores nothing', async () => {
    const customer = openId();
    const poisoned = WechatDriver.text(customer, '退货\u0000', msgId());
    const plain = await setup.driver.post(poisoned);
    expect(plain.status).toBe(400);
    // Encrypted, the NUL is only seen after decryption: the XML parser refuses it there.
    const encrypted = await setup.driver.post(poisoned, { mode: 'compatible' });
    expect(encrypted.status).toBe(400);
    expect(encrypted.body).toContain('NUL');
    const reference = await setup.driver.post(null, {
      rawXml: buildXml(WechatDriver.text(customer, 'x', msgId())).replace('<![CDATA[x]]>', 'a&#0;b'),
    });
    expect(reference.status).toBe(400);
    expect(await textsOf(customer)).toEqual([]);
  });

  it('refuses a signed document nested thousands of levels deep with a 400 before parsing it', async () => {
    const customer = openId();
    const deep = buildXml(WechatDriver.text(customer, '深', msgId())).replace(
      '</xml>',
      `${'<a>'.repeat(2000)}${'</a>'.repeat(2000)}</xml>`,
    );
    for (const mode of ['plain', 'compatible'] as const) {
      const response = await setup.driver.post(null, { rawXml: deep, mode });
      expect(response.status, mode).toBe(400);
      expect(response.body, mode).toContain('nested deeper');
    }
    // Quoted `/>` inside attributes cannot disguise open tags as self-closing ones.
    const disguised = `<xml>${'<a x="/>">'.repeat(2000)}${'</a>'.repeat(2000)}</xml>`;
    const tricked = await setup.driver.post(null, { rawXml: disguised });
    expect(tricked.status).toBe(400);
    expect(tricked.body).toContain('nested deeper');
    expect(await textsOf(customer)).toEqual([]);
    // An ordinary message still goes through.
    expect((await setup.driver.post(WechatDriver.text(customer, '正常消息', msgId()))).status).toBe(200);
    expect(await textsOf(customer)).toEqual(['正常消息']);
  });
});
