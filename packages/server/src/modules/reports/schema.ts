import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn, workspaces } from '../workspaces/schema.js';
import { COUNTERS, type Counter } from './counters.js';

const counterColumns = () =>
  Object.fromEntries(COUNTERS.map((name) => [name, bigint(name, { mode: 'number' }).notNull().default(0)])) as Record<
    Counter,
    ReturnType<typeof bigint>
  >;

/**
 * One row per workspace, hour and (channel, inbox, team, agent): the counts and sums of the
 * facts completed in that hour (docs/metrics.md). No foreign keys on the dimensions: a deleted
 * team or agent keeps its history. Rebuilt from the events at any time (`npm run reports:rebuild`).
 */
export const reportHourly = pgTable(
  'report_hourly',
  {
    workspaceId: workspaceIdColumn(),
    hour: timestampMs('hour').notNull(),
    channel: text('channel'),
    inboxId: uuid('inbox_id'),
    teamId: uuid('team_id'),
    agentId: uuid('agent_id'),
    ...counterColumns(),
  },
  (table) => [index('report_hourly_workspace_hour_idx').on(table.workspaceId, table.hour)],
);

/** How far each workspace's rollup reaches: every hour before `rolledUntil` is in report_hourly. */
export const reportRollupState = pgTable('report_rollup_state', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  rolledUntil: timestampMs('rolled_until').notNull(),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
});
