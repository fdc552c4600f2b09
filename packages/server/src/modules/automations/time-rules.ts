import type { AutomationTrigger } from '@huiliu/contracts';
import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import { businessMinutesBetween } from '../calendars/business-time.js';
import type { Executor } from '../users/service.js';
import { fireRule, loadCalendars, type AutomationRow } from './engine.js';
import { automations } from './schema.js';

type TimeTrigger = Extract<AutomationTrigger, { type: 'time' }>;

/** Tickets one sweep looks at per rule; the next sweep continues. */
const BATCH = 200;
const MAX_PAGES = 25;

/** The instant a time rule counts from, as SQL over `t` (tickets). */
function anchorSql(anchor: TimeTrigger['anchor']) {
  switch (anchor) {
    case 'created':
      return sql`t.created_at`;
    case 'updated':
      return sql`t.updated_at`;
    case 'status_changed':
      return sql`coalesce((select max(e.created_at) from ticket_events e where e.ticket_id = t.id and e.type = 'status_changed'), t.created_at)`;
  }
}

/**
 * The tickets due for a time rule at `now`: open, whose anchor lies at least `hours` back (in
 * business hours on the calendar, when it names one), and which the rule has not fired on for
 * this anchor yet. Business time never runs faster than the wall clock, so the wall-clock
 * cut-off narrows the search and the calendar decides.
 */
export async function dueTickets(
  db: Executor,
  rule: AutomationRow,
  now: Date,
  after?: { anchorAt: Date; id: string },
): Promise<{ rows: { id: string; anchorAt: Date }[]; last: { anchorAt: Date; id: string } | undefined }> {
  const trigger = rule.trigger as TimeTrigger;
  const cutoff = new Date(now.getTime() - trigger.hours * 3_600_000);
  const anchor = anchorSql(trigger.anchor);
  const result = await db.execute<{ id: string; anchor_at: Date }>(sql`
    select t.id, ${anchor} as anchor_at from tickets t
    where t.workspace_id = ${rule.workspaceId} and t.status <> 'closed' and ${anchor} <= ${cutoff}
      and not exists (
        select 1 from automation_runs r where r.automation_id = ${rule.id}
          and r.trigger_key = 'time:' || t.id || ':' || to_char(${anchor} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      )
      ${after ? sql`and (${anchor}, t.id) > (${after.anchorAt}, ${after.id})` : sql``}
    order by 2, 1 limit ${BATCH}`);
  const rows = result.rows.map((row) => ({ id: row.id, anchorAt: new Date(row.anchor_at) }));
  const last = rows.length === BATCH ? rows[rows.length - 1] : undefined;
  if (!trigger.calendarId) return { rows, last };
  const calendar = (await loadCalendars(db, rule.workspaceId, [trigger.calendarId])).get(trigger.calendarId);
  if (!calendar) return { rows: [], last: undefined };
  return { rows: rows.filter((row) => businessMinutesBetween(calendar, row.anchorAt, now) >= trigger.hours * 60), last };
}

/**
 * Fires every enabled time rule on the tickets due for it. Each rule is swept under a
 * transaction-scoped advisory lock that other nodes skip rather than wait for, and each firing
 * is keyed by ticket and anchor instant, so across any number of nodes a rule fires once per
 * ticket per anchor ("pending since 09:00 Monday"), and again only after the anchor moves.
 */
export async function sweepTimeRules(ctx: Pick<AppContext, 'db' | 'realtime' | 'secrets'>, now: Date): Promise<number> {
  const rules = await ctx.db
    .select()
    .from(automations)
    .where(and(eq(automations.enabled, true), eq(automations.triggerType, 'time')))
    .orderBy(automations.workspaceId, automations.position);
  let fired = 0;
  for (const rule of rules) {
    const afterCommit = await ctx.db.transaction(async (tx) => {
      const locked = await tx.execute<{ ok: boolean }>(
        sql`select pg_try_advisory_xact_lock(hashtext(${`automation-time:${rule.id}`})) as ok`,
      );
      if (!locked.rows[0]?.ok) return [];
      const publish: (() => void)[] = [];
      // Tickets whose conditions do not hold stay candidates; paging past them keeps them from starving the rest.
      let cursor: { anchorAt: Date; id: string } | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const due = await dueTickets(tx, rule, now, cursor);
        for (const ticket of due.rows) {
          const done = await fireRule(
            tx,
            ctx,
            rule,
            {
              workspaceId: rule.workspaceId,
              subject: { type: 'ticket', id: ticket.id },
              key: `time:${ticket.id}:${ticket.anchorAt.toISOString()}`,
              chain: { depth: 0, steps: [] },
              detail: {
                anchor: (rule.trigger as TimeTrigger).anchor,
                anchorAt: ticket.anchorAt.toISOString(),
                hours: (rule.trigger as TimeTrigger).hours,
              },
              triggerType: 'time',
              messageText: '',
            },
            now,
          );
          if (done) {
            fired += 1;
            publish.push(...done);
          }
        }
        if (!due.last) break;
        cursor = due.last;
      }
      return publish;
    });
    for (const publish of afterCommit) publish();
  }
  return fired;
}
