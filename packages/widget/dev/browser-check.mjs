// Drives the built widget in Chromium against dev/mock-server.mjs and takes screenshots.
// A dev aid: start the mock first (node packages/widget/dev/mock-server.mjs), then
//   node packages/widget/dev/browser-check.mjs            (screenshots in /tmp/widget-*.png)
// Each step prints ok/FAIL; the exit code says whether all passed.

import { chromium } from 'playwright-core';

const PAGE = process.env.PAGE_URL ?? 'http://127.0.0.1:5180/';
const API = process.env.API_ORIGIN ?? 'http://127.0.0.1:5181';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp';
/** Makes this run's texts unique, so that counting them on a long-running mock counts only ours. */
const RUN = Date.now().toString(36);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

let failures = 0;
async function step(name, run) {
  try {
    await run();
    console.log(`ok    ${name}`);
  } catch (error) {
    failures++;
    console.log(`FAIL  ${name}\n      ${String(error.message ?? error).split('\n')[0]}`);
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}
const dev = (action, body = {}) =>
  fetch(`${API}/dev/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
    r.json(),
  );
const waitText = (page, text, timeout = 8_000) => page.getByText(text).first().waitFor({ timeout });

async function newPage(options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // The browser's own reports of requests failing while the check holds the network down are expected.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('ERR_INTERNET_DISCONNECTED')) problems.push(message.text());
  });
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, problems };
}

// ---- desktop, Chinese ----
{
  const { context, page, problems } = await newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  await page.goto(`${PAGE}?key=demo-inbox-key`);
  const launcher = page.getByRole('button', { name: '打开在线客服' });

  await step('launcher appears with the inbox colour; panel opens; greeting shown', async () => {
    await launcher.waitFor();
    const background = await launcher.evaluate((element) => element.ownerDocument.defaultView.getComputedStyle(element).backgroundColor);
    expect(background === 'rgb(22, 119, 255)', `launcher colour ${background}`);
    await launcher.click();
    await waitText(page, '欢迎来到汇流商城');
    expect(await page.getByRole('dialog', { name: /汇流客服/ }).isVisible(), 'dialog visible');
  });

  const composer = page.getByRole('textbox', { name: /输入消息/ });
  await step('focus goes into the composer; a message is sent, the agent types and replies', async () => {
    expect(await composer.evaluate((element) => element.getRootNode().activeElement === element), 'composer focused');
    await composer.fill('你好，智能手环支持七天无理由退货吗？');
    await composer.press('Enter');
    await waitText(page, '你好，智能手环支持七天无理由退货吗？');
    await waitText(page, '客服正在输入');
    await waitText(page, '收到：“你好，智能手环');
    await waitText(page, '小汇 Xiaohui 已接入');
  });

  await step('own message shows its delivery state (read); links are safe', async () => {
    await waitText(page, '已读');
    const link = page.getByRole('link', { name: /https:\/\/example\.com\/help/ }).first();
    expect((await link.getAttribute('rel')) === 'noopener noreferrer nofollow', 'rel');
    expect((await link.getAttribute('target')) === '_blank', 'target');
  });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/widget-desktop.png` });

  await step('markup in a message is shown as text', async () => {
    const xss = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
    await composer.fill(xss);
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await waitText(page, xss);
    expect((await page.locator('#huiliu-widget img[src="x"]').count()) === 0, 'no <img> element created');
  });

  await step('a refused message shows the reason in Chinese, with a retry', async () => {
    await composer.fill('!error rate_limited');
    await composer.press('Enter');
    await waitText(page, '发送太频繁了');
    expect(await page.getByRole('button', { name: '重试' }).isVisible(), 'retry button');
  });

  await step('after a dropped connection, sync fetches the missed reply, once', async () => {
    await dev('drop', { missed: '您离线时的回复 (missed while away)' });
    await waitText(page, '您离线时的回复');
    const seqs = await page.locator('[data-seq]').evaluateAll((rows) => rows.map((row) => Number(row.dataset.seq)));
    expect(new Set(seqs).size === seqs.length, `duplicates in ${seqs}`);
    expect(
      seqs.every((seq, index) => index === 0 || seq > seqs[index - 1]),
      `out of order: ${seqs}`,
    );
  });

  await step('a message written while the connection is down goes out once it is back, once', async () => {
    await dev('drop', { server: true });
    const text = `sent while reconnecting ${RUN}`;
    await composer.fill(text);
    await composer.press('Enter');
    await waitText(page, `收到：“${text}`, 10_000);
    const state = await fetch(`${API}/dev/state`).then((r) => r.json());
    const copies = state.conversations.flatMap((conversation) => conversation.messages).filter((m) => m.text === text);
    expect(copies.length === 1, `${copies.length} copies stored`);
  });

  await step('a lost acknowledgement: resent with the same client id, stored and shown once', async () => {
    const text = `!noack lost ack ${RUN}`;
    await composer.fill(text);
    await composer.press('Enter');
    // The ack times out after 10 s; the resend is answered with the first message.
    await page.locator('#huiliu-widget .row.mine[data-seq]', { hasText: text }).waitFor({ timeout: 20_000 });
    expect((await page.getByText(text, { exact: true }).count()) === 1, 'shown once');
    const state = await fetch(`${API}/dev/state`).then((r) => r.json());
    const copies = state.conversations.flatMap((conversation) => conversation.messages).filter((m) => m.text === text);
    expect(copies.length === 1, `${copies.length} copies stored`);
  });

  await step('a file of a refused type is stopped before upload, with a clear message', async () => {
    await page
      .locator('#huiliu-widget input[type=file]')
      .setInputFiles({ name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') });
    await waitText(page, '不支持“tool.exe”这种文件类型');
    await page.getByRole('button', { name: '知道了' }).click();
  });

  await step('an image is uploaded and shown inline; a PDF as a download link', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAADAAAAAgCAIAAADbtbPiAAAAOklEQVR4nO3OMQEAAAjDMMC/5+GiHKkEtZ27jOYHCAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIPFsWAH1IsN7BAAAAAElFTkSuQmCC',
      'base64',
    );
    await page.locator('#huiliu-widget input[type=file]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    await page.locator('#huiliu-widget .row.mine a.picture img').first().waitFor({ timeout: 8_000 });
    await page
      .locator('#huiliu-widget input[type=file]')
      .setInputFiles({ name: '发票.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await page.getByRole('link', { name: /下载 发票\.pdf/ }).waitFor({ timeout: 8_000 });
    await waitText(page, '收到：“发票.pdf');
  });

  await step('closed panel: an agent reply raises the unread badge; Escape closes and returns focus', async () => {
    await composer.focus();
    await page.keyboard.press('Escape');
    await page.locator('#huiliu-panel').waitFor({ state: 'hidden', timeout: 2_000 });
    // Focus moves in an effect after the re-render: give it a frame or two.
    await page.waitForFunction(
      () => {
        const root = globalThis.document.getElementById('huiliu-widget')?.shadowRoot;
        return root?.activeElement === root?.querySelector('button.launcher');
      },
      null,
      { timeout: 2_000 },
    );
    await dev('reply', { text: '还在吗？我们的退货地址是…' });
    await page.getByRole('button', { name: /打开在线客服.*1 条未读/ }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: `${SHOTS}/widget-badge.png` });
  });

  await step('resolved: the rating form appears; 5 stars are sent and the visitor is thanked', async () => {
    await page.getByRole('button', { name: /打开在线客服/ }).click();
    await dev('resolve');
    await waitText(page, '本次会话已结束');
    await waitText(page, '请为本次服务评分');
    await page.getByRole('radio', { name: '5 星' }).click();
    await page.getByRole('textbox', { name: /还有什么想告诉我们/ }).fill('很快就解决了，谢谢！');
    await page.screenshot({ path: `${SHOTS}/widget-csat.png` });
    const layout = await page.locator('#huiliu-widget').evaluate((host) => {
      const panel = host.shadowRoot.querySelector('.panel');
      return {
        scrollTop: panel.scrollTop,
        children: [...panel.children].map((child) => `${child.className}:${Math.round(child.getBoundingClientRect().height)}`),
      };
    });
    expect(layout.scrollTop === 0, `the panel itself scrolled: ${JSON.stringify(layout)}`);
    await page.getByRole('button', { name: '提交评价' }).click();
    await waitText(page, '感谢您的评价！');
  });

  await step('after a reload the visitor and their history are still there', async () => {
    await page.reload();
    await page.getByRole('button', { name: /打开在线客服/ }).click();
    await waitText(page, '你好，智能手环支持七天无理由退货吗？');
    await waitText(page, '您离线时的回复');
  });

  await step('no page errors', async () => expect(problems.length === 0, problems.join(' | ')));
  await context.close();
}

// ---- phone, English ----
{
  const { context, page, problems } = await newPage({
    locale: 'en-US',
    viewport: { width: 375, height: 740 },
    isMobile: true,
    hasTouch: true,
  });
  await page.goto(`${PAGE}?key=demo-inbox-key`);
  await step('phone: the panel fills the screen, English text, a message goes and is answered', async () => {
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.waitForTimeout(400); // the opening animation
    const box = await page.getByRole('dialog').boundingBox();
    expect(box?.width === 375 && box?.height === 740 && box.x === 0 && box.y === 0, `panel box ${JSON.stringify(box)}`);
    await waitText(page, 'Welcome to the Huiliu shop');
    const composer = page.getByRole('textbox', { name: /Type a message/ });
    await composer.fill('Where is my order #1024? It was due yesterday.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitText(page, 'Got it!');
    await composer.fill('!error message_too_long');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitText(page, 'Your message is too long');
  });
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/widget-mobile.png` });
  await step('phone: offline for a while, then back: the message waits and goes once', async () => {
    await context.setOffline(true);
    await dev('drop'); // the emulated offline mode leaves open WebSockets alone; this cuts ours
    await waitText(page, 'Connection lost, reconnecting');
    const text = `written offline ${RUN}`;
    const composer = page.getByRole('textbox', { name: /Type a message/ });
    await composer.fill(text);
    await composer.press('Enter');
    await page.waitForTimeout(3_000);
    await context.setOffline(false);
    await waitText(page, `收到：“${text}`, 20_000);
    const state = await fetch(`${API}/dev/state`).then((r) => r.json());
    const copies = state.conversations.flatMap((conversation) => conversation.messages).filter((m) => m.text === text);
    expect(copies.length === 1, `${copies.length} copies stored`);
  });
  await step('phone: no page errors', async () => expect(problems.length === 0, problems.join(' | ')));
  await context.close();
}

// ---- pre-chat form ----
{
  const { context, page, problems } = await newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  await page.goto(`${PAGE}?key=demo-prechat-key`);
  await step('pre-chat: required fields are enforced, answers go with the first message', async () => {
    await page.getByRole('button', { name: '打开在线客服' }).click();
    await waitText(page, '开始咨询前');
    await page.getByRole('button', { name: '开始咨询' }).click();
    await waitText(page, '请填写姓名');
    await waitText(page, '请填写咨询类型');
    await page.screenshot({ path: `${SHOTS}/widget-prechat.png` });
    await page.getByLabel(/^姓名/).fill('李雷');
    await page.getByLabel(/^邮箱/).fill('lilei@example.com');
    await page.getByLabel(/^咨询类型/).selectOption('退货 Returns');
    await page.getByLabel(/^您想咨询什么/).fill('我想退货');
    await page.getByRole('button', { name: '开始咨询' }).click();
    await waitText(page, '收到：“我想退货');
    const state = await fetch(`${API}/dev/state`).then((r) => r.json());
    const preChat = state.conversations.find((conversation) => conversation.messages[0]?.text === '我想退货')?.preChat;
    expect(
      preChat?.name === '李雷' && preChat?.topic === '退货 Returns' && preChat?.email === 'lilei@example.com',
      JSON.stringify(preChat),
    );
  });
  await step('pre-chat: no page errors', async () => expect(problems.length === 0, problems.join(' | ')));
  await context.close();
}

// ---- offline ----
{
  const { context, page, problems } = await newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  await page.goto(`${PAGE}?key=demo-offline-key`);
  await step('offline: the note and a form; a contact is required; the message is confirmed', async () => {
    await page.getByRole('button', { name: '打开在线客服' }).click();
    await waitText(page, '客服暂时不在线');
    await waitText(page, '我们将于');
    await page.getByLabel(/^留言内容/).fill('发票抬头写错了，请帮忙更正。');
    await page.getByRole('button', { name: '提交留言' }).click();
    await waitText(page, '请留下邮箱或手机号');
    await page.getByLabel(/^姓名/).fill('韩梅梅');
    await page.getByLabel(/^手机号/).fill('13800000000');
    await page.screenshot({ path: `${SHOTS}/widget-offline.png` });
    await page.getByRole('button', { name: '提交留言' }).click();
    await waitText(page, '留言已收到');
    await page.screenshot({ path: `${SHOTS}/widget-offline-sent.png` });
  });
  await step('offline: no page errors', async () => expect(problems.length === 0, problems.join(' | ')));
  await context.close();
}

// ---- identity ----
{
  const { context, page } = await newPage({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  await step('identity required: without a signature the visitor is told to sign in', async () => {
    await page.goto(`${PAGE}?key=demo-identity-key`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await waitText(page, 'Please sign in to the site to chat with us.');
  });
  await step('identity required: with a signed identity the chat works', async () => {
    await page.goto(`${PAGE}?key=demo-identity-key&identity=1`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const composer = page.getByRole('textbox', { name: /Type a message/ });
    await composer.fill('Signed in and asking');
    await composer.press('Enter');
    await waitText(page, 'Got it!');
    const state = await fetch(`${API}/dev/state`).then((r) => r.json());
    expect(
      state.visitors.some((visitor) => visitor.userId === 'user-42' && visitor.verified),
      'a verified visitor',
    );
  });
  await context.close();
}

await browser.close();
console.log(failures ? `${failures} step(s) failed` : 'all steps passed');
process.exit(failures ? 1 : 0);
