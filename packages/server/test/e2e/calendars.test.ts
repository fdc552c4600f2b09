import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { recordFailure } from '../support/e2e.js';

const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 45_000 }) => expect.poll(read, options);

const holidaysIcs = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Huiliu test//holidays//ZH',
  'BEGIN:VEVENT',
  'UID:national-day-2027@example.com',
  'DTSTAMP:20261201T000000Z',
  'DTSTART;VALUE=DATE:20271001',
  'DTEND;VALUE=DATE:20271008',
  'SUMMARY:国庆节',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe.skipIf(!hasChromium)('business calendars in the admin area, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let api: HttpClient;
  let workspaceId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startTestServer({ HUILIU_DEMO: 'true' });
    browser = await launchBrowser();
    api = new HttpClient(server.url);
    const login = await api.login('admin@huiliu.demo', DEMO_PASSWORD);
    workspaceId = login.body.user.memberships[0].workspaceId;
  }, 300_000);
  afterEach((test) =>
    recordFailure(
      test,
      'calendars',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function adminPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('邮箱').fill('admin@huiliu.demo');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/inbox/);
    return page;
  }

  it('an admin builds a calendar with a night shift, imports holidays from an iCal file and tries the arithmetic', async () => {
    const page = await adminPage();
    await page.goto(`${server.url}/admin/calendars`);
    await page.getByTestId('calendar-create').click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.getByLabel('名称').fill('夜班客服');
    // Monday: a night shift 22:00–06:00 beside the day's 09:00–18:00.
    await drawer.getByTestId('weekly-mon').getByRole('button', { name: '添加时段' }).click();
    const monday = drawer.getByTestId('weekly-mon');
    await monday.getByLabel('开始').nth(1).fill('22:00');
    await monday.getByLabel('结束').nth(1).fill('06:00');
    await expect.poll(() => monday.getByText('次日').count()).toBe(1);
    await drawer.getByRole('button', { name: '保存' }).click();
    await poll(() => page.getByRole('button', { name: '夜班客服' }).count()).toBe(1);

    const saved = await api.get(`/api/v1/workspaces/${workspaceId}/calendars`);
    const calendar = saved.body.items.find((item: { name: string }) => item.name === '夜班客服');
    expect(calendar.weekly.mon).toEqual([
      ['09:00', '18:00'],
      ['22:00', '06:00'],
    ]);
    expect(calendar.weekly.tue).toEqual([['09:00', '18:00']]);

    // Reopen it, import the holiday file, and ask when 60 business minutes after a Friday 17:30 are due.
    await page.getByRole('button', { name: '夜班客服' }).click();
    const file = path.join(os.tmpdir(), `holidays-${process.pid}.ics`);
    await writeFile(file, holidaysIcs);
    await page.locator('.ant-drawer-open input[type=file]').setInputFiles(file);
    await poll(() => page.locator('.ant-drawer-open').getByTestId('holiday-row').count()).toBe(1);
    await poll(async () => (await api.get(`/api/v1/workspaces/${workspaceId}/calendars/${calendar.id}`)).body.holidays).toEqual([
      { kind: 'range', name: '国庆节', from: '2027-10-01', to: '2027-10-07' },
    ]);
    await page.locator('.ant-drawer-open').getByTestId('calendar-check').click();
    await poll(() => page.getByTestId('calendar-check-result').count()).toBe(1);
    await expect.poll(() => page.getByTestId('calendar-check-result').textContent()).toContain('到期');
  });

  it("an admin puts a team on a shared calendar with the team editor's picker", async () => {
    const shared = await api.post(`/api/v1/workspaces/${workspaceId}/calendars`, {
      name: '共用客服日历',
      timezone: 'Asia/Shanghai',
      weekly: { mon: [['08:00', '20:00']] },
    });
    expect(shared.status).toBe(201);
    const teams = (await api.get(`/api/v1/workspaces/${workspaceId}/teams?limit=200`)).body.items as { id: string; name: string }[];
    const team = teams.find((item) => item.name === '技术支持')!;
    const page = await adminPage();
    await page.goto(`${server.url}/admin/teams`);
    await page
      .locator('.ant-table-row')
      .filter({ has: page.locator('a', { hasText: /^技术支持$/ }) })
      .click();
    const drawer = page.getByTestId('team-drawer');
    // The demo team is always open: switching that off shows the hours, and the calendar picker.
    await drawer.getByRole('switch', { name: '全天候' }).click();
    await poll(() => drawer.getByLabel('营业日历').count()).toBeGreaterThan(0);
    await drawer.getByLabel('营业日历').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '共用客服日历' }).first().click();
    // Another calendar chosen: its hours are used as they are, not edited here.
    await poll(() => drawer.getByText('保存后，该组按日历「共用客服日历」').count()).toBe(1);
    expect(await drawer.getByRole('button', { name: '添加时段' }).count()).toBe(0);
    await drawer.getByRole('button', { name: '保存' }).click();
    await poll(async () => (await api.get(`/api/v1/workspaces/${workspaceId}/teams/${team.id}`)).body.calendarId).toBe(shared.body.id);
    // Now the team's own: the hours shown are the calendar's, and editing them is said to change it for all.
    await poll(() => drawer.getByText('在下面修改时间会改动这个日历').count()).toBe(1);
    await poll(() => drawer.locator('input[value="20:00"]').count()).toBe(1);
    // In use, the calendar cannot be deleted.
    expect((await api.delete(`/api/v1/workspaces/${workspaceId}/calendars/${shared.body.id}`)).status).toBe(409);
  });
});
