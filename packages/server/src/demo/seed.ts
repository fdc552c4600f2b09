import type { Role } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db/pool.js';
import { hashPassword } from '../modules/auth/passwords.js';
import { createInbox } from '../modules/inboxes/service.js';
import { addTeamMember, createTeam } from '../modules/teams/service.js';
import { addMembership, createUser } from '../modules/users/service.js';
import { countWorkspaces, createWorkspace } from '../modules/workspaces/service.js';

export const DEMO_PASSWORD = 'huiliu-demo';

interface DemoPerson {
  email: string;
  name: string;
  role: Role;
  teams: string[];
}

/** The demo workspace: a Chinese online shop with three teams, an admin, a supervisor and four agents. */
export const DEMO_PEOPLE: DemoPerson[] = [
  { email: 'admin@huiliu.demo', name: '王磊', role: 'admin', teams: [] },
  { email: 'supervisor@huiliu.demo', name: '李娜', role: 'supervisor', teams: ['售前咨询', '售后服务', '技术支持'] },
  { email: 'agent1@huiliu.demo', name: '张伟', role: 'agent', teams: ['售前咨询'] },
  { email: 'agent2@huiliu.demo', name: '刘洋', role: 'agent', teams: ['售前咨询', '售后服务'] },
  { email: 'agent3@huiliu.demo', name: '陈静', role: 'agent', teams: ['售后服务'] },
  { email: 'agent4@huiliu.demo', name: '赵敏', role: 'agent', teams: ['售后服务', '技术支持'] },
];

const DEMO_TEAMS = [
  { name: '售前咨询', description: '商品咨询、优惠活动、下单指导' },
  { name: '售后服务', description: '退换货、退款、物流查询、投诉' },
  { name: '技术支持', description: '智能设备的安装、连接与故障排查' },
];

const SEED_LOCK_KEY = 7_426_002;
export const DEMO_SLUG = 'huiliu-shop';

/**
 * Creates the demo workspace on an empty database and nothing otherwise. Runs under an
 * advisory lock, so two processes starting together on a fresh database seed it once.
 * Returns true when it seeded.
 */
export async function seedDemoIfEmpty(db: Database): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if ((await countWorkspaces(tx)) > 0) return false;
    const workspace = await createWorkspace(tx, { name: '汇流商城', slug: DEMO_SLUG, timezone: 'Asia/Shanghai', locale: 'zh-CN' });
    const teamIds = new Map<string, string>();
    for (const team of DEMO_TEAMS) teamIds.set(team.name, (await createTeam(tx, workspace.id, team)).id);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const person of DEMO_PEOPLE) {
      const user = await createUser(tx, { email: person.email, name: person.name, passwordHash, locale: 'zh-CN' });
      await addMembership(tx, { workspaceId: workspace.id, userId: user.id, role: person.role });
      for (const team of person.teams) await addTeamMember(tx, workspace.id, teamIds.get(team)!, user.id);
    }
    await createInbox(tx, workspace.id, {
      kind: 'widget',
      name: '官网在线客服',
      defaultTeamId: teamIds.get('售前咨询')!,
      settings: {
        greeting: { 'zh-CN': '您好，欢迎光临汇流商城！请问有什么可以帮您？', en: 'Welcome to Huiliu Shop! How can we help?' },
        preChatForm: { enabled: false, fields: [] },
      },
    });
    return true;
  });
}
