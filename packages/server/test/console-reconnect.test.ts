import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { addTeamMember } from '../src/modules/teams/service.js';
import { hasChromium, launchBrowser } from './support/browser.js';
import { connectSocket, emitAck, startVisitor } from './support/chat.js';
import { createTestDatabase, queryRows, type TestDatabase } from './support/database.js';
import { createWorkspaceFixture } from './support/fixtures.js';
import { freePort } from './support/ports.js';
import { spawnServer, type ServerProcess } from './support/process.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Waits (generously: a server starting on a busy 2-core machine takes its time). */
const poll = <T>(read: () => T | Promise<T>, timeout = 60_000) => expect.poll(read, { timeout, interval: 250 });

describe.skipIf(!hasChromium)('the console across a server restart, in Chromium', () => {
  let database: TestDatabase;
  let dataDir: string;
  let node: ServerProcess | undefined;
  let browser: Browser;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'huiliu-reconnect-'));
    // The same address before and after: the browser reconnects to "the server", whichever process it is.
    env = { DATABASE_URL: database.url, PORT: String(await freePort()), HUILIU_DEMO: 'true', DATA_DIR: dataDir };
    node = await spawnServer(env);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reconnects by itself after SIGTERM and a new process, and shows new messages without a reload', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    try {
      await page.goto(`${node!.url}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel('邮箱').fill('supervisor@huiliu.demo');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/inbox/);
      const live = page.getByText('实时', { exact: true });
      const reconnecting = page.getByText('实时连接已断开，正在重连…');
      await poll(() => live.count()).toBe(1);
      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations++;
      });

      expect(await node!.stop('SIGTERM')).toBe(0);
      await poll(() => reconnecting.count()).toBe(1);
      node = await spawnServer(env);
      // Back without anyone touching the page.
      await poll(() => live.count()).toBe(1);

      const [inbox] = await queryRows<{ public_key: string }>(database.url, `SELECT public_key FROM inboxes WHERE kind = 'widget' LIMIT 1`);
      const visitor = await startVisitor(node!.url, inbox!.public_key);
      // The list shows the customer's name (the bot's answer becomes the preview at once).
      const name = `重启后的顾客${randomUUID().slice(0, 6)}`;
      const text = '你好，我的订单什么时候发货？';
      // A process just started answers its first message slowly (the bot loads its index): wait for it.
      const sent = (await visitor.socket
        .timeout(60_000)
        .emitWithAck('message:send', { clientMessageId: randomUUID(), text, preChat: { name } })) as {
        ok: boolean;
      };
      expect(sent.ok).toBe(true);
      await poll(() => page.getByText(name).count()).toBeGreaterThan(0);
      expect(navigations).toBe(0);
      visitor.socket.close();
    } catch (error) {
      console.log(node?.output().slice(-4000));
      throw error;
    } finally {
      await context.close();
    }
  }, 300_000);
});

describe('an agent whose server process died', () => {
  let database: TestDatabase;
  let dataDir: string;
  let survivor: TestServer;
  let doomed: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'huiliu-lapse-'));
    survivor = await startTestServer({ PRESENCE_GRACE_SECONDS: '2' }, database);
    doomed = await spawnServer({
      DATABASE_URL: database.url,
      PORT: '0',
      HUILIU_DEMO: 'false',
      DATA_DIR: dataDir,
      PRESENCE_GRACE_SECONDS: '2',
    });
  }, 300_000);
  afterAll(async () => {
    await doomed?.stop('SIGKILL');
    await survivor?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is set offline after the grace period, and routing gives the next chat to someone still connected', async () => {
    const ws = await createWorkspaceFixture(survivor.ctx.db, survivor.url);
    await addTeamMember(survivor.ctx.db, ws.workspaceId, ws.teamId, ws.users.admin.id);
    const presence = `/api/v1/workspaces/${ws.workspaceId}/presence/me`;

    // The agent's console is on the process about to die; the admin's on the one that lives.
    const agentSocket = await connectSocket(`${doomed!.url}/agent`, { extraHeaders: { cookie: ws.clients.agent.cookie ?? '' } });
    const adminSocket = await connectSocket(`${survivor.url}/agent`, { extraHeaders: { cookie: ws.clients.admin.cookie ?? '' } });
    try {
      expect((await ws.clients.agent.put(presence, { status: 'online' })).status).toBe(200);
      expect((await ws.clients.admin.put(presence, { status: 'online' })).status).toBe(200);
      const status = async (userId: string) =>
        (
          await queryRows<{ status: string; connected: boolean }>(
            database.url,
            'SELECT status, last_connected_at IS NOT NULL AS connected FROM agent_states WHERE workspace_id = $1 AND user_id = $2',
            [ws.workspaceId, userId],
          )
        )[0];
      // Both nodes have seen their agent's console.
      await poll(async () => (await status(ws.users.agent.id))?.connected).toBe(true);
      await poll(async () => (await status(ws.users.admin.id))?.connected).toBe(true);

      await doomed!.stop('SIGKILL');
      agentSocket.close();
      await poll(async () => (await status(ws.users.agent.id))?.status).toBe('offline');
      // The sweep leaves alone whoever still has a live console.
      expect((await status(ws.users.admin.id))?.status).toBe('online');

      const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
      const visitor = await startVisitor(survivor.url, inbox.body.publicKey);
      const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '有人在吗？订单一直没发货' });
      expect(sent.ok).toBe(true);
      const conversation = `/api/v1/workspaces/${ws.workspaceId}/conversations/${sent.data.conversation.id}`;
      await poll(async () => (await ws.clients.admin.get(conversation)).body.assigneeId).toBe(ws.users.admin.id);
      visitor.socket.close();
    } finally {
      agentSocket.close();
      adminSocket.close();
    }
  }, 300_000);
});
