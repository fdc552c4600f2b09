import { SLA_METRICS, type MetricSet } from '@huiliu/contracts';
import type { Counts } from './counters.js';

/** What a report's figures depend on besides the events. */
export interface MetricSettings {
  serviceLevelTargetSeconds: number;
  shortAbandonSeconds: number;
  fcrDays: number;
}

/** Figures that need the raw facts (a median cannot be summed; FCR looks ahead N days). */
export interface RawFigures {
  frtMedianMs: number | null;
  responseMedianMs: number | null;
  fcrResolutions: number;
  fcrResolved: number;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
const avgSeconds = (sumMs: number, count: number) => seconds(ratio(sumMs, count));

/**
 * Every metric from the summed counters: the definitions of docs/metrics.md, in code. Each
 * value is computed from sums, so a week's figure is never an average of daily averages.
 */
export function deriveMetrics(c: Counts, raw: RawFigures, settings: MetricSettings, backlog: number | null) {
  const short = settings.shortAbandonSeconds > 0 ? c[`abandoned_within_${settings.shortAbandonSeconds}` as keyof Counts] : 0;
  const offered = c.offered - short;
  const abandoned = c.abandoned - short;
  const withinTarget = c[`answered_within_${settings.serviceLevelTargetSeconds}` as keyof Counts];
  const slaAchieved = SLA_METRICS.reduce((sum, metric) => sum + c[`sla_${metric}_achieved`], 0);
  const slaBreached = SLA_METRICS.reduce((sum, metric) => sum + c[`sla_${metric}_breached`], 0);
  return {
    offered,
    handled: c.answered,
    abandoned,
    short_abandoned: short,
    abandonment_rate: ratio(abandoned, offered),
    asa_seconds: avgSeconds(c.answer_wait_ms, c.answered),
    service_level: ratio(withinTarget, offered),
    frt_avg_seconds: avgSeconds(c.first_response_ms, c.first_responses),
    frt_median_seconds: seconds(raw.frtMedianMs),
    response_avg_seconds: avgSeconds(c.response_ms, c.responses),
    response_median_seconds: seconds(raw.responseMedianMs),
    aht_seconds: avgSeconds(c.handle_ms, c.handled_resolutions),
    resolutions: c.resolutions,
    fcr_rate: ratio(raw.fcrResolved, raw.fcrResolutions),
    transfers: c.transfers,
    transfer_rate: ratio(c.transfers, c.answered),
    reopens: c.reopens,
    reopen_rate: ratio(c.reopens, c.resolutions),
    bot_conversations: c.bot_conversations,
    bot_contained: c.bot_contained,
    bot_handoffs: c.bot_handoffs,
    bot_containment_rate: ratio(c.bot_contained, c.bot_conversations),
    bot_handoff_rate: ratio(c.bot_handoffs, c.bot_conversations),
    ...Object.fromEntries(
      SLA_METRICS.flatMap((metric) => {
        const achieved = c[`sla_${metric}_achieved`];
        const breached = c[`sla_${metric}_breached`];
        return [
          [`sla_${metric}_achieved`, achieved],
          [`sla_${metric}_breached`, breached],
          [`sla_${metric}_compliance`, ratio(achieved, achieved + breached)],
        ];
      }),
    ),
    sla_compliance: ratio(slaAchieved, slaAchieved + slaBreached),
    csat_responses: c.csat_responses,
    csat_satisfied_rate: ratio(c.csat_satisfied, c.csat_responses),
    csat_average: ratio(c.csat_score_sum, c.csat_responses),
    tickets_created: c.tickets_created,
    tickets_solved: c.tickets_solved,
    tickets_reopened: c.tickets_reopened,
    tickets_escalated: c.tickets_escalated,
    escalation_rate: ratio(c.tickets_escalated, c.tickets_created),
    tickets_backlog: backlog,
    online_seconds: c.online_ms / 1000,
    busy_seconds: c.busy_ms / 1000,
    away_seconds: c.away_ms / 1000,
    occupied_seconds: c.occupied_ms / 1000,
    occupancy: ratio(c.occupied_ms, c.online_ms + c.busy_ms),
  } satisfies Record<string, number | null>;
}
export type MetricName =
  keyof ReturnType<typeof deriveMetrics> | `sla_${(typeof SLA_METRICS)[number]}_${'achieved' | 'breached' | 'compliance'}`;

const CONTACT: MetricName[] = [
  'offered',
  'handled',
  'abandoned',
  'abandonment_rate',
  'asa_seconds',
  'service_level',
  'frt_avg_seconds',
  'frt_median_seconds',
  'response_avg_seconds',
  'response_median_seconds',
  'aht_seconds',
  'resolutions',
  'fcr_rate',
  'transfer_rate',
  'reopen_rate',
  'csat_satisfied_rate',
  'csat_average',
  'sla_compliance',
];

/** Each metric set: what it groups by and which metrics it shows. */
export const METRIC_SET_SHAPES: Record<
  MetricSet,
  { groupBy: 'channel' | 'inbox_id' | 'team_id' | 'agent_id' | null; metrics: MetricName[] }
> = {
  overview: {
    groupBy: null,
    metrics: [...CONTACT, 'bot_containment_rate', 'tickets_created', 'tickets_solved', 'tickets_backlog', 'escalation_rate'],
  },
  channels: { groupBy: 'channel', metrics: [...CONTACT, 'bot_containment_rate', 'tickets_created', 'tickets_solved'] },
  inboxes: { groupBy: 'inbox_id', metrics: [...CONTACT, 'bot_containment_rate'] },
  teams: { groupBy: 'team_id', metrics: [...CONTACT, 'tickets_created', 'tickets_solved'] },
  agents: {
    groupBy: 'agent_id',
    metrics: [
      ...CONTACT.filter((name) => name !== 'offered' && name !== 'abandoned' && name !== 'abandonment_rate' && name !== 'service_level'),
      'occupancy',
    ],
  },
  bot: {
    groupBy: null,
    metrics: ['bot_conversations', 'bot_contained', 'bot_handoffs', 'bot_containment_rate', 'bot_handoff_rate', 'frt_avg_seconds'],
  },
  sla: {
    groupBy: null,
    metrics: [
      ...SLA_METRICS.flatMap((metric) => [`sla_${metric}_achieved`, `sla_${metric}_breached`, `sla_${metric}_compliance`] as const),
      'sla_compliance',
    ],
  },
  csat: { groupBy: null, metrics: ['csat_responses', 'csat_satisfied_rate', 'csat_average'] },
  'agent-activity': {
    groupBy: 'agent_id',
    metrics: ['online_seconds', 'busy_seconds', 'away_seconds', 'occupied_seconds', 'occupancy', 'handled', 'aht_seconds'],
  },
};
