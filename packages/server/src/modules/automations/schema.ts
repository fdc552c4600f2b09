import type { AutomationAction, AutomationConditions, AutomationTrigger } from '@huiliu/contracts';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Automations run in position order; `triggerType` is kept beside the JSON so the event handler and the time sweep select only their rules. */
export const automations = pgTable(
  'automations',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** What the rule acts on: tickets, or conversations. */
    subject: text('subject', { enum: ['ticket', 'conversation'] })
      .notNull()
      .default('ticket'),
    triggerType: text('trigger_type').notNull(),
    trigger: jsonb('trigger').$type<AutomationTrigger>().notNull(),
    conditions: jsonb('conditions').$type<AutomationConditions>().notNull(),
    /** Webhook secrets inside are sealed with the SecretBox. */
    actions: jsonb('actions').$type<AutomationAction[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('automations_workspace_name_unique').on(table.workspaceId, table.name),
    index('automations_workspace_trigger_idx').on(table.workspaceId, table.triggerType, table.position),
  ],
);

/**
 * The execution log, one row per firing. `(automation_id, trigger_key)` is unique: the key names
 * the change that fired it (an outbox event id, or a time rule's ticket and anchor instant), so a
 * rule never fires twice on the same change, however often the event is delivered.
 */
export const automationRuns = pgTable(
  'automation_runs',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    automationId: uuid('automation_id').references(() => automations.id, { onDelete: 'set null' }),
    automationName: text('automation_name').notNull(),
    subjectType: text('subject_type', { enum: ['ticket', 'conversation'] }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    triggerType: text('trigger_type').notNull(),
    triggerKey: text('trigger_key').notNull(),
    triggerDetail: jsonb('trigger_detail').$type<Record<string, unknown>>().notNull().default({}),
    depth: integer('depth').notNull().default(0),
    status: text('status', { enum: ['done', 'partial', 'failed', 'skipped_depth'] }).notNull(),
    conditions: jsonb('conditions').$type<{ summary: string; matched: boolean }[]>().notNull().default([]),
    actions: jsonb('actions').$type<{ kind: string; ok: boolean; summary: string; error: string | null }[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('automation_runs_once_unique').on(table.automationId, table.triggerKey),
    index('automation_runs_subject_idx').on(table.workspaceId, table.subjectType, table.subjectId, table.createdAt),
    index('automation_runs_automation_idx').on(table.automationId, table.createdAt),
  ],
);
