import type { SlaSummary } from '@huiliu/contracts';

/** What a badge shows: the state colours it, `ms` is the time left (or, breached, how late). */
export type BadgeState = { kind: 'ok' | 'warning'; ms: number } | { kind: 'breached'; ms: number } | { kind: 'paused'; ms: number | null };

/**
 * The badge of a case's soonest clock at `now` (the browser's clock, ticking): due times are
 * fixed instants (computed on the calendar when the clock started), so the countdown needs no
 * refetch; only a state change (paused, met, breached by the sweep) comes from the server.
 */
export function badgeState(summary: Pick<SlaSummary, 'status' | 'dueAt' | 'warnAt' | 'remainingMs'>, now: number): BadgeState {
  if (summary.status === 'paused') return { kind: 'paused', ms: summary.remainingMs };
  const left = new Date(summary.dueAt).getTime() - now;
  // Past due counts as breached before the sweep (at most one interval late) says so.
  if (summary.status === 'breached' || left < 0) return { kind: 'breached', ms: Math.max(0, -left) };
  const warnAt = summary.warnAt ? new Date(summary.warnAt).getTime() : null;
  return { kind: warnAt !== null && now >= warnAt ? 'warning' : 'ok', ms: left };
}

export const BADGE_COLORS: Record<BadgeState['kind'], string> = {
  ok: 'green',
  warning: 'orange',
  breached: 'red',
  paused: 'default',
};
