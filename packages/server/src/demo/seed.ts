import { BotSettings, type Role } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db/pool.js';
import { hashPassword } from '../modules/auth/passwords.js';
import { createCanned } from '../modules/canned/service.js';
import { createDisposition } from '../modules/dispositions/service.js';
import { saveBotSettings } from '../modules/bot/settings.js';
import { createInbox } from '../modules/inboxes/service.js';
import { createArticle, createCategory, createFaq } from '../modules/knowledge/service.js';
import { routingRules } from '../modules/routing/schema.js';
import type { Executor } from '../modules/users/service.js';
import { DEMO_ARTICLES, DEMO_FAQS } from './knowledge.js';
import { seedDemoHistory } from './history.js';
import { seedDemoTickets } from './tickets.js';
import { seedDemoCallbacks } from './callbacks.js';
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
  { email: 'tier2@huiliu.demo', name: '孙强', role: 'agent', teams: ['售后技术组'] },
];

const DEMO_TEAMS = [
  { name: '售前咨询', description: '商品咨询、优惠活动、下单指导' },
  { name: '售后服务', description: '退换货、退款、物流查询、投诉' },
  { name: '技术支持', description: '智能设备的安装、连接与故障排查' },
  { name: '售后技术组', description: '二线：一线升级来的疑难故障、返修检测与退换货判定' },
];

/** The tier-2 (二线) team tickets are escalated to. */
export const DEMO_TIER2_TEAM = '售后技术组';

/** 快捷回复: what agents of a shop type most often, with variables filled in per conversation. */
const DEMO_CANNED: { shortcut: string; title: string; text: string; team?: string }[] = [
  { shortcut: 'hi', title: '问候', text: '{{customer.name}}您好，我是汇流商城客服{{agent.name}}，很高兴为您服务！请问有什么可以帮您？' },
  { shortcut: 'wait', title: '请稍等', text: '好的，请您稍等，我马上为您查询。' },
  { shortcut: 'bye', title: '结束语', text: '感谢您的咨询，祝您生活愉快！如有其他问题，欢迎随时联系我们。' },
  {
    shortcut: 'ship',
    title: '发货时间',
    text: '您好，现货商品一般在付款后 24 小时内发货，预售商品以商品页面标注的时间为准。',
    team: '售前咨询',
  },
  {
    shortcut: 'refund',
    title: '退款说明',
    text: '{{customer.name}}您好，退款申请审核通过后，款项将在 1–3 个工作日内原路退回，请留意到账通知。会话编号：{{conversation.number}}。',
    team: '售后服务',
  },
  {
    shortcut: 'return',
    title: '七天无理由退货',
    text: '本店支持七天无理由退货：请在订单页面点击“申请售后”，选择“退货退款”，商品寄回后我们会尽快处理。',
    team: '售后服务',
  },
  {
    shortcut: 'reset',
    title: '设备重置',
    text: '请长按设备电源键 10 秒，指示灯闪烁后松开，设备即恢复出厂设置，然后重新配网即可。',
    team: '技术支持',
  },
];

/** 处理结果: the wrap-up codes agents choose from. */
const DEMO_DISPOSITIONS = [
  { code: 'answered', label: '已解答' },
  { code: 'order', label: '订单/物流查询' },
  { code: 'refund', label: '退换货/退款' },
  { code: 'complaint', label: '投诉' },
  { code: 'tech', label: '技术故障' },
  { code: 'spam', label: '无效会话' },
];

const SEED_LOCK_KEY = 7_426_002;
export const DEMO_SLUG = 'huiliu-shop';

/**
 * Creates the demo workspace on an empty database and nothing otherwise. Runs under an
 * advisory lock, so two processes starting together on a fresh database seed it once.
 * Returns true when it seeded.
 */
