import { and, asc, eq, isNull } from 'drizzle-orm';
import { callbackAttempts, callbackTasks } from '../modules/callbacks/schema.js';
import { customers } from '../modules/customers/schema.js';
import type { Executor } from '../modules/users/service.js';

const MINUTE = 60_000;

/** Callback tasks as a morning finds them: some overdue, some due soon, one tried already, one done. */
const TASKS = [
  { reason: '机器人没答上来“发票怎么开”，客户离开了，电话回访', source: 'bot_unresolved', channel: 'phone', dueIn: -90 },
  { reason: '排队等了 6 分钟后离开，回电确认退货进度', source: 'queue_abandoned', channel: 'phone', dueIn: -20 },
  { reason: '满意度 1 星：“退款太慢”，致电安抚并说明到账时间', source: 'csat_negative', channel: 'phone', dueIn: 30 },
  { reason: '客户要求明天上午短信告知换货物流单号', source: 'agent', channel: 'sms', dueIn: 18 * 60 },
  { reason: '工单已解决，邮件回访使用情况', source: 'automation', channel: 'email', dueIn: 26 * 60 },
  { reason: '微信回访：上次咨询的尺码问题是否解决', source: 'agent', channel: 'wechat', dueIn: -30 * 60, done: true },
] as const;

/** A few callback tasks for the demo's customers, given to the after-sales team's agents. */
export async function seedDemoCallbacks(
  db: Executor,
  input: { workspaceId: string; teamId: string; agents: { id: string; name: string }[]; now?: Date },
): Promise<{ callbacks: number }> {
  const now = input.now ?? new Date();
  const people = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.workspaceId, input.workspaceId), isNull(customers.mergedIntoId)))
    .orderBy(asc(customers.createdAt))
    .limit(TASKS.length);
  if (people.length === 0 || input.agents.length === 0) return { callbacks: 0 };
  let made = 0;
  for (const [index, plan] of TASKS.entries()) {
    const agent = input.agents[index % input.agents.length]!;
    const createdAt = new Date(now.getTime() - (4 * 60 + index * 30) * MINUTE);
    const done = 'done' in plan && plan.done;
    const [task] = await db
      .insert(callbackTasks)
      .values({
        workspaceId: input.workspaceId,
        customerId: people[index % people.length]!.id,
        reason: plan.reason,
        source: plan.source,
        sourceItem: `demo-${index + 1}`,
        assigneeId: agent.id,
        teamId: input.teamId,
        channel: plan.channel,
        status: done ? 'done' : 'open',
        dueAt: new Date(now.getTime() + plan.dueIn * MINUTE),
        attemptCount: index === 1 || done ? 1 : 0,
        outcomeNote: done ? '客户确认已解决，表示满意' : index === 1 ? '无人接听' : '',
        createdAt,
        updatedAt: createdAt,
        closedAt: done ? new Date(now.getTime() - 60 * MINUTE) : null,
      })
      .returning({ id: callbackTasks.id });
    if (index === 1 || done)
      await db.insert(callbackAttempts).values({
        workspaceId: input.workspaceId,
        taskId: task!.id,
        outcome: done ? 'reached' : 'not_reached',
        channel: plan.channel,
        note: done ? '客户确认已解决' : '无人接听',
        byId: agent.id,
        byName: agent.name,
        createdAt: new Date(now.getTime() - 2 * 60 * MINUTE),
      });
    made += 1;
  }
  return { callbacks: made };
}
