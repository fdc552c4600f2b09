import type { TicketEscalation, TicketFieldValues } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { conversations, messages } from '../modules/conversations/schema.js';
import { routingEvents } from '../modules/routing/schema.js';
import { HISTORY_DAYS } from './history.js';
import { customerIdentities, customerIdentityClaims, customers } from '../modules/customers/schema.js';
import { ticketFields, ticketForms } from '../modules/tickets/fields/schema.js';
import { ticketComments, ticketConversations, ticketCounters, ticketEvents, tickets } from '../modules/tickets/schema.js';
import { searchTextOf } from '../modules/tickets/search.js';
import type { Executor } from '../modules/users/service.js';

/**
 * Sample tickets for the demo: the 退换货 (returns) form with its custom fields, and a few
 * dozen help-center requests in every state, some escalated to the tier-2 team 售后技术组.
 * Written directly, in a few multi-row inserts, for the reason the chat history is (see
 * history.ts): it happened in the past and must wake nothing — and it keeps the seed fast.
 * Each ticket has the shape a real help-center request has (a left message on the chat inbox
 * from a customer of its own, the typed address kept on the conversation), so its replies go
 * out by email and its requester can open it in the customer portal with that address.
 */

export const DEMO_RETURNS_FORM = '退换货';

const PRODUCTS = [
  {
    value: '耳机',
    label: { 'zh-CN': '耳机', en: 'Earphones' },
    children: [
      { value: '降噪耳机 Pro', label: { 'zh-CN': '降噪耳机 Pro', en: 'ANC Earphones Pro' } },
      { value: '运动耳机 S', label: { 'zh-CN': '运动耳机 S', en: 'Sport Earphones S' } },
    ],
  },
  {
    value: '智能手表',
    label: { 'zh-CN': '智能手表', en: 'Smartwatch' },
    children: [
      { value: 'Watch S1', label: { 'zh-CN': 'Watch S1', en: 'Watch S1' } },
      { value: 'Watch S2', label: { 'zh-CN': 'Watch S2', en: 'Watch S2' } },
    ],
  },
  {
    value: '扫地机器人',
    label: { 'zh-CN': '扫地机器人', en: 'Robot vacuum' },
    children: [
      { value: 'R10', label: { 'zh-CN': 'R10', en: 'R10' } },
      { value: 'R20 Max', label: { 'zh-CN': 'R20 Max', en: 'R20 Max' } },
    ],
  },
];

const RETURN_TYPES = [
  { value: 'refund', label: { 'zh-CN': '退货退款', en: 'Return and refund' } },
  { value: 'exchange', label: { 'zh-CN': '换货', en: 'Exchange' } },
  { value: 'repair', label: { 'zh-CN': '维修', en: 'Repair' } },
];

/** The returns form's fields: order number, what kind of return and which product are asked of the customer; the test result is for agents. */
const FIELDS = [
  {
    key: 'order_no',
    type: 'regex' as const,
    label: { 'zh-CN': '订单号', en: 'Order number' },
    pattern: 'HL\\d{10}',
    options: [],
    visibleToCustomer: true,
    required: true,
  },
  {
    key: 'return_type',
    type: 'dropdown' as const,
    label: { 'zh-CN': '退换类型', en: 'Return type' },
    pattern: null,
    options: RETURN_TYPES,
    visibleToCustomer: true,
    required: true,
  },
  {
    key: 'product',
    type: 'cascader' as const,
    label: { 'zh-CN': '产品/型号', en: 'Product / model' },
    pattern: null,
    options: PRODUCTS,
    visibleToCustomer: true,
    required: false,
  },
  {
    key: 'inspection',
    type: 'multiline' as const,
    label: { 'zh-CN': '检测结论', en: 'Inspection result' },
    pattern: null,
    options: [],
    visibleToCustomer: false,
    required: false,
  },
];

interface Case {
  subject: string;
  text: string;
  product: [string, string];
  returnType: string;
  /** The agents' public answers, in order. */
  answers: string[];
  /** Tier 2 takes it: the reason tier 1 gave. */
  escalate?: string;
  customerReply?: string;
}

