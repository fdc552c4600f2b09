import { conversations, messages } from '../modules/conversations/schema.js';
import { customerIdentities, customers } from '../modules/customers/schema.js';
import { inboxes } from '../modules/inboxes/schema.js';
import { routingEvents } from '../modules/routing/schema.js';
import type { Executor } from '../modules/users/service.js';
import { newToken } from '../platform/secrets.js';

/**
 * Sample history for the demo workspace: a few dozen conversations over the last two weeks on
 * the web chat, email and the app, resolved and open, with ratings, so the inbox, the customer
 * timelines and the wallboard show something on first login.
 *
 * The rows are written directly, not through the conversation services: those stamp every row
 * with now() and fire the outbox (notifications, the router, the bot), while history happened
 * in the past and must wake nothing. Every timestamp of one conversation (its messages, its
 * customer, its routing events) derives from the same start time, so the story is consistent.
 */

interface Line {
  /** c: customer, a: the agent, b: the bot, n: an internal note. */
  who: 'c' | 'a' | 'b' | 'n';
  text: string;
}

interface Story {
  channel: 'widget' | 'email' | 'api';
  team: string;
  tags: string[];
  disposition: string;
  summary: string;
  lines: Line[];
  /** Answered by the bot alone, never queued for a person. */
  botOnly?: boolean;
}

