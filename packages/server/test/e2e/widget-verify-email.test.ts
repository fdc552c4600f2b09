import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { connectAgent, startVisitor } from '../support/chat.js';
import { recordFailure } from '../support/e2e.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

if (!hasChromium) console.warn('skipping browser tests: no /usr/bin/chromium');

describe.skipIf(!hasChromium)('a customer proves their email in the widget, in Chromium', () => {
  let capture: Awaited<ReturnType<typeof startSmtpCapture>>;
  let server: TestServer;
  let ws: WorkspaceFixture;
  let site: http.Server;
  let siteUrl: string;
  let browser: Browser;
  let agent: Awaited<ReturnType<typeof connectAgent>>;
  let inboxKey: string;
  const pages: Page[] = [];
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

  /** The code in the newest mail to `address` (quoted-printable soft breaks undone). */
  const codeSentTo = async (address: string) => {
    await expect.poll(() => capture.mails.some((mail) => mail.to.includes(address)), { timeout: 20_000 }).toBe(true);
    const raw = capture.mails
      .filter((mail) => mail.to.includes(address))
      .at(-1)!
      .raw.replace(/=\r?\n/g, '');
    return raw.match(/\b(\d{6})\b/)![1]!;
  };

  beforeAll(async () => {
    capture = await startSmtpCapture();
    server = await startTestServer({ SMTP_URL: capture.url, SMTP_FROM: 'Huiliu <no-reply@verify.test>', PRESENCE_GRACE_SECONDS: '3600' });
    ws = await createWorkspaceFixture(server.ctx.db, server.url);
    inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
    // The customer's own site, on another origin, with the embed snippet.
    site = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html><head><meta charset="utf-8"><title>山海茶铺</title></head><body><h1>山海茶铺</h1>
<script src="${server.url}/widget.js" data-inbox-key="${inboxKey}" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.2', resolve));
    siteUrl = `http://127.0.0.2:${(site.address() as AddressInfo).port}`;
    // An agent online, so the widget opens on the chat rather than the offline form.
    agent = await connectAgent(server.url, ws.clients.agent);
    browser = await launchBrowser();
  });
  afterEach(async (test) => {
    await recordFailure(test, 'widget-verify-email', pages.splice(0), server);
  });
  afterAll(async () => {
    agent?.socket.close();
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await server?.stop();
    await capture?.close();
  });

  async function openWidget(locale: string) {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(`${siteUrl}/tea`);
    return page;
  }

  it('in Chinese: asks for a code, refuses a wrong one, and the customer’s address becomes a proven identity', async () => {
    const page = await openWidget('zh-CN');
    await page.getByRole('button', { name: '打开在线客服' }).click();
    const composer = page.getByRole('textbox', { name: /输入消息/ });
    await composer.fill('我想查一下我的订单');
    await composer.press('Enter');
    const received = await agent.inbox.waitFor('message', (event) => event.message.text === '我想查一下我的订单', 20_000);
    const customerId = (await ws.clients.agent.get(api(`/conversations/${received.conversationId}`))).body.customerId as string;

    // An anonymous visitor has no tickets to open: the portal is for a proven customer.
    expect(await page.getByRole('button', { name: '我的工单' }).count()).toBe(0);
    await page.getByRole('button', { name: '验证邮箱，让我们确认是您本人' }).click();
    const mailsBefore = capture.mails.length;
    await page.getByLabel('邮箱', { exact: true }).fill('not an address');
    await page.getByRole('button', { name: '发送验证码' }).click();
    await expect.poll(() => page.getByText('邮箱格式不正确').count()).toBe(1);
    expect(capture.mails).toHaveLength(mailsBefore);

    await page.getByLabel('邮箱', { exact: true }).fill('lin.xiaoyu@example.com');
    await page.getByRole('button', { name: '发送验证码' }).click();
    await expect.poll(() => page.getByText('验证码已发送至 lin.xiaoyu@example.com').count(), { timeout: 20_000 }).toBe(1);
    const code = await codeSentTo('lin.xiaoyu@example.com');

    await page.getByLabel('验证码', { exact: true }).fill(code === '000000' ? '000001' : '000000');
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await expect.poll(() => page.getByText('验证码不正确，请检查后重试').count(), { timeout: 20_000 }).toBe(1);
    const before = (await ws.clients.agent.get(api(`/customers/${customerId}`))).body;
    expect(before.identities.some((identity: { kind: string; verified: boolean }) => identity.kind === 'email' && identity.verified)).toBe(
      false,
    );

    await page.getByLabel('验证码', { exact: true }).fill(code);
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await expect.poll(() => page.getByText('已验证邮箱：lin.xiaoyu@example.com').count(), { timeout: 20_000 }).toBe(1);
    const after = (await ws.clients.agent.get(api(`/customers/${customerId}`))).body;
    expect(after.identities).toContainEqual(
      expect.objectContaining({ kind: 'email', value: 'lin.xiaoyu@example.com', verified: true, verifiedVia: 'otp' }),
    );

    // Remembered with the visitor: after a reload the offer does not come back.
    await page.reload();
    await page.getByRole('button', { name: '打开在线客服' }).click();
    await expect.poll(() => page.getByText('已验证邮箱：lin.xiaoyu@example.com').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByRole('button', { name: '验证邮箱，让我们确认是您本人' }).count()).toBe(0);

    // A proven customer opens their tickets from the chat: a new tab, signed in to the portal
    // as this customer, with their ticket and not another customer's.
    const own = await ws.clients.agent.post(api('/tickets'), { subject: '订单 8841 的发票还没开', requesterId: customerId });
    expect(own.status).toBe(201);
    const stranger = await startVisitor(server.url, inboxKey);
    stranger.socket.close();
    const other = await ws.clients.agent.post(api('/tickets'), { subject: '别人的退款申请', requesterId: stranger.session.customerId });
    expect(other.status).toBe(201);
    const [portal] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: '我的工单' }).click()]);
    pages.push(portal);
    await portal.waitForURL(/\/portal\/auth\?token=/, { timeout: 20_000 });
    await portal.getByRole('button', { name: '继续登录 Continue' }).click();
    await portal.getByRole('link', { name: `#${own.body.number} 订单 8841 的发票还没开` }).waitFor({ timeout: 20_000 });
    expect(await portal.getByText('别人的退款申请').count()).toBe(0);
    await page.context().close();
  });

  it('in English: proving an address a known customer has makes the visitor that customer, and the chat goes on', async () => {
    // A customer the agents know by email (an agent entered it).
    const known = await startVisitor(server.url, inboxKey);
    known.socket.close();
    const added = await ws.clients.agent.post(api(`/customers/${known.session.customerId}/identities`), {
      kind: 'email',
      value: 'wang.li@example.com',
    });
    expect(added.status).toBe(201);

    const page = await openWidget('en-US');
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Verify your email so we know it is you' }).click();
    await page.getByLabel('Email', { exact: true }).fill('wang.li@example.com');
    await page.getByRole('button', { name: 'Send code' }).click();
    const code = await codeSentTo('wang.li@example.com');
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect.poll(() => page.getByText('Verified email: wang.li@example.com').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByRole('button', { name: 'My tickets' }).count()).toBe(1);

    // The socket was moved to the known customer; the next message is theirs.
    const composer = page.getByRole('textbox', { name: /Type a message/ });
    await composer.fill('Is my order on its way?');
    await composer.press('Enter');
    const received = await agent.inbox.waitFor('message', (event) => event.message.text === 'Is my order on its way?', 20_000);
    const conversation = (await ws.clients.agent.get(api(`/conversations/${received.conversationId}`))).body;
    expect(conversation.customerId).toBe(known.session.customerId);
    await page.context().close();
  });
});