const CASES: Case[] = [
  {
    subject: '降噪耳机左耳没有声音',
    text: '收到的降噪耳机左耳完全没有声音，已经重新配对过，还是不行。',
    product: ['耳机', '降噪耳机 Pro'],
    returnType: 'exchange',
    answers: ['您好，麻烦您提供一段左耳无声的视频，我们为您安排换新。'],
    escalate: '疑似硬件故障，需要售后技术组检测',
    customerReply: '视频已经拍好了，怎么发给你们？',
  },
  {
    subject: '手表屏幕出现划痕',
    text: '刚拆封的 Watch S1 屏幕上就有一道划痕，要求换货。',
    product: ['智能手表', 'Watch S1'],
    returnType: 'exchange',
    answers: ['非常抱歉给您带来不便，我们已为您登记换货，请保留原包装。'],
  },
  {
    subject: '扫地机器人无法回充',
    text: 'R10 扫完地以后找不到充电座，每次都停在客厅中间。',
    product: ['扫地机器人', 'R10'],
    returnType: 'repair',
    answers: ['请先擦拭机器底部的回充感应窗，然后把充电座两侧各留出 0.5 米空间再试试。'],
    escalate: '常规排查无效，需要远程诊断日志',
  },
  {
    subject: '七天无理由退货申请',
    text: '运动耳机佩戴不太舒服，想申请七天无理由退货。',
    product: ['耳机', '运动耳机 S'],
    returnType: 'refund',
    answers: ['已为您通过退货申请，请在 7 天内寄回，运费险会自动理赔。'],
  },
  {
    subject: '手表续航明显变短',
    text: 'Watch S2 用了两周，续航从 7 天掉到 2 天，是不是电池有问题？',
    product: ['智能手表', 'Watch S2'],
    returnType: 'repair',
    answers: ['请在手表设置里关闭“常亮显示”后观察一天，如仍异常我们会安排检测。'],
    escalate: '疑似电池批次问题，请二线确认',
    customerReply: '关了常亮还是只能用两天。',
  },
  {
    subject: 'R20 Max 拖布不出水',
    text: '新买的 R20 Max 拖地的时候拖布一直是干的。',
    product: ['扫地机器人', 'R20 Max'],
    returnType: 'exchange',
    answers: ['请确认水箱已正确安装并在 App 中调高出水量。'],
  },
];

const REQUESTERS = [
  { name: '王芳', email: 'wangfang@example.cn' },
  { name: '李强', email: 'liqiang@example.cn' },
  { name: '张敏', email: 'zhangmin@example.cn' },
  { name: '刘娟', email: 'liujuan@example.cn' },
  { name: '陈晨', email: 'chenchen@example.cn' },
  { name: '杨洋', email: 'yangyang@example.cn' },
  { name: '赵磊', email: 'zhaolei@example.cn' },
  { name: '周婷', email: 'zhouting@example.cn' },
];

const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const DEMO_TICKET_COUNT = 36;
const DAY = 86_400_000;

export interface DemoTicketsInput {
  workspaceId: string;
  widgetInboxId: string;
  /** 售后服务 (tier 1) and 售后技术组 (tier 2). */
  tier1TeamId: string;
  tier2TeamId: string;
  tier1Agents: { id: string; name: string }[];
  tier2Agents: { id: string; name: string }[];
  now?: Date;
}

