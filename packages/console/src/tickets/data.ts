import type { BulkProgress, SlaChangedEvent, Ticket, TicketDetail } from '@huiliu/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { io } from 'socket.io-client';
import { api, type Page } from '../lib/api';
import { liveStatus } from '../lib/live';
import { useSession } from '../lib/session';

export type { Ticket, TicketDetail };
export type TicketStatus = Ticket['status'];
export const STATUSES: TicketStatus[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const PRIORITIES: Ticket['priority'][] = ['low', 'normal', 'high', 'urgent'];
export const STATUS_COLORS: Record<TicketStatus, string> = {
  new: 'gold',
  open: 'red',
  pending: 'blue',
  on_hold: 'default',
  solved: 'green',
  closed: 'default',
};

export const ticketKeys = {
  all: (workspaceId: string) => ['tickets', workspaceId] as const,
  list: (workspaceId: string, filter: Record<string, string | undefined>) => ['tickets', workspaceId, 'list', filter] as const,
  detail: (workspaceId: string, id: string) => ['tickets', workspaceId, 'detail', id] as const,
};

export function useTicket(id: string) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ticketKeys.detail(workspaceId, id),
    queryFn: () => api.get<TicketDetail>(`/workspaces/${workspaceId}/tickets/${id}`),
  });
}

export function useTicketList(filter: Record<string, string | undefined>) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ticketKeys.list(workspaceId, filter),
    queryFn: () => api.get<Page<Ticket>>(`/workspaces/${workspaceId}/tickets`, { ...filter, limit: 100 }),
  });
}

/**
 * `ticket:changed` and `sla:changed` carry ids only (who may see what is the API's decision):
 * refetch what is on screen (the list, the open ticket, the views' counts). Its own socket, so the
 * tickets pages stay live outside the inbox too (and the header's live tag says whether it is). A
 * bulk job changes many tickets at once, so the refetch waits for a quiet moment rather than
 * running once per ticket. `onBulk` gets the progress of the bulk jobs this agent started
 * (`ticket:bulk`, sent to their own room only).
 */
export function useTicketUpdates(onBulk?: (progress: BulkProgress) => void) {
  const { workspaceId } = useSession();
  const client = useQueryClient();
  useEffect(() => {
    const socket = io('/agent', { withCredentials: true, transports: ['websocket', 'polling'] });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => void client.invalidateQueries({ queryKey: ticketKeys.all(workspaceId) });
    const refreshSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    };
    socket.on('ticket:changed', refreshSoon);
    // A warning or a breach from the SLA sweep: the badges (lists, the ticket's clocks) refetch.
    socket.on('sla:changed', (event: SlaChangedEvent) => {
      if (event.subjectType === 'ticket') refreshSoon();
    });
    // Events sent while the socket was down are lost: every (re)connection refetches what is shown.
    socket.on('connect', () => {
      liveStatus.set('live');
      refresh();
    });
    // The header's live/offline tag: on the tickets pages this is the socket that keeps them live.
    socket.on('disconnect', () => liveStatus.set('down'));
    socket.on('connect_error', () => liveStatus.set('down'));
    if (onBulk) socket.on('ticket:bulk', onBulk);
    return () => {
      clearTimeout(timer);
      socket.close();
    };
  }, [client, workspaceId, onBulk]);
}
