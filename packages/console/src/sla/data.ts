import type { SlaSummary, SlaTarget } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';
import { useSession } from '../lib/session';

export type { SlaSummary, SlaTarget };
export type SlaSubject = { type: 'ticket' | 'conversation'; id: string };

/**
 * Under the lists' own keys (`tickets/<ws>`, `conversation…`), so what refreshes a ticket or a
 * conversation (`ticket:changed`, `sla:changed`, a reconnect) refreshes its clocks too.
 */
export const slaKeys = {
  targets: (workspaceId: string, subject: SlaSubject) =>
    subject.type === 'ticket'
      ? (['tickets', workspaceId, 'sla', subject.id] as const)
      : (['conversation', workspaceId, subject.id, 'sla'] as const),
};

/** A case's clocks: every target with its policy, calendar, due time and business time left. */
export function useSlaTargets(subject: SlaSubject, enabled = true) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: slaKeys.targets(workspaceId, subject),
    queryFn: async () => (await api.get<{ items: SlaTarget[] }>(`/workspaces/${workspaceId}/${subject.type}s/${subject.id}/sla`)).items,
    enabled,
  });
}

/** The clock a badge shows, as the lists' summary picks it: the soonest still counting (overdue included), else the soonest paused. */
export function summaryOf(targets: readonly SlaTarget[]): (SlaSummary & { target: SlaTarget }) | null {
  const counting = targets.filter((target) => target.status === 'active' || (target.status === 'breached' && !target.achievedAt));
  const paused = targets.filter((target) => target.status === 'paused');
  const byDue = (a: SlaTarget, b: SlaTarget) => a.dueAt.localeCompare(b.dueAt);
  const target = [...counting].sort(byDue)[0] ?? [...paused].sort(byDue)[0];
  if (!target) return null;
  return {
    metric: target.metric,
    status: target.status as SlaSummary['status'],
    dueAt: target.dueAt,
    warnAt: target.warnAt ?? null,
    remainingMs: target.status === 'paused' ? (target.remainingMs ?? null) : null,
    target,
  };
}
