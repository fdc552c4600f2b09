import { sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { auditLog } from '../audit/schema.js';
import { listMembershipsOfUser } from '../users/service.js';

export const LOGIN_THROTTLED_ACTION = 'auth.login_throttled';
/** One mail an hour at most, so a guesser cannot turn the alert into a mail flood. */
const MAIL_INTERVAL_MINUTES = 60;

/**
 * Tells the owner that someone is guessing their password: an audit entry in each of their
 * workspaces (admins see it in the console's audit log) and, when SMTP is configured, a mail
 * to the owner. Failure to notify never fails the login answer.
 */
export async function notifyLoginThrottled(ctx: AppContext, user: { id: string; email: string }, ip: string): Promise<void> {
  try {
    const recent = await ctx.db.execute(sql`
      select 1 from ${auditLog}
      where ${auditLog.action} = ${LOGIN_THROTTLED_ACTION} and ${auditLog.targetId} = ${user.id}
        and ${auditLog.createdAt} > now() - make_interval(mins => ${MAIL_INTERVAL_MINUTES})
      limit 1`);
    const memberships = await listMembershipsOfUser(ctx.db, user.id);
    if (memberships.length > 0) {
      await ctx.db.insert(auditLog).values(
        memberships.map((membership) => ({
          workspaceId: membership.workspaceId,
          actorUserId: null,
          action: LOGIN_THROTTLED_ACTION,
          targetType: 'user',
          targetId: user.id,
          after: { email: user.email, ip },
          ip,
        })),
      );
    }
    if (recent.rows.length > 0 || !ctx.mailer.configured) return;
    await ctx.mailer.send({
      to: user.email,
      subject: '汇流账号登录异常 / Failed logins to your Huiliu account',
      text: [
        `有人从 ${ip} 多次用错误的密码尝试登录您的汇流账号，来自该地址的登录已被暂时延迟。`,
        '如果不是您本人，请尽快修改密码；您从常用的设备登录不受影响。',
        '',
        `Someone at ${ip} tried to log in to your Huiliu account with wrong passwords; logins from there are delayed for now.`,
        'If this was not you, change your password. Logging in from your usual device is not affected.',
        '',
        `${ctx.config.publicUrl}/`,
      ].join('\n'),
    });
  } catch (error) {
    ctx.logger.warn({ err: error, userId: user.id }, 'could not notify the owner of throttled logins');
  }
}
