import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { ChannelKind, Priority } from './conversations.js';

import { SlaMetric } from './sla-summary.js';

export { SlaMetric } from './sla-summary.js';

/** Which cases a policy covers: every listed condition must hold; within one, any listed value. Empty: every case. */
export const SlaConditions = z.object({
  channels: z.array(ChannelKind).max(10).optional(),
  inboxIds: z.array(Id).max(100).optional(),
  priorities: z.array(Priority).max(4).optional(),
  customerTiers: z
    .array(z.enum(['normal', 'vip']))
    .max(2)
    .optional(),
  /** Any of these customer tags. */
  customerTags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  /** Tickets only (a conversation never matches a policy that names them): any of these ticket types. */
  ticketTypes: z
    .array(z.enum(['question', 'incident', 'problem', 'task']))
    .max(4)
    .optional(),
  /** Tickets only: any of these ticket forms. */
  formIds: z.array(Id).max(100).optional(),
  /** Tickets only: per custom field key, any of these values (a multi-value field: any shared value). */
  fields: z
    .record(z.string().trim().min(1).max(64), z.array(z.string().max(200)).min(1).max(50))
    .refine((value) => Object.keys(value).length <= 20, 'at most 20 field conditions')
    .optional(),
});
export type SlaConditions = z.infer<typeof SlaConditions>;

/** A target per priority in minutes (a priority left out has no target), counted on the business calendar or around the clock. */
export const SlaTargetSpec = z.object({
  minutes: z.partialRecord(
    Priority,
    z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 365),
  ),
  businessTime: z.boolean().default(true),
});
export type SlaTargetSpec = z.infer<typeof SlaTargetSpec>;

/** A policy with no targets is an exemption: the cases it matches first get no SLA (an internal or spam inbox). */
export const SlaTargets = z.partialRecord(SlaMetric, SlaTargetSpec);

const policyFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000),
  enabled: z.boolean(),
  conditions: SlaConditions,
  targets: SlaTargets,
  /** The calendar business-time targets count on; null: business time is every minute. */
  calendarId: Id.nullable(),
  /** A warning fires this long before a target is due (0: none). */
  warnBeforeMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 7),
  /** Ticket statuses that stop the clocks (the business time spent in them does not count). */
  pauseStatuses: z.array(z.enum(['new', 'open', 'pending', 'on_hold'])).max(4),
};

export const SlaPolicy = z.object({
  id: Id,
  ...policyFields,
  /** First match wins, lowest position first. */
  position: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export const CreateSlaPolicyRequest = z.object({
  ...policyFields,
  description: policyFields.description.default(''),
  enabled: policyFields.enabled.default(true),
  conditions: SlaConditions.default({}),
  calendarId: policyFields.calendarId.default(null),
  warnBeforeMinutes: policyFields.warnBeforeMinutes.default(15),
  pauseStatuses: policyFields.pauseStatuses.default(['pending', 'on_hold']),
});

export const UpdateSlaPolicyRequest = z
  .object(policyFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

/** The policies' new order: every policy id of the workspace, first match first. */
export const ReorderSlaPoliciesRequest = z.object({ ids: z.array(Id).min(1).max(200) });

export const SlaTargetStatus = z.enum(['active', 'paused', 'achieved', 'breached', 'cancelled']);

export const SlaTarget = z.object({
  id: Id,
  metric: SlaMetric,
  policyId: Id.nullable(),
  policyName: z.string(),
  status: SlaTargetStatus,
  startedAt: Timestamp,
  dueAt: Timestamp,
  businessTime: z.boolean(),
  targetMinutes: z.number().int(),
  warnedAt: Timestamp.nullable(),
  /** When achieved: when; when breached: the due time it passed (also after a late reply). */
  achievedAt: Timestamp.nullable(),
  breachedAt: Timestamp.nullable(),
  pausedAt: Timestamp.nullable(),
  /** When the warning fires (null: no warning); in business time on the calendar, like the due time. */
  warnAt: Timestamp.nullable().optional(),
  /** Business milliseconds still left on the clock (while paused it stands still; breached: 0). */
  remainingMs: z.number().int().nullable().optional(),
  /** Which policy applied and why: the conditions it matched, with the case's values. */
  reason: z.record(z.string(), z.unknown()),
});
export type SlaTarget = z.infer<typeof SlaTarget>;