const STORIES: Story[] = [
  {
    channel: 'widget',
    team: '售后服务',
    tags: ['物流'],
    disposition: 'order',
    summary: '查询物流，已告知预计送达时间',
    lines: [
      { who: 'c', text: '你好，我的订单三天了还没到，能帮我查一下吗？订单号 HL20261128005' },
      { who: 'a', text: '您好，我帮您查一下，请稍等。' },
      { who: 'a', text: '您的包裹已到达本地分拣中心，预计明天下午送达。' },
      { who: 'c', text: '好的，谢谢！' },
    ],
  },
  {
    channel: 'widget',
    team: '售前咨询',
    tags: ['优惠券'],
    disposition: 'answered',
    summary: '说明优惠券叠加规则',
    lines: [
      { who: 'c', text: '满减券和店铺券可以一起用吗？' },
      { who: 'a', text: '您好，平台满减券可以和店铺券叠加使用，结算页会自动选择最优组合。' },
      { who: 'c', text: '明白了' },
    ],
  },
  {
    channel: 'email',
    team: '售后服务',
    tags: ['退货', '退款'],
    disposition: 'refund',
    summary: '七天无理由退货，已发退货地址',
    lines: [
      { who: 'c', text: '您好：\n我上周买的加湿器不太合适，想申请退货，请问怎么操作？\n李女士' },
      {
        who: 'a',
        text: '李女士您好：\n本店支持七天无理由退货，请在订单页面点击“申请售后”，选择“退货退款”，审核通过后按页面地址寄回即可。\n汇流商城客服',
      },
      { who: 'c', text: '已经提交了，谢谢。' },
      { who: 'a', text: '收到，审核已通过，退款将在收到商品后 1–3 个工作日内原路退回。' },
    ],
  },
  {
    channel: 'widget',
    team: '技术支持',
    tags: ['设备', '配网'],
    disposition: 'tech',
    summary: '智能插座配网失败，重置后成功',
    lines: [
      { who: 'c', text: '智能插座一直连不上家里的 Wi-Fi' },
      { who: 'a', text: '请确认连接的是 2.4G 网络，5G 网络暂不支持。' },
      { who: 'c', text: '是 2.4G 的' },
      { who: 'a', text: '请长按设备电源键 10 秒，指示灯闪烁后松开，再重新配网试试。' },
      { who: 'c', text: '可以了！' },
    ],
  },
  {
    channel: 'api',
    team: '售前咨询',
    tags: ['发票'],
    disposition: 'answered',
    summary: '说明电子发票开具方式',
    lines: [
      { who: 'c', text: 'App 里下单后怎么开发票？' },
      { who: 'a', text: '订单完成后在“我的订单 → 订单详情 → 申请开票”填写抬头和税号，电子发票会发到您的邮箱。' },
    ],
  },
  {
    channel: 'widget',
    team: '售后服务',
    tags: ['投诉'],
    disposition: 'complaint',
    summary: '配送员态度问题，已登记并补偿优惠券',
    lines: [
      { who: 'c', text: '我要投诉，快递员没打电话就把东西放门口了' },
      { who: 'a', text: '非常抱歉给您带来不好的体验，我已登记并反馈给物流方。' },
      { who: 'n', text: '已登记物流投诉，补偿 10 元无门槛券' },
      { who: 'a', text: '为表歉意，已为您发放一张 10 元无门槛优惠券。' },
      { who: 'c', text: '好吧' },
    ],
  },
  {
    channel: 'email',
    team: '售前咨询',
    tags: ['企业采购'],
    disposition: 'answered',
    summary: '企业批量采购，已转商务报价',
    lines: [
      { who: 'c', text: '你好，我们公司想采购 200 台智能台灯，有企业价吗？' },
      { who: 'a', text: '您好，200 台以上可享受企业价，商务同事会在一个工作日内把报价单发到您的邮箱。' },
    ],
  },
  {
    channel: 'widget',
    team: '售前咨询',
    tags: [],
    disposition: 'answered',
    summary: '',
    botOnly: true,
    lines: [
      { who: 'c', text: '怎么查看物流信息？' },
      { who: 'b', text: '您可以在“我的订单”中点击对应订单，查看实时物流信息。' },
      { who: 'c', text: '好的' },
    ],
  },
  {
    channel: 'api',
    team: '售后服务',
    tags: ['退款'],
    disposition: 'refund',
    summary: '退款未到账，已核实银行处理中',
    lines: [
      { who: 'c', text: '退款显示成功了，但银行卡里没看到钱' },
      { who: 'a', text: '您好，退款已于昨天原路退回，银行卡一般需要 1–3 个工作日到账。' },
      { who: 'c', text: '那我再等等' },
    ],
  },
  {
    channel: 'widget',
    team: '技术支持',
    tags: ['设备'],
    disposition: 'tech',
    summary: '扫地机器人报错 E2，指导清理滚刷',
    lines: [
      { who: 'c', text: '扫地机器人一直提示 E2 错误' },
      { who: 'a', text: 'E2 表示滚刷被缠绕，请翻转机身取下滚刷，清理头发后装回。' },
      { who: 'c', text: '清理完好了，谢谢' },
    ],
  },
  {
    channel: 'widget',
    team: '售前咨询',
    tags: [],
    disposition: 'answered',
    summary: '',
    botOnly: true,
    lines: [
      { who: 'c', text: '优惠券怎么用？' },
      { who: 'b', text: '在结算页点击“优惠券”，选择可用的券即可自动抵扣。' },
    ],
  },
  {
    channel: 'email',
    team: '售后服务',
    tags: ['保修'],
    disposition: 'refund',
    summary: '保修期内换新',
    lines: [
      { who: 'c', text: '电动牙刷用了两个月就充不进电了，还在保修期吗？' },
      { who: 'a', text: '您好，产品一年内保修，请提供订单号和故障照片，我们为您安排换新。' },
      { who: 'c', text: '订单号 HL20261109117，照片已附上。' },
      { who: 'a', text: '已为您登记换新，新机将在 48 小时内发出。' },
    ],
  },
];

/** What customers are called (some stay anonymous visitors), with their tier. */
const CUSTOMERS: { name: string | null; tier: 'normal' | 'vip'; email?: string; phone?: string }[] = [
  { name: '王芳', tier: 'vip', email: 'wangfang@example.cn', phone: '+8613800138001' },
  { name: '李强', tier: 'normal', email: 'liqiang@example.cn' },
  { name: '张敏', tier: 'normal', phone: '+8613800138003' },
  { name: '刘娟', tier: 'vip', email: 'liujuan@example.cn' },
  { name: '陈杰', tier: 'normal', email: 'chenjie@example.cn' },
  { name: null, tier: 'normal' },
  { name: '杨丽', tier: 'normal', email: 'yangli@example.cn', phone: '+8613800138007' },
  { name: '赵磊', tier: 'normal', email: 'zhaolei@example.cn' },
  { name: null, tier: 'normal' },
  { name: '黄静', tier: 'vip', email: 'huangjing@example.cn' },
  { name: '周涛', tier: 'normal', phone: '+8613800138011' },
  { name: '吴霞', tier: 'normal', email: 'wuxia@example.cn' },
  { name: null, tier: 'normal' },
  { name: '徐明', tier: 'normal', email: 'xuming@example.cn' },
  { name: '孙悦', tier: 'normal', email: 'sunyue@example.cn' },
];

