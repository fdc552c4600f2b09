import type { SlaConditions, SlaTargetSpec } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { calendars } from '../calendars/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** SLA policies: ordered, the first enabled one whose conditions a case meets applies. */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    conditions: jsonb('conditions').$type<SlaConditions>().notNull().default({}),
    targets: jsonb('targets').$type<Partial<Record<string, SlaTargetSpec>>>().notNull(),
    calendarId: uuid('calendar_id').references(() => calendars.id, { onDelete: 'restrict' }),
    warnBeforeMinutes: integer('warn_before_minutes').notNull().default(15),
    /** Ticket statuses that stop the clocks. */
    pauseStatuses: text('pause_statuses')
      .array()
      .$type<('new' | 'open' | 'pending' | 'on_hold')[]>()
      .notNull()
      .default(sql`'{pending,on_hold}'`),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('sla_policies_workspace_name_unique').on(table.workspaceId, table.name),
    index('sla_policies_workspace_position_idx').on(table.workspaceId, table.position),
  ],
);

/**
 * One clock of one case. A target is started once per origin (the event that started it), so
 * an event handled twice starts nothing twice; it ends achieved, breached or cancelled, with
 * its timestamps kept for the reports.
 */
export const slaTargets = pgTable(
  'sla_targets',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    subjectType: text('subject_type', { enum: ['conversation', 'ticket'] }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    metric: text('metric', { enum: ['first_response', 'next_response', 'periodic_update', 'resolution'] }).notNull(),
    origin: text('origin').notNull(),
    policyId: uuid('policy_id').references(() => slaPolicies.id, { onDelete: 'set null' }),
    policyName: text('policy_name').notNull(),
    calendarId: uuid('calendar_id').references(() => calendars.id, { onDelete: 'set null' }),
    businessTime: boolean('business_time').notNull(),
    targetMinutes: integer('target_minutes').notNull(),
    status: text('status', { enum: ['active', 'paused', 'achieved', 'breached', 'cancelled'] })
      .notNull()
      .default('active'),
    startedAt: timestampMs('started_at').notNull(),
    dueAt: timestampMs('due_at').notNull(),
    warnAt: timestampMs('warn_at'),
    warnedAt: timestampMs('warned_at'),
    achievedAt: timestampMs('achieved_at'),
    breachedAt: timestampMs('breached_at'),
    pausedAt: timestampMs('paused_at'),
    /**
     * Pausing and recomputing keep the clock exact: `consumedMs` business milliseconds were used
     * before `anchorAt` (null: the start), and the due time is `anchor + (target − consumed)` on
     * the calendar. A pause adds the time since the anchor; a resume moves the anchor.
     */
    anchorAt: timestampMs('anchor_at'),
    consumedMs: bigint('consumed_ms', { mode: 'number' }).notNull().default(0),
    reason: jsonb('reason').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('sla_targets_origin_unique').on(table.subjectType, table.subjectId, table.metric, table.origin),
    index('sla_targets_subject_idx').on(table.subjectType, table.subjectId),
    index('sla_targets_due_idx')
      .on(table.dueAt)
      .where(sql`status = 'active'`),
    // "Due soonest" list sorting: the soonest open (or breached, still unanswered) clock per case.
    index('sla_targets_open_subject_due_idx')
      .on(table.subjectType, table.subjectId, table.dueAt)
      .where(sql`status in ('active', 'paused') or (status = 'breached' and achieved_at is null)`),
    index('sla_targets_warn_idx')
      .on(table.warnAt)
      .where(sql`status = 'active' and warned_at is null`),
  ],
);