/** The returns form and its fields; with `withTickets`, the sample tickets too. Call once, on the freshly seeded workspace. */
export async function seedDemoTickets(db: Executor, input: DemoTicketsInput, withTickets: boolean): Promise<{ tickets: number }> {
  const { workspaceId } = input;
  const now = input.now ?? new Date();
  const fieldRows = await db
    .insert(ticketFields)
    .values(FIELDS.map(({ required: _required, ...field }) => ({ workspaceId, ...field })))
    .returning({ id: ticketFields.id, key: ticketFields.key });
  const [form] = await db
    .insert(ticketForms)
    .values({
      workspaceId,
      name: DEMO_RETURNS_FORM,
      fields: FIELDS.map((field, index) => ({ fieldId: fieldRows[index]!.id, required: field.required })),
    })
    .returning({ id: ticketForms.id });
  if (!withTickets) return { tickets: 0 };

  const plans = Array.from({ length: DEMO_TICKET_COUNT }, (_, index) => {
    const story = CASES[index % CASES.length]!;
    const person = REQUESTERS[index % REQUESTERS.length]!;
    // Shifted each round, so every story is seen in every state.
    const status = STATUSES[(index + Math.floor(index / CASES.length)) % STATUSES.length]!;
    // Oldest first, within the demo history's days; new requests came in minutes ago and wait in
    // the queue today (the wallboard counts them), the rest are answered and end before now.
    const start =
      status === 'new'
        ? new Date(now.getTime() - ((index % 5) + 1) * 60_000)
        : new Date(now.getTime() - (DEMO_TICKET_COUNT - index) * ((HISTORY_DAYS - 1) / DEMO_TICKET_COUNT) * DAY);
    const escalated = Boolean(story.escalate) && status !== 'new';
    return { index, story, person, start, status, escalated };
  });

  const customerRows = await db
    .insert(customers)
    .values(plans.map((plan) => ({ workspaceId, name: plan.person.name, createdAt: plan.start, updatedAt: plan.start })))
    .returning({ id: customers.id });
  const requestKey = (index: number) => `help-request:demo-${index + 1}`;
  await db.insert(customerIdentities).values(
    plans.map((plan, index) => ({
      workspaceId,
      customerId: customerRows[index]!.id,
      kind: 'visitor' as const,
      value: requestKey(index),
      verified: true,
      verifiedVia: 'channel' as const,
      createdAt: plan.start,
    })),
  );
  await db.insert(customerIdentityClaims).values(
    plans.map((plan, index) => ({
      workspaceId,
      customerId: customerRows[index]!.id,
      kind: 'email' as const,
      value: plan.person.email,
      source: 'offline_form' as const,
      createdAt: plan.start,
    })),
  );

  // Each request's thread: the customer's description, the agent's answers, maybe the customer's reply.
  type Line = { who: 'customer' | 'agent'; text: string; at: Date; agent?: { id: string; name: string } };
  const threads = plans.map((plan) => {
    const tier1 = input.tier1Agents[plan.index % input.tier1Agents.length]!;
    const tier2 = input.tier2Agents[plan.index % input.tier2Agents.length]!;
    const lines: Line[] = [{ who: 'customer', text: plan.story.text, at: plan.start }];
    if (plan.status !== 'new')
      plan.story.answers.forEach((text, step) =>
        lines.push({ who: 'agent', text, at: new Date(plan.start.getTime() + (step + 1) * 3_600_000), agent: tier1 }),
      );
    if (plan.story.customerReply && plan.status !== 'new')
      lines.push({ who: 'customer', text: plan.story.customerReply, at: new Date(plan.start.getTime() + 5 * 3_600_000) });
    return { tier1, tier2, lines };
  });

  // A solved request's chat ends with the agent resolving it a minute after the last line.
  const resolvedAtOf = (lastAt: Date) => new Date(lastAt.getTime() + 60_000);
  const conversationRows = await db
    .insert(conversations)
    .values(
      plans.map((plan, index) => {
        const { lines, tier1 } = threads[index]!;
        const last = lines.at(-1)!;
        const done = plan.status === 'solved' || plan.status === 'closed';
        return {
          workspaceId,
          inboxId: input.widgetInboxId,
          channel: 'widget' as const,
          customerId: customerRows[index]!.id,
          state: done ? ('resolved' as const) : plan.status === 'new' ? ('queued' as const) : ('assigned' as const),
          assigneeId: plan.status === 'new' ? null : tier1.id,
          teamId: input.tier1TeamId,
          lastSeq: lines.length + (done ? 1 : 0),
          queuedAt: plan.status === 'new' ? plan.start : null,
          lastMessagePreview: last.text.slice(0, 140),
          context: {
            helpRequest: { subject: plan.story.subject },
            leftMessage: { email: plan.person.email, phone: null, name: plan.person.name, at: plan.start.toISOString() },
          },
          createdAt: plan.start,
          updatedAt: done ? resolvedAtOf(last.at) : last.at,
          firstResponseAt: lines.find((line) => line.who === 'agent')?.at ?? null,
          lastCustomerMessageAt: [...lines].reverse().find((line) => line.who === 'customer')!.at,
          lastMessageAt: done ? resolvedAtOf(last.at) : last.at,
          resolvedAt: done ? resolvedAtOf(last.at) : null,
        };
      }),
    )
    .returning({ id: conversations.id });
  const messageRows = await db
    .insert(messages)
    .values(
      plans.flatMap((plan, index) =>
        threads[index]!.lines.map((line, seq) => ({
          workspaceId,
          conversationId: conversationRows[index]!.id,
          seq: seq + 1,
          kind: line.who === 'customer' ? ('in' as const) : ('out' as const),
          text: line.text,
          senderType: line.who,
          senderId: line.who === 'customer' ? customerRows[index]!.id : line.agent!.id,
          senderName: line.who === 'customer' ? plan.person.name : line.agent!.name,
          idempotencyKey: seq === 0 ? requestKey(index) : null,
          delivery: line.who === 'customer' ? ('delivered' as const) : ('sent' as const),
          createdAt: line.at,
        })),
      ),
    )
    .returning({ id: messages.id, conversationId: messages.conversationId, seq: messages.seq });
  const resolvedEvents = plans.flatMap((plan, index) => {
    const { lines, tier1 } = threads[index]!;
    if (plan.status !== 'solved' && plan.status !== 'closed') return [];
    return [
      {
        workspaceId,
        conversationId: conversationRows[index]!.id,
        seq: lines.length + 1,
        kind: 'event' as const,
        senderType: 'agent' as const,
        senderId: tier1.id,
        senderName: tier1.name,
        event: { type: 'resolved', disposition: null },
        createdAt: resolvedAtOf(lines.at(-1)!.at),
      },
    ];
  });
  if (resolvedEvents.length > 0) await db.insert(messages).values(resolvedEvents);
  const waiting = plans.filter((plan) => plan.status === 'new');
  if (waiting.length > 0)
    await db.insert(routingEvents).values(
      waiting.map((plan) => ({
        workspaceId,
        type: 'queued',
        conversationId: conversationRows[plan.index]!.id,
        userId: null,
        teamId: input.tier1TeamId,
        details: {},
        createdAt: plan.start,
      })),
    );
  const messageId = new Map(messageRows.map((row) => [`${row.conversationId}:${row.seq}`, row.id]));

  const ticketRows = await db
    .insert(tickets)
    .values(
      plans.map((plan, index) => {
        const { tier1, tier2, lines } = threads[index]!;
        const last = lines.at(-1)!;
        const fields: TicketFieldValues = {
          order_no: `HL2026${String(110_000 + plan.index * 37).padStart(6, '0')}`,
          return_type: plan.story.returnType,
          product: plan.story.product,
          ...(plan.escalated && plan.index % 2 === 0 ? { inspection: '已收到返修件，正在检测。' } : {}),
        };
        const escalation: TicketEscalation | null = plan.escalated
          ? {
              fromTeamId: input.tier1TeamId,
              fromAssigneeId: tier1.id,
              toTeamId: input.tier2TeamId,
              reason: plan.story.escalate!,
              at: new Date(plan.start.getTime() + 4 * 3_600_000).toISOString(),
            }
          : null;
        const solvedAt = plan.status === 'solved' || plan.status === 'closed' ? new Date(last.at.getTime() + 60_000) : null;
        const rating = solvedAt ? demoRating(plan.index, solvedAt, now) : null;
        return {
          workspaceId,
          number: 10_001 + plan.index,
          subject: plan.story.subject,
          status: plan.status,
          priority: plan.escalated ? ('high' as const) : ('normal' as const),
          type: plan.escalated ? ('incident' as const) : ('question' as const),
          requesterId: customerRows[index]!.id,
          // Escalated ones sit with tier 2: every other one already taken by its specialist.
          assigneeId: plan.status === 'new' ? null : plan.escalated ? (plan.index % 2 === 0 ? tier2.id : null) : tier1.id,
          teamId: plan.escalated ? input.tier2TeamId : input.tier1TeamId,
          followerIds: plan.escalated ? [tier1.id] : [],
          tags: plan.escalated ? ['二线'] : [],
          sourceChannel: 'web_form' as const,
          escalation,
          formId: form!.id,
          fields,
          searchText: [plan.story.subject, ...lines.map((line) => line.text), fields.order_no as string, ...plan.story.product]
            .map(searchTextOf)
            .join(' '),
          createdAt: plan.start,
          updatedAt: last.at,
          solvedAt,
          closedAt: plan.status === 'closed' ? new Date(Math.min(now.getTime(), last.at.getTime() + 2 * DAY)) : null,
          csatRating: rating?.rating ?? null,
          csatComment: rating?.comment ?? null,
          csatRatedAt: rating?.at ?? null,
        };
      }),
    )
    .returning({ id: tickets.id, number: tickets.number });
  await db
    .insert(ticketCounters)
    .values({ workspaceId, lastNumber: 10_000 + DEMO_TICKET_COUNT })
    .onConflictDoUpdate({ target: ticketCounters.workspaceId, set: { lastNumber: sql`excluded.last_number` } });
  await db.insert(ticketConversations).values(
    plans.map((plan, index) => ({
      workspaceId,
      ticketId: ticketRows[index]!.id,
      conversationId: conversationRows[index]!.id,
      createdAt: plan.start,
    })),
  );

  const comments: (typeof ticketComments.$inferInsert)[] = [];
  const events: (typeof ticketEvents.$inferInsert)[] = [];
  plans.forEach((plan, index) => {
    const ticketId = ticketRows[index]!.id;
    const conversationId = conversationRows[index]!.id;
    const { lines, tier1 } = threads[index]!;
    const person = { type: 'customer' as const, id: customerRows[index]!.id, name: plan.person.name };
    events.push({
      workspaceId,
      ticketId,
      type: 'created',
      actorType: 'system',
      data: { sourceChannel: 'web_form' },
      createdAt: plan.start,
    });
    lines.forEach((line, seq) => {
      const actor = line.who === 'customer' ? person : { type: 'agent' as const, id: line.agent!.id, name: line.agent!.name };
      comments.push({
        workspaceId,
        ticketId,
        visibility: 'public',
        authorType: actor.type,
        authorId: actor.id,
        authorName: actor.name,
        text: line.text,
        conversationId,
        messageId: messageId.get(`${conversationId}:${seq + 1}`)!,
        createdAt: line.at,
      });
    });
    if (plan.escalated) {
      const at = new Date(plan.start.getTime() + 4 * 3_600_000);
      events.push({
        workspaceId,
        ticketId,
        type: 'escalated',
        actorType: 'agent',
        actorId: tier1.id,
        actorName: tier1.name,
        data: { fromTeamId: input.tier1TeamId, toTeamId: input.tier2TeamId, reason: plan.story.escalate, summary: '客户已按常规步骤排查' },
        createdAt: at,
      });
      comments.push({
        workspaceId,
        ticketId,
        visibility: 'internal',
        authorType: 'agent',
        authorId: tier1.id,
        authorName: tier1.name,
        text: `升级至二线 / Escalated: ${plan.story.escalate}\n客户已按常规步骤排查`,
        createdAt: at,
      });
    }
    if (plan.status !== 'new')
      events.push({
        workspaceId,
        ticketId,
        type: 'status_changed',
        actorType: 'agent',
        actorId: tier1.id,
        actorName: tier1.name,
        data: { from: 'new', to: plan.status },
        createdAt: lines.at(-1)!.at,
      });
    const solvedAt = plan.status === 'solved' || plan.status === 'closed' ? new Date(lines.at(-1)!.at.getTime() + 60_000) : null;
    const rating = solvedAt ? demoRating(plan.index, solvedAt, now) : null;
    if (rating)
      events.push({
        workspaceId,
        ticketId,
        type: 'csat_rated',
        actorType: 'customer',
        actorId: person.id,
        actorName: person.name,
        data: { rating: rating.rating, ...(rating.comment ? { comment: rating.comment } : {}) },
        createdAt: rating.at,
      });
  });
  await db.insert(ticketComments).values(comments);
  await db.insert(ticketEvents).values(events);
  return { tickets: ticketRows.length };
}

const DEMO_RATINGS: { rating: number; comment: string | null }[] = [
  { rating: 5, comment: '处理得很快，客服很耐心，谢谢！' },
  { rating: 4, comment: '问题解决了，就是等了两天。' },
  { rating: 5, comment: null },
  { rating: 3, comment: '换货流程有点复杂，希望能简化。' },
];

/** Two of every three solved demo tickets were rated from the solved email's link, a few hours after solving. */
function demoRating(index: number, solvedAt: Date, now: Date) {
  if (index % 3 === 2) return null;
  const at = new Date(Math.min(now.getTime(), solvedAt.getTime() + 3 * 3_600_000));
  return { ...DEMO_RATINGS[index % DEMO_RATINGS.length]!, at };
}