const COMMENTS: Record<number, string[]> = {
  5: ['回复很快，问题解决了', '客服很耐心，点赞', ''],
  4: ['挺好的', ''],
  3: ['等的时间有点长'],
  2: ['问题没有完全解决'],
};

export const HISTORY_DAYS = 14;
const DAY = 86_400_000;
const CONVERSATION_COUNT = 40;

/** Deterministic, so every demo database tells the same story (and tests can rely on its shape). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

export interface HistoryInput {
  workspaceId: string;
  widgetInboxId: string;
  teamIds: Map<string, string>;
  /** Agents by team name, with their names, for the messages they wrote. */
  agentsByTeam: Map<string, { id: string; name: string }[]>;
  now?: Date;
}

type ConversationRow = typeof conversations.$inferInsert;
type MessageRow = typeof messages.$inferInsert;
type RoutingEventRow = typeof routingEvents.$inferInsert;

/** Writes the sample history; call once, on the freshly seeded demo workspace. */
export async function seedDemoHistory(db: Executor, input: HistoryInput): Promise<{ conversations: number }> {
  const { workspaceId, teamIds, agentsByTeam } = input;
  const now = input.now ?? new Date();
  const rand = random(20_261_206);
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)]!;
  const minutes = (count: number) => count * 60_000;

  // The email and app inboxes exist for their history only: disabled until an admin configures them.
  const extraInboxes = await db
    .insert(inboxes)
    .values(
      [
        {
          workspaceId,
          kind: 'email' as const,
          name: '客服邮箱（示例）',
          publicKey: newToken().slice(0, 24),
          secret: newToken(),
          enabled: false,
        },
        {
          workspaceId,
          kind: 'api' as const,
          name: '汇流商城 App（示例）',
          publicKey: newToken().slice(0, 24),
          secret: newToken(),
          enabled: false,
        },
      ].map((row) => ({
        ...row,
        defaultTeamId: teamIds.get('售后服务')!,
        settings: {},
        createdAt: new Date(now.getTime() - (HISTORY_DAYS + 1) * 86_400_000),
      })),
    )
    .returning({ id: inboxes.id, kind: inboxes.kind });
  const inboxOf = { widget: input.widgetInboxId, email: extraInboxes[0]!.id, api: extraInboxes[1]!.id };

  // Conversations: oldest first; each has a start time, and everything about it follows from that.
  const plans = Array.from({ length: CONVERSATION_COUNT }, (_, index) => {
    const daysAgo = Math.floor(((CONVERSATION_COUNT - 1 - index) / CONVERSATION_COUNT) * HISTORY_DAYS);
    // (The plan's start may move below; `index` stays the story's identity.)
    // Today's conversations started in the last few hours (and, quick chats all, ended before now);
    // older ones during the shop's day (09:00–21:00, Shanghai).
    const start =
      daysAgo === 0
        ? new Date(now.getTime() - minutes(60 + Math.floor(rand() * 200)))
        : new Date(
            Date.UTC(
              now.getUTCFullYear(),
              now.getUTCMonth(),
              now.getUTCDate() - daysAgo,
              1 + Math.floor(rand() * 12),
              Math.floor(rand() * 60),
            ),
          );
    return { index, daysAgo, start, story: STORIES[index % STORIES.length]!, customer: index % CUSTOMERS.length };
  });
  // The newest few are still open: two waiting in the queue, three with an agent.
  const open = new Map<number, 'queued' | 'assigned'>();
  const humanToday = plans.filter((plan) => plan.daysAgo === 0 && !plan.story.botOnly).map((plan) => plan.index);
  humanToday.slice(-2).forEach((index) => open.set(index, 'queued'));
  humanToday.slice(-5, -2).forEach((index) => open.set(index, 'assigned'));

  // The queued ones started waiting within the workspace's today (Asia/Shanghai, UTC+8, no DST), so
  // the wallboard counts them offered today at any hour, midnight included.
  const shanghaiMidnight = Math.floor((now.getTime() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
  const sinceMidnight = now.getTime() - shanghaiMidnight;
  for (const plan of plans)
    if (open.get(plan.index) === 'queued')
      plan.start = new Date(now.getTime() - Math.max(5_000, Math.floor(Math.min(sinceMidnight, minutes(30)) * (0.1 + 0.8 * rand()))));
  plans.sort((a, b) => a.start.getTime() - b.start.getTime());

  const firstStart = new Map<number, Date>();
  for (const plan of plans) if (!firstStart.has(plan.customer)) firstStart.set(plan.customer, plan.start);
  const customerRows = await db
    .insert(customers)
    .values(
      CUSTOMERS.map((person, index) => ({
        workspaceId,
        name: person.name,
        tier: person.tier,
        tags: person.tier === 'vip' ? ['老客户'] : [],
        attributes: person.phone ? { city: pick(['上海', '杭州', '北京', '深圳', '成都']) } : {},
        createdAt: firstStart.get(index)!,
        updatedAt: firstStart.get(index)!,
      })),
    )
    .returning({ id: customers.id });
  await db.insert(customerIdentities).values(
    CUSTOMERS.flatMap((person, index) => {
      const customerId = customerRows[index]!.id;
      const createdAt = firstStart.get(index)!;
      return [
        { workspaceId, customerId, kind: 'visitor' as const, value: `demo-visitor-${index + 1}`, createdAt },
        ...(person.email ? [{ workspaceId, customerId, kind: 'email' as const, value: person.email, verified: true, createdAt }] : []),
        ...(person.phone ? [{ workspaceId, customerId, kind: 'phone' as const, value: person.phone, createdAt }] : []),
      ];
    }),
  );

  const conversationRows: ConversationRow[] = [];
  const messageRows: Omit<MessageRow, 'conversationId'>[][] = [];
  const eventRows: Omit<RoutingEventRow, 'conversationId'>[][] = [];
  for (const plan of plans) {
    const { story, start } = plan;
    const customerId = customerRows[plan.customer]!.id;
    const customerName = CUSTOMERS[plan.customer]!.name;
    const teamId = teamIds.get(story.team)!;
    const agent = pick(agentsByTeam.get(story.team)!);
    const state = story.botOnly ? 'resolved' : (open.get(plan.index) ?? 'resolved');
    // The open ones are part-way: a queued one has only the customer's first message, an assigned one stops before the goodbye.
    const lines = state === 'queued' ? story.lines.slice(0, 1) : state === 'assigned' ? story.lines.slice(0, -1) : story.lines;

    const rows: Omit<MessageRow, 'conversationId'>[] = [];
    const events: Omit<RoutingEventRow, 'conversationId'>[] = [];
    let at = start.getTime();
    const push = (row: Omit<MessageRow, 'conversationId' | 'seq' | 'workspaceId' | 'createdAt'>) =>
      rows.push({ ...row, workspaceId, seq: rows.length + 1, createdAt: new Date(at) });
    let queuedAt: Date | null = null;
    let firstResponseAt: Date | null = null;
    let lastCustomerMessageAt: Date | null = null;
    let lastPreview = '';
    let assigned = false;
    for (const line of lines) {
      if ((line.who === 'a' || line.who === 'n') && !assigned) {
        // The first human touch: it waited in the team's queue, then the router gave it to the agent.
        queuedAt = new Date(at);
        push({ kind: 'event', senderType: 'system', event: { type: 'queued' } });
        events.push({ workspaceId, type: 'queued', userId: null, teamId, details: {}, createdAt: new Date(at) });
        const waitedMs = Math.floor(10_000 + rand() * 110_000);
        at += waitedMs;
        push({ kind: 'event', senderType: 'system', event: { type: 'assigned', assigneeId: agent.id } });
        const assignedAt = new Date(at);
        events.push({
          workspaceId,
          type: 'offered',
          userId: agent.id,
          teamId,
          details: { algorithm: 'least_busy' },
          createdAt: assignedAt,
        });
        events.push({
          workspaceId,
          type: 'assigned',
          userId: agent.id,
          teamId,
          details: { algorithm: 'least_busy', overflow: false, waitedMs },
          createdAt: assignedAt,
        });
        assigned = true;
        at += minutes(1);
      }
      if (line.who === 'c') {
        push({
          kind: 'in',
          senderType: 'customer',
          senderId: customerId,
          senderName: customerName,
          text: line.text,
          delivery: 'delivered',
        });
        lastCustomerMessageAt = new Date(at);
      } else if (line.who === 'b') {
        push({ kind: 'out', senderType: 'bot', senderName: '小流', text: line.text, delivery: 'read' });
        firstResponseAt ??= new Date(at);
      } else if (line.who === 'n') {
        push({ kind: 'note', senderType: 'agent', senderId: agent.id, senderName: agent.name, text: line.text });
      } else {
        push({ kind: 'out', senderType: 'agent', senderId: agent.id, senderName: agent.name, text: line.text, delivery: 'read' });
        firstResponseAt ??= new Date(at);
      }
      if (line.who !== 'n') lastPreview = line.text;
      at += minutes(1 + Math.floor(rand() * (story.channel === 'email' && plan.daysAgo > 0 ? 180 : 4)));
    }
    if (state === 'queued') {
      // Waiting since the customer's first message: no agent has it yet.
      queuedAt = start;
      rows.push({
        workspaceId,
        seq: rows.length + 1,
        kind: 'event',
        senderType: 'system',
        event: { type: 'queued' },
        createdAt: new Date(start.getTime() + 1_000),
      });
      events.push({ workspaceId, type: 'queued', userId: null, teamId, details: {}, createdAt: new Date(start.getTime() + 1_000) });
    }
    let rating: number | null = null;
    let comment: string | null = null;
    let resolvedAt: Date | null = null;
    if (state === 'resolved') {
      resolvedAt = new Date(at);
      if (story.botOnly)
        push({ kind: 'event', senderType: 'system', event: { type: 'resolved', disposition: null, endedBy: 'bot', reason: 'idle' } });
      else
        push({
          kind: 'event',
          senderType: 'agent',
          senderId: agent.id,
          senderName: agent.name,
          event: { type: 'resolved', disposition: story.disposition },
        });
      // Most customers rate; the ratings lean good, as a shop's do.
      if (rand() < 0.75) {
        rating = pick([5, 5, 5, 4, 4, 3, 2]);
        comment = pick(COMMENTS[rating]!) || null;
        at += minutes(1);
        push({ kind: 'event', senderType: 'customer', senderId: customerId, senderName: customerName, event: { type: 'csat', rating } });
      }
    }
    const last = rows[rows.length - 1]!.createdAt as Date;
    conversationRows.push({
      workspaceId,
      inboxId: inboxOf[story.channel],
      channel: story.channel,
      customerId,
      state,
      priority: CUSTOMERS[plan.customer]!.tier === 'vip' ? 'high' : 'normal',
      assigneeId: state === 'queued' || story.botOnly ? null : agent.id,
      teamId,
      tags: story.tags,
      lastSeq: rows.length,
      queuePriority: CUSTOMERS[plan.customer]!.tier === 'vip' ? 10 : 0,
      queuedAt: state === 'queued' ? queuedAt : null,
      lastMessagePreview: lastPreview,
      context: story.channel === 'widget' ? { pageUrl: 'https://shop.huiliu.demo/', language: 'zh-CN' } : {},
      csatRating: rating,
      csatComment: comment,
      disposition: state === 'resolved' && !story.botOnly ? story.disposition : null,
      summary: state === 'resolved' && story.summary ? story.summary : null,
      createdAt: start,
      updatedAt: last,
      firstResponseAt,
      lastCustomerMessageAt,
      lastMessageAt: last,
      resolvedAt,
    });
    messageRows.push(rows);
    eventRows.push(events);
  }

  // Inserted oldest first, so the conversation numbers (#) run in the order they happened.
  const inserted = await db.insert(conversations).values(conversationRows).returning({ id: conversations.id });
  const allMessages = inserted.flatMap((row, index) => messageRows[index]!.map((message) => ({ ...message, conversationId: row.id })));
  for (let offset = 0; offset < allMessages.length; offset += 500)
    await db.insert(messages).values(allMessages.slice(offset, offset + 500));
  const allEvents = inserted.flatMap((row, index) => eventRows[index]!.map((event) => ({ ...event, conversationId: row.id })));
  if (allEvents.length > 0) await db.insert(routingEvents).values(allEvents);
  return { conversations: inserted.length };
}
