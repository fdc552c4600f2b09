import { SLA_METRICS, WAIT_EDGES } from '@huiliu/contracts';

/**
 * What the hourly rollup keeps: counts and sums only, never averages or ratios, so any set of
 * hours adds up exactly. Wait thresholds are kept as one count per edge (WAIT_EDGES), which is
 * what lets the service-level target and the short-abandon threshold be chosen per report.
 */
export const COUNTERS = [
  'offered',
  'answered',
  'answer_wait_ms',
  ...WAIT_EDGES.map((edge) => `answered_within_${edge}` as const),
  'abandoned',
  'abandon_wait_ms',
  ...WAIT_EDGES.map((edge) => `abandoned_within_${edge}` as const),
  'first_responses',
  'first_response_ms',
  'responses',
  'response_ms',
  'resolutions',
  'handled_resolutions',
  'handle_ms',
  'reopens',
  'transfers',
  'bot_conversations',
  'bot_contained',
  'bot_handoffs',
  ...SLA_METRICS.flatMap((metric) => [`sla_${metric}_achieved` as const, `sla_${metric}_breached` as const]),
  'csat_responses',
  'csat_satisfied',
  'csat_score_sum',
  'tickets_created',
  'tickets_solved',
  'tickets_reopened',
  'tickets_escalated',
  'tickets_backlog_delta',
  'online_ms',
  'busy_ms',
  'away_ms',
  'occupied_ms',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

export const zeroCounts = (): Counts => Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Counts;

/** The dimensions every fact and every rollup row carries. */
export const DIMENSIONS = ['channel', 'inbox_id', 'team_id', 'agent_id'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
