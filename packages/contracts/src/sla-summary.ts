import { z } from 'zod';
import { Timestamp } from './common.js';

/**
 * The clocks of a service-level agreement. first_response: the first public reply after the
 * case opens; next_response: each reply after the customer writes again while we owe them one;
 * periodic_update: a public agent update at least every N minutes while a ticket is open;
 * resolution: the case solved.
 */
export const SlaMetric = z.enum(['first_response', 'next_response', 'periodic_update', 'resolution']);
export type SlaMetric = z.infer<typeof SlaMetric>;

/** The soonest clock a case's badge shows: open or breached-and-unanswered; paused ones last. */
export const SlaSummary = z.object({
  metric: SlaMetric,
  status: z.enum(['active', 'paused', 'breached']),
  dueAt: Timestamp,
  warnAt: Timestamp.nullable(),
  /** Paused clocks: the business milliseconds left when the clock resumes. */
  remainingMs: z.number().int().nullable(),
});
export type SlaSummary = z.infer<typeof SlaSummary>;

/** Lists can be sorted by the soonest SLA due time (cases without an open clock last). */
export const SlaSort = z.enum(['newest', 'sla_due']);

/**
 * Realtime `sla:changed` on `/agent` (workspace room): a case's clocks started, stopped, warned or
 * breached. Ids only; the console refetches what it shows through the API.
 */
export interface SlaChangedEvent {
  subjectType: 'ticket' | 'conversation';
  subjectId: string;
  /** Set for a warning or a breach: the clock's metric. */
  metric?: string;
}
