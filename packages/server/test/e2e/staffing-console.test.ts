import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../support/browser.js';
import { consoleHarness } from '../support/console-harness.js';
import { repoRoot } from '../support/e2e.js';
import { seedStaffingHistory, STAFFING_DATE } from '../support/staffing-history.js';

describe.skipIf(!hasChromium)('the staffing page in the console, in Chromium', () => {
  const ui = consoleHarness('staffing', { fixture: 'staffing-ui' });

  it('a supervisor sees forecast-required vs actual agents on seeded history, edits shrinkage and exports CSV', async () => {
    const { ws } = ui;
    await seedStaffingHistory(ui.server.ctx.db, {
      workspaceId: ws.workspaceId,
      inboxId: ws.ids.inbox!,
      customerId: ws.ids.customer!,
      users: { admin: ws.users.admin.id, supervisor: ws.users.supervisor.id, agent: ws.users.agent.id },
    });
    const { page, errors } = await ui.open(ws.users.supervisor.email, '/inbox');
    // antd puts the test id on the InputNumber's wrapper or on its input, depending on the version.
    const numberInput = (id: string) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
    await page.getByTestId('nav-staffing').click();
    await page.waitForURL(/\/staffing/);
    await expect.poll(() => page.getByText('排班预测').first().isVisible()).toBe(true);

    await page.goto(`${ui.server.url}/staffing?date=${STAFFING_DATE}&channel=voice`);
    const row = page.locator('[data-interval="09:00"]');
    // The workspace's default target is 60 s (13 agents → 19); the worked example answers within 20 s.
    await expect.poll(() => row.locator('[data-column="scheduled"]').textContent(), { timeout: 30_000 }).toBe('19');
    const target = numberInput('staffing-target-seconds');
    await target.fill('20');
    await target.blur();
    // 100 calls, AHT 180 s, 80 % in 20 s → 14 agents; ÷ (1 − 30 %) → 20 to schedule; 2.5 were online.
    await expect.poll(() => row.locator('[data-column="scheduled"]').textContent(), { timeout: 30_000 }).toBe('20');
    expect(await row.locator('[data-column="actual"]').textContent()).toBe('2.5');
    await expect.poll(() => page.getByTestId('staffing-chart').locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('staffing-summary').textContent()).toContain('2026-03-02');

    const shrinkage = numberInput('staffing-shrinkage');
    await shrinkage.fill('0');
    await shrinkage.blur();
    await expect.poll(() => row.locator('[data-column="scheduled"]').textContent()).toBe('14');

    // For the docs (docs/screenshots/console-staffing.png is copied from here).
    mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'console-staffing.png') });

    const href = await page.getByTestId('staffing-export').getAttribute('href');
    expect(href).toContain('/staffing/forecast.csv?');
    expect(href).toContain('shrinkage=0');
    const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    expect(csv).toContain('2026-03-09T01:00:00.000Z,09:00,100,180,10,14,0.1741,0.8884,7.8,14,14,2.5');
    expect(errors).toEqual([]);
  });

  it('an agent has no staffing link and is refused the page', async () => {
    const { page } = await ui.open(ui.ws.users.agent.email, '/inbox');
    expect(await page.getByTestId('nav-staffing').count()).toBe(0);
    await page.goto(`${ui.server.url}/staffing`);
    await expect.poll(() => page.getByText('只有主管和管理员可以查看排班预测').isVisible(), { timeout: 30_000 }).toBe(true);
  });
});
