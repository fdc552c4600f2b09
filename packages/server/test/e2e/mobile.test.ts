import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { queryRows } from '../support/database.js';
import { recordFailure, saveScreenshot } from '../support/e2e.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Waits for the browser: pages on a busy 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

const PHONE = { width: 390, height: 844 };

/** The page is as wide as the screen: nothing sticks out sideways (which scrolls the whole page on a phone). */
/** The page is as wide as the screen: nothing sticks out sideways (which scrolls the whole page on a phone). */
const horizontalOverflow = (page: Page) =>
  page
    .locator('html')
    .evaluate((html) => Math.max(html.scrollWidth, html.ownerDocument.body.scrollWidth) - html.ownerDocument.defaultView!.innerWidth);

/** How many lines an element's text takes: a word squeezed into a narrow box breaks into several. */
const lines = (locator: Locator) =>
  locator.evaluate((element) => {
    const range = element.ownerDocument.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top))).size;
  });

describe.skipIf(!hasChromium)('the console on a phone (390×844) and its layout, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // The demo's sample history gives the inbox and the wallboard something to show.
    server = await startTestServer({ HUILIU_DEMO: 'true', HUILIU_DEMO_HISTORY: 'true' });
    browser = await launchBrowser();
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'mobile',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function login(email: string, viewport = PHONE, locale = 'zh-CN'): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale, viewport, isMobile: viewport.width < 768, hasTouch: viewport.width < 768 });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel(locale === 'en-US' ? 'Email' : '邮箱').fill(email);
    await page.getByLabel(locale === 'en-US' ? 'Password' : '密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: locale === 'en-US' ? 'Log in' : '登录' }).click();
    await page.waitForURL(/\/inbox/);
    await poll(() => page.getByTestId('presence').count()).toBe(1);
    return { page, errors };
  }

  it('an agent works the inbox and a conversation with the composer; header links and the customer are in drawers', async () => {
    // An agent with a conversation of the sample history in hand.
    const [mine] = await queryRows<{ email: string; id: string; preview: string }>(
      server.database.url,
      `select u.email, c.id, c.last_message_preview as preview from conversations c join users u on u.id = c.assignee_id
        where c.state = 'assigned' order by c.created_at desc limit 1`,
    );
    const { page, errors } = await login(mine!.email);

    const items = page.getByTestId('conversation-item');
    await poll(() => items.count()).toBeGreaterThan(0);
    // The list fills the screen's width, the header fits on one line.
    const list = await page.getByRole('listbox').boundingBox();
    expect(list!.width).toBeGreaterThan(PHONE.width - 10);
    const header = await page.locator('.ant-layout-header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(52);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'mobile-inbox.png');

    // The header's other links and settings are behind the menu button.
    await page.getByTestId('header-menu').click();
    const menu = page.getByTestId('header-menu-items');
    await expect.poll(() => menu.getByTestId('user-menu').isVisible()).toBe(true);
    expect(await menu.getByText('English', { exact: true }).isVisible()).toBe(true);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'mobile-menu.png');
    await page.keyboard.press('Escape');
    await poll(() => page.locator('.ant-drawer-open').count()).toBe(0);

    // The conversation takes the whole screen, with the composer, and leads back to the list.
    await page.locator(`[data-conversation-id="${mine!.id}"]`).click();
    await page.waitForURL(new RegExp(`/inbox/${mine!.id}`));
    const conversation = page.getByTestId('conversation');
    await poll(() => conversation.getByTestId('message-text').count()).toBeGreaterThan(0);
    expect(await page.getByRole('listbox').count()).toBe(0);
    const pane = await conversation.boundingBox();
    expect(pane!.width).toBeGreaterThan(PHONE.width - 10);
    // Messages are readable: a bubble is wider than a few characters.
    const bubble = await conversation.locator('.message-bubble').first().boundingBox();
    expect(bubble!.width).toBeGreaterThan(120);
    const box = page.getByRole('textbox', { name: '回复客户' });
    const composer = await box.boundingBox();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(PHONE.height);
    await box.fill('您好，我在手机上为您处理，请稍等。');
    await box.press('Enter');
    await poll(() => conversation.getByText('您好，我在手机上为您处理，请稍等。').count()).toBe(1);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'mobile-conversation.png');

    await page.getByTestId('open-customer-panel').click();
    const panel = page.getByTestId('customer-panel');
    await poll(() => panel.isVisible()).toBe(true);
    const panelBox = await panel.boundingBox();
    expect(panelBox!.width).toBeGreaterThan(PHONE.width - 40);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'mobile-customer.png');
    await page.keyboard.press('Escape');
    await poll(() => page.locator('.ant-drawer-open').count()).toBe(0);

    await page.getByTestId('back-to-list').click();
    await page.waitForURL(/\/inbox$/);
    await poll(() => items.count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('a supervisor reads the wallboard on a phone: figures two to a row, on one line, nothing wider than the screen', async () => {
    const { page, errors } = await login('supervisor@huiliu.demo');
    await page.getByTestId('header-menu').click();
    await page.getByTestId('header-menu-items').getByRole('button', { name: '监控大屏' }).click();
    await page.waitForURL(/\/supervisor/);
    await poll(() => page.locator('.ant-drawer-open').count()).toBe(0);
    const waiting = page.getByTestId('wallboard-waiting');
    await poll(() => waiting.getAttribute('data-value')).not.toBe('0');
    for (const id of ['waiting', 'longest', 'in-progress', 'offered', 'service-level']) {
      const figure = await page.getByTestId(`wallboard-${id}`).boundingBox();
      expect(figure!.width, id).toBeGreaterThan(120);
      expect(await lines(page.getByTestId(`wallboard-${id}`)), id).toBe(1);
    }
    // The table headers stay on one line; the tables scroll sideways inside their cards.
    for (const header of await page.locator('[data-testid="wallboard"] .ant-table-thead th').all())
      if ((await header.innerText()).trim()) expect(await lines(header), await header.innerText()).toBe(1);
    await poll(() => page.getByTestId('live-conversation').count()).toBeGreaterThan(0);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'mobile-wallboard.png');
    expect(errors).toEqual([]);
  });

  it('the English wallboard on a desktop keeps every table header on one line', async () => {
    const { page } = await login('supervisor@huiliu.demo', { width: 1366, height: 768 }, 'en-US');
    if ((await page.getByText('Mine', { exact: true }).count()) === 0) {
      await page.getByText('English', { exact: true }).click();
      await poll(() => page.getByText('Mine', { exact: true }).count()).toBe(1);
    }
    await page.getByRole('button', { name: 'Wallboard' }).click();
    await page.waitForURL(/\/supervisor/);
    const headers = page.locator('[data-testid="wallboard"] .ant-table-thead th');
    await poll(() => page.getByText('Longest wait').count()).toBeGreaterThan(0);
    await poll(() => headers.count()).toBeGreaterThan(5);
    for (const header of await headers.all())
      if ((await header.innerText()).trim()) expect(await lines(header), await header.innerText()).toBe(1);
  });

  it('every admin page keeps the same margin from the side menu', async () => {
    const { page } = await login('admin@huiliu.demo', { width: 1366, height: 768 });
    const paths = ['users', 'canned', 'dispositions', 'knowledge', 'learning', 'bot', 'bot-metrics'];
    for (const path of paths) {
      await page.goto(`${server.url}/admin/${path}`);
      const title = page.locator('.ant-layout-content h3, .ant-layout-content h4').first();
      await title.waitFor();
      // A page may re-render its heading once its data arrives (the box is null in between): measure until both are there.
      const margins = async () => {
        const menu = await page.locator('.ant-layout-sider, .ant-menu-inline').first().boundingBox();
        const heading = await title.boundingBox();
        return menu && heading ? { left: heading.x - (menu.x + menu.width), top: heading.y - 52 } : null;
      };
      let measured: Awaited<ReturnType<typeof margins>> = null;
      await poll(async () => (measured = await margins())).not.toBeNull();
      const { left, top } = measured!;
      expect(left, path).toBeGreaterThanOrEqual(16);
      expect(top, path).toBeGreaterThanOrEqual(16);
    }
  });
});