export async function seedDemoIfEmpty(db: Database, options: { history?: boolean } = {}): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if ((await countWorkspaces(tx)) > 0) return false;
    const workspace = await createWorkspace(tx, { name: '汇流商城', slug: DEMO_SLUG, timezone: 'Asia/Shanghai', locale: 'zh-CN' });
    const teamIds = new Map<string, string>();
    for (const team of DEMO_TEAMS) teamIds.set(team.name, (await createTeam(tx, workspace.id, team)).id);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const agentsByTeam = new Map<string, { id: string; name: string }[]>();
    for (const person of DEMO_PEOPLE) {
      const user = await createUser(tx, { email: person.email, name: person.name, passwordHash, locale: 'zh-CN' });
      await addMembership(tx, { workspaceId: workspace.id, userId: user.id, role: person.role });
      for (const team of person.teams) await addTeamMember(tx, workspace.id, teamIds.get(team)!, user.id);
      if (person.role === 'agent')
        for (const team of person.teams) agentsByTeam.set(team, [...(agentsByTeam.get(team) ?? []), { id: user.id, name: person.name }]);
    }
    for (const item of DEMO_CANNED)
      await createCanned(
        tx,
        workspace.id,
        { shortcut: item.shortcut, title: item.title, text: item.text, teamId: item.team ? teamIds.get(item.team)! : null },
        null,
      );
    for (const item of DEMO_DISPOSITIONS) await createDisposition(tx, workspace.id, { ...item, enabled: true });
    const inbox = await createInbox(tx, workspace.id, {
      kind: 'widget',
      name: '官网在线客服',
      defaultTeamId: teamIds.get('售前咨询')!,
      settings: {
        greeting: { 'zh-CN': '您好，欢迎光临汇流商城！请问有什么可以帮您？', en: 'Welcome to Huiliu Shop! How can we help?' },
        preChatForm: { enabled: false, fields: [] },
      },
    });
    await seedDemoKnowledge(tx, workspace.id, inbox.id, teamIds.get('售后服务')!);
    // In the same transaction as the workspace: a database has the demo with its history or nothing.
    if (options.history !== false) await seedDemoHistory(tx, { workspaceId: workspace.id, widgetInboxId: inbox.id, teamIds, agentsByTeam });
    // The returns form always; its sample tickets with the rest of the sample history.
    await seedDemoTickets(
      tx,
      {
        workspaceId: workspace.id,
        widgetInboxId: inbox.id,
        tier1TeamId: teamIds.get('售后服务')!,
        tier2TeamId: teamIds.get(DEMO_TIER2_TEAM)!,
        tier1Agents: agentsByTeam.get('售后服务')!,
        tier2Agents: agentsByTeam.get(DEMO_TIER2_TEAM)!,
      },
      options.history !== false,
    );
    if (options.history !== false)
      await seedDemoCallbacks(tx, { workspaceId: workspace.id, teamId: teamIds.get('售后服务')!, agents: agentsByTeam.get('售后服务')! });
    return true;
  });
}

/** The shop's FAQ knowledge base and help-center articles, the bot on the widget, and after-sales intents routed to 售后服务. */
async function seedDemoKnowledge(tx: Executor, workspaceId: string, inboxId: string, afterSalesTeamId: string): Promise<void> {
  const categoryIds = new Map<string, string>();
  const categoryOf = async (name: string) => {
    if (!categoryIds.has(name))
      categoryIds.set(name, (await createCategory(tx, workspaceId, { name, description: '', position: categoryIds.size })).id);
    return categoryIds.get(name)!;
  };
  for (const faq of DEMO_FAQS) {
    await createFaq(tx, workspaceId, {
      question: faq.question,
      similarQuestions: faq.similar,
      answer: faq.answer,
      categoryId: await categoryOf(faq.category),
      terms: faq.terms ?? [],
      enabled: true,
      validFrom: null,
      validTo: null,
    });
  }
  for (const article of DEMO_ARTICLES) {
    await createArticle(tx, workspaceId, {
      title: article.title,
      body: article.body,
      categoryId: await categoryOf(article.category),
      status: 'published',
      visibility: 'public',
    });
  }
  await saveBotSettings(
    tx,
    workspaceId,
    inboxId,
    BotSettings.parse({
      enabled: true,
      greeting: '您好，我是汇流商城的智能助手小流～ 请直接输入您的问题，或点击下面的常见问题。输入“转人工”可联系人工客服。',
      menu: ['怎么查看物流信息？', '怎么申请退货？', '怎么开发票？', '优惠券怎么用？'],
      keywordRules: [
        { match: 'regex', pattern: '^(投诉|举报)', reply: '非常抱歉给您带来不好的体验，马上为您转接专人处理。', handoff: true },
      ],
    }),
  );
  await tx.insert(routingRules).values({
    workspaceId,
    position: 10,
    name: '售后问题转售后服务组',
    conditions: { intents: ['退货退款', '发货物流', '售后保修'] },
    teamId: afterSalesTeamId,
  });
}
