import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/** The version of the metric definitions in docs/metrics.md; a change to any definition bumps it. */
export const METRICS_VERSION = '1.0';

/**
 * The wait thresholds (seconds) the hourly rollups keep counts for: a service-level target or a
 * short-abandon threshold must be one of them, so that any period is summed exactly from rollups.
 */
export const WAIT_EDGES = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600] as const;

export const SLA_METRICS = ['first_response', 'next_response', 'periodic_update', 'resolution'] as const;

export const METRIC_SETS = ['overview', 'channels', 'inboxes', 'teams', 'agents', 'bot', 'sla', 'csat', 'agent-activity'] as const;
export type MetricSet = (typeof METRIC_SETS)[number];

export const ReportPeriod = z.enum(['today', 'yesterday', 'last_7_days', 'last_30_days', 'custom']);
export const ReportBucket = z.enum(['hour', 'day', 'week', 'month']);

const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .describe('A calendar date in the workspace time zone (YYYY-MM-DD)');
const waitEdge = (name: string) =>
  z.coerce
    .number()
    .int()
    .refine((value) => (WAIT_EDGES as readonly number[]).includes(value), { message: `${name} must be one of ${WAIT_EDGES.join(', ')}` });

export const ReportQuery = z
  .object({
    period: ReportPeriod.default('last_7_days').describe('Which days, in the workspace time zone; custom takes from and to'),
    from: LocalDate.optional().describe('First day of a custom period (YYYY-MM-DD, workspace time zone)'),
    to: LocalDate.optional().describe('Last day of a custom period, included (YYYY-MM-DD)'),
    bucket: ReportBucket.default('day'),
    channel: z.enum(['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice', 'web_form']).optional(),
    inboxId: Id.optional(),
    teamId: Id.optional(),
    agentId: Id.optional(),
    serviceLevelTargetSeconds: waitEdge('serviceLevelTargetSeconds')
      .optional()
      .describe(
        `Answered within this many seconds counts toward the service level (one of ${WAIT_EDGES.join(', ')}); default the workspace setting`,
      ),
    shortAbandonSeconds: z.coerce
      .number()
      .int()
      .refine((value) => value === 0 || (WAIT_EDGES as readonly number[]).includes(value), {
        message: `shortAbandonSeconds must be 0 or one of ${WAIT_EDGES.join(', ')}`,
      })
      .default(0)
      .describe('Abandons after at most this wait are short abandons, left out of offered, abandoned and the rates (0: none)'),
    fcrDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(30)
      .default(7)
      .describe('First contact resolution: no reopen or new contact within this many days'),
    compare: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true')
      .describe('Also compute the previous period of the same length'),
    format: z.enum(['json', 'csv']).optional().describe('csv is the same as Accept: text/csv'),
  })
  .refine((query) => query.period !== 'custom' || (query.from && query.to && query.from <= query.to), {
    message: 'a custom period needs from and to (YYYY-MM-DD), from not after to',
    path: ['from'],
  });
export type ReportQuery = z.infer<typeof ReportQuery>;

/** Metric name → value (null where the denominator is zero); the names are defined in docs/metrics.md. */
export const ReportMetrics = z.record(z.string(), z.number().nullable());

export const ReportRow = z.object({
  key: z.string().nullable().describe('The group: a channel, inbox, team or agent id, or null for the whole workspace'),
  label: z.string().nullable(),
  totals: ReportMetrics,
  previous: ReportMetrics.nullable(),
  buckets: z.array(z.object({ start: Timestamp, label: z.string(), metrics: ReportMetrics })),
});

export const Report = z.object({
  metricSet: z.enum(METRIC_SETS),
  metricsVersion: z.string(),
  timezone: z.string(),
  bucket: ReportBucket,
  period: z.object({ start: Timestamp, end: Timestamp, from: z.string(), to: z.string() }),
  previousPeriod: z.object({ start: Timestamp, end: Timestamp }).nullable(),
  settings: z.object({ serviceLevelTargetSeconds: z.number(), shortAbandonSeconds: z.number(), fcrDays: z.number() }),
  metrics: z.array(z.string()).describe('The metrics this set reports, in column order'),
  rows: z.array(ReportRow),
});
export type Report = z.infer<typeof Report>;
