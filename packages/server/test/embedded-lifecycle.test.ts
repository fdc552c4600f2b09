import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/demo/seed.js';
import { HttpClient } from './support/http.js';
import { freePort } from './support/ports.js';
import { spawnServer } from './support/process.js';

/**
 * `npm start` with no DATABASE_URL: a real embedded PostgreSQL under DATA_DIR, demo seeded
 * once, data kept across a clean stop and across kill -9. Runs even where DATABASE_URL is set
 * (CI), since it clears it for the child process.
 */
describe('embedded PostgreSQL lifecycle', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'huiliu-embedded-'));
    env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), HUILIU_DEMO: 'true' };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function workspacesAndTeams(url: string) {
    const admin = new HttpClient(url);
    const login = await admin.login('admin@huiliu.demo', DEMO_PASSWORD);
    const workspaceId = login.body.user.memberships[0].workspaceId;
    const teams = await admin.get(`/api/v1/workspaces/${workspaceId}/teams`);
    return {
      admin,
      workspaceId,
      memberships: login.body.user.memberships,
      teamNames: teams.body.items.map((team: { name: string }) => team.name),
    };
  }

  it('first start seeds the demo and prints the URL and logins; a clean restart keeps data and seeds nothing', async () => {
    const first = await spawnServer(env);
    expect(first.output()).toContain('admin@huiliu.demo');
    expect(first.output()).toContain(DEMO_PASSWORD);
    const before = await workspacesAndTeams(first.url);
    expect(before.memberships).toHaveLength(1);
    expect(before.teamNames.sort()).toEqual(['售前咨询', '售后服务', '技术支持', '售后技术组'].sort());
    expect((await before.admin.post(`/api/v1/workspaces/${before.workspaceId}/teams`, { name: '大客户专线' })).status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output()).toContain('shutting down gracefully');

    const second = await spawnServer(env);
    const after = await workspacesAndTeams(second.url);
    expect(after.memberships).toHaveLength(1);
    expect(after.workspaceId).toBe(before.workspaceId);
    expect(after.teamNames).toContain('大客户专线');
    expect(second.output()).not.toContain('stale');
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('after kill -9 the next start recovers the orphaned database and loses nothing committed', async () => {
    const running = await spawnServer(env);
    const { admin, workspaceId } = await workspacesAndTeams(running.url);
    expect((await admin.post(`/api/v1/workspaces/${workspaceId}/teams`, { name: '夜间值班' })).status).toBe(201);
    running.child.kill('SIGKILL');
    await running.exited;

    const restarted = await spawnServer(env);
    expect(restarted.output()).toMatch(/left running by a Huiliu process that was killed|stale postmaster.pid/);
    const after = await workspacesAndTeams(restarted.url);
    expect(after.teamNames).toContain('夜间值班');
    expect(after.memberships).toHaveLength(1);
    expect(await restarted.stop()).toBe(0);
  });

  it('refuses a second server on the same data directory while the first runs', async () => {
    const running = await spawnServer(env);
    const { runServerExpectingExit } = await import('./support/process.js');
    const second = await runServerExpectingExit({ ...env, PORT: String(await freePort()) });
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/in use by Huiliu process/);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    expect(await running.stop()).toBe(0);
  });
});
