import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { hasChromium, launchBrowser } from '../support/browser.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { closeDrawer, recordFailure, saveScreenshot, throttleCpu, whenOpened } from '../support/e2e.js';

/** Waits for the browser (45 s unless told): pages on a busy, shared 2-core machine take their time. */
const poll = <T>(read: () => T | Promise<T>, options: { timeout: number } = { timeout: 45_000 }) => expect.poll(read, options);

describe.skipIf(!hasChromium)('the admin area, in Chromium', () => {
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
      'admin',
      contexts.flatMap((context) => context.pages()),
      server,
    ),
  );
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 } });
    contexts.push(context);
    // Playwright's actions wait forever by default: an action that cannot happen (a click on a
    // covered button) then shows as the whole test timing out. With a limit, it fails naming
    // the locator, and the failure screenshot shows what was in the way.
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await throttleCpu(page);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  async function login(page: Page, email: string, password = DEMO_PASSWORD) {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/inbox/);
    await poll(() => page.getByTestId('presence').count()).toBe(1);
  }

  /** Picks an option of an Ant Design select (the dropdown lives outside the field). */
  async function choose(page: Page, field: ReturnType<Page['getByLabel']>, option: string, search = false) {
    await field.click();
    // Long lists are virtual: typing brings the option into view.
    if (search) await field.fill(option);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  }

  it('an admin invites, builds a team with the new member, adds a rule, makes and revokes a token, and reads it all in the audit log', async () => {
    const { page: admin, errors } = await newPage();
    await login(admin, 'admin@huiliu.demo');

    // The header leads to the admin area; it opens on the first page, the members.
    await admin.getByTestId('nav-admin').click();
    await admin.waitForURL(/\/admin\/users/);
    await poll(() => admin.getByTestId('members-table').getByText('agent1@huiliu.demo').count()).toBe(1);

    // Invite by email: the one-time link is shown (no SMTP here, so it is the only way to hand it over).
    await admin.getByRole('button', { name: '邀请成员' }).click();
    // The dialog is still opening (animated) for a moment: a click then can miss the form.
    const inviteDialog = await whenOpened(admin.getByRole('dialog'));
    await inviteDialog.getByRole('button', { name: '创建邀请' }).click();
    await poll(() => inviteDialog.getByText('请输入邮箱').count()).toBe(1);
    await inviteDialog.getByLabel('邮箱').fill('sun.li@example.com');
    await inviteDialog.getByRole('button', { name: '创建邀请' }).click();
    const link = admin.getByTestId('one-time-link');
    await poll(() => link.count()).toBe(1);
    const url = new URL((await link.innerText()).trim());
    // The link as the server makes it (and mails it) opens the accept page.
    expect(url.pathname).toMatch(/^\/invites?\/.+/);
    await admin.getByTestId('one-time-close').click();
    await poll(() => admin.getByTestId('invites-table').getByText('sun.li@example.com').count()).toBe(1);

    // The invitee opens the link in another browser and joins.
    const { page: invitee, errors: inviteeErrors } = await newPage();
    await invitee.goto(`${server.url}${url.pathname}`);
    await invitee.getByLabel('您的姓名').fill('孙丽');
    await invitee.getByLabel('密码', { exact: true }).fill('lantern-river-42');
    await invitee.getByLabel('确认新密码').fill('lantern-river-42');
    await invitee.getByRole('button', { name: '接受邀请' }).click();
    await invitee.waitForURL(/\/inbox/);

    // The admin sees the new member (and no pending invite any more).
    await admin.reload();
    await poll(() => admin.getByTestId('members-table').getByText('sun.li@example.com').count()).toBe(1);
    await poll(() => admin.getByTestId('invites-table').getByText('sun.li@example.com').count()).toBe(0);

    // A team, with the new member at proficiency 4.
    await admin.getByTestId('admin-menu-teams').click();
    await admin.waitForURL(/\/admin\/teams/);
    await admin.getByRole('button', { name: '新建技能组' }).click();
    const teamDialog = await whenOpened(admin.getByRole('dialog'));
    await teamDialog.getByLabel('名称').fill('售后组');
    await teamDialog.getByRole('button', { name: '新建技能组' }).click();
    // Created, the team opens for its members and settings.
    await poll(() => admin.locator('.ant-drawer-title', { hasText: '售后组' }).count()).toBe(1);
    // The drawer slides in: an option chosen while it moves can land on the wrong spot.
    const drawer = await whenOpened(admin.getByTestId('team-drawer'));
    await choose(admin, drawer.getByLabel('选择成员'), '孙丽');
    await drawer.locator('.ant-rate').first().locator('.ant-rate-star').nth(3).click();
    await drawer.getByRole('button', { name: '添加' }).click();
    const memberRow = drawer.getByTestId('team-members').locator('tr', { hasText: '孙丽' });
    await poll(() => memberRow.count()).toBe(1);
    await poll(() => memberRow.locator('.ant-rate-star-full').count()).toBe(4);
    const teams = await api.get(`/api/v1/workspaces/${workspaceId}/teams?limit=200`);
    const team = teams.body.items.find((item: any) => item.name === '售后组');
    const newMember = (await api.get(`/api/v1/workspaces/${workspaceId}/members?limit=200`)).body.items.find(
      (item: any) => item.email === 'sun.li@example.com',
    );
    expect(team.members).toEqual([{ userId: newMember.userId, proficiency: 4 }]);

    // The team's settings: overflow after a wait, and office hours instead of always open (weekdays
    // 09:00–18:00 to start with, one range cleared to show a malformed time is refused before saving).
    await choose(admin, drawer.getByLabel('溢出到'), '售前咨询');
    await drawer.getByLabel('等待多久后溢出').fill('90');
    await drawer.getByRole('switch', { name: '全天候' }).click();
    const fridayEnd = drawer.getByLabel('结束').nth(4);
    await fridayEnd.fill('6pm');
    await drawer.getByRole('button', { name: '保存' }).click();
    await poll(() => drawer.getByText('时间格式如 09:00').count()).toBe(1);
    await fridayEnd.fill('08:00');
    await poll(() => drawer.getByText('结束须晚于开始').count()).toBe(1);
    await fridayEnd.fill('17:00');
    await drawer.getByRole('button', { name: '保存' }).click();
    await poll(async () => {
      const after = (await api.get(`/api/v1/workspaces/${workspaceId}/teams/${team.id}`)).body;
      return [after.overflowAfterSeconds, after.overflowTeamId !== null, after.businessHours?.weekly];
    }).toEqual([
      90,
      true,
      {
        mon: [['09:00', '18:00']],
        tue: [['09:00', '18:00']],
        wed: [['09:00', '18:00']],
        thu: [['09:00', '18:00']],
        fri: [['09:00', '17:00']],
      },
    ]);
    await saveScreenshot(admin, 'console-admin.png');
    await closeDrawer(admin);

    // A routing rule: VIP customers go to the new team, urgent.
    await admin.getByTestId('admin-menu-routing-rules').click();
    await admin.waitForURL(/\/admin\/routing-rules/);
    await admin.getByRole('button', { name: '添加规则' }).click();
    const ruleDialog = await whenOpened(admin.getByRole('dialog'));
    await ruleDialog.getByLabel('规则名称').fill('VIP 转售后');
    // A rule without a team or a priority is refused before it reaches the server.
    await ruleDialog.getByRole('button', { name: '保存' }).click();
    await poll(() => ruleDialog.getByText('请至少选择技能组或优先级').count()).toBe(1);
    await choose(admin, ruleDialog.getByLabel('客户等级'), 'VIP');
    await ruleDialog.getByLabel('规则名称').click();
    await choose(admin, ruleDialog.getByLabel('分配到技能组'), '售后组');
    await choose(admin, ruleDialog.getByLabel('设置优先级'), '紧急');
    await ruleDialog.getByRole('button', { name: '保存' }).click();
    await poll(() => admin.getByTestId('rules-table').getByText('VIP 转售后').count()).toBe(1);
    const rules = (await api.get(`/api/v1/workspaces/${workspaceId}/routing-rules`)).body.items;
    const rule = rules.find((item: any) => item.name === 'VIP 转售后');
    expect(rule).toMatchObject({ teamId: team.id, priority: 'urgent', conditions: { tiers: ['vip'] }, enabled: true });

    // An API token: the secret is shown once and works; revoked, it no longer does.
    await admin.getByTestId('admin-menu-api-tokens').click();
    await admin.waitForURL(/\/admin\/api-tokens/);
    await admin.getByRole('button', { name: '创建令牌' }).click();
    const tokenDialog = await whenOpened(admin.getByRole('dialog'));
    await tokenDialog.getByLabel('名称').fill('订单系统');
    await tokenDialog.getByRole('button', { name: '创建令牌' }).click();
    const secret = admin.getByTestId('one-time-token');
    await poll(() => secret.count()).toBe(1);
    const token = (await secret.innerText()).trim();
    const byToken = new HttpClient(server.url).withToken(token);
    expect((await byToken.get(`/api/v1/workspaces/${workspaceId}/members`)).status).toBe(200);
    await admin.getByTestId('one-time-close').click();
    const tokenRow = admin.getByTestId('tokens-table').locator('tr', { hasText: '订单系统' });
    await tokenRow.getByRole('button', { name: '撤销' }).click();
    await admin.locator('.ant-popconfirm').getByRole('button', { name: '确定' }).click();
    await poll(() => tokenRow.getByTestId('token-state').getAttribute('data-state')).toBe('revoked');
    expect((await byToken.get(`/api/v1/workspaces/${workspaceId}/members`)).status).toBe(401);

    // Every one of those actions is in the audit log, newest first.
    await admin.getByTestId('admin-menu-audit-log').click();
    await admin.waitForURL(/\/admin\/audit-log/);
    const actions = () =>
      admin
        .getByTestId('audit-table')
        .getByTestId('audit-action')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-action')));
    await poll(actions).toEqual(
      expect.arrayContaining([
        'invite.create',
        'team.create',
        'team.member.add',
        'team.update',
        'routing_rule.create',
        'api_token.create',
        'api_token.revoke',
      ]),
    );
    expect((await actions())[0]).toBe('api_token.revoke');
    // Filtered by action, only that action remains.
    await choose(admin, admin.getByLabel('操作', { exact: true }), 'team.create', true);
    await poll(actions).toEqual(['team.create']);
    await choose(admin, admin.getByLabel('操作', { exact: true }), 'invite.create', true);
    await poll(actions).toEqual(['invite.create']);
    await admin.getByTestId('audit-table').locator('.ant-table-row-expand-icon').first().click();
    await poll(() => admin.getByText('sun.li@example.com').count()).toBeGreaterThan(0);

    // The English side of the same area.
    await admin.getByText('English', { exact: true }).click();
    await poll(() => admin.getByTestId('admin-menu-users').innerText()).toBe('Users and roles');
    await poll(() => admin.getByText('Member invited').count()).toBeGreaterThan(0);
    await admin.getByText('中文', { exact: true }).click();

    // The new member is an agent: no admin menu, and the admin pages say so instead of showing anything.
    expect(await invitee.getByTestId('nav-admin').count()).toBe(0);
    await invitee.goto(`${server.url}/admin/teams`);
    await poll(() => invitee.getByTestId('admin-no-access').count()).toBe(1);
    expect(await invitee.getByText('售后组').count()).toBe(0);
    await invitee.goto(`${server.url}/admin`);
    await poll(() => invitee.getByTestId('admin-no-access').count()).toBe(1);

    expect([...errors, ...inviteeErrors]).toEqual([]);
  }, 420_000);

  it('a supervisor gets the pages their role allows, the workspace settings read-only, and no tokens or audit log', async () => {
    const { page, errors } = await newPage();
    await login(page, 'supervisor@huiliu.demo');
    await page.getByTestId('nav-admin').click();
    await page.waitForURL(/\/admin\/users/);
    // The menu arrives with the lazily loaded admin area: read it once it is there, not at one instant.
    for (const key of ['users', 'teams', 'routing-rules', 'workspace'])
      await poll(() => page.getByTestId(`admin-menu-${key}`).count()).toBe(1);
    for (const key of ['api-tokens', 'audit-log']) expect(await page.getByTestId(`admin-menu-${key}`).count()).toBe(0);
    // Members are listed, but there is nothing to invite or deactivate with.
    await poll(() => page.getByTestId('members-table').getByText('agent1@huiliu.demo').count()).toBe(1);
    expect(await page.getByRole('button', { name: '邀请成员' }).count()).toBe(0);
    await page.getByTestId('admin-menu-workspace').click();
    await poll(() => page.getByLabel('工作区名称').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: '保存' }).count()).toBe(0);
    await page.goto(`${server.url}/admin/api-tokens`);
    await poll(() => page.getByTestId('admin-no-access').count()).toBe(1);
    // An address under /admin that is no page at all.
    await page.goto(`${server.url}/admin/no-such-page`);
    await poll(() => page.getByText('页面不存在').count()).toBe(1);
    expect(errors).toEqual([]);
  }, 240_000);
});
