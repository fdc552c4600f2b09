import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { connectAgent } from '../support/chat.js';
import { recordFailure } from '../support/e2e.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * A customer's own site: another host and port than the Huiliu server (a different origin), a
 * page of its own with the embed snippet.
 */
function startShopSite(widgetScript: string, inboxKey: string): Promise<http.Server> {
  const site = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>山海茶铺</title></head>
<body><h1>山海茶铺</h1><p>明前龙井，现货发售。</p>
<script src="${widgetScript}" data-inbox-key="${inboxKey}" async></script></body></html>`);
  });
  return new Promise((resolve) => site.listen(0, '127.0.0.2', () => resolve(site)));
}

if (!hasChromium) console.warn('skipping browser tests: no /usr/bin/chromium');

describe.skipIf(!hasChromium)('the widget embedded on another site, in Chromium', () => {
  let server: TestServer;
  let ws: WorkspaceFixture;
  let site: http.Server;
  let siteUrl: string;
  let browser: Browser;
  let agent: Awaited<ReturnType<typeof connectAgent>>;
  const pages: Page[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ws = await createWorkspaceFixture(server.ctx.db, server.url);
    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    site = await startShopSite(`${server.url}/widget.js`, inbox.body.publicKey);
    siteUrl = `http://127.0.0.2:${(site.address() as AddressInfo).port}`;
    agent = await connectAgent(server.url, ws.clients.agent);
    browser = await launchBrowser();
  });
  afterEach(async (test) => {
    await recordFailure(test, 'widget-cross-origin', pages.splice(0), server);
  });
  afterAll(async () => {
    agent?.socket.close();
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await server?.stop();
  });

  async function chat(path: string, text: string, { blockWebSockets = false } = {}) {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    // A proxy that refuses every WebSocket upgrade: the browser reports an error and a close
    // (1006) without the socket ever opening, as Chromium does for a refused handshake.
    if (blockWebSockets) {
      await context.addInitScript(`
        class RefusedWebSocket extends EventTarget {
          constructor(url) {
            super();
            this.url = url;
            this.readyState = 0;
            this.binaryType = 'blob';
            setTimeout(() => {
              this.readyState = 3;
              this.onerror?.(new Event('error'));
              this.onclose?.(new CloseEvent('close', { code: 1006 }));
            }, 10);
          }
          send() {}
          close() {}
        }
        window.WebSocket = RefusedWebSocket;
      `);
    }
    const page = await context.newPage();
    pages.push(page);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // CORS and resource-policy refusals are console errors of the page.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    const transports: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/socket.io/')) transports.push(new URL(request.url()).searchParams.get('transport') ?? '');
    });
    await page.goto(`${siteUrl}${path}`);
    expect(new URL(page.url()).origin).not.toBe(new URL(server.url).origin);
    await page.getByRole('button', { name: '打开在线客服' }).click();
    const composer = page.getByRole('textbox', { name: /输入消息/ });
    await composer.fill(text);
    await composer.press('Enter');

    const received = await agent.inbox.waitFor('message', (event) => event.message.text === text, 20_000);
    const conversation = await ws.clients.agent.get(`/api/v1/workspaces/${ws.workspaceId}/conversations/${received.conversationId}`);
    expect(conversation.body.context.pageUrl).toBe(`${siteUrl}${path}`);

    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), '茶汤.png');
    const uploaded = await fetch(`${server.url}/api/v1/workspaces/${ws.workspaceId}/files`, {
      method: 'POST',
      headers: { cookie: ws.clients.agent.cookie! },
      body: form,
    }).then((response) => response.json() as Promise<{ id: string }>);
    const reply = await ws.clients.agent.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${received.conversationId}/messages`, {
      text: '您好，这是今年的新茶。',
      attachmentIds: [uploaded.id],
    });
    expect(reply.status).toBe(201);
    await expect.poll(() => page.getByText('您好，这是今年的新茶。').count(), { timeout: 20_000 }).toBe(1);
    // The agent's picture, served by Huiliu, is shown on the shop's page.
    const picture = page.getByRole('img', { name: '茶汤.png' });
    await expect
      .poll(
        () =>
          picture.evaluate((image) => {
            const shown = image as unknown as { complete: boolean; naturalWidth: number };
            return shown.complete && shown.naturalWidth;
          }),
        { timeout: 20_000 },
      )
      .toBe(1);
    await agent.inbox.waitFor('message:status', (event) => event.messageId === reply.body.id && event.delivery === 'read', 20_000);
    expect(problems).toEqual([]);
    await context.close();
    return transports;
  }

  it('a customer on the shop’s site chats with an agent, pictures included', async () => {
    await chat('/tea', '请问龙井还有货吗？');
  });

  it('works over long-polling when WebSockets are blocked, with no error on the server', async () => {
    const transports = await chat('/tea', '没有 WebSocket 也能聊吗？', { blockWebSockets: true });
    expect(transports.filter((name) => name === 'polling').length).toBeGreaterThan(1);
    expect(server.recentProblems().filter((line) => line.includes('ERR_HTTP_HEADERS_SENT'))).toEqual([]);
  });
});
