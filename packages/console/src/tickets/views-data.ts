import type { BulkJob, BulkJobDetail, BulkProgress, Macro, MacroAction, SavedView, TicketFilter } from '@huiliu/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../lib/api';
import { useSession } from '../lib/session';
import { Store, useStore } from '../lib/store';
import { ticketKeys } from './data';

export type { BulkJob, BulkJobDetail, BulkProgress, Macro, MacroAction, SavedView, TicketFilter };

/**
 * Views, their counts and macros. The counts sit under the tickets key, so every
 * `ticket:changed` the tickets pages receive refreshes them with the list.
 */
export const viewKeys = {
  views: (workspaceId: string) => ['ticket-views', workspaceId] as const,
  counts: (workspaceId: string) => [...ticketKeys.all(workspaceId), 'view-counts'] as const,
  macros: (workspaceId: string) => ['macros', workspaceId] as const,
  bulk: (workspaceId: string, id: string) => ['ticket-bulk', workspaceId, id] as const,
};

export function useViews() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: viewKeys.views(workspaceId),
    queryFn: async () => (await api.get<{ items: SavedView[] }>(`/workspaces/${workspaceId}/views`)).items,
  });
}

export function useViewCounts() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: viewKeys.counts(workspaceId),
    queryFn: async () => {
      const { items } = await api.get<{ items: { viewId: string; count: number }[] }>(`/workspaces/${workspaceId}/views/counts`);
      return new Map(items.map((item) => [item.viewId, item.count]));
    },
  });
}

/** Every macro this member may see; `archived` false: only the usable ones. */
export function useMacros(archived?: boolean) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: [...viewKeys.macros(workspaceId), archived ?? 'all'],
    queryFn: async () =>
      (
        await api.get<{ items: Macro[] }>(`/workspaces/${workspaceId}/macros`, {
          archived: archived === undefined ? undefined : String(archived),
        })
      ).items,
  });
}

/** `ticket:bulk` progress by job id, as the socket delivers it (to the agent who started the job). */
export const bulkProgress = new Store<Record<string, BulkProgress>>({});

export function recordBulkProgress(progress: BulkProgress): void {
  bulkProgress.update((all) => {
    const known = all[progress.id];
    // Events of one job may cross on the wire: never show it going backwards.
    if (known && (known.status === 'done' || known.processed > progress.processed)) return all;
    return { ...all, [progress.id]: progress };
  });
}

/**
 * A bulk job as it runs: the socket's progress first; the job's own page is polled while it
 * runs (in case the socket is down or an event was missed) and read once more when it is done,
 * for each ticket's outcome.
 */
export function useBulkJob(job: BulkJob | null) {
  const { workspaceId } = useSession();
  const live = useStore(bulkProgress)[job?.id ?? ''];
  const detail = useQuery({
    queryKey: viewKeys.bulk(workspaceId, job?.id ?? ''),
    enabled: !!job,
    queryFn: () => api.get<BulkJobDetail>(`/workspaces/${workspaceId}/tickets/bulk/${job!.id}`),
    refetchInterval: (query) => (query.state.data?.status === 'done' ? false : 2_000),
  });
  const polled = detail.data;
  const liveDone = live?.status === 'done';
  // The socket says done before the next poll would: fetch the outcomes now.
  const refetch = detail.refetch;
  useEffect(() => {
    if (liveDone) void refetch();
  }, [liveDone, refetch]);
  const progress = [job, polled, live]
    .filter((entry): entry is BulkProgress => !!entry)
    .reduce<BulkProgress | null>(
      (best, entry) => (!best || entry.processed > best.processed || entry.status === 'done' ? entry : best),
      null,
    );
  return { progress, detail: polled?.status === 'done' ? polled : null };
}

/** What a filter says, in a few words, for a view's tooltip. */
export function describeFilter(filter: TicketFilter, t: (key: string) => string): string {
  const parts: string[] = [];
  if (filter.status) parts.push(filter.status.map((value) => t(`tickets.statuses.${value}`)).join('/'));
  if (filter.priority) parts.push(filter.priority.map((value) => t(`priorities.${value}`)).join('/'));
  if (filter.type) parts.push(filter.type.map((value) => t(`tickets.types.${value}`)).join('/'));
  if (filter.tags) parts.push(filter.tags.map((tag) => `#${tag}`).join(' '));
  if (filter.q) parts.push(`“${filter.q}”`);
  return parts.join(' · ');
}

export const newIdempotencyKey = () =>
  crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
